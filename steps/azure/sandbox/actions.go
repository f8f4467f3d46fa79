package sandbox

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// The practice actions change the tenant as the portal would. Errors name what was
// wrong and never carry a secret value.

const maxSecretLifetime = 730 * 24 * time.Hour // the portal's limit: 24 months

// showID quotes an ID for an error message, unless it does not look like one: a value
// typed into the wrong field may be a secret, and errors never carry secrets.
func showID(s string) string {
	if isGUID(s) {
		return fmt.Sprintf("%q", s)
	}
	return "(not a GUID)"
}

func (t *Tenant) appLocked(clientID string) (*directory, *app, error) {
	d, a := t.m.appAnywhere(clientID)
	if a == nil {
		return nil, nil, refuse("no app registration with client ID %s", showID(clientID))
	}
	return d, a, nil
}

func (t *Tenant) vaultLocked(name string) (*vault, error) {
	v := t.m.vault(name)
	if v == nil {
		return nil, refuse("no vault named %q", name)
	}
	return v, nil
}

// resolveScopeLocked turns a scope into its canonical ARM ID. Besides full IDs it takes
// the shorthands "subscription", "resource-group" and "vault" for the practice vault.
func (t *Tenant) resolveScopeLocked(scope string) (string, *subscription, error) {
	if len(t.m.Vaults) > 0 {
		v := t.m.Vaults[0]
		switch strings.ToLower(strings.TrimSpace(scope)) {
		case "subscription":
			scope = "/subscriptions/" + v.SubscriptionID
		case "resource-group", "resourcegroup":
			scope = "/subscriptions/" + v.SubscriptionID + "/resourceGroups/" + v.ResourceGroup
		case "vault":
			scope = v.id()
		}
	}
	segs := strings.Split(strings.Trim(normScope(scope), "/"), "/")
	orig := strings.Split(strings.Trim(scope, "/"), "/")
	bad := refuse("scope %q is not a subscription, resource group or vault of this tenant", scope)
	if len(segs) < 2 || len(orig) != len(segs) || segs[0] != "subscriptions" {
		return "", nil, bad
	}
	s := t.m.subscription(orig[1])
	if s == nil {
		return "", nil, bad
	}
	switch len(segs) {
	case 2:
		return "/subscriptions/" + s.ID, s, nil
	case 4:
		if rg, ok := s.resourceGroup(orig[3]); ok && segs[2] == "resourcegroups" {
			return "/subscriptions/" + s.ID + "/resourceGroups/" + rg, s, nil
		}
	case 8:
		if v := t.m.vault(orig[7]); v != nil && normScope(v.id()) == normScope(scope) {
			return v.id(), s, nil
		}
	}
	return "", nil, bad
}

// AssignRole gives the app's service principal a built-in role (by name or ID) at a
// scope. The control plane sees it at once; the data plane after the propagation delay.
func (t *Tenant) AssignRole(principalClientID, roleName, scope string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	d, a, err := t.appLocked(principalClientID)
	if err != nil {
		return err
	}
	r := roleByName(roleName)
	if r == nil {
		return refuse("no built-in role %q", roleName)
	}
	canon, s, err := t.resolveScopeLocked(scope)
	if err != nil {
		return err
	}
	if !strings.EqualFold(s.TenantID, d.ID) {
		return refuse("app %s belongs to another directory than subscription %s", a.ClientID, s.ID)
	}
	if t.activeAssignmentLocked(a.SPObjectID, r.ID, canon) != nil {
		return refuse("the role assignment already exists (%s at %s)", r.Name, canon)
	}
	t.m.pruneAssignments(t.now())
	na := &assignment{
		ID: newGUID(), PrincipalID: a.SPObjectID, RoleID: r.ID, Scope: canon, Created: t.now(),
		DataFrom: t.now().Add(t.m.PropagationDelay),
	}
	t.m.Assignments = append(t.m.Assignments, na)
	t.m.indexAssignment(na)
	return nil
}

// activeAssignmentLocked finds the principal's active assignment of a role at scope.
func (t *Tenant) activeAssignmentLocked(oid, roleID, scope string) *assignment {
	target := normScope(scope)
	for _, ia := range t.m.principalAssignments(oid) {
		if ia.a.active() && ia.a.RoleID == roleID && ia.scope == target {
			return ia.a
		}
	}
	return nil
}

