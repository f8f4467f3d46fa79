package azure

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
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

	"github.com/kvbridge/kvbridge/internal/termsafe"
)

// Session holds the SDK clients of one configuration, built once: the credential (and
// its token cache), the ARM clients (per subscription, made on first use) and one
// azsecrets client per vault URL (each caches its Key Vault challenge). Run it as many
// times as needed; runs may not overlap.
type Session struct {
	cfg    Config
	secret string // trimmed client secret, for the credential and for scrubbing
	// secretCheck is input.client-secret's finding, made before the raw value is dropped.
	secretCheck InputProblem
	vault       VaultRef
	cloudCfg    cloud.Configuration
	common      azcore.ClientOptions
	armOpts     *arm.ClientOptions

	cred     *azidentity.ClientSecretCredential // nil when the inputs cannot make one
	credErr  error
	subs     *armsubscriptions.Client
	graphPL  runtime.Pipeline
	graphURL string

	// strictTenant and strictClient are the input checks of values read from Delinea,
	// judged untrimmed (Config.strict): Delinea sends them as stored.
	strictTenant, strictClient InputProblem
	// alsoScrub are other secrets this session's results must never hold (the typed
	// client secret, when this session runs with Delinea's).
	alsoScrub []string

	mu     sync.Mutex
	inner  map[[32]byte]*Session // sessions with Delinea's values, by their hash
	vaults map[string]*armkeyvault.VaultsClient
	perms  map[string]*armauthorization.PermissionsClient
	kv     map[string]*azsecrets.Client
}

// NewSession checks the configuration's endpoints and trust and builds the clients. It
// fails only on configuration errors (a bad URL, an unusable CA file); problems with the
// tenant, client ID or secret are what the input.* checks report.
func NewSession(cfg Config) (*Session, error) {
	if cfg.Cloud == "" {
		cfg.Cloud = CloudPublic
	}
	if _, err := ParseCloud(string(cfg.Cloud)); err != nil {
		return nil, err
	}
	rawTenant, rawClient := cfg.TenantID, cfg.ClientID
	cfg.TenantID = strings.TrimSpace(cfg.TenantID)
	cfg.ClientID = strings.TrimSpace(cfg.ClientID)
	s := &Session{cfg: cfg, secret: strings.TrimSpace(cfg.ClientSecret),
		vaults: map[string]*armkeyvault.VaultsClient{}, perms: map[string]*armauthorization.PermissionsClient{}, kv: map[string]*azsecrets.Client{}}
	s.secretCheck = CheckClientSecret(cfg.ClientSecret)
	s.strictTenant, s.strictClient = CheckTenantID(cfg.TenantID), CheckClientID(cfg.ClientID)
	if cfg.strict {
		s.strictTenant, s.strictClient = strictInput(CheckTenantID(rawTenant), "tenant ID"), strictInput(CheckClientID(rawClient), "client ID")
		s.secretCheck = strictInput(s.secretCheck, "client secret")
	}
	s.cfg.ClientSecret = "" // kept once, in s.secret
	var err error
	if s.vault, err = cfg.parseVault(); err != nil {
		return nil, err
	}
	cc, disableDiscovery, err := cfg.cloudConfig()
	if err != nil {
		return nil, err
	}
	tr, err := cfg.transport()
	if err != nil {
		return nil, err
	}
	retry := cfg.Retry
	if reflect.ValueOf(retry).IsZero() {
		retry = DefaultRetry
	}
	s.cloudCfg = cc
	s.common = azcore.ClientOptions{Cloud: cc, Retry: retry, Transport: tr,
		Telemetry: policy.TelemetryOptions{ApplicationID: "kvbridge"}}
	s.armOpts = &arm.ClientOptions{ClientOptions: s.common, DisableRPRegistration: true}

	if s.strictTenant.Status != StatusFail && s.strictClient.Status != StatusFail && s.secretCheck.Status != StatusFail {
		s.cred, s.credErr = azidentity.NewClientSecretCredential(cfg.TenantID, cfg.ClientID, s.secret,
			&azidentity.ClientSecretCredentialOptions{ClientOptions: s.common, DisableInstanceDiscovery: disableDiscovery})
	}
	if s.cred != nil {
		if s.subs, err = armsubscriptions.NewClient(s.cred, s.armOpts); err != nil {
			return nil, err
		}
		p := cfg.cloud().params()
		s.graphURL = "https://" + p.graphHost
		scope := s.graphURL + "/.default"
		if cfg.GraphEndpoint != "" {
			s.graphURL = strings.TrimRight(cfg.GraphEndpoint, "/")
		}
		s.graphPL = runtime.NewPipeline("kvbridge", "v1", runtime.PipelineOptions{
			PerRetry: []policy.Policy{runtime.NewBearerTokenPolicy(s.cred, []string{scope}, nil)},
		}, &s.common)
	}
	return s, nil
}

