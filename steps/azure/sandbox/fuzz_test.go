package sandbox

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// fuzzTenant is one Loopback tenant per fuzz target; the handlers are called directly,
// without TLS, so each input costs microseconds.
type fuzzTenant struct {
	ten              *Tenant
	info             Info
	armTok, vaultTok string
}

func newFuzzTenant(f *testing.F, scenario string) *fuzzTenant {
	ten, err := Start(Options{Wiring: Loopback, Scenario: scenario})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { ten.Close() })
	ft := &fuzzTenant{ten: ten, info: ten.Info()}
	ft.armTok = ft.issue(f, "https://management.core.windows.net//.default")
	ft.vaultTok = ft.issue(f, "https://vault.azure.net/.default")
	return ft
}

func (ft *fuzzTenant) issue(f *testing.F, scope string) string {
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {ft.info.ClientID},
		"client_secret": {ft.info.ClientSecret}, "scope": {scope}}
	req := httptest.NewRequest("POST", "/"+ft.info.TenantID+"/oauth2/v2.0/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	ft.ten.handler(svcEntra, "").ServeHTTP(rec, req)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &tok); err != nil || tok.AccessToken == "" {
		f.Fatalf("token: %d %s", rec.Code, rec.Body)
	}
	return tok.AccessToken
}

