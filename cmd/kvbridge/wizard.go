package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/kvbridge/kvbridge/quiz"
	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/tui"
)

var (
	errHelp    = errors.New("help shown")
	errAborted = errors.New("aborted")
)

type wizardFlags struct {
	accessible, reset, yes, version bool
}

func parseWizardFlags(args []string, stderr io.Writer) (wizardFlags, error) {
	var f wizardFlags
	fs := flag.NewFlagSet("kvbridge", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.BoolVar(&f.accessible, "accessible", false, "")
	fs.BoolVar(&f.reset, "reset", false, "")
	fs.BoolVar(&f.yes, "yes", false, "")
	fs.BoolVar(&f.version, "version", false, "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(stderr)
			return f, errHelp
		}
		return f, usagef("%v", err)
	}
	if fs.NArg() > 0 {
		return f, usagef("unknown command %q", fs.Arg(0))
	}
	return f, nil
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

func runWizard(ctx context.Context, args []string, io stdio, getenv func(string) string) error {
	f, err := parseWizardFlags(args, io.out)
	if err != nil {
		return err
	}
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
	plain := f.accessible || truthy(getenv("ACCESSIBLE")) || !interactive
	if f.reset && !f.yes && !interactive {
		return usagef("--reset without a terminal needs --yes (it erases saved progress at %s)", store.Path)
	}
	if f.reset && f.yes {
		if err := store.Reset(); err != nil {
			return err
		}
	}
	state, notice, err := store.Load(m, time.Now())
	if err != nil {
		return err
	}
	opts := tui.Options{
		Machine: m, Store: store, State: state, Notice: notice,
		NoColor:      getenv("NO_COLOR") != "",
		ConfirmReset: f.reset && !f.yes,
		In:           io.in, Out: io.out,
	}
	if plain {
		_, err = tui.RunPlain(ctx, opts)
	} else {
		_, err = tui.Run(ctx, opts)
	}
	if errors.Is(err, tui.ErrAborted) {
		return errAborted
	}
	return err
}

func isTerminal(f any) bool {
	file, ok := f.(*os.File)
	return ok && term.IsTerminal(int(file.Fd()))
}

// truthy reads an on/off environment variable: set and not 0/false/no/off.
func truthy(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "0", "false", "no", "off":
		return false
	}
	return true
}
