package azure_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/kvbridge/kvbridge/steps/azure"
	"github.com/kvbridge/kvbridge/steps/azure/sandbox"
)

const syncValue = "Sync-Value-7f3kQ!z" // what the trainee types as the Delinea password

func syncSession(t *testing.T, ten *sandbox.Tenant, mod func(*azure.Config)) *azure.Session {
	t.Helper()
	cfg := sandboxConfig(ten)
	cfg.SetComparePassword("")
	if mod != nil {
		mod(&cfg)
	}
	s, err := azure.NewSession(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func assertNoValue(t *testing.T, r azure.SyncResult, value string) {
	t.Helper()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), value) {
		t.Errorf("the value leaked into the result: %s", b)
	}
	if !strings.Contains(string(b), `"id":"sync"`) || !strings.Contains(string(b), `"status"`) {
		t.Errorf("JSON shape: %s", b)
	}
}

func TestSyncHealthyThenMappingPasses(t *testing.T) {
	ten := startTenant(t, sandbox.Options{Scenario: "healthy"})
	in := ten.Info()
	s := syncSession(t, ten, nil)
	before := time.Now().Add(-time.Minute)
	r := s.SyncSecret(context.Background(), in.SecretName, syncValue, map[string]string{"username": in.SecretUsername})
	assertNoValue(t, r, syncValue)
	if !r.OK() || r.Cause != "" || r.Version == "" || r.Updated.Before(before) {
		t.Fatalf("sync = %s/%s version %q updated %v: %s %s", r.Status, r.Cause, r.Version, r.Updated, r.Title, r.Detail)
	}
	// The checks now see the synced value (compared by SHA-256) and the tag.
	cfg := sandboxConfig(ten)
	cfg.SetComparePassword(syncValue)
	cfg.StaleAfter = time.Hour
	s2, err := azure.NewSession(cfg)
	if err != nil {
		t.Fatal(err)
	}
	rep := s2.Run(context.Background(), []string{"mapping.secret", "mapping.tag", "mapping.value"}, nil)
	for _, id := range []string{"mapping.secret", "mapping.tag", "mapping.value"} {
		if x, _ := rep.Result(id); x.Status != azure.StatusPass {
			t.Errorf("%s = %s/%s: %s", id, x.Status, x.Cause, x.Detail)
		}
	}
	// The old password no longer matches: the sync really wrote.
	cfg.SetComparePassword(in.SecretValue)
	s3, _ := azure.NewSession(cfg)
	rep = s3.Run(context.Background(), []string{"mapping.value"}, nil)
	if x, _ := rep.Result("mapping.value"); x.Cause != "mismatch" {
		t.Errorf("mapping.value with the old password = %s/%s", x.Status, x.Cause)
	}
}

func TestSyncRefusals(t *testing.T) {
	cases := []struct {
		scenario, cause string
		check           func(t *testing.T, r azure.SyncResult, in sandbox.Info)
	}{
		{"secrets-user-only", "forbidden-by-rbac", func(t *testing.T, r azure.SyncResult, in sandbox.Info) {
			if !strings.Contains(r.Evidence.Action, "setSecret") || !strings.Contains(r.Detail, "setSecret") {
				t.Errorf("setSecret not named: action %q detail %q", r.Evidence.Action, r.Detail)
			}
			if r.Fix == nil || !strings.Contains(strings.Join(r.Fix.Az, "\n"), `--role 'Key Vault Secrets Officer' --assignee `+in.ClientID) {
				t.Errorf("fix: %+v", r.Fix)
			}
		}},
		{"soft-deleted-name", "deleted-but-recoverable", func(t *testing.T, r azure.SyncResult, in sandbox.Info) {
			az := ""
			if r.Fix != nil {
				az = strings.Join(r.Fix.Az, "\n")
			}
			if !strings.Contains(az, "az keyvault secret recover --vault-name "+in.VaultName+" --name "+in.SecretName) ||
				!strings.Contains(az, "az keyvault secret purge") || r.Evidence.HTTPStatus != 409 || r.Evidence.InnerCode != "ObjectIsDeletedButRecoverable" {
				t.Errorf("evidence %+v fix %s", r.Evidence, az)
			}
		}},
		{"firewall", "forbidden-by-firewall", func(t *testing.T, r azure.SyncResult, in sandbox.Info) {
			if r.Fix == nil || !strings.Contains(strings.Join(r.Fix.Az, "\n"), "az keyvault network-rule add --name "+in.VaultName) {
				t.Errorf("fix: %+v", r.Fix)
			}
		}},
		{"access-policy-vault", "forbidden-by-access-policy", nil},
	}
	for _, c := range cases {
		t.Run(c.scenario, func(t *testing.T) {
			t.Parallel()
			ten := startTenant(t, sandbox.Options{Scenario: c.scenario})
			in := ten.Info()
			r := syncSession(t, ten, nil).SyncSecret(context.Background(), in.SecretName, syncValue, map[string]string{"username": "svc"})
			assertNoValue(t, r, syncValue)
			if r.Status != azure.StatusFail || r.Cause != c.cause || r.Fix == nil {
				t.Fatalf("sync = %s/%s, want fail/%s: %s | %s", r.Status, r.Cause, c.cause, r.Title, r.Detail)
			}
			if c.check != nil {
				c.check(t, r, in)
			}
		})
	}
}

