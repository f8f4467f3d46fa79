package sandbox

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// The benchmarks call the handlers directly, so they measure server time only: no TLS,
// no network, no client.

func BenchmarkTokenIssue(b *testing.B) {
	ten, err := Start(Options{Wiring: Loopback})
	if err != nil {
		b.Fatal(err)
	}
	defer ten.Close()
	info := ten.Info()
	body := url.Values{"grant_type": {"client_credentials"}, "client_id": {info.ClientID}, "client_secret": {info.ClientSecret},
		"scope": {"https://vault.azure.net/.default openid offline_access profile"}, "claims": {`{"access_token":{"xms_cc":{"values":["CP1"]}}}`}}.Encode()
	h := ten.handler(svcEntra, "")
	path := "/" + info.TenantID + "/oauth2/v2.0/token"
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest("POST", path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code)
		}
	}
}

func BenchmarkSecretGet(b *testing.B) {
	ten, err := Start(Options{Wiring: Loopback})
	if err != nil {
		b.Fatal(err)
	}
	defer ten.Close()
	info := ten.Info()
	tok, err := signToken(&claims{Aud: kvAudience, Iss: "https://sts.windows.net/" + info.TenantID + "/", TID: info.TenantID,
		OID: spOID(ten, info.ClientID), AppID: info.ClientID, Exp: ten.now().Unix() + 3600})
	if err != nil {
		b.Fatal(err)
	}
	h := ten.handler(svcVault, info.VaultName)
	path := "/secrets/" + info.SecretName + "/?api-version=2026-04-01"
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code, rec.Body)
		}
	}
}

func spOID(t *Tenant, clientID string) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	_, a := t.m.appAnywhere(clientID)
	return a.SPObjectID
}

func BenchmarkStart(b *testing.B) {
	for _, w := range wirings {
		b.Run(w.String(), func(b *testing.B) {
			for b.Loop() {
				ten, err := Start(Options{Wiring: w})
				if err != nil {
					b.Fatal(err)
				}
				ten.Close()
			}
		})
	}
}

// BenchmarkTokenSign isolates the RSA-2048 signature inside BenchmarkTokenIssue.
func BenchmarkTokenSign(b *testing.B) {
	c := &claims{Aud: kvAudience, TID: newGUID(), Exp: 1}
	for b.Loop() {
		if _, err := signToken(c); err != nil {
			b.Fatal(err)
		}
	}
}
