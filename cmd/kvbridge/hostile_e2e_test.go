//go:build !windows

package main

import (
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// hostileText is what a tenant could put into any name it returns: a screen
// clear, an OSC 52 clipboard write, an OSC 0 window title, a C1 CSI, a bidi
// override, and a newline that would start a forged line of output.
const hostileText = "x\x1b[2J\x1b]52;c;dG91Y2ggUFdORUQ=\x07\x1b]0;pwned\x07\u009b2J\u202e\n✓ pass  FORGED"

var terminalAttacks = []string{"\x1b[2J", "\x1b]52", "\x1b]0;", "\u009b", "\u202e"}

// hostileState saves the healthy scenario with kvbridge sandbox save, then
// puts hostile text into the app's display name (disable: the app is
// disabled, so Entra quotes the name in AADSTS7000112), the subscription's
// display name and the secret's tags.
func hostileState(t *testing.T, disable bool) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "state.json")
	if out, err := exec.Command(kvbridgeBinary(t), "sandbox", "save", p, "--scenario", "healthy").CombinedOutput(); err != nil {
		t.Fatalf("sandbox save: %v\n%s", err, out)
	}
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var f map[string]any
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	st := f["state"].(map[string]any)
	for _, d := range st["directories"].([]any) {
		for _, a := range d.(map[string]any)["apps"].([]any) {
			a.(map[string]any)["displayName"] = "app" + hostileText
			a.(map[string]any)["disabled"] = disable
		}
	}
	for _, s := range st["subscriptions"].([]any) {
		s.(map[string]any)["displayName"] = "Sub" + hostileText
	}
	for _, v := range st["vaults"].([]any) {
		for _, s := range v.(map[string]any)["secrets"].(map[string]any) {
			for _, ver := range s.(map[string]any)["versions"].([]any) {
				ver.(map[string]any)["tags"] = map[string]any{"username": "admin" + hostileText}
			}
		}
	}
	data, _ = json.Marshal(f)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// serveHostile runs kvbridge sandbox serve --state and returns what it printed.
func serveHostile(t *testing.T, state string) map[string]any {
	t.Helper()
	cmd := exec.Command(kvbridgeBinary(t), "sandbox", "serve", "--json", "--state", state)
	cmd.Env = []string{"TMPDIR=" + t.TempDir(), "HOME=" + os.Getenv("HOME")}
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() })
	line, err := readLine(stdout, 20*time.Second)
	if err != nil {
		t.Fatalf("serve --state: %v", err)
	}
	go io.Copy(io.Discard, stdout)
	var si map[string]any
	if err := json.Unmarshal([]byte(line), &si); err != nil {
		t.Fatalf("serve printed %q: %v", line, err)
	}
	return si
}

func doctorArgs(si map[string]any, extra ...string) []string {
	return append([]string{"doctor",
		"--tenant", si["tenant_id"].(string), "--client-id", si["client_id"].(string),
		"--authority-host", si["authority_host"].(string), "--arm-endpoint", si["arm_endpoint"].(string),
		"--ca-file", si["ca_file"].(string), "--vault", si["vault_id"].(string),
		"--vault-url", si["vault_urls"].([]any)[0].(string), "--secret-name", "Prod-VM-Admin-Pass", "--username", "admin"}, extra...)
}

// TestE2EHostileServedTenant serves a tenant whose names carry terminal
// attacks and runs doctor against it as a user would: on a colour terminal
// with the secret typed at the hidden prompt, piped, and with --json. Nothing
// the terminal would act on may come out, and the secret typed never does.
func TestE2EHostileServedTenant(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	for _, disable := range []bool{true, false} {
		si := serveHostile(t, hostileState(t, disable))
		secret := si["client_secret"].(string)
		marker := "appx"
		if !disable {
			marker = "Subx"
		}

		// A colour terminal, the secret typed at the prompt.
		r := startOnTTY(t, []string{"XDG_STATE_HOME=" + t.TempDir(), "COLORTERM=truecolor", "LANG=C.UTF-8"}, doctorArgs(si)...)
		r.waitOutput(t, "input hidden")
		time.Sleep(100 * time.Millisecond)
		r.ptm.Write([]byte(secret + "\r"))
		r.exit(t)
		time.Sleep(100 * time.Millisecond)
		tty := r.output()
		// Piped, and as JSON.
		piped := exec.Command(kvbridgeBinary(t), doctorArgs(si, "--client-secret-stdin")...)
		piped.Stdin = strings.NewReader(secret + "\n")
		pipedOut, _ := piped.CombinedOutput()
		js := exec.Command(kvbridgeBinary(t), doctorArgs(si, "--client-secret-stdin", "--json")...)
		js.Stdin = strings.NewReader(secret + "\n")
		jsonOut, _ := js.Output()

		for name, out := range map[string]string{"terminal": tty, "piped": string(pipedOut), "json": string(jsonOut)} {
			if !strings.Contains(out, marker) {
				t.Errorf("disabled=%v %s: the hostile name (%s) never reached the output, so this proves nothing:\n%s", disable, name, marker, out)
			}
			for _, a := range terminalAttacks {
				if i := strings.Index(out, a); i >= 0 {
					t.Errorf("disabled=%v %s: output holds %q: %q", disable, name, a, out[max(0, i-200):min(len(out), i+100)])
				}
			}
			if strings.Contains(out, secret) {
				t.Errorf("disabled=%v %s: the client secret is in the output", disable, name)
			}
			for _, line := range strings.Split(out, "\n") {
				if strings.HasPrefix(strings.TrimSpace(line), "✓ pass  FORGED") {
					t.Errorf("disabled=%v %s: a name forged a line: %q", disable, name, line)
				}
			}
		}
		if !strings.Contains(tty, "\x1b[") {
			t.Error("no colour on the terminal: the colour path is not exercised")
		}
	}
}

// kvbridge report prints what progress.json holds; a file edited to carry
// terminal attacks prints none of them.
func TestE2EReportOfAHostileProgressFile(t *testing.T) {
	state := t.TempDir()
	p := filepath.Join(state, "kvbridge", "progress.json")
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	esc := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	data := `{"version": 1, "screen": "1/overview", "started_at": "2026-11-28T09:00:00Z",
	 "tasks": {"1A.1": true, ` + esc("1A.2"+hostileText) + `: true},
	 "checks": {"auth.token": {"status": "fail", "cause": ` + esc("app-disabled"+hostileText) + `, "at": "2026-11-28T09:00:00Z"}},
	 "connection": {"kind": "tenant", "tenant_id": ` + esc("contoso"+hostileText) + `, "client_id": "x"}}`
	if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"report"}, {"report", "--json"}} {
		cmd := exec.Command(kvbridgeBinary(t), args...)
		cmd.Env = []string{"XDG_STATE_HOME=" + state, "HOME=" + os.Getenv("HOME")}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		for _, a := range terminalAttacks {
			if strings.Contains(string(out), a) {
				t.Errorf("%v: output holds %q", args, a)
			}
		}
	}
}