func TestSyncNameAndTarget(t *testing.T) {
	ten := startTenant(t, sandbox.Options{Scenario: "healthy"})
	s := syncSession(t, ten, nil)
	for name, cause := range map[string]string{"bad_name": "invalid-name", "": "invalid-name", strings.Repeat("a", 128): "too-long"} {
		r := s.SyncSecret(context.Background(), name, syncValue, nil)
		if r.Status != azure.StatusFail || r.Cause != cause {
			t.Errorf("%q: %s/%s, want fail/%s", name, r.Status, r.Cause, cause)
		}
	}
	noVault := syncSession(t, ten, func(c *azure.Config) { c.Vault = "" })
	if r := noVault.SyncSecret(context.Background(), "Prod-VM-Admin-Pass", syncValue, nil); r.OK() || r.Cause != azure.CauseNotAsked {
		t.Errorf("no vault: %s/%s", r.Status, r.Cause)
	}
	// By name or URL works as well as by resource ID.
	for _, v := range []string{ten.Info().VaultName, ten.Info().VaultURLs[0]} {
		s := syncSession(t, ten, func(c *azure.Config) { c.Vault = v })
		if r := s.SyncSecret(context.Background(), "Another-One", syncValue, nil); !r.OK() {
			t.Errorf("vault %s: %s/%s %s", v, r.Status, r.Cause, r.Detail)
		}
	}
}

// A bad client secret: Entra's refusal is told in auth.token's words.
func TestSyncWrongSecret(t *testing.T) {
	ten := startTenant(t, sandbox.Options{Scenario: "healthy"})
	s := syncSession(t, ten, func(c *azure.Config) { c.ClientSecret = "not-the-secret-value~123456" })
	r := s.SyncSecret(context.Background(), "Prod-VM-Admin-Pass", syncValue, nil)
	assertNoValue(t, r, syncValue)
	if r.Status != azure.StatusFail || r.Cause != "secret-invalid" || strings.Contains(r.Detail, "not-the-secret-value~123456") {
		t.Errorf("sync = %s/%s: %s", r.Status, r.Cause, r.Detail)
	}
}

// Loopback wiring: custom endpoints, so the vault URL comes from ARM.
func TestSyncLoopbackResolvesURLFromARM(t *testing.T) {
	ten := startTenant(t, sandbox.Options{Scenario: "healthy", Wiring: sandbox.Loopback})
	in := ten.Info()
	cfg := azure.Config{TenantID: in.TenantID, ClientID: in.ClientID, ClientSecret: in.ClientSecret,
		AuthorityHost: in.AuthorityHost, ARMEndpoint: in.ARMEndpoint, ARMAudience: in.ARMAudience, ExtraCAPEM: in.CAPEM,
		Retry: fastRetry, CheckTimeout: 10 * time.Second}
	for _, v := range []string{in.VaultID, in.VaultName} {
		cfg.Vault = v
		s, err := azure.NewSession(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if r := s.SyncSecret(context.Background(), in.SecretName, syncValue, nil); !r.OK() || !strings.HasPrefix(r.Evidence.VaultURL, "https://127.0.0.1:") {
			t.Errorf("vault %s: %s/%s url %q %s", v, r.Status, r.Cause, r.Evidence.VaultURL, r.Detail)
		}
	}
}
