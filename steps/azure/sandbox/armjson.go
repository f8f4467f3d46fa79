package sandbox

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

func subscriptionJSON(s *subscription) map[string]any {
	return map[string]any{
		"id": "/subscriptions/" + s.ID, "authorizationSource": "RoleBased", "managedByTenants": []any{}, "tags": map[string]string{},
		"subscriptionId": s.ID, "tenantId": s.TenantID, "displayName": s.DisplayName, "state": "Enabled",
		"subscriptionPolicies": map[string]string{"locationPlacementId": "Public_2014-09-01", "quotaId": "PayAsYouGo_2014-09-01", "spendingLimit": "Off"},
	}
}

func (t *Tenant) resourceGroupJSON(s *subscription, rg string) map[string]any {
	return map[string]any{
		"id": "/subscriptions/" + s.ID + "/resourceGroups/" + rg, "name": rg, "type": "Microsoft.Resources/resourceGroups",
		"location": "westeurope", "properties": map[string]string{"provisioningState": "Succeeded"},
	}
}

func genericResourceJSON(v *vault) map[string]any {
	return map[string]any{"id": v.id(), "name": v.Name, "type": "Microsoft.KeyVault/vaults", "location": v.Location, "tags": map[string]string{}}
}

// vaultJSON renders a vault as ARM returns it; the caller holds t.mu.
func (t *Tenant) vaultJSON(v *vault) map[string]any {
	policies := []any{}
	for _, p := range v.AccessPolicies {
		policies = append(policies, map[string]any{"tenantId": p.TenantID, "objectId": p.ObjectID, "permissions": map[string]any{
			"keys": nonNil(p.Keys), "secrets": nonNil(p.Secrets), "certificates": nonNil(p.Certificates)}})
	}
	defaultAction, public := "Allow", "Enabled"
	if v.FirewallDeny {
		defaultAction = "Deny"
	}
	if !v.PublicAccess {
		public = "Disabled"
	}
	props := map[string]any{
		"sku": map[string]string{"family": "A", "name": "standard"}, "tenantId": v.TenantID,
		"networkAcls":    map[string]any{"bypass": "AzureServices", "defaultAction": defaultAction, "ipRules": []any{}, "virtualNetworkRules": []any{}},
		"accessPolicies": policies, "enabledForDeployment": false, "enabledForDiskEncryption": false, "enabledForTemplateDeployment": false,
		"enableSoftDelete": true, "softDeleteRetentionInDays": v.RetentionDays, "enableRbacAuthorization": v.RBAC,
		"vaultUri": t.vaultURL(v.Name), "provisioningState": "Succeeded", "publicNetworkAccess": public,
	}
	if v.PurgeProtection { // ARM leaves the property out until it is switched on
		props["enablePurgeProtection"] = true
	}
	created := v.Created.UTC().Format(time.RFC3339)
	return map[string]any{
		"id": v.id(), "name": v.Name, "type": "Microsoft.KeyVault/vaults", "location": v.Location, "tags": map[string]string{},
		"systemData": map[string]string{"createdBy": "trainer@" + t.homeDomain(), "createdByType": "User", "createdAt": created,
			"lastModifiedBy": "trainer@" + t.homeDomain(), "lastModifiedByType": "User", "lastModifiedAt": created},
		"properties": props,
	}
}

func (t *Tenant) homeDomain() string {
	if len(t.m.Directories) == 0 {
		return "contoso.onmicrosoft.com"
	}
	return t.m.Directories[0].Domain
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// armPage writes one page of a list. Page size is $top, else Options.PageSize, else
// everything. nextLink is absolute and keeps every query parameter (api-version too),
// as ARM's does, plus $skiptoken.
func (t *Tenant) armPage(w http.ResponseWriter, r *http.Request, items []any, withCount bool) {
	q := r.URL.Query()
	size := t.opts.PageSize
	if s := q.Get("$top"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 1000 {
			armError(w, http.StatusBadRequest, "InvalidQueryParameterValue", "Invalid value for query parameter '$top'. It must be an integer between 1 and 1000.")
			return
		}
		size = n
	}
	start := 0
	if s := q.Get("$skiptoken"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			armError(w, http.StatusBadRequest, "InvalidSkipToken", "The $skiptoken is not valid.")
			return
		}
		start = n
	}
	body := map[string]any{}
	start = min(start, len(items))
	end := len(items)
	if size > 0 && start+size < len(items) {
		end = start + size
		q.Set("$skiptoken", strconv.Itoa(end))
		body["nextLink"] = "https://" + r.Host + r.URL.Path + "?" + q.Encode()
	}
	page := items[start:end]
	if page == nil {
		page = []any{}
	}
	body["value"] = page
	if withCount {
		body["count"] = map[string]any{"type": "Total", "value": len(items)}
	}
	writeJSON(w, http.StatusOK, body)
}

