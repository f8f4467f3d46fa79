package azure_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/kvbridge/kvbridge/steps/azure"
	"github.com/kvbridge/kvbridge/steps/azure/sandbox"
	"github.com/kvbridge/kvbridge/steps/delinea"
	"github.com/kvbridge/kvbridge/steps/facts"
)

// fastRetry keeps failing tests quick, yet honours the throttled scenario's
// retry-after-ms (5 ms).
var fastRetry = policy.RetryOptions{MaxRetries: 2, RetryDelay: time.Millisecond, MaxRetryDelay: 50 * time.Millisecond}

func startTenant(t testing.TB, opts sandbox.Options) *sandbox.Tenant {
	t.Helper()
	ten, err := sandbox.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ten.Close() })
	return ten
}

// sandboxConfig is the configuration doctor --sandbox builds: the handed-out
// credentials, the tenant's transport, and the practice vault and secret.
func sandboxConfig(ten *sandbox.Tenant) azure.Config {
	in := ten.Info()
	cfg := azure.Config{
		TenantID: in.TenantID, ClientID: in.ClientID, ClientSecret: in.ClientSecret,
		Vault: in.VaultID, SecretName: in.SecretName, ExpectUsernameTag: true, Username: in.SecretUsername,
		Transport: ten.HTTPClient(), Retry: fastRetry, CheckTimeout: 10 * time.Second,
	}
	cfg.SetComparePassword(in.SecretValue)
	return cfg
}

// delineaConfig adds what doctor --sandbox reads from the practice Secret Server: the
// credential secret (so the Azure checks run with Delinea's values, the typed ones
// only compared) and the mapped secret (for mapping.value and mapping.tag).
func delineaConfig(t testing.TB, ten *sandbox.Tenant) azure.Config {
	t.Helper()
	cfg := sandboxConfig(ten)
	in := ten.Info()
	c, err := delinea.New(delinea.Config{URL: in.DelineaURL, Username: in.DelineaUsername, Password: in.DelineaPassword, HTTPClient: ten.HTTPClient()})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Delinea = &azure.DelineaSource{Client: c, CredentialSecret: delinea.Ref{ID: in.CredentialSecretID}, MappedSecret: delinea.Ref{ID: in.MappedSecretID}}
	return cfg
}

func run(t testing.TB, cfg azure.Config) (*azure.Report, []azure.Result) {
	t.Helper()
	s, err := azure.NewSession(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var streamed []azure.Result
	rep := s.Run(context.Background(), nil, func(r azure.Result) { streamed = append(streamed, r) })
	return rep, streamed
}

func dump(rep *azure.Report) string {
	var b strings.Builder
	for _, r := range rep.Results {
		b.WriteString("  " + string(r.Status) + " " + r.ID + " " + r.Cause + ": " + r.Title + " | " + r.Detail + "\n")
	}
	return b.String()
}

func TestScenarios(t *testing.T) {
	for _, sc := range sandbox.Scenarios() {
		if sc.Name == "mystery" {
			continue
		}
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			ten := startTenant(t, sandbox.Options{Scenario: sc.Name})
			rep, streamed := run(t, delineaConfig(t, ten))
			if len(streamed) != len(azure.Catalogue) || len(rep.Results) != len(azure.Catalogue) {
				t.Fatalf("streamed %d, reported %d, want %d", len(streamed), len(rep.Results), len(azure.Catalogue))
			}
			if sc.ExpectCheck == "" {
				for _, r := range rep.Results {
					if r.Status == azure.StatusFail || r.Status == azure.StatusSkip {
						t.Errorf("%s: %s %s", r.ID, r.Status, r.Cause)
					}
				}
				if !rep.OK() {
					t.Errorf("not OK")
				}
			} else {
				r, _ := rep.Result(sc.ExpectCheck)
				// The practice tenant has one vault, so "not listed" is "none listed".
				okCause := r.Cause == sc.ExpectCause
				if !okCause || r.Status != azure.StatusFail {
					t.Errorf("%s = %s/%s, want fail/%s", sc.ExpectCheck, r.Status, r.Cause, sc.ExpectCause)
				}
				if rep.OK() {
					t.Errorf("OK, want a failure")
				}
			}
			secret := ten.Info().ClientSecret
			b, _ := json.Marshal(rep)
			if strings.Contains(string(b), secret) || strings.Contains(string(b), ten.Info().SecretValue) {
				t.Errorf("a secret leaked into the report")
			}
			if t.Failed() {
				t.Log("\n" + dump(rep))
			}
		})
	}
}

