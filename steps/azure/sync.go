package azure

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"

	"github.com/kvbridge/kvbridge/internal/termsafe"
)

// SyncCheckID is the ID a SyncResult carries. It is not a check of the catalogue (it is
// a write, and never part of a run); the UIs show it with the same renderer as checks.
const SyncCheckID = "sync"

// SyncResult is how Delinea would meet the sync of one external secret: the result in
// the engine's vocabulary (Status pass or fail, a cause from data.secrets' and
// mapping.*'s codes, title, detail, evidence and fix), and on success the new version
// and its updated time. It never holds the value.
//
// Causes: forbidden-by-rbac (the setSecret data action is missing; the evidence names
// it), forbidden-by-access-policy, forbidden-by-firewall, forbidden-by-connection,
// deleted-but-recoverable (409 ObjectIsDeletedButRecoverable), invalid-name and too-long
// (checked before the call, and 400 BadParameter from Key Vault), wrong-tenant, and
// the generic ones: timeout, unreachable, throttled, service-error; auth.token's causes
// when Entra ID refuses the app's token; malformed when the inputs make no credential.
//
// JSON: the Result's fields plus "version" and "updated".
type SyncResult struct {
	Result
	Version string    // the version Key Vault gave the new value
	Updated time.Time // its updated time; zero when the sync failed
}

// OK reports whether the sync wrote the secret.
func (r SyncResult) OK() bool { return r.Status == StatusPass }

// MarshalJSON flattens the Result (with duration_ms) and adds version and updated.
func (r SyncResult) MarshalJSON() ([]byte, error) {
	type plain Result
	var upd *time.Time
	if !r.Updated.IsZero() {
		u := r.Updated
		upd = &u
	}
	return json.Marshal(struct {
		plain
		DurationMS int64      `json:"duration_ms"`
		Version    string     `json:"version,omitempty"`
		Updated    *time.Time `json:"updated,omitempty"`
	}{plain(r.Result), r.Duration.Milliseconds(), r.Version, upd})
}

// SyncSecret does what the guide says Delinea does when an external secret is saved: SetSecret of
// value (and tags, e.g. {"username": "svc-admin"}) under name in the session's target
// vault, with the app's own credentials. The vault URL is resolved as the checks do it
// (the URL given, the vault's name in the cloud, or ARM's vaultUri for a resource ID or
// custom endpoints); the session's clients and token cache are reused; the call is
// bounded by the check timeout (Config.CheckTimeout).
//
// This is a WRITE: it creates a new version of the secret. The checks never call it;
// a UI calls it only when the user asked for it (the wizard and the plain runner offer
// it in the practice tenant, after saying what it will do). The value is used for the
// call only: it is never in the result, an error text or a log, and every string of the
// result is scrubbed of it (as of the client secret) before it is returned.
func (s *Session) SyncSecret(ctx context.Context, name, value string, tags map[string]string) SyncResult {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, s.checkTimeout())
	defer cancel()
	rs := newRunState(ctx, s)
	out := s.syncSecret(ctx, rs, name, value, tags)
	out.ID = SyncCheckID
	out.Duration = time.Since(start)
	out.Result = s.scrub(scrubValue(out.Result, value))
	out.Version = termsafe.Clean(scrubString(out.Version, value))
	return out
}

func (s *Session) syncSecret(ctx context.Context, rs *runState, name, value string, tags map[string]string) SyncResult {
	if p := CheckSecretName(name); p.Cause != "" {
		r := Result{Status: StatusFail, Cause: p.Cause, Title: "Key Vault would refuse the name " + quoteName(name), Detail: p.Detail,
			Evidence: Evidence{Vault: rs.vaultName(), Scope: name}}
		r.Fix = &Fix{Summary: "In Delinea's external secret, use a name of 1-127 letters, digits and dashes, for example Prod-VM-Admin-Pass."}
		return SyncResult{Result: r}
	}
	if s.cred == nil {
		r := Result{Status: StatusFail, Cause: "malformed", Title: "No credential could be made",
			Detail: "The tenant ID, client ID or client secret is not usable (see the input.* checks)."}
		if s.credErr != nil {
			r.Detail = firstLine(s.credErr.Error())
		}
		return SyncResult{Result: r}
	}
	u, res := rs.syncURL(ctx)
	if res != nil {
		return SyncResult{Result: *res}
	}
	ev := Evidence{Vault: rs.vaultName(), VaultURL: u, VaultID: rs.vaultID(), Scope: name}
	c, err := s.secretsClient(u)
	if err != nil {
		r := genericFailure(decodeError(ctx, err), rs)
		r.Evidence.Vault, r.Evidence.VaultURL = ev.Vault, ev.VaultURL
		return SyncResult{Result: r}
	}
	// No content type: which one Delinea sets, if any, is not documented.
	params := azsecrets.SetSecretParameters{Value: &value}
	if len(tags) > 0 {
		params.Tags = map[string]*string{}
		for k, v := range tags {
			params.Tags[k] = ptr(v)
		}
	}
	resp, err := c.SetSecret(ctx, name, params, nil)
	if err == nil {
		resp.Value = nil
		out := SyncResult{}
		if resp.ID != nil {
			out.Version = resp.ID.Version()
		}
		if a := resp.Attributes; a != nil && a.Updated != nil {
			out.Updated = *a.Updated
			upd := out.Updated
			ev.SecretUpdated = &upd
		}
		detail := "Key Vault stored a new version"
		if out.Version != "" {
			detail += " (" + out.Version + ")"
		}
		detail += " of " + name + " in " + orPlaceholder(ev.Vault, u) + ", standing in for Delinea's sync (which the guide says runs when the external secret is saved)"
		if len(tags) > 0 {
			keys := make([]string, 0, len(tags))
			for k := range tags {
				keys = append(keys, k)
			}
			detail += ", with the tags " + strings.Join(slices.Sorted(slices.Values(keys)), ", ")
		}
		out.Result = pass("Wrote "+name+" as a sync would", detail+".")
		out.Evidence = ev
		return out
	}
	return SyncResult{Result: rs.syncFailure(ctx, err, ev, name)}
}

