package sandbox

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Provisioning makes the things a trainee never creates in a workshop (directories,
// subscriptions, vaults); scenarios then shape them with the practice actions.

// AddDirectory creates another Entra directory (tenant) and returns its tenant ID.
func (t *Tenant) AddDirectory(domain string) (string, error) {
	if !isDomainName(domain) {
		return "", fmt.Errorf("sandbox: %q is not a domain name", domain)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.m.directory(domain) != nil {
		return "", fmt.Errorf("sandbox: directory %q already exists", domain)
	}
	d := &directory{ID: newGUID(), Domain: strings.ToLower(domain)}
	t.m.Directories = append(t.m.Directories, d)
	return d.ID, nil
}

// RegisterApp registers an application (with its service principal) in a directory,
// given by tenant ID or domain, and returns its client ID.
func (t *Tenant) RegisterApp(tenant, displayName string) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	d := t.m.directory(tenant)
	if d == nil {
		return "", fmt.Errorf("sandbox: no directory %q", tenant)
	}
	a := &app{ClientID: newGUID(), ObjectID: newGUID(), SPObjectID: newGUID(), DisplayName: displayName}
	d.Apps = append(d.Apps, a)
	return a.ClientID, nil
}

func (t *Tenant) addSubscription(tenantID, name string, rgs ...string) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := &subscription{ID: newGUID(), DisplayName: name, TenantID: tenantID, ResourceGroups: rgs}
	t.m.Subscriptions = append(t.m.Subscriptions, s)
	return s.ID
}

// addVault creates a vault as `az keyvault create` does today: RBAC permission model,
// public access on, soft delete with 90 days' retention, no purge protection.
func (t *Tenant) addVault(subID, rg, name string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.m.subscription(subID)
	if s == nil {
		return fmt.Errorf("sandbox: no subscription %q", subID)
	}
	if _, ok := s.resourceGroup(rg); !ok {
		return fmt.Errorf("sandbox: no resource group %q", rg)
	}
	t.m.Vaults = append(t.m.Vaults, &vault{
		Name: name, SubscriptionID: s.ID, ResourceGroup: rg, Location: "westeurope", TenantID: s.TenantID,
		RBAC: true, PublicAccess: true, RetentionDays: 90,
		Secrets: map[string]*secret{}, Deleted: map[string]*deletedEntry{},
		Created: t.now().Add(-30 * 24 * time.Hour).UTC(),
	})
	return nil
}

// vaultNameRE is Key Vault's vault name rule: 3-24 letters, digits and dashes, starting
// with a letter, not ending with a dash. (Consecutive dashes are also refused by Azure.)
var vaultNameRE = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$`)