// The no-vault-read diagnosis: with the vault's resource ID the permissions API says
// why; with only its name, the data plane does.
func TestNoVaultReadDiagnosis(t *testing.T) {
	ten := startTenant(t, sandbox.Options{Scenario: "no-vault-read"})
	for _, vault := range []string{ten.Info().VaultID, ten.Info().VaultName} {
		cfg := sandboxConfig(ten)
		cfg.Vault = vault
		rep, _ := run(t, cfg)
		r, _ := rep.Result("arm.vaults")
		if r.Cause != "target-not-listed" && r.Cause != "none-listed" {
			t.Fatalf("arm.vaults = %s/%s\n%s", r.Status, r.Cause, dump(rep))
		}
		if !strings.Contains(r.Detail, "Reader") || r.Fix == nil || !strings.Contains(strings.Join(r.Fix.Az, "\n"), `--role Reader --assignee `+ten.Info().ClientID) {
			t.Errorf("diagnosis does not lead to Reader: %s %+v", r.Detail, r.Fix)
		}
		if r.Evidence.Action != "Microsoft.KeyVault/vaults/read" {
			t.Errorf("evidence action = %q", r.Evidence.Action)
		}
		// The shared facts reach the finding word for word: the inference about the
		// wildcard (with its hedge), where to assign Reader, and what Reader costs.
		if strings.Contains(r.Detail, "permissions API") && !strings.Contains(r.Detail, facts.Text("vault-list-read")) {
			t.Errorf("detail does not carry the vault-list-read fact: %s", r.Detail)
		}
		for _, id := range []string{"reader-scope", "reader-least-privilege"} {
			if !strings.Contains(r.Fix.Summary, facts.Text(id)) {
				t.Errorf("fix summary lacks fact %s: %s", id, r.Fix.Summary)
			}
		}
		if strings.Contains(r.Detail, "or Key Vault Reader") || strings.Contains(strings.Join(r.Fix.Az, " "), `"Key Vault Reader"`) || strings.Contains(r.Title, "will be empty") {
			t.Errorf("finding offers Key Vault Reader or states the dropdown as fact: %s | %s", r.Title, r.Detail)
		}
		// The data plane still works by URL.
		if d, _ := rep.Result("data.secrets"); d.Status != azure.StatusPass {
			t.Errorf("data.secrets = %s/%s", d.Status, d.Cause)
		}
		t.Logf("vault=%s: %s", vault, r.Detail)
	}
}

// throttleVaultLists answers every vault listing with a 429 whose Retry-After is past
// any retry cap, as ARM does under sustained load; everything else reaches the tenant.
type throttleVaultLists struct{ next *http.Client }

func (tr throttleVaultLists) Do(req *http.Request) (*http.Response, error) {
	if strings.HasSuffix(strings.ToLower(req.URL.Path), "/providers/microsoft.keyvault/vaults") {
		body := `{"error":{"code":"SubscriptionRequestsThrottled","message":"Number of 'read' requests for subscription exceeded the limit."}}`
		return &http.Response{StatusCode: http.StatusTooManyRequests, Status: "429 Too Many Requests", Request: req,
			Header: http.Header{"Retry-After": {"30"}, "Content-Type": {"application/json"}},
			Body:   io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body))}, nil
	}
	return tr.next.Do(req)
}

