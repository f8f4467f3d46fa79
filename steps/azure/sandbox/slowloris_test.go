package sandbox

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// shortTimeouts make the cut-offs visible in a fast test; the defaults are
// the same code with longer numbers.
// (A loaded 2-core CI machine still finishes a TLS handshake within a second.)
var shortTimeouts = serverTimeouts{header: time.Second, read: 1500 * time.Millisecond, write: 3 * time.Second, idle: time.Second}

func tlsDial(t *testing.T, ten *Tenant, addr string) *tls.Conn {
	t.Helper()
	c, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: ten.pki.pool, ServerName: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// closedWithin reports whether the server closes c within d (a read ends).
func closedWithin(c net.Conn, d time.Duration) bool {
	_ = c.SetReadDeadline(time.Now().Add(d))
	_, err := io.Copy(io.Discard, c)
	var ne net.Error
	return !(errors.As(err, &ne) && ne.Timeout())
}

// A body trickled one byte at a time (the attack ran one every 2 s) is cut
// off at the read timeout instead of holding a connection and a goroutine
// for as long as the client likes.
func TestTrickledBodyIsCutOff(t *testing.T) {
	ten, err := Start(Options{Wiring: Loopback, timeouts: shortTimeouts})
	must(t, err)
	defer ten.Close()
	u, _ := url.Parse(ten.Info().AuthorityHost)
	c := tlsDial(t, ten, u.Host)
	defer c.Close()
	fmt.Fprintf(c, "POST /%s/oauth2/v2.0/token HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 60000\r\n\r\n", ten.Info().TenantID, u.Host)
	start := time.Now()
	stop := make(chan struct{})
	go func() { // one byte every 100 ms, far slower than the timeout allows for 60,000
		for {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
				if _, err := c.Write([]byte("a")); err != nil {
					return
				}
			}
		}
	}()
	defer close(stop)
	if !closedWithin(c, 6*time.Second) {
		t.Fatal("a trickled body kept the connection open for 6 s")
	}
	if d := time.Since(start); d > 4*time.Second {
		t.Errorf("cut off after %v", d)
	}
}

// Slow headers are cut off too (the classic slowloris).
func TestSlowHeadersAreCutOff(t *testing.T) {
	ten, err := Start(Options{Wiring: Loopback, timeouts: shortTimeouts})
	must(t, err)
	defer ten.Close()
	u, _ := url.Parse(ten.Info().ARMEndpoint)
	c := tlsDial(t, ten, u.Host)
	defer c.Close()
	fmt.Fprintf(c, "GET /subscriptions HTTP/1.1\r\nHost: %s\r\nX-Slow: ", u.Host)
	if !closedWithin(c, 6*time.Second) {
		t.Fatal("slow headers kept the connection open")
	}
}

// Idle keep-alive connections, after a request or before any, are closed by
// the server: many of them cannot pile up (the attack held 1,000, doubling the
// server's memory).
func TestIdleConnectionsAreCutOff(t *testing.T) {
	ten, err := Start(Options{Wiring: Loopback, timeouts: shortTimeouts})
	must(t, err)
	defer ten.Close()
	u, _ := url.Parse(ten.Info().ARMEndpoint)
	n := 100
	if testing.Short() {
		n = 20
	}
	before := runtime.NumGoroutine()
	conns := make([]net.Conn, 0, 2*n)
	var mu sync.Mutex
	var wg sync.WaitGroup
	dials := make(chan struct{}, 8) // handshakes a few at a time, as clients arrive
	for i := 0; i < n; i++ {
		wg.Add(2)
		go func() { // a request, then idle on keep-alive
			defer wg.Done()
			dials <- struct{}{}
			defer func() { <-dials }()
			c, err := tls.Dial("tcp", u.Host, &tls.Config{RootCAs: ten.pki.pool, ServerName: "127.0.0.1"})
			if err != nil {
				t.Error(err)
				return
			}
			fmt.Fprintf(c, "GET /subscriptions?api-version=2022-12-01 HTTP/1.1\r\nHost: %s\r\n\r\n", u.Host)
			buf := make([]byte, 512)
			if _, err := c.Read(buf); err != nil || !strings.HasPrefix(string(buf), "HTTP/1.1 ") {
				t.Errorf("no answer: %v", err)
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}()
		go func() { // connected and silent: not even a TLS handshake
			defer wg.Done()
			c, err := net.Dial("tcp", u.Host)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}()
	}
	wg.Wait()
	var open sync.WaitGroup
	var stillOpen int
	for _, c := range conns { // all at once, so a failure costs 3 s, not 3 s each
		open.Add(1)
		go func() {
			defer open.Done()
			if !closedWithin(c, 5*time.Second) {
				mu.Lock()
				stillOpen++
				mu.Unlock()
			}
			c.Close()
		}()
	}
	open.Wait()
	if stillOpen > 0 {
		t.Errorf("%d of %d idle connections still open after 5 s", stillOpen, len(conns))
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before+10 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if g := runtime.NumGoroutine(); g > before+10 {
		t.Errorf("%d goroutines left, %d before", g, before)
	}
}
