package sandbox

import (
	"fmt"
	"net/http"
	"strings"
)

const kvVaultRead = "Microsoft.KeyVault/vaults/read"

// serveARM answers the Resource Manager endpoint. ARM is read-only here: the state
// changes through the practice actions, as a trainee would change it in the portal.
func (t *Tenant) serveARM(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("x-ms-request-id", newGUID())
	w.Header().Set("x-ms-correlation-request-id", newGUID())
	if strings.EqualFold(strings.Trim(r.URL.Path, "/"), "metadata/endpoints") {
		t.armMetadata(w, r)
		return
	}
	c, ok := t.armAuth(w, r)
	if !ok || !checkARMAPIVersion(w, r) || t.throttled(w, r, svcARM) {
		return
	}
	if r.Method != http.MethodGet {
		armError(w, http.StatusMethodNotAllowed, "MethodNotAllowed",
			fmt.Sprintf("The requested resource does not support http method '%s'. This practice tenant's ARM endpoint is read-only; change its state with the practice actions.", r.Method))
		return
	}
	segs := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	low := strings.Split(strings.ToLower(strings.Trim(r.URL.Path, "/")), "/")
	n := len(low)
	if scope, kind, name, ok := authzPath(segs, low); ok {
		switch {
		case kind == "permissions" && name == "":
			t.armPermissions(w, c, scope)
		case kind == "roleassignments":
			t.armRoleAssignments(w, r, c, scope, name)
		case kind == "roledefinitions":
			t.armRoleDefinitions(w, r, c, scope, name)
		default:
			t.armNotFound(w, r)
		}
		return
	}
	switch {
	case n == 1 && low[0] == "subscriptions":
		t.listSubscriptions(w, r, c)
		return
	case n < 2 || low[0] != "subscriptions":
		t.armNotFound(w, r)
		return
	}
	t.mu.Lock()
	sub := t.m.subscription(segs[1])
	t.mu.Unlock()
	if sub == nil {
		armError(w, http.StatusNotFound, "SubscriptionNotFound", fmt.Sprintf("The subscription '%s' could not be found.", segs[1]))
		return
	}
	if !strings.EqualFold(sub.TenantID, c.TID) {
		tenantMismatch(w, c, sub.TenantID)
		return
	}
	rest, lowRest := segs[2:], low[2:]
	switch {
	case len(rest) == 0:
		t.getSubscription(w, c, sub)
	case len(rest) == 1 && lowRest[0] == "resourcegroups":
		t.listResourceGroups(w, r, c, sub)
	case len(rest) == 1 && lowRest[0] == "resources":
		t.listResources(w, r, c, sub, "")
	case len(rest) == 3 && lowRest[0] == "providers" && lowRest[1] == "microsoft.keyvault" && lowRest[2] == "vaults":
		t.listVaults(w, r, c, sub, "")
	case len(rest) == 3 && lowRest[0] == "providers" && lowRest[1] == "microsoft.keyvault" && lowRest[2] == "managedhsms":
		t.listManagedHSMs(w, r, c, sub)
	case len(rest) >= 2 && lowRest[0] == "resourcegroups":
		t.armInResourceGroup(w, r, c, sub, rest[1], rest[2:], lowRest[2:])
	default:
		t.armNotFound(w, r)
	}
}

func (t *Tenant) armInResourceGroup(w http.ResponseWriter, r *http.Request, c *claims, sub *subscription, rgIn string, rest, low []string) {
	scope := "/subscriptions/" + sub.ID + "/resourceGroups/" + rgIn
	switch {
	case len(rest) == 0:
		if !t.allowedARM(c, "Microsoft.Resources/subscriptions/resourceGroups/read", scope) {
			authorizationFailed(w, c, "Microsoft.Resources/subscriptions/resourceGroups/read", scope)
			return
		}
	case len(rest) == 1 && low[0] == "resources", len(rest) == 3 && low[0] == "providers" && low[1] == "microsoft.keyvault" && low[2] == "vaults":
		if !t.holdsAnyWithin(c, scope) {
			authorizationFailed(w, c, kvVaultRead, scope)
			return
		}
	case len(rest) == 4 && low[0] == "providers" && low[1] == "microsoft.keyvault" && low[2] == "vaults":
		vscope := scope + "/providers/Microsoft.KeyVault/vaults/" + rest[3]
		if !t.allowedARM(c, kvVaultRead, vscope) {
			authorizationFailed(w, c, kvVaultRead, vscope)
			return
		}
	default:
		t.armNotFound(w, r)
		return
	}
	rg, ok := sub.resourceGroup(rgIn)
	if !ok {
		armError(w, http.StatusNotFound, "ResourceGroupNotFound", fmt.Sprintf("Resource group '%s' could not be found.", rgIn))
		return
	}
	switch {
	case len(rest) == 0:
		writeJSON(w, http.StatusOK, t.resourceGroupJSON(sub, rg))
	case len(rest) == 1:
		t.listResources(w, r, c, sub, rg)
	case len(rest) == 3:
		t.listVaults(w, r, c, sub, rg)
	default:
		t.getVault(w, c, sub, rg, rest[3])
	}
}

func (t *Tenant) allowedARM(c *claims, action, scope string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.m.allowed(c.OID, action, scope, t.now(), false)
}

func (t *Tenant) holdsAnyWithin(c *claims, scope string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.m.holdsAnyWithin(c.OID, scope)
}