// Config returns the session's configuration, without the secret.
func (s *Session) Config() Config { return s.cfg }

// cachedClient returns the client of key in m, making it with mk on first use.
func cachedClient[T any](mu *sync.Mutex, m map[string]*T, key string, mk func() (*T, error)) (*T, error) {
	mu.Lock()
	defer mu.Unlock()
	if c := m[key]; c != nil {
		return c, nil
	}
	c, err := mk()
	if err == nil {
		m[key] = c
	}
	return c, err
}

func (s *Session) vaultsClient(sub string) (*armkeyvault.VaultsClient, error) {
	return cachedClient(&s.mu, s.vaults, sub, func() (*armkeyvault.VaultsClient, error) {
		return armkeyvault.NewVaultsClient(sub, s.cred, s.armOpts)
	})
}

func (s *Session) permsClient(sub string) (*armauthorization.PermissionsClient, error) {
	return cachedClient(&s.mu, s.perms, sub, func() (*armauthorization.PermissionsClient, error) {
		return armauthorization.NewPermissionsClient(sub, s.cred, s.armOpts)
	})
}

// secretsClient returns the one azsecrets client of a vault URL. Challenge resource
// verification stays on except for IP or localhost vault hosts, where it can never pass.
func (s *Session) secretsClient(vaultURL string) (*azsecrets.Client, error) {
	return cachedClient(&s.mu, s.kv, vaultURL, func() (*azsecrets.Client, error) {
		return azsecrets.NewClient(vaultURL, s.cred, &azsecrets.ClientOptions{
			ClientOptions:                        s.common,
			DisableChallengeResourceVerification: isIPOrLocal(hostOf(vaultURL)),
		})
	})
}

// scrub removes the client secret from every string of a result, in case an error text
// ever carried it (raw, URL-encoded, JSON-escaped or Go-quoted), and makes every string
// safe for a terminal: results carry what servers said (AADSTS messages, display names,
// tags, resource names), and every front end prints them.
func (s *Session) scrub(r Result) Result {
	r = scrubValue(r, s.secret)
	for _, v := range s.alsoScrub {
		r = scrubValue(r, v)
	}
	return redactStrings(r, termsafe.Clean)
}

// secretForms are the ways a value can appear in text: raw, URL-encoded (form bodies,
// query strings, paths), JSON-escaped inside a JSON string (with and without Go's HTML
// escaping) and Go-quoted (%q), the last three without their surrounding quotes so an
// embedded occurrence matches too. Longer forms come first, so that replacing one never
// leaves a fragment of another.
func secretForms(v string) []string {
	var forms []string
	add := func(f string) {
		if f != "" && !slices.Contains(forms, f) {
			forms = append(forms, f)
		}
	}
	unquote := func(q string) string { return strings.TrimSuffix(strings.TrimPrefix(q, `"`), `"`) }
	add(v)
	add(url.QueryEscape(v))
	add(url.PathEscape(v))
	if b, err := json.Marshal(v); err == nil {
		add(unquote(string(b)))
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if enc.Encode(v) == nil {
		add(unquote(strings.TrimSuffix(buf.String(), "\n")))
	}
	add(unquote(strconv.Quote(v)))
	slices.SortStableFunc(forms, func(a, b string) int { return len(b) - len(a) })
	return forms
}

// redactStrings applies clean to every string reachable in a result.
func redactStrings(r Result, clean func(string) string) Result {
	v := reflect.ValueOf(&r).Elem()
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.String:
			if v.CanSet() {
				v.SetString(clean(v.String()))
			}
		case reflect.Struct:
			if v.Type() == reflect.TypeFor[time.Time]() {
				return
			}
			for i := 0; i < v.NumField(); i++ {
				if v.Type().Field(i).IsExported() {
					walk(v.Field(i))
				}
			}
		case reflect.Ptr:
			if v.CanSet() && !v.IsNil() && v.Elem().Kind() == reflect.Struct && v.Elem().Type() != reflect.TypeFor[time.Time]() {
				cp := reflect.New(v.Elem().Type())
				cp.Elem().Set(v.Elem())
				walk(cp.Elem())
				v.Set(cp)
			}
		case reflect.Slice:
			if v.CanSet() && v.Type().Elem().Kind() == reflect.String && !v.IsNil() {
				cp := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
				reflect.Copy(cp, v)
				for i := 0; i < cp.Len(); i++ {
					cp.Index(i).SetString(clean(cp.Index(i).String()))
				}
				v.Set(cp)
			}
		}
	}
	walk(v)
	return r
}

