package azure

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// Cloud names an Azure cloud.
type Cloud string

const (
	CloudPublic Cloud = "public"
	CloudChina  Cloud = "china"
	CloudUSGov  Cloud = "usgov"
)

// ParseCloud accepts public, china or usgov (and "" for public).
func ParseCloud(s string) (Cloud, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "public", "azurecloud", "azurepublic":
		return CloudPublic, nil
	case "china", "azurechina", "azurechinacloud":
		return CloudChina, nil
	case "usgov", "azureusgovernment", "usgovernment", "gov":
		return CloudUSGov, nil
	}
	return "", fmt.Errorf("unknown cloud %q: use public, china or usgov", s)
}

// cloudParams are the per-cloud constants the SDK's cloud package does not hold.
type cloudParams struct {
	base        cloud.Configuration
	vaultSuffix string // DNS zone of vault hosts
	vaultScope  string // Key Vault token scope
	graphHost   string
	portal      string
	azCloud     string // az cloud set --name
}

func (c Cloud) params() cloudParams {
	switch c {
	case CloudChina:
		return cloudParams{cloud.AzureChina, "vault.azure.cn", "https://vault.azure.cn/.default", "microsoftgraph.chinacloudapi.cn", "https://portal.azure.cn", "AzureChinaCloud"}
	case CloudUSGov:
		return cloudParams{cloud.AzureGovernment, "vault.usgovcloudapi.net", "https://vault.usgovcloudapi.net/.default", "graph.microsoft.us", "https://portal.azure.us", "AzureUSGovernment"}
	}
	return cloudParams{cloud.AzurePublic, "vault.azure.net", "https://vault.azure.net/.default", "graph.microsoft.com", "https://portal.azure.com", "AzureCloud"}
}

// Config is everything a run needs. Build it, then call NewSession once; a Session is
// reused across runs (its token cache survives re-runs and the wizard's watch mode).
//
// The client secret lives in memory only: Config's String, GoString and Format never
// print it, and every result the engine emits is scrubbed of it. The Delinea password
// used for the value comparison is never held: SetComparePassword keeps its SHA-256 only.
type Config struct {
	TenantID     string // GUID or verified domain (contoso.onmicrosoft.com)
	ClientID     string // application (client) ID
	ClientSecret string // the secret's Value; never logged, never in results

	Cloud         Cloud  // "" means public
	AuthorityHost string // overrides the cloud's login host, e.g. https://127.0.0.1:8443/
	ARMEndpoint   string // overrides the cloud's ARM endpoint, e.g. https://127.0.0.1:8444
	ARMAudience   string // ARM token audience with ARMEndpoint; "" means the cloud's

	// Vault is the target vault: a name (kv-prod), a URL (https://kv-prod.vault.azure.net/)
	// or a resource ID (/subscriptions/…/resourceGroups/…/providers/Microsoft.KeyVault/vaults/kv-prod).
	// A resource ID lets the permission checks run even when the app cannot list the vault.
	// "" means: no target; arm.vaults only checks that the list is not empty.
	Vault string
	// VaultURL is the vault's data-plane URL, for when ARM cannot tell it and it cannot
	// be guessed from the name: a private cloud, a served practice tenant. It goes with a
	// name or resource ID in Vault, which keeps the permission checks possible.
	VaultURL string

	SecretName string // the Azure secret name mapped in Delinea; "" skips mapping.*
	// ExpectUsernameTag says the Delinea Username is mapped to the secret's tag "username";
	// Username, when set, is the value the tag should hold.
	ExpectUsernameTag bool
	Username          string
	// StaleAfter: mapping.secret warns "stale" when the secret was last updated longer
	// ago than this (the wizard sets it right after a sync). Zero means not judged.
	StaleAfter time.Duration
	// SecretExpires is the client secret's expiry when the user knows it (the wizard asks);
	// zero means read it from Microsoft Graph if the app may.
	SecretExpires time.Time

	// GraphEndpoint is Microsoft Graph's URL when it is not the cloud's (a
	// private cloud, a served practice tenant); used only when given. Tokens
	// are still asked for the cloud's Graph audience, as a served tenant expects.
	GraphEndpoint string

	// ExtraCAPEM is extra trusted CA certificates (PEM), added to the system's: corporate
	// TLS-inspecting proxies, a served practice tenant. Ignored when Transport is set.
	ExtraCAPEM []byte
	// Transport replaces the HTTP transport of every SDK client (the practice tenant's
	// HTTPClient; tests). Nil means a transport built from ExtraCAPEM.
	Transport policy.Transporter

	// Retry bounds the SDK's retries. Zero means DefaultRetry.
	Retry policy.RetryOptions
	// CheckTimeout bounds each check. Zero means DefaultCheckTimeout.
	CheckTimeout time.Duration
	// Concurrency bounds checks running at once (0: 4); ListConcurrency bounds the
	// per-subscription vault listings (0: 32).
	Concurrency, ListConcurrency int

	// Now is the clock (nil: time.Now); tests move it for expiry and staleness.
	Now func() time.Time

	// Delinea, when set, reads the credential secret and the mapped secret from
	// Delinea Secret Server (see DelineaSource).
	Delinea *DelineaSource

	pwHash *[32]byte
	// strict: the credentials were read from Delinea, which sends them untrimmed, so
	// whitespace around them fails the input checks instead of being fixed up.
	strict bool
}

