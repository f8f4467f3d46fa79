package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/authorization/armauthorization/v2"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/keyvault/armkeyvault"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armsubscriptions"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"
)

var wirings = []Wiring{Hostnames, Loopback}

// forWirings runs a subtest in each wiring.
func forWirings(t *testing.T, fn func(t *testing.T, w Wiring)) {
	t.Helper()
	for _, w := range wirings {
		t.Run(w.String(), func(t *testing.T) {
			t.Parallel()
			fn(t, w)
		})
	}
}

// clock is a settable clock for Options.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now().Truncate(time.Second)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is a running tenant plus SDK clients configured as the wizard would configure them.
type env struct {
	t     *testing.T
	ten   *Tenant
	info  Info
	clock *clock
	loop  bool
	opts  azcore.ClientOptions
}

func start(t *testing.T, w Wiring, scenario string) *env {
	t.Helper()
	return startOpts(t, Options{Scenario: scenario, Wiring: w, Seed: 1})
}

func startOpts(t *testing.T, o Options) *env {
	t.Helper()
	c := newClock()
	if o.Now == nil {
		o.Now = c.Now
	}
	ten, err := Start(o)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = ten.Close() })
	return envFor(t, ten, c)
}

// envFor configures SDK options for a running tenant, as the wizard would.
func envFor(t *testing.T, ten *Tenant, c *clock) *env {
	e := &env{t: t, ten: ten, info: ten.Info(), clock: c, loop: ten.opts.Wiring == Loopback}
	cfg := cloud.AzurePublic
	if e.loop {
		cfg = cloud.Configuration{
			ActiveDirectoryAuthorityHost: e.info.AuthorityHost,
			Services: map[cloud.ServiceName]cloud.ServiceConfiguration{
				cloud.ResourceManager: {Endpoint: e.info.ARMEndpoint, Audience: e.info.ARMAudience},
			},
		}
	}
	e.opts = azcore.ClientOptions{
		Cloud:     cfg,
		Transport: ten.HTTPClient(),
		Retry:     policy.RetryOptions{MaxRetries: 1, RetryDelay: time.Millisecond, MaxRetryDelay: 10 * time.Millisecond},
	}
	return e
}

func (e *env) credFor(tenant, client, secret string) *azidentity.ClientSecretCredential {
	e.t.Helper()
	cred, err := azidentity.NewClientSecretCredential(tenant, client, secret, &azidentity.ClientSecretCredentialOptions{
		ClientOptions: e.opts, DisableInstanceDiscovery: e.loop,
	})
	if err != nil {
		e.t.Fatalf("NewClientSecretCredential: %v", err)
	}
	return cred
}

// cred uses the credentials the scenario hands out.
func (e *env) cred() *azidentity.ClientSecretCredential {
	return e.credFor(e.info.TenantID, e.info.ClientID, e.info.ClientSecret)
}

func (e *env) armOpts() *arm.ClientOptions {
	return &arm.ClientOptions{ClientOptions: e.opts, DisableRPRegistration: true}
}

func (e *env) subsClient(cred azcore.TokenCredential) *armsubscriptions.Client {
	c, err := armsubscriptions.NewClient(cred, e.armOpts())
	must(e.t, err)
	return c
}

func (e *env) vaultsClient(cred azcore.TokenCredential) *armkeyvault.VaultsClient {
	c, err := armkeyvault.NewVaultsClient(e.info.SubscriptionID, cred, e.armOpts())
	must(e.t, err)
	return c
}

func (e *env) permsClient(cred azcore.TokenCredential) *armauthorization.PermissionsClient {
	c, err := armauthorization.NewPermissionsClient(e.info.SubscriptionID, cred, e.armOpts())
	must(e.t, err)
	return c
}

