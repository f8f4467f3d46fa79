package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/kvbridge/kvbridge/steps/azure/sandbox"
	"github.com/kvbridge/kvbridge/tui/plain"
)

const sandboxUsage = `Usage:
  kvbridge sandbox serve [--scenario S | --state FILE] [--addr 127.0.0.1:0] [--latency D] [--seed N] [--json]
  kvbridge sandbox save [--scenario S] [--seed N] FILE
  kvbridge sandbox list

serve runs a practice tenant (simulated Entra ID, ARM, Key Vault and Graph) on loopback
until interrupted, and prints its endpoints, practice credentials and CA file; --json
prints them as one JSON line. With --state it serves a tenant a trainer prepared: start
from 'sandbox save', or change a served tenant through its admin API and fetch
GET {admin}/state. save writes a scenario's starting state to FILE. list shows the
scenarios and what each teaches.
`

func runSandbox(ctx context.Context, args []string, io stdio, getenv func(string) string) error {
	if len(args) == 0 {
		return usagef("sandbox: say serve, save or list")
	}
	switch args[0] {
	case "list":
		if len(args) > 1 {
			return usagef("sandbox list takes no arguments")
		}
		plain.WriteScenarios(io.out, sandbox.Scenarios())
		return nil
	case "serve":
		return runSandboxServe(ctx, args[1:], io)
	case "save":
		return runSandboxSave(args[1:])
	case "-h", "--help", "help":
		fmt.Fprint(io.out, sandboxUsage)
		return nil
	}
	return usagef("sandbox: unknown command %q (serve, save or list)", args[0])
}

func runSandboxServe(ctx context.Context, args []string, std stdio) error {
	fs := flag.NewFlagSet("kvbridge sandbox serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	scenario := fs.String("scenario", "healthy", "")
	addr := fs.String("addr", "127.0.0.1:0", "")
	latency := fs.Duration("latency", 0, "")
	seed := fs.Int64("seed", 0, "")
	state := fs.String("state", "", "")
	asJSON := fs.Bool("json", false, "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(std.out, sandboxUsage)
			return nil
		}
		return usagef("sandbox serve: %v", err)
	}
	if fs.NArg() > 0 {
		return usagef("sandbox serve takes no arguments, got %q", fs.Arg(0))
	}
	if err := loopbackOnly(*addr); err != nil {
		return err
	}
	if *latency < 0 || *latency > time.Minute {
		return usagef("sandbox serve: --latency must be between 0 and 1m")
	}
	opts := sandbox.Options{Scenario: *scenario, Seed: *seed, Addr: *addr, Latency: *latency, Wiring: sandbox.Loopback}
	if *state != "" {
		f, err := os.Open(*state)
		if err != nil {
			return usagef("sandbox serve: --state: %v", err)
		}
		t, err := sandbox.Load(f, opts)
		f.Close()
		if err != nil {
			return usagef("sandbox serve: --state %s: %v", *state, err)
		}
		return sandbox.ServeTenant(ctx, t, std.out, *asJSON)
	}
	if err := checkScenario(*scenario); err != nil {
		return usagef("sandbox serve: %v", err)
	}
	return sandbox.Serve(ctx, opts, std.out, *asJSON)
}

// runSandboxSave writes a scenario's starting state, for a trainer to edit or
// serve with --state. The file holds the practice credentials (practice values).
func runSandboxSave(args []string) error {
	fs := flag.NewFlagSet("kvbridge sandbox save", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	scenario := fs.String("scenario", "healthy", "")
	seed := fs.Int64("seed", 0, "")
	if err := fs.Parse(args); err != nil {
		return usagef("sandbox save: %v", err)
	}
	if fs.NArg() != 1 {
		return usagef("sandbox save needs one file name")
	}
	if err := checkScenario(*scenario); err != nil {
		return usagef("sandbox save: %v", err)
	}
	t, err := sandbox.Start(sandbox.Options{Scenario: *scenario, Seed: *seed, Wiring: sandbox.Loopback})
	if err != nil {
		return err
	}
	defer t.Close()
	f, err := os.OpenFile(fs.Arg(0), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("sandbox save: %w", err)
	}
	if err := t.Save(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// loopbackOnly refuses any listening address but a loopback one: the practice tenant's
// credentials are public knowledge and it must never be reachable from the network.
func loopbackOnly(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return usagef("sandbox serve: --addr %q: want HOST:PORT, for example 127.0.0.1:8443", addr)
	}
	if port == "" {
		return usagef("sandbox serve: --addr %q: no port", addr)
	}
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	ip, err := netip.ParseAddr(host)
	if err != nil || !ip.IsLoopback() {
		return usagef("sandbox serve: --addr %q: the practice tenant listens on loopback only (127.0.0.1 or ::1)", addr)
	}
	return nil
}
