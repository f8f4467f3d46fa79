package main

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/kvbridge/kvbridge/steps/azure"
	"github.com/kvbridge/kvbridge/steps/azure/sandbox"
)

// delineaServed is a served tenant reached only through the flags: the Azure
// endpoints, and Delinea's URL, user, credential secret and mapped secret.
func delineaServed(si sandbox.ServeInfo, extra ...string) []string {
	args := []string{"--authority-host", si.AuthorityHost, "--arm-endpoint", si.ARMEndpoint, "--ca-file", si.CAFile,
		"--vault", si.VaultID, "--vault-url", si.VaultURLs[0], "--secret-name", "Prod-VM-Admin-Pass",
		"--delinea-url", si.DelineaURL, "--delinea-username", si.DelineaUsername,
		"--credential-secret", strconv.Itoa(si.CredentialSecretID), "--mapped-secret", strconv.Itoa(si.MappedSecretID),
		"--timeout", "10s"}
	return append(args, extra...)
}

// leaks looks for each secret raw, URL-encoded and JSON-escaped.
func leaks(t *testing.T, texts []string, secrets ...string) {
	t.Helper()
	for _, v := range secrets {
		if len(v) < 4 {
			continue
		}
		j, _ := json.Marshal(v)
		for _, f := range []string{v, url.QueryEscape(v), strings.Trim(string(j), `"`)} {
			for _, text := range texts {
				if strings.Contains(text, f) {
					t.Fatalf("a secret (%.3s…) appeared in the output", v)
				}
			}
		}
	}
}

// The done-when of the Delinea side, against a served practice tenant: healthy passes
// every check with mapping.value compared through Delinea; delinea-typo names the
// credential secret and the Client ID's whitespace while a typed correct Client ID
// passes; value-drift fails mapping.value. No secret reaches the output, in JSON or
// text, with the password from the environment or from stdin.
func TestDoctorDelineaServed(t *testing.T) {
	t.Run("healthy", func(t *testing.T) {
		t.Parallel()
		si := startServed(t, "healthy", 0)
		env := map[string]string{"DELINEA_PASSWORD": si.DelineaPassword}
		code, out, errs := doctorCLI(t, "", env, delineaServed(si, "--json")...)
		d := parseDoctor(t, out)
		if code != 0 || !d.OK {
			t.Fatalf("exit %d\n%s\n%s", code, out, errs)
		}
		for _, c := range d.Checks {
			if c.Status == azure.StatusFail || (c.Status == azure.StatusSkip && c.ID != "delinea.typed-values") {
				t.Errorf("%s %s/%s", c.ID, c.Status, c.Cause)
			}
		}
		if c := d.check("mapping.value"); c.Status != azure.StatusPass || !strings.Contains(c.Detail, "Delinea holds in secret "+strconv.Itoa(si.MappedSecretID)) {
			t.Errorf("mapping.value %s: %s", c.Status, c.Detail)
		}
		// Typed values as well: compared, equal, so every check passes, none skipped
		// (credential.expiry warns "unknown": a served tenant's Graph is not where
		// doctor looks for it).
		env["AZURE_CLIENT_SECRET"] = si.ClientSecret
		code, out2, errs2 := doctorCLI(t, "", env, delineaServed(si, "--tenant", si.TenantID, "--client-id", si.ClientID, "--json")...)
		d = parseDoctor(t, out2)
		for _, c := range d.Checks {
			if c.Status != azure.StatusPass && c.ID != "credential.expiry" {
				t.Errorf("with typed values: %s %s/%s", c.ID, c.Status, c.Cause)
			}
		}
		_, text, terrs := doctorCLI(t, si.DelineaPassword+"\n", nil, delineaServed(si, "--delinea-password-stdin")...)
		if code != 0 || !strings.Contains(text, "delinea.credential-secret") || !strings.Contains(text, "as Delinea holds") {
			t.Errorf("text output:\n%s", text)
		}
		leaks(t, []string{out, errs, out2, errs2, text, terrs}, si.DelineaPassword, si.ClientSecret)
	})
	t.Run("delinea-typo", func(t *testing.T) {
		t.Parallel()
		si := startServed(t, "delinea-typo", 0)
		env := map[string]string{"DELINEA_PASSWORD": si.DelineaPassword, "AZURE_CLIENT_SECRET": si.ClientSecret}
		code, out, errs := doctorCLI(t, "", env, delineaServed(si, "--tenant", si.TenantID, "--client-id", si.ClientID, "--json")...)
		d := parseDoctor(t, out)
		c := d.check("delinea.credential-secret")
		if code != 1 || c.Status != azure.StatusFail || c.Cause != "whitespace" || c.Evidence.Field != "Client ID" || !strings.Contains(c.Title, "Client ID") {
			t.Fatalf("exit %d, delinea.credential-secret %s/%s %q", code, c.Status, c.Cause, c.Title)
		}
		if c := d.check("delinea.typed-values"); c.Status != azure.StatusWarn || !strings.Contains(c.Detail, "Client ID") {
			t.Errorf("typed-values %s: %s", c.Status, c.Detail)
		}
		// The same typed values without the credential secret: everything passes.
		args := []string{"--tenant", si.TenantID, "--client-id", si.ClientID, "--authority-host", si.AuthorityHost,
			"--arm-endpoint", si.ARMEndpoint, "--ca-file", si.CAFile, "--vault", si.VaultID, "--vault-url", si.VaultURLs[0], "--json"}
		code, out2, errs2 := doctorCLI(t, "", env, args...)
		if d := parseDoctor(t, out2); code != 0 || !d.OK {
			t.Errorf("typed values alone: exit %d\n%s", code, out2)
		}
		leaks(t, []string{out, errs, out2, errs2}, si.DelineaPassword, si.ClientSecret)
	})
	t.Run("value-drift", func(t *testing.T) {
		t.Parallel()
		si := startServed(t, "value-drift", 0)
		env := map[string]string{"DELINEA_PASSWORD": si.DelineaPassword}
		code, out, errs := doctorCLI(t, "", env, delineaServed(si, "--json")...)
		d := parseDoctor(t, out)
		if c := d.check("mapping.value"); code != 1 || c.Status != azure.StatusFail || c.Cause != "mismatch" {
			t.Fatalf("exit %d, mapping.value %s/%s\n%s", code, c.Status, c.Cause, errs)
		}
		_, text, terrs := doctorCLI(t, "", env, delineaServed(si)...)
		leaks(t, []string{out, errs, text, terrs}, si.DelineaPassword, si.ClientSecret)
	})
	t.Run("wrong password", func(t *testing.T) {
		t.Parallel()
		si := startServed(t, "healthy", 0)
		const wrong = "not-the-Delinea-password+/="
		code, out, errs := doctorCLI(t, "", map[string]string{"DELINEA_PASSWORD": wrong}, delineaServed(si, "--json")...)
		d := parseDoctor(t, out)
		if c := d.check("delinea.auth"); code != 1 || c.Cause != "bad-credentials" {
			t.Errorf("exit %d, delinea.auth %s/%s", code, c.Status, c.Cause)
		}
		if c := d.check("input.client-id"); c.Status != azure.StatusSkip || c.BlockedBy != "delinea.credential-secret" {
			t.Errorf("input.client-id %s blocked by %q", c.Status, c.BlockedBy)
		}
		leaks(t, []string{out, errs}, wrong, si.DelineaPassword)
	})
}

