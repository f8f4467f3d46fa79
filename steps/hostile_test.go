package steps_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/stepstest"
)

const evil = "\x1b[2J\x1b]52;c;dG91Y2g=\x07\x1b]0;pwned\x07\u009b2J\u202e\n"

// A progress file anyone could have edited: its strings reach the terminal in
// kvbridge report, the wizard and plain mode. A connection with control
// characters is dropped, an unknown check status too, and a cause is cleaned.
func TestHostileProgressFileNeverReachesTheTerminal(t *testing.T) {
	m := stepstest.Machine(t)
	dir := t.TempDir()
	p := filepath.Join(dir, "progress.json")
	data := `{"version": 1, "screen": "1/overview",
	 "tasks": {"1A.1": true, "` + jsonEsc("1A.2"+evil) + `": true},
	 "checks": {"auth.token": {"status": "fail", "cause": "` + jsonEsc("app-disabled"+evil) + `", "at": "2026-11-28T09:00:00Z"},
	            "arm.vaults": {"status": "` + jsonEsc("pass"+evil) + `", "at": "2026-11-28T09:00:00Z"}},
	 "connection": {"kind": "tenant", "tenant_id": "` + jsonEsc("contoso"+evil) + `", "client_id": "x"}}`
	if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := steps.Store{Path: p}.Peek(m, t0)
	if err != nil {
		t.Fatal(err)
	}
	if s.Connection.Kind != steps.ConnNone {
		t.Errorf("a connection holding control characters was kept: %+v", s.Connection)
	}
	if _, ok := s.Checks["arm.vaults"]; ok {
		t.Errorf("an unknown status was kept: %+v", s.Checks["arm.vaults"])
	}
	if c := s.Checks["auth.token"].Cause; strings.ContainsAny(c, "\x1b\n\u009b\u202e") {
		t.Errorf("cause kept controls: %q", c)
	}
	var b bytes.Buffer
	if err := m.Report(s).WriteMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(b.String(), "\x1b\u009b\u202e") {
		t.Errorf("report holds control characters:\n%q", b.String())
	}
}

// WriteMarkdown cleans on its own too, whatever the state it is given.
func TestReportMarkdownCleansEveryField(t *testing.T) {
	m := stepstest.Machine(t)
	s := m.Start(t0)
	s.Connection = steps.Connection{Kind: steps.ConnTenant, TenantID: "t" + evil, ClientID: "c" + evil}
	s.Checks["auth.token"] = steps.CheckMark{Status: "fail" + evil, At: t0}
	var b bytes.Buffer
	if err := m.Report(s).WriteMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(b.String(), "\x1b\u009b\u202e") || strings.Contains(b.String(), "pwned") {
		t.Errorf("report holds control characters:\n%q", b.String())
	}
}

// A 1 MB paste into the tenant ID is refused, not saved (and then rewritten
// on every change); so is one with a control character.
func TestConnectionFieldsAreBounded(t *testing.T) {
	m := stepstest.Machine(t)
	s := m.Start(t0)
	for name, c := range map[string]steps.Connection{
		"1 MB tenant ID":       {Kind: steps.ConnTenant, TenantID: strings.Repeat("a", 1<<20), ClientID: "x"},
		"long secret name":     {Kind: steps.ConnTenant, SecretName: strings.Repeat("s", steps.MaxSecretNameLen+1)},
		"escape in client ID":  {Kind: steps.ConnTenant, ClientID: "x\x1b[2J"},
		"newline in vault URL": {Kind: steps.ConnTenant, VaultURL: "https://v\n.vault.azure.net"},
	} {
		if _, _, err := m.Apply(s, steps.Event{Type: steps.EvConnect, Connection: &c}, t0); err == nil {
			t.Errorf("%s: accepted", name)
		} else if len(err.Error()) > 200 {
			t.Errorf("%s: the message echoes the paste (%d bytes)", name, len(err.Error()))
		}
	}
	ok := steps.Connection{Kind: steps.ConnTenant, TenantID: strings.Repeat("a", 63) + ".onmicrosoft.com", ClientID: "8f7a2c1e-4b3d-4e5f-9a8b-7c6d5e4f3a2b", SecretName: strings.Repeat("s", 127)}
	if _, _, err := m.Apply(s, steps.Event{Type: steps.EvConnect, Connection: &ok}, t0); err != nil {
		t.Errorf("lengths Azure accepts were refused: %v", err)
	}
}

func jsonEsc(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}
