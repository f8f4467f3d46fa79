package sandbox

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// The requests the Azure CLI (2.45) and the Python SDK (azure-identity, azure-mgmt-keyvault,
// azure-mgmt-authorization, azure-keyvault-secrets) send, with their exact paths and
// queries, as `make clients` recorded them against sandbox serve (loopback wiring, the
// clients going through the tenant's HTTPS proxy as HTTPS_PROXY). The real clients run
// behind that make target; this keeps the tenant's side of it in go test.

func (e *env) getJSON(u, token string, want int, into any) {
	e.t.Helper()
	st, _, b := e.raw("GET", u, token, "")
	if st != want {
		e.t.Fatalf("GET %s: %d, want %d: %s", u, st, want, b)
	}
	if into != nil {
		if err := json.Unmarshal(b, into); err != nil {
			e.t.Fatalf("GET %s: %v: %s", u, err, b)
		}
	}
}

func TestARMMetadataEndpointsWithoutToken(t *testing.T) {
	forWirings(t, func(t *testing.T, w Wiring) {
		e := start(t, w, "healthy")
		// az cloud register --endpoint-resource-manager URL: no token yet.
		var old struct {
			Authentication struct {
				LoginEndpoint string   `json:"loginEndpoint"`
				Audiences     []string `json:"audiences"`
			} `json:"authentication"`
			GraphEndpoint string `json:"graphEndpoint"`
		}
		e.getJSON(e.armURL("/metadata/endpoints?api-version=2015-01-01"), "", 200, &old)
		if old.Authentication.LoginEndpoint != e.info.AuthorityHost || old.Authentication.Audiences[0] != "https://management.core.windows.net/" || old.GraphEndpoint == "" {
			t.Fatalf("2015-01-01 metadata %+v", old)
		}
		var clouds []struct {
			Name, ResourceManager, MicrosoftGraphResourceID string
			Suffixes                                        map[string]string
		}
		e.getJSON(e.armURL("/metadata/endpoints?api-version=2022-09-01"), "", 200, &clouds)
		if len(clouds) != 1 || clouds[0].ResourceManager != e.info.ARMEndpoint+"/" ||
			clouds[0].MicrosoftGraphResourceID != e.info.GraphEndpoint+"/" || clouds[0].Suffixes["keyVaultDns"] != "vault.azure.net" {
			t.Fatalf("2022-09-01 metadata %+v", clouds)
		}
		// Everything else on ARM still needs a token.
		wantRaw(t, e.rawErr("GET", e.armURL("/subscriptions?api-version=2022-12-01"), "", ""), 401, "AuthenticationFailed", "")
	})
}

func TestInstanceDiscoveryKnowsOnlyTheTenantsHosts(t *testing.T) {
	forWirings(t, func(t *testing.T, w Wiring) {
		e := start(t, w, "healthy")
		disc := func(authz string) string {
			return e.info.AuthorityHost + "common/discovery/instance?api-version=1.0&authorization_endpoint=" + url.QueryEscape(authz)
		}
		// MSAL for Python names a loopback authority by hostname, without its port.
		own := strings.TrimSuffix(strings.TrimPrefix(e.info.AuthorityHost, "https://"), "/")
		if h, _, ok := strings.Cut(own, ":"); ok {
			own = h
		}
		var doc struct {
			TenantDiscoveryEndpoint string `json:"tenant_discovery_endpoint"`
			Metadata                []struct {
				Aliases []string `json:"aliases"`
			} `json:"metadata"`
		}
		e.getJSON(disc("https://"+own+"/"+e.info.TenantID+"/oauth2/v2.0/authorize"), "", 200, &doc)
		if doc.TenantDiscoveryEndpoint != e.info.AuthorityHost+e.info.TenantID+"/v2.0/.well-known/openid-configuration" {
			t.Fatalf("tenant_discovery_endpoint %q should name the tenant's real address", doc.TenantDiscoveryEndpoint)
		}
		// The discovery document it points at answers.
		e.getJSON(doc.TenantDiscoveryEndpoint, "", 200, nil)
		// Microsoft's own host is known too (MSAL for Go asks it in the hostnames wiring).
		e.getJSON(disc("https://login.microsoftonline.com/"+e.info.TenantID+"/oauth2/v2.0/authorize"), "", 200, &doc)
		if !slices.Contains(doc.Metadata[0].Aliases, "login.windows.net") {
			t.Fatalf("public metadata %+v", doc.Metadata)
		}
		// A host the tenant is not: Entra's invalid_instance.
		for _, h := range []string{"https://login.contoso-evil.example/common/oauth2/v2.0/authorize", "https://10.0.0.1/x/oauth2/v2.0/authorize", ""} {
			got := e.rawErr("GET", disc(h), "", "")
			if got.Status != 400 || got.Code != "invalid_instance" || !slices.Equal(got.EntraCodes, []int{50049}) {
				t.Fatalf("%q: %+v", h, got)
			}
		}
		// And azidentity still signs in (it asks discovery in the hostnames wiring).
		e.armToken()
	})
}

