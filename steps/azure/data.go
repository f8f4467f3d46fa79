package azure

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/kvbridge/kvbridge/steps/facts"
)

// probeResult is the read-only data-plane call: the first page of the secret list.
type probeResult struct {
	url   string
	ran   bool
	count int
	err   error
	d     Decoded
}

// secretResult is GetSecret on the mapped name, and GetDeletedSecret when it is missing.
// The value is hashed on arrival and dropped.
type secretResult struct {
	ran       bool
	found     bool
	enabled   bool
	updated   time.Time
	tags      map[string]string
	valueHash [32]byte
	hasValue  bool
	d         Decoded // GetSecret's error
	deleted   bool
	delDate   time.Time
	purgeDate time.Time
	delD      Decoded // GetDeletedSecret's error, when it failed other than 404
}

// permsResult is the permissions API on the vault.
type permsResult struct {
	ran     bool
	entries []permEntry
	d       Decoded
	err     error
}

type permEntry struct {
	Actions, NotActions, DataActions, NotDataActions []string
}

func (rs *runState) startProbe() {
	u := rs.dataURL()
	if u == "" || rs.s.cred == nil {
		return
	}
	rs.probe.start(func() probeResult {
		ctx, cancel := rs.futureCtx()
		defer cancel()
		pr := probeResult{url: u, ran: true}
		c, err := rs.s.secretsClient(u)
		if err != nil {
			pr.err, pr.d = err, decodeError(ctx, err)
			return pr
		}
		pager := c.NewListSecretPropertiesPager(nil)
		page, err := pager.NextPage(ctx)
		if err != nil {
			pr.err, pr.d = err, decodeError(ctx, err)
			return pr
		}
		pr.count = len(page.Value)
		return pr
	})
}

func (rs *runState) startSecret() {
	u, name := rs.dataURL(), rs.s.cfg.SecretName
	if u == "" || name == "" || rs.s.cred == nil || CheckSecretName(name).Cause != "" {
		return
	}
	rs.secret.start(func() secretResult {
		ctx, cancel := rs.futureCtx()
		defer cancel()
		sr := secretResult{ran: true}
		c, err := rs.s.secretsClient(u)
		if err != nil {
			sr.d = decodeError(ctx, err)
			return sr
		}
		resp, err := c.GetSecret(ctx, name, "", nil)
		if err == nil {
			sr.found, sr.enabled = true, true
			if a := resp.Attributes; a != nil {
				if a.Enabled != nil {
					sr.enabled = *a.Enabled
				}
				if a.Updated != nil {
					sr.updated = *a.Updated
				}
			}
			sr.tags = map[string]string{}
			for k, v := range resp.Tags {
				if v != nil {
					sr.tags[strings.ToLower(k)] = *v
				}
			}
			sr.valueHash, sr.hasValue = hashValue(resp.Value)
			resp.Value = nil
			return sr
		}
		sr.d = decodeError(ctx, err)
		if sr.d.HTTPStatus != 404 {
			return sr
		}
		del, err := c.GetDeletedSecret(ctx, name, nil)
		if err != nil {
			if d := decodeError(ctx, err); d.HTTPStatus != 404 {
				sr.delD = d
			}
			return sr
		}
		sr.deleted = true
		if del.DeletedDate != nil {
			sr.delDate = *del.DeletedDate
		}
		if del.ScheduledPurgeDate != nil {
			sr.purgeDate = *del.ScheduledPurgeDate
		}
		del.Value = nil
		return sr
	})
}

func (rs *runState) startPerms() {
	id := rs.vaultID()
	if id == "" || rs.s.cred == nil {
		return
	}
	sub, rg, name := subOf(id), rgOf(id), nameOf(id)
	rs.perms.start(func() permsResult {
		ctx, cancel := rs.futureCtx()
		defer cancel()
		pr := permsResult{ran: true}
		c, err := rs.s.permsClient(sub)
		if err != nil {
			pr.err, pr.d = err, decodeError(ctx, err)
			return pr
		}
		pager := c.NewListForResourcePager(rg, "Microsoft.KeyVault", "", "vaults", name, nil)
		for pager.More() {
			page, err := pager.NextPage(ctx)
			if err != nil {
				pr.err, pr.d = err, decodeError(ctx, err)
				return pr
			}
			for _, p := range page.Value {
				if p == nil {
					continue
				}
				pr.entries = append(pr.entries, permEntry{strs(p.Actions), strs(p.NotActions), strs(p.DataActions), strs(p.NotDataActions)})
			}
		}
		return pr
	})
}

