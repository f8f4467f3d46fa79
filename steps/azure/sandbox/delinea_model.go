package sandbox

import (
	"fmt"
	"strings"
	"time"
)

// The practice Secret Server: the documented part of Delinea Secret Server's REST API
// (token endpoint, secrets, templates, health check, and the Platform token endpoint
// and vault broker), over HTTPS on a loopback port of its own with the tenant's CA. It
// holds the credential secret (what Delinea presents to Entra ID) and the guide's
// example secret (what Delinea syncs to Prod-VM-Admin-Pass), as the scenario sets them.

// Names of the practice Secret Server's objects.
const (
	dsAppTemplate     = "Azure App Registration"
	dsAccountTemplate = "Password" // Secret Server's built-in account template: Resource, Username, Password, Notes
	dsCredentialName  = "Azure Key Vault connector (kv-contoso-practice)"
	dsExampleName     = "Prod VM Admin"
	dsReader          = "kvbridge-reader"
	dsOTPUser         = "kvbridge-mfa"
	dsPlatformClient  = "kvbridge-platform@contoso-practice"
	dsDomainUser      = "svc-kvbridge" // an Active Directory account: signs in with domain
	dsDomain          = "CONTOSO"
	dsRestrictedName  = "Break-glass Domain Admin"
	dsHiddenName      = "HR Payroll Database"
	dsOldAppName      = "Old app credentials (not the template)"
	dsTokenLifetime   = 20 * time.Minute // Secret Server's sample answer says expires_in 1199
)

// Field names of the Azure App Registration template. The checks find them by these
// names; the slugs below are deliberately not the obvious ones, so a client that
// guesses slugs fails here as it would on a real server.
const (
	dsFieldTenant = "Tenant ID"
	dsFieldClient = "Client ID"
	dsFieldSecret = "Client Secret"
)

// delineaState is the practice Secret Server's data, saved with the tenant.
type delineaState struct {
	Users     []*dsUser     `json:"users"`
	Templates []*dsTemplate `json:"templates"`
	Secrets   []*dsSecret   `json:"secrets"`
	// APIDisabled: web services are off; every API call answers 200 with an HTML page.
	APIDisabled bool `json:"apiDisabled,omitempty"`
	// RefreshTokens: token answers carry a refresh token (Admin › Configuration ›
	// Enable Refresh Tokens for Web Services).
	RefreshTokens bool `json:"refreshTokens"`
	// TokenSeconds is the access token lifetime (expires_in).
	TokenSeconds int `json:"tokenSeconds"`
	// CredentialSecretID and MappedSecretID name the two secrets the checks read.
	CredentialSecretID int `json:"credentialSecretId"`
	MappedSecretID     int `json:"mappedSecretId"`
	NextID             int `json:"nextId"`
}

type dsUser struct {
	Username string `json:"username"`
	Password string `json:"password"` // practice value, see model
	Domain   string `json:"domain,omitempty"`
	// OTP is the one-time code the account needs (a fixed practice code); "" for none.
	OTP string `json:"otp,omitempty"`
	// Platform: a Delinea Platform service user (client credentials), not a Secret
	// Server local user.
	Platform bool `json:"platform,omitempty"`
}

type dsTemplate struct {
	ID     int        `json:"id"`
	Name   string     `json:"name"`
	Fields []*dsField `json:"fields"`
}

type dsField struct {
	ID         int    `json:"id"`
	Slug       string `json:"slug"`
	Name       string `json:"name"`
	IsPassword bool   `json:"isPassword,omitempty"`
}

type dsSecret struct {
	ID         int               `json:"id"`
	Name       string            `json:"name"`
	TemplateID int               `json:"templateId"`
	FolderID   int               `json:"folderId"`
	Values     map[string]string `json:"values"` // by slug; practice values, see model
	// Viewers may view the secret (its View permission, by user name).
	Viewers []string `json:"viewers"`
	// Restriction is what viewing needs: "", "comment", "checkout" or "double-lock".
	Restriction string `json:"restriction,omitempty"`
	Active      bool   `json:"active"`
}

func (d *delineaState) template(id int) *dsTemplate {
	for _, t := range d.Templates {
		if t.ID == id {
			return t
		}
	}
	return nil
}

func (d *delineaState) secret(id int) *dsSecret {
	for _, s := range d.Secrets {
		if s.ID == id {
			return s
		}
	}
	return nil
}

func (d *delineaState) user(name, domain string) *dsUser {
	for _, u := range d.Users {
		if strings.EqualFold(u.Username, name) && strings.EqualFold(u.Domain, strings.TrimSpace(domain)) {
			return u
		}
	}
	return nil
}

func (d *delineaState) nextID() int {
	d.NextID++
	return d.NextID
}

func (s *dsSecret) viewable(user string) bool {
	for _, v := range s.Viewers {
		if strings.EqualFold(v, user) {
			return true
		}
	}
	return false
}

// fieldSlug returns the slug of a template field by name.
func (t *dsTemplate) fieldSlug(name string) string {
	for _, f := range t.Fields {
		if strings.EqualFold(f.Name, name) {
			return f.Slug
		}
	}
	return ""
}

