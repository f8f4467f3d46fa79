package azure_test

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kvbridge/kvbridge/steps/azure"
	"github.com/kvbridge/kvbridge/steps/azure/sandbox"
)

func TestDepthAndCatalogue(t *testing.T) {
	if d := azure.Depth(); d != 8 {
		t.Errorf("DAG depth %d, want 8 (documented in checks.go and the report)", d)
	}
	for _, c := range azure.Catalogue {
		needs, after := azure.Dependencies(c.ID)
		for _, n := range append(needs, after...) {
			if _, ok := azure.Lookup(n); !ok {
				t.Errorf("%s depends on unknown %s", c.ID, n)
			}
		}
	}
}

// With a GUID-shaped secret nothing touches the network: every check that needs the
// token is skipped and names the check that blocked it.
func TestSkipNamesTheBlocker(t *testing.T) {
	s, err := azure.NewSession(azure.Config{TenantID: "contoso.onmicrosoft.com", ClientID: "00000000-0000-0000-0000-000000000001",
		ClientSecret: "2f1c8a61-7b0e-4c55-9d7e-0a7c9c1b2e33", Vault: "kv-x", SecretName: "bad_name",
		Transport: refuseAll{t}})
	if err != nil {
		t.Fatal(err)
	}
	rep := s.Run(context.Background(), nil, nil)
	want := map[string]string{ // id -> blocker
		"auth.token": "input.client-secret", "arm.subscriptions": "auth.token", "arm.vaults": "arm.subscriptions",
		"vault.permission-model": "auth.token", "rbac.secrets-write": "auth.token", "data.secrets": "auth.token",
		"vault.network": "auth.token", "mapping.secret": "data.secrets", "mapping.tag": "mapping.secret",
		"mapping.value": "mapping.secret", "credential.expiry": "auth.token",
	}
	for id, blocker := range want {
		r, _ := rep.Result(id)
		if r.Status != azure.StatusSkip || r.BlockedBy != blocker || !strings.Contains(r.Detail, blocker) {
			t.Errorf("%s: %s blocked by %q, want skip by %s", id, r.Status, r.BlockedBy, blocker)
		}
	}
	if r, _ := rep.Result("input.client-secret"); r.Cause != "looks-like-secret-id" {
		t.Errorf("input.client-secret cause %q", r.Cause)
	}
	if r, _ := rep.Result("mapping.name"); r.Cause != "invalid-name" {
		t.Errorf("mapping.name cause %q", r.Cause)
	}
	if rep.OK() {
		t.Error("OK with failures")
	}
}

type refuseAll struct{ t *testing.T }

func (r refuseAll) Do(req *http.Request) (*http.Response, error) {
	r.t.Errorf("unexpected request %s %s", req.Method, req.URL)
	return nil, net.ErrClosed
}

// A subset runs with what it depends on, and results stream as they complete.
func TestSubsetStreams(t *testing.T) {
	ten := startTenant(t, sandbox.Options{Scenario: "healthy"})
	s, err := azure.NewSession(sandboxConfig(ten))
	if err != nil {
		t.Fatal(err)
	}
	ch, report := s.Start(context.Background(), []string{"auth.token"})
	var ids []string
	for r := range ch {
		ids = append(ids, r.ID)
	}
	if len(ids) != 4 || ids[len(ids)-1] != "auth.token" {
		t.Errorf("streamed %v, want the three inputs then auth.token", ids)
	}
	rep := report()
	if r, _ := rep.Result("auth.token"); r.Status != azure.StatusPass || r.Evidence.ObjectID == "" || r.Evidence.TokenTenant != ten.Info().TenantID {
		t.Errorf("auth.token %+v", r)
	}
	// The session is reusable; a second run uses the cached token.
	rep = s.Run(context.Background(), []string{"rbac.secrets-write"}, nil)
	if r, _ := rep.Result("rbac.secrets-write"); r.Status != azure.StatusPass {
		t.Errorf("rbac.secrets-write %s %s", r.Status, r.Detail)
	}
}

// hangListener accepts connections and never answers (not even the TLS handshake).
func hangListener(t testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	return ln.Addr().String()
}