func strs(ps []*string) []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		if p != nil {
			out = append(out, *p)
		}
	}
	return out
}

func subOf(id string) string {
	segs := strings.Split(strings.Trim(id, "/"), "/")
	if len(segs) > 1 && strings.EqualFold(segs[0], "subscriptions") {
		return segs[1]
	}
	return ""
}

func nameOf(id string) string {
	segs := strings.Split(strings.Trim(id, "/"), "/")
	return segs[len(segs)-1]
}

// actionMatches applies Azure's action wildcards: '*' matches any run of characters,
// case-insensitively. It reads "Microsoft.KeyVault/vaults/*/read" as not matching
// "Microsoft.KeyVault/vaults/read" (nothing stands between the slashes). Microsoft does
// not document that case; the checks use this reading only together with what ARM
// actually lists (fact vault-list-read).
func actionMatches(pattern, action string) bool {
	p, a := strings.ToLower(pattern), strings.ToLower(action)
	parts := strings.Split(p, "*")
	if len(parts) == 1 {
		return p == a
	}
	if !strings.HasPrefix(a, parts[0]) {
		return false
	}
	a = a[len(parts[0]):]
	for _, mid := range parts[1 : len(parts)-1] {
		i := strings.Index(a, mid)
		if i < 0 {
			return false
		}
		a = a[i+len(mid):]
	}
	return strings.HasSuffix(a, parts[len(parts)-1])
}

func anyMatch(patterns []string, action string) bool {
	for _, p := range patterns {
		if actionMatches(p, action) {
			return true
		}
	}
	return false
}

// allows reports whether some entry grants the action (NotActions subtract within the
// same entry only, as in Azure).
func allows(entries []permEntry, action string, data bool) bool {
	for _, e := range entries {
		if data && anyMatch(e.DataActions, action) && !anyMatch(e.NotDataActions, action) {
			return true
		}
		if !data && anyMatch(e.Actions, action) && !anyMatch(e.NotActions, action) {
			return true
		}
	}
	return false
}

const (
	actSetSecret   = "Microsoft.KeyVault/vaults/secrets/setSecret/action"
	actGetSecret   = "Microsoft.KeyVault/vaults/secrets/getSecret/action"
	actReadMeta    = "Microsoft.KeyVault/vaults/secrets/readMetadata/action"
	actVaultRead   = "Microsoft.KeyVault/vaults/read"
	roleOfficer    = "Key Vault Secrets Officer"
	roleReader     = "Reader"
	secretDataRoot = "Microsoft.KeyVault/vaults/secrets/"
)

func hasSecretData(entries []permEntry) bool {
	return allows(entries, actGetSecret, true) || allows(entries, actSetSecret, true) || allows(entries, actReadMeta, true)
}

func flatten(entries []permEntry, data bool) []string {
	seen := map[string]bool{}
	var out []string
	for _, e := range entries {
		xs := e.Actions
		if data {
			xs = e.DataActions
		}
		for _, x := range xs {
			if !seen[strings.ToLower(x)] {
				seen[strings.ToLower(x)] = true
				out = append(out, x)
			}
		}
	}
	return out
}

func (rs *runState) roleFix(role, why string) *Fix {
	vault := orPlaceholder(rs.vaultName(), "(your vault)")
	return fixWith(why,
		"Key vaults › "+vault+" › Access control (IAM) › Add › Add role assignment › "+role+" › Members: the app ("+rs.s.cfg.ClientID+")",
		rs.assignRole(role))
}

func hasPerm(ps []string, p string) bool {
	for _, x := range ps {
		if x == p || x == "all" {
			return true
		}
	}
	return false
}

// ---- vault.permission-model ----