// serve builds a request from fuzzed parts; parts net/http itself would reject are skipped.
func (ft *fuzzTenant) serve(t *testing.T, svc service, method, path, rawQuery, body string, hdr http.Header) *httptest.ResponseRecorder {
	req, err := http.NewRequest(method, "https://127.0.0.1/", strings.NewReader(body))
	if err != nil {
		t.Skip()
	}
	req.URL.Path, req.URL.RawQuery, req.RequestURI = path, rawQuery, path
	req.Host = "127.0.0.1:1"
	for k, v := range hdr {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	ft.ten.handler(svc, practiceVault).ServeHTTP(rec, req)
	return rec
}

// checkShape fails unless the answer is a non-5xx and, when an error, Azure-shaped.
func checkShape(t *testing.T, svc service, rec *httptest.ResponseRecorder) {
	t.Helper()
	if rec.Code >= 500 {
		t.Fatalf("server error %d: %s", rec.Code, rec.Body)
	}
	if rec.Code < 400 {
		return
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("%d with a non-JSON body: %q", rec.Code, rec.Body)
	}
	var name string
	if svc == svcEntra && json.Unmarshal(doc["error"], &name) == nil {
		var codes []int
		if name == "" || json.Unmarshal(doc["error_codes"], &codes) != nil || len(codes) != 1 {
			t.Fatalf("Entra error without error/error_codes: %s", rec.Body)
		}
		return
	}
	var e struct{ Code, Message string }
	if err := json.Unmarshal(doc["error"], &e); err != nil || e.Code == "" || e.Message == "" {
		t.Fatalf("%d error without error.code/message: %s", rec.Code, rec.Body)
	}
}

func FuzzEntraRequests(f *testing.F) {
	ft := newFuzzTenant(f, "healthy")
	tid := ft.info.TenantID
	f.Add("POST", "/"+tid+"/oauth2/v2.0/token", "", "grant_type=client_credentials&client_id="+ft.info.ClientID+"&client_secret=x&scope=https%3A%2F%2Fvault.azure.net%2F.default", "application/x-www-form-urlencoded")
	f.Add("POST", "/"+tid+"/oauth2/token", "", "grant_type=client_credentials&client_id=a&resource=https://vault.azure.net", "application/x-www-form-urlencoded")
	f.Add("GET", "/"+tid+"/v2.0/.well-known/openid-configuration", "", "", "")
	f.Add("GET", "/contoso-practice.onmicrosoft.com/.well-known/openid-configuration", "", "", "")
	f.Add("GET", "/common/discovery/instance", "api-version=1.1&authorization_endpoint=https://login.microsoftonline.com/x/oauth2/v2.0/authorize", "", "")
	f.Add("GET", "/common/discovery/instance", "authorization_endpoint=%zz", "", "")
	f.Add("GET", "/organizations/discovery/v2.0/keys", "", "", "")
	f.Add("POST", "/bad tenant/oauth2/v2.0/token", "", "%%%", "text/plain")
	f.Add("POST", "/"+tid+"/oauth2/v2.0/token", "", "scope=a/.default+b/.default&grant_type=client_credentials&client_id=x", "application/x-www-form-urlencoded; charset=utf-8")
	f.Add("GET", "/", "", "", "")
	f.Add("DELETE", "/_sandbox/state", "", "", "")
	f.Fuzz(func(t *testing.T, method, path, query, body, ctype string) {
		rec := ft.serve(t, svcEntra, method, path, query, body, http.Header{"Content-Type": {ctype}})
		checkShape(t, svcEntra, rec)
		if strings.Contains(rec.Body.String(), ft.info.ClientSecret) {
			t.Fatal("a response echoes the client secret")
		}
	})
}

func FuzzARMRequests(f *testing.F) {
	ft := newFuzzTenant(f, "healthy")
	sub, rg := ft.info.SubscriptionID, ft.info.ResourceGroup
	for _, p := range []string{
		"/subscriptions", "/subscriptions/" + sub, "/subscriptions/" + sub + "/resourcegroups",
		"/subscriptions/" + sub + "/providers/Microsoft.KeyVault/vaults", "/subscriptions/" + sub + "/resources",
		ft.info.VaultID, ft.info.VaultID + "/providers/Microsoft.Authorization/permissions",
		"/subscriptions/" + sub + "/resourcegroups/" + rg + "/providers/Microsoft.KeyVault//vaults/" + practiceVault + "/providers/Microsoft.Authorization/permissions",
		"/providers/Microsoft.Authorization/permissions", "/subscriptions//resourceGroups/", "//", "/subscriptions/x/resourceGroups/y/providers/a/b/c/d/e",
	} {
		f.Add("GET", p, "api-version=2024-11-01", "Bearer "+ft.armTok)
	}
	f.Add("GET", "/subscriptions", "api-version=2022-12-01&$top=0&$skiptoken=-1", "Bearer "+ft.armTok)
	f.Add("GET", "/subscriptions/"+sub+"/resources", "api-version=2015-11-01&$filter=resourceType eq 'x", "Bearer "+ft.armTok)
	f.Add("GET", "/subscriptions", "api-version=", "")
	f.Add("PATCH", "/subscriptions", "api-version=2022-12-01", "Bearer "+ft.vaultTok)
	f.Add("GET", "/subscriptions", "api-version=2022-12-01", "Bearer a.b.c")
	f.Fuzz(func(t *testing.T, method, path, query, auth string) {
		rec := ft.serve(t, svcARM, method, path, query, "", http.Header{"Authorization": {auth}})
		checkShape(t, svcARM, rec)
	})
}

func FuzzVaultRequests(f *testing.F) {
	ft := newFuzzTenant(f, "healthy")
	auth := "Bearer " + ft.vaultTok
	f.Add("GET", "/secrets/Prod-VM-Admin-Pass/", "api-version=2026-04-01", "", auth)
	f.Add("PUT", "/secrets/new-one", "api-version=7.4", `{"value":"v","contentType":"text/plain","tags":{"a":null},"attributes":{"enabled":false,"exp":1}}`, auth)
	f.Add("PUT", "/secrets/new-one", "api-version=7.4", `{"value":5}`, auth)
	f.Add("PUT", "/secrets/bad_name", "api-version=7.4", `{}`, auth)
	f.Add("PATCH", "/secrets/Prod-VM-Admin-Pass/", "api-version=7.4", `{"attributes":{"enabled":"yes"}}`, auth)
	f.Add("GET", "/secrets", "api-version=7.4&maxresults=0", "", auth)
	f.Add("GET", "/secrets", "api-version=7.4&$skiptoken=zz", "", auth)
	f.Add("DELETE", "/secrets/Prod-VM-Admin-Pass", "api-version=7.4", "", auth)
	f.Add("POST", "/deletedsecrets/Prod-VM-Admin-Pass/recover", "api-version=7.4", "", auth)
	f.Add("DELETE", "/deletedsecrets/Prod-VM-Admin-Pass", "api-version=7.4", "", auth)
	f.Add("GET", "/secrets/a/b/c/d", "api-version=7.4", "", auth)
	f.Add("GET", "/keys", "api-version=7.4", "", auth)
	f.Add("GET", "/secrets", "api-version=7.4", "", "Bearer "+ft.armTok)
	f.Add("GET", "/secrets", "", "", "PoP x")
	f.Add("PUT", "/secrets/x", "api-version=7.4", strings.Repeat("[", 1000), auth)
	f.Fuzz(func(t *testing.T, method, path, query, body, auth string) {
		rec := ft.serve(t, svcVault, method, path, query, body, http.Header{"Authorization": {auth}, "Content-Type": {"application/json"}})
		checkShape(t, svcVault, rec)
	})
}

// FuzzTokens sends arbitrary bearer tokens, including mangled real ones, to ARM and
// Key Vault: every one must be refused with a 401 in the service's shape, or accepted.
func FuzzTokens(f *testing.F) {
	ft := newFuzzTenant(f, "healthy")
	for _, tok := range []string{ft.armTok, ft.vaultTok, "", "a.b.c", "....", "eyJhbGciOiJub25lIn0.e30.", ft.armTok + "x", strings.Replace(ft.vaultTok, ".", "..", 1)} {
		f.Add(tok)
	}
	f.Fuzz(func(t *testing.T, tok string) {
		for _, svc := range []service{svcARM, svcVault} {
			path, q := "/subscriptions", "api-version=2022-12-01"
			if svc == svcVault {
				path, q = "/secrets", "api-version=7.4"
			}
			rec := ft.serve(t, svc, "GET", path, q, "", http.Header{"Authorization": {"Bearer " + tok}})
			checkShape(t, svc, rec)
			if rec.Code != 200 && rec.Code != 401 {
				t.Fatalf("%s: token %q got %d", svc, tok, rec.Code)
			}
		}
	})
}

// FuzzAdminBodies feeds the admin API arbitrary JSON.
func FuzzAdminBodies(f *testing.F) {
	ft := newFuzzTenant(f, "no-role")
	for _, s := range []string{
		`{"clientId":"` + ft.info.ClientID + `","role":"Reader","scope":"vault"}`, `{"on":true}`, `{"delay":"-1s"}`,
		`{"lifetime":"99999h","clientId":"` + ft.info.ClientID + `"}`, `{"secrets":["get"],"clientId":"x"}`, `[]`, `null`, `{"tags":{"a":1}}`,
	} {
		for _, a := range []string{"assign-role", "set-firewall", "set-propagation-delay", "add-client-secret", "add-access-policy", "set-vault-secret"} {
			f.Add(a, s)
		}
	}
	f.Fuzz(func(t *testing.T, action, body string) {
		rec := ft.serve(t, svcEntra, "POST", adminPrefix+"/"+action, "", body, http.Header{"X-Sandbox-Admin-Key": {ft.info.AdminKey}})
		checkShape(t, svcARM, rec)
	})
}
