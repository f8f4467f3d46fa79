package sandbox

import (
	"strings"
	"time"
)

// normScope lower-cases an ARM scope and drops empty segments, so "resourcegroups" and
// "resourceGroups", or the "Microsoft.KeyVault//vaults" an empty parent path yields,
// compare equal. The root scope "/" becomes "".
func normScope(s string) string {
	var b strings.Builder
	for _, seg := range strings.Split(strings.ToLower(s), "/") {
		if seg != "" {
			b.WriteByte('/')
			b.WriteString(seg)
		}
	}
	return b.String()
}

// scopeCovers reports whether an assignment at scope applies at target: the same scope
// or one of its ancestors.
func scopeCovers(scope, target string) bool {
	s, t := normScope(scope), normScope(target)
	return s == "" || t == s || strings.HasPrefix(t, s+"/")
}

// active reports whether the control plane (ARM, the permissions API) sees the
// assignment: at once when created, no longer once removed.
func (a *assignment) active() bool { return a.Removed.IsZero() }

// propagated reports whether the data plane sees the assignment. Azure documents up to
// ten minutes before a role change reaches Key Vault; the tenant's delay models that,
// for removals as well as grants.
func (m *model) propagated(a *assignment, now time.Time) bool {
	return !now.Before(a.DataFrom) && (a.DataUntil.IsZero() || now.Before(a.DataUntil))
}

// applicable returns the caller's assignments that apply at scope, as the control plane
// (data=false) or the data plane (data=true) sees them.
func (m *model) applicable(oid, scope string, now time.Time, data bool) []*assignment {
	var out []*assignment
	target := normScope(scope)
	for _, ia := range m.principalAssignments(oid) {
		if coversNorm(ia.scope, target) && m.seen(ia.a, now, data) {
			out = append(out, ia.a)
		}
	}
	return out
}

// allowed reports whether some applicable role grants the action at scope.
func (m *model) allowed(oid, action, scope string, now time.Time, data bool) bool {
	target, low := normScope(scope), strings.ToLower(action)
	for _, ia := range m.principalAssignments(oid) {
		if ia.role != nil && coversNorm(ia.scope, target) && m.seen(ia.a, now, data) && ia.role.grantsLower(low, data) {
			return true
		}
	}
	return false
}

// holdsAnyWithin reports whether the caller has an active assignment at, above or below
// scope. ARM lists a subscription to a caller who holds any role inside it.
func (m *model) holdsAnyWithin(oid, scope string) bool {
	target := normScope(scope)
	for _, ia := range m.principalAssignments(oid) {
		if ia.a.active() && (coversNorm(ia.scope, target) || coversNorm(target, ia.scope)) {
			return true
		}
	}
	return false
}

// pruneAssignments forgets removed assignments the data plane no longer sees.
func (m *model) pruneAssignments(now time.Time) {
	kept := m.Assignments[:0]
	for _, a := range m.Assignments {
		if a.active() || now.Before(a.DataUntil) {
			kept = append(kept, a)
		}
	}
	if len(kept) != len(m.Assignments) {
		clear(m.Assignments[len(kept):])
		m.Assignments = kept
		m.invalidate()
	}
}
