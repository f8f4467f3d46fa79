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
	var asJSON bool
	c := &cobra.Command{
		Use:   "report",
		Short: "print the saved progress as Markdown or JSON",
		Long: `kvbridge report prints the course progress saved on this machine, as Markdown for a
trainer or a ticket, or as one JSON object. It only reads: a damaged progress file stays
where it is.`,
		Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runReport(asJSON, a.io)
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print one JSON object instead of Markdown")
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
