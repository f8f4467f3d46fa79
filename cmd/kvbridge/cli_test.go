package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every command and subcommand prints its own help on --help, -h and
// `help CMD`, to stdout, exit 0.
func TestHelpOnEveryCommand(t *testing.T) {
	privateState(t)
	for _, cmd := range [][]string{nil, {"doctor"}, {"report"}, {"sandbox"}, {"sandbox", "serve"}, {"sandbox", "save"}, {"sandbox", "list"}, {"version"}, {"completion"}, {"help"}} {
		want := "kvbridge " + strings.Join(cmd, " ")
		for _, form := range [][]string{append(append([]string{}, cmd...), "--help"), append(append([]string{}, cmd...), "-h"), append([]string{"help"}, cmd...)} {
			code, out, errOut := runCLI(t, "", nil, form...)
			if code != 0 || errOut != "" || !strings.Contains(out, "Usage:\n  "+strings.TrimSpace(want)) {
				t.Errorf("%q: exit %d, stderr %q, stdout:\n%s", form, code, errOut, out)
			}
			for _, l := range strings.Split(out, "\n") {
				if n := len([]rune(l)); n > 80 {
					t.Errorf("%q: a help line of %d columns, over an 80-column terminal: %q", form, n, l)
				}
			}
		}
	}
	// The top level lists every command, nested ones too.
	_, out, _ := runCLI(t, "", nil, "--help")
	for _, c := range []string{"kvbridge doctor", "kvbridge report", "kvbridge sandbox serve", "kvbridge sandbox save", "kvbridge sandbox list", "kvbridge completion", "kvbridge version", "Keys in the wizard"} {
		if !strings.Contains(out, c) {
			t.Errorf("top-level help lacks %q", c)
		}
	}
}

// Bad usage: exit 2, the message once, flags with two dashes, and a pointer
// at the help of the command that was given.
func TestUsageErrors(t *testing.T) {
	privateState(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"report", "--bogus"}, "kvbridge: report: unknown flag: --bogus\nRun 'kvbridge report --help' for usage.\n"},
		{[]string{"doctor", "-bogus"}, "kvbridge: doctor: unknown flag: -bogus (flags are spelled with two dashes, --NAME)\nRun 'kvbridge doctor --help' for usage.\n"},
		{[]string{"sandbox", "save", "--bogus", "x"}, "kvbridge: sandbox save: unknown flag: --bogus\nRun 'kvbridge sandbox save --help' for usage.\n"},
		{[]string{"sandbox", "list", "extra"}, "kvbridge: sandbox list takes no arguments, got \"extra\"\nRun 'kvbridge sandbox list --help' for usage.\n"},
		{[]string{"help", "extra"}, "help: no command \"extra\""},
		{[]string{"version", "extra"}, "version takes no arguments"},
		{[]string{"docter"}, "did you mean doctor?"},
		{[]string{"doctor", "--sandbox", "healthy", "--sandbox", "wrong-tenant"}, "doctor: --sandbox given more than once (first \"healthy\", then \"wrong-tenant\"): give it once"},
		{[]string{"--offline", "--offline"}, "--offline given more than once"},
		{[]string{"completion", "tcsh"}, "no shell \"tcsh\""},
		{[]string{"completion"}, "needs one shell"},
		{[]string{"sandbox"}, "say serve, save or list"},
		{[]string{"-client-secret=abc123secretvalue"}, "--client-secret is not accepted"},
	} {
		code, out, errOut := runCLI(t, "", nil, tc.args...)
		if code != 2 || out != "" || !strings.Contains(errOut, tc.want) || strings.Count(errOut, "kvbridge: ") != 1 {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2 and %q", tc.args, code, out, errOut, tc.want)
		}
		if strings.Contains(errOut, "abc123secretvalue") {
			t.Error("a refused secret was echoed")
		}
	}
}

// Older spellings keep working: one dash on a long flag, and the wizard's
// --sandbox taking the next word as its scenario.
func TestOldSpellings(t *testing.T) {
	for _, tc := range []struct {
		args     []string
		scenario string
		offline  bool
	}{
		{[]string{"-sandbox", "firewall"}, "firewall", false},
		{[]string{"-offline"}, "", true},
		{[]string{"--sandbox"}, "healthy", false},
	} {
		f, err := parseWizardFlags(t, tc.args, func(string) string { return "" })
		if err != nil || f.sandbox != tc.scenario || f.offline != tc.offline {
			t.Errorf("%q: %+v, %v", tc.args, f, err)
		}
	}
}

func TestCompletionScripts(t *testing.T) {
	for shell, want := range map[string]string{"bash": "complete -o default -F __start_kvbridge kvbridge", "zsh": "#compdef kvbridge", "fish": "complete -c kvbridge", "powershell": "Register-ArgumentCompleter"} {
		code, out, errOut := runCLI(t, "", nil, "completion", shell)
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("completion %s: exit %d, %s, stdout lacks %q", shell, code, errOut, want)
		}
	}
	// The scripts call back for candidates: scenario names complete with what they teach.
	code, out, _ := runCLI(t, "", nil, "__complete", "doctor", "--sandbox", "no-")
	if code != 0 || !strings.Contains(out, "no-vault-read\t") {
		t.Errorf("__complete doctor --sandbox: exit %d\n%s", code, out)
	}
	_, out, _ = runCLI(t, "", nil, "__complete", "sandbox", "s")
	if !strings.Contains(out, "save\t") || !strings.Contains(out, "serve\t") {
		t.Errorf("__complete sandbox s:\n%s", out)
	}
}