// armPermissions answers {scope}/providers/Microsoft.Authorization/permissions: one entry
// per role assignment that applies to the caller there, as the control plane sees it
// (at once, before propagation). Reading one's own permissions needs no role; that is
// Azure's behaviour as far as it is observable, and it keeps "no role" diagnosable.
func (t *Tenant) armPermissions(w http.ResponseWriter, c *claims, scope string) {
	if !t.checkScope(w, c, scope) {
		return
	}
	t.mu.Lock()
	var items []any
	for _, a := range t.m.applicable(c.OID, scope, t.now(), false) {
		if r := roleByID(a.RoleID); r != nil {
			items = append(items, map[string]any{"actions": nonNil(r.Actions), "notActions": nonNil(r.NotActions),
				"dataActions": nonNil(r.DataActions), "notDataActions": nonNil(r.NotDataActions)})
		}
	}
	t.mu.Unlock()
	if items == nil {
		items = []any{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"value": items})
}

// checkScope answers ARM's error for a scope that is not a subscription, resource
// group or vault of the caller's tenant, and reports whether it is one.
func (t *Tenant) checkScope(w http.ResponseWriter, c *claims, scope string) bool {
	segs := strings.Split(strings.Trim(normScope(scope), "/"), "/")
	orig := strings.Split(strings.Trim(scope, "/"), "/")
	var cleaned []string
	for _, s := range orig {
		if s != "" {
			cleaned = append(cleaned, s)
		}
	}
	if len(segs) < 2 || segs[0] != "subscriptions" {
		armError(w, http.StatusBadRequest, "InvalidScope", "The scope '"+scope+"' is not valid for this practice tenant.")
		return false
	}
	t.mu.Lock()
	sub := t.m.subscription(cleaned[1])
	t.mu.Unlock()
	switch {
	case sub == nil:
		armError(w, http.StatusNotFound, "SubscriptionNotFound", "The subscription '"+cleaned[1]+"' could not be found.")
		return false
	case !strings.EqualFold(sub.TenantID, c.TID):
		tenantMismatch(w, c, sub.TenantID)
		return false
	}
	if len(segs) >= 4 {
		if segs[2] != "resourcegroups" {
			armError(w, http.StatusBadRequest, "InvalidScope", "The scope '"+scope+"' is not valid for this practice tenant.")
			return false
		}
		if _, ok := sub.resourceGroup(cleaned[3]); !ok {
			armError(w, http.StatusNotFound, "ResourceGroupNotFound", "Resource group '"+cleaned[3]+"' could not be found.")
			return false
		}
	}
	if len(segs) == 3 || len(segs) == 5 {
		armError(w, http.StatusBadRequest, "InvalidScope", "The scope '"+scope+"' is not valid for this practice tenant.")
		return false
	}
	if len(segs) >= 6 {
		if segs[4] != "providers" {
			armError(w, http.StatusBadRequest, "InvalidScope", "The scope '"+scope+"' is not valid for this practice tenant.")
			return false
		}
		if len(segs) == 8 && segs[5] == "microsoft.keyvault" && segs[6] == "vaults" {
			t.mu.Lock()
			v := t.m.vault(cleaned[7])
			ok := v != nil && normScope(v.id()) == normScope("/"+strings.Join(cleaned[:8], "/"))
			t.mu.Unlock()
			if !ok {
				armError(w, http.StatusNotFound, "ResourceNotFound", "The Resource 'Microsoft.KeyVault/vaults/"+cleaned[7]+"' under resource group '"+cleaned[3]+"' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix")
				return false
			}
		}
	}
	return true
}
