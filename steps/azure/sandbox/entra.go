package sandbox

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// serveEntra answers the authority host: instance discovery, OpenID discovery, the key
// set and the v2.0 (and v1) token endpoints, for client credentials only.
func (t *Tenant) serveEntra(w http.ResponseWriter, r *http.Request) {
	segs := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(segs) < 2 {
		t.entraError(w, r, http.StatusNotFound, "invalid_request", 900561, "The requested endpoint does not exist on this authority.")
		return
	}
	tenantSeg, rest := segs[0], strings.ToLower(strings.Join(segs[1:], "/"))
	switch rest {
	case "discovery/instance":
		t.instanceDiscovery(w, r)
	case "v2.0/.well-known/openid-configuration", ".well-known/openid-configuration":
		t.openIDConfig(w, r, tenantSeg, rest != ".well-known/openid-configuration")
	case "discovery/v2.0/keys", "discovery/keys":
		if _, ok := t.resolveTenant(w, r, tenantSeg, true); !ok {
			return
		}
		k, err := jwks()
		if err != nil {
			t.entraError(w, r, http.StatusServiceUnavailable, "temporarily_unavailable", 90033, "A transient error has occurred. Please try again.")
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(k)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(k)
	case "oauth2/v2.0/token", "oauth2/token":
		t.token(w, r, tenantSeg, rest == "oauth2/token")
	default:
		t.entraError(w, r, http.StatusNotFound, "invalid_request", 900561, "The requested endpoint does not exist on this authority.")
	}
}

// resolveTenant finds a directory by GUID or verified domain. Entra refuses an unknown
// tenant with 90002 and a string that is neither a GUID nor a DNS name with 900023.
// "common" and "organizations" are accepted where allowCommon (discovery documents).
func (t *Tenant) resolveTenant(w http.ResponseWriter, r *http.Request, seg string, allowCommon bool) (tid string, ok bool) {
	if allowCommon && (strings.EqualFold(seg, "common") || strings.EqualFold(seg, "organizations")) {
		return "", true
	}
	if !isGUID(seg) && !isDomainName(seg) {
		t.entraError(w, r, http.StatusBadRequest, "invalid_request", 900023,
			fmt.Sprintf("Specified tenant identifier '%s' is neither a valid DNS name, nor a valid external domain.", seg))
		return "", false
	}
	t.mu.Lock()
	d := t.m.directory(seg)
	if d != nil {
		tid = d.ID
	}
	t.mu.Unlock()
	if d == nil {
		t.entraError(w, r, http.StatusBadRequest, "invalid_tenant", 90002,
			fmt.Sprintf("Tenant '%s' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.", seg))
		return "", false
	}
	return tid, true
}

func isDomainName(s string) bool {
	if len(s) > 253 || !strings.Contains(s, ".") {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// publicAliases are the public cloud's login host aliases, as instance discovery lists them.
var publicAliases = []string{loginHost, "login.windows.net", "login.microsoft.com", "sts.windows.net"}

// instanceDiscovery answers MSAL's authority validation. Entra knows its own hosts
// (the public cloud's aliases) and refuses every other host with invalid_instance
// (AADSTS50049), which MSAL treats as fatal. The practice tenant is a host of its own
// too: in the loopback wiring MSAL names it by hostname without the port
// (https://127.0.0.1/{tenant}/...), so a host equal to the tenant's own, with or
// without its port, is known, and the answer points at the tenant's real address.
func (t *Tenant) instanceDiscovery(w http.ResponseWriter, r *http.Request) {
	ae, err := url.Parse(r.URL.Query().Get("authorization_endpoint"))
	if err != nil || ae.Scheme != "https" || ae.Host == "" {
		t.entraError(w, r, http.StatusBadRequest, "invalid_instance", 50049, "Unknown or invalid instance.")
		return
	}
	tenantSeg := "common"
	if segs := strings.Split(strings.Trim(ae.Path, "/"), "/"); segs[0] != "" {
		tenantSeg = segs[0]
	}
	public := []map[string]any{{"preferred_network": loginHost, "preferred_cache": "login.windows.net", "aliases": publicAliases}}
	host := strings.ToLower(ae.Host)
	switch {
	case slices.Contains(publicAliases, host):
		writeJSON(w, http.StatusOK, map[string]any{
			"tenant_discovery_endpoint": "https://" + host + "/" + url.PathEscape(tenantSeg) + "/v2.0/.well-known/openid-configuration",
			"api-version":               "1.1",
			"metadata":                  public,
		})
	case t.isOwnAuthority(host):
		own := t.authorityHost()
		writeJSON(w, http.StatusOK, map[string]any{
			"tenant_discovery_endpoint": "https://" + own + "/" + url.PathEscape(tenantSeg) + "/v2.0/.well-known/openid-configuration",
			"api-version":               "1.1",
			"metadata":                  append(public, map[string]any{"preferred_network": own, "preferred_cache": own, "aliases": []string{own}}),
		})
	default:
		t.entraError(w, r, http.StatusBadRequest, "invalid_instance", 50049, "Unknown or invalid instance.")
	}
}

// authorityHost is the host (with port) of the tenant's Entra endpoint.
func (t *Tenant) authorityHost() string {
	u, err := url.Parse(t.authority)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Host)
}

// isOwnAuthority reports whether host (as an authorization_endpoint names it) is this
// tenant's Entra endpoint, port or not.
func (t *Tenant) isOwnAuthority(host string) bool {
	own := t.authorityHost()
	if own == "" {
		return false
	}
	if host == own {
		return true
	}
	h, _, err := net.SplitHostPort(own)
	return err == nil && host == h
}

func (t *Tenant) openIDConfig(w http.ResponseWriter, r *http.Request, tenantSeg string, v2 bool) {
	tid, ok := t.resolveTenant(w, r, tenantSeg, true)
	if !ok {
		return
	}
	// The issuer host must be the host the client asked (MSAL compares them), so the
	// document is built from the request's Host, as Entra's is.
	base := "https://" + r.Host
	seg := tid
	issuerTID := tid
	if tid == "" {
		seg, issuerTID = strings.ToLower(tenantSeg), "{tenantid}"
	}
	ver, issuer := "/v2.0", base+"/"+issuerTID+"/v2.0"
	if !v2 {
		ver, issuer = "", "https://sts.windows.net/"+issuerTID+"/"
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"token_endpoint":                        base + "/" + seg + "/oauth2" + ver + "/token",
		"token_endpoint_auth_methods_supported": []string{"client_secret_post", "private_key_jwt", "client_secret_basic"},
		"jwks_uri":                              base + "/" + seg + "/discovery" + ver + "/keys",
		"response_modes_supported":              []string{"query", "fragment", "form_post"},
		"subject_types_supported":               []string{"pairwise"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"response_types_supported":              []string{"code", "id_token", "code id_token", "id_token token"},
		"scopes_supported":                      []string{"openid", "profile", "email", "offline_access"},
		"issuer":                                issuer,
		"request_uri_parameter_supported":       false,
		"authorization_endpoint":                base + "/" + seg + "/oauth2" + ver + "/authorize",
		"device_authorization_endpoint":         base + "/" + seg + "/oauth2" + ver + "/devicecode",
		"end_session_endpoint":                  base + "/" + seg + "/oauth2" + ver + "/logout",
		"tenant_region_scope":                   "EU",
		"cloud_instance_name":                   "microsoftonline.com",
		"cloud_graph_host_name":                 "graph.windows.net",
		"msgraph_host":                          "graph.microsoft.com",
	})
}

// entraError writes Entra's error body: the AADSTS code leads error_description, and
// error_codes carries it as a number, which is what clients should branch on.
func (t *Tenant) entraError(w http.ResponseWriter, r *http.Request, status int, errName string, code int, desc string) {
	now := t.now().UTC()
	trace, corr := newGUID(), r.Header.Get("client-request-id")
	if !isGUID(corr) {
		corr = newGUID()
	}
	ts := now.Format("2006-01-02 15:04:05Z")
	w.Header().Set("x-ms-request-id", trace)
	w.Header().Set("client-request-id", corr)
	writeJSON(w, status, map[string]any{
		"error":             errName,
		"error_description": fmt.Sprintf("AADSTS%d: %s\r\nTrace ID: %s\r\nCorrelation ID: %s\r\nTimestamp: %s", code, desc, trace, corr, ts),
		"error_codes":       []int{code},
		"timestamp":         ts,
		"trace_id":          trace,
		"correlation_id":    corr,
		"error_uri":         "https://login.microsoftonline.com/error?code=" + strconv.Itoa(code),
	})
}
