package sandbox

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// raw sends a request through the tenant's client, for what the SDK will not send.
func (e *env) raw(method, u, token string, body string, hdr ...string) (int, http.Header, []byte) {
	e.t.Helper()
	req, err := http.NewRequestWithContext(ctx(e.t), method, u, strings.NewReader(body))
	must(e.t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := e.ten.HTTPClient().Do(req)
	must(e.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	must(e.t, err)
	return resp.StatusCode, resp.Header, b
}

func (e *env) rawErr(method, u, token, body string, hdr ...string) azErr {
	e.t.Helper()
	st, h, b := e.raw(method, u, token, body, hdr...)
	return decodeErr(e.t, st, h, b)
}

// tokenFor gets a token for scope with the given credential.
func (e *env) tokenFor(cred azcore.TokenCredential, scope string) string {
	e.t.Helper()
	tok, err := cred.GetToken(ctx(e.t), policy.TokenRequestOptions{Scopes: []string{scope}, EnableCAE: true})
	must(e.t, err)
	return tok.Token
}

func (e *env) armToken() string {
	return e.tokenFor(e.cred(), "https://management.core.windows.net//.default")
}

func (e *env) vaultToken() string { return e.tokenFor(e.cred(), "https://vault.azure.net/.default") }

func (e *env) tokenURL(tenant string) string {
	return e.info.AuthorityHost + tenant + "/oauth2/v2.0/token"
}

// postToken posts a token request form as MSAL would.
func (e *env) postToken(tenant string, form url.Values) azErr {
	e.t.Helper()
	return e.rawErr("POST", e.tokenURL(tenant), "", form.Encode(), "Content-Type", "application/x-www-form-urlencoded")
}

func (e *env) vaultURL(path string) string {
	return strings.TrimSuffix(e.info.VaultURLs[0], "/") + path
}

func (e *env) armURL(path string) string { return e.info.ARMEndpoint + path }

func wantRaw(t *testing.T, got azErr, status int, code, inner string) {
	t.Helper()
	if got.Status != status || got.Code != code || got.Inner != inner {
		t.Fatalf("want %d %s/%s, got %d %s/%s: %s", status, code, inner, got.Status, got.Code, got.Inner, got.Body)
	}
}
