//go:build linux

package main

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestLoadDoctors is the load figure: 30 kvbridge doctor processes at once
// against one served tenant, three rounds, with the server's memory before,
// after, and with 1,000 idle connections open. It takes about a minute, so it
// runs only with KVBRIDGE_LOAD=1 (make load-doctor).
func TestLoadDoctors(t *testing.T) {
	if os.Getenv("KVBRIDGE_LOAD") == "" {
		t.Skip("KVBRIDGE_LOAD=1 (make load-doctor) runs the load figure")
	}
	bin := kvbridgeBinary(t)
	cmd := exec.Command(bin, "sandbox", "serve", "--json")
	cmd.Env = []string{"TMPDIR=" + t.TempDir(), "HOME=" + os.Getenv("HOME")}
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() }()
	line, err := readLine(stdout, 20*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	si := map[string]any{}
	must(t, jsonUnmarshal(line, &si))
	args := []string{"doctor", "--tenant", si["tenant_id"].(string), "--client-id", si["client_id"].(string),
		"--authority-host", si["authority_host"].(string), "--arm-endpoint", si["arm_endpoint"].(string),
		"--ca-file", si["ca_file"].(string), "--vault", si["vault_id"].(string),
		"--vault-url", si["vault_urls"].([]any)[0].(string), "--secret-name", "Prod-VM-Admin-Pass", "--client-secret-stdin"}
	secret := si["client_secret"].(string)
	rss := func() int { return rssKB(t, cmd.Process.Pid) }
	before := rss()
	var all []time.Duration
	for round := 1; round <= 3; round++ {
		var mu sync.Mutex
		var wg sync.WaitGroup
		var durs []time.Duration
		failed := 0
		for i := 0; i < 30; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				d := exec.Command(bin, args...)
				d.Stdin = strings.NewReader(secret + "\n")
				var stderr strings.Builder
				d.Stderr = &stderr
				start := time.Now()
				out, err := d.Output()
				el := time.Since(start)
				mu.Lock()
				defer mu.Unlock()
				durs = append(durs, el)
				if err != nil || stderr.Len() > 0 {
					failed++
					if failed == 1 {
						t.Logf("a doctor failed: %v\n%s%s", err, stderr.String(), out)
					}
				}
			}()
		}
		wg.Wait()
		sort.Slice(durs, func(i, j int) bool { return durs[i] < durs[j] })
		t.Logf("round %d: 30 doctors, %d failed, p50 %v, p99 %v, server RSS %d KB", round, failed,
			durs[len(durs)/2].Round(time.Millisecond), durs[len(durs)*99/100].Round(time.Millisecond), rss())
		if failed > 0 {
			t.Errorf("round %d: %d doctors failed", round, failed)
		}
		all = append(all, durs...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	t.Logf("all rounds: p50 %v, p99 %v; server RSS %d KB before, %d KB after", all[len(all)/2].Round(time.Millisecond),
		all[len(all)*99/100].Round(time.Millisecond), before, rss())

	// 1,000 idle connections: TLS handshake, then nothing.
	u, _ := url.Parse(si["arm_endpoint"].(string))
	pool := caPool(t, si["ca_file"].(string))
	var conns []*tls.Conn
	for i := 0; i < 1000; i++ {
		c, err := tls.Dial("tcp", u.Host, &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"})
		if err != nil {
			t.Logf("connection %d: %v", i, err)
			break
		}
		conns = append(conns, c)
	}
	t.Logf("%d idle connections open: server RSS %d KB", len(conns), rss())
	time.Sleep(20 * time.Second) // past the idle timeout (15 s)
	open := 0
	for _, c := range conns {
		c.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
		if _, err := c.Read(make([]byte, 1)); err != nil && strings.Contains(err.Error(), "timeout") {
			open++
		}
		c.Close()
	}
	t.Logf("after 20 s: %d of %d still open; server RSS %d KB", open, len(conns), rss())
	if open > 0 {
		t.Errorf("%d idle connections outlived the idle timeout", open)
	}
}

func rssKB(t *testing.T, pid int) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			n, _ := strconv.Atoi(strings.Fields(v)[0])
			return n
		}
	}
	return 0
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }

func caPool(t *testing.T, path string) *x509.CertPool {
	pem, err := os.ReadFile(path)
	must(t, err)
	p := x509.NewCertPool()
	p.AppendCertsFromPEM(pem)
	return p
}