// A listing that fails for want of capacity, not of a role, is reported as such: the
// empty-dropdown diagnosis must not blame a missing Reader for a throttled call.
func TestThrottledListingIsNotARoleProblem(t *testing.T) {
	ten := startTenant(t, sandbox.Options{Scenario: "healthy"})
	cfg := sandboxConfig(ten)
	cfg.Transport = throttleVaultLists{ten.HTTPClient()}
	start := time.Now()
	rep, _ := run(t, cfg)
	r, _ := rep.Result("arm.vaults")
	if r.Status != azure.StatusFail || r.Cause != azure.CauseThrottled || r.Evidence.HTTPStatus != 429 {
		t.Errorf("arm.vaults = %s/%s (%d): %s", r.Status, r.Cause, r.Evidence.HTTPStatus, r.Detail)
	}
	if r.Fix != nil && strings.Contains(strings.Join(r.Fix.Az, " "), "Reader") {
		t.Errorf("a throttled listing is blamed on a role: %+v", r.Fix)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("a Retry-After past the cap was waited for: %s", d)
	}
}

// Each broken scenario is fixed by the practice action the check's fix names,
// and the same checks then pass: the loop a trainee goes through.
func TestPracticeActionsFixScenarios(t *testing.T) {
	for _, tc := range []struct {
		scenario, check string
		fix             func(ten *sandbox.Tenant) error
	}{
		{"no-vault-read", "arm.vaults", func(ten *sandbox.Tenant) error {
			return ten.AssignRole(ten.Info().ClientID, "Reader", "vault")
		}},
		{"secrets-user-only", "rbac.secrets-write", func(ten *sandbox.Tenant) error {
			return ten.AssignRole(ten.Info().ClientID, "Key Vault Secrets Officer", "vault")
		}},
		{"firewall", "vault.network", func(ten *sandbox.Tenant) error {
			return ten.SetFirewall(ten.Info().VaultName, false)
		}},
		{"soft-deleted-name", "mapping.secret", func(ten *sandbox.Tenant) error {
			return ten.RecoverVaultSecret(ten.Info().VaultName, ten.Info().SecretName)
		}},
	} {
		t.Run(tc.scenario, func(t *testing.T) {
			ten := startTenant(t, sandbox.Options{Scenario: tc.scenario})
			rep, _ := run(t, sandboxConfig(ten))
			if r, _ := rep.Result(tc.check); r.Status != azure.StatusFail {
				t.Fatalf("before the fix %s = %s/%s", tc.check, r.Status, r.Cause)
			}
			if err := tc.fix(ten); err != nil {
				t.Fatal(err)
			}
			rep, _ = run(t, sandboxConfig(ten))
			if !rep.OK() {
				t.Errorf("after the fix:\n%s", dump(rep))
			}
		})
	}
	ten := startTenant(t, sandbox.Options{Scenario: "healthy"})
	if err := ten.RecoverVaultSecret(ten.Info().VaultName, "never-deleted"); err == nil {
		t.Error("recovering a secret that was never deleted succeeded")
	}
}