func checkPermissionModel(ctx context.Context, rs *runState) Result {
	t := rs.targetInfo()
	if t == nil && rs.dataURL() == "" {
		return rs.noTarget("vault.permission-model")
	}
	ev := Evidence{Vault: rs.vaultName(), VaultID: rs.vaultID()}
	if t != nil && t.RBAC != nil {
		if *t.RBAC {
			r := pass("The vault uses Azure RBAC", "Role assignments such as Key Vault Secrets Officer apply to its secrets.")
			r.Evidence = ev
			return r
		}
		return rs.accessPolicyModel(ctx, t, ev, "ARM shows enableRbacAuthorization=false")
	}
	// Not readable on ARM: Key Vault's own refusal tells the model.
	rs.startProbe()
	pr, ok := rs.probe.wait(ctx)
	if !ok {
		return timeoutResult("", rs.s.checkTimeout())
	}
	switch kvForbiddenCause(pr.d.InnerCode) {
	case "forbidden-by-access-policy":
		ev.InnerCode, ev.RequestID = pr.d.InnerCode, pr.d.RequestID
		return rs.accessPolicyModel(ctx, nil, ev, "Key Vault refused with "+pr.d.InnerCode+", which only access-policy vaults answer")
	case "forbidden-by-rbac":
		ev.InnerCode = pr.d.InnerCode
		r := pass("The vault uses Azure RBAC", "Key Vault refused with ForbiddenByRbac, which only RBAC vaults answer (the vault itself is not readable on ARM).")
		r.Evidence = ev
		return r
	}
	if pr.d.Kind == KindTimeout || pr.d.Kind == KindNetwork {
		r := genericFailure(pr.d, rs)
		r.Evidence.Vault = ev.Vault
		return r
	}
	return Result{Status: StatusSkip, BlockedBy: "arm.vaults", Title: "The permission model is unknown", Evidence: ev,
		Detail: "The vault is not readable on ARM, so its permission model cannot be read; Key Vault's answers did not tell either."}
}

func (rs *runState) noTarget(id string) Result {
	if r, ok := rs.result("arm.vaults"); ok && r.Status != StatusPass && r.Status != StatusWarn {
		return Result{Status: StatusSkip, BlockedBy: "arm.vaults", Title: "No target vault", Detail: "No vault was named and none could be picked from the list."}
	}
	return notAsked(id, "no vault was named (--vault) and the list holds more than one")
}

// ---- rbac.secrets-write ----

func checkSecretsWrite(ctx context.Context, rs *runState) Result {
	t := rs.targetInfo()
	ev := Evidence{Vault: rs.vaultName(), VaultID: rs.vaultID(), Action: actSetSecret}
	if t != nil && t.RBAC != nil && !*t.RBAC {
		ps, _, _ := rs.vaultPolicies(ctx, t)
		p, oid := rs.appPolicyIn(ps)
		ev.ObjectID = oid
		switch {
		case p == nil:
			r := Result{Status: StatusFail, Cause: "no-role", Title: "No access policy names the app", Evidence: ev,
				Detail: "The vault uses access policies and none names the app's service principal, so it may do nothing with the secrets."}
			r.Fix = rs.policyFix(nil)
			return r
		case !hasPerm(p.Secrets, "set"):
			ev.AccessPolicy = p.Secrets
			r := Result{Status: StatusFail, Cause: "missing-write", Title: "The app's access policy does not allow setting secrets", Evidence: ev,
				Detail: "The app's access policy grants secret permissions " + orPlaceholder(strings.Join(p.Secrets, ", "), "none") + " but not set, which the sync needs."}
			r.Fix = rs.policyFix(p)
			return r
		}
		ev.AccessPolicy = p.Secrets
		r := pass("The app's access policy allows setting secrets", "Secret permissions: "+strings.Join(p.Secrets, ", ")+".")
		r.Evidence = ev
		return r
	}
	if rs.vaultID() == "" {
		if t == nil && rs.s.vault.Name == "" && rs.s.vault.URL == "" {
			return rs.noTarget("rbac.secrets-write")
		}
		return Result{Status: StatusSkip, BlockedBy: "arm.vaults", Title: "The vault's resource ID is unknown", Evidence: ev,
			Detail: "The vault is not listed, so its resource ID (and the app's permissions on it) cannot be read. Pass --vault as the resource ID (az keyvault show --name NAME --query id) to check the role anyway."}
	}
	rs.startPerms()
	pr, ok := rs.perms.wait(ctx)
	if !ok {
		return timeoutResult("", rs.s.checkTimeout())
	}
	if pr.err != nil {
		r := genericFailure(pr.d, rs)
		if pr.d.Code == "AuthorizationFailed" {
			// The Key Vault data roles that include Microsoft.Authorization/*/read
			// (Secrets Officer, Reader, Administrator) can read their permissions; being
			// refused means none of those: at most Key Vault Secrets User.
			r.Cause, r.Title = "missing-write", "The app may not even read its permissions on the vault"
			r.Detail = "ARM refused the permissions API (" + pr.d.Action + "): the app holds no role with Microsoft.Authorization/*/read on the vault, so not Key Vault Secrets Officer. Assign it."
			r.Fix = rs.roleFix(roleOfficer, "Assign Key Vault Secrets Officer to the app on the vault.")
		}
		return r
	}
	ev.DataActions = flatten(pr.entries, true)
	switch {
	case allows(pr.entries, actSetSecret, true):
		r := pass("The app may write secrets in the vault", "Its effective data actions include "+actSetSecret+".")
		r.Evidence = ev
		return r
	case hasSecretData(pr.entries):
		r := Result{Status: StatusFail, Cause: "missing-write", Title: "The app may read secrets but not write them", Evidence: ev,
			Detail: "The app's roles on the vault give " + strings.Join(ev.DataActions, ", ") + " but not setSecret: Key Vault Secrets User reads only. Delinea's sync writes, so it needs Key Vault Secrets Officer."}
		r.Fix = rs.roleFix(roleOfficer, "Assign Key Vault Secrets Officer to the app on the vault (Secrets User only reads).")
		return r
	}
	r := Result{Status: StatusFail, Cause: "no-role", Title: "The app has no secrets role on the vault", Evidence: ev,
		Detail: "The permissions API shows no Key Vault data action for the app on this vault."}
	r.Fix = rs.roleFix(roleOfficer, "Assign Key Vault Secrets Officer to the app on the vault.")
	return r
}

