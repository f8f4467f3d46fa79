package azure_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kvbridge/kvbridge/steps/azure"
	"github.com/kvbridge/kvbridge/steps/azure/sandbox"
	"github.com/kvbridge/kvbridge/steps/delinea"
)

// dlConfig reads from the practice Secret Server with the given client settings, the
// typed values left out unless typed is true.
func dlConfig(t testing.TB, ten *sandbox.Tenant, typed bool, dc delinea.Config, cred, mapped delinea.Ref) azure.Config {
	t.Helper()
	in := ten.Info()
	cfg := sandboxConfig(ten)
	if strings.HasPrefix(in.AuthorityHost, "https://127.") { // a served (loopback) tenant
		cfg = servedConfig(ten, in.VaultID)
	}
	if !typed {
		cfg.TenantID, cfg.ClientID, cfg.ClientSecret = "", "", ""
		cfg.SetComparePassword("")
		cfg.Username = ""
	}
	if dc.URL == "" {
		dc.URL = in.DelineaURL
	}
	if dc.Username == "" {
		dc.Username, dc.Password = in.DelineaUsername, in.DelineaPassword
	}
	if dc.HTTPClient == nil && dc.ExtraCAPEM == nil {
		dc.HTTPClient = ten.HTTPClient()
	}
	c, err := delinea.New(dc)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Delinea = &azure.DelineaSource{Client: c, CredentialSecret: cred, MappedSecret: mapped}
	return cfg
}

func ids(in sandbox.Info) (delinea.Ref, delinea.Ref) {
	return delinea.Ref{ID: in.CredentialSecretID}, delinea.Ref{ID: in.MappedSecretID}
}

func want(t *testing.T, rep *azure.Report, id string, st azure.Status, cause string) azure.Result {
	t.Helper()
	r, ok := rep.Result(id)
	if !ok || r.Status != st || r.Cause != cause {
		t.Fatalf("%s = %s/%s, want %s/%s\n%s", id, r.Status, r.Cause, st, cause, dump(rep))
	}
	return r
}

// noLeak checks a report's JSON for the practice values, raw, URL-encoded and
// JSON-escaped.
func noLeak(t *testing.T, rep *azure.Report, values ...string) {
	t.Helper()
	b, _ := json.Marshal(rep)
	for _, v := range values {
		if len(v) < 4 {
			continue
		}
		j, _ := json.Marshal(v)
		for _, f := range []string{v, url.QueryEscape(v), strings.Trim(string(j), `"`)} {
			if strings.Contains(string(b), f) {
				t.Fatalf("a secret value is in the report")
			}
		}
	}
}

func secrets(in sandbox.Info) []string {
	return []string{in.ClientSecret, in.SecretValue, in.DelineaPassword, in.DelineaOTPPassword, in.DelineaPlatformSecret}
}

// healthy, read from Delinea: everything passes, the Azure checks say they ran with
// Delinea's values, and mapping.value compared with Delinea's password (no typed one).
func TestDelineaHealthy(t *testing.T) {
	ten := startTenant(t, sandbox.Options{Scenario: "healthy"})
	in := ten.Info()
	cred, mapped := ids(in)
	rep, _ := run(t, dlConfig(t, ten, false, delinea.Config{}, cred, mapped))
	for _, r := range rep.Results {
		if r.Status == azure.StatusFail || (r.Status == azure.StatusSkip && r.ID != "delinea.typed-values") {
			t.Errorf("%s: %s %s", r.ID, r.Status, r.Cause)
		}
		if !strings.HasPrefix(r.ID, "delinea.") && r.Evidence.Credentials != "delinea" {
			t.Errorf("%s does not say it ran with Delinea's values", r.ID)
		}
	}
	if r, _ := rep.Result("auth.token"); !strings.HasSuffix(r.Title, ", with the credentials as Delinea holds them") {
		t.Errorf("auth.token title %q", r.Title)
	}
	if r := want(t, rep, "mapping.value", azure.StatusPass, ""); !strings.Contains(r.Detail, "Delinea holds in secret "+strconv.Itoa(in.MappedSecretID)) {
		t.Errorf("mapping.value detail %q", r.Detail)
	}
	want(t, rep, "mapping.tag", azure.StatusPass, "")
	noLeak(t, rep, secrets(in)...)
	if t.Failed() {
		t.Log(dump(rep))
	}
	// By name as well: one search, then the same reads.
	rep, _ = run(t, dlConfig(t, ten, false, delinea.Config{}, delinea.Ref{Name: in.CredentialSecretName}, delinea.Ref{Name: in.MappedSecretName}))
	if !rep.OK() {
		t.Fatalf("by name:\n%s", dump(rep))
	}
}

