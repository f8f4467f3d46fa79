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
	t.m.indexSubscription(s)
	return s.ID
}

// AddSubscription creates a subscription in the practice directory (the tenant's first)
// and returns its ID. It has no resource group until AddVault makes one.
func (t *Tenant) AddSubscription(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 64 {
		return "", fmt.Errorf("sandbox: a subscription name has 1-64 characters")
	}
	t.mu.Lock()
	if len(t.m.Directories) == 0 {
		t.mu.Unlock()
		return "", fmt.Errorf("sandbox: the tenant has no directory")
	}
	tid := t.m.Directories[0].ID
	t.mu.Unlock()
	return t.addSubscription(tid, name), nil
}

// VaultInfo describes a vault made by AddVault.
type VaultInfo struct {
	Name, ID, URL, SubscriptionID, ResourceGroup string
}

// resourceGroupRE is Azure's resource group name rule: 1-90 letters, digits, '_', '-',
// '.', '(' and ')', not ending with a period.
var resourceGroupRE = regexp.MustCompile(`^[-\w.()]{0,89}[-\w()]$`)

// AddVault creates a vault in a subscription's resource group, making the resource
// group if it does not exist (as `az group create` then `az keyvault create` would).
// The vault is as addVault describes and has no secrets and no role assignments. On a
// running tenant it is served at once: in Hostnames wiring at
// https://{name}.vault.azure.net/ on the one listener (no cost beyond the model); in
// Loopback wiring on a port of its own, up to 1,000 vaults (see maxLoopbackVaults).
func (t *Tenant) AddVault(subscriptionID, resourceGroup, name string) (VaultInfo, error) {
	if !vaultNameRE.MatchString(name) || strings.Contains(name, "--") {
		return VaultInfo{}, fmt.Errorf("sandbox: %q is not a valid vault name (3-24 letters, digits and single dashes, starting with a letter)", name)
	}
	if !resourceGroupRE.MatchString(resourceGroup) {
		return VaultInfo{}, fmt.Errorf("sandbox: %q is not a valid resource group name", resourceGroup)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.m.subscription(subscriptionID)
	if s == nil {
		return VaultInfo{}, fmt.Errorf("sandbox: no subscription %s", showID(subscriptionID))
	}
	if t.m.vault(name) != nil {
		return VaultInfo{}, fmt.Errorf("sandbox: the vault name %q is already in use (vault names are global)", name)
	}
	rg, ok := s.resourceGroup(resourceGroup)
	if !ok {
		rg = resourceGroup
		s.ResourceGroups = append(s.ResourceGroups, rg)
	}
	url := ""
	if t.vaultURLs != nil { // serving: give it an address now
		if t.opts.Wiring == Hostnames {
			url = hostnamesVaultURL(name)
		} else {
			if len(t.m.Vaults) >= maxLoopbackVaults {
				return VaultInfo{}, fmt.Errorf("sandbox: the loopback wiring serves at most %d vaults (one port each); use the hostnames wiring for more", maxLoopbackVaults)
			}
			addr, err := t.serveNext(t.handler(svcVault, name))
			if err != nil {
				return VaultInfo{}, err
			}
			url = "https://" + addr + "/"
		}
		t.vaultURLs[strings.ToLower(name)] = url
	}
	v := t.newVaultLocked(s, rg, name)
	return VaultInfo{Name: v.Name, ID: v.id(), URL: url, SubscriptionID: s.ID, ResourceGroup: rg}, nil
}

// addVault creates a vault during the build, before the tenant listens.
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
	t.newVaultLocked(s, rg, name)
	return nil
}

// newVaultLocked creates a vault as `az keyvault create` does today: RBAC permission
// model, public access on, soft delete with 90 days' retention, no purge protection.
func (t *Tenant) newVaultLocked(s *subscription, rg, name string) *vault {
	v := &vault{
		Name: name, SubscriptionID: s.ID, ResourceGroup: rg, Location: "westeurope", TenantID: s.TenantID,
		RBAC: true, PublicAccess: true, RetentionDays: 90,
		Secrets: map[string]*secret{}, Deleted: map[string]*deletedEntry{},
		Created: t.now().Add(-30 * 24 * time.Hour).UTC(),
	}
	t.m.Vaults = append(t.m.Vaults, v)
	t.m.indexVault(v)
	return v
}

// vaultNameRE is Key Vault's vault name rule: 3-24 letters, digits and dashes, starting
// with a letter, not ending with a dash. (Consecutive dashes are also refused by Azure.)
var vaultNameRE = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$`)