// ---- data.secrets ----

func checkDataSecrets(ctx context.Context, rs *runState) Result {
	u := rs.dataURL()
	if u == "" {
		return rs.noTarget("data.secrets")
	}
	rs.startProbe()
	pr, ok := rs.probe.wait(ctx)
	if !ok {
		return timeoutResult("", rs.s.checkTimeout())
	}
	ev := Evidence{Vault: rs.vaultName(), VaultURL: pr.url}
	if pr.err == nil {
		r := pass("Key Vault answered a read-only call", fmt.Sprintf("Listing secrets at %s worked (%d on the first page).", pr.url, pr.count))
		r.Evidence = ev
		return r
	}
	d := pr.d
	r := genericFailure(d, rs)
	r.Evidence.Vault, r.Evidence.VaultURL = ev.Vault, ev.VaultURL
	if d.Kind == KindWrongTenant || (d.HTTPStatus == 401 && strings.Contains(d.Message, "AKV10032")) {
		r.Cause, r.Title = "wrong-tenant", "The vault belongs to another tenant"
		r.Detail = "Key Vault wants a token from a different directory than the app's (" + d.Message + "). Register the app in the vault's tenant, or use a vault of the app's tenant."
		r.Fix = fixWith("Use the vault's tenant ID and an app registered there.", "", vaultTenantCmd(orPlaceholder(rs.vaultName(), "<vault-name>")))
		return r
	}
	if d.Kind == KindService && d.HTTPStatus == 403 {
		cause := kvForbiddenCause(d.InnerCode)
		switch cause {
		case "forbidden-by-rbac":
			if perms, ok := rs.permsIfKnown(ctx); ok && grantsDenied(perms.entries, d.Action) {
				r.Cause, r.Title = "propagating", "The role is assigned but Key Vault does not apply it yet"
				r.Detail = "ARM's permissions API shows the app's secrets role on the vault, but Key Vault still answers ForbiddenByRbac: the assignment has not propagated yet. This takes up to 10 minutes; try again then (the wizard's watch mode re-runs every 15 s)."
				r.Evidence.DataActions = flatten(perms.entries, true)
				r.Fix = fixWith("A new role assignment takes up to 10 minutes to reach Key Vault: wait, then check again (the wizard's watch re-runs every 15 s).", "",
					Cmd("az", "role", "assignment", "list", "--assignee", rs.s.cfg.ClientID, "--scope", rs.vaultScope(), "-o", "table"))
				return r
			}
			r.Cause, r.Title = cause, "Key Vault refused: no RBAC role allows it"
			r.Detail = "Key Vault answered ForbiddenByRbac for " + orPlaceholder(d.Action, "the call") + ": the app holds no role on the vault that allows it. If you assigned one in the last 10 minutes, wait and try again."
			r.Fix = rs.roleFix(roleOfficer, "Assign Key Vault Secrets Officer to the app on the vault.")
		case "forbidden-by-access-policy":
			r.Cause, r.Title = cause, "Key Vault refused: the access policies do not allow it"
			r.Detail = "Key Vault answered 403 " + d.InnerCode + ": the app's access policy, if it has one, does not allow listing secrets (" + d.Message + "). " + facts.Text("access-policy-403") + " " + facts.Text("rbac-model-only")
			r.Fix = rs.policyFix(rs.appPolicyKnown())
		case "forbidden-by-firewall":
			r.Cause, r.Title = cause, "The vault's firewall refused this network"
			r.Detail = "The vault's firewall does not allow this machine's address" + ipSuffix(d.ClientIP) + ". Delinea calls from its own outbound addresses, which must be allowed too."
			r.Fix = rs.firewallFix(d.ClientIP)
		case "forbidden-by-connection":
			r.Cause, r.Title = cause, "The vault accepts private-endpoint traffic only"
			r.Detail = "Public network access is disabled on the vault; only private endpoints reach it."
			r.Fix = rs.privateFix()
		default:
			r.Title = "Key Vault refused: " + orPlaceholder(d.InnerCode, d.Code)
		}
		return r
	}
	if d.Kind == KindNetwork && strings.Contains(d.Message, "resolve") {
		r.Detail = "No vault answers at " + pr.url + " (" + d.Message + "). Check the vault name and --cloud."
	}
	return r
}

