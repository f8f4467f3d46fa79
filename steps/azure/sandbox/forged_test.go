package sandbox

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// Tokens an attacker could make without the tenant's signing key: every one
// is refused by ARM and by Key Vault.
func TestForgedTokensAreRefused(t *testing.T) {
	e := start(t, Loopback, "healthy")
	tok := e.armToken()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q", tok)
	}
	b64 := base64.RawURLEncoding
	claims, err := b64.DecodeString(parts[1])
	must(t, err)
	var c map[string]any
	must(t, json.Unmarshal(claims, &c))
	enc := func(v any) string { b, _ := json.Marshal(v); return b64.EncodeToString(b) }
	widened := map[string]any{}
	for k, v := range c {
		widened[k] = v
	}
	widened["roles"] = []string{"Owner"}
	widened["oid"] = "00000000-0000-0000-0000-000000000000"
	forged := map[string]string{
		"alg none, no signature":        enc(map[string]string{"alg": "none", "typ": "JWT"}) + "." + parts[1] + ".",
		"alg none, signature kept":      enc(map[string]string{"alg": "none", "typ": "JWT"}) + "." + parts[1] + "." + parts[2],
		"HS256 keyed with the kid":      enc(map[string]string{"alg": "HS256", "typ": "JWT"}) + "." + parts[1] + "." + parts[2],
		"claims changed, old signature": parts[0] + "." + enc(widened) + "." + parts[2],
		"signature of another token":    parts[0] + "." + parts[1] + "." + strings.Split(e.vaultToken(), ".")[2],
		"empty":                         "",
		"garbage":                       "eyJ.eyJ.AAAA",
	}
	for name, f := range forged {
		for _, u := range []string{
			e.armURL("/subscriptions?api-version=2022-12-01"),
			e.vaultURL("/secrets?api-version=2026-04-01"),
		} {
			st, _, body := e.raw("GET", u, f, "")
			if st != http.StatusUnauthorized {
				t.Errorf("%s at %s: status %d, want 401: %s", name, u, st, body)
			}
		}
	}
}

// Bodies far larger than any request are cut at 64 KiB (the attack sent
// 100 MB), headers at 64 KiB; the tenant answers and goes on serving.
func TestOversizedRequestsAreCut(t *testing.T) {
	e := start(t, Loopback, "healthy")
	big := func(n int) io.Reader { return io.LimitReader(zeros{}, int64(n)) }
	post := func(u string, body io.Reader, hdr ...string) int {
		req, err := http.NewRequest("POST", u, body)
		must(t, err)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := e.ten.HTTPClient().Do(req)
		if err != nil {
			return 0 // the server closed the connection: also a refusal
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	if st := post(e.tokenURL(e.info.TenantID), big(100<<20)); st == http.StatusOK {
		t.Error("a 100 MB token request was accepted")
	}
	tok := e.vaultToken()
	req, _ := http.NewRequest("PUT", e.vaultURL("/secrets/big?api-version=2026-04-01"), big(100<<20))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	if resp, err := e.ten.HTTPClient().Do(req); err == nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode < 400 {
			t.Errorf("a 100 MB secret PUT: status %d", resp.StatusCode)
		}
	}
	if st := post(e.tokenURL(e.info.TenantID), strings.NewReader("x=1"), "X-Padding", strings.Repeat("a", 200<<10)); st != http.StatusRequestHeaderFieldsTooLarge && st != 0 {
		t.Errorf("200 KiB of headers: status %d, want 431", st)
	}
	// Still serving.
	if st, _, body := e.raw("GET", e.armURL("/subscriptions?api-version=2022-12-01"), e.armToken(), ""); st != 200 {
		t.Fatalf("after the oversized requests: %d %s", st, bytes.TrimSpace(body))
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	return len(p), nil
}

// Paths that climb out of their resource are refused, and the admin API
// refuses a wrong or missing key.
func TestTraversalAndAdminKey(t *testing.T) {
	e := start(t, Loopback, "healthy")
	kv, arm := e.vaultToken(), e.armToken()
	for _, u := range []string{
		e.vaultURL("/secrets/..%2F..%2Fadmin?api-version=2026-04-01"),
		e.vaultURL("/secrets/%2e%2e/%2e%2e/etc/passwd?api-version=2026-04-01"),
		e.vaultURL("/secrets/Prod-VM-Admin-Pass/..%2F..%2Fx?api-version=2026-04-01"),
	} {
		if st, _, body := e.raw("GET", u, kv, ""); st == http.StatusOK || st >= 500 {
			t.Errorf("vault %s: %d %s", u, st, body)
		}
	}
	for _, u := range []string{
		e.armURL("/subscriptions/" + e.info.SubscriptionID + "/..%2F..%2Fadmin?api-version=2022-12-01"),
		e.armURL("/subscriptions/%2e%2e/providers/Microsoft.KeyVault/vaults?api-version=2024-11-01"),
	} {
		if st, _, body := e.raw("GET", u, arm, ""); st == http.StatusOK || st >= 500 {
			t.Errorf("ARM %s: %d %s", u, st, body)
		}
	}
	for _, key := range []string{"", "wrong", e.info.AdminKey[:len(e.info.AdminKey)-1]} {
		st, _, _ := e.raw("GET", e.info.AdminURL+"/state", "", "", "X-Sandbox-Admin-Key", key)
		if st != http.StatusUnauthorized && st != http.StatusForbidden {
			t.Errorf("admin key %q: status %d", key, st)
		}
	}
}
