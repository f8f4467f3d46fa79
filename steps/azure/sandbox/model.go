package sandbox

import (
	"strings"
	"time"
)

// model is the whole tenant state. It is plain data, saved and loaded as JSON, and only
// touched with Tenant.mu held.
//
// Save files hold the app registrations' client secret values and the vault secrets.
// They are practice values, valid only against a practice tenant; that is the only reason
// they may be written to disk at all.
type model struct {
	Scenario string `json:"scenario"`
	// Seed is mystery's seed. It is not saved: with kvbridge at hand it names the
	// scenario as plainly as the answer key does, and a saved state needs no seed.
	Seed             int64           `json:"-"`
	Directories      []*directory    `json:"directories"`
	Subscriptions    []*subscription `json:"subscriptions"`
	Assignments      []*assignment   `json:"roleAssignments"`
	Vaults           []*vault        `json:"vaults"`
	PropagationDelay time.Duration   `json:"propagationDelay"`
	Throttle         bool            `json:"throttle"`
	Handout          handout         `json:"handout"`
	Answer           *AnswerKey      `json:"answerKey,omitempty"`
	// Delinea is the practice Secret Server; nil in states saved before it existed.
	Delinea *delineaState `json:"delinea,omitempty"`

	idx *modelIndex // derived lookups, see index.go
}

// handout is what the trainee was given, right or wrong, per the scenario.
type handout struct {
	TenantID, TenantDomain, ClientID, ClientSecret, ClientSecretID string
	SecretName, SecretUsername, SecretValue                        string
}

type directory struct {
	ID     string `json:"id"`
	Domain string `json:"domain"`
	Apps   []*app `json:"apps"`
}

// app is an app registration together with its service principal in the same directory.
type app struct {
	ClientID    string          `json:"appId"`
	ObjectID    string          `json:"objectId"`
	SPObjectID  string          `json:"servicePrincipalObjectId"`
	DisplayName string          `json:"displayName"`
	Disabled    bool            `json:"disabled,omitempty"`
	Secrets     []*clientSecret `json:"passwordCredentials"`
	// GraphPermissions are the Microsoft Graph application permissions granted to the
	// app with admin consent; tokens for Graph carry them as roles.
	GraphPermissions []string `json:"graphAppRoles,omitempty"`
	// CABlocked: a Conditional Access policy for workload identities blocks the app's
	// token issue (AADSTS53003).
	CABlocked bool `json:"conditionalAccessBlocked,omitempty"`
}

type clientSecret struct {
	KeyID string `json:"keyId"`
	// Hash is the value's salted SHA-256 (secrethash.go). As in Entra, a client secret's
	// value is shown once, when it is made, and never kept readable: a saved tenant
	// handed to trainees does not give away a secret they were meant to recreate.
	Hash string `json:"secretHash"`
	// Legacy is the readable value older save files held; Load hashes it.
	Legacy      string    `json:"secretText,omitempty"`
	Hint        string    `json:"hint"`
	DisplayName string    `json:"displayName"`
	Start       time.Time `json:"startDateTime"`
	End         time.Time `json:"endDateTime"`
}

type subscription struct {
	ID             string   `json:"subscriptionId"`
	DisplayName    string   `json:"displayName"`
	TenantID       string   `json:"tenantId"`
	ResourceGroups []string `json:"resourceGroups"`
}

// assignment is a role assignment. Removed is zero while it is active. The data plane
// sees it from DataFrom until DataUntil (zero: no end): both are fixed when the change
// is made, with the propagation delay in force then, so changing the delay later does
// not rewrite history. A removed one is kept until DataUntil.
type assignment struct {
	ID          string    `json:"id"`
	PrincipalID string    `json:"principalId"`
	RoleID      string    `json:"roleDefinitionId"`
	Scope       string    `json:"scope"`
	Created     time.Time `json:"createdOn"`
	Removed     time.Time `json:"removedOn,omitzero"`
	DataFrom    time.Time `json:"dataPlaneFrom"`
	DataUntil   time.Time `json:"dataPlaneUntil,omitzero"`
}