// grantsDenied reports whether the permissions API grants what Key Vault refused: the
// denied action when Key Vault named it (a role giving other secret actions is not
// propagating, it is the wrong role), else any secret data action.
func grantsDenied(entries []permEntry, denied string) bool {
	if denied != "" {
		return allows(entries, denied, true)
	}
	return hasSecretData(entries)
}

// permsIfKnown waits for the permissions API when the vault's ID is known.
func (rs *runState) permsIfKnown(ctx context.Context) (permsResult, bool) {
	if rs.vaultID() == "" {
		return permsResult{}, false
	}
	rs.startPerms()
	pr, ok := rs.perms.wait(ctx)
	return pr, ok && pr.err == nil
}

func ipSuffix(ip string) string {
	if ip == "" {
		return ""
	}
	return " (" + ip + ")"
}

// secretServerIP stands for the public address Secret Server (or its
// distributed engine) calls Key Vault from; only the admin can know it.
const secretServerIP = "<secret-server-ip>"

// firewallFix allows Secret Server's address (a placeholder, with where to
// find it) and, when Key Vault named it, this machine's, so doctor can check
// from here.
func (rs *runState) firewallFix(ip string) *Fix {
	vault := orPlaceholder(rs.vaultName(), "<vault-name>")
	summary := "Allow the public address Secret Server calls Key Vault from in the vault's firewall (with a distributed engine, the engine's address). " +
		"Replace " + secretServerIP + " with it: Key Vault names it as \"Client address\" in the ForbiddenByFirewall error of a failed sync (Secret Server's system log), or ask your network team for that host's outbound (NAT) address."
	cmds := []Command{Cmd("az", "keyvault", "network-rule", "add", "--name", vault, "--ip-address", secretServerIP)}
	if ip != "" && ip != secretServerIP {
		summary += " The second command allows this machine (" + ip + ", as Key Vault saw it), so the checks pass from here too."
		cmds = append(cmds, Cmd("az", "keyvault", "network-rule", "add", "--name", vault, "--ip-address", ip))
	}
	return fixWith(summary, "Key vaults › "+vault+" › Networking › Firewalls and virtual networks › Firewall › Add IPv4 address or CIDR: Secret Server's outbound address", cmds...)
}

func (rs *runState) privateFix() *Fix {
	vault := orPlaceholder(rs.vaultName(), "<vault-name>")
	return fixWith("Reach the vault through a private endpoint from Secret Server's network, or enable public access for selected networks.",
		"Key vaults › "+vault+" › Networking › Firewalls and virtual networks › Allow public access from specific virtual networks and IP addresses",
		Cmd("az", "keyvault", "update", "--name", vault, "--public-network-access", "Enabled", "--default-action", "Deny"))
}