// delinea-typo: the typed values pass everything; read from Delinea, the Client ID's
// trailing space is named, and the typed comparison says where they differ.
func TestDelineaTypo(t *testing.T) {
	ten := startTenant(t, sandbox.Options{Scenario: "delinea-typo"})
	in := ten.Info()
	if rep, _ := run(t, sandboxConfig(ten)); !rep.OK() {
		t.Fatalf("typed values should pass:\n%s", dump(rep))
	}
	cred, mapped := ids(in)
	rep, _ := run(t, dlConfig(t, ten, true, delinea.Config{}, cred, mapped))
	r := want(t, rep, "delinea.credential-secret", azure.StatusFail, "whitespace")
	if r.Evidence.Field != "Client ID" || !strings.Contains(r.Title, "Client ID") || !strings.Contains(r.Title, "ends with whitespace") {
		t.Errorf("credential-secret %q field %q", r.Title, r.Evidence.Field)
	}
	r = want(t, rep, "input.client-id", azure.StatusFail, "malformed")
	if r.Title != "The client ID has whitespace at one end (as Delinea holds it)" {
		t.Errorf("input.client-id title %q", r.Title)
	}
	r = want(t, rep, "delinea.typed-values", azure.StatusWarn, "differs")
	if !strings.Contains(r.Detail, "Client ID: Delinea's ends with whitespace") {
		t.Errorf("typed-values detail %q", r.Detail)
	}
	want(t, rep, "auth.token", azure.StatusSkip, "")
	noLeak(t, rep, secrets(in)...)
}

// value-drift: Delinea's password changed and was not pushed; Save pushes it.
func TestDelineaValueDrift(t *testing.T) {
	ten := startTenant(t, sandbox.Options{Scenario: "value-drift"})
	in := ten.Info()
	cred, mapped := ids(in)
	cfg := dlConfig(t, ten, false, delinea.Config{}, cred, mapped)
	s, err := azure.NewSession(cfg)
	if err != nil {
		t.Fatal(err)
	}
	rep := s.Run(context.Background(), nil, nil)
	want(t, rep, "mapping.value", azure.StatusFail, "mismatch")
	want(t, rep, "delinea.mapped-secret", azure.StatusPass, "")
	noLeak(t, rep, secrets(in)...)
	if err := ten.SaveExampleSecret(); err != nil {
		t.Fatal(err)
	}
	rep = s.Run(context.Background(), nil, nil) // the same session, re-run as the wizard does
	want(t, rep, "mapping.value", azure.StatusPass, "")
	// Changing the password again in Delinea shows at the next run.
	if err := ten.SetExamplePassword(""); err != nil {
		t.Fatal(err)
	}
	rep = s.Run(context.Background(), []string{"delinea.credential-secret", "delinea.mapped-secret", "mapping.value"}, nil)
	want(t, rep, "mapping.value", azure.StatusFail, "mismatch")
}

