package live

import (
	"strings"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/azure"
)

// Merge is the one rule for the connection at start: the saved one, then
// what the command line and the AZURE_* variables gave (given). Typed values
// come later, through SetField, and win over both.
//
//   - given.Kind empty: the saved connection stands; given only prefills the
//     forms (Prefill).
//   - another kind, another practice scenario, or another tenant or app:
//     given, as a fresh start (results of the old one are forgotten by
//     steps' EvConnect rule).
//   - the same tenant and app: the saved connection, with every value given
//     over it (cloud, endpoints, vault), so a flag always means what it says.
//
// A practice connection keeps no tenant, app or endpoints: the practice
// tenant hands them out on every start.
func Merge(saved, given steps.Connection) steps.Connection {
	if given.Kind == steps.ConnNone {
		return saved
	}
	out := given
	same := given.Kind == saved.Kind &&
		(given.Kind != steps.ConnPractice || given.Scenario == "" || given.Scenario == saved.Scenario) &&
		(given.Seed == 0 || given.Seed == saved.Seed) &&
		(given.TenantID == "" || strings.EqualFold(given.TenantID, saved.TenantID)) &&
		(given.ClientID == "" || strings.EqualFold(given.ClientID, saved.ClientID))
	if same {
		out = saved
		over := func(dst *string, v string) {
			if v != "" {
				*dst = v
			}
		}
		over(&out.Scenario, given.Scenario)
		over(&out.TenantID, given.TenantID)
		over(&out.ClientID, given.ClientID)
		over(&out.Cloud, given.Cloud)
		over(&out.AuthorityHost, given.AuthorityHost)
		over(&out.ARMEndpoint, given.ARMEndpoint)
		over(&out.GraphEndpoint, given.GraphEndpoint)
		over(&out.Vault, given.Vault)
		over(&out.VaultURL, given.VaultURL)
		over(&out.SecretName, given.SecretName)
		over(&out.Username, given.Username)
		if given.MapUsername {
			out.MapUsername = true
		}
		if given.SecretExpires != nil {
			out.SecretExpires = given.SecretExpires
		}
	}
	if out.Kind == steps.ConnPractice {
		if out.Scenario == "" {
			out.Scenario = "healthy"
		}
		out.TenantID, out.ClientID, out.Cloud, out.AuthorityHost, out.ARMEndpoint, out.GraphEndpoint = "", "", "", "", "", ""
	}
	if out.Kind == steps.ConnTenant && out.Cloud != "" {
		if c, err := azure.ParseCloud(out.Cloud); err == nil {
			out.Cloud = string(c)
		}
	}
	return out
}

// sameConnection compares two connections, the expiry by its instant.
func sameConnection(a, b steps.Connection) bool {
	if (a.SecretExpires == nil) != (b.SecretExpires == nil) || (a.SecretExpires != nil && !a.SecretExpires.Equal(*b.SecretExpires)) {
		return false
	}
	a.SecretExpires, b.SecretExpires = nil, nil
	return a == b
}

// Config is the production wiring from a connection (identifiers only, as
// steps.Connection saves them) and a client secret to the checks'
// configuration; tests use it as it is. With a practice tenant, the SDK
// clients keep the public cloud's endpoints and reach the tenant through
// Practice.Reach; the handed-out IDs fill what the connection leaves empty,
// and the practice vault is named by its resource ID (as the portal's
// Properties page shows it), so the permission checks run even when the app
// cannot list it. extraCA is --ca-file's PEM, for a tenant of one's own.
func Config(c steps.Connection, secret string, practice Practice, extraCA []byte) azure.Config {
	cfg := azure.Config{
		TenantID: c.TenantID, ClientID: c.ClientID, ClientSecret: secret,
		AuthorityHost: c.AuthorityHost, ARMEndpoint: c.ARMEndpoint, GraphEndpoint: c.GraphEndpoint, ExtraCAPEM: extraCA,
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
	h := practice.Handout()
	cfg.Cloud, cfg.AuthorityHost, cfg.ARMEndpoint, cfg.GraphEndpoint, cfg.ExtraCAPEM = azure.CloudPublic, "", "", "", nil
	practice.Reach(&cfg)
	if cfg.TenantID == "" {
		cfg.TenantID = h.TenantID
	}
	if cfg.ClientID == "" {
		cfg.ClientID = h.ClientID
	}
	if v := strings.TrimSpace(cfg.Vault); v == "" || strings.EqualFold(v, h.VaultName) {
		cfg.Vault = h.VaultID
	}
	return cfg
}
