package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"

	"github.com/kvbridge/kvbridge/internal/termsafe"
	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/room"
	"github.com/kvbridge/kvbridge/tui/dashboard"
)

func init() { register(newRoomCmd) }

// newRoomCmd is the trainer's room: serve it, watch it, report on it.
func newRoomCmd(a *app) *cobra.Command {
	c := &cobra.Command{
		Use:   "room",
		Short: "the trainer's room: practice tenants for a workshop, a live view of every seat, a report",
		Long: `kvbridge room serves a workshop: one practice tenant per seat, reached through one
address; trainees join with the one string it prints (kvbridge join JOIN). The trainer
watches every seat live, reveals, breaks or resets a seat, and ends with a merged report.`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("room: say serve, watch or report")
			}
			return usagef("room: unknown command %q (serve, watch or report)", args[0])
		},
		RunE: func(*cobra.Command, []string) error { return nil },
	}
	c.AddCommand(newRoomServeCmd(a), newRoomWatchCmd(a), newRoomReportCmd(a))
	return c
}

type roomServeFlags struct {
	seats          int
	plan, addr     string
	state          string
	seed           int64
	json           bool
	stuckAfter     time.Duration
	dashboardWatch bool
}

func newRoomServeCmd(a *app) *cobra.Command {
	var f roomServeFlags
	c := &cobra.Command{
		Use:   "serve [flags]",
		Short: "serve a room of practice tenants until interrupted",
		Long: `kvbridge room serve runs a room: one practice tenant per seat, the scenario of each from
the plan (a scenario's name for every seat, mix to deal the broken scenarios a seat can find round
the room, mystery for a hidden one per seat; --seed makes the room reproducible), the
answer key with the trainer only. On a terminal it shows the dashboard; with --json the
first line is one object: join, url, code, pin, trainer_key, state_file.

The room's state is saved to --state after every change (mode 0600: it holds the
trainer key and the practice tenants); serving the same file again resumes the room,
and seats rejoin with the tokens they hold.`,
		Example: `  kvbridge room serve --seats 12 --scenario mix --addr 192.168.1.20:8443
  kvbridge room serve --seats 30 --scenario mystery --seed 7 --json`,
		Args: noArgs,
		RunE: func(*cobra.Command, []string) error {
			a.signalEnds = true // a room ends with ctrl+c: that is success
			return runRoomServe(a.ctx, f, a.io)
		},
	}
	fl := c.Flags()
	fl.IntVar(&f.seats, "seats", 10, "number of seats, 1 to 500")
	fl.StringVar(&f.plan, "scenario", "mix", "the plan: a `SCENARIO` for every seat, mix, or mystery")
	fl.Int64Var(&f.seed, "seed", 0, "a seed `N` that deals the same room again (0: a random one, recorded)")
	fl.StringVar(&f.addr, "addr", "127.0.0.1:0", "`HOST:PORT` to listen on; a LAN address lets trainees' laptops reach it")
	fl.StringVar(&f.state, "state", "", "the room's state `FILE` (default kvbridge-room.json in the state directory)")
	fl.BoolVar(&f.json, "json", false, "print the join details as one JSON line, then serve")
	fl.DurationVar(&f.stuckAfter, "stuck-after", room.DefaultStuckAfter, "mark a seat stuck after this long without progress")
	_ = c.RegisterFlagCompletionFunc("scenario", func(c *cobra.Command, args []string, s string) ([]cobra.Completion, cobra.ShellCompDirective) {
		out, d := completeScenarios(c, args, s)
		return append(out, cobra.CompletionWithDesc("mix", "the broken scenarios dealt round the room")), d
	})
	return c
}

// roomServeJSON is room serve --json's first line.
type roomServeJSON struct {
	Join       string `json:"join"`
	URL        string `json:"url"`
	Code       string `json:"code"`
	Pin        string `json:"pin"`
	TrainerKey string `json:"trainer_key"`
	StateFile  string `json:"state_file"`
	Seats      int    `json:"seats"`
	Plan       string `json:"plan"`
	Seed       int64  `json:"seed"`
	Public     bool   `json:"public"`
	Resumed    bool   `json:"resumed"`
}

