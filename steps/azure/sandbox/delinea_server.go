package sandbox

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// dsHost is the practice Secret Server's host name in the Hostnames wiring, as a Secret
// Server Cloud tenant would be named.
const dsHost = "contoso-practice.secretservercloud.com"

// dsPlatformPrefix is where the Delinea Platform endpoints sit on the same listener:
// the Platform URL is {delinea}/platform, and its vault broker names {delinea} as the
// Secret Server.
const dsPlatformPrefix = "/platform"

// dsRuntime is the practice Secret Server's in-memory state: issued tokens are never
// saved (a loaded tenant refuses tokens from before, as a restarted server would).
type dsRuntime struct {
	access  map[string]dsGrant // access token -> grant
	refresh map[string]dsGrant // refresh token -> grant (used once)
	// throttle: every call is answered 429 with a long Retry-After.
	throttle bool
}

type dsGrant struct {
	user    string
	expires time.Time
}

func (t *Tenant) dsRT() *dsRuntime {
	if t.ds == nil {
		t.ds = &dsRuntime{access: map[string]dsGrant{}, refresh: map[string]dsGrant{}}
	}
	return t.ds
}

// The HTML page Secret Server answers with 200 when web services are off (or a sign-in
// page sits in front): clients that trust the status code alone read it as success.
const dsDisabledPage = `<!DOCTYPE html>
<html><head><title>Secret Server</title></head>
<body><h1>Web services are disabled</h1>
<p>An administrator can enable them in Admin &gt; Configuration &gt; General &gt; Enable Web Services.</p></body></html>
`

func dsHTML(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(dsDisabledPage))
}

// dsAPIError writes the API's error JSON: {"errorCode","message"}.
func dsAPIError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]string{"errorCode": code, "message": msg})
}

// dsTokenError writes the token endpoint's error JSON: {"error"}.
func dsTokenError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

func (t *Tenant) serveDelinea(w http.ResponseWriter, r *http.Request) {
	t.mu.Lock()
	d, err := t.delineaLocked()
	var disabled, throttle bool
	if err == nil {
		disabled, throttle = d.APIDisabled, t.dsRT().throttle
	}
	t.mu.Unlock()
	if err != nil {
		dsAPIError(w, http.StatusNotFound, "API_NotFound", "This practice tenant has no Secret Server.")
		return
	}
	path := r.URL.Path
	low := strings.ToLower(path)
	if throttle {
		w.Header().Set("Retry-After", "30")
		dsAPIError(w, http.StatusTooManyRequests, "API_TooManyRequests", "Too many requests. Try again later.")
		return
	}
	switch {
	case strings.HasPrefix(low, dsPlatformPrefix+"/"):
		t.servePlatform(w, r, strings.TrimPrefix(path, path[:len(dsPlatformPrefix)]))
	case disabled:
		dsHTML(w)
	case low == "/api/v1/healthcheck" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, map[string]any{"healthy": true, "databaseHealthy": true, "serviceBusHealthy": true, "storageAccountHealthy": true, "scheduledForMaintenance": false})
	case low == "/oauth2/token":
		t.dsToken(w, r)
	case strings.HasPrefix(low, "/api/v1/"):
		user, ok := t.dsBearer(r)
		if !ok {
			dsAPIError(w, http.StatusUnauthorized, "API_AuthenticationFailed", "Authentication failed or was not provided. Verify the credentials and try again.")
			return
		}
		if r.Method != http.MethodGet {
			// kvbridge only reads; anything else is outside what the practice server models.
			dsAPIError(w, http.StatusMethodNotAllowed, "API_MethodNotAllowed", "The practice Secret Server answers GET only.")
			return
		}
		t.dsAPI(w, r, user, strings.Trim(path[len("/api/v1/"):], "/"))
	default:
		dsAPIError(w, http.StatusNotFound, "API_NotFound", "No HTTP resource was found that matches the request URI.")
	}
}