// ---- vault.network ----

func checkNetwork(ctx context.Context, rs *runState) Result {
	t := rs.targetInfo()
	if t == nil && rs.dataURL() == "" {
		return rs.noTarget("vault.network")
	}
	rs.startProbe()
	pr, ok := rs.probe.wait(ctx)
	if !ok {
		return timeoutResult("", rs.s.checkTimeout())
	}
	ev := Evidence{Vault: rs.vaultName(), VaultURL: pr.url, InnerCode: pr.d.InnerCode, ClientIP: pr.d.ClientIP, RequestID: pr.d.RequestID}
	switch kvForbiddenCause(pr.d.InnerCode) {
	case "forbidden-by-firewall":
		r := Result{Status: StatusFail, Cause: "firewall", Title: "The vault's firewall refuses this network", Evidence: ev,
			Detail: "Key Vault answered ForbiddenByFirewall: the vault denies public traffic except from allowed addresses, and this machine's address" + ipSuffix(pr.d.ClientIP) + " is not one. Secret Server's outbound addresses must be allowed as well."}
		r.Fix = rs.firewallFix(pr.d.ClientIP)
		return r
	case "forbidden-by-connection":
		r := Result{Status: StatusFail, Cause: "private-only", Title: "The vault accepts private-endpoint traffic only", Evidence: ev,
			Detail: "Key Vault answered ForbiddenByConnection: public network access is disabled, so only clients on a private endpoint reach it."}
		r.Fix = rs.privateFix()
		return r
	}
	if pr.err != nil && (pr.d.Kind == KindNetwork || pr.d.Kind == KindTimeout) {
		r := genericFailure(pr.d, rs)
		r.Evidence.Vault, r.Evidence.VaultURL = ev.Vault, ev.VaultURL
		return r
	}
	if t != nil {
		if strings.EqualFold(t.PublicNetworkAccess, "Disabled") {
			r := Result{Status: StatusWarn, Cause: "private-only", Title: "Public network access is disabled", Evidence: ev,
				Detail: "This machine reaches the vault (probably through a private endpoint); Secret Server must reach it the same way."}
			r.Fix = rs.privateFix()
			return r
		}
		if strings.EqualFold(t.NetworkDefaultAction, "Deny") {
			r := Result{Status: StatusWarn, Cause: "firewall", Title: "The vault's firewall allows only listed networks", Evidence: ev,
				Detail: "This machine is allowed; make sure Secret Server's outbound addresses are allowed as well."}
			r.Fix = rs.firewallFix("")
			return r
		}
	}
	r := pass("The vault accepts calls from this network", "Key Vault answered from "+pr.url+".")
	r.Evidence = ev
	return r
}

// ---- mapping.secret ----

