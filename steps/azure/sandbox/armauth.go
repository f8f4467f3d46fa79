package sandbox

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// armAudiences are the audiences ARM accepts, with or without the trailing slash.
var armAudiences = map[string]bool{
	"https://management.core.windows.net/": true, "https://management.core.windows.net": true,
	"https://management.azure.com/": true, "https://management.azure.com": true,
	"797f4846-ba00-4fd7-ba43-dac1f8f63013": true,
}

var armAPIVersionRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}(-preview|-beta|-alpha|-privatepreview)?$`)

// armChallenge is the WWW-Authenticate value ARM sends with its 401s.
func armChallenge(desc string) string {
	return `Bearer authorization_uri="https://login.windows.net/", error="invalid_token", error_description="` + desc + `"`
}

// bearer returns the token of an "Authorization: Bearer ..." header, "" if none.
func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// armAuth checks the bearer token as ARM does (signature, audience, lifetime) and
// answers the 401 itself when it fails.
func (t *Tenant) armAuth(w http.ResponseWriter, r *http.Request) (*claims, bool) {
	fail := func(code, msg, desc string) (*claims, bool) {
		w.Header().Set("WWW-Authenticate", armChallenge(desc))
		armError(w, http.StatusUnauthorized, code, msg)
		return nil, false
	}
	raw := bearer(r)
	if raw == "" {
		if r.Header.Get("Authorization") == "" {
			return fail("AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.",
				"The authentication failed because of missing 'Authorization' header.")
		}
		return fail("AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing or malformed.",
			"The authentication failed because of a malformed 'Authorization' header.")
	}
	c, err := verifyToken(raw)
	if err != nil {
		return fail("InvalidAuthenticationToken", "The access token is invalid.", "The access token is invalid.")
	}
	now := t.now()
	switch {
	case !armAudiences[c.Aud]:
		return fail("InvalidAuthenticationTokenAudience",
			fmt.Sprintf("The access token has been obtained for wrong audience or resource '%s'. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'.", c.Aud),
			"The access token has been obtained for wrong audience or resource.")
	case now.Unix() >= c.Exp:
		return fail("ExpiredAuthenticationToken",
			fmt.Sprintf("The access token expiry UTC time '%s' is earlier than current UTC time '%s'.", armTime(c.Exp), armTime(now.Unix())),
			"The access token has expired.")
	case c.Nbf > now.Add(5*time.Minute).Unix():
		return fail("InvalidAuthenticationToken", "The access token is not yet valid.", "The access token is not yet valid.")
	}
	return c, true
}

func armTime(unix int64) string { return time.Unix(unix, 0).UTC().Format("1/2/2006 3:04:05 PM") }

// checkARMAPIVersion answers ARM's 400 when api-version is missing or not date-shaped. Any
// date is accepted otherwise, so SDK upgrades keep working.
func checkARMAPIVersion(w http.ResponseWriter, r *http.Request) bool {
	v, ok := r.URL.Query()["api-version"]
	switch {
	case !ok || len(v) == 0 || v[0] == "":
		armError(w, http.StatusBadRequest, "MissingApiVersionParameter",
			"The api-version query parameter (?api-version=) is required for all requests.")
		return false
	case !armAPIVersionRE.MatchString(v[0]):
		armError(w, http.StatusBadRequest, "InvalidApiVersionParameter",
			fmt.Sprintf("The api-version '%s' is invalid. The supported versions are '2024-11-01,2023-07-01,2022-12-01,2022-04-01,2015-11-01'.", v[0]))
		return false
	}
	return true
}

// tenantMismatch answers ARM's 401 for a token of another tenant on a subscription.
func tenantMismatch(w http.ResponseWriter, c *claims, subTenant string) {
	w.Header().Set("WWW-Authenticate", armChallenge("The access token is from the wrong issuer."))
	armError(w, http.StatusUnauthorized, "InvalidAuthenticationTokenTenant",
		fmt.Sprintf("The access token is from the wrong issuer '%s'. It must match the tenant 'https://sts.windows.net/%s/' associated with this subscription. Please use the authority (URL) 'https://login.windows.net/%s' to get the token. Note, if the subscription is transferred to another tenant there is no impact to the services, but information about new tenant could take time to propagate (up to an hour). If you just transferred your subscription and see this error message, please try back later.", c.Iss, subTenant, subTenant))
}

func authorizationFailed(w http.ResponseWriter, c *claims, action, scope string) {
	armError(w, http.StatusForbidden, "AuthorizationFailed",
		fmt.Sprintf("The client '%s' with object id '%s' does not have authorization to perform action '%s' over scope '%s' or the scope is invalid. If access was recently granted, please refresh your credentials.", c.AppID, c.OID, action, scope))
}
