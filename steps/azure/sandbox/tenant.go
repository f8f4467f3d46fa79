package sandbox

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Tenant is a running practice tenant.
type Tenant struct {
	opts  Options
	clock func() time.Time
	pki   *pki

	mu       sync.Mutex // guards m and seen
	m        *model
	seen     map[string]bool // throttled scenario: calls already refused once
	ds       *dsRuntime      // the practice Secret Server's tokens (never saved)
	adminKey string

	reqMu sync.Mutex
	reqs  []RequestRecord

	// netMu guards the listeners, which AddVault may add while serving (Loopback).
	netMu      sync.RWMutex
	servers    []*http.Server
	listeners  []net.Listener
	addrs      map[string]bool // listener addresses HTTPClient may dial
	serving    bool            // listeners opened from now on are served at once
	closed     bool
	base       netip.AddrPort // Options.Addr; a fixed port numbers the listeners from it
	nextPort   int            // offset from base of the next listener
	mainAddr   string         // Hostnames: the one listener
	proxyURL   string         // StartProxy's address, guarded by netMu
	authority  string
	armURL     string
	graphURL   string
	delineaURL string            // the practice Secret Server's base URL
	vaultURLs  map[string]string // lower-case vault name -> URL; written with mu held
	client     *http.Client
	closeOnce  sync.Once
	transports []*http.Transport
}

// Start builds the scenario's starting state and serves it.
func Start(opts Options) (*Tenant, error) {
	t, err := newTenant(opts)
	if err != nil {
		return nil, err
	}
	name := opts.Scenario
	if name == "" {
		name = "healthy"
	}
	if err := t.build(name, opts.Seed); err != nil {
		return nil, err
	}
	if err := t.listen(); err != nil {
		return nil, err
	}
	return t, nil
}

func newTenant(opts Options) (*Tenant, error) {
	warmSigningKey() // RSA key generation overlaps with the rest of the start
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Wiring != Hostnames && opts.Wiring != Loopback {
		return nil, fmt.Errorf("sandbox: unknown wiring %d", opts.Wiring)
	}
	if _, err := loopbackAddr(opts.Addr); err != nil {
		return nil, err
	}
	p, err := newPKI(opts.Now())
	if err != nil {
		return nil, fmt.Errorf("sandbox: making the CA: %w", err)
	}
	return &Tenant{
		opts: opts, clock: opts.Now, pki: p,
		m:        &model{},
		seen:     map[string]bool{},
		adminKey: randomString(32, "abcdefghijklmnopqrstuvwxyz0123456789"),
		addrs:    map[string]bool{},
	}, nil
}

// loopbackAddr parses Addr and refuses anything that is not a loopback address.
func loopbackAddr(addr string) (netip.AddrPort, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("sandbox: address %q: %w", addr, err)
	}
	if strings.EqualFold(host, "localhost") {
		host = "127.0.0.1"
	}
	ip, err := netip.ParseAddr(host)
	p, perr := strconv.ParseUint(port, 10, 16)
	if err != nil || perr != nil || !ip.IsLoopback() {
		return netip.AddrPort{}, fmt.Errorf("sandbox: refusing address %q: the practice tenant listens on loopback only (for example 127.0.0.1:8443)", addr)
	}
	return netip.AddrPortFrom(ip, uint16(p)), nil
}

func (t *Tenant) now() time.Time { return t.clock() }

// maxLoopbackVaults bounds the vaults of a Loopback tenant: each has its own listener
// (a port, a file descriptor and a goroutine), as a vault has its own host name in Azure.
// Hostnames wiring routes every vault by Host header on the one listener, so a vault
// there costs only its model, and thousands are fine.
const maxLoopbackVaults = 1000

// nextAddr returns the address of the next listener: port 0 (any) when Options.Addr
// has none, else the base port plus the listeners opened so far.
func (t *Tenant) nextAddr() (string, error) {
	i := t.nextPort
	t.nextPort++
	if t.base.Port() == 0 {
		return netip.AddrPortFrom(t.base.Addr(), 0).String(), nil
	}
	if int(t.base.Port())+i > 65535 {
		return "", fmt.Errorf("sandbox: port %d leaves no room for the tenant's endpoint number %d", t.base.Port(), i+1)
	}
	return netip.AddrPortFrom(t.base.Addr(), t.base.Port()+uint16(i)).String(), nil
}

