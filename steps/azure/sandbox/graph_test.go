package sandbox

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

const graphScope = "https://graph.microsoft.com/.default"

// graphGet asks Graph for the app's passwordCredentials exactly as kvbridge's
// credential.expiry does: an azcore pipeline with a bearer policy for Graph's scope.
func (e *env) graphGet(cred azcore.TokenCredential, clientID string) (*http.Response, []byte) {
	e.t.Helper()
	pl := runtime.NewPipeline("kvbridge", "v1", runtime.PipelineOptions{
		PerRetry: []policy.Policy{runtime.NewBearerTokenPolicy(cred, []string{graphScope}, nil)},
	}, &e.opts)
	req, err := runtime.NewRequest(ctx(e.t), http.MethodGet, e.info.GraphEndpoint+"/v1.0/applications(appId='"+url.PathEscape(clientID)+"')?$select=passwordCredentials")
	must(e.t, err)
	resp, err := pl.Do(req)
	must(e.t, err)
	body, err := runtime.Payload(resp)
	must(e.t, err)
	return resp, body
}

func tokenClaims(t *testing.T, raw string) map[string]any {
	t.Helper()
	parts := strings.Split(raw, ".")
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	must(t, err)
	var c map[string]any
	must(t, json.Unmarshal(b, &c))
	return c
}

