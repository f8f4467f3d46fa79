package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/azure"
	"github.com/kvbridge/kvbridge/steps/azure/sandbox"
	"github.com/kvbridge/kvbridge/steps/live"
)

// The one wiring from a connection (identifiers only, as steps.Connection
// saves them) to the live checks' configuration, shared by the wizard and
// doctor. It is the only place that knows how a practice tenant is reached.

// startPractice starts an in-process practice tenant. Its hostnames wiring
// keeps the public cloud's configuration: only the transport differs.
func startPractice(scenario string) (*sandbox.Tenant, error) {
	return sandbox.Start(sandbox.Options{Scenario: scenario, Wiring: sandbox.Hostnames})
}

// checkScenario refuses an unknown practice scenario, naming the known ones.
func checkScenario(name string) error {
	var names []string
	for _, s := range sandbox.Scenarios() {
		if s.Name == name {
			return nil
		}
		names = append(names, s.Name)
	}
	return fmt.Errorf("unknown scenario %q; the scenarios are: %s", name, strings.Join(names, ", "))
}

// readCAFile reads --ca-file (extra trusted CAs), "" meaning none.
func readCAFile(path string) ([]byte, error) {
	if path == "" {
		return nil, nil
	}
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--ca-file: %v", err)
	}
	return pem, nil
}

// checksConfig is live.Config, the one wiring from a connection to the
// checks' configuration, with the in-process practice tenant.
func checksConfig(c steps.Connection, secret string, practice *sandbox.Tenant, extraCA []byte) azure.Config {
	var p live.Practice
	if practice != nil {
		p = live.Local(practice)
	}
	return live.Config(c, secret, p, extraCA)
}
