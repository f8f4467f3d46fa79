// Package session is what the two front ends of the course share: the
// Options cmd/kvbridge hands to either runner (tui.Run, full-screen, and
// plain.Run, line by line), the Live wiring of the checks, ErrAborted, and the
// rules of the live part both follow (the practice actions and their menu
// order, the client secret's expiry and its reminder, the tally of a run).
// It imports no Charm library; both runners drive the same steps.Machine.
package session

import (
	"errors"
	"io"

	"github.com/kvbridge/kvbridge/steps"
)

// Options is what cmd/kvbridge hands to either runner.
type Options struct {
	Machine *steps.Machine
	Store   steps.Store
	State   steps.State // resumed (or fresh) state
	Notice  string      // shown once at start, e.g. "saved progress was damaged and moved to ..."
	NoColor bool        // NO_COLOR set to any non-empty value
	// ConfirmReset makes the runner ask before starting over (kvbridge --reset);
	// on "yes" it clears State and the saved file, on "no" it resumes.
	ConfirmReset bool
	// Live checks the trainee's work against a tenant; nil runs the course offline.
	Live *Live
	In   io.Reader // defaults to os.Stdin
	Out  io.Writer // defaults to os.Stdout
}

// ErrAborted means the input ended (plain mode), or a signal interrupted
// either runner, before the course did. Progress is saved; cmd maps it to
// exit code 2.
var ErrAborted = errors.New("input ended before the course was finished")

// ErrInterrupted comes with ErrAborted when ctrl+c or a signal ended the run
// rather than the input; cmd exits 130, as shells expect.
var ErrInterrupted = errors.New("interrupted")
