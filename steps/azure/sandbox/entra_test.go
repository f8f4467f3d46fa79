package sandbox

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func TestTokenIsASignedJWTVerifiableWithPublishedKeys(t *testing.T) {
	forWirings(t, func(t *testing.T, w Wiring) {
		e := start(t, w, "healthy")
		raw := e.armToken()

		st, _, body := e.raw("GET", e.info.AuthorityHost+e.info.TenantID+"/v2.0/.well-known/openid-configuration", "", "")
		var cfg struct{ Issuer, JwksURI string }
		var doc map[string]any
		must(t, json.Unmarshal(body, &doc))
		cfg.JwksURI, _ = doc["jwks_uri"].(string)
		cfg.Issuer, _ = doc["issuer"].(string)
		if st != 200 || !strings.HasPrefix(cfg.Issuer, strings.TrimSuffix(e.info.AuthorityHost, "/")) {
			t.Fatalf("openid-configuration %d %s", st, body)
		}
		_, _, jw := e.raw("GET", cfg.JwksURI, "", "")
		var set struct {
			Keys []struct{ Kid, N, E string }
		}
		must(t, json.Unmarshal(jw, &set))
		tok, err := jwt.Parse(raw, func(tk *jwt.Token) (any, error) {
			for _, k := range set.Keys {
				if k.Kid == tk.Header["kid"] {
					return jwkToRSA(k.N, k.E)
				}
			}
			t.Fatalf("kid %v not published", tk.Header["kid"])
			return nil, nil
		}, jwt.WithValidMethods([]string{"RS256"}), jwt.WithTimeFunc(e.clock.Now))
		must(t, err)
		c := tok.Claims.(jwt.MapClaims)
		e.ten.mu.Lock()
		_, app := e.ten.m.appAnywhere(e.info.ClientID)
		oid := app.SPObjectID
		e.ten.mu.Unlock()
		want := map[string]any{"aud": "https://management.core.windows.net/", "iss": "https://sts.windows.net/" + e.info.TenantID + "/",
			"tid": e.info.TenantID, "appid": e.info.ClientID, "azp": e.info.ClientID, "oid": oid, "idtyp": "app"}
		for k, v := range want {
			if c[k] != v {
				t.Errorf("claim %s = %v, want %v", k, c[k], v)
			}
		}
		if c["exp"].(float64)-c["iat"].(float64) != 3600 || c["nbf"] != c["iat"] {
			t.Errorf("lifetime: iat %v nbf %v exp %v", c["iat"], c["nbf"], c["exp"])
		}
		if cc, _ := c["xms_cc"].([]any); len(cc) != 1 || cc[0] != "CP1" {
			t.Errorf("xms_cc = %v (MSAL asked for CP1)", c["xms_cc"])
		}
	})
}

func TestDomainNameWorksAsTenant(t *testing.T) {
	forWirings(t, func(t *testing.T, w Wiring) {
		e := start(t, w, "healthy")
		cred := e.credFor(e.info.TenantDomain, e.info.ClientID, e.info.ClientSecret)
		subs, err := e.listSubs(cred)
		must(t, err)
		if len(subs) != 1 {
			t.Fatalf("subs %v", subs)
		}
	})
}

