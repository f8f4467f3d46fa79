package shell

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestQuote(t *testing.T) {
	for in, want := range map[string]string{
		"":                       "''",
		"kv-delinea":             "kv-delinea",
		"/subscriptions/x/rg/y":  "/subscriptions/x/rg/y",
		"Key Vault Secrets User": "'Key Vault Secrets User'",
		"rg-(prod).east":         "'rg-(prod).east'",
		"it's":                   `'it'\''s'`,
		"$(touch PWNED)":         "'$(touch PWNED)'",
		"=ls":                    "'=ls'",
		"@args":                  "'@args'",
		"a\nb":                   "'a\nb'",
	} {
		if got := Quote(in); got != want {
			t.Errorf("Quote(%q) = %s, want %s", in, got, want)
		}
	}
}

// hostile values a server or a state file could carry; each must reach the
// command as exactly one argument, unchanged, and run nothing.
var hostile = []string{
	"rg$(touch${IFS}PWNED)", "rg`touch PWNED`", "a'b", `a"b`, "a b", "a\tb", "a\nb",
	"rg;touch PWNED", "rg|touch PWNED", "rg&&touch PWNED", "rg>PWNED", "~root", "*", "?",
	"rg-(prod).east", "$HOME", "a\\b", "!!", "#x", "", "-", "--", "=x", "{a,b}", "\x1b[2J",
}

// Each quoted value, pasted into a real shell, reaches the program as one
// argument, byte for byte, and nothing else runs.
func TestQuoteThroughRealShells(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("POSIX shells")
	}
	dir := t.TempDir()
	for _, sh := range []string{"sh", "bash", "zsh", "dash"} {
		path, err := exec.LookPath(sh)
		if err != nil {
			continue
		}
		for _, v := range hostile {
			line := "printf '%s\\0' " + Join(v, "end")
			cmd := exec.Command(path, "-c", line)
			cmd.Dir = dir
			out, err := cmd.Output()
			if err != nil || string(out) != v+"\x00end\x00" {
				t.Errorf("%s: %q printed %q (%v)", sh, line, out, err)
			}
		}
		if _, err := os.Stat(filepath.Join(dir, "PWNED")); err == nil {
			t.Fatalf("%s ran an injected command", sh)
		}
		if ents, _ := os.ReadDir(dir); len(ents) > 0 {
			t.Errorf("%s left files: %v", sh, ents)
		}
	}
}

func TestAssign(t *testing.T) {
	if got := Assign("AZURE_CLIENT_SECRET", "kvb~a'b"); got != `AZURE_CLIENT_SECRET='kvb~a'\''b'` {
		t.Errorf("Assign = %s", got)
	}
	if !strings.HasPrefix(Assign("X", "/tmp/a b/ca.pem"), "X='/tmp/a b/") {
		t.Error("a path with a space is not quoted")
	}
}