func defaultRoomState() (string, error) {
	dir, err := steps.DefaultStateDir()
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	return filepath.Join(dir, "kvbridge-room.json"), nil
}

func runRoomServe(ctx context.Context, f roomServeFlags, std stdio) error {
	if f.seats < 1 || f.seats > room.MaxSeats {
		return usagef("room serve: --seats must be 1 to %d", room.MaxSeats)
	}
	if f.stuckAfter <= 0 {
		return usagef("room serve: --stuck-after must be positive")
	}
	if _, err := room.PlanSeats(f.plan, 1, 1); err != nil {
		return usagef("room serve: --scenario: %v", err)
	}
	if f.state == "" {
		p, err := defaultRoomState()
		if err != nil {
			return err
		}
		f.state = p
	}
	r, err := room.Start(room.Options{Seats: f.seats, Plan: f.plan, Seed: f.seed, Addr: f.addr, StatePath: f.state, StuckAfter: f.stuckAfter})
	if err != nil {
		if strings.Contains(err.Error(), "--addr") {
			return usagef("room serve: %v", err)
		}
		return fmt.Errorf("room serve: %w", err)
	}
	defer r.Close()
	plan, seed := r.Plan()
	j := r.Join()
	if r.Public() {
		fmt.Fprintf(std.err, "kvbridge: the room listens on %s, beyond this machine (trainees use %s): anyone on the network can reach it, and a seat needs the join code.\n", r.ListenAddr(), r.URL())
	}
	if r.Resumed() {
		fmt.Fprintf(std.err, "kvbridge: resumed the room saved in %s (%d seats, plan %s); --seats, --scenario and --seed apply to a new state file only.\n", f.state, r.NumSeats(), plan)
	}
	if f.json {
		line, _ := json.Marshal(roomServeJSON{Join: j.String(), URL: r.URL(), Code: j.Code, Pin: room.PinString(j.Pin), TrainerKey: r.TrainerKey(),
			StateFile: f.state, Seats: r.NumSeats(), Plan: plan, Seed: seed, Public: r.Public(), Resumed: r.Resumed()})
		if _, err := fmt.Fprintf(std.out, "%s\n", line); err != nil {
			return err
		}
		<-ctx.Done()
		return nil
	}
	if isTerminal(std.in) && isTerminal(std.out) {
		title := fmt.Sprintf("kvbridge room · %d seats · plan %s · seed %d · state %s\nTrainees join with kvbridge join, then this string:\n%s", r.NumSeats(), plan, seed, f.state, j)
		m := dashboard.New(room.Local{R: r}, dashboard.Options{Title: title})
		p := tea.NewProgram(m, tea.WithContext(ctx), tea.WithInput(std.in), tea.WithOutput(std.out))
		_, err := p.Run()
		if err != nil && !errors.Is(err, tea.ErrProgramKilled) && ctx.Err() == nil {
			return err
		}
		return nil
	}
	tw := tabwriter.NewWriter(std.out, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "kvbridge room: %d seats, plan %s, seed %d\n\n", r.NumSeats(), plan, seed)
	fmt.Fprintf(tw, "  Trainees join with\tkvbridge join %s\n", j)
	fmt.Fprintf(tw, "  Room URL\t%s\n", r.URL())
	fmt.Fprintf(tw, "  Trainer key\t%s  (for room watch and room report; keep it to yourself)\n", r.TrainerKey())
	fmt.Fprintf(tw, "  State file\t%s  (mode 0600; serve it again to resume)\n", f.state)
	_ = tw.Flush()
	fmt.Fprintf(std.out, "\nWatch from another terminal:\n  kvbridge room watch %s --trainer-key %s\nServing until interrupted.\n", j, r.TrainerKey())
	<-ctx.Done()
	return nil
}