func TestEntraRefusals(t *testing.T) {
	forWirings(t, func(t *testing.T, w Wiring) {
		e := start(t, w, "healthy")
		// A tenant that is neither a GUID nor a domain: 900023 at discovery.
		_, err := e.credFor("notatenant", e.info.ClientID, e.info.ClientSecret).GetToken(ctx(t), armScope)
		wantEntra(t, err, 400, 900023)

		must(t, e.ten.SetAppEnabled(e.info.ClientID, false))
		_, err = e.cred().GetToken(ctx(t), armScope)
		wantEntra(t, err, 400, 7000112)
		must(t, e.ten.SetAppEnabled(e.info.ClientID, true))

		form := func(kv ...string) url.Values {
			v := url.Values{"grant_type": {"client_credentials"}, "client_id": {e.info.ClientID},
				"client_secret": {e.info.ClientSecret}, "scope": {"https://vault.azure.net/.default openid offline_access profile"}}
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i+1] == "" {
					v.Del(kv[i])
				} else {
					v.Set(kv[i], kv[i+1])
				}
			}
			return v
		}
		cases := []struct {
			name   string
			form   url.Values
			status int
			err    string
			code   int
		}{
			{"ok", form(), 200, "", 0},
			{"scope without .default", form("scope", "https://vault.azure.net/user_impersonation"), 400, "invalid_scope", 1002012},
			{"unknown resource", form("scope", "https://graph.example/.default"), 400, "invalid_resource", 500011},
			{"no secret", form("client_secret", ""), 401, "invalid_client", 7000218},
			{"wrong secret", form("client_secret", "nope"), 401, "invalid_client", 7000215},
			{"no client id", form("client_id", ""), 400, "invalid_request", 900144},
			{"password grant", form("grant_type", "password"), 400, "unsupported_grant_type", 70003},
			{"no scope", form("scope", ""), 400, "invalid_request", 900144},
		}
		for _, c := range cases {
			st, _, body := e.raw("POST", e.tokenURL(e.info.TenantID), "", c.form.Encode(), "Content-Type", "application/x-www-form-urlencoded")
			if c.status == 200 {
				if st != 200 || !strings.Contains(string(body), `"access_token"`) {
					t.Fatalf("%s: %d %s", c.name, st, body)
				}
				continue
			}
			got := decodeErr(t, st, nil, body)
			if got.Status != c.status || got.Code != c.err || len(got.EntraCodes) != 1 || got.EntraCodes[0] != c.code {
				t.Errorf("%s: got %d %s %v, want %d %s %d", c.name, got.Status, got.Code, got.EntraCodes, c.status, c.err, c.code)
			}
			if strings.Contains(got.Body, e.info.ClientSecret) {
				t.Errorf("%s: an error body echoes the client secret", c.name)
			}
		}
		got := e.rawErr("GET", e.tokenURL(e.info.TenantID), "", "")
		if got.Status != 400 || got.EntraCodes[0] != 900561 {
			t.Errorf("GET on the token endpoint: %+v", got)
		}
		// Every Entra error carries the full envelope.
		var doc map[string]any
		_, _, body := e.raw("POST", e.tokenURL(e.info.TenantID), "", form("client_secret", "x").Encode(), "Content-Type", "application/x-www-form-urlencoded")
		must(t, json.Unmarshal(body, &doc))
		for _, k := range []string{"error", "error_description", "error_codes", "timestamp", "trace_id", "correlation_id", "error_uri"} {
			if _, ok := doc[k]; !ok {
				t.Errorf("Entra error lacks %q", k)
			}
		}
	})
}

func TestInstanceDiscoveryAnsweredInHostnamesWiring(t *testing.T) {
	e := start(t, Hostnames, "healthy")
	_ = e.armToken()
	var seen bool
	for _, r := range e.ten.Requests() {
		seen = seen || (r.Path == "/common/discovery/instance" && r.Status == 200 && r.Host == loginHost)
	}
	if !seen {
		t.Fatalf("MSAL's instance discovery was not answered: %+v", e.ten.Requests())
	}
	got := e.rawErr("GET", "https://login.microsoftonline.com/common/discovery/instance?api-version=1.1", "", "")
	if got.Status != 400 || got.Code != "invalid_instance" {
		t.Fatalf("%+v", got)
	}
}

func TestClientSecretLifecycle(t *testing.T) {
	forWirings(t, func(t *testing.T, w Wiring) {
		e := start(t, w, "expired-secret")
		s, err := e.ten.AddClientSecret(e.info.ClientID, 90*24*time.Hour)
		must(t, err)
		if !e.clock.Now().Add(90*24*time.Hour).Equal(s.Expires) || !isGUID(s.ID) || len(s.Value) != 40 {
			t.Fatalf("new secret %+v", s.ID)
		}
		cred := e.credFor(e.info.TenantID, e.info.ClientID, s.Value)
		_, err = cred.GetToken(ctx(t), armScope)
		must(t, err)
		must(t, e.ten.DeleteClientSecret(e.info.ClientID, s.ID))
		_, err = e.credFor(e.info.TenantID, e.info.ClientID, s.Value).GetToken(ctx(t), armScope)
		wantEntra(t, err, 401, 7000215)
		if _, err := e.ten.AddClientSecret(e.info.ClientID, 731*24*time.Hour); err == nil {
			t.Fatal("a lifetime over 24 months must be refused")
		}
		// A secret that runs out while in use: tokens stop at its end date.
		s2, err := e.ten.AddClientSecret(e.info.ClientID, time.Hour)
		must(t, err)
		e.clock.Advance(time.Hour)
		_, err = e.credFor(e.info.TenantID, e.info.ClientID, s2.Value).GetToken(ctx(t), armScope)
		wantEntra(t, err, 401, 7000222)
	})
}
