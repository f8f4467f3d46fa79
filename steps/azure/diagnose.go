package azure

import (
	"context"
	"fmt"
	"strings"

	"github.com/kvbridge/kvbridge/steps/facts"
)

// diagnoseDropdown explains an empty vault list, or one without the target, from
// evidence, most likely cause first (reference facts §4.6):
//
//  1. listing refused (AuthorizationFailed on a subscription): the missing action;
//     listing failed otherwise (throttled, 5xx, timeout): that failure, not a guess;
//  2. the vault belongs to another tenant (Key Vault's challenge or AKV10032);
//  3. the permissions API on the vault shows secret data actions but no
//     Microsoft.KeyVault/vaults/read: a data role without read on the vault resource,
//     fix: Reader on the vault;
//  4. the vault uses access policies (Key Vault says AccessDenied or ForbiddenByPolicy):
//     the permission model plays no part in listing, fix: Reader on the vault;
//  5. the data plane works although ARM does not list the vault: the same as 3, told
//     from the data plane when the permissions API cannot be read;
//  6. no role at all on the vault (ForbiddenByRbac, permissions empty); a role that
//     the permissions API shows while Key Vault still refuses is propagating;
//  7. no vault of that name answers: a wrong name or cloud;
//  8. otherwise: no read on any vault.
//
// The evidence calls (permissions API, Key Vault probe) are the shared futures, so
// the later checks reuse their answers.
func (rs *runState) diagnoseDropdown(ctx context.Context, l *vaultListing, hasTarget bool, ev Evidence) Result {
	// The titles say what ARM shows the app, the evidence the check has; how Delinea's
	// dropdown lists vaults is not documented.
	cause := "none-listed"
	title := "ARM lists no vault to the app, so Delinea's dropdown is most likely empty"
	if hasTarget && len(l.vaults) > 0 {
		cause = "target-not-listed"
		title = fmt.Sprintf("ARM does not list %s to the app", rs.vaultName())
	}
	r := Result{Status: StatusFail, Cause: cause, Title: title, Evidence: ev}
	lead := ""
	if cause == "none-listed" {
		lead = "ARM lists no vault in the " + counted(ev.Subscriptions, "subscription") + " the app can see. "
	} else {
		lead = fmt.Sprintf("ARM lists %s (%s), but not %s. ", counted(len(l.vaults), "vault"), vaultNames(l.vaults, 5), rs.vaultName())
	}
	vault := orPlaceholder(rs.vaultName(), "(your vault)")
	readerFix := rs.roleFix(roleReader, facts.Text("reader-scope")+" "+facts.Text("reader-least-privilege"))

	// 1. Listing refused outright.
	if len(l.subErrs) > 0 {
		se := l.subErrs[0]
		r.Evidence.HTTPStatus, r.Evidence.ErrorCode, r.Evidence.RequestID = se.d.HTTPStatus, se.d.Code, se.d.RequestID
		r.Evidence.Action, r.Evidence.Scope = se.d.Action, se.d.Scope
		if se.d.Code == "AuthorizationFailed" {
			r.Detail = lead + fmt.Sprintf("ARM refused to list vaults in subscription %s: the app lacks %s over %s.", se.sub, orPlaceholder(se.d.Action, "Microsoft.KeyVault/vaults/read"), orPlaceholder(se.d.Scope, "/subscriptions/"+se.sub))
			r.Fix = readerFix
			return r
		}
		// Any other failure (throttling past the retry cap, a 5xx, no answer) says
		// nothing about roles: the list is incomplete, not empty, so report the failure
		// itself rather than guess a cause for an empty dropdown.
		r := genericFailure(se.d, rs)
		r.Detail = strings.TrimSpace(fmt.Sprintf("Listing the vaults of subscription %s failed, so Delinea's dropdown may miss vaults there. %s", se.sub, r.Detail))
		return r
	}
	if !hasTarget {
		r.Detail = lead + "The app holds no role that reads any vault (Microsoft.KeyVault/vaults/read). Name the vault with --vault for a closer diagnosis."
		r.Fix = readerFix
		return r
	}

	// Gather evidence: the permissions API (when the vault's ID is known) and Key Vault.
	rs.startPerms()
	rs.startProbe()
	var perms permsResult
	permsOK := false
	if rs.vaultID() != "" {
		if p, ok := rs.perms.wait(ctx); ok {
			perms, permsOK = p, p.err == nil
		}
	}
	probe, _ := rs.probe.wait(ctx)
	if ctx.Err() != nil {
		return timeoutResult("", rs.s.checkTimeout())
	}
	if permsOK {
		r.Evidence.DataActions = flatten(perms.entries, true)
		r.Evidence.Actions = flatten(perms.entries, false)
	}
	r.Evidence.VaultID, r.Evidence.Vault = rs.vaultID(), rs.vaultName()
	if probe.ran {
		r.Evidence.VaultURL, r.Evidence.InnerCode = probe.url, probe.d.InnerCode
	}
	pc := kvForbiddenCause(probe.d.InnerCode)

	switch {
	// 2. Another tenant.
	case probe.d.Kind == KindWrongTenant || (probe.d.HTTPStatus == 401 && strings.Contains(probe.d.Message, "AKV10032")):
		r.Detail = lead + "The vault belongs to another tenant: Key Vault asked for a token from " + orPlaceholder(probe.d.RequestedTenant, "another directory") + ". An app sees the subscriptions of the tenant it is registered in, so ARM most likely shows it none of the vault's."
		r.Fix = fixWith("Use the tenant the vault belongs to, with an app registered there.", "", vaultTenantCmd(vault))
	// 3. Data role without read on the vault resource.
	case permsOK && hasSecretData(perms.entries) && !allows(perms.entries, actVaultRead, false):
		r.Evidence.Action = actVaultRead
		r.Detail = lead + "The permissions API on the vault shows secret data actions (" + strings.Join(r.Evidence.DataActions, ", ") + ") but not " + actVaultRead + " by name, and ARM does not list the vault: here the data role evidently does not let the app list it. " + facts.Text("vault-list-read") + " Add Reader on the vault."
		r.Fix = readerFix
		if pc == "forbidden-by-rbac" {
			r.Detail += " (Key Vault also still refuses the data role: it is propagating; try again within 10 minutes.)"
		}
	// 4. Access-policy vault.
	case pc == "forbidden-by-access-policy":
		r.Detail = lead + "Key Vault answered " + probe.d.InnerCode + ", so the vault uses access policies, but that is not why it is missing: " + facts.Text("listing-control-plane") + " The app lacks read on the vault resource (" + actVaultRead + "): add Reader on the vault. For the secrets it needs an access policy as well (vault.permission-model)."
		r.Fix = readerFix
	// 5. The data plane works, ARM does not list: a data-only role.
	case probe.ran && probe.err == nil:
		r.Evidence.Action = actVaultRead
		r.Detail = lead + "Key Vault answers the app (its data-plane role works), but ARM does not list the vault: most likely the app has a Key Vault data role but no read on the vault resource (" + actVaultRead + "). Add Reader on the vault."
		r.Fix = readerFix
	// 6. No role, or a role still propagating.
	case pc == "forbidden-by-rbac":
		if permsOK && grantsDenied(perms.entries, probe.d.Action) {
			r.Detail = lead + "The permissions API shows the app's secrets role but Key Vault still refuses it (ForbiddenByRbac): the assignment is propagating; try again within 10 minutes. ARM read on the vault is missing as well."
			r.Fix = readerFix
		} else {
			r.Detail = lead + "The app holds no role on the vault: Key Vault answers ForbiddenByRbac and ARM does not list it. Assign Key Vault Secrets Officer (for the sync) and Reader (for the dropdown) on the vault."
			of := rs.roleFix(roleOfficer, "Assign Key Vault Secrets Officer and Reader to the app on the vault.")
			r.Fix = fixWith(of.Summary, of.Portal, rs.assignRole(roleOfficer), rs.assignRole(roleReader))
		}
	// 7. Nothing answers at that name.
	case probe.ran && probe.d.Kind == KindNetwork:
		r.Detail = lead + "No vault answers at " + probe.url + " (" + probe.d.Message + "): check the vault's name and the cloud (--cloud)."
		r.Fix = fixWith("Check the vault name.", "", Cmd("az", "keyvault", "list", "--query", "[].name", "-o", "tsv"))
	case pc == "forbidden-by-firewall" || pc == "forbidden-by-connection":
		r.Detail = lead + "Key Vault's network rules refused this machine (" + probe.d.InnerCode + "), which says nothing about the role; ARM still does not list the vault, so the app lacks read on it (" + actVaultRead + ")."
		r.Fix = readerFix
	default:
		r.Detail = lead + "The app holds no role that reads the vault (" + actVaultRead + "). Give it Reader on the vault."
		r.Fix = readerFix
	}
	return r
}
