package sandbox

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// Role assignments and role definitions as ARM lists them, served from the role model,
// so `az role assignment list` and the SDKs' RoleAssignmentsClient see what the
// permissions API and Key Vault act on.

const (
	raRead = "Microsoft.Authorization/roleAssignments/read"
	rdRead = "Microsoft.Authorization/roleDefinitions/read"
)

// authzPath splits "{scope}/providers/Microsoft.Authorization/{kind}[/{name}]"; ok is
// false for any other path. kind is lower-case.
func authzPath(segs, low []string) (scope, kind, name string, ok bool) {
	for i := 0; i+2 < len(low); i++ {
		if low[i] == "providers" && low[i+1] == "microsoft.authorization" {
			rest := low[i+2:]
			if len(rest) > 2 {
				return "", "", "", false
			}
			if len(rest) == 2 {
				name = segs[i+3]
			}
			return "/" + strings.Join(segs[:i], "/"), rest[0], name, true
		}
	}
	return "", "", "", false
}

// raFilter is a parsed role assignment $filter.
type raFilter struct {
	atScope   bool
	principal string // principalId eq / assignedTo
}

var (
	reAtScope    = regexp.MustCompile(`(?i)^atScope\(\)$`)
	rePrincipal  = regexp.MustCompile(`(?i)^principalId\s+eq\s+'([^']*)'$`)
	reAssignedTo = regexp.MustCompile(`(?i)^assignedTo\('([^']*)'\)$`)
	reRoleName   = regexp.MustCompile(`(?i)^roleName\s+eq\s+'([^']*)'$`)
	reRoleType   = regexp.MustCompile(`(?i)^type\s+eq\s+'([^']*)'$`)
)

// parseRAFilter reads the filters ARM documents for role assignment lists: atScope(),
// principalId eq '…', assignedTo('…'), and atScope() with assignedTo. ARM refuses
// atScope() with principalId eq, and so does this.
func parseRAFilter(f string) (raFilter, bool) {
	var out raFilter
	f = strings.TrimSpace(f)
	if f == "" {
		return out, true
	}
	parts := regexp.MustCompile(`(?i)\s+and\s+`).Split(f, -1)
	byPrincipal := false
	for _, p := range parts {
		p = strings.TrimSpace(p)
		switch {
		case reAtScope.MatchString(p) && !out.atScope:
			out.atScope = true
		case rePrincipal.MatchString(p) && out.principal == "":
			out.principal = rePrincipal.FindStringSubmatch(p)[1]
			byPrincipal = true
		case reAssignedTo.MatchString(p) && out.principal == "":
			out.principal = reAssignedTo.FindStringSubmatch(p)[1]
		default:
			return out, false
		}
	}
	if out.atScope && byPrincipal {
		return out, false
	}
	return out, true
}

// armRoleAssignments lists (or gets) role assignments at a scope. Without a filter ARM
// returns the assignments at, above and below the scope; atScope() keeps those at and
// above. The caller sees the assignments at scopes where it may read role assignments.
func (t *Tenant) armRoleAssignments(w http.ResponseWriter, r *http.Request, c *claims, scope, name string) {
	if !t.checkScope(w, c, scope) {
		return
	}
	f, ok := parseRAFilter(r.URL.Query().Get("$filter"))
	if !ok {
		armError(w, http.StatusBadRequest, "UnsupportedQuery",
			"The filter '"+r.URL.Query().Get("$filter")+"' is not supported. Supported filters are atScope(), principalId eq '{id}', assignedTo('{id}') and atScope() and assignedTo('{id}').")
		return
	}
	target := normScope(scope)
	now := t.now()
	t.mu.Lock()
	readable := t.m.grantScopes(c.OID, raRead, now, false)
	var items []any
	var found map[string]any
	for _, a := range t.m.Assignments {
		if !a.active() {
			continue
		}
		as := normScope(a.Scope)
		if !anyCovers(readable, as) && !anyCovers(readable, target) {
			continue
		}
		if name != "" {
			if strings.EqualFold(a.ID, name) && as == target {
				found = assignmentJSON(a)
			}
			continue
		}
		above := coversNorm(as, target)
		below := coversNorm(target, as)
		switch {
		case f.atScope && !above, !above && !below:
			continue
		case f.principal != "" && !strings.EqualFold(f.principal, a.PrincipalID):
			continue
		}
		items = append(items, assignmentJSON(a))
	}
	t.mu.Unlock()
	switch {
	case name != "" && found != nil:
		writeJSON(w, http.StatusOK, found)
	case name != "":
		armError(w, http.StatusNotFound, "RoleAssignmentNotFound", "The role assignment '"+name+"' is not found.")
	case items == nil && !anyCovers(readable, target):
		authorizationFailed(w, c, raRead, scope)
	default:
		t.armPage(w, r, items, false)
	}
}

