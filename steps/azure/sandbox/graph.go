package sandbox

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"
)

// Microsoft Graph, read-only and small: the application entity, for its
// passwordCredentials (the client secrets' expiry). Graph authorises app-only calls by
// the token's roles claim alone, which Entra fills at token issue from the application
// permissions granted (and admin-consented) to the app. So, as in Entra, granting or
// revoking a permission changes the next token, not one already issued.

const (
	graphHost     = "graph.microsoft.com"
	graphAudience = "https://graph.microsoft.com"
	graphAppID    = "00000003-0000-0000-c000-000000000000" // Microsoft Graph's app ID
)

// graphAudiences are the token audiences Graph accepts.
var graphAudiences = map[string]bool{graphAudience: true, graphAudience + "/": true, graphAppID: true}

// graphPermissions are the application permissions GrantGraphPermission knows, in
// Graph's spelling. Those in graphReadApps let an app read any application (Graph's
// "Get application" permissions table); Application.ReadWrite.OwnedBy reads only the
// apps the caller owns, and a practice app owns none, not even itself.
var graphPermissions = []string{
	"Application.Read.All", "Application.ReadWrite.All", "Application.ReadWrite.OwnedBy",
	"Directory.Read.All", "Directory.ReadWrite.All",
}

var graphReadApps = []string{"Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}

// applicationProps are the properties $select may name; the practice tenant fills
// those it models and answers the rest as Graph does for an app that never set them.
var applicationProps = []string{
	"id", "appId", "displayName", "createdDateTime", "signInAudience", "passwordCredentials",
	"keyCredentials", "identifierUris", "tags", "publisherDomain", "description", "notes",
}

var defaultApplicationProps = applicationProps

// graphError writes Graph's error envelope, with innerError's date and IDs.
func (t *Tenant) graphError(w http.ResponseWriter, r *http.Request, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{
		"code": code, "message": msg,
		"innerError": map[string]string{
			"date":              t.now().UTC().Format("2006-01-02T15:04:05"),
			"request-id":        w.Header().Get("request-id"),
			"client-request-id": w.Header().Get("client-request-id"),
		},
	}})
}