// buildDelinea makes the practice Secret Server's starting state from the handout:
// the users, the two templates, the credential secret with the handed-out app
// credentials, the example secret whose password is the synced value, and three
// secrets that teach refusals (restricted, not viewable, wrong template).
func (t *Tenant) buildDelinea() {
	t.mu.Lock()
	defer t.mu.Unlock()
	h := t.m.Handout
	d := &delineaState{RefreshTokens: true, TokenSeconds: int(dsTokenLifetime / time.Second), NextID: 10}
	d.Users = []*dsUser{
		{Username: dsReader, Password: newPassword()},
		{Username: dsOTPUser, Password: newPassword(), OTP: randomString(6, "0123456789")},
		{Username: dsPlatformClient, Password: newPassword(), Platform: true},
		{Username: dsDomainUser, Domain: dsDomain, Password: newPassword()},
	}
	app := &dsTemplate{ID: 6001, Name: dsAppTemplate, Fields: []*dsField{
		{ID: 601, Slug: "azure-directory", Name: dsFieldTenant},
		{ID: 602, Slug: "azure-application", Name: dsFieldClient},
		{ID: 603, Slug: "azure-credential", Name: dsFieldSecret, IsPassword: true},
	}}
	acct := &dsTemplate{ID: 6002, Name: dsAccountTemplate, Fields: []*dsField{
		{ID: 611, Slug: "resource", Name: "Resource"},
		{ID: 612, Slug: "username", Name: "Username"},
		{ID: 613, Slug: "password", Name: "Password", IsPassword: true},
		{ID: 614, Slug: "notes", Name: "Notes"},
	}}
	d.Templates = []*dsTemplate{app, acct}
	all := []string{dsReader, dsOTPUser, dsPlatformClient, dsDomainUser}
	cred := &dsSecret{ID: d.nextID(), Name: dsCredentialName, TemplateID: app.ID, FolderID: 3, Active: true, Viewers: all,
		Values: map[string]string{"azure-directory": h.TenantID, "azure-application": h.ClientID, "azure-credential": h.ClientSecret}}
	example := &dsSecret{ID: d.nextID(), Name: dsExampleName, TemplateID: acct.ID, FolderID: 4, Active: true, Viewers: all,
		Values: map[string]string{"resource": "prod-vm-01", "username": h.SecretUsername, "password": h.SecretValue, "notes": "Synced to Azure Key Vault as " + h.SecretName}}
	restricted := &dsSecret{ID: d.nextID(), Name: dsRestrictedName, TemplateID: acct.ID, FolderID: 4, Active: true, Viewers: all, Restriction: "comment",
		Values: map[string]string{"resource": "corp.contoso.example", "username": "breakglass", "password": newPassword()}}
	hidden := &dsSecret{ID: d.nextID(), Name: dsHiddenName, TemplateID: acct.ID, FolderID: 5, Active: true, Viewers: []string{"hr-admin"},
		Values: map[string]string{"resource": "sql-hr-01", "username": "payroll", "password": newPassword()}}
	old := &dsSecret{ID: d.nextID(), Name: dsOldAppName, TemplateID: acct.ID, FolderID: 3, Active: true, Viewers: all,
		Values: map[string]string{"resource": "Azure", "username": h.ClientID, "password": h.ClientSecret}}
	d.Secrets = []*dsSecret{cred, example, restricted, hidden, old}
	d.CredentialSecretID, d.MappedSecretID = cred.ID, example.ID
	t.m.Delinea = d
}

// delineaLocked returns the practice Secret Server's state; t.mu must be held.
func (t *Tenant) delineaLocked() (*delineaState, error) {
	if t.m.Delinea == nil {
		return nil, fmt.Errorf("sandbox: this tenant has no practice Secret Server (a state saved before it existed)")
	}
	return t.m.Delinea, nil
}

// validate checks what the Secret Server handlers rely on.
func (d *delineaState) validate() error {
	for _, s := range d.Secrets {
		if s == nil || s.ID <= 0 || d.template(s.TemplateID) == nil {
			return fmt.Errorf("every Delinea secret needs a positive id and an existing template")
		}
	}
	for _, u := range d.Users {
		if u == nil || u.Username == "" || u.Password == "" {
			return fmt.Errorf("every Delinea user needs a user name and a password")
		}
	}
	return nil
}

// delineaInfoLocked fills Info's Delinea fields; t.mu must be held.
func (t *Tenant) delineaInfoLocked(info *Info) {
	d := t.m.Delinea
	if d == nil {
		return
	}
	info.DelineaURL, info.DelineaPlatformURL = t.delineaURL, t.delineaURL+dsPlatformPrefix
	for _, u := range d.Users {
		switch {
		case u.Platform && info.DelineaPlatformClientID == "":
			info.DelineaPlatformClientID, info.DelineaPlatformSecret = u.Username, u.Password
		case u.OTP != "" && info.DelineaOTPUsername == "":
			info.DelineaOTPUsername, info.DelineaOTPPassword, info.DelineaOTP = u.Username, u.Password, u.OTP
		case u.Domain != "" && info.DelineaDomainUsername == "":
			info.DelineaDomain, info.DelineaDomainUsername, info.DelineaDomainPassword = u.Domain, u.Username, u.Password
		case !u.Platform && u.OTP == "" && info.DelineaUsername == "":
			info.DelineaUsername, info.DelineaPassword = u.Username, u.Password
		}
	}
	info.CredentialSecretID, info.MappedSecretID = d.CredentialSecretID, d.MappedSecretID
	if s := d.secret(d.CredentialSecretID); s != nil {
		info.CredentialSecretName = s.Name
	}
	if s := d.secret(d.MappedSecretID); s != nil {
		info.MappedSecretName = s.Name
	}
}
