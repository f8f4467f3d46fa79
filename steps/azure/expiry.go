package azure

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

// ExpiryWarning is how close to its expiry a client secret is reported (expires-soon).
const ExpiryWarning = 30 * 24 * time.Hour

type passwordCredential struct {
	KeyID       string     `json:"keyId"`
	DisplayName string     `json:"displayName"`
	Hint        string     `json:"hint"`
	End         *time.Time `json:"endDateTime"`
}

func checkExpiry(ctx context.Context, rs *runState) Result {
	c := rs.s.cfg
	manual := fixWith("Read the secret's expiry in the portal, and put a reminder in the calendar 30 days before it.",
		"Microsoft Entra ID › App registrations › (your app) › Certificates & secrets › Client secrets › Expires",
		Cmd("az", "ad", "app", "credential", "list", "--id", c.ClientID, "--query", "[].{name:displayName,hint:hint,expires:endDateTime}", "-o", "table"))
	if !c.SecretExpires.IsZero() {
		return expiryResult(rs, c.SecretExpires, "as given")
	}
	if c.customEndpoints() && c.GraphEndpoint == "" {
		// A custom authority or ARM endpoint is a private cloud or a practice tenant, whose
		// Graph endpoint kvbridge cannot know; never send its token to the public Graph.
		return Result{Status: StatusWarn, Cause: "unknown", Title: "The secret's expiry is unknown",
			Detail: "With custom endpoints there is no known Microsoft Graph endpoint to ask (give it with --graph-endpoint). Read the expiry in the portal and set a reminder 30 days before.", Fix: manual}
	}
	req, err := runtime.NewRequest(ctx, http.MethodGet, rs.s.graphURL+"/v1.0/applications(appId='"+url.PathEscape(c.ClientID)+"')?$select=passwordCredentials")
	if err != nil {
		return Result{Status: StatusWarn, Cause: "unknown", Title: "The expiry could not be read", Detail: err.Error(), Fix: manual}
	}
	resp, err := rs.s.graphPL.Do(req)
	unknown := func(why string, ev Evidence) Result {
		return Result{Status: StatusWarn, Cause: "unknown", Title: "The secret's expiry is unknown", Evidence: ev,
			Detail: why + " Read it in the portal (or with az, signed in as an admin) and set a reminder 30 days before.", Fix: manual}
	}
	if err != nil {
		d := decodeError(ctx, err)
		if d.Kind == KindTimeout {
			return unknown("Microsoft Graph did not answer in time.", Evidence{})
		}
		why := d.Message
		if d.AADSTS != 0 {
			why = fmt.Sprintf("Entra ID refused a Graph token, AADSTS%d", d.AADSTS)
		}
		return unknown("Microsoft Graph could not be asked ("+why+").", evidenceOf(d))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		ev := Evidence{HTTPStatus: resp.StatusCode, RequestID: resp.Header.Get("request-id")}
		if resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusUnauthorized {
			return unknown("Microsoft Graph refused to show the app's credentials (the app needs Application.Read.All, which it should not have just for this).", ev)
		}
		return unknown(fmt.Sprintf("Microsoft Graph answered %d.", resp.StatusCode), ev)
	}
	var body struct {
		PasswordCredentials []passwordCredential `json:"passwordCredentials"`
	}
	if b, err := runtime.Payload(resp); err != nil || json.Unmarshal(b, &body) != nil {
		return unknown("Microsoft Graph's answer could not be read.", Evidence{})
	}
	// Match the secret in use by its hint (its first three characters).
	hint := ""
	if len(rs.s.secret) >= 3 {
		hint = rs.s.secret[:3]
	}
	var best *time.Time
	for _, pc := range body.PasswordCredentials {
		if pc.End == nil || (hint != "" && pc.Hint != "" && pc.Hint != hint) {
			continue
		}
		if best == nil || pc.End.Before(*best) {
			e := *pc.End
			best = &e
		}
	}
	if best == nil {
		return unknown("Microsoft Graph lists no client secret matching the one in use.", Evidence{})
	}
	return expiryResult(rs, *best, "read from Microsoft Graph")
}

func expiryResult(rs *runState, end time.Time, how string) Result {
	left := end.Sub(rs.s.cfg.now())
	ev := Evidence{SecretExpires: &end}
	in := "in " + counted(int(left.Hours()/24), "day")
	if left < 24*time.Hour {
		in = "in less than a day"
	}
	if left < ExpiryWarning {
		r := Result{Status: StatusWarn, Cause: "expires-soon", Evidence: ev,
			Title:  fmt.Sprintf("The client secret expires %s (%s)", in, end.Format("2006-01-02")),
			Detail: "When it expires, Delinea's sync stops with AADSTS7000222. Create a new secret now and update the Delinea credential secret (" + how + ")."}
		if left <= 0 {
			r.Status, r.Title = StatusFail, "The client secret has expired ("+end.Format("2006-01-02")+")"
		}
		r.Fix = authFix("secret-expired", rs)
		return r
	}
	r := pass(fmt.Sprintf("The client secret expires on %s, %s", end.Format("2006-01-02"), in),
		"Set a reminder 30 days before ("+how+").")
	r.Evidence = ev
	return r
}