type vault struct {
	Name            string                   `json:"name"`
	SubscriptionID  string                   `json:"subscriptionId"`
	ResourceGroup   string                   `json:"resourceGroup"`
	Location        string                   `json:"location"`
	TenantID        string                   `json:"tenantId"`
	RBAC            bool                     `json:"enableRbacAuthorization"`
	PublicAccess    bool                     `json:"publicNetworkAccess"`
	FirewallDeny    bool                     `json:"firewallDeny"`
	RetentionDays   int                      `json:"softDeleteRetentionInDays"`
	PurgeProtection bool                     `json:"enablePurgeProtection"`
	AccessPolicies  []*accessPolicy          `json:"accessPolicies"`
	Secrets         map[string]*secret       `json:"secrets"`        // by lower-case name
	Deleted         map[string]*deletedEntry `json:"deletedSecrets"` // by lower-case name
	Created         time.Time                `json:"createdAt"`
}

type accessPolicy struct {
	TenantID     string   `json:"tenantId"`
	ObjectID     string   `json:"objectId"`
	Keys         []string `json:"keys"`
	Secrets      []string `json:"secrets"`
	Certificates []string `json:"certificates"`
}

// secret is a Key Vault secret; its current version is the last one created.
type secret struct {
	Name     string           `json:"name"`
	Versions []*secretVersion `json:"versions"`
}

type secretVersion struct {
	Version     string            `json:"version"`
	Value       string            `json:"value"` // practice value, see model
	ContentType string            `json:"contentType,omitempty"`
	Tags        map[string]string `json:"tags,omitempty"`
	Enabled     bool              `json:"enabled"`
	NotBefore   *int64            `json:"nbf,omitempty"`
	Expires     *int64            `json:"exp,omitempty"`
	Created     int64             `json:"created"`
	Updated     int64             `json:"updated"`
}

type deletedEntry struct {
	Secret             *secret `json:"secret"`
	DeletedDate        int64   `json:"deletedDate"`
	ScheduledPurgeDate int64   `json:"scheduledPurgeDate"`
}

func (s *secret) current() *secretVersion { return s.Versions[len(s.Versions)-1] }

func (s *secret) version(v string) *secretVersion {
	for _, sv := range s.Versions {
		if strings.EqualFold(sv.Version, v) {
			return sv
		}
	}
	return nil
}

func (v *vault) id() string {
	return "/subscriptions/" + v.SubscriptionID + "/resourceGroups/" + v.ResourceGroup + "/providers/Microsoft.KeyVault/vaults/" + v.Name
}

func (m *model) directory(idOrDomain string) *directory {
	for _, d := range m.Directories {
		if strings.EqualFold(d.ID, idOrDomain) || strings.EqualFold(d.Domain, idOrDomain) {
			return d
		}
	}
	return nil
}

func (d *directory) app(clientID string) *app {
	for _, a := range d.Apps {
		if strings.EqualFold(a.ClientID, clientID) {
			return a
		}
	}
	return nil
}

// appAnywhere finds an app registration by client ID in any directory.
func (m *model) appAnywhere(clientID string) (*directory, *app) {
	for _, d := range m.Directories {
		if a := d.app(clientID); a != nil {
			return d, a
		}
	}
	return nil, nil
}

func (m *model) subscription(id string) *subscription {
	return m.index().subs[strings.ToLower(id)]
}

func (s *subscription) resourceGroup(name string) (string, bool) {
	for _, rg := range s.ResourceGroups {
		if strings.EqualFold(rg, name) {
			return rg, true
		}
	}
	return "", false
}

func (m *model) vault(name string) *vault {
	return m.index().vaults[strings.ToLower(name)]
}

// purgeExpired drops deleted secrets whose scheduled purge date has passed, as the
// service does on its own.
// recover brings a soft-deleted secret back, with all its versions and tags,
// as Key Vault's recover does; nil when no deleted secret has that name.
func (v *vault) recover(name string) *secret {
	key := strings.ToLower(name)
	d := v.Deleted[key]
	if d == nil {
		return nil
	}
	delete(v.Deleted, key)
	if v.Secrets == nil {
		v.Secrets = map[string]*secret{}
	}
	v.Secrets[key] = d.Secret
	return d.Secret
}

func (v *vault) purgeExpired(now int64) {
	for k, d := range v.Deleted {
		if d.ScheduledPurgeDate <= now {
			delete(v.Deleted, k)
		}
	}
}