// RemoveRole removes a role assignment; the data plane keeps honouring it for the
// propagation delay, as Azure's caches do.
func (t *Tenant) RemoveRole(principalClientID, roleName, scope string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	_, a, err := t.appLocked(principalClientID)
	if err != nil {
		return err
	}
	r := roleByName(roleName)
	if r == nil {
		return refuse("no built-in role %q", roleName)
	}
	canon, _, err := t.resolveScopeLocked(scope)
	if err != nil {
		return err
	}
	if as := t.activeAssignmentLocked(a.SPObjectID, r.ID, canon); as != nil {
		as.Removed, as.DataUntil = t.now(), t.now().Add(t.m.PropagationDelay)
		t.m.pruneAssignments(t.now())
		return nil
	}
	return refuse("no assignment of %s at %s for app %s", r.Name, canon, a.ClientID)
}

// SetPropagationDelay sets how long role changes take to reach the data plane.
func (t *Tenant) SetPropagationDelay(d time.Duration) error {
	if d < 0 || d > 24*time.Hour {
		return refuse("propagation delay %s out of range", d)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.m.PropagationDelay = d
	return nil
}

// SetThrottling turns the throttled behaviour on or off: each distinct ARM or Key Vault
// call is refused once with 429 (see throttle.go).
func (t *Tenant) SetThrottling(on bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.m.Throttle = on
	clear(t.seen)
}

// AddClientSecret adds a client secret to an app. Lifetime 0 means the portal's
// recommended 180 days; more than 24 months is refused, as in the portal. The value is
// returned here only, as the portal shows it once.
func (t *Tenant) AddClientSecret(clientID string, lifetime time.Duration) (NewSecret, error) {
	if lifetime == 0 {
		lifetime = 180 * 24 * time.Hour
	}
	if lifetime < 0 || lifetime > maxSecretLifetime {
		return NewSecret{}, refuse("client secret lifetime %s out of range (the portal allows up to 24 months)", lifetime)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	_, a, err := t.appLocked(clientID)
	if err != nil {
		return NewSecret{}, err
	}
	now := t.now().UTC()
	value := newClientSecretValue()
	cs := &clientSecret{KeyID: newGUID(), Hash: hashSecret(value), Hint: value[:3], DisplayName: "kvbridge practice", Start: now, End: now.Add(lifetime)}
	a.Secrets = append(a.Secrets, cs)
	return NewSecret{Value: value, ID: cs.KeyID, Expires: cs.End}, nil
}

func (t *Tenant) clientSecretLocked(clientID, secretID string) (*app, int, error) {
	_, a, err := t.appLocked(clientID)
	if err != nil {
		return nil, -1, err
	}
	i := slices.IndexFunc(a.Secrets, func(s *clientSecret) bool { return strings.EqualFold(s.KeyID, secretID) })
	if i < 0 {
		return nil, -1, refuse("app %s has no client secret with ID %s", a.ClientID, showID(secretID))
	}
	return a, i, nil
}

// ExpireClientSecret moves a secret's end date to one hour ago.
func (t *Tenant) ExpireClientSecret(clientID, secretID string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	a, i, err := t.clientSecretLocked(clientID, secretID)
	if err != nil {
		return err
	}
	s := a.Secrets[i]
	s.End = t.now().UTC().Add(-time.Hour)
	if s.Start.After(s.End) {
		s.Start = s.End.Add(-180 * 24 * time.Hour)
	}
	return nil
}

// DeleteClientSecret removes a client secret from an app.
func (t *Tenant) DeleteClientSecret(clientID, secretID string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	a, i, err := t.clientSecretLocked(clientID, secretID)
	if err != nil {
		return err
	}
	a.Secrets = slices.Delete(a.Secrets, i, i+1)
	return nil
}

// SetAppEnabled enables or disables sign-in for an app (AADSTS7000112 when disabled).
func (t *Tenant) SetAppEnabled(clientID string, enabled bool) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	_, a, err := t.appLocked(clientID)
	if err != nil {
		return err
	}
	a.Disabled = !enabled
	return nil
}

// SetConditionalAccessBlock turns on (or off) a Conditional Access policy for workload
// identities that blocks the app: Entra then refuses its tokens with AADSTS53003, after
// checking the secret, as a policy (say, a named-location rule) would.
func (t *Tenant) SetConditionalAccessBlock(clientID string, blocked bool) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	_, a, err := t.appLocked(clientID)
	if err != nil {
		return err
	}
	a.CABlocked = blocked
	return nil
}

// EnablePurgeProtection turns on the vault's purge protection. As in Azure it cannot be
// turned off again: deleted secrets can then only be recovered, or wait out retention.
func (t *Tenant) EnablePurgeProtection(vaultName string) error {
	return t.withVault(vaultName, func(v *vault) error { v.PurgeProtection = true; return nil })
}