// assignmentJSON renders an assignment in the shape of api-version 2022-04-01.
func assignmentJSON(a *assignment) map[string]any {
	sub := ""
	if segs := strings.Split(strings.Trim(a.Scope, "/"), "/"); len(segs) >= 2 {
		sub = "/subscriptions/" + segs[1]
	}
	created := a.Created.UTC().Format("2006-01-02T15:04:05.0000000Z")
	return map[string]any{
		"properties": map[string]any{
			"roleDefinitionId": sub + "/providers/Microsoft.Authorization/roleDefinitions/" + a.RoleID,
			"principalId":      a.PrincipalID, "principalType": "ServicePrincipal", "scope": a.Scope,
			"condition": nil, "conditionVersion": nil, "createdOn": created, "updatedOn": created,
			"createdBy": nil, "updatedBy": nil, "delegatedManagedIdentityResourceId": nil, "description": nil,
		},
		"id":   a.Scope + "/providers/Microsoft.Authorization/roleAssignments/" + a.ID,
		"type": "Microsoft.Authorization/roleAssignments",
		"name": a.ID,
	}
}

// armRoleDefinitions lists the built-in roles at a scope (filters roleName eq '…' and
// type eq '…'), or gets one by its GUID.
func (t *Tenant) armRoleDefinitions(w http.ResponseWriter, r *http.Request, c *claims, scope, name string) {
	if !t.checkScope(w, c, scope) {
		return
	}
	// Built-in role definitions are public knowledge (Microsoft publishes them); a
	// caller with any role in the scope may list them, as az role assignment list
	// needs to name the roles it shows.
	if !t.holdsAnyWithin(c, scope) {
		authorizationFailed(w, c, rdRead, scope)
		return
	}
	sub := strings.Split(strings.Trim(scope, "/"), "/")[1]
	if name != "" {
		rd := roleByID(name)
		if rd == nil || !isGUID(name) {
			armError(w, http.StatusNotFound, "RoleDefinitionDoesNotExist", "The specified role definition with ID '"+name+"' does not exist.")
			return
		}
		writeJSON(w, http.StatusOK, roleDefinitionJSON(rd, sub))
		return
	}
	filter := strings.TrimSpace(r.URL.Query().Get("$filter"))
	var byName, byType string
	switch {
	case filter == "":
	case reRoleName.MatchString(filter):
		byName = reRoleName.FindStringSubmatch(filter)[1]
	case reRoleType.MatchString(filter):
		byType = reRoleType.FindStringSubmatch(filter)[1]
	default:
		armError(w, http.StatusBadRequest, "UnsupportedQuery", fmt.Sprintf("The filter '%s' is not supported. Supported filters are roleName eq '{name}' and type eq '{type}'.", filter))
		return
	}
	var items []any
	for i := range builtinRoles {
		rd := &builtinRoles[i]
		if (byName != "" && !strings.EqualFold(rd.Name, byName)) || (byType != "" && !strings.EqualFold(byType, "BuiltInRole")) {
			continue
		}
		items = append(items, roleDefinitionJSON(rd, sub))
	}
	t.armPage(w, r, items, false)
}

// builtinRoleDate is when the built-in roles were last updated, as far as a practice
// tenant says: a fixed date, since their definitions do not change while it runs.
var builtinRoleDate = time.Date(2021, 11, 11, 20, 13, 47, 0, time.UTC).Format("2006-01-02T15:04:05.0000000Z")

func roleDefinitionJSON(rd *roleDefinition, sub string) map[string]any {
	return map[string]any{
		"properties": map[string]any{
			"roleName": rd.Name, "type": "BuiltInRole", "description": roleDescriptions[rd.Name],
			"assignableScopes": []string{"/"},
			"permissions": []any{map[string]any{"actions": nonNil(rd.Actions), "notActions": nonNil(rd.NotActions),
				"dataActions": nonNil(rd.DataActions), "notDataActions": nonNil(rd.NotDataActions)}},
			"createdOn": "2015-02-02T21:55:09.8806423Z", "updatedOn": builtinRoleDate, "createdBy": nil, "updatedBy": nil,
		},
		"id":   "/subscriptions/" + sub + "/providers/Microsoft.Authorization/roleDefinitions/" + rd.ID,
		"type": "Microsoft.Authorization/roleDefinitions",
		"name": rd.ID,
	}
}

// roleDescriptions are the built-in roles' descriptions, in short.
var roleDescriptions = map[string]string{
	"Reader":                    "View all resources, but does not allow you to make any changes.",
	"Contributor":               "Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC.",
	"Owner":                     "Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.",
	"Key Vault Reader":          "Read metadata of key vaults and its certificates, keys, and secrets.",
	"Key Vault Secrets User":    "Read secret contents.",
	"Key Vault Secrets Officer": "Perform any action on the secrets of a key vault, except manage permissions.",
	"Key Vault Administrator":   "Perform all data plane operations on a key vault and all objects in it.",
	"Key Vault Contributor":     "Lets you manage key vaults, but not access to them.",
}