func TestDelineaCredentialFindings(t *testing.T) {
	for _, c := range []struct {
		scenario, check string
		status          azure.Status
		cause           string
	}{
		{"secret-id-pasted", "delinea.credential-secret", azure.StatusFail, "looks-like-secret-id"},
		{"secret-id-pasted", "input.client-secret", azure.StatusFail, "looks-like-secret-id"},
		{"wrong-tenant", "delinea.credential-secret", azure.StatusPass, ""},
		{"wrong-tenant", "auth.token", azure.StatusFail, "tenant-not-found"},
	} {
		t.Run(c.scenario+"/"+c.check, func(t *testing.T) {
			ten := startTenant(t, sandbox.Options{Scenario: c.scenario})
			cred, mapped := ids(ten.Info())
			rep, _ := run(t, dlConfig(t, ten, false, delinea.Config{}, cred, mapped))
			r := want(t, rep, c.check, c.status, c.cause)
			if c.check == "auth.token" && !strings.Contains(r.Title, "as Delinea holds them") {
				t.Errorf("title %q", r.Title)
			}
			noLeak(t, rep, secrets(ten.Info())...)
		})
	}
}

// Refusals of the credential secret: with nothing typed the Azure checks are skipped
// naming it; with typed values they run with those, and say so.
func TestDelineaCredentialRefusals(t *testing.T) {
	ten := startTenant(t, sandbox.Options{Scenario: "healthy"})
	in := ten.Info()
	_, mapped := ids(in)
	rep, _ := run(t, dlConfig(t, ten, false, delinea.Config{}, delinea.Ref{ID: 9999}, mapped))
	want(t, rep, "delinea.credential-secret", azure.StatusFail, "not-found")
	if r := want(t, rep, "input.client-id", azure.StatusSkip, ""); r.BlockedBy != "delinea.credential-secret" {
		t.Errorf("input.client-id blocked by %q", r.BlockedBy)
	}
	want(t, rep, "auth.token", azure.StatusSkip, "")

	rep, _ = run(t, dlConfig(t, ten, true, delinea.Config{}, delinea.Ref{Name: "HR Payroll Database"}, mapped))
	want(t, rep, "delinea.credential-secret", azure.StatusFail, "not-found") // not visible by name
	if r := want(t, rep, "auth.token", azure.StatusPass, ""); r.Evidence.Credentials != "typed" || !strings.Contains(r.Title, "typed") {
		t.Errorf("fallback auth.token %q %q", r.Title, r.Evidence.Credentials)
	}
	rep, _ = run(t, dlConfig(t, ten, true, delinea.Config{}, delinea.Ref{ID: in.MappedSecretID + 2}, mapped))
	want(t, rep, "delinea.credential-secret", azure.StatusFail, "forbidden")
	rep, _ = run(t, dlConfig(t, ten, true, delinea.Config{}, delinea.Ref{Name: "Break-glass Domain Admin"}, mapped))
	want(t, rep, "delinea.credential-secret", azure.StatusFail, "restricted")
	rep, _ = run(t, dlConfig(t, ten, true, delinea.Config{}, delinea.Ref{Name: "Old app credentials (not the template)"}, mapped))
	r := want(t, rep, "delinea.credential-secret", azure.StatusFail, "wrong-template")
	if !strings.Contains(r.Title, `"Password"`) {
		t.Errorf("title %q", r.Title)
	}
	// The mapped secret restricted: reported, not forced; mapping.value falls back to
	// the typed password.
	if err := ten.SetSecretRestriction(in.MappedSecretID, "checkout"); err != nil {
		t.Fatal(err)
	}
	cred, _ := ids(in)
	rep, _ = run(t, dlConfig(t, ten, true, delinea.Config{}, cred, mapped))
	r = want(t, rep, "delinea.mapped-secret", azure.StatusFail, "restricted")
	if !strings.Contains(r.Title, "checkout") {
		t.Errorf("title %q", r.Title)
	}
	if r := want(t, rep, "mapping.value", azure.StatusPass, ""); strings.Contains(r.Detail, "Delinea holds") {
		t.Errorf("mapping.value should have used the typed password: %q", r.Detail)
	}
	for _, q := range ten.Requests() {
		if q.Service == "delinea" && (q.Method != "GET" && !strings.HasSuffix(q.Path, "/token") && !strings.HasSuffix(q.Path, "/xpmplatform")) {
			t.Errorf("kvbridge wrote to Secret Server: %s %s", q.Method, q.Path)
		}
	}
}

