package sandbox

import (
	"errors"
	"slices"
	"testing"
)

// Look follows the practice actions: a role assigned shows, a removed one
// goes, and a refusal is a typed *Refusal whose Reason has no prefix.
func TestLookFollowsActions(t *testing.T) {
	t.Parallel()
	ten, err := Start(Options{Scenario: "healthy", Wiring: Hostnames})
	if err != nil {
		t.Fatal(err)
	}
	defer ten.Close()
	in := ten.Info()
	l, err := ten.Look(in.ClientID, in.VaultName)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(l.Roles, "Reader") || !slices.Contains(l.Roles, "Key Vault Secrets Officer") || !l.RBAC {
		t.Fatalf("healthy look = %+v", l)
	}
	if err := ten.RemoveRole(in.ClientID, "Reader", "vault"); err != nil {
		t.Fatal(err)
	}
	if l, _ = ten.Look(in.ClientID, in.VaultName); slices.Contains(l.Roles, "Reader") {
		t.Errorf("after removing Reader: %+v", l)
	}
	if err := ten.AssignRole(in.ClientID, "Reader", "vault"); err != nil {
		t.Fatal(err)
	}
	if l, _ = ten.Look(in.ClientID, in.VaultName); !slices.Contains(l.Roles, "Reader") {
		t.Errorf("after assigning Reader: %+v", l)
	}
	err = ten.AssignRole(in.ClientID, "Reader", "vault")
	var ref *Refusal
	if !errors.As(err, &ref) || ref.Reason == "" || ref.Reason[:4] == "sand" {
		t.Errorf("second assign: %v", err)
	}
	if _, err := ten.Look(in.ClientID, "no-such-vault"); !errors.As(err, &ref) {
		t.Errorf("unknown vault: %v", err)
	}
}