// listen opens the listeners of the chosen wiring and starts serving. Loopback with a
// fixed port P: Entra P, ARM P+1, the vaults P+2 onward, Microsoft Graph after the last
// vault, the practice Secret Server after Graph, and vaults added later (AddVault) after that.
func (t *Tenant) listen() error {
	t.base, _ = loopbackAddr(t.opts.Addr)
	t.vaultURLs = map[string]string{}
	if t.base.Port() != 0 && int(t.base.Port())+4+len(t.m.Vaults) > 65535 {
		return fmt.Errorf("sandbox: port %d leaves no room for the tenant's %d endpoints", t.base.Port(), 4+len(t.m.Vaults))
	}
	if t.opts.Wiring == Loopback && len(t.m.Vaults) > maxLoopbackVaults {
		return fmt.Errorf("sandbox: %d vaults is more than the loopback wiring serves (%d, one port each); use the hostnames wiring", len(t.m.Vaults), maxLoopbackVaults)
	}
	if t.opts.Wiring == Hostnames {
		ln, err := t.serveNext(t.byHost())
		if err != nil {
			return err
		}
		t.mainAddr = ln
		t.authority = "https://" + loginHost + "/"
		t.armURL = "https://" + armHost
		t.graphURL = "https://" + graphHost
		t.delineaURL = "https://" + dsHost
		for _, v := range t.m.Vaults {
			t.vaultURLs[strings.ToLower(v.Name)] = hostnamesVaultURL(v.Name)
		}
	} else {
		a, err := t.serveNext(t.handler(svcEntra, ""))
		if err != nil {
			return err
		}
		r, err := t.serveNext(t.handler(svcARM, ""))
		if err != nil {
			t.Close()
			return err
		}
		t.authority = "https://" + a + "/"
		t.armURL = "https://" + r
		for _, v := range t.m.Vaults {
			va, err := t.serveNext(t.handler(svcVault, v.Name))
			if err != nil {
				t.Close()
				return err
			}
			t.vaultURLs[strings.ToLower(v.Name)] = "https://" + va + "/"
		}
		g, err := t.serveNext(t.handler(svcGraph, ""))
		if err != nil {
			t.Close()
			return err
		}
		t.graphURL = "https://" + g
		ds, err := t.serveNext(t.handler(svcDelinea, ""))
		if err != nil {
			t.Close()
			return err
		}
		t.delineaURL = "https://" + ds
	}
	t.client = t.newClient()
	// Serve only once every address and URL is known, so handlers read settled maps.
	t.netMu.Lock()
	defer t.netMu.Unlock()
	t.serving = true
	for i, srv := range t.servers {
		ln := t.listeners[i]
		go func() { _ = srv.ServeTLS(ln, "", "") }()
	}
	return nil
}

func hostnamesVaultURL(name string) string {
	return "https://" + strings.ToLower(name) + "." + vaultZone + "/"
}

func (t *Tenant) serveNext(h http.Handler) (string, error) {
	addr, err := t.nextAddr()
	if err != nil {
		return "", err
	}
	return t.serve(addr, h)
}

func (t *Tenant) serve(addr string, h http.Handler) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("sandbox: listen on %s: %w", addr, err)
	}
	to := t.opts.timeouts
	if to == (serverTimeouts{}) {
		to = defaultTimeouts
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: to.header,
		ReadTimeout:       to.read,
		WriteTimeout:      to.write + t.opts.Latency,
		IdleTimeout:       to.idle,
		MaxHeaderBytes:    maxHeaderBytes,
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{t.pki.leaf}, MinVersion: tls.VersionTLS12},
		// Handshake failures (an untrusting client) are the client's news, not ours.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	t.netMu.Lock()
	defer t.netMu.Unlock()
	if t.closed {
		_ = ln.Close()
		return "", fmt.Errorf("sandbox: the tenant is closed")
	}
	t.servers = append(t.servers, srv)
	t.listeners = append(t.listeners, ln)
	got := ln.Addr().String()
	t.addrs[got] = true
	if t.serving {
		go func() { _ = srv.ServeTLS(ln, "", "") }()
	}
	return got, nil
}

