package sandbox

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
)

const kvAudience = "https://vault.azure.net"

var kvAPIVersionRE = regexp.MustCompile(`^(\d+\.\d+|\d{4}-\d{2}-\d{2})(-preview(\.\d+)?)?$`)

// serveVault answers one vault's data plane, in Key Vault's order: the challenge and
// token, the api-version, network rules, then the operation and its authorisation.
func (t *Tenant) serveVault(w http.ResponseWriter, r *http.Request, name string) {
	w.Header().Set("x-ms-request-id", newGUID())
	w.Header().Set("x-ms-keyvault-service-version", "1.9.2691.1")
	w.Header().Set("x-ms-keyvault-region", "westeurope")
	t.mu.Lock()
	v := t.m.vault(name)
	var tid, loc, vname string
	var public, deny bool
	if v != nil {
		tid, loc, vname, public, deny = v.TenantID, v.Location, v.Name, v.PublicAccess, v.FirewallDeny
	}
	t.mu.Unlock()
	if v == nil {
		// In Azure a vault that does not exist has no DNS name at all.
		kvError(w, http.StatusMisdirectedRequest, "VaultNotFound", "This practice tenant has no vault named '"+name+"'.", "")
		return
	}
	c, ok := t.kvAuth(w, r, tid)
	if !ok || !checkKVAPIVersion(w, r) || t.throttled(w, r, svcVault) {
		return
	}
	caller := fmt.Sprintf("appid=%s;oid=%s;iss=%s", c.AppID, c.OID, c.Iss)
	if !public {
		kvError(w, http.StatusForbidden, "Forbidden", fmt.Sprintf("Connection is not an approved private link and caller was ignored because bypass is not set to 'AzureServices' and PublicNetworkAccess is set to 'Disabled'.\r\nVault: %s;location=%s", vname, loc), "ForbiddenByConnection")
		return
	}
	if deny {
		kvError(w, http.StatusForbidden, "Forbidden", fmt.Sprintf("Client address is not authorized and caller is not a trusted service.\r\nClient address: %s\r\nCaller: %s\r\nVault: %s;location=%s", clientIP(r), caller, vname, loc), "ForbiddenByFirewall")
		return
	}
	t.secretOps(w, r, c, name)
}

func clientIP(r *http.Request) string {
	if i := strings.LastIndex(r.RemoteAddr, ":"); i > 0 {
		return strings.Trim(r.RemoteAddr[:i], "[]")
	}
	return r.RemoteAddr
}

// kvChallenge is the WWW-Authenticate header azsecrets parses by hand: authorization
// must end in the tenant, resource names the token audience.
func (t *Tenant) kvChallenge(w http.ResponseWriter, tid string) {
	w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer authorization="%s%s", resource="%s"`, t.authority, tid, kvAudience))
}

// kvAuth checks the bearer token. Every 401 carries the challenge, as Key Vault's do.
// AKV10000, AKV10022 and AKV10032 are documented; the codes for a bad signature and a
// lifetime problem are not, and are chosen here in the same style.
func (t *Tenant) kvAuth(w http.ResponseWriter, r *http.Request, tid string) (*claims, bool) {
	fail := func(msg string) (*claims, bool) {
		t.kvChallenge(w, tid)
		kvError(w, http.StatusUnauthorized, "Unauthorized", msg, "")
		return nil, false
	}
	raw := bearer(r)
	if raw == "" {
		return fail("AKV10000: Request is missing a Bearer or PoP token.")
	}
	c, err := verifyToken(raw)
	if err != nil {
		return fail("AKV10031: Token signature validation failed or the token is malformed.")
	}
	now := t.now().Unix()
	switch {
	case strings.TrimSuffix(c.Aud, "/") != kvAudience && c.Aud != "cfa8b339-82a2-471a-a3c9-0fc0be7a4093":
		return fail(fmt.Sprintf("AKV10022: Invalid audience. Expected %s, found: %s.", kvAudience, c.Aud))
	case !strings.EqualFold(c.TID, tid):
		return fail(fmt.Sprintf("AKV10032: Invalid issuer. Expected one of https://sts.windows.net/%s/, found %s.", tid, c.Iss))
	case now >= c.Exp:
		return fail("AKV10042: Token expired.")
	case c.Nbf > now+300:
		return fail("AKV10041: Token is not yet valid.")
	}
	return c, true
}

func checkKVAPIVersion(w http.ResponseWriter, r *http.Request) bool {
	v := r.URL.Query().Get("api-version")
	switch {
	case v == "":
		kvError(w, http.StatusBadRequest, "BadParameter", "The request is missing the required 'api-version' query parameter.", "")
		return false
	case !kvAPIVersionRE.MatchString(v):
		kvError(w, http.StatusBadRequest, "BadParameter", fmt.Sprintf("The specified version (%s) is not recognized. Consider using the latest supported version (2026-04-01).", v), "")
		return false
	}
	return true
}
