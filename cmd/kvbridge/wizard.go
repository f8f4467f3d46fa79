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
	"github.com/kvbridge/kvbridge/steps/azure"
	"github.com/kvbridge/kvbridge/steps/azure/sandbox"
	"github.com/kvbridge/kvbridge/tui"
	"github.com/kvbridge/kvbridge/tui/plain"
	"github.com/kvbridge/kvbridge/tui/session"
)

var (
	errHelp    = errors.New("help shown")
	errAborted = errors.New("aborted")
)

type wizardFlags struct {
	accessible, reset, yes, version, offline bool
	sandbox                                  string // "" no practice tenant; a scenario name otherwise
	connFlags
}

// sandboxFlag is --sandbox[=SCENARIO]: bare, it means the healthy scenario.
type sandboxFlag struct{ v *string }

func (s sandboxFlag) String() string {
	if s.v == nil {
		return ""
	}
	return *s.v
}
func (s sandboxFlag) IsBoolFlag() bool { return true }
func (s sandboxFlag) Set(v string) error {
	if v == "true" || v == "" {
		v = "healthy"
	}
	*s.v = v
	return nil
}

// joinSandboxValue turns "--sandbox SCENARIO" into "--sandbox=SCENARIO", so
// the value works with and without "=" although a bare --sandbox is allowed.
func joinSandboxValue(args []string) []string {
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(out, args[i:]...)
		}
		if (a == "--sandbox" || a == "-sandbox") && i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
			out = append(out, a+"="+args[i+1])
			i++
			continue
		}
		out = append(out, a)
	}
	return out
}

func parseWizardFlags(args []string, stderr io.Writer, getenv func(string) string) (wizardFlags, error) {
	var f wizardFlags
	if err := refuseSecretFlag(args, "", "type it into the wizard's form (it is never saved)"); err != nil {
		return f, err
	}
	fs := flag.NewFlagSet("kvbridge", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.BoolVar(&f.accessible, "accessible", false, "")
	fs.BoolVar(&f.reset, "reset", false, "")
	fs.BoolVar(&f.yes, "yes", false, "")
	fs.BoolVar(&f.version, "version", false, "")
	fs.BoolVar(&f.offline, "offline", false, "")
	fs.Var(sandboxFlag{&f.sandbox}, "sandbox", "")
	f.register(fs)
	if err := fs.Parse(joinSandboxValue(args)); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(stderr)
			return f, errHelp
		}
		return f, usagef("%v", err)
	}
	if fs.NArg() > 0 {
		return f, usagef("unknown command %q", fs.Arg(0))
	}
	if f.sandbox != "" {
		if err := checkScenario(f.sandbox); err != nil {
			return f, usagef("--sandbox: %v", err)
		}
		if f.offline {
			return f, usagef("--sandbox and --offline exclude each other: one runs the checks against the practice tenant, the other runs the course without checks")
		}
		if f.endpointsGiven() {
			return f, usagef("--sandbox runs its own practice tenant; it does not take --cloud, --authority-host, --arm-endpoint or --ca-file")
		}
	}
	if err := f.finish(fs, getenv); err != nil {
		return f, usagef("%v", err)
	}
	return f, nil
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
		init = steps.Connection{Kind: steps.ConnPractice, Scenario: f.sandbox, Vault: f.vault}
	case f.tenant != "" && f.clientID != "" && f.idsGiven:
		init.Kind = steps.ConnTenant
	}
	return &session.Live{
		Initial:       init,
		Secret:        getenv("AZURE_CLIENT_SECRET"),
		StartPractice: startPractice,
		Config: func(c steps.Connection, secret string, practice *sandbox.Tenant) azure.Config {
			return checksConfig(c, secret, practice, extraCA)
		},
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

func runWizard(ctx context.Context, args []string, io stdio, getenv func(string) string) error {
	f, err := parseWizardFlags(args, io.out, getenv)
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
	lineByLine := f.accessible || truthy(getenv("ACCESSIBLE")) || !interactive
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
	live, err := liveOptions(f, getenv)
	if err != nil {
		return err
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
	if errors.Is(err, session.ErrAborted) {
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