func TestDelineaAuthFailures(t *testing.T) {
	ten := startTenant(t, sandbox.Options{Scenario: "healthy", Wiring: sandbox.Loopback})
	in := ten.Info()
	cred, mapped := ids(in)
	check := func(dc delinea.Config, cause string) *azure.Report {
		t.Helper()
		rep, _ := run(t, dlConfig(t, ten, true, dc, cred, mapped))
		want(t, rep, "delinea.auth", azure.StatusFail, cause)
		if r := want(t, rep, "delinea.credential-secret", azure.StatusSkip, ""); r.BlockedBy != "delinea.auth" {
			t.Errorf("credential-secret blocked by %q", r.BlockedBy)
		}
		want(t, rep, "auth.token", azure.StatusPass, "") // typed values carry on
		noLeak(t, rep, secrets(in)...)
		return rep
	}
	check(delinea.Config{Username: in.DelineaUsername, Password: "not-the-password"}, "bad-credentials")
	check(delinea.Config{Username: in.DelineaOTPUsername, Password: in.DelineaOTPPassword}, "one-time-code-needed")
	other := startTenant(t, sandbox.Options{Scenario: "healthy", Wiring: sandbox.Loopback}).Info().CAPEM // another tenant's CA
	rep := check(delinea.Config{ExtraCAPEM: other}, "tls")
	if r, _ := rep.Result("delinea.auth"); r.Fix == nil || !strings.Contains(r.Fix.Summary, "--ca-file") || !strings.Contains(r.Title, "not trusted") {
		t.Errorf("tls result %+v", r)
	}
	if err := ten.SetDelineaAPIEnabled(false); err != nil {
		t.Fatal(err)
	}
	check(delinea.Config{}, "api-disabled")
	_ = ten.SetDelineaAPIEnabled(true)
	ten.SetDelineaThrottling(true)
	check(delinea.Config{}, azure.CauseThrottled)
}

// The reads from Delinea add to the critical path only the sign-in and one read of the
// credential secret; the mapped secret and the template are read alongside.
func BenchmarkDelineaRun50ms(b *testing.B) {
	ten := startTenant(b, sandbox.Options{Scenario: "healthy", Wiring: sandbox.Loopback, Latency: latency})
	in := ten.Info()
	base := servedConfig(ten, in.VaultID)
	cases := []struct {
		name         string
		cred, mapped delinea.Ref
	}{
		{"azure-only", delinea.Ref{}, delinea.Ref{}},
		{"mapped-by-id", delinea.Ref{}, delinea.Ref{ID: in.MappedSecretID}},
		{"credential+mapped-by-id", delinea.Ref{ID: in.CredentialSecretID}, delinea.Ref{ID: in.MappedSecretID}},
		{"credential+mapped-by-name", delinea.Ref{Name: in.CredentialSecretName}, delinea.Ref{Name: in.MappedSecretName}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var total time.Duration
			n := 0
			for b.Loop() {
				cfg := base
				if !c.cred.Zero() || !c.mapped.Zero() {
					dc, err := delinea.New(delinea.Config{URL: in.DelineaURL, Username: in.DelineaUsername, Password: in.DelineaPassword, HTTPClient: ten.HTTPClient()})
					if err != nil {
						b.Fatal(err)
					}
					cfg.Delinea = &azure.DelineaSource{Client: dc, CredentialSecret: c.cred, MappedSecret: c.mapped}
				}
				d, rep := fullRun(b, cfg) // a fresh session and client: nothing cached
				if !rep.OK() {
					b.Fatalf("not OK:\n%s", dump(rep))
				}
				total += d
				n++
			}
			b.ReportMetric(float64(total.Milliseconds())/float64(n), "ms/run")
			b.ReportMetric(float64(total)/float64(n)/float64(latency), "latencies/run")
		})
	}
}