func TestGraphPasswordCredentials(t *testing.T) {
	forWirings(t, func(t *testing.T, w Wiring) {
		e := start(t, w, "healthy")
		if w == Hostnames && e.info.GraphEndpoint != "https://graph.microsoft.com" {
			t.Fatalf("GraphEndpoint = %q", e.info.GraphEndpoint)
		}
		c := tokenClaims(t, e.tokenFor(e.cred(), graphScope))
		if c["aud"] != "https://graph.microsoft.com" || c["roles"] == nil || c["roles"].([]any)[0] != "Application.Read.All" {
			t.Fatalf("Graph token claims aud=%v roles=%v", c["aud"], c["roles"])
		}
		if arm := tokenClaims(t, e.armToken()); arm["roles"] != nil {
			t.Errorf("an ARM token carries Graph roles: %v", arm["roles"])
		}

		resp, body := e.graphGet(e.cred(), e.info.ClientID)
		if resp.StatusCode != 200 || resp.Header.Get("request-id") == "" {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
		var got struct {
			Context string           `json:"@odata.context"`
			Creds   []map[string]any `json:"passwordCredentials"`
		}
		must(t, json.Unmarshal(body, &got))
		if len(got.Creds) != 1 || !strings.HasSuffix(got.Context, "#applications(passwordCredentials)/$entity") {
			t.Fatalf("body %s", body)
		}
		pc := got.Creds[0]
		end, err := time.Parse(time.RFC3339, pc["endDateTime"].(string))
		must(t, err)
		if pc["keyId"] != e.info.ClientSecretID || pc["hint"] != e.info.ClientSecret[:3] || pc["secretText"] != nil ||
			end.Sub(e.clock.Now()) != 180*24*time.Hour {
			t.Errorf("credential %v (now %v)", pc, e.clock.Now())
		}
		if strings.Contains(string(body), e.info.ClientSecret) {
			t.Fatal("Graph returned the secret's value")
		}
		if _, ok := got.Creds[0]["displayName"]; !ok || len(got.Creds[0]) != 7 {
			t.Errorf("passwordCredential properties: %v", got.Creds[0])
		}
	})
}

func TestGraphWithoutPermission(t *testing.T) {
	forWirings(t, func(t *testing.T, w Wiring) {
		e := start(t, w, "healthy")
		before := e.cred() // its Graph token is issued before the revoke
		if resp, _ := e.graphGet(before, e.info.ClientID); resp.StatusCode != 200 {
			t.Fatalf("before revoke: %d", resp.StatusCode)
		}
		must(t, e.ten.RevokeGraphPermission(e.info.ClientID, "application.read.all"))

		resp, body := e.graphGet(e.cred(), e.info.ClientID) // a new credential: a new token
		got := decodeErr(t, resp.StatusCode, resp.Header, body)
		if got.Status != 403 || got.Code != "Authorization_RequestDenied" || got.Message != "Insufficient privileges to complete the operation." {
			t.Fatalf("want 403 Authorization_RequestDenied, got %d %s", got.Status, body)
		}
		var env struct {
			Error struct {
				InnerError map[string]string `json:"innerError"`
			} `json:"error"`
		}
		must(t, json.Unmarshal(body, &env))
		ie := env.Error.InnerError
		if ie["date"] == "" || !isGUID(ie["request-id"]) || ie["request-id"] != resp.Header.Get("request-id") || ie["client-request-id"] == "" {
			t.Errorf("innerError %v", ie)
		}
		// Graph trusts the token: one issued before the revoke keeps its role until it expires.
		if resp, _ := e.graphGet(before, e.info.ClientID); resp.StatusCode != 200 {
			t.Errorf("a token issued before the revoke: %d, want 200 until it expires", resp.StatusCode)
		}
		// Granting it again works for the next token.
		must(t, e.ten.GrantGraphPermission(e.info.ClientID, "Application.Read.All"))
		if resp, _ := e.graphGet(e.cred(), e.info.ClientID); resp.StatusCode != 200 {
			t.Errorf("after grant: %d", resp.StatusCode)
		}
		// OwnedBy is not enough: a practice app owns no app, not even itself.
		must(t, e.ten.RevokeGraphPermission(e.info.ClientID, "Application.Read.All"))
		must(t, e.ten.GrantGraphPermission(e.info.ClientID, "Application.ReadWrite.OwnedBy"))
		if resp, _ := e.graphGet(e.cred(), e.info.ClientID); resp.StatusCode != 403 {
			t.Errorf("OwnedBy: %d, want 403", resp.StatusCode)
		}
		if err := e.ten.GrantGraphPermission(e.info.ClientID, "User.Read"); err == nil {
			t.Error("an unknown permission was granted")
		}
	})
}

func TestGraphRefusals(t *testing.T) {
	forWirings(t, func(t *testing.T, w Wiring) {
		e := start(t, w, "healthy")
		g := e.info.GraphEndpoint
		tok := e.tokenFor(e.cred(), graphScope)
		app := "/v1.0/applications(appId='" + e.info.ClientID + "')"
		wantRaw(t, e.rawErr("GET", g+app, "", ""), 401, "InvalidAuthenticationToken", "")
		wantRaw(t, e.rawErr("GET", g+app, e.armToken(), ""), 401, "InvalidAuthenticationToken", "")
		wantRaw(t, e.rawErr("GET", g+"/v1.0/applications(appId='"+newGUID()+"')", tok, ""), 404, "Request_ResourceNotFound", "")
		wantRaw(t, e.rawErr("GET", g+app+"?$select=passwordCredentials,secretSauce", tok, ""), 400, "Request_BadRequest", "")
		wantRaw(t, e.rawErr("PATCH", g+app, tok, "{}"), 405, "Request_BadRequest", "")
		wantRaw(t, e.rawErr("GET", g+"/v2/applications", tok, ""), 400, "BadRequest", "")
		// By object ID, without $select: the whole entity.
		e.ten.mu.Lock()
		_, a := e.ten.m.appAnywhere(e.info.ClientID)
		oid := a.ObjectID
		e.ten.mu.Unlock()
		st, _, body := e.raw("GET", g+"/v1.0/applications/"+oid, tok, "")
		if st != 200 || !strings.Contains(string(body), `"appId":"`+e.info.ClientID+`"`) {
			t.Errorf("by object ID: %d %s", st, body)
		}
		// An expired token.
		e.clock.Advance(2 * time.Hour)
		wantRaw(t, e.rawErr("GET", g+app, tok, ""), 401, "InvalidAuthenticationToken", "")
	})
}
