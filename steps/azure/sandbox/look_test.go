package sandbox

import (
	"errors"
	"slices"
	"strings"
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

// The portal's pages show the real IDs whatever the scenario handed out, so
// wrong-tenant and wrong-client can be fixed from them.
func TestPortalShowsTheRealIDs(t *testing.T) {
	for _, sc := range []string{"wrong-tenant", "wrong-client"} {
		e := start(t, Hostnames, sc)
		p := e.ten.Portal()
		if len(p.Apps) != 1 || p.PrimaryDomain != practiceDomain {
			t.Fatalf("%s: portal %+v", sc, p)
		}
		// The IDs the portal shows sign in; the handed-out ones do not.
		e.tokenFor(e.credFor(p.TenantID, p.Apps[0].ClientID, e.info.ClientSecret), "https://vault.azure.net/.default")
		if sc == "wrong-tenant" && p.TenantID == e.info.TenantID || sc == "wrong-client" && p.Apps[0].ClientID == e.info.ClientID {
			t.Fatalf("%s: the portal shows the handed-out (wrong) ID", sc)
		}
		text := strings.Join(p.Lines(), "\n")
		for _, want := range []string{"Tenant ID: " + p.TenantID, "Application (client) ID: " + p.Apps[0].ClientID, "Object ID: " + p.Apps[0].ObjectID} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: the pages lack %q:\n%s", sc, want, text)
			}
		}
		if strings.Contains(text, e.info.ClientSecret) {
			t.Errorf("%s: the pages show the client secret", sc)
		}
	}
}
