package sandbox

import (
	"fmt"
	"slices"
	"strings"
)

// Practice actions on the Delinea side. Like the Azure ones they change the model at
// once; kvbridge itself never calls them against a real server (it never writes to
// Secret Server): they stand for what the admin does in Secret Server's web UI.

// SetCredentialField sets a field of the credential secret (the Azure App Registration
// secret) by the template's field name: "Tenant ID", "Client ID" or "Client Secret". The
// value is stored as given, spaces included, as Secret Server would.
func (t *Tenant) SetCredentialField(field, value string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	d, err := t.delineaLocked()
	if err != nil {
		return err
	}
	s := d.secret(d.CredentialSecretID)
	if s == nil {
		return fmt.Errorf("sandbox: the credential secret is gone")
	}
	slug := d.template(s.TemplateID).fieldSlug(field)
	if slug == "" {
		return fmt.Errorf("sandbox: the credential secret has no field %q (it has %s, %s and %s)", field, dsFieldTenant, dsFieldClient, dsFieldSecret)
	}
	s.Values[slug] = value
	return nil
}

// SetExamplePassword changes the example secret's password in Secret Server, without
// syncing it (SaveExampleSecret syncs). An empty password makes a new random one. The
// handout follows: it is what Delinea holds.
func (t *Tenant) SetExamplePassword(password string) error {
	if password == "" {
		password = newPassword()
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	d, err := t.delineaLocked()
	if err != nil {
		return err
	}
	s := d.secret(d.MappedSecretID)
	if s == nil {
		return fmt.Errorf("sandbox: the example secret is gone")
	}
	s.Values[d.template(s.TemplateID).fieldSlug("Password")] = password
	t.m.Handout.SecretValue = password
	return nil
}

// SaveExampleSecret is Save on the example secret in Secret Server: Delinea pushes the
// password to Prod-VM-Admin-Pass as the secret's value and the username as its tag
// "username", signing in to Azure with the credential secret's values exactly as
// stored. When those values or the app's rights would make Delinea's push fail, nothing
// is written and the error says why, as Delinea's last push result would.
func (t *Tenant) SaveExampleSecret() error {
	t.mu.Lock()
	d, err := t.delineaLocked()
	if err != nil {
		t.mu.Unlock()
		return err
	}
	cred, ex := d.secret(d.CredentialSecretID), d.secret(d.MappedSecretID)
	if cred == nil || ex == nil {
		t.mu.Unlock()
		return fmt.Errorf("sandbox: the credential or example secret is gone")
	}
	ct, et := d.template(cred.TemplateID), d.template(ex.TemplateID)
	tenant, client, secret := cred.Values[ct.fieldSlug(dsFieldTenant)], cred.Values[ct.fieldSlug(dsFieldClient)], cred.Values[ct.fieldSlug(dsFieldSecret)]
	password, username := ex.Values[et.fieldSlug("Password")], ex.Values[et.fieldSlug("Username")]
	name := t.m.Handout.SecretName
	if name == "" {
		name = exampleSecret
	}
	perr := t.pushAllowedLocked(tenant, client, secret)
	t.mu.Unlock()
	if perr != nil {
		return fmt.Errorf("sandbox: Delinea's push of %s failed: %w", name, perr)
	}
	return t.SetVaultSecret(practiceVault, name, password, map[string]string{"username": username})
}

// pushAllowedLocked says why Delinea could not write to the practice vault with these
// credentials, or nil: the directory, the app, a current client secret whose value is
// this one, the app enabled and not blocked, the vault reachable, and setSecret
// allowed (by a propagated role, or an access policy with set). t.mu must be held.
func (t *Tenant) pushAllowedLocked(tenant, client, secret string) error {
	dir := t.m.directory(tenant)
	if dir == nil || tenant != strings.TrimSpace(tenant) {
		return fmt.Errorf("Entra ID does not know the tenant in the credential secret (AADSTS90002)")
	}
	a := dir.app(client)
	if a == nil || client != strings.TrimSpace(client) {
		return fmt.Errorf("Entra ID does not know the client ID in the credential secret in this tenant (AADSTS700016)")
	}
	now := t.now()
	valid := slices.IndexFunc(a.Secrets, func(s *clientSecret) bool { return s.matches(secret) && now.Before(s.End) })
	if valid < 0 {
		return fmt.Errorf("Entra ID refused the client secret in the credential secret (AADSTS7000215 or 7000222)")
	}
	if a.Disabled || a.CABlocked {
		return fmt.Errorf("Entra ID refused the app's sign-in (disabled, or blocked by Conditional Access)")
	}
	v := t.m.vault(practiceVault)
	if v == nil {
		return fmt.Errorf("the vault %s is gone", practiceVault)
	}
	if v.FirewallDeny || !v.PublicAccess {
		return fmt.Errorf("the vault's network rules refused Delinea's call")
	}
	if v.RBAC {
		if !t.m.allowed(a.SPObjectID, "Microsoft.KeyVault/vaults/"+opSet.action, v.id()+"/secrets/"+exampleSecret, now, true) {
			return fmt.Errorf("Key Vault refused setSecret (ForbiddenByRbac)")
		}
		return nil
	}
	for _, p := range v.AccessPolicies {
		if strings.EqualFold(p.ObjectID, a.SPObjectID) && slices.ContainsFunc(p.Secrets, func(s string) bool { return strings.EqualFold(s, "set") || strings.EqualFold(s, "all") }) {
			return nil
		}
	}
	return fmt.Errorf("Key Vault refused setSecret (the access policies do not allow set)")
}

// SetDelineaAPIEnabled turns Secret Server's web services on or off; off, every call
// is answered 200 with an HTML page, the trap clients must recognise.
func (t *Tenant) SetDelineaAPIEnabled(on bool) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	d, err := t.delineaLocked()
	if err != nil {
		return err
	}
	d.APIDisabled = !on
	return nil
}

