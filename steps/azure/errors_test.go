package azure

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

func response(status int, body string, hdr map[string]string) *http.Response {
	r := &http.Response{StatusCode: status, Status: fmt.Sprintf("%d %s", status, http.StatusText(status)),
		Header: http.Header{}, Body: io.NopCloser(bytes.NewBufferString(body))}
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	r.Request, _ = http.NewRequest(http.MethodGet, "https://example.invalid/", nil)
	return r
}

func entraBodyFor(code int, errName, desc string) string {
	return fmt.Sprintf(`{"error":%q,"error_description":"AADSTS%d: %s\r\nTrace ID: 0b9f4c2e-1111-2222-3333-444455556666\r\nCorrelation ID: c0ffee00-0000-0000-0000-000000000000\r\nTimestamp: 2026-01-01 00:00:00Z","error_codes":[%d],"timestamp":"2026-01-01 00:00:00Z","trace_id":"0b9f4c2e-1111-2222-3333-444455556666","correlation_id":"c0ffee00-0000-0000-0000-000000000000","error_uri":"https://login.microsoftonline.com/error?code=%d"}`,
		errName, code, desc, code, code)
}

func TestDecodeEntraEveryCatalogueCode(t *testing.T) {
	cases := []struct {
		code   int
		status int
		err    string
		cause  string
	}{
		{90002, 400, "invalid_tenant", "tenant-not-found"},
		{900023, 400, "invalid_request", "tenant-not-found"},
		{90038, 400, "invalid_request", "tenant-not-found"},
		{700016, 400, "unauthorized_client", "app-not-found"},
		{7000215, 401, "invalid_client", "secret-invalid"},
		{7000222, 401, "invalid_client", "secret-expired"},
		{53003, 400, "access_denied", "blocked-by-policy"},
		{7000112, 401, "unauthorized_client", "app-disabled"},
	}
	for _, c := range cases {
		t.Run(fmt.Sprint(c.code), func(t *testing.T) {
			afe := &azidentity.AuthenticationFailedError{RawResponse: response(c.status, entraBodyFor(c.code, c.err, "Something."), nil)}
			err := fmt.Errorf("wrapped: %w", afe)
			d := decodeError(context.Background(), err)
			if d.Kind != KindEntra || d.AADSTS != c.code || d.HTTPStatus != c.status || d.EntraError != c.err {
				t.Fatalf("decoded %+v", d)
			}
			if d.TraceID != "0b9f4c2e-1111-2222-3333-444455556666" || d.CorrelationID == "" {
				t.Errorf("trace %q correlation %q", d.TraceID, d.CorrelationID)
			}
			if got, _ := entraCause(d.AADSTS); got != c.cause {
				t.Errorf("cause %q, want %q", got, c.cause)
			}
			if strings.Contains(d.Message, "Trace ID") {
				t.Errorf("message keeps only the first line: %q", d.Message)
			}
		})
	}
	// Codes only in the description still decode.
	afe := &azidentity.AuthenticationFailedError{RawResponse: response(401, `{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."}`, nil)}
	if d := decodeError(context.Background(), afe); d.AADSTS != 7000215 {
		t.Errorf("AADSTS from description: %+v", d)
	}
}

func TestDecodeNoEntraAnswer(t *testing.T) {
	// A nil RawResponse means no Entra answer: network, not a refusal.
	d := decodeError(context.Background(), &azidentity.AuthenticationFailedError{})
	if d.Kind != KindNetwork {
		t.Errorf("nil RawResponse: %+v", d)
	}
	untrusted := fmt.Errorf("Get \"https://login.microsoftonline.com/x\": tls: failed to verify certificate: %w", x509.UnknownAuthorityError{})
	if d := decodeError(context.Background(), untrusted); d.Kind != KindNetwork || !d.Untrusted || !strings.Contains(d.Message, "--ca-file") {
		t.Errorf("untrusted: %+v", d)
	}
	if d := decodeError(context.Background(), errors.New("dial tcp 127.0.0.1:1: connect: connection refused")); d.Kind != KindNetwork {
		t.Errorf("refused: %+v", d)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Nanosecond)
	defer cancel()
	<-ctx.Done()
	if d := decodeError(ctx, &azidentity.AuthenticationFailedError{}); d.Kind != KindTimeout {
		t.Errorf("expired context: %+v", d)
	}
	other := errors.New(`ClientSecretCredential isn't configured to acquire tokens for tenant "11111111-2222-3333-4444-555555555555". To enable acquiring tokens for this tenant add it to the AdditionallyAllowedTenants`)
	if d := decodeError(context.Background(), other); d.Kind != KindWrongTenant || d.RequestedTenant != "11111111-2222-3333-4444-555555555555" {
		t.Errorf("other tenant: %+v", d)
	}
}