// trainerFlags are how a trainer reaches a running room.
type trainerFlags struct {
	key, pin string
}

func (t *trainerFlags) register(c *cobra.Command) {
	c.Flags().StringVar(&t.key, "trainer-key", "", "the trainer `KEY` room serve printed (default $KVBRIDGE_TRAINER_KEY)")
	c.Flags().StringVar(&t.pin, "pin", "", "the room's certificate `PIN`, when URL is not the join string")
}

// dialTrainer reaches a room from its join string (which carries the pin) or its URL
// with --pin.
func dialTrainer(cmdName, target string, t trainerFlags, getenv func(string) string) (*room.TrainerClient, error) {
	key := t.key
	if key == "" {
		key = getenv("KVBRIDGE_TRAINER_KEY")
	}
	if key == "" {
		return nil, usagef("%s: give the trainer key that room serve printed: --trainer-key KEY (or $KVBRIDGE_TRAINER_KEY)", cmdName)
	}
	j, err := room.ParseJoin(target)
	if err != nil {
		rest, ok := strings.CutPrefix(strings.TrimSuffix(strings.TrimSpace(target), "/"), "https://")
		if !ok || t.pin == "" {
			return nil, usagef("%s: give the room's join string, or its URL with --pin (both printed by room serve)", cmdName)
		}
		if j, err = room.ParseJoin(room.JoinScheme + rest + "/aaaa-aaaa-aaaa-aaaa/" + t.pin); err != nil {
			return nil, usagef("%s: %v", cmdName, err)
		}
	}
	return room.DialTrainer(j, key), nil
}

func newRoomWatchCmd(a *app) *cobra.Command {
	var t trainerFlags
	c := &cobra.Command{
		Use:   "watch JOIN|URL --trainer-key KEY",
		Short: "show a running room's dashboard from another terminal",
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("room watch: give the room's join string (or URL with --pin)")
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			tc, err := dialTrainer("room watch", args[0], t, a.getenv)
			if err != nil {
				return err
			}
			defer tc.Close()
			if !isTerminal(a.io.in) || !isTerminal(a.io.out) {
				return usagef("room watch draws a full-screen dashboard and needs a terminal; for a snapshot, use room report")
			}
			ctx, cancel := context.WithTimeout(a.ctx, 10*time.Second)
			_, err = tc.Seats(ctx)
			cancel()
			if err != nil {
				return fmt.Errorf("room watch: %s", termsafe.Clean(err.Error()))
			}
			m := dashboard.New(tc, dashboard.Options{Title: "kvbridge room · " + args[0]})
			_, err = tea.NewProgram(m, tea.WithContext(a.ctx), tea.WithInput(a.io.in), tea.WithOutput(a.io.out)).Run()
			if err != nil && !errors.Is(err, tea.ErrProgramKilled) && a.ctx.Err() == nil {
				return err
			}
			return nil
		},
	}
	t.register(c)
	return c
}