// SetDelineaThrottling makes the practice Secret Server answer every call 429 with a
// 30-second Retry-After (longer than a client should wait).
func (t *Tenant) SetDelineaThrottling(on bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.dsRT().throttle = on
}

// SetSecretRestriction makes viewing a secret need a comment, a checkout or a
// double-lock password ("comment", "checkout", "double-lock"), or nothing ("").
func (t *Tenant) SetSecretRestriction(id int, restriction string) error {
	if !slices.Contains([]string{"", "comment", "checkout", "double-lock"}, restriction) {
		return fmt.Errorf("sandbox: restriction %q: use comment, checkout, double-lock or nothing", restriction)
	}
	return t.withDelineaSecret(id, func(s *dsSecret) { s.Restriction = restriction })
}

// SetSecretViewers replaces who may view a secret (user names).
func (t *Tenant) SetSecretViewers(id int, users []string) error {
	return t.withDelineaSecret(id, func(s *dsSecret) { s.Viewers = append([]string(nil), users...) })
}

// SetDelineaTokenLifetime sets expires_in of the tokens issued from now on, and whether
// refresh tokens come with them.
func (t *Tenant) SetDelineaTokenLifetime(seconds int, refresh bool) error {
	if seconds <= 0 {
		return fmt.Errorf("sandbox: a token lifetime is a positive number of seconds")
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	d, err := t.delineaLocked()
	if err != nil {
		return err
	}
	d.TokenSeconds, d.RefreshTokens = seconds, refresh
	return nil
}

// UseTemplateForCredential moves the credential secret to another template by name
// (its values are kept by field name where the new template has the field), which
// teaches wrong-template.
func (t *Tenant) UseTemplateForCredential(templateName string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	d, err := t.delineaLocked()
	if err != nil {
		return err
	}
	s := d.secret(d.CredentialSecretID)
	var to *dsTemplate
	for _, tp := range d.Templates {
		if strings.EqualFold(tp.Name, templateName) {
			to = tp
		}
	}
	if s == nil || to == nil {
		return fmt.Errorf("sandbox: no template %q", templateName)
	}
	from := d.template(s.TemplateID)
	vals := map[string]string{}
	for _, f := range from.Fields {
		if slug := to.fieldSlug(f.Name); slug != "" {
			vals[slug] = s.Values[f.Slug]
		}
	}
	s.TemplateID, s.Values = to.ID, vals
	return nil
}

func (t *Tenant) withDelineaSecret(id int, fn func(*dsSecret)) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	d, err := t.delineaLocked()
	if err != nil {
		return err
	}
	s := d.secret(id)
	if s == nil {
		return fmt.Errorf("sandbox: no Delinea secret %d", id)
	}
	fn(s)
	return nil
}

// finishDelinea gives the credential secret the scenario's handed-out values (what
// the admin typed into Secret Server), then applies what the scenario changes on the
// Delinea side alone.
func (t *Tenant) finishDelinea(scenario string) error {
	t.mu.Lock()
	h := t.m.Handout
	t.mu.Unlock()
	for _, f := range [][2]string{{dsFieldTenant, h.TenantID}, {dsFieldClient, h.ClientID}, {dsFieldSecret, h.ClientSecret}} {
		if err := t.SetCredentialField(f[0], f[1]); err != nil {
			return err
		}
	}
	switch scenario {
	case "delinea-typo":
		// Pasted with a trailing space: Entra ID matches client IDs exactly.
		return t.SetCredentialField(dsFieldClient, h.ClientID+" ")
	case "value-drift":
		// Someone changed the password in Secret Server and the push never happened.
		return t.SetExamplePassword("")
	}
	return nil
}

// delineaLookLocked fills Look's Delinea fields; t.mu must be held.
func (t *Tenant) delineaLookLocked(l *Look, v *vault) {
	d := t.m.Delinea
	if d == nil {
		return
	}
	cred, ex := d.secret(d.CredentialSecretID), d.secret(d.MappedSecretID)
	if cred == nil || ex == nil {
		return
	}
	l.DelineaKnown = true
	client := cred.Values[d.template(cred.TemplateID).fieldSlug(dsFieldClient)]
	l.ClientIDSpaced = client != strings.TrimSpace(client)
	pw := ex.Values[d.template(ex.TemplateID).fieldSlug("Password")]
	if s := v.Secrets[strings.ToLower(t.m.Handout.SecretName)]; s != nil {
		l.PasswordSynced = s.current().Value == pw
	}
}

// TrimCredentialField removes whitespace around a credential secret field's value, as
// an admin correcting it in Secret Server's web UI would.
func (t *Tenant) TrimCredentialField(field string) error {
	t.mu.Lock()
	d, err := t.delineaLocked()
	if err != nil {
		t.mu.Unlock()
		return err
	}
	s := d.secret(d.CredentialSecretID)
	var v string
	if s != nil {
		v = s.Values[d.template(s.TemplateID).fieldSlug(field)]
	}
	t.mu.Unlock()
	return t.SetCredentialField(field, strings.TrimSpace(v))
}