// MoveVaultToTenant sets the vault's tenantId to another directory of this practice
// tenant, as a vault whose subscription moved between tenants keeps its old one until
// fixed. Key Vault then refuses the app's tokens with AKV10032 (wrong issuer), and its
// 401 challenge names the vault's tenant.
func (t *Tenant) MoveVaultToTenant(vaultName, tenant string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	d := t.m.directory(tenant)
	if d == nil {
		return refuse("no directory %q (AddDirectory makes one)", tenant)
	}
	v, err := t.vaultLocked(vaultName)
	if err != nil {
		return err
	}
	v.TenantID = d.ID
	return nil
}

// SetPermissionModel switches a vault between Azure RBAC and access policies.
func (t *Tenant) SetPermissionModel(vaultName string, rbac bool) error {
	return t.withVault(vaultName, func(v *vault) error { v.RBAC = rbac; return nil })
}

var policySecretPerms = []string{"get", "list", "set", "delete", "recover", "backup", "restore", "purge", "all"}

// AddAccessPolicy grants an app's service principal secret permissions on a vault (used
// only while the vault is on the access-policy model). An existing policy for the same
// principal gets the new secret permissions, as the portal's edit does.
func (t *Tenant) AddAccessPolicy(vaultName, clientID string, secretPerms []string) error {
	perms := make([]string, 0, len(secretPerms))
	for _, p := range secretPerms {
		p = strings.ToLower(strings.TrimSpace(p))
		if !slices.Contains(policySecretPerms, p) {
			return refuse("%q is not a secret permission (want one of %s)", p, strings.Join(policySecretPerms, ", "))
		}
		perms = append(perms, p)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	d, a, err := t.appLocked(clientID)
	if err != nil {
		return err
	}
	v, err := t.vaultLocked(vaultName)
	if err != nil {
		return err
	}
	for _, p := range v.AccessPolicies {
		if strings.EqualFold(p.ObjectID, a.SPObjectID) {
			p.Secrets = perms
			return nil
		}
	}
	v.AccessPolicies = append(v.AccessPolicies, &accessPolicy{TenantID: d.ID, ObjectID: a.SPObjectID, Secrets: perms})
	return nil
}

// SetFirewall sets the vault's network default action to Deny (true) or Allow.
func (t *Tenant) SetFirewall(vaultName string, deny bool) error {
	return t.withVault(vaultName, func(v *vault) error { v.FirewallDeny = deny; return nil })
}

// SetPublicAccess enables or disables public network access to the vault.
func (t *Tenant) SetPublicAccess(vaultName string, enabled bool) error {
	return t.withVault(vaultName, func(v *vault) error { v.PublicAccess = enabled; return nil })
}

// SetVaultSecret writes a new version of a vault secret, as a sync would.
func (t *Tenant) SetVaultSecret(vaultName, name, value string, tags map[string]string) error {
	if !secretNameRE.MatchString(name) {
		return refuse("%q is not a valid Key Vault secret name (1-127 letters, digits and dashes)", name)
	}
	if len(value) > maxValueBytes || len(tags) > maxTags {
		return refuse("secret %q exceeds Key Vault's limits (25 KB value, 15 tags)", name)
	}
	return t.withVault(vaultName, func(v *vault) error {
		now := t.now().Unix()
		if _, err := v.set(name, &secretVersion{Value: value, Tags: tags, Enabled: true, Created: now, Updated: now}); err != nil {
			return refuse("secret %q is deleted but recoverable; recover or purge it first", name)
		}
		return nil
	})
}

// DeleteVaultSecret soft-deletes a vault secret.
func (t *Tenant) DeleteVaultSecret(vaultName, name string) error {
	return t.withVault(vaultName, func(v *vault) error {
		if v.softDelete(name, t.now().Unix()) == nil {
			return refuse("vault %s has no secret %q", v.Name, name)
		}
		return nil
	})
}

// RecoverVaultSecret recovers a soft-deleted secret, as the portal's Manage
// deleted secrets › Recover (or az keyvault secret recover) does.
func (t *Tenant) RecoverVaultSecret(vaultName, name string) error {
	return t.withVault(vaultName, func(v *vault) error {
		if v.recover(name) == nil {
			return refuse("vault %s has no deleted secret %q", v.Name, name)
		}
		return nil
	})
}

func (t *Tenant) withVault(name string, fn func(*vault) error) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	v, err := t.vaultLocked(name)
	if err != nil {
		return err
	}
	return fn(v)
}
