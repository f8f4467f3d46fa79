package main

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
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
func startPractice(scenario string, seed int64) (*sandbox.Tenant, error) {
	return sandbox.Start(sandbox.Options{Scenario: scenario, Seed: seed, Wiring: sandbox.Hostnames})
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

// maxCAFile bounds --ca-file: a bundle of every public root CA is about 250 KB.
const maxCAFile = 4 << 20

// readCAFile reads --ca-file (extra trusted CAs), "" meaning none. A file that
// holds no certificate is refused at once, not met later as an untrusted
// server whose advice would be to pass a CA with --ca-file.
func readCAFile(path string) ([]byte, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--ca-file: %v", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxCAFile+1))
	if err != nil {
		return nil, fmt.Errorf("--ca-file %s: %v", path, err)
	}
	if len(data) > maxCAFile {
		return nil, fmt.Errorf("--ca-file %s: larger than %d MiB; a CA bundle is far smaller, is it the right file?", path, maxCAFile>>20)
	}
	n, rest := 0, data
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		if _, err := x509.ParseCertificate(b.Bytes); err != nil {
			return nil, fmt.Errorf("--ca-file %s: certificate %d cannot be read: %v", path, n+1, err)
		}
		n++
	}
	if n == 0 {
		return nil, fmt.Errorf("--ca-file %s: no certificate in it; give a PEM file with at least one -----BEGIN CERTIFICATE----- block (the practice tenant's is the CA file 'sandbox serve' prints)", path)
	}
	return data, nil
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