// save refuses to overwrite a prepared room unless --force, and --force
// replaces the file whole.
func TestSandboxSaveForce(t *testing.T) {
	file := filepath.Join(t.TempDir(), "room.json")
	os.WriteFile(file, []byte("prepared"), 0o600)
	code, _, errOut := runCLI(t, "", nil, "sandbox", "save", file)
	if b, _ := os.ReadFile(file); code != 1 || string(b) != "prepared" || !strings.Contains(errOut, "--force") {
		t.Fatalf("save over a room: exit %d, %q, file %q", code, errOut, b)
	}
	if code := run(context.Background(), []string{"sandbox", "save", "--force", "--scenario", "no-role", file}, stdio{in: strings.NewReader(""), out: os.Stdout, err: os.Stderr}, os.Getenv); code != 0 {
		t.Fatalf("save --force: exit %d", code)
	}
	b, _ := os.ReadFile(file)
	info, _ := os.Stat(file)
	if !strings.Contains(string(b), `"format"`) || info.Mode().Perm() != 0o600 {
		t.Errorf("after --force: mode %v, %.60q", info.Mode(), b)
	}
	if m, _ := filepath.Glob(filepath.Join(filepath.Dir(file), ".*.tmp")); len(m) > 0 {
		t.Errorf("temp files left: %v", m)
	}
}

// Bad values get a message naming the real problem, exit 2, and are not
// echoed whole.
func TestValueMessages(t *testing.T) {
	privateState(t)
	huge := "https://" + strings.Repeat("a", 120000) + ".vault.azure.net"
	app := []string{"--tenant", "contoso.onmicrosoft.com", "--client-id", "00000000-0000-0000-0000-000000000001"}
	env := map[string]string{"AZURE_CLIENT_SECRET": "x"}
	for _, tc := range []struct {
		stdin string
		args  []string
		want  string
	}{
		{"", []string{"sandbox", "serve", "--addr", "127.0.0.1:99999"}, "port 99999 is out of range: ports are 0-65535"},
		{"", []string{"sandbox", "serve", "--addr", ":-1"}, "port -1 is out of range"},
		{"", []string{"sandbox", "serve", "--addr", ":http"}, "the port must be a number (0-65535), not a service name"},
		{"", []string{"sandbox", "serve", "--addr", ":65533"}, "no host; an empty host listens on every network"},
		{"", []string{"sandbox", "serve", "--addr", "0.0.0.0:0"}, "listens on loopback only"},
		{strings.Repeat("s", 70<<10), []string{"doctor", "--sandbox", "healthy", "--client-secret-stdin"}, "standard input holds more than 64 KiB"},
		{"", append([]string{"doctor", "--ca-file", "/dev/null"}, app...), "--ca-file /dev/null: no certificate in it"},
		{"", append([]string{"--ca-file", "/dev/null"}, app...), "--ca-file /dev/null: no certificate in it"},
		{"", append([]string{"doctor", "--vault", "kv-x", "--vault-url", huge}, app...), "--vault-url is 120024 characters long"},
		{"", []string{"doctor", "--timeout", strings.Repeat("9", 500)}, "…\" (502 bytes)"},
		{"", []string{"--offline", "--tenant", strings.Repeat("t", 120000)}, "the tenant ID is 120000 characters long"},
		{"", []string{"doctor", "--tenant", "t.onmicrosoft.com", "--client-id", "x\x1b[2J"}, "the client ID holds control characters"},
	} {
		code, out, errOut := runCLI(t, tc.stdin, env, tc.args...)
		if code != 2 || !strings.Contains(errOut, tc.want) || len(out+errOut) > 1000 {
			t.Errorf("%.80q: exit %d, %d bytes, stderr %.300q; want 2 and %q", tc.args, code, len(out+errOut), errOut, tc.want)
		}
	}
}

// The wizard takes --graph-endpoint too and keeps it with the connection.
func TestWizardGraphEndpoint(t *testing.T) {
	f, err := parseWizardFlags(t, []string{"--tenant", "t", "--client-id", "c", "--graph-endpoint", "https://127.0.0.1:9/"}, func(string) string { return "" })
	if err != nil || f.connection().GraphEndpoint != "https://127.0.0.1:9/" {
		t.Fatalf("%+v, %v", f.connection(), err)
	}
	if _, err := parseWizardFlags(t, []string{"--sandbox", "--graph-endpoint", "https://127.0.0.1:9/"}, func(string) string { return "" }); err == nil || !strings.Contains(err.Error(), "--graph-endpoint") {
		t.Errorf("--sandbox with --graph-endpoint: %v", err)
	}
}

// BenchmarkCommandLine is the cost of building the command tree and parsing
// a command line, in process (what cobra adds to every start).
func BenchmarkCommandLine(b *testing.B) {
	std := stdio{in: strings.NewReader(""), out: io.Discard, err: io.Discard}
	for b.Loop() {
		if code := run(context.Background(), []string{"doctor", "--bogus"}, std, os.Getenv); code != 2 {
			b.Fatal(code)
		}
	}
}

// doctor's --sandbox takes its scenario after '=' or a space, and alone means healthy.
func TestDoctorSandboxSpellings(t *testing.T) {
	for _, args := range [][]string{{"--sandbox"}, {"--sandbox", "healthy"}, {"--sandbox=healthy"}, {"-sandbox", "healthy"}} {
		code, out, errOut := runCLI(t, "", nil, append([]string{"doctor", "--json"}, args...)...)
		if code != 0 || !strings.Contains(out, `"ok": true`) {
			t.Errorf("doctor %q: exit %d %s", args, code, errOut)
		}
	}
	if code, _, errOut := runCLI(t, "", nil, "doctor", "--sandbox", "nope"); code != 2 || !strings.Contains(errOut, `unknown scenario "nope"`) {
		t.Errorf("--sandbox nope: exit %d %s", code, errOut)
	}
}