// dsToken answers POST /oauth2/token: the password grant (with the otp header for an
// account with a one-time code, and domain for a domain account) and the refresh grant.
func (t *Tenant) dsToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		dsTokenError(w, http.StatusMethodNotAllowed, "The token endpoint takes POST.")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		dsTokenError(w, http.StatusBadRequest, "invalid_request")
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	d, _ := t.delineaLocked()
	rt := t.dsRT()
	switch r.PostForm.Get("grant_type") {
	case "password":
		u := d.user(r.PostForm.Get("username"), r.PostForm.Get("domain"))
		if u == nil || u.Platform || subtle.ConstantTimeCompare([]byte(u.Password), []byte(r.PostForm.Get("password"))) != 1 {
			dsTokenError(w, http.StatusBadRequest, "Login failed.")
			return
		}
		if u.OTP != "" {
			code := r.Header.Get("otp")
			if code == "" {
				dsTokenError(w, http.StatusBadRequest, "Login failed. Two-factor authentication is required: send the one-time code in the otp header.")
				return
			}
			if subtle.ConstantTimeCompare([]byte(code), []byte(u.OTP)) != 1 {
				dsTokenError(w, http.StatusBadRequest, "Login failed. Invalid two-factor authentication code.")
				return
			}
		}
		writeJSON(w, http.StatusOK, t.dsIssueLocked(d, rt, u.Username, false))
	case "refresh_token":
		g, ok := rt.refresh[r.PostForm.Get("refresh_token")]
		delete(rt.refresh, r.PostForm.Get("refresh_token")) // each refresh token works once
		if !ok || t.now().After(g.expires) {
			dsTokenError(w, http.StatusBadRequest, "Invalid refresh token.")
			return
		}
		writeJSON(w, http.StatusOK, t.dsIssueLocked(d, rt, g.user, false))
	default:
		dsTokenError(w, http.StatusBadRequest, "unsupported_grant_type")
	}
}

// dsIssueLocked makes a token answer for user; t.mu must be held.
func (t *Tenant) dsIssueLocked(d *delineaState, rt *dsRuntime, user string, platform bool) map[string]any {
	life := time.Duration(d.TokenSeconds) * time.Second
	if life <= 0 {
		life = dsTokenLifetime
	}
	tok := randomString(48, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
	rt.access[tok] = dsGrant{user: user, expires: t.now().Add(life)}
	if len(rt.access) > 10000 { // a long session forgets the oldest grants wholesale
		clear(rt.access)
		rt.access[tok] = dsGrant{user: user, expires: t.now().Add(life)}
	}
	out := map[string]any{"access_token": tok, "token_type": "bearer", "expires_in": int(life / time.Second)}
	if d.RefreshTokens {
		ref := randomString(48, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
		if len(rt.refresh) > 10000 {
			clear(rt.refresh)
		}
		rt.refresh[ref] = dsGrant{user: user, expires: t.now().Add(life + 15*time.Minute)}
		out["refresh_token"] = ref
	}
	if platform {
		out["id_token"] = randomString(32, "abcdefghijklmnopqrstuvwxyz0123456789")
		out["session_expires_in"] = int(life / time.Second)
		out["scope"] = "xpmheadless"
	}
	return out
}

// dsBearer returns the user of a valid bearer token.
func (t *Tenant) dsBearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if len(h) < 7 || !strings.EqualFold(h[:7], "bearer ") {
		return "", false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	g, ok := t.dsRT().access[strings.TrimSpace(h[7:])]
	if !ok || !t.now().Before(g.expires) {
		return "", false
	}
	return g.user, true
}

// servePlatform answers the Delinea Platform endpoints: the client-credentials token,
// the vault broker and the health check.
func (t *Tenant) servePlatform(w http.ResponseWriter, r *http.Request, path string) {
	switch strings.ToLower(path) {
	case "/health":
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("Healthy"))
	case "/identity/api/oauth2/token/xpmplatform":
		if r.Method != http.MethodPost {
			dsTokenError(w, http.StatusMethodNotAllowed, "invalid_request")
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "client_credentials" {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "unsupported_grant_type", "error_description": "grant_type must be client_credentials"})
			return
		}
		t.mu.Lock()
		defer t.mu.Unlock()
		d, _ := t.delineaLocked()
		u := d.user(r.PostForm.Get("client_id"), "")
		if u == nil || !u.Platform || subtle.ConstantTimeCompare([]byte(u.Password), []byte(r.PostForm.Get("client_secret"))) != 1 {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_client", "error_description": "Authentication failed."})
			return
		}
		writeJSON(w, http.StatusOK, t.dsIssueLocked(d, t.dsRT(), u.Username, true))
	case "/vaultbroker/api/vaults":
		if _, ok := t.dsBearer(r); !ok {
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "unauthorized"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"vaults": []map[string]any{{
			"vaultId": "8c1d3f7e-0000-4000-8000-000000000001", "name": "Contoso practice vault", "type": "SecretServerCloud",
			"isDefault": true, "isGlobalDefault": true, "isActive": true,
			"connection": map[string]any{"url": t.delineaURL, "oAuthProfileId": "practice"},
		}}})
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "not_found"})
	}
}