// An access-policy vault is a setup Delinea supports. Before the app has a policy,
// Key Vault's refusal (data.secrets) is the failure and the permission model only
// warns; an incomplete policy fails naming what it lacks; a complete policy passes
// with a warning; switching the vault to Azure RBAC passes outright. All through the
// SDK clients over HTTPS against the practice tenant.
func TestAccessPolicyVault(t *testing.T) {
	ten := startTenant(t, sandbox.Options{Scenario: "access-policy-vault"})
	in := ten.Info()
	status := func(rep *azure.Report, id string) azure.Result { r, _ := rep.Result(id); return r }

	rep, _ := run(t, sandboxConfig(ten))
	if r := status(rep, "data.secrets"); r.Status != azure.StatusFail || r.Cause != "forbidden-by-access-policy" {
		t.Fatalf("before: data.secrets = %s/%s\n%s", r.Status, r.Cause, dump(rep))
	}
	pm := status(rep, "vault.permission-model")
	if pm.Status != azure.StatusWarn || pm.Cause != "access-policies" || !strings.Contains(pm.Detail, "No access policy names the app") {
		t.Errorf("before: vault.permission-model = %s/%s: %s", pm.Status, pm.Cause, pm.Detail)
	}
	ds := status(rep, "data.secrets")
	if ds.Fix == nil || !strings.Contains(strings.Join(ds.Fix.Az, "\n"), "az keyvault set-policy --name "+in.VaultName+" --object-id ") ||
		!strings.Contains(strings.Join(ds.Fix.Az, "\n"), "--secret-permissions get list set delete") {
		t.Errorf("data.secrets' fix does not add the app's access policy: %+v", ds.Fix)
	}

	// A policy that only reads: the missing permissions are named.
	if err := ten.AddAccessPolicy(in.VaultName, in.ClientID, []string{"get", "list"}); err != nil {
		t.Fatal(err)
	}
	rep, _ = run(t, sandboxConfig(ten))
	pm = status(rep, "vault.permission-model")
	if pm.Status != azure.StatusFail || pm.Cause != "access-policy-incomplete" || !strings.HasSuffix(pm.Title, "set, delete") {
		t.Errorf("read-only policy: vault.permission-model = %s/%s %q", pm.Status, pm.Cause, pm.Title)
	}
	if pm.Fix == nil || !strings.Contains(pm.Fix.Az[0], "--secret-permissions get list set delete") {
		t.Errorf("read-only policy: fix = %+v", pm.Fix)
	}
	if r := status(rep, "rbac.secrets-write"); r.Status != azure.StatusFail || r.Cause != "missing-write" {
		t.Errorf("read-only policy: rbac.secrets-write = %s/%s", r.Status, r.Cause)
	}

	// The practice action: get, list, set, delete. Doctor passes, with a warning.
	if err := ten.AddAccessPolicy(in.VaultName, in.ClientID, []string{"get", "list", "set", "delete"}); err != nil {
		t.Fatal(err)
	}
	rep, _ = run(t, sandboxConfig(ten))
	if !rep.OK() {
		t.Fatalf("after the access policy:\n%s", dump(rep))
	}
	pm = status(rep, "vault.permission-model")
	if pm.Status != azure.StatusWarn || pm.Cause != "access-policies" || !strings.Contains(pm.Detail, "course teaches Azure RBAC") {
		t.Errorf("after the access policy: vault.permission-model = %s/%s: %s", pm.Status, pm.Cause, pm.Detail)
	}
	if got := strings.Join(pm.Evidence.AccessPolicy, ","); got != "get,list,set,delete" {
		t.Errorf("evidence access_policy = %q", got)
	}
	if r := status(rep, "data.secrets"); r.Status != azure.StatusPass {
		t.Errorf("after the access policy: data.secrets = %s/%s", r.Status, r.Cause)
	}

	// The other fix, on a fresh tenant: switch the vault to Azure RBAC (the app holds
	// Key Vault Secrets Officer and Reader already). Everything passes.
	ten = startTenant(t, sandbox.Options{Scenario: "access-policy-vault"})
	if err := ten.SetPermissionModel(ten.Info().VaultName, true); err != nil {
		t.Fatal(err)
	}
	rep, _ = run(t, sandboxConfig(ten))
	for _, r := range rep.Results {
		if r.Status != azure.StatusPass && r.Status != azure.StatusSkip {
			t.Errorf("after switching to RBAC: %s = %s/%s", r.ID, r.Status, r.Cause)
		}
	}
}

// forbiddenByPolicy rewrites Key Vault's AccessDenied inner code to ForbiddenByPolicy,
// the other code field logs show for an access-policy refusal.
type forbiddenByPolicy struct{ next *http.Client }

