package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kvbridge/kvbridge/internal/tty"
	"github.com/kvbridge/kvbridge/quiz"
	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/live"
	"github.com/kvbridge/kvbridge/tui"
	"github.com/kvbridge/kvbridge/tui/plain"
	"github.com/kvbridge/kvbridge/tui/session"
)

var (
	errAborted     = errors.New("aborted")
	errInterrupted = errors.New("interrupted")
)

type wizardFlags struct {
	accessible, reset, yes, version, offline bool
	sandbox                                  string // "" no practice tenant; a scenario name otherwise
	seed                                     int64  // --seed: the mystery's seed (0: at random)
	connFlags
	// joined is a seat in a trainer's room (kvbridge join): its live wiring
	// replaces the one the flags would build.
	joined *session.Live
}

const wizardLong = `kvbridge: learn, check and troubleshoot Delinea Secret Server External Secrets with Azure Key Vault.

Run without a command, kvbridge is the course wizard: full-screen on a terminal, line by
line for screen readers and pipes. It resumes saved progress. With no flag it asks where to
run the live checks, the practice tenant first.`

const wizardNotes = `The client secret comes from $AZURE_CLIENT_SECRET or the wizard's form; it is never a
flag and never saved.

Keys in the wizard:
  up/down, k/j       move            space/enter   tick or choose
  right, l, tab      next screen     left, h, shift+tab   previous screen
  1-4                jump to section ?             all keys
  q                  quit (progress is saved)      ctrl+c  quit at once
  r                  run the live checks           w       watch (every 15 s)
  esc                stop a run                    c       choose where to check
  p                  practice actions (practice)   /       filter the vault list
  e                  export the expiry reminder (.ics, section 4)
  y                  copy the failed checks' az commands to the clipboard
  enter on a field edits it; enter, tab or esc ends the edit

Environment:
  NO_COLOR        any value turns colour off
  ACCESSIBLE      any value other than 0/false turns on line-by-line prompts
  XDG_STATE_HOME  where kvbridge/progress.json is saved (default ~/.local/state)

Exit status: 0 done, 1 failure, 2 bad usage or input ended early, 130 interrupted (ctrl+c).`

// newRootCmd is kvbridge itself: the course wizard, and the parent of every
// other command.
func newRootCmd(a *app) *cobra.Command { return wizardCmd(a, runWizard) }

// wizardCmd is the root command running the wizard with run once the flags
// are checked (tests pass their own run to see the flags).
func wizardCmd(a *app, run func(context.Context, wizardFlags, stdio, func(string) string) error) *cobra.Command {
	var f wizardFlags
	c := &cobra.Command{
		Use:         "kvbridge",
		Short:       "the course wizard",
		Long:        wizardLong,
		Annotations: map[string]string{"notes": wizardNotes},
		Args: func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return nil
			}
			msg := fmt.Sprintf("unknown command %q", args[0])
			if s := c.SuggestionsFor(args[0]); len(s) > 0 {
				msg += "; did you mean " + strings.Join(s, " or ") + "?"
			}
			return usageError{msg}
		},
		RunE: func(c *cobra.Command, _ []string) error {
			if err := f.check(c, a.getenv); err != nil {
				return err
			}
			return run(a.ctx, f, a.io, a.getenv)
		},
	}
	fl := c.Flags()
	fl.StringVar(&f.sandbox, "sandbox", "", "check against the built-in practice tenant, in `SCENARIO` (bare: healthy; 'kvbridge sandbox list' shows them)")
	fl.Lookup("sandbox").NoOptDefVal = "healthy"
	fl.Int64Var(&f.seed, "seed", 0, "with --sandbox mystery: the seed `N` that picks its fault (saved with the progress)")
	fl.BoolVar(&f.offline, "offline", false, "the course only, without live checks")
	f.register(fl)
	fl.BoolVar(&f.accessible, "accessible", false, "line-by-line prompts for screen readers (also ACCESSIBLE=1); used automatically when stdin or stdout is not a terminal")
	fl.BoolVar(&f.reset, "reset", false, "start the course over (asks first; without a terminal add --yes)")
	fl.BoolVar(&f.yes, "yes", false, "answer yes to --reset without asking")
	fl.BoolVar(&f.version, "version", false, "print the version")
	_ = c.RegisterFlagCompletionFunc("sandbox", completeScenarios)
	return c
}