// dsAPI answers the read-only API: secrets by ID and search, templates by ID and search.
// Anything else, the External Vault routes included, is 404: they are not documented,
// so the practice server does not invent them.
func (t *Tenant) dsAPI(w http.ResponseWriter, r *http.Request, user, path string) {
	segs := strings.Split(strings.ToLower(path), "/")
	q := r.URL.Query()
	t.mu.Lock()
	defer t.mu.Unlock()
	d, _ := t.delineaLocked()
	switch {
	case len(segs) == 1 && segs[0] == "secrets":
		t.dsSearchSecrets(w, d, user, q)
	case len(segs) == 2 && segs[0] == "secrets":
		id, err := strconv.Atoi(segs[1])
		if err != nil || id <= 0 {
			dsAPIError(w, http.StatusBadRequest, "API_InvalidSecretId", "The secret ID must be a positive number.")
			return
		}
		t.dsGetSecret(w, d, user, id)
	case len(segs) == 1 && segs[0] == "secret-templates":
		var recs []map[string]any
		text := strings.ToLower(q.Get("filter.searchText"))
		for _, tp := range d.Templates {
			if text == "" || strings.Contains(strings.ToLower(tp.Name), text) {
				recs = append(recs, map[string]any{"id": tp.ID, "name": tp.Name, "active": true, "passwordTypeId": 0, "secretCount": d.countTemplate(tp.ID), "heartbeatEnabled": false, "passwordTypeReady": true})
			}
		}
		writePage(w, recs, q)
	case len(segs) == 2 && segs[0] == "secret-templates":
		id, _ := strconv.Atoi(segs[1])
		tp := d.template(id)
		if tp == nil {
			dsAPIError(w, http.StatusNotFound, "API_SecretTemplateNotFound", "Secret template not found.")
			return
		}
		fields := make([]map[string]any, 0, len(tp.Fields))
		for i, f := range tp.Fields {
			fields = append(fields, map[string]any{"secretTemplateFieldId": f.ID, "fieldSlugName": f.Slug, "name": f.Name, "displayName": f.Name,
				"description": "", "isPassword": f.IsPassword, "isNotes": f.Slug == "notes", "isFile": false, "isUrl": false, "isList": false,
				"isRequired": f.IsPassword || i == 0, "isIndexable": !f.IsPassword, "sortOrder": i + 1})
		}
		writeJSON(w, http.StatusOK, map[string]any{"id": tp.ID, "name": tp.Name, "passwordTypeId": 0, "fields": fields})
	default:
		dsAPIError(w, http.StatusNotFound, "API_NotFound", "No HTTP resource was found that matches the request URI.")
	}
}