func (e *env) secretsClient(cred azcore.TokenCredential) *azsecrets.Client {
	c, err := azsecrets.NewClient(e.info.VaultURLs[0], cred, &azsecrets.ClientOptions{
		ClientOptions: e.opts, DisableChallengeResourceVerification: e.loop,
	})
	must(e.t, err)
	return c
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

// azErr is what a check reads out of an SDK error: status and the codes in the body.
type azErr struct {
	Status     int
	Code       string // ARM/KV error.code, or Entra's "error"
	Inner      string // KV error.innererror.code
	EntraCodes []int  // Entra error_codes
	Message    string // error.message or error_description
	Body       string // raw body
	Header     http.Header
}

func parseErr(t *testing.T, err error) azErr {
	t.Helper()
	if err == nil {
		t.Fatal("expected an error, got none")
	}
	var resp *http.Response
	var afe *azidentity.AuthenticationFailedError
	var re *azcore.ResponseError
	switch {
	case errors.As(err, &afe):
		resp = afe.RawResponse
	case errors.As(err, &re):
		resp = re.RawResponse
	}
	if resp == nil {
		t.Fatalf("no HTTP response in error: %v", err)
	}
	body, perr := runtime.Payload(resp)
	if perr != nil {
		body, _ = io.ReadAll(resp.Body)
	}
	return decodeErr(t, resp.StatusCode, resp.Header, body)
}

func decodeErr(t *testing.T, status int, h http.Header, body []byte) azErr {
	t.Helper()
	out := azErr{Status: status, Body: string(body), Header: h}
	var doc struct {
		Error            json.RawMessage `json:"error"`
		ErrorDescription string          `json:"error_description"`
		ErrorCodes       []int           `json:"error_codes"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("error body is not JSON (%v): %q", err, body)
	}
	var name string
	if json.Unmarshal(doc.Error, &name) == nil { // Entra: "error" is a string
		out.Code, out.EntraCodes, out.Message = name, doc.ErrorCodes, doc.ErrorDescription
		return out
	}
	var inner struct {
		Code       string `json:"code"`
		Message    string `json:"message"`
		InnerError *struct {
			Code string `json:"code"`
		} `json:"innererror"`
	}
	if err := json.Unmarshal(doc.Error, &inner); err != nil || inner.Code == "" || inner.Message == "" {
		t.Fatalf("error body lacks error.code/message: %s", body)
	}
	out.Code, out.Message = inner.Code, inner.Message
	if inner.InnerError != nil {
		out.Inner = inner.InnerError.Code
	}
	return out
}

func wantEntra(t *testing.T, err error, status, code int) azErr {
	t.Helper()
	got := parseErr(t, err)
	if got.Status != status || len(got.EntraCodes) != 1 || got.EntraCodes[0] != code {
		t.Fatalf("want %d AADSTS%d, got %d %v: %s", status, code, got.Status, got.EntraCodes, got.Body)
	}
	if !strings.HasPrefix(got.Message, "AADSTS") {
		t.Fatalf("error_description must start with the AADSTS code: %q", got.Message)
	}
	return got
}

func wantAz(t *testing.T, err error, status int, code, inner string) azErr {
	t.Helper()
	got := parseErr(t, err)
	if got.Status != status || got.Code != code || got.Inner != inner {
		t.Fatalf("want %d %s/%s, got %d %s/%s: %s", status, code, inner, got.Status, got.Code, got.Inner, got.Body)
	}
	return got
}

// listSubs returns subscription IDs visible to cred.
func (e *env) listSubs(cred azcore.TokenCredential) ([]string, error) {
	var out []string
	p := e.subsClient(cred).NewListPager(nil)
	for p.More() {
		page, err := p.NextPage(ctx(e.t))
		if err != nil {
			return nil, err
		}
		for _, s := range page.Value {
			out = append(out, *s.SubscriptionID)
		}
	}
	return out, nil
}

// listVaults returns the vault names NewListBySubscriptionPager yields (the dropdown).
func (e *env) listVaults(cred azcore.TokenCredential) ([]string, error) {
	var out []string
	p := e.vaultsClient(cred).NewListBySubscriptionPager(nil)
	for p.More() {
		page, err := p.NextPage(ctx(e.t))
		if err != nil {
			return nil, err
		}
		for _, v := range page.Value {
			out = append(out, *v.Name)
		}
	}
	return out, nil
}

// dataActions returns the data actions the permissions API reports on the vault.
func (e *env) permissions(cred azcore.TokenCredential) ([]*armauthorization.Permission, error) {
	var out []*armauthorization.Permission
	p := e.permsClient(cred).NewListForResourcePager(e.info.ResourceGroup, "Microsoft.KeyVault", "", "vaults", e.info.VaultName, nil)
	for p.More() {
		page, err := p.NextPage(ctx(e.t))
		if err != nil {
			return nil, err
		}
		out = append(out, page.Value...)
	}
	return out, nil
}