// Defaults. DefaultRetry honours Retry-After up to 2 s (a longer one is not retried:
// the SDK returns the 429 at once) and retries twice, so a throttled call costs at most
// about 4 s and never hangs.
var (
	DefaultRetry        = policy.RetryOptions{MaxRetries: 2, RetryDelay: 300 * time.Millisecond, MaxRetryDelay: 2 * time.Second}
	DefaultCheckTimeout = 20 * time.Second
)

// SetComparePassword keeps only the SHA-256 of the Delinea password, for mapping.value.
// An empty password clears it.
func (c *Config) SetComparePassword(p string) {
	if p == "" {
		c.pwHash = nil
		return
	}
	h := sha256.Sum256([]byte(p))
	c.pwHash = &h
}

// SetComparePasswordHash sets the SHA-256 directly.
func (c *Config) SetComparePasswordHash(sum [32]byte) { c.pwHash = &sum }

// HasComparePassword reports whether mapping.value has something to compare.
func (c *Config) HasComparePassword() bool { return c.pwHash != nil }

// String never shows the secret.
func (c Config) String() string {
	sec := "unset"
	if c.ClientSecret != "" {
		sec = "set"
	}
	return fmt.Sprintf("azure.Config{tenant=%q client=%q secret=%s cloud=%s vault=%q}", c.TenantID, c.ClientID, sec, c.cloud(), c.Vault)
}

// GoString never shows the secret.
func (c Config) GoString() string { return c.String() }

// Format makes every fmt verb use String, so %+v cannot print the secret either.
func (c Config) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

func (c *Config) cloud() Cloud {
	if c.Cloud == "" {
		return CloudPublic
	}
	return c.Cloud
}

func (c *Config) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// microsoftLoginHosts are the authority hosts MSAL's instance discovery knows; any other
// host needs DisableInstanceDiscovery or MSAL asks login.microsoftonline.com about it.
var microsoftLoginHosts = map[string]bool{
	"login.microsoftonline.com": true, "login.windows.net": true, "login.microsoft.com": true, "sts.windows.net": true,
	"login.chinacloudapi.cn": true, "login.partner.microsoftonline.cn": true,
	"login.microsoftonline.us": true, "login.usgovcloudapi.net": true,
}

// cloudConfig builds the cloud configuration explicitly (never a zero value, which would
// let $AZURE_AUTHORITY_HOST leak in) and says whether instance discovery must be off.
func (c *Config) cloudConfig() (cloud.Configuration, bool, error) {
	p := c.cloud().params()
	cfg := cloud.Configuration{
		ActiveDirectoryAuthorityHost: p.base.ActiveDirectoryAuthorityHost,
		Services:                     map[cloud.ServiceName]cloud.ServiceConfiguration{},
	}
	for k, v := range p.base.Services {
		cfg.Services[k] = v
	}
	disableDiscovery := false
	if h := strings.TrimSpace(c.AuthorityHost); h != "" {
		u, err := url.Parse(h)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			return cfg, false, fmt.Errorf("authority host %q: must be an https URL", h)
		}
		if !strings.HasSuffix(h, "/") {
			h += "/"
		}
		cfg.ActiveDirectoryAuthorityHost = h
		disableDiscovery = !microsoftLoginHosts[strings.ToLower(u.Hostname())]
	}
	arm := cfg.Services[cloud.ResourceManager]
	if e := strings.TrimSpace(c.ARMEndpoint); e != "" {
		u, err := url.Parse(e)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			return cfg, false, fmt.Errorf("ARM endpoint %q: must be an https URL", e)
		}
		arm.Endpoint = strings.TrimSuffix(e, "/")
	}
	if c.ARMAudience != "" {
		arm.Audience = c.ARMAudience
	}
	cfg.Services[cloud.ResourceManager] = arm
	return cfg, disableDiscovery, nil
}