func (d *delineaState) countTemplate(id int) int {
	n := 0
	for _, s := range d.Secrets {
		if s.TemplateID == id {
			n++
		}
	}
	return n
}

func writePage(w http.ResponseWriter, recs []map[string]any, q url.Values) {
	skip, _ := strconv.Atoi(q.Get("skip"))
	take, err := strconv.Atoi(q.Get("take"))
	if err != nil || take <= 0 {
		take = 10 // a small default page, so a client that passes no take sees paging
	}
	total := len(recs)
	if skip > total {
		skip = total
	}
	end := min(total, skip+take)
	page := recs[skip:end]
	if page == nil {
		page = []map[string]any{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"records": page, "total": total, "skip": skip, "take": take, "hasNext": end < total, "hasPrev": skip > 0})
}

func (t *Tenant) dsSearchSecrets(w http.ResponseWriter, d *delineaState, user string, q url.Values) {
	text := strings.ToLower(strings.TrimSpace(q.Get("filter.searchText")))
	exact := strings.EqualFold(q.Get("filter.isExactMatch"), "true")
	withRestricted := strings.EqualFold(q.Get("filter.includeRestricted"), "true")
	var recs []map[string]any
	for _, s := range d.Secrets {
		name := strings.ToLower(s.Name)
		if !s.viewable(user) || !s.Active || (s.Restriction != "" && !withRestricted) {
			continue
		}
		if text != "" && ((exact && name != text) || (!exact && !strings.Contains(name, text))) {
			continue
		}
		tp := d.template(s.TemplateID)
		recs = append(recs, map[string]any{"id": s.ID, "name": s.Name, "secretTemplateId": s.TemplateID, "secretTemplateName": tp.Name,
			"folderId": s.FolderID, "active": s.Active, "isRestricted": s.Restriction != "", "checkedOut": false})
	}
	writePage(w, recs, q)
}

func (t *Tenant) dsGetSecret(w http.ResponseWriter, d *delineaState, user string, id int) {
	s := d.secret(id)
	if s == nil || !s.Active {
		dsAPIError(w, http.StatusNotFound, "API_SecretNotFound", "Secret not found.")
		return
	}
	if !s.viewable(user) {
		dsAPIError(w, http.StatusForbidden, "API_AccessDenied", "Access Denied")
		return
	}
	switch s.Restriction {
	case "comment":
		dsAPIError(w, http.StatusBadRequest, "API_CommentRequired", "A comment is required to view this secret.")
		return
	case "checkout":
		dsAPIError(w, http.StatusBadRequest, "API_CheckOutRequired", "This secret must be checked out before it can be viewed.")
		return
	case "double-lock":
		dsAPIError(w, http.StatusBadRequest, "API_DoubleLockPasswordRequired", "This secret is protected by DoubleLock; its password is required.")
		return
	}
	tp := d.template(s.TemplateID)
	items := make([]map[string]any, 0, len(tp.Fields))
	for i, f := range tp.Fields {
		items = append(items, map[string]any{"itemId": s.ID*100 + i + 1, "fieldId": f.ID, "fieldName": f.Name, "slug": f.Slug,
			"fieldDescription": "", "itemValue": s.Values[f.Slug], "isPassword": f.IsPassword, "isNotes": f.Slug == "notes",
			"isFile": false, "isList": false, "listType": "None", "fileAttachmentId": nil, "filename": nil})
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"id": s.ID, "name": s.Name, "folderId": s.FolderID, "secretTemplateId": s.TemplateID, "secretTemplateName": tp.Name,
		"siteId": 1, "active": s.Active, "checkedOut": false, "checkOutEnabled": s.Restriction == "checkout",
		"isRestricted": s.Restriction != "", "requiresComment": s.Restriction == "comment", "isDoubleLock": s.Restriction == "double-lock",
		"autoChangeEnabled": false, "lastHeartBeatStatus": "Success", "isOutOfSync": false, "items": items,
	})
}