func checkMappingSecret(ctx context.Context, rs *runState) Result {
	name := rs.s.cfg.SecretName
	rs.startSecret()
	sr, ok := rs.secret.wait(ctx)
	if !ok {
		return timeoutResult("", rs.s.checkTimeout())
	}
	vault := orPlaceholder(rs.vaultName(), "<vault-name>")
	ev := Evidence{Vault: rs.vaultName(), Scope: name}
	if sr.found {
		upd := sr.updated
		if !upd.IsZero() {
			ev.SecretUpdated = &upd
		}
		if !sr.enabled {
			return rs.disabled(ev, vault, name)
		}
		age := rs.s.cfg.now().Sub(upd)
		if rs.s.cfg.StaleAfter > 0 && !upd.IsZero() && age > rs.s.cfg.StaleAfter {
			r := Result{Status: StatusWarn, Cause: "stale", Title: "The secret was not updated recently", Evidence: ev,
				Detail: "It was last updated " + ago(age) + ", longer ago than the " + rs.s.cfg.StaleAfter.String() + " you allowed between syncs. " + facts.Text("updated-not-author")}
			r.Fix = &Fix{Summary: "In Delinea, " + syncAgain + ", then check again."}
			return r
		}
		detail := "It exists and is enabled."
		if !upd.IsZero() {
			detail = "It exists and is enabled; it was last updated " + ago(age) + ". " + facts.Text("updated-not-author")
		}
		r := pass("The secret "+name+" exists and is enabled", detail)
		r.Evidence = ev
		return r
	}
	d := sr.d
	switch {
	case strings.EqualFold(d.InnerCode, "SecretDisabled"):
		return rs.disabled(ev, vault, name)
	case sr.deleted:
		if !sr.delDate.IsZero() {
			dd := sr.delDate
			ev.DeletedDate = &dd
		}
		if !sr.purgeDate.IsZero() {
			pd := sr.purgeDate
			ev.PurgeDate = &pd
		}
		r := Result{Status: StatusFail, Cause: "deleted-but-recoverable", Title: "The name belongs to a deleted secret", Evidence: ev,
			Detail: "A secret named " + name + " was deleted and is kept (soft delete) until it is purged; while it is, the name cannot be used again, so Delinea's sync fails with ObjectIsDeletedButRecoverable. Recover it (then sync over it) or purge it."}
		r.Fix = recoverOrPurge("Recover the deleted secret, or purge it, then sync again from Delinea.",
			"Key vaults › "+vault+" › Secrets › Manage deleted secrets › "+name+" › Recover (or Purge)", vault, name)
		return r
	case d.HTTPStatus == 404:
		r := Result{Status: StatusFail, Cause: "not-found", Title: "No secret named " + name + " in the vault", Evidence: ev,
			Detail: "Key Vault has no secret (and no deleted secret) of that name. Check the name in Delinea's external secret, then " + syncAgain + "."}
		if sr.delD.Kind == KindService {
			r.Detail += " (The deleted secrets could not be read: " + sr.delD.Message + ".)"
		}
		r.Evidence.HTTPStatus, r.Evidence.ErrorCode, r.Evidence.RequestID = d.HTTPStatus, d.Code, d.RequestID
		r.Fix = fixWith("Check the Secret Name in Azure in Delinea's external secret, then "+syncAgain+".", "",
			Cmd("az", "keyvault", "secret", "list", "--vault-name", vault, "--query", "[].name", "-o", "tsv"))
		return r
	}
	r := genericFailure(d, rs)
	if c := kvForbiddenCause(d.InnerCode); c != "" && d.HTTPStatus == 403 {
		r.Cause, r.Title = c, "Key Vault refused to read the secret"
		r.Detail = "Reading " + name + " was refused (" + d.InnerCode + ", " + orPlaceholder(d.Action, "no action named") + ")."
		r.Fix = rs.roleFix(roleOfficer, "Assign Key Vault Secrets Officer to the app on the vault.")
		if c == "forbidden-by-access-policy" {
			r.Fix = rs.policyFix(rs.appPolicyKnown())
		}
	}
	r.Evidence.Vault, r.Evidence.Scope = ev.Vault, ev.Scope
	return r
}

func (rs *runState) disabled(ev Evidence, vault, name string) Result {
	r := Result{Status: StatusFail, Cause: "disabled", Title: "The secret is disabled", Evidence: ev,
		Detail: "The secret exists but is disabled, so Key Vault refuses to return its value."}
	r.Fix = fixWith("Enable the secret.", "Key vaults › "+vault+" › Secrets › "+name+" › (current version) › Enabled: Yes",
		Cmd("az", "keyvault", "secret", "set-attributes", "--vault-name", vault, "--name", name, "--enabled", "true"))
	return r
}

// vaultTenantCmd prints the tenant a vault belongs to.
func vaultTenantCmd(vault string) Command {
	return Cmd("az", "keyvault", "show", "--name", vault, "--query", "properties.tenantId", "-o", "tsv")
}

// recoverOrPurge frees a soft-deleted secret's name: two alternatives.
func recoverOrPurge(summary, portal, vault, name string) *Fix {
	return fixOf(summary, portal,
		way("Recover it; the next sync from Delinea writes over it",
			"nothing: the secret comes back with its versions and tags, and Delinea's sync replaces the value",
			Cmd("az", "keyvault", "secret", "recover", "--vault-name", vault, "--name", name)),
		way("Purge it, then sync from Delinea",
			"the deleted secret and all its versions are gone for good; with purge protection on, it is refused until the retention period ends, and on an access-policy vault it needs the purge permission, which no one has by default",
			Cmd("az", "keyvault", "secret", "purge", "--vault-name", vault, "--name", name)))
}
