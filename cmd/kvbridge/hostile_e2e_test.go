//go:build !windows

package main

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
)

// hostileText is what a tenant could put into any name it returns: a screen
// clear, an OSC 52 clipboard write, an OSC 0 window title, a C1 CSI, a bidi
// override, and a newline that would start a forged line of output.
const hostileText = "x\x1b[2J\x1b]52;c;dG91Y2ggUFdORUQ=\x07\x1b]0;pwned\x07\u009b2J\u202e\n✓ pass  FORGED"

var terminalAttacks = []string{"\x1b[2J", "\x1b]52", "\x1b]0;", "\u009b", "\u202e"}

// hostileProxy stands in front of one endpoint of a served tenant and puts
// hostile text into what it answers, as a compromised or impersonated server
// could: every display name, error_description (Entra's AADSTS text) and
// username tag. (The served tenant itself refuses such names in a state file.)
// hosts maps each upstream host to its proxy's, so URLs in answers (the token
// endpoint in Entra's metadata, a vault's URI) lead back through the proxies.
func hostileProxy(t *testing.T, upstream *url.URL, pool *x509.CertPool, hosts map[string]string) *httptest.Server {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	esc, _ := json.Marshal(hostileText)
	inject := string(esc[1 : len(esc)-1])
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		out, _ := http.NewRequest(r.Method, upstream.Scheme+"://"+upstream.Host+r.URL.RequestURI(), r.Body)
		out.Header = r.Header.Clone()
		resp, err := client.Do(out)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		text := string(body)
		for up, px := range hosts {
			text = strings.ReplaceAll(text, up, px)
		}
		for _, key := range []string{`"displayName":"`, `"error_description":"`, `"username":"`} {
			text = strings.ReplaceAll(text, key, key+inject)
		}
		for k, v := range resp.Header {
			if k != "Content-Length" {
				w.Header()[k] = v
			}
		}
		w.WriteHeader(resp.StatusCode)
		io.WriteString(w, text)
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // clients closing idle connections
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// hostileTenant serves the healthy scenario behind hostile proxies and
// returns doctor's arguments for it and a CA file that trusts the proxies.
func hostileTenant(t *testing.T) (args []string, secret string) {
	t.Helper()
	si := serveHostile(t)
	pem, err := os.ReadFile(si["ca_file"].(string))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	ups := map[string]string{"authority": si["authority_host"].(string), "arm": si["arm_endpoint"].(string), "vault": si["vault_urls"].([]any)[0].(string)}
	hosts := map[string]string{}
	proxies := map[string]*httptest.Server{}
	for name, raw := range ups {
		u, _ := url.Parse(raw)
		proxies[name] = hostileProxy(t, u, pool, hosts)
	}
	for name, raw := range ups { // filled before the first request
		u, _ := url.Parse(raw)
		pu, _ := url.Parse(proxies[name].URL)
		hosts[u.Host] = pu.Host
	}
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	for _, p := range proxies {
		pem = append(pem, certPEM(p.Certificate().Raw)...)
	}
	if err := os.WriteFile(caFile, pem, 0o600); err != nil {
		t.Fatal(err)
	}
	return []string{"doctor",
		"--tenant", si["tenant_id"].(string), "--client-id", si["client_id"].(string),
		"--authority-host", proxies["authority"].URL + "/", "--arm-endpoint", proxies["arm"].URL,
		"--ca-file", caFile, "--vault", si["vault_id"].(string),
		"--vault-url", proxies["vault"].URL + "/", "--secret-name", "Prod-VM-Admin-Pass", "--username", "admin"}, si["client_secret"].(string)
}

func certPEM(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// serveHostile runs kvbridge sandbox serve and returns what it printed.
func serveHostile(t *testing.T) map[string]any {
	t.Helper()
	cmd := exec.Command(kvbridgeBinary(t), "sandbox", "serve", "--json", "--scenario", "healthy")
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

// TestE2EHostileServedTenant serves a tenant whose names carry terminal
// attacks and runs doctor against it as a user would: on a colour terminal
// with the secret typed at the hidden prompt, piped, and with --json. Nothing
// the terminal would act on may come out, and the secret typed never does.
func TestE2EHostileServedTenant(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	for _, disable := range []bool{true, false} {
		args, secret := hostileTenant(t)
		marker := "FORGEDvmadmin" // the username tag (quoted by the check), after a sign-in
		if disable {
			// A wrong secret: Entra's AADSTS7000215 error_description comes back with the attack.
			secret = "wrong~" + secret[6:]
			marker = "said: x)" // Entra said: x, the attack removed around it
		}
		// A colour terminal, the secret typed at the prompt.
		r := startOnTTY(t, []string{"XDG_STATE_HOME=" + t.TempDir(), "COLORTERM=truecolor", "LANG=C.UTF-8"}, args...)
		r.waitOutput(t, "input hidden")
		time.Sleep(100 * time.Millisecond)
		r.ptm.Write([]byte(secret + "\r"))
		r.exit(t)
		time.Sleep(100 * time.Millisecond)
		tty := r.output()
		// Piped, and as JSON.
		piped := exec.Command(kvbridgeBinary(t), append(args, "--client-secret-stdin")...)
		piped.Stdin = strings.NewReader(secret + "\n")
		pipedOut, _ := piped.CombinedOutput()
		js := exec.Command(kvbridgeBinary(t), append(args, "--client-secret-stdin", "--json")...)
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

// TestE2EHostilePlainMode runs the line-by-line wizard against the hostile
// proxies up to section 1's live check page, which runs its checks: with a
// wrong secret, Entra's error_description carries the attacks into auth.token.
func TestE2EHostilePlainMode(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	args, secret := hostileTenant(t)
	args = append([]string{"--accessible"}, args[1:len(args)-4]...) // the wizard's flags: no doctor, no mapping
	secret = "wrong~" + secret[6:]
	cmd := exec.Command(kvbridgeBinary(t), args...)
	cmd.Env = []string{"XDG_STATE_HOME=" + t.TempDir(), "HOME=" + os.Getenv("HOME"), "AZURE_CLIENT_SECRET=" + secret, "COLORTERM=truecolor", "TERM=xterm-256color"}
	cmd.Stdin = strings.NewReader("next\nnext\nnext\nnext\n\nq\n") // to the check page; Enter keeps the vault; the checks run
	out, _ := cmd.CombinedOutput()
	text := string(out)
	if !strings.Contains(text, "said: x)") {
		t.Fatalf("Entra's hostile message never reached plain mode, so this proves nothing:\n%s", tail(out))
	}
	for _, a := range terminalAttacks {
		if i := strings.Index(text, a); i >= 0 {
			t.Errorf("output holds %q: %q", a, text[max(0, i-200):min(len(text), i+100)])
		}
	}
	if strings.Contains(text, secret) {
		t.Error("the secret is in the output")
	}
}

// TestE2EHostileWizard runs the full-screen wizard on a pseudo-terminal
// against the hostile proxies, to section 1's live check, and runs it (r):
// the raw bytes the wizard writes hold none of the attacks' payloads (the
// wizard draws with escape sequences of its own, so the test looks for what
// only the server sent: the clipboard payload, the title, C1 and bidi).
func TestE2EHostileWizard(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	args, secret := hostileTenant(t)
	args = args[1 : len(args)-4]
	secret = "wrong~" + secret[6:]
	r := startOnTTY(t, []string{"XDG_STATE_HOME=" + t.TempDir(), "AZURE_CLIENT_SECRET=" + secret, "COLORTERM=truecolor"}, args...)
	r.waitOutput(t, "Identity")
	_ = pty.Setsize(r.ptm, &pty.Winsize{Cols: 120, Rows: 60}) // room for the failed check's detail
	for i := 0; i < 4; i++ {
		time.Sleep(150 * time.Millisecond)
		r.ptm.Write([]byte("\x1b[C")) // right: the next screen
	}
	time.Sleep(300 * time.Millisecond)
	r.ptm.Write([]byte("r"))
	r.waitOutput(t, "AADSTS7000215")
	time.Sleep(300 * time.Millisecond)
	r.ptm.Write([]byte{3}) // ctrl+c
	r.exit(t)
	out := r.output()
	if !strings.Contains(out, "said: x") {
		t.Fatalf("Entra's hostile message was never drawn, so this proves nothing: %q", out[max(0, strings.LastIndex(out, "AADSTS7000215")-300):])
	}
	for _, a := range []string{"dG91Y2ggUFdORUQ", "pwned", "\u009b", "\u202e", "FORGED"} {
		if i := strings.Index(out, a); i >= 0 {
			t.Errorf("the wizard wrote %q: %q", a, out[max(0, i-100):min(len(out), i+60)])
		}
	}
	if strings.Contains(out, secret) {
		t.Error("the secret is on the screen")
	}
}