// tokenInfo is what auth.token learned from the token (never the token itself).
type tokenInfo struct {
	TenantID, AppID, ObjectID string
	Expires                   time.Time
}

// runState is what checks of one run share. Fields written by a check are read only by
// checks that wait for it; futures are shared computations started by the first check
// that wants them (see future).
type runState struct {
	ctx context.Context
	s   *Session

	mu      sync.Mutex
	results map[string]Result
	token   tokenInfo
	subs    []subInfo
	list    *vaultListing
	target  *VaultInfo // the target vault as ARM lists it; nil when not listed

	dl      *delineaRun // the run's reads from Delinea; nil without Delinea
	credSrc credSource  // where the Azure checks' credentials came from
	typed   typedValues // typed credentials, compared with Delinea's
	url     string      // the data-plane URL in use

	probe  *future[probeResult]  // data.secrets' read-only call
	secret *future[secretResult] // mapping.secret's GetSecret (and GetDeletedSecret)
	perms  *future[permsResult]  // the permissions API on the vault

	policies *future[policyResult] // the ARM vault GET: permission model and access policies
}

func newRunState(ctx context.Context, s *Session) *runState {
	rs := &runState{ctx: ctx, s: s, results: map[string]Result{},
		probe: newFuture[probeResult](), secret: newFuture[secretResult](), perms: newFuture[permsResult](),
		policies: newFuture[policyResult]()}
	return rs
}

func (rs *runState) setResult(r Result) {
	rs.mu.Lock()
	rs.results[r.ID] = r
	rs.mu.Unlock()
}

func (rs *runState) result(id string) (Result, bool) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	r, ok := rs.results[id]
	return r, ok
}

func (rs *runState) vaultList() []VaultInfo {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.list == nil {
		return []VaultInfo{}
	}
	subNames := make(map[string]string, len(rs.subs))
	for _, s := range rs.subs {
		subNames[strings.ToLower(s.ID)] = termsafe.Clean(s.Name)
	}
	out := make([]VaultInfo, len(rs.list.vaults))
	for i, v := range rs.list.vaults {
		// Names, groups and URLs come from ARM; front ends print them as they are.
		v.Name, v.ID, v.URL = termsafe.Clean(v.Name), termsafe.Clean(v.ID), termsafe.Clean(v.URL)
		v.SubscriptionID, v.ResourceGroup, v.Location = termsafe.Clean(v.SubscriptionID), termsafe.Clean(v.ResourceGroup), termsafe.Clean(v.Location)
		v.TenantID, v.PublicNetworkAccess, v.NetworkDefaultAction = termsafe.Clean(v.TenantID), termsafe.Clean(v.PublicNetworkAccess), termsafe.Clean(v.NetworkDefaultAction)
		v.SubscriptionName = subNames[strings.ToLower(v.SubscriptionID)]
		v.Target = rs.target != nil && rs.target.ID != "" && strings.EqualFold(rs.target.ID, v.ID)
		out[i] = v
	}
	return out
}

// futureCtx is the context of a shared computation: the run's, bounded by one check's
// timeout.
func (rs *runState) futureCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(rs.ctx, rs.s.checkTimeout())
}
