package sandbox

import "testing"

func TestActionWildcards(t *testing.T) {
	cases := []struct {
		pattern, action string
		want            bool
	}{
		{"*/read", "Microsoft.KeyVault/vaults/read", true},
		{"*", "Microsoft.Anything/at/all", true},
		{"Microsoft.KeyVault/vaults/*/read", "Microsoft.KeyVault/vaults/read", false}, // the documented choice
		{"Microsoft.KeyVault/vaults/*/read", "Microsoft.KeyVault/vaults/secrets/read", true},
		{"Microsoft.KeyVault/vaults/secrets/*", "microsoft.keyvault/VAULTS/secrets/setSecret/action", true},
		{"Microsoft.KeyVault/vaults/secrets/*", "Microsoft.KeyVault/vaults/keys/create/action", false},
		{"Microsoft.KeyVault/vaults/*", "Microsoft.KeyVault/vaults/secrets/getSecret/action", true},
		{"Microsoft.Authorization/*/Write", "Microsoft.Authorization/roleAssignments/write", true},
		{"Microsoft.KeyVault/vaults/secrets/getSecret/action", "Microsoft.KeyVault/vaults/secrets/getSecret/actionx", false},
		{"a*b*c", "abc", true},
		{"a*b*c", "acb", false},
		{"*a*", "bab", true},
		{"a*a", "a", false}, // prefix and suffix may not share a character
	}
	for _, c := range cases {
		if got := actionMatches(c.pattern, c.action); got != c.want {
			t.Errorf("actionMatches(%q, %q) = %v", c.pattern, c.action, got)
		}
	}
}

func TestBuiltinRolesGrantWhatMicrosoftDocuments(t *testing.T) {
	const (
		vaultRead = "Microsoft.KeyVault/vaults/read"
		get       = "Microsoft.KeyVault/vaults/secrets/getSecret/action"
		set       = "Microsoft.KeyVault/vaults/secrets/setSecret/action"
		raWrite   = "Microsoft.Authorization/roleAssignments/write"
	)
	cases := []struct {
		role                       string
		read, get, set, assignRole bool
	}{
		{"Reader", true, false, false, false},
		{"Key Vault Reader", false, false, false, false},
		{"Key Vault Secrets User", false, true, false, false},
		{"Key Vault Secrets Officer", false, true, true, false},
		{"Key Vault Administrator", false, true, true, false},
		{"Key Vault Contributor", true, false, false, false},
		{"Contributor", true, false, false, false},
		{"Owner", true, false, false, true},
	}
	for _, c := range cases {
		r := roleByName(c.role)
		if r == nil {
			t.Fatalf("no role %s", c.role)
		}
		got := [4]bool{r.grants(vaultRead, false), r.grants(get, true), r.grants(set, true), r.grants(raWrite, false)}
		if got != [4]bool{c.read, c.get, c.set, c.assignRole} {
			t.Errorf("%s grants read/get/set/assign = %v", c.role, got)
		}
		if roleByName(r.ID) != r || roleByName("/providers/Microsoft.Authorization/roleDefinitions/"+r.ID) != r {
			t.Errorf("%s not found by ID", c.role)
		}
	}
}

func TestScopeCovers(t *testing.T) {
	v := "/subscriptions/S/resourceGroups/RG/providers/Microsoft.KeyVault/vaults/kv"
	for _, c := range []struct {
		scope, target string
		want          bool
	}{
		{"/subscriptions/s", v, true},
		{"/subscriptions/S/resourcegroups/rg", v, true},
		{v, v + "/secrets/x", true},
		{v, "/subscriptions/S/resourceGroups/RG/providers/Microsoft.KeyVault/vaults/kv2", false},
		{v, "/subscriptions/S/resourceGroups/RG", false},
		{"/", v, true},
		{"/subscriptions/S/resourceGroups/RG/providers/Microsoft.KeyVault//vaults/kv", v, true},
	} {
		if got := scopeCovers(c.scope, c.target); got != c.want {
			t.Errorf("scopeCovers(%q, %q) = %v", c.scope, c.target, got)
		}
	}
}
