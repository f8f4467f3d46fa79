package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/kvbridge/kvbridge/steps"
)

func runReport(args []string, io stdio, getenv func(string) string) error {
	fs := flag.NewFlagSet("kvbridge report", flag.ContinueOnError)
	fs.SetOutput(io.err)
	asJSON := fs.Bool("json", false, "print one JSON object instead of Markdown")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return usageError{"report: " + err.Error()}
	}
	if fs.NArg() > 0 {
		return usagef("report takes no arguments, got %q", fs.Arg(0))
	}
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
	if *asJSON {
		enc := json.NewEncoder(io.out)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	return r.WriteMarkdown(io.out)
}
