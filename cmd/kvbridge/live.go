package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/azure"
	"github.com/kvbridge/kvbridge/steps/azure/sandbox"
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

// checksConfig builds the checks' configuration for a connection and a
// client secret. With a practice tenant, the SDK clients keep the public
// cloud's endpoints and reach the tenant through its transport; the tenant's
// handed-out IDs fill what the connection leaves empty, and the practice vault
// is named by its resource ID (as the portal's Properties page shows it), so
// the permission checks run even when the app cannot list it.
func checksConfig(c steps.Connection, secret string, practice *sandbox.Tenant, extraCA []byte) azure.Config {
	cfg := azure.Config{
		TenantID: c.TenantID, ClientID: c.ClientID, ClientSecret: secret,
		AuthorityHost: c.AuthorityHost, ARMEndpoint: c.ARMEndpoint, ExtraCAPEM: extraCA,
		Vault: c.Vault, VaultURL: c.VaultURL, SecretName: c.SecretName,
		ExpectUsernameTag: c.MapUsername, Username: c.Username,
	}
	cfg.Cloud, _ = azure.ParseCloud(c.Cloud)
	if c.SecretExpires != nil {
		cfg.SecretExpires = *c.SecretExpires
	}
	if practice == nil {
		return cfg
	}
	in := practice.Info()
	cfg.Transport = practice.HTTPClient()
	cfg.Cloud, cfg.AuthorityHost, cfg.ARMEndpoint, cfg.ExtraCAPEM = azure.CloudPublic, "", "", nil
	if cfg.TenantID == "" {
		cfg.TenantID = in.TenantID
	}
	if cfg.ClientID == "" {
		cfg.ClientID = in.ClientID
	}
	if v := strings.TrimSpace(cfg.Vault); v == "" || strings.EqualFold(v, in.VaultName) {
		cfg.Vault = in.VaultID
	}
	return cfg
}