// loopbackOnly dials only the given addresses and trusts the given TLS config.
func loopbackOnly(tlsCfg *tls.Config) *http.Client {
	d := &net.Dialer{}
	// A bounded handshake, as production transports have (azcore's and
	// http.DefaultTransport's 10 s): net/http finishes a dial in the background after
	// its request is cancelled, so without a bound a silent server would hold it forever.
	return &http.Client{Transport: &http.Transport{Proxy: nil, TLSClientConfig: tlsCfg, TLSHandshakeTimeout: 500 * time.Millisecond,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if !strings.HasPrefix(addr, "127.0.0.1:") {
				return nil, &net.OpError{Op: "dial", Net: network, Err: net.UnknownNetworkError("test transport dials loopback only: " + addr)}
			}
			return d.DialContext(ctx, network, addr)
		}}}
}

func hangConfig(addr string, timeout time.Duration) azure.Config {
	return azure.Config{TenantID: "contoso.onmicrosoft.com", ClientID: "00000000-0000-0000-0000-000000000001",
		ClientSecret: "abc8Q~defghijklmnopqrstuvwxyz0123456789", AuthorityHost: "https://" + addr + "/",
		ARMEndpoint: "https://" + addr, Vault: "https://" + addr + "/", SecretName: "Prod-VM-Admin-Pass",
		Transport: loopbackOnly(&tls.Config{}), Retry: fastRetry, CheckTimeout: timeout}
}

func TestSilentTenantTimesOut(t *testing.T) {
	const bound = 300 * time.Millisecond
	addr := hangListener(t)
	s, err := azure.NewSession(hangConfig(addr, bound))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	rep := s.Run(context.Background(), nil, nil)
	took := time.Since(start)
	r, _ := rep.Result("auth.token")
	if r.Status != azure.StatusFail || r.Cause != azure.CauseTimeout || r.Duration > bound+150*time.Millisecond {
		t.Errorf("auth.token: %s/%s in %v", r.Status, r.Cause, r.Duration)
	}
	for _, r := range rep.Results {
		local := strings.HasPrefix(r.ID, "input.") || r.ID == "mapping.name"
		if (r.Status == azure.StatusPass && !local) || (r.Status == azure.StatusFail && r.Cause != azure.CauseTimeout) {
			t.Errorf("%s: %s/%s", r.ID, r.Status, r.Cause)
		}
	}
	if took > 2*bound && !raceEnabled {
		t.Errorf("the run took %v", took)
	}

	// Entra answers (a practice tenant), ARM and the vault never do: each network
	// check ends timeout within its own bound.
	ten := startTenant(t, sandbox.Options{Scenario: "healthy", Wiring: sandbox.Loopback})
	in := ten.Info()
	cfg := hangConfig(addr, bound)
	cfg.TenantID, cfg.ClientID, cfg.ClientSecret, cfg.AuthorityHost = in.TenantID, in.ClientID, in.ClientSecret, in.AuthorityHost
	cfg.Transport = loopbackOnly(ten.HTTPClient().Transport.(*http.Transport).TLSClientConfig.Clone())
	s, err = azure.NewSession(cfg)
	if err != nil {
		t.Fatal(err)
	}
	rep = s.Run(context.Background(), nil, nil)
	for _, id := range []string{"arm.subscriptions", "data.secrets", "vault.network", "vault.permission-model"} {
		r, _ := rep.Result(id)
		if r.Status != azure.StatusFail || r.Cause != azure.CauseTimeout || r.Duration > bound+150*time.Millisecond {
			t.Errorf("%s: %s/%s in %v (%s)", id, r.Status, r.Cause, r.Duration, r.Detail)
		}
	}
	if r, _ := rep.Result("auth.token"); r.Status != azure.StatusPass {
		t.Errorf("auth.token %s %s", r.Status, r.Detail)
	}
}

func TestCancelReturnsPromptly(t *testing.T) {
	addr := hangListener(t)
	s, err := azure.NewSession(hangConfig(addr, time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan *azure.Report)
	go func() { done <- s.Run(ctx, nil, nil) }()
	time.Sleep(150 * time.Millisecond)
	cancel()
	at := time.Now()
	select {
	case rep := <-done:
		if d := time.Since(at); d > 200*time.Millisecond {
			t.Errorf("returned %v after cancel", d)
		}
		if r, _ := rep.Result("auth.token"); r.Status != azure.StatusSkip {
			t.Errorf("auth.token %s after cancel", r.Status)
		}
	case <-time.After(time.Second):
		t.Fatal("Run did not return after cancel")
	}
	// Nothing the run started outlives it for long: the checks, the shared futures,
	// the listing workers and the SDK calls all end with the run's context.
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines outlive the cancelled run (%d before):\n%s", n-before, before, buf[:runtime.Stack(buf, true)])
	}
}
