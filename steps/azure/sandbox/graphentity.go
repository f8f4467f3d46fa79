package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
)

// graphQuery is one Graph request on an entity set: a list, or one entity by appId
// or by object ID.
type graphQuery struct {
	version             string
	entity              *graphEntity
	list                bool
	byAppID, byObjectID string
}

// graphEntity is an entity set of the practice tenant's Graph: its name, OData type,
// properties and rendering. Both sets are views of the same app registrations.
type graphEntity struct {
	set, odataType, typeName string
	props                    []string
	objectID                 func(*app) string
	render                   func(a *app, d *directory, props []string) map[string]any
}

var entityApplication = &graphEntity{
	set: "applications", odataType: "application", typeName: "Application", props: applicationProps,
	objectID: func(a *app) string { return a.ObjectID },
	render:   applicationJSON,
}

// servicePrincipalProps are the service principal properties $select may name.
var servicePrincipalProps = []string{
	"id", "appId", "displayName", "appDisplayName", "servicePrincipalNames", "servicePrincipalType",
	"accountEnabled", "appOwnerOrganizationId", "signInAudience", "passwordCredentials", "keyCredentials",
	"tags", "appRoles", "oauth2PermissionScopes", "alternativeNames", "replyUrls", "description", "notes",
}

var entityServicePrincipal = &graphEntity{
	set: "servicePrincipals", odataType: "servicePrincipal", typeName: "ServicePrincipal", props: servicePrincipalProps,
	objectID: func(a *app) string { return a.SPObjectID },
	render:   servicePrincipalJSON,
}

// servicePrincipalJSON renders an app's service principal as Graph's entity. Its
// passwordCredentials are empty: the client secrets belong to the app registration.
func servicePrincipalJSON(a *app, d *directory, props []string) map[string]any {
	out := map[string]any{}
	for _, p := range props {
		switch p {
		case "id":
			out[p] = a.SPObjectID
		case "appId":
			out[p] = a.ClientID
		case "displayName", "appDisplayName":
			out[p] = a.DisplayName
		case "servicePrincipalNames":
			out[p] = []string{a.ClientID}
		case "servicePrincipalType":
			out[p] = "Application"
		case "accountEnabled":
			out[p] = !a.Disabled
		case "appOwnerOrganizationId":
			out[p] = d.ID
		case "signInAudience":
			out[p] = "AzureADMyOrg"
		case "passwordCredentials", "keyCredentials", "tags", "appRoles", "oauth2PermissionScopes", "alternativeNames", "replyUrls":
			out[p] = []any{}
		default:
			out[p] = nil
		}
	}
	return out
}

// graphFilter is a parsed $filter: one property compared with one value.
type graphFilter struct {
	prop, value string // prop "" means no filter
}

var (
	reGraphEq  = regexp.MustCompile(`^\s*(\w+)\s+eq\s+'((?:[^']|'')*)'\s*$`)
	reGraphAny = regexp.MustCompile(`^\s*servicePrincipalNames/any\(\s*(\w+)\s*:\s*(\w+)\s+eq\s+'((?:[^']|'')*)'\s*\)\s*$`)
	reGraphKey = regexp.MustCompile(`^\s*([\w/]+)`)
)

// parseGraphFilter understands "{prop} eq '…'" for id, appId and displayName, and, on
// service principals, "servicePrincipalNames/any(c:c eq '…')".
func parseGraphFilter(f string, e *graphEntity) (graphFilter, bool) {
	if strings.TrimSpace(f) == "" {
		return graphFilter{}, true
	}
	if m := reGraphAny.FindStringSubmatch(f); m != nil && e == entityServicePrincipal && m[1] == m[2] {
		return graphFilter{prop: "servicePrincipalNames", value: strings.ReplaceAll(m[3], "''", "'")}, true
	}
	if m := reGraphEq.FindStringSubmatch(f); m != nil {
		for _, p := range []string{"id", "appId", "displayName"} {
			if strings.EqualFold(m[1], p) {
				return graphFilter{prop: p, value: strings.ReplaceAll(m[2], "''", "'")}, true
			}
		}
	}
	return graphFilter{}, false
}

// filterProperty names the property a filter is about, for Graph's error text.
func filterProperty(f string) string {
	if m := reGraphKey.FindStringSubmatch(f); m != nil {
		return m[1]
	}
	return f
}

func (f graphFilter) matches(a *app, e *graphEntity) bool {
	switch f.prop {
	case "":
		return true
	case "id":
		return strings.EqualFold(e.objectID(a), f.value)
	case "appId", "servicePrincipalNames":
		return strings.EqualFold(a.ClientID, f.value)
	case "displayName":
		return a.DisplayName == f.value
	}
	return false
}

// graphGetByIDs answers POST /directoryObjects/getByIds: the applications and service
// principals among the IDs, of the types asked, each with its @odata.type.
func (t *Tenant) graphGetByIDs(w http.ResponseWriter, r *http.Request, c *claims, version string) {
	if r.Method != http.MethodPost {
		t.graphError(w, r, http.StatusMethodNotAllowed, "Request_BadRequest", "Specified HTTP method is not allowed for the request target.")
		return
	}
	var body struct {
		IDs   []string `json:"ids"`
		Types []string `json:"types"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&body); err != nil || len(body.IDs) == 0 {
		t.graphError(w, r, http.StatusBadRequest, "Request_BadRequest", "Invalid request: the body must hold a non-empty 'ids' array.")
		return
	}
	if len(body.IDs) > 1000 {
		t.graphError(w, r, http.StatusBadRequest, "Request_BadRequest", "The number of IDs exceeds the limit of 1000.")
		return
	}
	if !mayReadApps(c) {
		t.graphError(w, r, http.StatusForbidden, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
		return
	}
	want := func(typ string) bool {
		return len(body.Types) == 0 || slices.ContainsFunc(body.Types, func(s string) bool { return strings.EqualFold(s, typ) })
	}
	value := []any{}
	t.mu.Lock()
	if d := t.m.directory(c.TID); d != nil {
		for _, id := range body.IDs {
			for _, a := range d.Apps {
				for _, e := range []*graphEntity{entityApplication, entityServicePrincipal} {
					if want(e.odataType) && strings.EqualFold(e.objectID(a), id) {
						o := e.render(a, d, e.props)
						o["@odata.type"] = "#microsoft.graph." + e.odataType
						value = append(value, o)
					}
				}
			}
		}
	}
	t.mu.Unlock()
	w.Header().Set("OData-Version", "4.0")
	writeJSON(w, http.StatusOK, map[string]any{"@odata.context": fmt.Sprintf("https://%s/%s/$metadata#directoryObjects", r.Host, version), "value": value})
}

// isGraphResource reports whether a token resource (or audience) is Microsoft Graph:
// its public identifiers, or the tenant's own Graph endpoint, which a registered cloud
// names as its Graph resource (as a national cloud names graph.microsoft.us).
func (t *Tenant) isGraphResource(res string) bool {
	if graphAudiences[res] {
		return true
	}
	own := strings.TrimSuffix(t.graphURL, "/")
	return own != "" && strings.TrimSuffix(res, "/") == own
}