func (tr forbiddenByPolicy) Do(req *http.Request) (*http.Response, error) {
	resp, err := tr.next.Do(req)
	if err != nil || resp.StatusCode != http.StatusForbidden {
		return resp, err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	b = []byte(strings.Replace(string(b), `"AccessDenied"`, `"ForbiddenByPolicy"`, 1))
	resp.Body, resp.ContentLength = io.NopCloser(strings.NewReader(string(b))), int64(len(b))
	resp.Header.Del("Content-Length")
	return resp, nil
}

// Both codes Key Vault uses for an access-policy refusal lead to the same cause.
func TestForbiddenByPolicyIsAnAccessPolicyRefusal(t *testing.T) {
	ten := startTenant(t, sandbox.Options{Scenario: "access-policy-vault"})
	cfg := sandboxConfig(ten)
	cfg.Transport = forbiddenByPolicy{ten.HTTPClient()}
	rep, _ := run(t, cfg)
	r, _ := rep.Result("data.secrets")
	if r.Status != azure.StatusFail || r.Cause != "forbidden-by-access-policy" || r.Evidence.InnerCode != "ForbiddenByPolicy" {
		t.Errorf("data.secrets = %s/%s (%s)\n%s", r.Status, r.Cause, r.Evidence.InnerCode, dump(rep))
	}
}

// Fixes that make a new client secret give an end date inside Microsoft's advice, and
// those that offer az account show say it prints the CLI's tenant.
func TestSecretAndTenantFixesSayWhatTheyDo(t *testing.T) {
	ten := startTenant(t, sandbox.Options{Scenario: "expired-secret"})
	rep, _ := run(t, sandboxConfig(ten))
	r, _ := rep.Result("auth.token")
	if r.Fix == nil || len(r.Fix.Az) == 0 {
		t.Fatalf("auth.token = %s/%s, no fix", r.Status, r.Cause)
	}
	want := "--end-date " + time.Now().AddDate(0, 6, 0).Format("2006-01-02")
	if !strings.Contains(r.Fix.Az[0], want) || strings.Contains(r.Fix.Az[0], "--years") {
		t.Errorf("new-secret command %q, want %q", r.Fix.Az[0], want)
	}
	cfg := sandboxConfig(ten)
	cfg.TenantID = "not a tenant!"
	rep, _ = run(t, cfg)
	r, _ = rep.Result("input.tenant-id")
	if r.Fix == nil || !strings.Contains(r.Fix.Summary, facts.Text("cli-tenant")) {
		t.Errorf("input.tenant-id fix does not warn about the CLI's tenant: %+v", r.Fix)
	}
}

// What doctor shows agrees with the shared facts: every title, detail, fix, portal
// path, command and way, in every scenario (and with an incomplete access policy),
// is free of the wordings that contradict them.
func TestFindingsAgreeWithFacts(t *testing.T) {
	check := func(t *testing.T, rep *azure.Report) {
		for _, r := range rep.Results {
			texts := []string{r.Title, r.Detail}
			if f := r.Fix; f != nil {
				texts = append(texts, f.Summary, f.Portal)
				texts = append(texts, f.Az...)
				for _, w := range f.Ways {
					texts = append(texts, w.Text, w.Cost)
				}
			}
			for _, s := range texts {
				for _, c := range facts.Contradictions(s) {
					t.Errorf("%s (%s): %s\n  in %q", r.ID, r.Cause, c, s)
				}
			}
		}
	}
	for _, sc := range sandbox.Scenarios() {
		if sc.Name == "mystery" {
			continue
		}
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			ten := startTenant(t, sandbox.Options{Scenario: sc.Name})
			rep, _ := run(t, sandboxConfig(ten))
			check(t, rep)
			if sc.Name == "access-policy-vault" {
				if err := ten.AddAccessPolicy(ten.Info().VaultName, ten.Info().ClientID, []string{"get"}); err != nil {
					t.Fatal(err)
				}
				rep, _ = run(t, sandboxConfig(ten))
				check(t, rep)
			}
		})
	}
}