func kvErr(status int, code, inner, msg string) error {
	body := fmt.Sprintf(`{"error":{"code":%q,"message":%q`, code, msg)
	if inner != "" {
		body += fmt.Sprintf(`,"innererror":{"code":%q}`, inner)
	}
	body += "}}"
	return &azcore.ResponseError{StatusCode: status, ErrorCode: code, RawResponse: response(status, body, map[string]string{"x-ms-request-id": "req-1"})}
}

func TestDecodeKeyVaultInnerErrors(t *testing.T) {
	cases := []struct {
		inner, cause string
		msg          string
	}{
		{"ForbiddenByRbac", "forbidden-by-rbac", "Caller is not authorized to perform action on resource.\r\nIf role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\nCaller: appid=a;oid=b;iss=https://sts.windows.net/t/\r\nAction: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'\r\nResource: '/subscriptions/s/resourcegroups/rg/providers/microsoft.keyvault/vaults/kv/secrets/x'\r\nAssignment: (not found)\r\nVault: kv;location=westeurope"},
		{"ForbiddenByPolicy", "forbidden-by-access-policy", "The user, group or application 'appid=a;oid=b' does not have secrets list permission on key vault 'kv;location=westeurope'."},
		{"AccessDenied", "forbidden-by-access-policy", "Access denied."},
		{"ForbiddenByFirewall", "forbidden-by-firewall", "Client address is not authorized and caller is not a trusted service.\r\nClient address: 203.0.113.7\r\nCaller: appid=a\r\nVault: kv;location=westeurope"},
		{"ForbiddenByConnection", "forbidden-by-connection", "Connection is not an approved private link and caller was ignored because bypass is not set to 'AzureServices' and PublicNetworkAccess is set to 'Disabled'."},
	}
	for _, c := range cases {
		d := decodeError(context.Background(), fmt.Errorf("x: %w", kvErr(403, "Forbidden", c.inner, c.msg)))
		if d.Kind != KindService || d.HTTPStatus != 403 || d.Code != "Forbidden" || d.InnerCode != c.inner || d.RequestID != "req-1" {
			t.Errorf("%s: %+v", c.inner, d)
		}
		if got := kvForbiddenCause(d.InnerCode); got != c.cause {
			t.Errorf("%s: cause %q, want %q", c.inner, got, c.cause)
		}
		switch c.inner {
		case "ForbiddenByRbac":
			if d.Action != "Microsoft.KeyVault/vaults/secrets/getSecret/action" || !strings.HasSuffix(d.Scope, "/secrets/x") {
				t.Errorf("rbac action/scope: %q %q", d.Action, d.Scope)
			}
		case "ForbiddenByFirewall":
			if d.ClientIP != "203.0.113.7" {
				t.Errorf("client IP %q", d.ClientIP)
			}
		}
	}
	d := decodeError(context.Background(), kvErr(409, "Conflict", "ObjectIsDeletedButRecoverable", "Secret x is currently in a deleted but recoverable state"))
	if d.InnerCode != "ObjectIsDeletedButRecoverable" || d.HTTPStatus != 409 {
		t.Errorf("conflict: %+v", d)
	}
	d = decodeError(context.Background(), kvErr(403, "Forbidden", "SecretDisabled", "Operation get is not allowed on a disabled secret."))
	if d.InnerCode != "SecretDisabled" {
		t.Errorf("disabled: %+v", d)
	}
}

