package sandbox

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestServeJSONAndAnExternalClient(t *testing.T) {
	pr, pw := io.Pipe()
	c, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(c, Options{Scenario: "mystery", Seed: 3}, pw, true); pw.Close() }()
	line, err := bufio.NewReader(pr).ReadString('\n')
	must(t, err)
	var si map[string]any
	must(t, json.Unmarshal([]byte(line), &si))
	for _, k := range []string{"authority_host", "arm_endpoint", "vault_urls", "graph_endpoint", "tenant_id", "client_id", "client_secret", "client_secret_id", "subscription_id", "ca_file", "answer_key_file"} {
		if _, ok := si[k]; !ok {
			t.Errorf("serve --json lacks %q", k)
		}
	}
	if !strings.HasPrefix(si["authority_host"].(string), "https://127.0.0.1:") || si["scenario"] != "mystery" {
		t.Fatalf("%v", si)
	}
	// An ordinary client that only trusts the CA file reaches the tenant.
	pem, err := os.ReadFile(si["ca_file"].(string))
	must(t, err)
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatal("CA file is not PEM")
	}
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {si["client_id"].(string)},
		"client_secret": {si["client_secret"].(string)}, "scope": {"https://vault.azure.net/.default"}}
	resp, err := hc.PostForm(si["authority_host"].(string)+si["tenant_id"].(string)+"/oauth2/v2.0/token", form)
	must(t, err)
	resp.Body.Close()
	if resp.StatusCode >= 500 {
		t.Fatalf("token: %d", resp.StatusCode)
	}
	key, err := os.ReadFile(si["answer_key_file"].(string))
	must(t, err)
	if !strings.Contains(string(key), mysteryPick(3).Name) {
		t.Fatalf("answer key %s", key)
	}
	cancel()
	select {
	case err := <-done:
		must(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after cancel")
	}
	if _, err := os.Stat(si["ca_file"].(string)); !os.IsNotExist(err) {
		t.Fatal("the CA file outlived the server")
	}
}

func TestServeText(t *testing.T) {
	var out strings.Builder
	c, cancel := context.WithCancel(context.Background())
	cancel()
	must(t, Serve(c, Options{}, &out, false))
	for _, want := range []string{"Authority host", "Client secret", "CA file", "healthy", "Vault URL", "Graph endpoint"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("text output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestOnlyLoopbackAddresses(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", "10.1.2.3:8443", "example.com:443", "[::]:0", "nonsense"} {
		if _, err := Start(Options{Addr: addr, Wiring: Loopback}); err == nil || !strings.Contains(err.Error(), "sandbox") {
			t.Errorf("%s: want a refusal, got %v", addr, err)
		}
	}
	for _, addr := range []string{"localhost:0", "[::1]:0", "127.0.0.1:0"} {
		ten, err := Start(Options{Addr: addr, Wiring: Loopback})
		if err != nil {
			if strings.Contains(addr, "::1") { // hosts without IPv6 loopback
				continue
			}
			t.Fatalf("%s: %v", addr, err)
		}
		ten.Close()
	}
	if _, err := Start(Options{Scenario: "no-such"}); err == nil || !strings.Contains(err.Error(), "unknown scenario") {
		t.Fatalf("unknown scenario: %v", err)
	}
}

func TestHTTPClientDialsOnlyTheTenant(t *testing.T) {
	other := http.Server{Handler: http.NotFoundHandler()}
	ln, err := netListen()
	must(t, err)
	go other.Serve(ln)
	defer other.Close()

	e := start(t, Loopback, "healthy")
	_, err = e.ten.HTTPClient().Get("http://" + ln.Addr().String() + "/")
	if err == nil || !strings.Contains(err.Error(), "refusing to dial") {
		t.Fatalf("loopback client dialled a stranger: %v", err)
	}
	h := start(t, Hostnames, "healthy")
	_, err = h.ten.HTTPClient().Get("https://example.com/")
	if err == nil {
		t.Fatal("hostnames client reached example.com")
	}
	tr := h.ten.HTTPClient().Transport.(*http.Transport)
	if tr.Proxy != nil {
		t.Fatal("the transport must not use a proxy")
	}
}

func TestLatencyIsAdded(t *testing.T) {
	e := startOpts(t, Options{Wiring: Loopback, Latency: 40 * time.Millisecond})
	t0 := time.Now()
	e.raw("GET", e.info.AuthorityHost+e.info.TenantID+"/v2.0/.well-known/openid-configuration", "", "")
	if d := time.Since(t0); d < 40*time.Millisecond {
		t.Fatalf("response took %s, want >= 40ms", d)
	}
}

// Close ends every server goroutine, in both wirings, even with a request still
// waiting out its latency: a long `sandbox serve` or a test suite starting hundreds of
// tenants keeps nothing behind.
func TestCloseLeavesNoGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	for _, w := range []Wiring{Hostnames, Loopback} {
		ten, err := Start(Options{Wiring: w, Latency: 20 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		in := ten.Info()
		inFlight := make(chan struct{})
		go func() {
			defer close(inFlight)
			if resp, err := ten.HTTPClient().Get(in.VaultURLs[0] + "secrets?api-version=7.4"); err == nil {
				resp.Body.Close()
			}
		}()
		resp, err := ten.HTTPClient().Get(in.AuthorityHost + in.TenantID + "/v2.0/.well-known/openid-configuration")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		ten.Close()
		<-inFlight
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines outlive Close:\n%s", n-before, buf[:runtime.Stack(buf, true)])
	}
}