func newRoomReportCmd(a *app) *cobra.Command {
	var (
		t             trainerFlags
		state         string
		asJSON, asCSV bool
	)
	c := &cobra.Command{
		Use:   "report (--state FILE | JOIN|URL --trainer-key KEY) [--json|--csv]",
		Short: "the room's merged report for the debrief",
		Long: `kvbridge room report merges every seat: per seat the name, scenario, completion, time,
quiz score and the checks that failed and were fixed; for the room the questions most
often missed, the checks most often failed and how long each section took. It reads the
state file (the room need not run) or a running room.`,
		Args: func(c *cobra.Command, args []string) error {
			switch {
			case len(args) > 1:
				return usagef("room report: one room at a time")
			case len(args) == 1 && state != "":
				return usagef("room report: give --state FILE or the room's address, not both")
			case len(args) == 0 && state == "":
				return usagef("room report: which room? --state FILE, or the join string (or URL with --pin) and --trainer-key")
			case asJSON && asCSV:
				return usagef("room report: --json or --csv, not both")
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			var rep *room.Report
			var err error
			if state != "" {
				if rep, err = room.ReportFromFile(state); err != nil {
					return usagef("room report: %v", err)
				}
			} else {
				tc, err := dialTrainer("room report", args[0], t, a.getenv)
				if err != nil {
					return err
				}
				defer tc.Close()
				ctx, cancel := context.WithTimeout(a.ctx, 30*time.Second)
				defer cancel()
				if rep, err = tc.Report(ctx); err != nil {
					return fmt.Errorf("room report: %s", termsafe.Clean(err.Error()))
				}
			}
			switch {
			case asJSON:
				enc := json.NewEncoder(a.io.out)
				enc.SetIndent("", "  ")
				enc.SetEscapeHTML(false)
				return enc.Encode(rep)
			case asCSV:
				return rep.WriteCSV(a.io.out)
			}
			return writeRoomReport(a.io.out, rep)
		},
	}
	t.register(c)
	c.Flags().StringVar(&state, "state", "", "read the room's state `FILE`")
	c.Flags().BoolVar(&asJSON, "json", false, "one JSON object: {\"seats\":[...], \"room\":{...}}")
	c.Flags().BoolVar(&asCSV, "csv", false, "CSV: one line per seat, then the room's summary")
	return c
}

// writeRoomReport is the report as text. Every string from the state or the room is
// made terminal-safe.
func writeRoomReport(w io.Writer, rep *room.Report) error {
	cl := termsafe.Clean
	fmt.Fprintf(w, "Room: %d of %d seats joined, %d finished, mean completion %d%% (plan %s, seed %d)\n\n",
		rep.Room.Joined, rep.Room.Seats, rep.Room.Finished, rep.Room.MeanPercent, cl(rep.Room.Plan), rep.Room.Seed)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "Seat\tName\tScenario\tDone\tQuiz\tTime\tFailed (fixed)\tFailing now")
	for _, s := range rep.Seats {
		if !s.Joined {
			fmt.Fprintf(tw, "%d\t(free)\t%s\t\t\t\t\t\n", s.Seat, cl(s.Scenario))
			continue
		}
		fixed := map[string]bool{}
		for _, f := range s.Checks.Fixed {
			fixed[f] = true
		}
		var failed []string
		for _, f := range s.Checks.Failed {
			if fixed[f] {
				f += " ✓"
			}
			failed = append(failed, cl(f))
		}
		var now []string
		for _, f := range s.Checks.Failing {
			now = append(now, cl(f.ID)+" ("+cl(f.Cause)+")")
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d%%\t%d/%d\t%s\t%s\t%s\n", s.Seat, cl(s.Name), cl(s.Scenario), s.Percent, s.Quiz.Correct, s.Quiz.Total,
			(time.Duration(s.TimeS) * time.Second).String(), orDash(strings.Join(failed, ", ")), orDash(strings.Join(now, ", ")))
	}
	_ = tw.Flush()
	if len(rep.Room.MissedQuestions) > 0 {
		fmt.Fprintln(w, "\nQuestions most often missed (first answer wrong):")
		for _, q := range rep.Room.MissedQuestions {
			fmt.Fprintf(w, "  %-28s %d seat(s)\n", cl(q.ID), q.Seats)
		}
	}
	if len(rep.Room.FailedChecks) > 0 {
		fmt.Fprintln(w, "\nChecks most often failed:")
		for _, c := range rep.Room.FailedChecks {
			fmt.Fprintf(w, "  %-28s %d seat(s)\n", cl(c.ID), c.Seats)
		}
	}
	if len(rep.Room.SectionTime) > 0 {
		fmt.Fprintln(w, "\nTime per section (mean, longest):")
		for _, s := range rep.Room.SectionTime {
			fmt.Fprintf(w, "  section %-4s %s, %s (%d seat(s))\n", cl(s.Section), time.Duration(s.MeanS)*time.Second, time.Duration(s.MaxS)*time.Second, s.Seats)
		}
	}
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
