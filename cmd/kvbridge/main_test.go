package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kvbridge/kvbridge/steps"
)

// runCLI runs the command in process with a private state directory.
func runCLI(t *testing.T, stdin string, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := func(k string) string { return env[k] }
	code = run(context.Background(), args, stdio{in: strings.NewReader(stdin), out: &out, err: &errb}, getenv)
	return code, out.String(), errb.String()
}

func privateState(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("XDG_STATE_HOME", dir)
	return filepath.Join(dir, "kvbridge", "progress.json")
}

func TestUsageAndVersion(t *testing.T) {
	privateState(t)
	tests := []struct {
		args     []string
		code     int
		out, err string
	}{
		{[]string{"--help"}, 0, "Usage:", ""},
		{[]string{"-h"}, 0, "Keys in the wizard", ""},
		{[]string{"help"}, 0, "kvbridge report", ""},
		{[]string{"--version"}, 0, "kvbridge ", ""},
		{[]string{"version"}, 0, "kvbridge ", ""},
		{[]string{"--bogus"}, 2, "", "unknown flag: --bogus"},
		{[]string{"frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{[]string{"--reset"}, 2, "", "--reset without a terminal needs --yes"},
		{[]string{"report", "extra"}, 2, "", "report takes no arguments"},
		{[]string{"report", "--yaml"}, 2, "", "report: unknown flag: --yaml\nRun 'kvbridge report --help' for usage."},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, out, errOut := runCLI(t, "", nil, tc.args...)
			if code != tc.code || !strings.Contains(out, tc.out) || !strings.Contains(errOut, tc.err) {
				t.Fatalf("code=%d\nstdout=%s\nstderr=%s", code, out, errOut)
			}
			if strings.Contains(out+errOut, "goroutine ") {
				t.Error("a stack trace reached the user")
			}
		})
	}
}

// --reset --yes asks nothing, so the course's first line says the old progress is gone.
func TestResetYesSaysProgressErased(t *testing.T) {
	privateState(t)
	code, out, errOut := runCLI(t, "3\nq\n", nil, "--offline")
	if code != 0 {
		t.Fatalf("first run: code=%d stderr=%s", code, errOut)
	}
	if strings.Contains(out, "erased") {
		t.Fatal("a plain start claims progress was erased")
	}
	code, out, errOut = runCLI(t, "q\n", nil, "--reset", "--yes", "--offline")
	if code != 0 || !strings.HasPrefix(out, "Saved progress erased") {
		t.Fatalf("code=%d\nstdout=%s\nstderr=%s", code, out, errOut)
	}
}

func TestReportWithoutProgress(t *testing.T) {
	path := privateState(t)
	code, out, errOut := runCLI(t, "", nil, "report")
	if code != 1 || out != "" || !strings.Contains(errOut, "no saved progress at "+path) {
		t.Fatalf("code=%d stdout=%q stderr=%q", code, out, errOut)
	}
}

func TestReportOfSavedProgress(t *testing.T) {
	path := privateState(t)
	m, err := loadMachine()
	if err != nil {
		t.Fatal(err)
	}
	s := m.Start(mustTime(t, "2026-11-28T09:00:00Z"))
	s, _, _ = m.Apply(s, steps.Event{Type: steps.EvGoto, ID: "1/step/1A"}, s.StartedAt)
	s, _, _ = m.Apply(s, steps.Event{Type: steps.EvToggleTask, ID: "1A.1"}, s.StartedAt)
	s, _, _ = m.Apply(s, steps.Event{Type: steps.EvConnect, Connection: &steps.Connection{Kind: steps.ConnPractice, Scenario: "no-role"}}, s.StartedAt)
	if err := (steps.Store{Path: path}).Save(s); err != nil {
		t.Fatal(err)
	}
	code, out, _ := runCLI(t, "", nil, "report")
	if code != 0 || !strings.Contains(out, "| 1 Establishing") || !strings.Contains(out, "1/") || !strings.Contains(out, "## Still to do") ||
		!strings.Contains(out, "- Live checks: the practice tenant, scenario no-role") {
		t.Fatalf("markdown report (code %d):\n%s", code, out)
	}
	code, out, _ = runCLI(t, "", nil, "report", "--json")
	var r steps.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil || code != 0 {
		t.Fatalf("json report (code %d): %v\n%s", code, err, out)
	}
	if r.Complete || r.Sections[0].Done != 1 || r.Quiz.Total < 12 || len(r.Acks) != 3 || r.Screen != "1/step/1A" ||
		r.Connection.Scenario != "no-role" {
		t.Errorf("report = %+v", r)
	}
}

func TestReportOfDamagedProgress(t *testing.T) {
	path := privateState(t)
	os.MkdirAll(filepath.Dir(path), 0o700)
	os.WriteFile(path, []byte("{not json"), 0o600)
	code, _, errOut := runCLI(t, "", nil, "report")
	if code != 1 || !strings.Contains(errOut, "cannot be used because it is damaged") || !strings.Contains(errOut, "moves it aside") {
		t.Fatalf("code=%d stderr=%q", code, errOut)
	}
	// A report is read-only: the damaged file stays where it is, untouched.
	if b, err := os.ReadFile(path); err != nil || string(b) != "{not json" {
		t.Errorf("report changed the damaged file: %q, %v", b, err)
	}
}