func TestKeyVaultListManagedHSMs(t *testing.T) {
	e := start(t, Loopback, "healthy")
	var list struct {
		Value []any `json:"value"`
	}
	e.getJSON(e.armURL("/subscriptions/"+e.info.SubscriptionID+"/providers/Microsoft.KeyVault/managedHSMs?api-version=2022-07-01"), e.armToken(), 200, &list)
	if list.Value == nil || len(list.Value) != 0 {
		t.Fatalf("managedHSMs = %+v, want an empty list", list)
	}
	// The vault list az keyvault list sends (generic resources, 2015-11-01).
	var vaults struct {
		Value []struct{ Name string } `json:"value"`
	}
	e.getJSON(e.armURL("/subscriptions/"+e.info.SubscriptionID+"/resources?$filter="+url.QueryEscape("resourceType eq 'Microsoft.KeyVault/vaults'")+"&api-version=2015-11-01"), e.armToken(), 200, &vaults)
	if len(vaults.Value) != 2 || vaults.Value[0].Name != e.info.VaultName || vaults.Value[1].Name != readableVault {
		t.Fatalf("vaults %+v", vaults)
	}
	no := start(t, Loopback, "no-role")
	wantRaw(t, no.rawErr("GET", no.armURL("/subscriptions/"+no.info.SubscriptionID+"/providers/Microsoft.KeyVault/managedHSMs?api-version=2022-07-01"), no.armToken(), ""), 403, "AuthorizationFailed", "")
}

type raList struct {
	Value []struct {
		ID, Name, Type string
		Properties     struct {
			RoleDefinitionID, PrincipalID, PrincipalType, Scope string
		}
	}
	NextLink string
}