// check validates the parsed flags and fills the connection from the environment.
func (f *wizardFlags) check(c *cobra.Command, getenv func(string) string) error {
	if f.seed != 0 && f.sandbox == "" {
		return usagef("--seed picks the practice tenant's mystery; give it with --sandbox mystery")
	}
	if f.sandbox != "" {
		if err := checkScenario(f.sandbox); err != nil {
			return usagef("--sandbox: %v", err)
		}
		if f.offline {
			return usagef("--sandbox and --offline exclude each other: one runs the checks against the practice tenant, the other runs the course without checks")
		}
		if f.endpointsGiven() {
			return usagef("--sandbox runs its own practice tenant; it does not take --cloud, --authority-host, --arm-endpoint, --graph-endpoint or --ca-file")
		}
	}
	if err := f.finish(c.Flags(), getenv); err != nil {
		return usagef("%v", err)
	}
	return nil
}

// liveOptions builds what the wizard needs to check against a tenant: the
// connection from the flags and AZURE_* variables, the secret from
// AZURE_CLIENT_SECRET (never a flag), the practice tenant factory and the
// shared configuration wiring.
func liveOptions(f wizardFlags, getenv func(string) string) (*session.Live, error) {
	extraCA, err := readCAFile(f.caFile)
	if err != nil {
		return nil, usagef("%v", err)
	}
	init := f.connection()
	switch {
	case f.offline:
		init.Kind = steps.ConnOffline
	case f.sandbox != "":
		// The practice tenant hands out its own IDs; AZURE_* are for a real tenant.
		init = steps.Connection{Kind: steps.ConnPractice, Scenario: f.sandbox, Seed: f.seed, Vault: f.vault}
	case f.tenant != "" && f.clientID != "" && f.idsGiven:
		init.Kind = steps.ConnTenant
	}
	return &session.Live{
		Initial: init,
		Secret:  getenv("AZURE_CLIENT_SECRET"),
		Wiring:  live.Wiring{StartPractice: live.StartLocal, ExtraCA: extraCA},
	}, nil
}

// loadMachine loads and validates the embedded course and question bank.
func loadMachine() (*steps.Machine, error) {
	c, err := steps.LoadCourse()
	if err != nil {
		return nil, err
	}
	b, err := quiz.Load()
	if err != nil {
		return nil, err
	}
	return steps.NewMachine(c, b), nil
}

func runWizard(ctx context.Context, f wizardFlags, io stdio, getenv func(string) string) error {
	if f.version {
		fmt.Fprintln(io.out, "kvbridge", buildVersion())
		return nil
	}
	m, err := loadMachine()
	if err != nil {
		return err
	}
	store, err := steps.DefaultStore()
	if err != nil {
		return err
	}
	interactive := isTerminal(io.in) && isTerminal(io.out)
	lineByLine := f.accessible || truthy(getenv("ACCESSIBLE")) || !interactive
	if f.reset && !f.yes && !interactive {
		return usagef("--reset without a terminal needs --yes (it erases saved progress at %s)", store.Path)
	}
	// One process at a time saves the progress; a second is refused, naming the first.
	lock, err := store.Lock()
	if err != nil {
		return err
	}
	defer lock.Unlock()
	if f.reset && f.yes {
		if err := store.Reset(); err != nil {
			return err
		}
	}
	state, notice, err := store.Load(m, time.Now())
	if err != nil {
		return err
	}
	if f.reset && f.yes && notice == "" {
		// Without a question asked, this line is the only sign the old progress is gone.
		notice = "Saved progress erased (--reset --yes); the course starts afresh."
	}
	live, err := liveOptions(f, getenv)
	if err != nil {
		return err
	}
	if f.joined != nil {
		live = f.joined // a seat in a trainer's room: its tenant and progress reporting
	}
	opts := session.Options{
		Live:    live,
		Machine: m, Store: store, State: state, Notice: notice,
		NoColor:      getenv("NO_COLOR") != "",
		ConfirmReset: f.reset && !f.yes,
		In:           io.in, Out: io.out,
	}
	if lineByLine {
		_, err = plain.Run(ctx, opts)
	} else {
		_, err = tui.Run(ctx, opts)
	}
	if errors.Is(err, session.ErrInterrupted) {
		return errInterrupted
	}
	if errors.Is(err, session.ErrAborted) {
		return errAborted
	}
	return err
}

func isTerminal(f any) bool { return tty.IsTerminal(f) }

// truthy reads an on/off environment variable: set and not 0/false/no/off.
func truthy(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "0", "false", "no", "off":
		return false
	}
	return true
}
