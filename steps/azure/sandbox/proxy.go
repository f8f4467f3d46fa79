package sandbox

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// An HTTPS proxy (HTTP CONNECT) in front of the tenant, for clients that insist on
// Microsoft's own hosts. MSAL for Python (the Azure CLI, azure-identity) validates any
// authority that is not Microsoft's by asking https://login.microsoftonline.com for
// instance discovery; with HTTPS_PROXY pointing here, that request, and any other to
// an Azure host name, reaches the practice tenant instead of the internet. The proxy
// tunnels only to the tenant: Microsoft's login, ARM and Graph host names, the vaults'
// names under vault.azure.net, and the tenant's own listeners. Everything else is
// refused, so nothing a client sends through it leaves the machine.

// proxyTarget returns the listener address a CONNECT to hostport should reach.
func (t *Tenant) proxyTarget(hostport string) (string, bool) {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		return "", false
	}
	host = strings.ToLower(host)
	t.netMu.RLock()
	own := t.addrs[net.JoinHostPort(host, port)]
	t.netMu.RUnlock()
	if own {
		return net.JoinHostPort(host, port), true
	}
	if port != "443" {
		return "", false
	}
	if t.mainAddr != "" { // Hostnames: one listener serves every name
		if host == loginHost || host == armHost || host == graphHost || strings.HasSuffix(host, "."+vaultZone) ||
			host == "management.core.windows.net" || containsFold(publicAliases, host) {
			return t.mainAddr, true
		}
		return "", false
	}
	hostOf := func(u string) (string, bool) {
		p, err := url.Parse(u)
		if err != nil || p.Host == "" {
			return "", false
		}
		return p.Host, true
	}
	switch {
	case containsFold(publicAliases, host):
		return hostOf(t.authority)
	case host == armHost || host == "management.core.windows.net":
		return hostOf(t.armURL)
	case host == graphHost:
		return hostOf(t.graphURL)
	case strings.HasSuffix(host, "."+vaultZone):
		t.mu.Lock()
		u := t.vaultURLs[strings.TrimSuffix(host, "."+vaultZone)]
		t.mu.Unlock()
		return hostOf(u)
	}
	return "", false
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// ProxyURL is the address of the tenant's HTTPS proxy ("" until StartProxy).
func (t *Tenant) ProxyURL() string {
	t.netMu.RLock()
	defer t.netMu.RUnlock()
	return t.proxyURL
}

// StartProxy opens the HTTPS proxy on the tenant's next loopback port (any free one,
// unless Options.Addr fixed the first). It stops with the tenant.
func (t *Tenant) StartProxy() (string, error) {
	addr, err := t.nextAddr()
	if err != nil {
		return "", err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("sandbox: proxy: %w", err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(t.serveProxy), ReadHeaderTimeout: 10 * time.Second}
	t.netMu.Lock()
	if t.closed {
		t.netMu.Unlock()
		ln.Close()
		return "", fmt.Errorf("sandbox: the tenant is closed")
	}
	t.servers = append(t.servers, srv)
	t.listeners = append(t.listeners, ln)
	t.proxyURL = "http://" + ln.Addr().String()
	t.netMu.Unlock()
	go func() { _ = srv.Serve(ln) }()
	return t.proxyURL, nil
}

func (t *Tenant) serveProxy(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodConnect {
		http.Error(w, "This is the practice tenant's HTTPS proxy: it only tunnels (CONNECT) to the practice tenant.", http.StatusMethodNotAllowed)
		return
	}
	target, ok := t.proxyTarget(r.Host)
	if !ok {
		http.Error(w, "The practice tenant's proxy does not reach "+r.Host+": it tunnels only to Azure host names the practice tenant serves, never to the internet.", http.StatusForbidden)
		return
	}
	d := net.Dialer{Timeout: 5 * time.Second}
	up, err := d.DialContext(r.Context(), "tcp", target)
	if err != nil {
		http.Error(w, "The practice tenant did not answer.", http.StatusBadGateway)
		return
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		up.Close()
		http.Error(w, "Tunnelling is not supported here.", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusOK)
	down, buf, err := hj.Hijack()
	if err != nil {
		up.Close()
		return
	}
	pipe(r.Context(), down, buf, up)
}

// pipe copies both ways until either side closes.
func pipe(ctx context.Context, down net.Conn, buf *bufio.ReadWriter, up net.Conn) {
	var once sync.Once
	closeBoth := func() { once.Do(func() { down.Close(); up.Close() }) }
	defer closeBoth()
	done := make(chan struct{}, 2)
	go func() {
		if n := buf.Reader.Buffered(); n > 0 {
			b, _ := buf.Reader.Peek(n)
			_, _ = up.Write(b)
		}
		_, _ = io.Copy(up, down)
		done <- struct{}{}
	}()
	go func() { _, _ = io.Copy(down, up); done <- struct{}{} }()
	select {
	case <-done:
	case <-ctx.Done():
	}
}