// transport returns the configured transport, or one trusting the system CAs plus
// ExtraCAPEM.
func (c *Config) transport() (policy.Transporter, error) {
	if c.Transport != nil {
		return c.Transport, nil
	}
	if len(c.ExtraCAPEM) == 0 {
		return nil, nil // the SDK's default
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(c.ExtraCAPEM) {
		return nil, errors.New("the CA file holds no PEM certificate")
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return &http.Client{Transport: tr}, nil
}

// VaultRef is the target vault as far as it is known before any call.
type VaultRef struct {
	Name       string // lower-case vault name
	URL        string // data-plane URL, ending in "/"
	ResourceID string // ARM ID when given
	SubID, RG  string // parsed from ResourceID
	urlGiven   bool   // the URL came from the user, not from a guess
}

// parseVault reads Config.Vault.
func (c *Config) parseVault() (VaultRef, error) {
	v := strings.TrimSpace(c.Vault)
	var r VaultRef
	switch {
	case v == "":
		return r, nil
	case strings.HasPrefix(strings.ToLower(v), "/subscriptions/"):
		segs := strings.Split(strings.Trim(v, "/"), "/")
		// subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.KeyVault/vaults/{name}
		if len(segs) != 8 || !strings.EqualFold(segs[2], "resourceGroups") || !strings.EqualFold(segs[4], "providers") ||
			!strings.EqualFold(segs[5], "Microsoft.KeyVault") || !strings.EqualFold(segs[6], "vaults") {
			return r, fmt.Errorf("vault %q: a resource ID looks like /subscriptions/SUB/resourceGroups/RG/providers/Microsoft.KeyVault/vaults/NAME", v)
		}
		r.ResourceID, r.SubID, r.RG, r.Name = "/"+strings.Join(segs, "/"), segs[1], segs[3], strings.ToLower(segs[7])
	case strings.Contains(v, "://"):
		u, err := url.Parse(v)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			return r, fmt.Errorf("vault %q: a vault URL looks like https://NAME.%s/", v, c.cloud().params().vaultSuffix)
		}
		r.URL, r.urlGiven = "https://"+u.Host+"/", true
		if h := u.Hostname(); !isIPOrLocal(h) {
			r.Name = strings.ToLower(strings.SplitN(h, ".", 2)[0])
		}
	default:
		if msg := vaultNameProblem(v); msg != "" {
			return r, fmt.Errorf("vault %q: %s", v, msg)
		}
		r.Name = strings.ToLower(v)
	}
	if u := strings.TrimSpace(c.VaultURL); u != "" {
		pu, err := url.Parse(u)
		if err != nil || pu.Scheme != "https" || pu.Host == "" {
			return r, fmt.Errorf("vault URL %q: it looks like https://NAME.%s/", u, c.cloud().params().vaultSuffix)
		}
		r.URL, r.urlGiven = "https://"+pu.Host+"/", true
	}
	if r.URL == "" && r.Name != "" {
		r.URL = c.guessVaultURL(r.Name)
	}
	return r, nil
}

// guessVaultURL is the URL Azure gives a vault of that name in the configured cloud.
func (c *Config) guessVaultURL(name string) string {
	return "https://" + strings.ToLower(name) + "." + c.cloud().params().vaultSuffix + "/"
}

// customEndpoints reports whether endpoints were overridden, in which case a vault's URL
// cannot be guessed from its name and must come from ARM (vaultUri) or the user.
func (c *Config) customEndpoints() bool {
	return strings.TrimSpace(c.ARMEndpoint) != "" || strings.TrimSpace(c.AuthorityHost) != ""
}

func isIPOrLocal(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	_, err := netip.ParseAddr(host)
	return err == nil
}

func hostOf(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	h, _, err := net.SplitHostPort(p.Host)
	if err != nil {
		return p.Host
	}
	return h
}
