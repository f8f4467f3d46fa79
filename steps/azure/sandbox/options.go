package sandbox

import "time"

// Wiring says how clients reach the tenant.
type Wiring int

const (
	// Hostnames serves one TLS listener whose certificate covers login.microsoftonline.com,
	// management.azure.com and *.vault.azure.net; HTTPClient dials only that listener
	// whatever the host, so production code keeps the public cloud configuration.
	Hostnames Wiring = iota
	// Loopback serves https://127.0.0.1:PORT endpoints: one for Entra ID (and the admin
	// API), one for ARM and one per vault. Clients need a custom cloud configuration,
	// DisableInstanceDiscovery and DisableChallengeResourceVerification.
	Loopback
)

func (w Wiring) String() string {
	if w == Loopback {
		return "loopback"
	}
	return "hostnames"
}

// Options configure Start and Load.
type Options struct {
	Scenario string // "" means "healthy"
	Seed     int64  // picks mystery's scenario; 0 picks at random
	Wiring   Wiring
	// Addr is the first loopback address to listen on; "" means 127.0.0.1:0. With a
	// fixed port P in Loopback wiring, Entra gets P, ARM P+1 and the vaults P+2 onward;
	// Microsoft Graph the port after the last vault, the practice Secret Server the one
	// after Graph, sandbox serve's HTTPS proxy the next (StartProxy), and vaults added
	// while serving (AddVault) the ports after that. Anything but a loopback address is
	// refused.
	Addr     string
	Latency  time.Duration    // added to every response
	Now      func() time.Time // nil means time.Now; tests move time for expiry and propagation
	PageSize int              // ARM list page size (0: one page unless $top); Key Vault's default stays 25
	// RequestLog is how many recent requests Requests keeps (0: 10,000). A server of
	// many tenants (the trainer's room) keeps few, so a long workshop's memory stays flat.
	RequestLog int

	timeouts serverTimeouts // zero: defaultTimeouts; tests shorten them
}

// serverTimeouts bound how long a connection may hold the tenant's resources:
// a client that sends its headers or body slowly, or keeps an idle keep-alive
// connection open, is cut off. Real Azure front ends do the same.
type serverTimeouts struct {
	header, read, write, idle time.Duration
}

// defaultTimeouts: requests are small (bodies are capped at 64 KiB) and
// answered at once, so 5 s for headers and 10 s for a whole request are
// generous on any machine; an idle keep-alive connection is closed after
// 15 s (clients keep theirs for 30 s and redial transparently).
var defaultTimeouts = serverTimeouts{header: 5 * time.Second, read: 10 * time.Second, write: 30 * time.Second, idle: 15 * time.Second}

// maxHeaderBytes caps request headers; no client of the tenant sends more
// than a few KiB (a bearer token is the largest).
const maxHeaderBytes = 64 << 10

// Info is what a client needs: endpoints, trust, and the credentials the scenario hands
// out (those a trainee would have typed, wrong ones included).
type Info struct {
	Scenario string
	// Seed is the seed that picked a mystery's scenario (0 for the others): saved with
	// the progress, it brings the same mystery back after a restart.
	Seed          int64
	AuthorityHost string // Hostnames: "https://login.microsoftonline.com/"; Loopback: "https://127.0.0.1:P/"
	ARMEndpoint   string // "https://management.azure.com" or the loopback URL
	ARMAudience   string // "https://management.core.windows.net/"
	VaultURLs     []string
	// GraphEndpoint is Microsoft Graph: "https://graph.microsoft.com" in Hostnames
	// wiring, a loopback URL of its own in Loopback wiring. Tokens for it are asked
	// with the scope "https://graph.microsoft.com/.default" in both wirings, as Graph's
	// audience does not change with its address.
	GraphEndpoint string

	TenantID, TenantDomain, ClientID, ClientSecret, ClientSecretID string

	SubscriptionID, ResourceGroup, VaultName, VaultID string

	// The example secret of the guide, as Delinea would have synced it.
	SecretName, SecretUsername, SecretValue string

	CAPEM []byte
	// The practice Secret Server: its base URL (Platform: DelineaURL + "/platform"),
	// the handed-out user and password, a second user whose account needs the one-time
	// code DelineaOTP, a Platform service user, and the IDs of the credential secret
	// (Azure App Registration) and of the example secret synced to SecretName.
	DelineaURL, DelineaPlatformURL                              string
	DelineaUsername, DelineaPassword                            string
	DelineaOTPUsername, DelineaOTPPassword, DelineaOTP          string
	DelineaPlatformClientID, DelineaPlatformSecret              string
	DelineaDomain, DelineaDomainUsername, DelineaDomainPassword string
	CredentialSecretID, MappedSecretID                          int
	CredentialSecretName, MappedSecretName                      string

	AdminURL string // base URL of the admin API (practice actions over HTTP)
	AdminKey string // header X-Sandbox-Admin-Key for the admin API
}

// RequestRecord is one request the tenant served. It never holds secrets or tokens.
type RequestRecord struct {
	Time          time.Time
	Service       string // "entra", "arm", "vault", "graph" or "admin"
	Method        string
	Host          string
	Path          string
	APIVersion    string
	Authenticated bool // an Authorization header was present
	Status        int
}

// NewSecret is a client secret as the portal shows it once, right after creation.
type NewSecret struct {
	Value   string
	ID      string
	Expires time.Time
}
