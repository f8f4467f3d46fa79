package sandbox

import (
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strings"
	"time"
)

const tokenLifetime = time.Hour

// resources maps the resources a token may be asked for (by URI or app ID) to whether
// they are known. The token's aud is the resource exactly as asked, as Entra does.
var resources = map[string]bool{
	"https://management.core.windows.net/": true, "https://management.core.windows.net": true,
	"https://management.azure.com/": true, "https://management.azure.com": true,
	"797f4846-ba00-4fd7-ba43-dac1f8f63013": true, // Windows Azure Service Management API
	"https://vault.azure.net":              true, "https://vault.azure.net/": true,
	"cfa8b339-82a2-471a-a3c9-0fc0be7a4093": true, // Azure Key Vault
	graphAudience:                          true, graphAudience + "/": true,
	graphAppID: true, // Microsoft Graph
}

// oidcScopes are the scopes MSAL adds to every request, even for client credentials.
var oidcScopes = map[string]bool{"openid": true, "offline_access": true, "profile": true, "email": true}

// token is the client-credentials grant. The checks run in Entra's order: the tenant,
// the request's shape, the client, its secret, then the resource.
func (t *Tenant) token(w http.ResponseWriter, r *http.Request, tenantSeg string, v1 bool) {
	if r.Method != http.MethodPost {
		t.entraError(w, r, http.StatusBadRequest, "invalid_request", 900561,
			fmt.Sprintf("The endpoint only accepts POST, OPTIONS requests. Received a %s request.", r.Method))
		return
	}
	tid, ok := t.resolveTenant(w, r, tenantSeg, false)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "application/x-www-form-urlencoded" || r.ParseForm() != nil {
		t.missingParam(w, r, "grant_type")
		return
	}
	f := r.PostForm
	grant, clientID, secretIn := f.Get("grant_type"), f.Get("client_id"), f.Get("client_secret")
	switch {
	case grant == "":
		t.missingParam(w, r, "grant_type")
		return
	case grant != "client_credentials":
		t.entraError(w, r, http.StatusBadRequest, "unsupported_grant_type", 70003,
			"The app requested an unsupported grant type. This practice tenant issues tokens for client credentials only.")
		return
	case clientID == "":
		t.missingParam(w, r, "client_id")
		return
	}
	resource, ok := t.requestedResource(w, r, v1)
	if !ok {
		return
	}

	t.mu.Lock()
	d := t.m.directory(tid)
	a := d.app(clientID)
	var found *clientSecret
	var appName string
	var disabled, caBlocked bool
	if a != nil {
		appName, disabled, caBlocked = a.DisplayName, a.Disabled, a.CABlocked
		for _, s := range a.Secrets {
			if s.matches(secretIn) {
				found = s
			}
		}
	}
	domain := d.Domain
	var oid string
	var roles []string
	if a != nil {
		oid = a.SPObjectID
		if t.isGraphResource(resource) {
			roles = slices.Clone(a.GraphPermissions)
		}
	}
	t.mu.Unlock()

	now := t.now()
	switch {
	case a == nil:
		t.entraError(w, r, http.StatusBadRequest, "unauthorized_client", 700016,
			fmt.Sprintf("Application with identifier '%s' was not found in the directory '%s'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.", echoID(clientID), domain))
	case secretIn == "":
		t.entraError(w, r, http.StatusUnauthorized, "invalid_client", 7000218,
			"The request body must contain the following parameter: 'client_assertion' or 'client_secret'.")
	case found == nil:
		t.entraError(w, r, http.StatusUnauthorized, "invalid_client", 7000215,
			fmt.Sprintf("Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '%s'.", a.ClientID))
	case !now.Before(found.End):
		t.entraError(w, r, http.StatusUnauthorized, "invalid_client", 7000222,
			fmt.Sprintf("The provided client secret keys for app '%s' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.", a.ClientID))
	case disabled:
		t.entraError(w, r, http.StatusBadRequest, "unauthorized_client", 7000112,
			fmt.Sprintf("Application '%s'(%s) is disabled.", a.ClientID, appName))
	case !resources[resource] && !t.isGraphResource(resource):
		t.entraError(w, r, http.StatusBadRequest, "invalid_resource", 500011,
			fmt.Sprintf("The resource principal named %s was not found in the tenant named %s. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.", resource, domain))
	case caBlocked:
		// Conditional Access is evaluated once the client has authenticated, for the
		// resource asked: after the secret and resource checks.
		t.entraError(w, r, http.StatusBadRequest, "invalid_grant", 53003,
			"Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.")
	default:
		c := &claims{
			Aud: resource, Iss: "https://sts.windows.net/" + tid + "/",
			Iat: now.Unix(), Nbf: now.Unix(), Exp: now.Add(tokenLifetime).Unix(),
			AppID: a.ClientID, AppIDAcr: "1", Azp: a.ClientID, IDType: "app",
			OID: oid, Sub: oid, TID: tid, Ver: "1.0", Roles: roles,
		}
		if strings.Contains(f.Get("claims"), "CP1") {
			c.XmsCC = []string{"CP1"}
		}
		tok, err := signToken(c)
		if err != nil {
			t.entraError(w, r, http.StatusServiceUnavailable, "temporarily_unavailable", 90033, "A transient error has occurred. Please try again.")
			return
		}
		w.Header().Set("Cache-Control", "no-store, no-cache")
		w.Header().Set("Pragma", "no-cache")
		secs := int(tokenLifetime/time.Second) - 1
		writeJSON(w, http.StatusOK, map[string]any{
			"token_type": "Bearer", "expires_in": secs, "ext_expires_in": secs, "access_token": tok,
		})
	}
}

// requestedResource reads the v2 scope (which must name one resource with /.default) or
// the v1 resource parameter.
func (t *Tenant) requestedResource(w http.ResponseWriter, r *http.Request, v1 bool) (string, bool) {
	f := r.PostForm
	if v1 && f.Get("resource") != "" {
		return f.Get("resource"), true
	}
	scope := f.Get("scope")
	if strings.TrimSpace(scope) == "" {
		t.missingParam(w, r, "scope")
		return "", false
	}
	var resource string
	for _, s := range strings.Fields(scope) {
		switch {
		case oidcScopes[strings.ToLower(s)]:
		case strings.HasSuffix(s, "/.default") && resource == "":
			resource = strings.TrimSuffix(s, "/.default")
		default: // a second resource, or one without /.default
			resource = ""
		}
		if resource == "" && !oidcScopes[strings.ToLower(s)] {
			break
		}
	}
	if resource == "" {
		t.entraError(w, r, http.StatusBadRequest, "invalid_scope", 1002012,
			fmt.Sprintf("The provided value for scope %s is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).", scope))
		return "", false
	}
	return resource, true
}

func (t *Tenant) missingParam(w http.ResponseWriter, r *http.Request, name string) {
	t.entraError(w, r, http.StatusBadRequest, "invalid_request", 900144,
		fmt.Sprintf("The request body must contain the following parameter: '%s'.", name))
}

// echoID repeats a client ID in an error only when it looks like one: a secret pasted
// into the wrong field must not come back in error text (and from there into logs).
func echoID(s string) string {
	if isGUID(s) {
		return s
	}
	return "(not a GUID)"
}