// doctor --sandbox reads the practice Secret Server: delinea-typo is found without a
// flag, and typed credentials switch the credential secret off.
func TestDoctorSandboxReadsDelinea(t *testing.T) {
	code, out, _ := doctorCLI(t, "", nil, "--sandbox", "delinea-typo", "--json")
	if c := parseDoctor(t, out).check("delinea.credential-secret"); code != 1 || c.Cause != "whitespace" {
		t.Errorf("exit %d, credential-secret %s/%s", code, c.Status, c.Cause)
	}
	code, out, _ = doctorCLI(t, "", nil, "--sandbox", "healthy", "--credential-secret", "Break-glass Domain Admin", "--json")
	if c := parseDoctor(t, out).check("delinea.credential-secret"); code != 1 || c.Cause != "restricted" {
		t.Errorf("exit %d, credential-secret %s/%s", code, c.Status, c.Cause)
	}
}

func TestDoctorDelineaUsage(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"password flag", nil, []string{"--delinea-password", "hunter2hunter2"}, "DELINEA_PASSWORD"},
		{"password flag =", nil, []string{"--delinea-password=hunter2hunter2"}, "--delinea-password-stdin"},
		{"http url", nil, []string{"--delinea-url", "http://ss.example.com", "--delinea-username", "u"}, "not https"},
		{"api url", nil, []string{"--delinea-url", "https://ss.example.com/SecretServer/api/v1", "--delinea-username", "u"}, "base URL"},
		{"no user", nil, []string{"--delinea-url", "https://ss.example.com"}, "--delinea-username"},
		{"secret without url", nil, []string{"--credential-secret", "12"}, "--delinea-url"},
		{"bad id", nil, []string{"--delinea-url", "https://ss.example.com", "--delinea-username", "u", "--credential-secret", "0"}, "positive number"},
		{"control name", nil, []string{"--delinea-url", "https://ss.example.com", "--delinea-username", "u", "--credential-secret", "a\x1b[2Jb"}, "control characters"},
		{"mapped without name", nil, []string{"--delinea-url", "https://ss.example.com", "--delinea-username", "u", "--mapped-secret", "12"}, "--secret-name"},
		{"two stdins", nil, []string{"--delinea-url", "https://ss.example.com", "--delinea-username", "u", "--delinea-password-stdin", "--client-secret-stdin"}, "standard input"},
		{"no password", nil, []string{"--delinea-url", "https://ss.example.com", "--delinea-username", "u", "--credential-secret", "12"}, "DELINEA_PASSWORD"},
		{"sandbox url", nil, []string{"--sandbox", "healthy", "--delinea-url", "https://ss.example.com"}, "practice Secret Server"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := doctorCLI(t, "", tc.env, tc.args...)
			if code != 2 || !strings.Contains(errs, tc.want) {
				t.Errorf("exit %d, stderr %q (want %q)", code, errs, tc.want)
			}
			if strings.Contains(out+errs, "hunter2hunter2") || strings.Contains(out+errs, "\x1b[2J") || strings.Contains(errs, "goroutine") {
				t.Errorf("echoed or crashed: %q", errs)
			}
		})
	}
}
