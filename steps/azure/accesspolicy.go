package azure

import (
	"context"
	"fmt"
	"strings"
)

// Access policies: Delinea documents Key Vault access as Azure RBAC on the control
// plane and either RBAC or access policies on the data plane, so a vault on the
// access-policy model is a supported setup, not a fault. On such a vault the checks read
// the vault's accessPolicies (ARM vault GET) for the app's object ID and compare its
// secret permissions with what the sync does. Key Vault's own answer (data.secrets)
// stays the ground truth: the policy read here only explains it.

// syncSecretPerms are the access-policy secret permissions the integration needs: read
// a value (get), list names (list), write a new version (set) and remove a secret
// (delete), the counterparts of what Key Vault Secrets Officer gives on an RBAC vault.
// Delinea publishes no list of its own; this one follows what the sync does.
var syncSecretPerms = []string{"get", "list", "set", "delete"}

// policyResult is the ARM vault GET: the permission model and the access policies.
type policyResult struct {
	ran      bool
	rbac     *bool
	policies []apEntry
	d        Decoded
	err      error
}

// startPolicies reads the vault's properties with armkeyvault's VaultsClient.Get, once
// per run; it needs the vault's resource ID (given, or learned from the listing).
func (rs *runState) startPolicies() {
	id := rs.vaultID()
	if id == "" || rs.s.cred == nil {
		return
	}
	sub, rg, name := subOf(id), rgOf(id), nameOf(id)
	rs.policies.start(func() policyResult {
		ctx, cancel := rs.futureCtx()
		defer cancel()
		pr := policyResult{ran: true}
		c, err := rs.s.vaultsClient(sub)
		if err != nil {
			pr.err, pr.d = err, decodeError(ctx, err)
			return pr
		}
		resp, err := c.Get(ctx, rg, name, nil)
		if err != nil {
			pr.err, pr.d = err, decodeError(ctx, err)
			return pr
		}
		if p := resp.Properties; p != nil {
			pr.rbac = p.EnableRbacAuthorization
			pr.policies = policyEntries(p.AccessPolicies)
		}
		return pr
	})
}

// vaultPolicies returns the vault's access policies: from the vault GET when it
// answered, else from the listing (which carries the same properties), and whether
// either could be read. The error is the GET's, for the evidence.
func (rs *runState) vaultPolicies(ctx context.Context, t *VaultInfo) ([]apEntry, bool, Decoded) {
	rs.startPolicies()
	if rs.vaultID() != "" {
		if pr, ok := rs.policies.wait(ctx); ok {
			if pr.err == nil {
				return pr.policies, true, Decoded{}
			}
			if t != nil && t.RBAC != nil {
				return t.policies, true, pr.d
			}
			return nil, false, pr.d
		}
	}
	if t != nil && t.RBAC != nil {
		return t.policies, true, Decoded{}
	}
	return nil, false, Decoded{}
}

// appPolicyIn finds the app's entry by the token's tenant and object ID; an entry
// without a tenant matches on the object ID alone.
func (rs *runState) appPolicyIn(ps []apEntry) (*apEntry, string) {
	rs.mu.Lock()
	oid, tid := rs.token.ObjectID, rs.token.TenantID
	rs.mu.Unlock()
	for i := range ps {
		p := &ps[i]
		if oid != "" && strings.EqualFold(p.ObjectID, oid) && (p.TenantID == "" || tid == "" || strings.EqualFold(p.TenantID, tid)) {
			return p, oid
		}
	}
	return nil, oid
}

// missingPerms lists the sync's permissions a policy does not grant ("all" grants all).
func missingPerms(granted []string) []string {
	var out []string
	for _, p := range syncSecretPerms {
		if !hasPerm(granted, p) {
			out = append(out, p)
		}
	}
	return out
}

