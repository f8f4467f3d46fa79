// Package tui runs the course full-screen (Run), as a Bubble Tea program.
// Only tui and its subpackages import Bubble Tea, Bubbles and Lip Gloss:
// tui/plain is the line-by-line runner for screen readers and pipes (and
// doctor's line output), tui/session what both runners share (Options, Live,
// ErrAborted, the rules of the live part). Both drive the same steps.Machine.
package tui

import (
	"context"
	"errors"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/tui/session"
)

// Run shows the course full-screen (alternate screen, no mouse, so the
// terminal's own text selection keeps working) until the trainee quits. Every
// change is saved while it runs; the final state is saved once more, in this
// goroutine, after the program has ended, and returned.
func Run(ctx context.Context, opts session.Options) (steps.State, error) {
	if opts.Machine == nil {
		return opts.State, errors.New("tui: no course to run")
	}
	m := newModel(opts, time.Now)
	popts := []tea.ProgramOption{tea.WithContext(ctx)}
	if opts.Out != nil {
		popts = append(popts, tea.WithOutput(opts.Out))
	}
	if opts.In != nil {
		popts = append(popts, tea.WithInput(opts.In))
	}
	if opts.NoColor {
		// colorprofile reads NO_COLOR with ParseBool and would miss "yes";
		// the caller has already decided, so pin the profile here.
		popts = append(popts, tea.WithColorProfile(colorprofile.Ascii))
	}
	final, runErr := tea.NewProgram(m, popts...).Run()
	if fm, ok := final.(*Model); ok {
		m = fm
	}
	// The practice tenant (if any) and a run still going end with the wizard.
	if m.live != nil {
		m.live.s.Close()
	}
	// Newer than any save still in flight, so none of them can overwrite it.
	if err := m.sv.save(m.seq+1, m.state); err != nil {
		return m.state, errors.Join(runErr, err)
	}
	switch {
	case ctx.Err() != nil, errors.Is(runErr, tea.ErrInterrupted):
		// A signal (SIGINT from kill, SIGTERM): bubbletea and the context
		// race to end the program; either way it is an interruption, as in
		// the plain mode (cmd exits 2), not a failure.
		return m.state, fmt.Errorf("%w: %w", session.ErrAborted, session.ErrInterrupted)
	case runErr != nil:
		return m.state, fmt.Errorf("tui: %w", runErr)
	}
	return m.state, nil
}