// syncURL resolves the data-plane URL as the checks do: the URL given, the name's URL in
// the cloud, else ARM's vaultUri (by resource ID, or by listing for a name).
func (rs *runState) syncURL(ctx context.Context) (string, *Result) {
	v := rs.s.vault
	if v.Name == "" && v.URL == "" && v.ResourceID == "" {
		r := Result{Status: StatusFail, Cause: CauseNotAsked, Title: "No target vault",
			Detail: "No vault was named, so there is nowhere to sync to."}
		return "", &r
	}
	if rs.urlKnownEarly() {
		return rs.dataURL(), nil
	}
	if v.ResourceID != "" {
		c, err := rs.s.vaultsClient(v.SubID)
		if err == nil {
			got, gerr := c.Get(ctx, v.RG, nameOf(v.ResourceID), nil)
			if gerr == nil && got.Properties != nil && got.Properties.VaultURI != nil {
				return *got.Properties.VaultURI, nil
			}
			err = gerr
		}
		if err != nil && (ctx.Err() != nil || decodeError(ctx, err).Kind != KindService) {
			r := genericFailure(decodeError(ctx, err), rs)
			r.Evidence.VaultID = v.ResourceID
			return "", &r
		}
	}
	// By name: find the vault in the listing, as Delinea's dropdown does.
	if rs.s.subs != nil {
		var subs []subInfo
		pager := rs.s.subs.NewListPager(nil)
		for pager.More() {
			page, err := pager.NextPage(ctx)
			if err != nil {
				break
			}
			for _, s := range page.Value {
				if s != nil && s.SubscriptionID != nil {
					subs = append(subs, subInfo{ID: *s.SubscriptionID})
				}
			}
		}
		if l := rs.listVaults(ctx, subs); l != nil {
			if t := rs.matchTarget(l.vaults); t != nil && t.URL != "" {
				return t.URL, nil
			}
		}
	}
	if v.URL != "" && !rs.s.cfg.customEndpoints() {
		return v.URL, nil
	}
	r := Result{Status: StatusFail, Cause: "target-not-listed", Title: "The vault's URL could not be found",
		Evidence: Evidence{Vault: v.Name, VaultID: v.ResourceID},
		Detail:   "With custom endpoints the vault's URL comes from ARM, which does not show this vault to the app. Give the vault as its URL (the Vault URI on the vault's Overview page), or let the app read the vault (Reader)."}
	r.Fix = rs.roleFix(roleReader, "Assign Reader to the app on the vault, or give the vault's URL.")
	return "", &r
}

