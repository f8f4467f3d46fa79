package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kvbridge/kvbridge/steps/azure/sandbox"
)

type serveFlags struct {
	scenario, addr, state string
	latency               time.Duration
	seed                  int64
	json                  bool
}

func newSandboxServeCmd(a *app) *cobra.Command {
	var f serveFlags
	c := &cobra.Command{
		Use:   "serve [flags]",
		Short: "run a practice tenant as a server on loopback until interrupted",
		Long: `kvbridge sandbox serve runs a practice tenant (simulated Entra ID, ARM, Key Vault and
Graph) on loopback until interrupted, and prints its endpoints, practice credentials, CA
file and the doctor command to run against it. With --state it serves a tenant a trainer
prepared: start from 'kvbridge sandbox save', or change a served tenant through its admin
API and fetch GET {admin}/state.`,
		Args: noArgs,
		RunE: func(*cobra.Command, []string) error {
			a.signalEnds = true // serving ends with ctrl+c: that is success
			return runSandboxServe(a.ctx, f, a.io)
		},
	}
	fl := c.Flags()
	fl.StringVar(&f.scenario, "scenario", "healthy", "the practice `SCENARIO` ('kvbridge sandbox list')")
	fl.StringVar(&f.state, "state", "", "serve the tenant saved in `FILE` instead of a scenario")
	fl.StringVar(&f.addr, "addr", "127.0.0.1:0", "loopback `HOST:PORT` to listen on (port 0: any free port)")
	fl.DurationVar(&f.latency, "latency", 0, "delay every answer by this long (0 to 1m), to practise with a slow network")
	fl.Int64Var(&f.seed, "seed", 0, "a seed `N` that fixes the random choices (the mystery scenario's fault, generated IDs)")
	fl.BoolVar(&f.json, "json", false, "print the endpoints and credentials as one JSON line")
	_ = c.RegisterFlagCompletionFunc("scenario", completeScenarios)
	return c
}

func runSandboxServe(ctx context.Context, f serveFlags, std stdio) error {
	scenario, addr, latency, seed, state, asJSON := &f.scenario, &f.addr, &f.latency, &f.seed, &f.state, &f.json
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
		// The loader's own bound (64 MiB); read once, checked, then loaded.
		data, err := io.ReadAll(io.LimitReader(f, 64<<20))
		f.Close()
		if err != nil {
			return fmt.Errorf("sandbox serve: --state %s: %w", *state, err)
		}
		if err := checkStateNames(data); err != nil {
			return usagef("sandbox serve: --state %s: %v", *state, err)
		}
		t, err := sandbox.Load(bytes.NewReader(data), opts)
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

// loopbackOnly refuses any listening address but a loopback one: the practice tenant's
// credentials are public knowledge and it must never be reachable from the network.
// Each refusal names the real problem (a port out of range is not a network question).
func loopbackOnly(addr string) error {
	const example = "for example 127.0.0.1:8443, or 127.0.0.1:0 for any free port"
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return usagef("sandbox serve: --addr %q: want HOST:PORT, %s", addr, example)
	}
	switch n, err := strconv.Atoi(port); {
	case port == "":
		return usagef("sandbox serve: --addr %q: no port; %s", addr, example)
	case err != nil && strings.Trim(port, "0123456789") != "" && !strings.HasPrefix(port, "-"):
		return usagef("sandbox serve: --addr %q: the port must be a number (0-65535), not a service name", addr)
	case err != nil || n < 0 || n > 65535:
		return usagef("sandbox serve: --addr %q: port %s is out of range: ports are 0-65535 (0 picks a free one)", addr, port)
	}
	if host == "" {
		return usagef("sandbox serve: --addr %q: no host; an empty host listens on every network, and the practice tenant listens on loopback only: give 127.0.0.1%s", addr, addr)
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
