package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kvbridge/kvbridge/internal/termsafe"
	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/live"
	"github.com/kvbridge/kvbridge/steps/live/roomseat"
	"github.com/kvbridge/kvbridge/steps/room"
	"github.com/kvbridge/kvbridge/tui/session"
)

func init() { register(newJoinCmd) }

func newJoinCmd(a *app) *cobra.Command {
	var (
		name string
		f    wizardFlags
	)
	c := &cobra.Command{
		Use:   "join JOIN [--name NAME]",
		Short: "take a seat in a trainer's room and do the course there",
		Long: `kvbridge join takes a seat in a trainer's room with the join string the trainer gives
(kvbridge://HOST:PORT/CODE/PIN) and runs the course with the seat's practice tenant: the
live checks and practice actions act on it, and your progress (sections, ticks, quiz
answers, check results; never a secret) goes to the trainer as it happens. It is saved on
this machine as well. Joining again with the same name rejoins your seat.

If the room cannot be reached, kvbridge says so, keeps your progress and offers a
practice tenant of your own.`,
		Example: `  kvbridge join kvbridge://192.168.1.20:8443/abcd-efgh-ijkm-npqr/XJCo1rTNaihwoiXY9aj0nA --name Ada`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("join: give the join string the trainer gave you")
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			return runJoin(a, args[0], name, f)
		},
	}
	c.Flags().StringVar(&name, "name", "", "your `NAME` as the trainer sees it (default your login name)")
	c.Flags().BoolVar(&f.accessible, "accessible", false, "line-by-line prompts for screen readers (also ACCESSIBLE=1)")
	return c
}

func runJoin(a *app, joinStr, name string, f wizardFlags) error {
	j, err := room.ParseJoin(joinStr)
	if err != nil {
		return usagef("join: %v", err)
	}
	if strings.TrimSpace(name) == "" {
		name = a.getenv("USER")
	}
	dir, err := steps.DefaultStateDir()
	if err != nil {
		dir = ""
	}
	ctx, cancel := context.WithTimeout(a.ctx, 30*time.Second)
	seat, err := room.JoinOrRejoin(ctx, dir, j, name)
	cancel()
	if err != nil {
		if msg := roomseat.Unreachable(err); msg != "" {
			// The course goes on without the room: saved progress is kept, and the
			// wizard asks where to check, the practice tenant first.
			fmt.Fprintf(a.io.err, "kvbridge: %s\n", termsafe.Clean(msg))
			return runWizard(a.ctx, f, a.io, a.getenv)
		}
		return roomError("join", err)
	}
	defer seat.Close()
	m, err := loadMachine()
	if err != nil {
		return err
	}
	rep := roomseat.NewReporter(seat, m)
	defer rep.Close()
	fmt.Fprintf(a.io.err, "kvbridge: seat %d in the trainer's room, as %s.\n", seat.Info.Seat, termsafe.Clean(seat.Info.Name))
	f.joined = &session.Live{
		Initial: steps.Connection{Kind: steps.ConnPractice, Scenario: roomseat.Scenario},
		Wiring: live.Wiring{StartPractice: func(scenario string, seed int64) (live.Practice, error) {
			if scenario == roomseat.Scenario {
				return roomseat.Practice(seat), nil
			}
			return live.StartLocal(scenario, seed) // the trainee chose a tenant of their own
		}},
		Observe: rep.Observe,
	}
	err = runWizard(a.ctx, f, a.io, a.getenv)
	if rerr := rep.Flush(); rerr != nil && errors.Is(rerr, room.ErrUnreachable) {
		fmt.Fprintf(a.io.err, "kvbridge: the last progress could not reach the room (%s); it is saved here.\n", termsafe.Clean(rerr.Error()))
	}
	return err
}