// syncFailure says how Delinea would meet a refused SetSecret, from the decoded body.
func (rs *runState) syncFailure(ctx context.Context, err error, ev Evidence, name string) Result {
	d := decodeError(ctx, err)
	if d.Kind == KindEntra {
		r := authFailure(ctx, rs, err)
		r.Title = "Delinea could not sign in: " + r.Title
		return r
	}
	r := genericFailure(d, rs)
	r.Evidence.Vault, r.Evidence.VaultURL, r.Evidence.VaultID, r.Evidence.Scope = ev.Vault, ev.VaultURL, ev.VaultID, name
	vault := orPlaceholder(rs.vaultName(), "<vault-name>")
	const delinea = " Delinea's sync would fail the same way, and the secret in Key Vault would keep its old value."
	switch {
	case d.Kind == KindWrongTenant || (d.HTTPStatus == 401 && strings.Contains(d.Message, "AKV10032")):
		r.Cause, r.Title = "wrong-tenant", "The vault belongs to another tenant"
		r.Detail = "Key Vault wants a token from a different directory than the app's (" + d.Message + ")." + delinea
		r.Fix = fixWith("Use the vault's tenant ID and an app registered there.", "", vaultTenantCmd(vault))
	case d.Kind == KindService && d.HTTPStatus == 403:
		switch cause := kvForbiddenCause(d.InnerCode); cause {
		case "forbidden-by-rbac":
			if r.Evidence.Action == "" {
				r.Evidence.Action = actSetSecret
			}
			r.Cause, r.Title = cause, "Key Vault refused the write: no role gives setSecret"
			r.Detail = "Key Vault answered ForbiddenByRbac for " + r.Evidence.Action + ": the app's roles on the vault do not allow writing secrets (Key Vault Secrets User only reads). If you assigned Key Vault Secrets Officer in the last 10 minutes, wait and try again." + delinea
			r.Fix = rs.roleFix(roleOfficer, "Assign Key Vault Secrets Officer to the app on the vault (it includes setSecret).")
		case "forbidden-by-access-policy":
			r.Cause, r.Title = cause, "Key Vault refused the write: the access policies do not allow set"
			r.Detail = "The vault uses access policies and none gives the app the secret permission set (" + d.Message + ")." + delinea
			r.Fix = rs.policyFix(nil)
		case "forbidden-by-firewall":
			r.Cause, r.Title = cause, "The vault's firewall refused the write"
			r.Detail = "The vault's firewall does not allow this machine's address" + ipSuffix(d.ClientIP) + "; Delinea's outbound addresses must be allowed as well." + delinea
			r.Fix = rs.firewallFix(d.ClientIP)
		case "forbidden-by-connection":
			r.Cause, r.Title = cause, "The vault accepts private-endpoint traffic only"
			r.Detail = "Public network access is disabled on the vault; only private endpoints reach it." + delinea
			r.Fix = rs.privateFix()
		default:
			r.Title = "Key Vault refused the write: " + orPlaceholder(d.InnerCode, d.Code)
		}
	case d.Kind == KindService && d.HTTPStatus == 409 && strings.EqualFold(d.InnerCode, "ObjectIsDeletedButRecoverable"):
		r.Cause, r.Title = "deleted-but-recoverable", "The name belongs to a deleted secret"
		r.Detail = "A secret named " + name + " was deleted and is kept (soft delete) until it is purged; while it is, Key Vault refuses to reuse the name (409 ObjectIsDeletedButRecoverable), which is what Delinea's sync meets. Recover it (the sync then writes a new version over it) or purge it."
		r.Fix = recoverOrPurge("Recover the deleted secret, or purge it, then save the external secret in Delinea again.",
			"Key vaults › "+vault+" › Secrets › Manage deleted secrets › "+name+" › Recover (or Purge)", vault, name)
	case d.Kind == KindService && d.HTTPStatus == 400 && strings.EqualFold(d.Code, "BadParameter"):
		r.Cause, r.Title = "invalid-name", "Key Vault refused the secret name"
		r.Detail = "Key Vault answered BadParameter (" + d.Message + "). Secret names hold 1-127 letters, digits and '-'."
		r.Fix = &Fix{Summary: "In Delinea's external secret, use a name of 1-127 letters, digits and dashes, for example Prod-VM-Admin-Pass."}
	}
	return r
}

// scrubValue removes a value (the client secret, a synced value) from every string of a
// result, in each of its secretForms. Values shorter than 4 characters are left alone:
// replacing them would garble the text, and no code path puts a value into a result in
// the first place.
func scrubValue(r Result, value string) Result {
	if len(value) < 4 {
		return r
	}
	forms := secretForms(value)
	return redactStrings(r, func(x string) string { return scrubForms(x, forms) })
}

func scrubString(x, value string) string {
	if len(value) < 4 {
		return x
	}
	return scrubForms(x, secretForms(value))
}

func scrubForms(x string, forms []string) string {
	for _, f := range forms {
		if strings.Contains(x, f) {
			x = strings.ReplaceAll(x, f, "[REDACTED]")
		}
	}
	// A message clipped to its first 300 bytes (clip) may end in the first part of a
	// value: redact any such head of 4 bytes or more before the mark.
	if body, ok := strings.CutSuffix(x, "…"); ok {
		for _, f := range forms {
			for n := len(f) - 1; n >= 4; n-- {
				if strings.HasSuffix(body, f[:n]) {
					return body[:len(body)-n] + "[REDACTED]…"
				}
			}
		}
	}
	return x
}

func quoteName(n string) string {
	if len(n) > 40 {
		n = n[:40] + "…"
	}
	return fmt.Sprintf("%q", n)
}

func ptr[T any](v T) *T { return &v }