// serveGraph answers graph.microsoft.com (v1.0 and beta): applications and service
// principals, each by key, by object ID and as a list with the $filter forms the Azure
// CLI and SDKs send, and POST /directoryObjects/getByIds. Any other segment gets
// Graph's own answer.
func (t *Tenant) serveGraph(w http.ResponseWriter, r *http.Request) {
	reqID := newGUID()
	corr := r.Header.Get("client-request-id")
	if !isGUID(corr) {
		corr = reqID
	}
	w.Header().Set("request-id", reqID)
	w.Header().Set("client-request-id", corr)
	w.Header().Set("x-ms-ags-diagnostic", `{"ServerInfo":{"DataCenter":"West Europe","Slice":"E","Ring":"5","ScaleUnit":"000","RoleInstance":"practice","ADSiteName":"WEU"}}`)

	c, ok := t.graphAuth(w, r)
	if !ok {
		return
	}
	segs := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(segs) < 2 || (segs[0] != "v1.0" && segs[0] != "beta") {
		t.graphError(w, r, http.StatusBadRequest, "BadRequest", "Invalid version.")
		return
	}
	q := graphQuery{version: segs[0]}
	low := strings.ToLower(segs[1])
	switch {
	case strings.HasPrefix(low, "applications"):
		q.entity = entityApplication
	case strings.HasPrefix(low, "serviceprincipals"):
		q.entity = entityServicePrincipal
	case low == "directoryobjects" && len(segs) == 3 && strings.EqualFold(segs[2], "getByIds"):
		t.graphGetByIDs(w, r, c, segs[0])
		return
	default:
		t.graphError(w, r, http.StatusBadRequest, "BadRequest", fmt.Sprintf("Resource not found for the segment '%s'.", segs[1]))
		return
	}
	base := q.entity.set
	switch {
	case len(segs) == 2 && strings.EqualFold(segs[1], base):
		q.list = true
	case len(segs) == 2 && strings.HasPrefix(low, strings.ToLower(base)+"(appid=") && strings.HasSuffix(low, ")"):
		v := segs[1][len(base)+len("(appId=") : len(segs[1])-1]
		if len(v) < 2 || v[0] != '\'' || v[len(v)-1] != '\'' {
			t.graphError(w, r, http.StatusBadRequest, "BadRequest", "Bad Request - Error in query syntax.")
			return
		}
		q.byAppID = strings.ReplaceAll(v[1:len(v)-1], "''", "'")
	case len(segs) == 3 && strings.EqualFold(segs[1], base):
		q.byObjectID = segs[2]
	case len(segs) > 3 && strings.EqualFold(segs[1], base):
		t.graphError(w, r, http.StatusBadRequest, "BadRequest", fmt.Sprintf("Resource not found for the segment '%s'.", segs[3]))
		return
	default:
		t.graphError(w, r, http.StatusBadRequest, "BadRequest", fmt.Sprintf("Resource not found for the segment '%s'.", segs[1]))
		return
	}
	if r.Method != http.MethodGet {
		t.graphError(w, r, http.StatusMethodNotAllowed, "Request_BadRequest",
			fmt.Sprintf("The practice tenant's Microsoft Graph is read-only; %s is not served. Change the app with the practice actions.", r.Method))
		return
	}
	props, ok := t.graphSelect(w, r, q.entity)
	if !ok {
		return
	}
	var filter graphFilter
	if q.list {
		if filter, ok = parseGraphFilter(r.URL.Query().Get("$filter"), q.entity); !ok {
			t.graphError(w, r, http.StatusBadRequest, "Request_UnsupportedQuery",
				fmt.Sprintf("Unsupported or invalid query filter clause specified for property '%s' of resource '%s'.", filterProperty(r.URL.Query().Get("$filter")), q.entity.typeName))
			return
		}
	}
	// Authorisation comes before the lookup: without permission, an app that exists
	// and one that does not look the same.
	if !mayReadApps(c) {
		t.graphError(w, r, http.StatusForbidden, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
		return
	}
	var items []map[string]any
	t.mu.Lock()
	if d := t.m.directory(c.TID); d != nil {
		for _, a := range d.Apps {
			switch {
			case q.byAppID != "" && !strings.EqualFold(a.ClientID, q.byAppID):
			case q.byObjectID != "" && !strings.EqualFold(q.entity.objectID(a), q.byObjectID):
			case q.list && !filter.matches(a, q.entity):
			default:
				items = append(items, q.entity.render(a, d, props))
			}
		}
	}
	t.mu.Unlock()
	sel := ""
	if r.URL.Query().Get("$select") != "" {
		sel = "(" + strings.Join(props, ",") + ")"
	}
	ctx := "https://" + r.Host + "/" + segs[0] + "/$metadata#" + base + sel
	w.Header().Set("OData-Version", "4.0")
	if q.list {
		value := make([]any, 0, len(items))
		for _, it := range items {
			value = append(value, it)
		}
		writeJSON(w, http.StatusOK, map[string]any{"@odata.context": ctx, "value": value})
		return
	}
	if len(items) == 0 {
		id := q.byAppID
		if id == "" {
			id = q.byObjectID
		}
		t.graphError(w, r, http.StatusNotFound, "Request_ResourceNotFound",
			fmt.Sprintf("Resource '%s' does not exist or one of its queried reference-property objects are not present.", echoID(id)))
		return
	}
	body := items[0]
	body["@odata.context"] = ctx + "/$entity"
	writeJSON(w, http.StatusOK, body)
}

// mayReadApps reports whether the token's roles let it read applications and service
// principals (Graph's "Get application" permissions table).
func mayReadApps(c *claims) bool {
	return slices.ContainsFunc(c.Roles, func(role string) bool {
		return slices.ContainsFunc(graphReadApps, func(p string) bool { return strings.EqualFold(p, role) })
	})
}

// graphSelect reads $select against the entity's properties.
func (t *Tenant) graphSelect(w http.ResponseWriter, r *http.Request, e *graphEntity) ([]string, bool) {
	sel := r.URL.Query().Get("$select")
	if sel == "" {
		return e.props, true
	}
	var props []string
	for _, p := range strings.Split(sel, ",") {
		p = strings.TrimSpace(p)
		i := slices.IndexFunc(e.props, func(k string) bool { return strings.EqualFold(k, p) })
		if i < 0 {
			t.graphError(w, r, http.StatusBadRequest, "Request_BadRequest",
				fmt.Sprintf("Could not find a property named '%s' on type 'microsoft.graph.%s'.", p, e.odataType))
			return nil, false
		}
		if !slices.Contains(props, e.props[i]) {
			props = append(props, e.props[i])
		}
	}
	return props, true
}

// graphAuth checks the bearer token as Graph does; Graph's 401s carry
// InvalidAuthenticationToken and a challenge naming Graph's app ID.
func (t *Tenant) graphAuth(w http.ResponseWriter, r *http.Request) (*claims, bool) {
	fail := func(msg string) (*claims, bool) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="`+graphAppID+`"`)
		t.graphError(w, r, http.StatusUnauthorized, "InvalidAuthenticationToken", msg)
		return nil, false
	}
	raw := bearer(r)
	if raw == "" {
		return fail("Access token is empty.")
	}
	c, err := verifyToken(raw)
	if err != nil {
		return fail("Access token validation failure.")
	}
	now := t.now().Unix()
	switch {
	case !t.isGraphResource(c.Aud):
		return fail("Access token validation failure. Invalid audience.")
	case now >= c.Exp:
		return fail("Lifetime validation failed, the token is expired.")
	case c.Nbf > now+300:
		return fail("Lifetime validation failed, the token is not yet valid.")
	}
	t.mu.Lock()
	known := t.m.directory(c.TID) != nil
	t.mu.Unlock()
	if !known {
		return fail("Access token validation failure. Invalid issuer.")
	}
	return c, true
}

// applicationJSON renders an app registration as Graph's application entity, with only
// props. secretText is always null, as Graph returns it outside addPassword.
func applicationJSON(a *app, d *directory, props []string) map[string]any {
	out := map[string]any{}
	for _, p := range props {
		switch p {
		case "id":
			out[p] = a.ObjectID
		case "appId":
			out[p] = a.ClientID
		case "displayName":
			out[p] = a.DisplayName
		case "createdDateTime":
			out[p] = graphTime(appCreated(a))
		case "signInAudience":
			out[p] = "AzureADMyOrg"
		case "publisherDomain":
			out[p] = d.Domain
		case "passwordCredentials":
			creds := make([]any, 0, len(a.Secrets))
			for _, s := range a.Secrets {
				creds = append(creds, map[string]any{
					"customKeyIdentifier": nil, "displayName": s.DisplayName, "endDateTime": graphTime(s.End),
					"hint": s.Hint, "keyId": s.KeyID, "secretText": nil, "startDateTime": graphTime(s.Start),
				})
			}
			out[p] = creds
		case "keyCredentials", "identifierUris", "tags":
			out[p] = []any{}
		default:
			out[p] = nil
		}
	}
	return out
}

// appCreated is the app's creation time as far as the model knows: its first secret's.
func appCreated(a *app) time.Time {
	var first time.Time
	for _, s := range a.Secrets {
		if first.IsZero() || s.Start.Before(first) {
			first = s.Start
		}
	}
	return first
}

// graphTime formats a time as Graph does: UTC, "Z", fractional seconds only when set.
func graphTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.999999999Z") }

// canonGraphPermission returns a known permission's canonical spelling.
func canonGraphPermission(p string) (string, error) {
	p = strings.TrimSpace(p)
	for _, k := range graphPermissions {
		if strings.EqualFold(k, p) {
			return k, nil
		}
	}
	return "", refuse("%q is not a Microsoft Graph application permission this tenant knows (want one of %s)", p, strings.Join(graphPermissions, ", "))
}

// GrantGraphPermission grants a Microsoft Graph application permission to an app,
// admin consent included (API permissions › Add a permission › Application permissions,
// then Grant admin consent). Tokens issued from then on carry it in their roles claim;
// tokens already issued do not, as in Entra.
func (t *Tenant) GrantGraphPermission(clientID, permission string) error {
	p, err := canonGraphPermission(permission)
	if err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	_, a, err := t.appLocked(clientID)
	if err != nil {
		return err
	}
	if !slices.Contains(a.GraphPermissions, p) {
		a.GraphPermissions = append(a.GraphPermissions, p)
		sort.Strings(a.GraphPermissions)
	}
	return nil
}

// RevokeGraphPermission removes a granted Graph application permission. A token issued
// before keeps its roles until it expires (an hour), as Graph trusts the token.
func (t *Tenant) RevokeGraphPermission(clientID, permission string) error {
	p, err := canonGraphPermission(permission)
	if err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	_, a, err := t.appLocked(clientID)
	if err != nil {
		return err
	}
	i := slices.Index(a.GraphPermissions, p)
	if i < 0 {
		return refuse("app %s has no %s permission to revoke", a.ClientID, p)
	}
	a.GraphPermissions = slices.Delete(a.GraphPermissions, i, i+1)
	return nil
}
