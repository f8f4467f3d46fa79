package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kvbridge/kvbridge/internal/termsafe"
	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/room"
	"github.com/kvbridge/kvbridge/tui/plain"
)

// roomDoctorFlags are doctor's options for a seat in a trainer's room.
type roomDoctorFlags struct {
	join, name string
}

func (r *roomDoctorFlags) register(fl *pflag.FlagSet) {
	fl.StringVar(&r.join, "room", "", "run against your seat in a trainer's room: the `JOIN` string the trainer gave")
	fl.StringVar(&r.name, "name", "", "your `NAME` in the room (with --room)")
}

// roomUsage turns a room error into words and the exit code it deserves: a wrong code,
// a full room or a taken name is the trainee's input (exit 2); an unreachable room is a
// failure to report (exit 1).
func roomError(cmd string, err error) error {
	var e *room.APIError
	if errors.As(err, &e) && e.Status != 500 {
		return usagef("%s: %s", cmd, termsafe.Clean(e.Message))
	}
	return fmt.Errorf("%s: %s", cmd, termsafe.Clean(err.Error()))
}

// runRoomDoctor joins (or rejoins) the seat, runs every check against the seat's
// tenant through the room, prints them as doctor does and reports them to the room.
func runRoomDoctor(ctx context.Context, c *cobra.Command, f doctorFlags, std stdio, getenv func(string) string) error {
	for _, other := range []string{"sandbox", "tenant", "client-id", "cloud", "authority-host", "arm-endpoint", "ca-file", "vault", "vault-url", "client-secret-stdin"} {
		if fl := c.Flags().Lookup(other); fl != nil && fl.Changed {
			return usagef("doctor: --room runs against your seat's practice tenant; it does not take --%s", other)
		}
	}
	if f.timeout <= 0 {
		return usagef("doctor: --timeout must be positive")
	}
	j, err := room.ParseJoin(f.room.join)
	if err != nil {
		return usagef("doctor: --room: %v", err)
	}
	dir, err := steps.DefaultStateDir()
	if err != nil {
		dir = ""
	}
	jctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	seat, err := room.JoinOrRejoin(jctx, dir, j, f.room.name)
	cancel()
	if err != nil {
		return roomError("doctor --room", err)
	}
	defer seat.Close()
	start := time.Now()
	pr := plain.NewResultWriter(std.out, getenv)
	if !f.json {
		// Short lines (an 80-column terminal), and the name only when the trainee gave one:
		// without it the room calls the seat "seat N", which would read "seat 1 (seat 1)".
		who := ""
		if name := termsafe.Clean(seat.Info.Name); name != "" && name != fmt.Sprintf("seat %d", seat.Info.Seat) {
			who = ", as " + name
		}
		pr.Line(fmt.Sprintf("Seat %d in the trainer's room%s.\nThe checks run against your seat's practice tenant there.\n", seat.Info.Seat, who))
	}
	rep, rerr := seat.Doctor(ctx, f.timeout)
	if rep == nil {
		return fmt.Errorf("doctor --room: %s", termsafe.Clean(rerr.Error()))
	}
	if f.json {
		if err := writeDoctorJSON(std.out, rep); err != nil {
			return err
		}
	} else {
		for _, r := range rep.Results {
			pr.Result(r)
		}
		pr.NotRun(rep)
		pr.Vaults(rep)
		pr.Fixes(rep)
		pr.Summary(rep, time.Since(start), ctx.Err() != nil)
	}
	if rerr != nil {
		fmt.Fprintf(std.err, "kvbridge: the results could not be reported to the room: %s\n", termsafe.Clean(rerr.Error()))
	}
	if ctx.Err() != nil || !rep.OK() {
		return errFailed
	}
	return nil
}