func TestDecodeARMAuthorizationFailed(t *testing.T) {
	msg := "The client 'a' with object id 'b' does not have authorization to perform action 'Microsoft.KeyVault/vaults/read' over scope '/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv' or the scope is invalid. If access was recently granted, please refresh your credentials."
	err := &azcore.ResponseError{StatusCode: 403, ErrorCode: "AuthorizationFailed",
		RawResponse: response(403, fmt.Sprintf(`{"error":{"code":"AuthorizationFailed","message":%q}}`, msg), map[string]string{"x-ms-correlation-request-id": "corr-1"})}
	d := decodeError(context.Background(), err)
	if d.Code != "AuthorizationFailed" || d.Action != "Microsoft.KeyVault/vaults/read" || d.Scope != "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv" || d.RequestID != "corr-1" {
		t.Errorf("%+v", d)
	}
}

func TestInputChecks(t *testing.T) {
	cases := []struct {
		fn     func(string) InputProblem
		in     string
		cause  string
		status Status
	}{
		{CheckTenantID, "72f988bf-86f1-41af-91ab-2d7cd011db47", "", ""},
		{CheckTenantID, "contoso.onmicrosoft.com", "", ""},
		{CheckTenantID, "", "malformed", StatusFail},
		{CheckTenantID, "contoso", "malformed", StatusFail},
		{CheckTenantID, "not a tenant", "malformed", StatusFail},
		{CheckTenantID, " contoso.onmicrosoft.com ", "malformed", StatusWarn},
		{CheckClientID, "00000000-0000-0000-0000-000000000001", "", ""},
		{CheckClientID, "Delinea sync", "malformed", StatusFail},
		{CheckClientID, "", "malformed", StatusFail},
		{CheckClientSecret, "", "empty", StatusFail},
		{CheckClientSecret, "   ", "empty", StatusFail},
		{CheckClientSecret, "2f1c8a61-7b0e-4c55-9d7e-0a7c9c1b2e33", "looks-like-secret-id", StatusFail},
		{CheckClientSecret, "abc8Q~defghijklmnopqrstuvwxyz0123456789", "", ""},
		{CheckClientSecret, "abc8Q~defghijklmnopqrstuvwxyz0123456789\n", "whitespace", StatusWarn},
		{CheckClientSecret, "abc8Q~defghij klmnop", "whitespace", StatusFail},
		{CheckSecretName, "Prod-VM-Admin-Pass", "", ""},
		{CheckSecretName, "", "invalid-name", StatusFail},
		{CheckSecretName, "prod_vm", "invalid-name", StatusFail},
		{CheckSecretName, "prod vm", "invalid-name", StatusFail},
		{CheckSecretName, strings.Repeat("a", 127), "", ""},
		{CheckSecretName, strings.Repeat("a", 128), "too-long", StatusFail},
	}
	for _, c := range cases {
		p := c.fn(c.in)
		if p.Cause != c.cause || p.Status != c.status {
			t.Errorf("%q: %+v, want %s/%s", c.in, p, c.status, c.cause)
		}
		if c.fn != nil && strings.Contains(p.Detail, "Q~") {
			t.Errorf("the secret was echoed: %q", p.Detail)
		}
	}
	for in, bad := range map[string]bool{"kv-prod": false, "kv": true, "1kv": true, "kv--x": true, "kv-": true, "kv_x": true, strings.Repeat("k", 25): true} {
		if got := vaultNameProblem(in) != ""; got != bad {
			t.Errorf("vault name %q: problem=%v", in, got)
		}
	}
}