func TestRoleAssignmentListsFromTheRoleModel(t *testing.T) {
	e := startOpts(t, Options{Scenario: "healthy", Wiring: Loopback, PageSize: 2})
	tok := e.armToken()
	oid := tokenClaims(t, tok)["oid"].(string)
	sub := "/subscriptions/" + e.info.SubscriptionID
	// az role assignment list --assignee APPID: principalId eq at the subscription, paged.
	u := e.armURL(sub + "/providers/Microsoft.Authorization/roleAssignments?$filter=" + url.QueryEscape("principalId eq '"+oid+"'") + "&api-version=2022-04-01")
	var roles []string
	pages := 0
	for u != "" {
		var page raList
		e.getJSON(u, tok, 200, &page)
		pages++
		for _, a := range page.Value {
			if a.Properties.PrincipalID != oid || a.Properties.PrincipalType != "ServicePrincipal" || a.Type != "Microsoft.Authorization/roleAssignments" ||
				a.ID != a.Properties.Scope+"/providers/Microsoft.Authorization/roleAssignments/"+a.Name ||
				!strings.HasPrefix(a.Properties.RoleDefinitionID, sub+"/providers/Microsoft.Authorization/roleDefinitions/") {
				t.Fatalf("assignment shape %+v", a)
			}
			rd := roleByID(a.Properties.RoleDefinitionID)
			roles = append(roles, rd.Name+"@"+a.Properties.Scope[strings.LastIndex(a.Properties.Scope, "/")+1:])
		}
		u = page.NextLink
	}
	slices.Sort(roles)
	want := []string{"Key Vault Secrets Officer@" + e.info.VaultName, "Reader@" + e.info.VaultName, "Reader@" + readableVault}
	if !slices.Equal(roles, want) || pages != 2 {
		t.Fatalf("assignments %v in %d pages, want %v in 2", roles, pages, want)
	}
	// The SDK's list_for_scope(vault, filter="atScope()"): those at the vault (and above).
	var at raList
	e.getJSON(e.armURL(e.info.VaultID+"/providers/Microsoft.Authorization/roleAssignments?$filter=atScope()&api-version=2022-04-01"), tok, 200, &at)
	if len(at.Value) != 2 || at.NextLink != "" {
		t.Fatalf("atScope() at the vault: %+v", at)
	}
	// A role at the subscription applies at the vault, so atScope() shows it too.
	must(t, e.ten.AssignRole(e.info.ClientID, "Key Vault Reader", "subscription"))
	n := 0
	for u := e.armURL(e.info.VaultID + "/providers/Microsoft.Authorization/roleAssignments?$filter=atScope()&api-version=2022-04-01"); u != ""; u = at.NextLink {
		at = raList{}
		e.getJSON(u, tok, 200, &at)
		n += len(at.Value)
	}
	if n != 3 {
		t.Fatalf("atScope() after a subscription role: %d assignments, want 3", n)
	}
	// ARM refuses atScope() with principalId eq; az works around it, so must a client.
	wantRaw(t, e.rawErr("GET", e.armURL(sub+"/providers/Microsoft.Authorization/roleAssignments?$filter="+url.QueryEscape("atScope() and principalId eq '"+oid+"'")+"&api-version=2022-04-01"), tok, ""), 400, "UnsupportedQuery", "")
	// az names the roles from the definitions list.
	var defs struct {
		Value []struct {
			Name       string
			Properties struct{ RoleName, Type string }
		}
	}
	e.getJSON(e.armURL(sub+"/providers/Microsoft.Authorization/roleDefinitions?$filter="+url.QueryEscape("roleName eq 'Reader'")+"&api-version=2022-04-01"), tok, 200, &defs)
	if len(defs.Value) != 1 || defs.Value[0].Name != "acdd72a7-3385-48ef-bd42-f606fba81ae7" || defs.Value[0].Properties.Type != "BuiltInRole" {
		t.Fatalf("Reader definition %+v", defs)
	}
	// A Secrets User alone may not read role assignments.
	su := start(t, Loopback, "no-role")
	must(t, su.ten.AssignRole(su.info.ClientID, "Key Vault Secrets User", "vault"))
	wantRaw(t, su.rawErr("GET", su.armURL(su.info.VaultID+"/providers/Microsoft.Authorization/roleAssignments?$filter=atScope()&api-version=2022-04-01"), su.armToken(), ""), 403, "AuthorizationFailed", "")
}

func TestGraphFiltersAsTheCLISendsThem(t *testing.T) {
	forWirings(t, func(t *testing.T, w Wiring) {
		e := start(t, w, "healthy")
		tok := e.tokenFor(e.cred(), graphScope)
		oid := tokenClaims(t, e.armToken())["oid"].(string)
		g := func(p string) string { return e.info.GraphEndpoint + p }
		type list struct {
			Context string `json:"@odata.context"`
			Value   []struct {
				ID, AppID, DisplayName string
				ServicePrincipalNames  []string
			}
		}
		// az ad app show --id APPID
		var apps list
		e.getJSON(g("/v1.0/applications?$filter="+url.QueryEscape("appId eq '"+e.info.ClientID+"'")), tok, 200, &apps)
		if len(apps.Value) != 1 || apps.Value[0].AppID != e.info.ClientID || !strings.HasSuffix(apps.Context, "/v1.0/$metadata#applications") {
			t.Fatalf("applications filter: %+v", apps)
		}
		e.getJSON(g("/v1.0/applications/"+apps.Value[0].ID), tok, 200, nil)
		// az ad sp show --id APPID, and --assignee
		var sps list
		e.getJSON(g("/v1.0/servicePrincipals?$filter="+url.QueryEscape("servicePrincipalNames/any(c:c eq '"+e.info.ClientID+"')")), tok, 200, &sps)
		if len(sps.Value) != 1 || sps.Value[0].ID != oid || !slices.Equal(sps.Value[0].ServicePrincipalNames, []string{e.info.ClientID}) {
			t.Fatalf("servicePrincipals filter: %+v (oid %s)", sps, oid)
		}
		e.getJSON(g("/v1.0/servicePrincipals/"+oid), tok, 200, nil)
		e.getJSON(g("/v1.0/servicePrincipals?$filter="+url.QueryEscape("servicePrincipalNames/any(c:c eq '"+newGUID()+"')")), tok, 200, &sps)
		if len(sps.Value) != 0 {
			t.Fatalf("an unknown appId matched %+v", sps)
		}
		// az role assignment list names principals through getByIds.
		st, _, b := e.raw("POST", g("/v1.0/directoryObjects/getByIds"), tok, `{"ids":["`+oid+`"],"types":["user","group","servicePrincipal","directoryObjectPartnerReference"]}`, "Content-Type", "application/json")
		if st != 200 || !strings.Contains(string(b), `"@odata.type":"#microsoft.graph.servicePrincipal"`) || !strings.Contains(string(b), oid) {
			t.Fatalf("getByIds %d %s", st, b)
		}
		// Unknown segments and filters: Graph's own answers.
		got := e.rawErr("GET", g("/v1.0/users"), tok, "")
		if got.Status != 400 || got.Code != "BadRequest" || got.Message != "Resource not found for the segment 'users'." {
			t.Fatalf("unknown segment: %+v", got)
		}
		got = e.rawErr("GET", g("/v1.0/applications?$filter="+url.QueryEscape("startswith(displayName,'x')")), tok, "")
		if got.Status != 400 || got.Code != "Request_UnsupportedQuery" {
			t.Fatalf("unsupported filter: %+v", got)
		}
	})
}

