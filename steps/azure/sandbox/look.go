package sandbox

import "strings"

// Look is what the portal would show of one app and one vault right now:
// enough to put the current state beside each practice action ("Reader:
// assigned"). It holds no secret.
type Look struct {
	// Roles are the built-in roles the app holds directly on the vault, by name.
	Roles []string
	// RBAC: the vault uses Azure RBAC (false: access policies).
	RBAC bool
	// PublicAccess and FirewallDeny are the vault's network settings.
	PublicAccess, FirewallDeny bool
	// SecretDeleted: the guide's example secret is soft-deleted (recoverable).
	SecretDeleted bool
	// ClientSecrets is how many client secrets the app has.
	ClientSecrets int
	// Policy is the secret permissions the vault's access policies give the
	// app (read only while the vault uses access policies).
	Policy []string
	// Delinea's side: whether the credential secret's Client ID has whitespace
	// around it, and whether the example secret's password in Secret Server is
	// the value in the vault (DelineaKnown: the tenant has a Secret Server).
	DelineaKnown, ClientIDSpaced, PasswordSynced bool
}

// Look reads the app's roles on the vault and the vault's settings.
func (t *Tenant) Look(clientID, vaultName string) (Look, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	_, a, err := t.appLocked(clientID)
	if err != nil {
		return Look{}, err
	}
	v, err := t.vaultLocked(vaultName)
	if err != nil {
		return Look{}, err
	}
	var l Look
	scope := normScope(v.id())
	for _, ia := range t.m.principalAssignments(a.SPObjectID) {
		if ia.a.active() && ia.scope == scope && ia.role != nil {
			l.Roles = append(l.Roles, ia.role.Name)
		}
	}
	l.RBAC, l.PublicAccess, l.FirewallDeny = v.RBAC, v.PublicAccess, v.FirewallDeny
	_, l.SecretDeleted = v.Deleted[strings.ToLower(t.m.Handout.SecretName)]
	l.ClientSecrets = len(a.Secrets)
	for _, p := range v.AccessPolicies {
		if strings.EqualFold(p.ObjectID, a.SPObjectID) {
			l.Policy = append(l.Policy, p.Secrets...)
		}
	}
	t.delineaLookLocked(&l, v)
	return l, nil
}