func TestTruthy(t *testing.T) {
	for v, want := range map[string]bool{"": false, "0": false, "false": false, "No": false, "off": false, "1": true, "yes": true, "true": true, " x ": true} {
		if truthy(v) != want {
			t.Errorf("truthy(%q) = %v", v, !want)
		}
	}
}

func mustTime(t *testing.T, s string) (tm time.Time) {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

// parseWizardFlags parses the wizard's command line as run() would, and
// returns the checked flags instead of starting the wizard.
func parseWizardFlags(t *testing.T, args []string, getenv func(string) string) (wizardFlags, error) {
	t.Helper()
	var got wizardFlags
	a := &app{ctx: context.Background(), io: stdio{in: strings.NewReader(""), out: io.Discard, err: io.Discard}, getenv: getenv}
	root := wizardCmd(a, func(_ context.Context, f wizardFlags, _ stdio, _ func(string) string) error {
		got = f
		return nil
	})
	finishTree(root)
	root.SetArgs(prepareArgs(root, args))
	_, err := root.ExecuteC()
	return got, err
}

func TestWizardConnectionFlags(t *testing.T) {
	for _, tc := range []struct {
		args     []string
		scenario string
	}{
		{[]string{"--sandbox"}, "healthy"},
		{[]string{"--sandbox=no-vault-read"}, "no-vault-read"},
		{[]string{"--sandbox", "firewall"}, "firewall"},
		{[]string{"--sandbox", "--yes"}, "healthy"},
	} {
		f, err := parseWizardFlags(t, tc.args, func(string) string { return "" })
		if err != nil || f.sandbox != tc.scenario {
			t.Errorf("%v: sandbox %q, err %v", tc.args, f.sandbox, err)
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--sandbox=nope"}, "unknown scenario \"nope\"; the scenarios are: healthy, "},
		{[]string{"--client-secret=x"}, "--client-secret is not accepted"},
		{[]string{"--sandbox", "--offline"}, "exclude each other"},
		{[]string{"--cloud", "mars"}, "unknown cloud"},
	} {
		code, _, errOut := runCLI(t, "", nil, tc.args...)
		if code != 2 || !strings.Contains(errOut, tc.want) || strings.Contains(errOut, "=x") {
			t.Errorf("%v: code %d, stderr %s", tc.args, code, errOut)
		}
	}
	env := map[string]string{"AZURE_CLIENT_SECRET": "s3cr3t", "AZURE_TENANT_ID": "env-tenant", "AZURE_CLIENT_ID": "env-client"}
	for _, tc := range []struct {
		args     []string
		kind     string
		tenant   string
		clientID string
	}{
		// --tenant and --client-id on the command line: check that tenant without asking.
		{[]string{"--tenant", "t", "--client-id", "c"}, steps.ConnTenant, "t", "c"},
		// Only the environment: prefill the form, but let the wizard ask where to check.
		{nil, steps.ConnNone, "env-tenant", "env-client"},
		// One flag, the other from the environment: still the user's choice.
		{[]string{"--tenant", "env-tenant"}, steps.ConnTenant, "env-tenant", "env-client"},
	} {
		f, err := parseWizardFlags(t, tc.args, func(k string) string { return env[k] })
		if err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		l, err := liveOptions(f, func(k string) string { return env[k] })
		if err != nil || l.Initial.Kind != tc.kind || l.Initial.TenantID != tc.tenant || l.Initial.ClientID != tc.clientID ||
			l.Secret != "s3cr3t" || l.Wiring.StartPractice == nil {
			t.Errorf("%v: live options %+v, %v", tc.args, l.Initial, err)
		}
	}
}

// report --name saves the trainee's name with the progress; every report then
// shows it (JSON key "name"), and a check two sections run is listed once.
func TestReportName(t *testing.T) {
	path := privateState(t)
	m, err := loadMachine()
	if err != nil {
		t.Fatal(err)
	}
	s := m.Start(mustTime(t, "2026-11-28T09:00:00Z"))
	s, _, _ = m.Apply(s, steps.Event{Type: steps.EvCheckResult, ID: "auth.token", Status: steps.StatusPass}, s.StartedAt)
	if err := (steps.Store{Path: path}).Save(s); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runCLI(t, "", nil, "report", "--name", "Ada Lovelace"); code != 0 {
		t.Fatalf("report --name: exit %d: %s", code, errOut)
	}
	code, out, _ := runCLI(t, "", nil, "report")
	if code != 0 || !strings.Contains(out, "- Trainee: Ada Lovelace\n") || strings.Count(out, "| auth.token |") != 1 {
		t.Errorf("markdown (exit %d):\n%s", code, out)
	}
	_, out, _ = runCLI(t, "", nil, "report", "--json")
	var r map[string]any
	if err := json.Unmarshal([]byte(out), &r); err != nil || r["name"] != "Ada Lovelace" {
		t.Errorf("json name = %v (%v)", r["name"], err)
	}
	saved, _ := os.ReadFile(path)
	if !strings.Contains(string(saved), `"name": "Ada Lovelace"`) && !strings.Contains(string(saved), `"name":"Ada Lovelace"`) {
		t.Errorf("the name is not in the saved progress:\n%s", saved)
	}
	for _, bad := range []string{"", "  ", strings.Repeat("x", 101), "Eve\x1b[2J"} {
		if code, _, errOut := runCLI(t, "", nil, "report", "--name", bad); code != 2 || !strings.Contains(errOut, "--name") {
			t.Errorf("--name %q: exit %d, %s", bad, code, errOut)
		}
	}
}