// A run without the Delinea checks (a page that checks typed values) keeps the typed
// values even when a credential secret is configured, and reads nothing from Delinea.
func TestDelineaOnlyWhenAsked(t *testing.T) {
	ten := startTenant(t, sandbox.Options{Scenario: "delinea-typo"})
	cred, mapped := ids(ten.Info())
	s, err := azure.NewSession(dlConfig(t, ten, true, delinea.Config{}, cred, mapped))
	if err != nil {
		t.Fatal(err)
	}
	rep := s.Run(context.Background(), []string{"input.client-id", "auth.token"}, nil)
	if !rep.OK() || len(rep.Results) != 4 {
		t.Fatalf("typed values should pass:\n%s", dump(rep))
	}
	for _, q := range ten.Requests() {
		if q.Service == "delinea" {
			t.Fatalf("Delinea was called: %s %s", q.Method, q.Path)
		}
	}
	rep = s.Run(context.Background(), []string{"delinea.credential-secret", "auth.token"}, nil)
	want(t, rep, "delinea.credential-secret", azure.StatusFail, "whitespace")
	want(t, rep, "input.client-id", azure.StatusFail, "malformed")
}

// Re-runs on one session, as the wizard's watch does: the Delinea token is held, so
// the credential secret costs one round trip on the critical path.
func BenchmarkDelineaRerun50ms(b *testing.B) {
	ten := startTenant(b, sandbox.Options{Scenario: "healthy", Wiring: sandbox.Loopback, Latency: latency})
	in := ten.Info()
	for _, withDelinea := range []bool{false, true} {
		name := "azure-only"
		cfg := servedConfig(ten, in.VaultID)
		if withDelinea {
			name = "credential+mapped-by-id"
			dc, err := delinea.New(delinea.Config{URL: in.DelineaURL, Username: in.DelineaUsername, Password: in.DelineaPassword, HTTPClient: ten.HTTPClient()})
			if err != nil {
				b.Fatal(err)
			}
			cfg.Delinea = &azure.DelineaSource{Client: dc, CredentialSecret: delinea.Ref{ID: in.CredentialSecretID}, MappedSecret: delinea.Ref{ID: in.MappedSecretID}}
		}
		b.Run(name, func(b *testing.B) {
			s, err := azure.NewSession(cfg)
			if err != nil {
				b.Fatal(err)
			}
			s.Run(context.Background(), nil, nil) // warm: tokens cached
			var total time.Duration
			n := 0
			for b.Loop() {
				start := time.Now()
				if rep := s.Run(context.Background(), nil, nil); !rep.OK() {
					b.Fatalf("not OK:\n%s", dump(rep))
				}
				total += time.Since(start)
				n++
			}
			b.ReportMetric(float64(total)/float64(n)/float64(latency), "latencies/run")
		})
	}
}

// Web services turned off after the sign-in: the reads meet the HTML page and say so.
func TestDelineaReadMeetsHTML(t *testing.T) {
	ten := startTenant(t, sandbox.Options{Scenario: "healthy"})
	cred, mapped := ids(ten.Info())
	cfg := dlConfig(t, ten, true, delinea.Config{}, cred, mapped)
	if err := cfg.Delinea.Client.SignIn(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := ten.SetDelineaAPIEnabled(false); err != nil {
		t.Fatal(err)
	}
	rep, _ := run(t, cfg)
	want(t, rep, "delinea.auth", azure.StatusPass, "") // the token held still stands
	want(t, rep, "delinea.credential-secret", azure.StatusFail, "api-disabled")
	want(t, rep, "delinea.mapped-secret", azure.StatusFail, "api-disabled")
	want(t, rep, "auth.token", azure.StatusPass, "") // the typed values stand in
}