// accessPolicyModel is vault.permission-model on an access-policy vault. It warns when
// the app's policy grants what the sync needs (the setup works, but the course teaches
// RBAC), fails naming the missing permissions when the app's policy lacks some, and
// warns when no policy names the app or the policies cannot be read: then the app has
// no data access at all, which rbac.secrets-write and data.secrets report from Key
// Vault's own answer.
func (rs *runState) accessPolicyModel(ctx context.Context, t *VaultInfo, ev Evidence, how string) Result {
	lead := "The vault uses access policies (" + how + "), so Key Vault ignores RBAC data roles such as Key Vault Secrets Officer for its secrets and reads only the access policies. Delinea supports this setup; the course teaches Azure RBAC. "
	ps, readable, getErr := rs.vaultPolicies(ctx, t)
	if ctx.Err() != nil {
		return timeoutResult("", rs.s.checkTimeout())
	}
	if !readable {
		r := Result{Status: StatusWarn, Cause: "access-policies", Title: "The vault uses access policies, which kvbridge could not read", Evidence: ev,
			Detail: lead + "ARM did not return the vault's access policies" + codeSuffix(getErr) + ", so whether the app's policy is complete is unknown; data.secrets shows what Key Vault allows."}
		return r
	}
	p, oid := rs.appPolicyIn(ps)
	ev.ObjectID = oid
	if p == nil {
		r := Result{Status: StatusWarn, Cause: "access-policies", Title: "The vault uses access policies, and none names the app", Evidence: ev,
			Detail: lead + fmt.Sprintf("No access policy names the app's service principal (object ID %s), so it may do nothing with the secrets: data.secrets shows Key Vault's refusal and the fix.", orPlaceholder(oid, "unknown"))}
		return r
	}
	ev.AccessPolicy = p.Secrets
	if miss := missingPerms(p.Secrets); len(miss) > 0 {
		r := Result{Status: StatusFail, Cause: "access-policy-incomplete", Evidence: ev,
			Title: "The app's access policy lacks secret permissions: " + strings.Join(miss, ", "),
			Detail: lead + fmt.Sprintf("The app's policy (object ID %s) grants secret permissions %s; the sync needs %s, so %s is missing.",
				oid, orPlaceholder(strings.Join(p.Secrets, ", "), "none"), strings.Join(syncSecretPerms, ", "), strings.Join(miss, ", "))}
		r.Fix = rs.policyFix(p)
		return r
	}
	r := Result{Status: StatusWarn, Cause: "access-policies", Title: "The vault uses access policies; the app's policy covers the sync", Evidence: ev,
		Detail: lead + fmt.Sprintf("The app's policy (object ID %s) grants secret permissions %s, which include %s. Where the course says to assign Key Vault Secrets Officer, this vault needs that policy instead; listing the vault is a control-plane call and still needs an Azure role such as Reader.",
			oid, strings.Join(p.Secrets, ", "), strings.Join(syncSecretPerms, ", "))}
	return r
}

func codeSuffix(d Decoded) string {
	switch {
	case d.Code != "" && d.HTTPStatus != 0:
		return fmt.Sprintf(" (%d %s)", d.HTTPStatus, d.Code)
	case d.Message != "":
		return " (" + d.Message + ")"
	}
	return ""
}

// policyFix adds (or completes) the app's access policy, keeping any permission it
// already has, with switching the vault to Azure RBAC as the alternative.
func (rs *runState) policyFix(existing *apEntry) *Fix {
	vault := orPlaceholder(rs.vaultName(), "<vault-name>")
	perms := append([]string(nil), syncSecretPerms...)
	if existing != nil {
		for _, p := range existing.Secrets {
			if !hasPerm(perms, p) && p != "all" {
				perms = append(perms, p)
			}
		}
	}
	rs.mu.Lock()
	oid := rs.token.ObjectID
	rs.mu.Unlock()
	// The policy names the service principal's object ID, which the token carries;
	// without it, --spn lets az look it up from the Application (client) ID.
	who := []string{"--spn", orPlaceholder(rs.s.cfg.ClientID, "<client-id>")}
	if oid != "" {
		who = []string{"--object-id", oid}
	}
	portal := "Key vaults › " + vault + " › Access policies › Create › Secret permissions: Get, List, Set, Delete › Principal: the app (search by its name or Application (client) ID)"
	if existing != nil {
		portal = "Key vaults › " + vault + " › Access policies › (the app) › Edit › Secret permissions: add " + strings.Join(missingPerms(existing.Secrets), ", ")
	}
	setPolicy := Cmd("az", "keyvault", "set-policy", "--name", vault, who[0], who[1], "--secret-permissions")
	for _, p := range perms {
		setPolicy = append(setPolicy, Arg{Lit: p})
	}
	return fixOf("Give the app an access policy with secret permissions get, list, set and delete; or switch the vault to Azure RBAC and assign Key Vault Secrets Officer (switching needs Owner or User Access Administrator and ends every access policy on the vault, other apps' included).",
		portal,
		way("Give the app an access policy",
			"nothing for other apps: the vault stays on access policies",
			setPolicy),
		way("Switch the vault to Azure RBAC, then give the app Key Vault Secrets Officer",
			"needs Owner or User Access Administrator, and every access policy on the vault stops applying at once, other apps' and users' included: give each of them an Azure role first (the vault's Access policies page lists them)",
			Cmd("az", "keyvault", "update", "--name", vault, "--enable-rbac-authorization", "true"),
			rs.assignRole(roleOfficer)))
}

// appPolicyKnown is the app's access policy when the vault GET or the listing has
// already read it, without waiting; nil otherwise.
func (rs *runState) appPolicyKnown() *apEntry {
	select {
	case <-rs.policies.done:
		if pr := rs.policies.v; pr.err == nil {
			p, _ := rs.appPolicyIn(pr.policies)
			return p
		}
	default:
	}
	if t := rs.targetInfo(); t != nil {
		p, _ := rs.appPolicyIn(t.policies)
		return p
	}
	return nil
}
