package sandbox

import (
	"bytes"
	"encoding/json"
	"testing"
)

// snapshot is the tenant's saved state without its timestamp, to prove that a refused
// call changed nothing.
func (e *env) snapshot() string {
	e.t.Helper()
	var buf bytes.Buffer
	must(e.t, e.ten.Save(&buf))
	var f map[string]json.RawMessage
	must(e.t, json.Unmarshal(buf.Bytes(), &f))
	return string(f["state"])
}

func (e *env) unchangedSince(before string) {
	e.t.Helper()
	if after := e.snapshot(); after != before {
		e.t.Fatalf("a refused call changed the tenant state:\nbefore %s\nafter  %s", before, after)
	}
}

func hasAction(perms []*string, want string) bool {
	for _, p := range perms {
		if p != nil && actionMatches(*p, want) {
			return true
		}
	}
	return false
}

// effectiveData reports whether some permission entry grants the data action.
func effectiveData(t *testing.T, e *env, action string) bool {
	t.Helper()
	perms, err := e.permissions(e.cred())
	must(t, err)
	for _, p := range perms {
		if hasAction(p.DataActions, action) && !hasAction(p.NotDataActions, action) {
			return true
		}
	}
	return false
}