func (t *Tenant) armNotFound(w http.ResponseWriter, r *http.Request) {
	armError(w, http.StatusNotFound, "NotFound",
		fmt.Sprintf("The requested path '%s' is not served by this practice tenant's ARM endpoint.", r.URL.Path))
}

func (t *Tenant) listSubscriptions(w http.ResponseWriter, r *http.Request, c *claims) {
	t.mu.Lock()
	var items []any
	for _, s := range t.m.Subscriptions {
		if strings.EqualFold(s.TenantID, c.TID) && t.m.holdsAnyWithin(c.OID, "/subscriptions/"+s.ID) {
			items = append(items, subscriptionJSON(s))
		}
	}
	t.mu.Unlock()
	t.armPage(w, r, items, true)
}

func (t *Tenant) getSubscription(w http.ResponseWriter, c *claims, s *subscription) {
	if !t.holdsAnyWithin(c, "/subscriptions/"+s.ID) {
		authorizationFailed(w, c, "Microsoft.Resources/subscriptions/read", "/subscriptions/"+s.ID)
		return
	}
	writeJSON(w, http.StatusOK, subscriptionJSON(s))
}

func (t *Tenant) listResourceGroups(w http.ResponseWriter, r *http.Request, c *claims, s *subscription) {
	scope := "/subscriptions/" + s.ID
	if !t.holdsAnyWithin(c, scope) {
		authorizationFailed(w, c, "Microsoft.Resources/subscriptions/resourceGroups/read", scope)
		return
	}
	t.mu.Lock()
	var items []any
	for _, rg := range s.ResourceGroups {
		if t.m.allowed(c.OID, "Microsoft.Resources/subscriptions/resourceGroups/read", scope+"/resourceGroups/"+rg, t.now(), false) {
			items = append(items, t.resourceGroupJSON(s, rg))
		}
	}
	t.mu.Unlock()
	t.armPage(w, r, items, false)
}

// listVaults lists the vaults the caller may read, in a subscription or a resource group.
// A caller with no role anywhere in the scope is refused outright, as ARM does.
func (t *Tenant) listVaults(w http.ResponseWriter, r *http.Request, c *claims, s *subscription, rg string) {
	scope := "/subscriptions/" + s.ID
	if !t.holdsAnyWithin(c, scope) {
		authorizationFailed(w, c, kvVaultRead, scope)
		return
	}
	items := t.readableVaults(c, s, rg, func(v *vault) any { return t.vaultJSON(v) })
	t.armPage(w, r, items, false)
}

func (t *Tenant) readableVaults(c *claims, s *subscription, rg string, render func(*vault) any) []any {
	t.mu.Lock()
	defer t.mu.Unlock()
	var items []any
	x := t.m.index()
	grants := t.m.grantScopes(c.OID, kvVaultRead, t.now(), false)
	if len(grants) == 0 {
		return nil
	}
	for _, v := range x.vaultsBySub[strings.ToLower(s.ID)] {
		if rg != "" && !strings.EqualFold(v.ResourceGroup, rg) {
			continue
		}
		if anyCovers(grants, x.vaultScope[v]) {
			items = append(items, render(v))
		}
	}
	return items
}

// listResources is the generic resources list; only vaults exist in a practice tenant,
// and only `resourceType eq '...'` filters are understood.
func (t *Tenant) listResources(w http.ResponseWriter, r *http.Request, c *claims, s *subscription, rg string) {
	scope := "/subscriptions/" + s.ID
	if !t.holdsAnyWithin(c, scope) {
		authorizationFailed(w, c, "Microsoft.Resources/subscriptions/resources/read", scope)
		return
	}
	typ, ok := parseTypeFilter(r.URL.Query().Get("$filter"))
	if !ok {
		armError(w, http.StatusBadRequest, "InvalidFilterInQueryString",
			"Invalid $filter clause. This practice tenant understands only \"resourceType eq '<type>'\".")
		return
	}
	var items []any
	if typ == "" || strings.EqualFold(typ, "Microsoft.KeyVault/vaults") {
		items = t.readableVaults(c, s, rg, func(v *vault) any { return genericResourceJSON(v) })
	}
	t.armPage(w, r, items, false)
}

// parseTypeFilter reads "resourceType eq 'X'"; "" with ok for no filter.
func parseTypeFilter(f string) (string, bool) {
	f = strings.TrimSpace(f)
	if f == "" {
		return "", true
	}
	fields := strings.Fields(f)
	if len(fields) != 3 || !strings.EqualFold(fields[0], "resourceType") || !strings.EqualFold(fields[1], "eq") {
		return "", false
	}
	v := fields[2]
	if len(v) < 3 || v[0] != '\'' || v[len(v)-1] != '\'' {
		return "", false
	}
	return v[1 : len(v)-1], true
}

func (t *Tenant) getVault(w http.ResponseWriter, c *claims, s *subscription, rg, name string) {
	t.mu.Lock()
	v := t.m.vault(name)
	var body map[string]any
	if v != nil && strings.EqualFold(v.SubscriptionID, s.ID) && strings.EqualFold(v.ResourceGroup, rg) {
		body = t.vaultJSON(v)
	}
	t.mu.Unlock()
	if body == nil {
		armError(w, http.StatusNotFound, "ResourceNotFound",
			fmt.Sprintf("The Resource 'Microsoft.KeyVault/vaults/%s' under resource group '%s' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix", name, rg))
		return
	}
	writeJSON(w, http.StatusOK, body)
}
