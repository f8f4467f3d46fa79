package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strings"
	"time"

	"github.com/kvbridge/kvbridge/steps/azure/sandbox"
	"github.com/kvbridge/kvbridge/tui"
)

const sandboxUsage = `Usage:
  kvbridge sandbox serve [--scenario S] [--addr 127.0.0.1:0] [--latency D] [--seed N] [--json]
  kvbridge sandbox list

serve runs a practice tenant (simulated Entra ID, ARM and Key Vault) on loopback until
interrupted, and prints its endpoints, practice credentials and CA file; --json prints
them as one JSON line. list shows the scenarios and what each teaches.
`

func runSandbox(ctx context.Context, args []string, io stdio, getenv func(string) string) error {
	if len(args) == 0 {
		return usagef("sandbox: say serve or list")
	}
	switch args[0] {
	case "list":
		if len(args) > 1 {
			return usagef("sandbox list takes no arguments")
		}
		tui.WriteScenarios(io.out, sandbox.Scenarios())
		return nil
	case "serve":
		return runSandboxServe(ctx, args[1:], io)
	case "-h", "--help", "help":
		fmt.Fprint(io.out, sandboxUsage)
		return nil
	}
	return usagef("sandbox: unknown command %q (serve or list)", args[0])
}

func runSandboxServe(ctx context.Context, args []string, std stdio) error {
	fs := flag.NewFlagSet("kvbridge sandbox serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	scenario := fs.String("scenario", "healthy", "")
	addr := fs.String("addr", "127.0.0.1:0", "")
	latency := fs.Duration("latency", 0, "")
	seed := fs.Int64("seed", 0, "")
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
	known := false
	for _, s := range sandbox.Scenarios() {
		known = known || s.Name == *scenario
	}
	if !known {
		return usagef("sandbox serve: unknown scenario %q (kvbridge sandbox list shows them)", *scenario)
	}
	return sandbox.Serve(ctx, sandbox.Options{Scenario: *scenario, Seed: *seed, Addr: *addr, Latency: *latency, Wiring: sandbox.Loopback}, std.out, *asJSON)
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
