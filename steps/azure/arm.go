package azure

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/keyvault/armkeyvault"

	"github.com/kvbridge/kvbridge/steps/facts"
)

// subInfo is a visible subscription.
type subInfo struct {
	ID, Name, State, TenantID string
}

// VaultInfo is one vault as ARM lists it: what Delinea's dropdown shows, and what the
// checks need. JSON (the "vaults" array of doctor --json):
// {"name","id","url","subscription_id","resource_group","location","tenant_id",
// "rbac" (true, false or null when ARM did not say),"public_network_access","network_default_action"}.
type VaultInfo struct {
	Name                 string `json:"name"`
	ID                   string `json:"id"`
	URL                  string `json:"url"`
	SubscriptionID       string `json:"subscription_id"`
	ResourceGroup        string `json:"resource_group"`
	Location             string `json:"location,omitempty"`
	TenantID             string `json:"tenant_id,omitempty"`
	RBAC                 *bool  `json:"rbac"`
	PublicNetworkAccess  string `json:"public_network_access,omitempty"`
	NetworkDefaultAction string `json:"network_default_action,omitempty"`
	// In the report's list only: the subscription's display name, and whether
	// this is the vault the checks are about (--vault).
	SubscriptionName string `json:"subscription_name,omitempty"`
	Target           bool   `json:"target,omitempty"`

	policies []apEntry
}

// apEntry is one access policy entry: whose, and its secret permissions.
type apEntry struct {
	TenantID, ObjectID string
	Secrets            []string
}

type vaultListing struct {
	vaults  []VaultInfo
	subErrs []subError
}

type subError struct {
	sub string
	d   Decoded
}

func checkSubscriptions(ctx context.Context, rs *runState) Result {
	pager := rs.s.subs.NewListPager(nil)
	var subs []subInfo
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return genericFailure(decodeError(ctx, err), rs)
		}
		for _, s := range page.Value {
			if s == nil || s.SubscriptionID == nil {
				continue
			}
			si := subInfo{ID: *s.SubscriptionID, Name: deref(s.DisplayName), TenantID: deref(s.TenantID)}
			if s.State != nil {
				si.State = string(*s.State)
			}
			subs = append(subs, si)
		}
	}
	rs.mu.Lock()
	rs.subs = subs
	rs.mu.Unlock()
	if len(subs) == 0 {
		r := Result{Status: StatusFail, Cause: "none-visible", Title: "The app sees no subscription",
			Detail: "ARM lists no subscription to this app. " + facts.Text("subscriptions-visible") + " With no subscription ARM shows the app no vault either, so Delinea's dropdown will most likely stay empty. Give the app its roles on the vault: Key Vault Secrets Officer for the secrets, Reader so ARM lists the vault."}
		r.Fix = fixWith("Assign Key Vault Secrets Officer and Reader to the app on the vault.",
			"Key vaults › "+orPlaceholder(rs.vaultName(), "(your vault)")+" › Access control (IAM) › Add › Add role assignment › Key Vault Secrets Officer, then Reader › Members: the app",
			rs.assignRole(roleOfficer), rs.assignRole(roleReader))
		return r
	}
	names := make([]string, 0, 3)
	for i, s := range subs {
		if i == 3 {
			names = append(names, "…")
			break
		}
		names = append(names, orPlaceholder(s.Name, s.ID))
	}
	r := pass(counted(len(subs), "subscription")+" visible", "Visible: "+strings.Join(names, ", ")+".")
	r.Evidence.Subscriptions = len(subs)
	return r
}

// vaultScope is the vault's ID for an az command, or the command that finds it
// (printed as a command substitution).
func (rs *runState) vaultScope() Arg {
	if id := rs.vaultID(); id != "" {
		return Arg{Lit: id}
	}
	return Arg{Sub: Cmd("az", "keyvault", "show", "--name", orPlaceholder(rs.vaultName(), "<vault-name>"), "--query", "id", "-o", "tsv")}
}

// assignRole is the az command that gives the app role on the vault.
func (rs *runState) assignRole(role string) Command {
	return Cmd("az", "role", "assignment", "create", "--role", role, "--assignee", orPlaceholder(rs.s.cfg.ClientID, "<client-id>"), "--scope", rs.vaultScope())
}

// listVaults lists the vaults of every visible subscription, concurrently and all
// pages, as Delinea's dropdown does.
func (rs *runState) listVaults(ctx context.Context, subs []subInfo) *vaultListing {
	limit := rs.s.cfg.ListConcurrency
	if limit <= 0 {
		limit = 32
	}
	sem := make(chan struct{}, limit)
	var (
		mu  sync.Mutex
		out vaultListing
		wg  sync.WaitGroup
	)
	for _, sub := range subs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			defer func() { <-sem }()
			vs, d := rs.listSubVaults(ctx, sub.ID)
			mu.Lock()
			out.vaults = append(out.vaults, vs...)
			if d != nil {
				out.subErrs = append(out.subErrs, subError{sub.ID, *d})
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	sort.Slice(out.vaults, func(i, j int) bool {
		if out.vaults[i].Name != out.vaults[j].Name {
			return out.vaults[i].Name < out.vaults[j].Name
		}
		return out.vaults[i].ID < out.vaults[j].ID
	})
	return &out
}

func (rs *runState) listSubVaults(ctx context.Context, sub string) ([]VaultInfo, *Decoded) {
	c, err := rs.s.vaultsClient(sub)
	if err != nil {
		d := decodeError(ctx, err)
		return nil, &d
	}
	var vs []VaultInfo
	pager := c.NewListBySubscriptionPager(nil)
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			d := decodeError(ctx, err)
			return vs, &d
		}
		for _, v := range page.Value {
			if v == nil || v.Name == nil {
				continue
			}
			vi := VaultInfo{Name: *v.Name, ID: deref(v.ID), Location: deref(v.Location), SubscriptionID: sub}
			vi.ResourceGroup = rgOf(vi.ID)
			if p := v.Properties; p != nil {
				vi.URL, vi.RBAC, vi.PublicNetworkAccess = deref(p.VaultURI), p.EnableRbacAuthorization, deref(p.PublicNetworkAccess)
				if p.TenantID != nil {
					vi.TenantID = *p.TenantID
				}
				if p.NetworkACLs != nil && p.NetworkACLs.DefaultAction != nil {
					vi.NetworkDefaultAction = string(*p.NetworkACLs.DefaultAction)
				}
				vi.policies = policyEntries(p.AccessPolicies)
			}
			vs = append(vs, vi)
		}
	}
	return vs, nil
}

