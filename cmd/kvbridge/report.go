package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/spf13/cobra"
	"os"
	"time"

	"github.com/kvbridge/kvbridge/steps"
)

func init() { register(newReportCmd) }

func newReportCmd(a *app) *cobra.Command {
	var (
		asJSON bool
		name   string
	)
	c := &cobra.Command{
		Use:   "report",
		Short: "print the saved progress as Markdown or JSON",
		Long: `kvbridge report prints the course progress saved on this machine, as Markdown for a
trainer or a ticket, or as one JSON object. It only reads: a damaged progress file stays
where it is.`,
		Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if c.Flags().Changed("name") {
				if err := steps.CheckName(name); err != nil {
					return usagef("report: --name: %v", err)
				}
				if err := saveName(name, a.io); err != nil {
					return err
				}
			}
			return runReport(asJSON, a.io)
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print one JSON object instead of Markdown")
	c.Flags().StringVar(&name, "name", "", "the trainee's `NAME`: saved with the progress, shown on every report from then on")
	return c
}

func runReport(asJSON bool, io stdio) error {
	m, err := loadMachine()
	if err != nil {
		return err
	}
	store, err := steps.DefaultStore()
	if err != nil {
		return err
	}
	if _, err := os.Stat(store.Path); errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(io.err, "kvbridge: no saved progress at %s yet; run 'kvbridge' to start the course.\n", store.Path)
		return errFailed
	}
	// Peek, not Load: a report changes nothing, not even a damaged file.
	state, err := store.Peek(m, time.Now())
	var bad *steps.UnusableError
	if errors.As(err, &bad) {
		fmt.Fprintf(io.err, "kvbridge: %v. The wizard moves it aside and starts afresh when you next run 'kvbridge'.\n", err)
		return errFailed
	}
	if err != nil {
		return err
	}
	r := m.Report(state)
	if asJSON {
		enc := json.NewEncoder(io.out)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	return r.WriteMarkdown(io.out)
}

// saveName records the trainee's name in the saved progress: the one change
// report makes, and only when asked. A damaged file is left alone (as report
// leaves it); with no progress yet, the name starts it.
func saveName(name string, io stdio) error {
	m, err := loadMachine()
	if err != nil {
		return err
	}
	store, err := steps.DefaultStore()
	if err != nil {
		return err
	}
	lock, err := store.Lock()
	if err != nil {
		return err
	}
	defer lock.Unlock()
	now := time.Now()
	state, err := store.Peek(m, now)
	var bad *steps.UnusableError
	switch {
	case errors.As(err, &bad):
		fmt.Fprintf(io.err, "kvbridge: %v. The wizard moves it aside and starts afresh when you next run 'kvbridge'; then give the name again.\n", err)
		return errFailed
	case err != nil:
		return err
	}
	state.Name = name
	return store.Save(state)
}
