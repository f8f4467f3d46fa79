package sandbox

import (
	"strings"
	"time"
)

// modelIndex is derived from the model, for lookups that must stay fast with thousands
// of vaults and hundreds of role assignments: assignments by principal with their scope
// normalised once, vaults by name and by subscription, subscriptions by ID. It is built
// on first use and dropped (invalidate) whenever a slice it indexes changes; fields the
// index does not key on (Removed, DataUntil, a vault's settings) are read live.
type modelIndex struct {
	byPrincipal map[string][]indexedAssignment // lower-case principal object ID
	vaults      map[string]*vault              // lower-case name
	vaultsBySub map[string][]*vault            // lower-case subscription ID
	vaultScope  map[*vault]string              // normalised vault resource ID
	subs        map[string]*subscription       // lower-case subscription ID
}

type indexedAssignment struct {
	a     *assignment
	scope string // normScope(a.Scope)
	role  *roleDefinition
}

// invalidate drops the index; the next lookup rebuilds it. Call it with Tenant.mu held
// after removing from (or reordering) Assignments, Vaults or Subscriptions.
func (m *model) invalidate() { m.idx = nil }

func (m *model) index() *modelIndex {
	if m.idx != nil {
		return m.idx
	}
	x := &modelIndex{
		byPrincipal: map[string][]indexedAssignment{},
		vaults:      make(map[string]*vault, len(m.Vaults)),
		vaultsBySub: map[string][]*vault{},
		vaultScope:  make(map[*vault]string, len(m.Vaults)),
		subs:        make(map[string]*subscription, len(m.Subscriptions)),
	}
	// nil entries only exist in a hand-edited save file, which validate then refuses.
	for _, a := range m.Assignments {
		if a != nil {
			x.addAssignment(a)
		}
	}
	for _, v := range m.Vaults {
		if v != nil {
			x.addVault(v)
		}
	}
	for _, s := range m.Subscriptions {
		if s != nil {
			x.addSubscription(s)
		}
	}
	m.idx = x
	return x
}

func (x *modelIndex) addAssignment(a *assignment) {
	k := strings.ToLower(strings.TrimSpace(a.PrincipalID))
	x.byPrincipal[k] = append(x.byPrincipal[k], indexedAssignment{a: a, scope: normScope(strings.TrimSpace(a.Scope)), role: roleByID(a.RoleID)})
}

func (x *modelIndex) addVault(v *vault) {
	k := strings.ToLower(v.Name)
	if x.vaults[k] == nil { // the first of a name wins, as the linear search did
		x.vaults[k] = v
	}
	s := strings.ToLower(v.SubscriptionID)
	x.vaultsBySub[s] = append(x.vaultsBySub[s], v)
	x.vaultScope[v] = normScope(v.id())
}

func (x *modelIndex) addSubscription(s *subscription) {
	k := strings.ToLower(s.ID)
	if x.subs[k] == nil {
		x.subs[k] = s
	}
}

// Additions keep a built index up to date instead of dropping it, so building a tenant
// of thousands of vaults stays linear. Call them with Tenant.mu held, after appending.
func (m *model) indexAssignment(a *assignment) {
	if m.idx != nil {
		m.idx.addAssignment(a)
	}
}

func (m *model) indexVault(v *vault) {
	if m.idx != nil {
		m.idx.addVault(v)
	}
}

func (m *model) indexSubscription(s *subscription) {
	if m.idx != nil {
		m.idx.addSubscription(s)
	}
}

// coversNorm is scopeCovers for scopes already normalised: s is target or an ancestor.
func coversNorm(s, target string) bool {
	return s == "" || target == s || (len(target) > len(s) && target[len(s)] == '/' && target[:len(s)] == s)
}

// principalAssignments are the caller's assignments, from the index.
func (m *model) principalAssignments(oid string) []indexedAssignment {
	x := m.index()
	if as, ok := x.byPrincipal[oid]; ok {
		return as
	}
	return x.byPrincipal[strings.ToLower(strings.TrimSpace(oid))]
}

// seen reports whether the plane in question sees the assignment now.
func (m *model) seen(a *assignment, now time.Time, data bool) bool {
	if data {
		return m.propagated(a, now)
	}
	return a.active()
}

// grantScopes returns the normalised scopes at which the caller holds a role granting
// action, as that plane sees them now. A list call checks each vault against these with
// coversNorm alone: no allocation per (vault × assignment) pair.
func (m *model) grantScopes(oid, action string, now time.Time, data bool) []string {
	var out []string
	low := strings.ToLower(action)
	for _, ia := range m.principalAssignments(oid) {
		if ia.role != nil && m.seen(ia.a, now, data) && ia.role.grantsLower(low, data) {
			out = append(out, ia.scope)
		}
	}
	return out
}

func anyCovers(scopes []string, target string) bool {
	for _, s := range scopes {
		if coversNorm(s, target) {
			return true
		}
	}
	return false
}