func TestGraphOwnURLIsAGraphResource(t *testing.T) {
	// A registered cloud names Graph by its URL (az: microsoftGraphResourceId), so the
	// token's audience is the tenant's Graph URL, which Graph accepts.
	e := start(t, Loopback, "healthy")
	tok := e.tokenFor(e.cred(), e.info.GraphEndpoint+"//.default")
	if c := tokenClaims(t, tok); c["aud"] != e.info.GraphEndpoint+"/" || c["roles"] == nil {
		t.Fatalf("claims %v", c)
	}
	e.getJSON(e.info.GraphEndpoint+"/v1.0/applications(appId='"+e.info.ClientID+"')", tok, 200, nil)
}

func TestProxyTunnelsOnlyToTheTenant(t *testing.T) {
	e := start(t, Loopback, "healthy")
	p, err := e.ten.StartProxy()
	must(t, err)
	pu, _ := url.Parse(p)
	tr := &http.Transport{Proxy: http.ProxyURL(pu), TLSClientConfig: &tls.Config{RootCAs: e.ten.pki.pool}}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	get := func(u string) (int, string) {
		req, _ := http.NewRequestWithContext(context.Background(), "GET", u, nil)
		resp, err := c.Do(req)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	// MSAL for Python's discovery call for a loopback authority goes to Microsoft's host.
	own := strings.Split(strings.TrimPrefix(e.info.AuthorityHost, "https://"), ":")[0]
	st, body := get("https://login.microsoftonline.com/common/discovery/instance?api-version=1.0&authorization_endpoint=" + url.QueryEscape("https://"+own+"/"+e.info.TenantID+"/oauth2/v2.0/authorize"))
	if st != 200 || !strings.Contains(body, e.info.AuthorityHost+e.info.TenantID) {
		t.Fatalf("discovery through the proxy: %d %s", st, body)
	}
	// A vault by its Azure name reaches its listener (challenge, 401).
	if st, _ := get("https://" + e.info.VaultName + ".vault.azure.net/secrets?api-version=7.4"); st != 401 {
		t.Fatalf("vault by name through the proxy: %d", st)
	}
	// The tenant's own addresses pass (NO_PROXY unset), anything else is refused.
	if st, _ := get(e.info.ARMEndpoint + "/metadata/endpoints?api-version=2015-01-01"); st != 200 {
		t.Fatalf("own address through the proxy: %d", st)
	}
	for _, u := range []string{"https://example.com/", "https://kv-nope.vault.azure.net/", "https://login.microsoftonline.com:8443/"} {
		if st, msg := get(u); st != 0 || !strings.Contains(msg, "Forbidden") {
			t.Fatalf("%s: %d %s, want the tunnel refused", u, st, msg)
		}
	}
}