// newClient returns the only client that should talk to the tenant: it trusts the
// tenant's CA, never uses a proxy, and dials nothing but the tenant's listeners.
func (t *Tenant) newClient() *http.Client {
	d := &net.Dialer{Timeout: 5 * time.Second}
	tr := &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if t.mainAddr != "" {
				return d.DialContext(ctx, network, t.mainAddr) // Hostnames: every host is the tenant
			}
			t.netMu.RLock()
			ok := t.addrs[addr]
			t.netMu.RUnlock()
			if !ok {
				return nil, fmt.Errorf("sandbox transport: refusing to dial %s: not a practice tenant endpoint", addr)
			}
			return d.DialContext(ctx, network, addr)
		},
		TLSClientConfig:     &tls.Config{RootCAs: t.pki.pool, MinVersion: tls.VersionTLS12},
		ForceAttemptHTTP2:   true,
		MaxIdleConnsPerHost: 16,
		IdleConnTimeout:     30 * time.Second,
	}
	t.transports = append(t.transports, tr)
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// HTTPClient returns a client that trusts the tenant and can reach nothing else. It
// satisfies azcore's policy.Transporter.
func (t *Tenant) HTTPClient() *http.Client { return t.client }

// Close stops every listener. It is safe to call more than once.
func (t *Tenant) Close() error {
	var errs []error
	t.closeOnce.Do(func() {
		t.netMu.Lock()
		defer t.netMu.Unlock()
		t.closed = true
		for i, s := range t.servers {
			errs = append(errs, s.Close())
			_ = t.listeners[i].Close() // a listener not yet served is not closed by Server.Close
		}
		for _, tr := range t.transports {
			tr.CloseIdleConnections()
		}
	})
	return errors.Join(errs...)
}

// Info returns endpoints, trust and the handed-out credentials.
func (t *Tenant) Info() Info {
	t.mu.Lock()
	defer t.mu.Unlock()
	h := t.m.Handout
	info := Info{
		Scenario:      t.m.Scenario,
		Seed:          t.m.Seed,
		AuthorityHost: t.authority,
		ARMEndpoint:   t.armURL,
		ARMAudience:   "https://management.core.windows.net/",
		GraphEndpoint: t.graphURL,
		TenantID:      h.TenantID, TenantDomain: h.TenantDomain,
		ClientID: h.ClientID, ClientSecret: h.ClientSecret, ClientSecretID: h.ClientSecretID,
		SecretName: h.SecretName, SecretUsername: h.SecretUsername, SecretValue: h.SecretValue,
		CAPEM:    append([]byte(nil), t.pki.caPEM...),
		AdminURL: strings.TrimSuffix(t.authority, "/") + adminPrefix,
		AdminKey: t.adminKey,
	}
	for _, v := range t.m.Vaults {
		info.VaultURLs = append(info.VaultURLs, t.vaultURLs[strings.ToLower(v.Name)])
	}
	if len(t.m.Subscriptions) > 0 {
		s := t.m.Subscriptions[0]
		info.SubscriptionID = s.ID
		if len(s.ResourceGroups) > 0 {
			info.ResourceGroup = s.ResourceGroups[0]
		}
	}
	if len(t.m.Vaults) > 0 {
		v := t.m.Vaults[0]
		info.VaultName, info.VaultID = v.Name, v.id()
	}
	t.delineaInfoLocked(&info)
	return info
}

// Requests returns the request log so far.
func (t *Tenant) Requests() []RequestRecord {
	t.reqMu.Lock()
	defer t.reqMu.Unlock()
	return append([]RequestRecord(nil), t.reqs...)
}

func (t *Tenant) record(r RequestRecord) {
	t.reqMu.Lock()
	defer t.reqMu.Unlock()
	limit := t.opts.RequestLog
	if limit <= 0 {
		limit = 10000
	}
	if len(t.reqs) >= limit { // a long-running server keeps the recent past only
		t.reqs = append(t.reqs[:0], t.reqs[len(t.reqs)-limit/2:]...)
	}
	t.reqs = append(t.reqs, r)
}

// vaultURL returns the URL clients use for a vault (its vaultUri).
func (t *Tenant) vaultURL(name string) string { return t.vaultURLs[strings.ToLower(name)] }