func TestParseVault(t *testing.T) {
	c := Config{Cloud: CloudUSGov}
	for in, want := range map[string]VaultRef{
		"kv-prod":                             {Name: "kv-prod", URL: "https://kv-prod.vault.usgovcloudapi.net/"},
		"https://KV-Prod.vault.azure.net/x/y": {Name: "kv-prod", URL: "https://KV-Prod.vault.azure.net/", urlGiven: true},
		"https://127.0.0.1:8446/":             {URL: "https://127.0.0.1:8446/", urlGiven: true},
		"/subscriptions/s1/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-a": {Name: "kv-a", URL: "https://kv-a.vault.usgovcloudapi.net/",
			ResourceID: "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-a", SubID: "s1", RG: "rg"},
	} {
		c.Vault = in
		got, err := c.parseVault()
		if err != nil || got != want {
			t.Errorf("%q: %+v %v, want %+v", in, got, err, want)
		}
	}
	for _, bad := range []string{"http://kv.vault.azure.net/", "/subscriptions/s1/vaults/x", "k"} {
		c.Vault = bad
		if _, err := c.parseVault(); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestActionMatches(t *testing.T) {
	for _, c := range []struct {
		p, a string
		ok   bool
	}{
		{"Microsoft.KeyVault/vaults/secrets/*", actSetSecret, true},
		{"Microsoft.KeyVault/vaults/*/read", actVaultRead, false},
		{"*/read", actVaultRead, true},
		{"*", actVaultRead, true},
		{"microsoft.keyvault/VAULTS/read", actVaultRead, true},
		{"Microsoft.KeyVault/vaults/secrets/getSecret/action", actSetSecret, false},
	} {
		if actionMatches(c.p, c.a) != c.ok {
			t.Errorf("%s ~ %s != %v", c.p, c.a, c.ok)
		}
	}
	e := []permEntry{{DataActions: []string{"Microsoft.KeyVault/vaults/secrets/*"}, NotDataActions: []string{actSetSecret}}}
	if allows(e, actSetSecret, true) || !allows(e, actGetSecret, true) {
		t.Error("notDataActions not applied")
	}
}

func TestConfigNeverPrintsTheSecret(t *testing.T) {
	const sec = "abc8Q~supersecretvalue0123456789"
	c := Config{TenantID: "t.onmicrosoft.com", ClientSecret: sec}
	for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%v %+v %#v %s", c, c, c, c), fmt.Sprintf("%v", &c)} {
		if strings.Contains(s, sec) {
			t.Errorf("printed: %s", s)
		}
	}
}

func TestScrub(t *testing.T) {
	const sec = "abc8Q~super/secret+value"
	s, err := NewSession(Config{TenantID: "contoso.onmicrosoft.com", ClientID: "00000000-0000-0000-0000-000000000001", ClientSecret: sec})
	if err != nil {
		t.Fatal(err)
	}
	when := time.Now()
	r := s.scrub(Result{ID: "x", Title: "t " + sec, Detail: "d " + sec + " and " + "abc8Q~super%2Fsecret%2Bvalue",
		Evidence: Evidence{Note: sec, DataActions: []string{sec}, TokenExpires: &when},
		Fix:      &Fix{Summary: sec, Az: []string{"az x --password " + sec}}})
	b := fmt.Sprintf("%+v %+v %+v", r, r.Evidence, *r.Fix)
	if strings.Contains(b, "secret") || !strings.Contains(b, "[REDACTED]") {
		t.Errorf("not scrubbed: %s", b)
	}
	if r.Evidence.TokenExpires == nil || !r.Evidence.TokenExpires.Equal(when) {
		t.Error("times were damaged")
	}
}

// A value can reach a text in any of the shapes a request or an error body gives it:
// form- or path-encoded, JSON-escaped inside a longer JSON string (with or without
// HTML escaping) or Go-quoted. Each is redacted where it is embedded.
func TestScrubEscapedForms(t *testing.T) {
	const val = `P@ss "w<o>rd" & \back/slash+%`
	jsonHTML, _ := json.Marshal(val)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(val)
	embed := func(q string) string { return `{"value":"x ` + strings.Trim(strings.TrimSpace(q), `"`) + ` y"}` }
	for name, text := range map[string]string{
		"raw":        "got " + val,
		"query":      "client_secret=" + url.QueryEscape(val) + "&scope=x",
		"path":       "/x/" + url.PathEscape(val) + "/y",
		"json":       embed(string(jsonHTML)),
		"json-plain": embed(buf.String()),
		"go-quoted":  "err: " + strings.Trim(strconv.Quote(val), `"`) + " here",
	} {
		r := scrubValue(Result{Detail: text}, val)
		if !strings.Contains(r.Detail, "[REDACTED]") || strings.Contains(r.Detail, "w<o>rd") ||
			strings.Contains(r.Detail, `w\u003co\u003erd`) || strings.Contains(r.Detail, "w%3Co%3Erd") {
			t.Errorf("%s: not scrubbed: %s", name, r.Detail)
		}
	}
}

// "propagating" needs the permissions API to grant what Key Vault refused: a role with
// other secret actions (a custom role with setSecret only, refused a list) is not a
// grant on its way, it is the wrong role.
func TestGrantsDenied(t *testing.T) {
	setOnly := []permEntry{{DataActions: []string{actSetSecret}}}
	officer := []permEntry{{DataActions: []string{"Microsoft.KeyVault/vaults/secrets/*"}}}
	switch {
	case grantsDenied(setOnly, actReadMeta):
		t.Error("setSecret taken for readMetadata")
	case !grantsDenied(officer, actReadMeta):
		t.Error("secrets/* does not grant readMetadata")
	case !grantsDenied(setOnly, ""):
		t.Error("with no action named, any secret data action counts")
	case grantsDenied(nil, ""):
		t.Error("no entries grant nothing")
	}
}

// Each cloud gets its own login host, ARM endpoint and audience, Key Vault token scope
// and DNS zone, and Microsoft Graph host (facts §7); $AZURE_AUTHORITY_HOST never leaks in.
func TestCloudEndpoints(t *testing.T) {
	t.Setenv("AZURE_AUTHORITY_HOST", "https://login.example.invalid/")
	for _, c := range []struct {
		cloud                          Cloud
		login, arm, audience, vaultDNS string
		vaultScope, graph              string
	}{
		{CloudPublic, "https://login.microsoftonline.com/", "https://management.azure.com", "https://management.core.windows.net/",
			"vault.azure.net", "https://vault.azure.net/.default", "https://graph.microsoft.com"},
		{CloudChina, "https://login.chinacloudapi.cn/", "https://management.chinacloudapi.cn", "https://management.core.chinacloudapi.cn/",
			"vault.azure.cn", "https://vault.azure.cn/.default", "https://microsoftgraph.chinacloudapi.cn"},
		{CloudUSGov, "https://login.microsoftonline.us/", "https://management.usgovcloudapi.net", "https://management.core.usgovcloudapi.net/",
			"vault.usgovcloudapi.net", "https://vault.usgovcloudapi.net/.default", "https://graph.microsoft.us"},
	} {
		s, err := NewSession(Config{Cloud: c.cloud, TenantID: "contoso.onmicrosoft.com", ClientID: "00000000-0000-0000-0000-000000000001",
			ClientSecret: "abc8Q~defghijklmnopqrstuvwxyz0123456789", Vault: "kv-prod"})
		if err != nil {
			t.Fatal(err)
		}
		rm := s.cloudCfg.Services[cloud.ResourceManager]
		p := c.cloud.params()
		if s.cloudCfg.ActiveDirectoryAuthorityHost != c.login || rm.Endpoint != c.arm || rm.Audience != c.audience ||
			p.vaultSuffix != c.vaultDNS || p.vaultScope != c.vaultScope || s.graphURL != c.graph ||
			s.vault.URL != "https://kv-prod."+c.vaultDNS+"/" {
			t.Errorf("%s: login %s, arm %s (%s), vault %s %s, graph %s", c.cloud, s.cloudCfg.ActiveDirectoryAuthorityHost,
				rm.Endpoint, rm.Audience, s.vault.URL, p.vaultScope, s.graphURL)
		}
	}
}

// A message clipped at 300 bytes never ends in a split rune nor in the head of a secret.
func TestClippedMessageKeepsNoSecretHead(t *testing.T) {
	const val = "abc8Q~supersecretvalue0123456789"
	msg := firstLine(strings.Repeat("é", 140) + "xxxxxxxxxxxxxx" + val + " and more")
	if !strings.HasSuffix(msg, "…") || !utf8.ValidString(msg) {
		t.Fatalf("not clipped cleanly: %q", msg)
	}
	r := scrubValue(Result{Detail: msg}, val)
	if strings.Contains(r.Detail, val[:4]) || !strings.HasSuffix(r.Detail, "[REDACTED]…") {
		t.Errorf("head of the secret kept: %q", r.Detail)
	}
	if r := scrubValue(Result{Detail: "an ordinary abc8 …"}, val); r.Detail != "an ordinary abc8 …" {
		t.Errorf("text before a mark that is not a value's head was changed: %q", r.Detail)
	}
}