// policyEntries keeps, of each access policy, whose it is and its secret permissions
// (lower-cased, as az and the portal spell them differently).
func policyEntries(aps []*armkeyvault.AccessPolicyEntry) []apEntry {
	var out []apEntry
	for _, ap := range aps {
		if ap == nil {
			continue
		}
		e := apEntry{TenantID: deref(ap.TenantID), ObjectID: deref(ap.ObjectID)}
		if ap.Permissions != nil {
			for _, sp := range ap.Permissions.Secrets {
				if sp != nil {
					e.Secrets = append(e.Secrets, strings.ToLower(string(*sp)))
				}
			}
		}
		out = append(out, e)
	}
	return out
}

func rgOf(id string) string {
	segs := strings.Split(strings.Trim(id, "/"), "/")
	for i := 0; i+1 < len(segs); i++ {
		if strings.EqualFold(segs[i], "resourceGroups") {
			return segs[i+1]
		}
	}
	return ""
}

func deref[T ~string](p *T) string {
	if p == nil {
		return ""
	}
	return string(*p)
}

// matchTarget finds the target vault in a listing: by resource ID, by URL host, or by
// name.
func (rs *runState) matchTarget(vs []VaultInfo) *VaultInfo {
	v := rs.s.vault
	for i := range vs {
		x := &vs[i]
		switch {
		case v.ResourceID != "" && strings.EqualFold(x.ID, v.ResourceID):
			return x
		case v.urlGiven && x.URL != "" && strings.EqualFold(hostOf(x.URL), hostOf(v.URL)) && hostOf(v.URL) != "" && !isIPOrLocal(hostOf(v.URL)):
			return x
		case v.urlGiven && x.URL != "" && strings.EqualFold(strings.TrimSuffix(x.URL, "/"), strings.TrimSuffix(v.URL, "/")):
			return x
		case v.Name != "" && strings.EqualFold(x.Name, v.Name):
			return x
		}
	}
	return nil
}

func checkVaults(ctx context.Context, rs *runState) Result {
	rs.mu.Lock()
	subs := rs.subs
	rs.mu.Unlock()
	l := rs.listVaults(ctx, subs)
	if ctx.Err() != nil {
		return timeoutResult("", rs.s.checkTimeout())
	}
	target := rs.matchTarget(l.vaults)
	hasTarget := rs.s.vault.Name != "" || rs.s.vault.URL != "" || rs.s.vault.ResourceID != ""
	if !hasTarget && len(l.vaults) == 1 {
		target = &l.vaults[0] // one vault: it is the one Delinea would offer
	}
	rs.mu.Lock()
	rs.list = l
	if target != nil {
		t := *target
		rs.target = &t
	}
	rs.mu.Unlock()
	if target != nil {
		// The URL and ID are now known: start what could not start before.
		rs.startProbe()
		rs.startSecret()
		rs.startPerms()
	}
	ev := Evidence{Subscriptions: len(subs), VaultsListed: len(l.vaults)}
	if len(l.vaults) > 0 && (target != nil || !hasTarget) {
		title := "ARM lists " + counted(len(l.vaults), "vault") + " to the app"
		detail := "Listed: " + vaultNames(l.vaults, 5) + ". " + facts.Text("delinea-listing")
		if target != nil {
			title += ", including " + target.Name
			ev.Vault, ev.VaultID, ev.VaultURL = target.Name, target.ID, target.URL
			if !hasTarget {
				detail += " It is the only one, so the checks below use it."
			}
		} else {
			detail += " No --vault was given, so the vault checks below have no target."
		}
		if len(l.subErrs) > 0 {
			se := l.subErrs[0].d
			ev.HTTPStatus, ev.ErrorCode, ev.Action, ev.Scope, ev.RequestID = se.HTTPStatus, se.Code, se.Action, se.Scope, se.RequestID
			// A warning without a cause: the list is usable but incomplete; the evidence
			// holds the first refusal.
			r := Result{Status: StatusWarn, Title: title, Evidence: ev,
				Detail: detail + fmt.Sprintf(" But listing failed in %s (%s), so vaults there are missing.", counted(len(l.subErrs), "subscription"), l.subErrs[0].d.Message)}
			return r
		}
		r := pass(title, detail)
		r.Evidence = ev
		return r
	}
	return rs.diagnoseDropdown(ctx, l, hasTarget, ev)
}

func vaultNames(vs []VaultInfo, n int) string {
	var names []string
	for i, v := range vs {
		if i == n {
			names = append(names, fmt.Sprintf("and %d more", len(vs)-n))
			break
		}
		names = append(names, v.Name)
	}
	return strings.Join(names, ", ")
}
