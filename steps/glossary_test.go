package steps

import (
	"regexp"
	"strings"
	"testing"

	"github.com/kvbridge/kvbridge/quiz"
	"github.com/kvbridge/kvbridge/steps/facts"
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

// courseReading returns the course's texts in the order a trainee reads them
// (the diagram labels and party names are drawings, and are left out).
func courseReading(c *Course) []string {
	var out []string
	for _, s := range c.Sections {
		out = append(out, s.Overview)
		for _, st := range s.Steps {
			out = append(out, st.Intro)
			for _, t := range st.Tasks {
				out = append(out, t.Text)
				for _, co := range t.Callouts {
					out = append(out, co.Text)
				}
			}
			if f := st.Fields; f != nil {
				for _, r := range f.Rows {
					out = append(out, r.Name+" "+r.Value+" "+r.Note)
				}
			}
		}
		out = append(out, s.Check.Title, s.Check.Explains)
		for _, r := range s.Summary {
			out = append(out, r.Step+" "+r.Action+" "+r.Detail)
		}
		out = append(out, s.Troubleshooting.Text, s.Maintenance.Text)
	}
	return out
}

var acronymRE = regexp.MustCompile(`\b[A-Z][A-Z0-9]+(?:-[0-9]+)?\b`)

// notJargon are capitalised words the course uses that need no definition.
var notJargon = map[string]bool{"ID": true, "IDs": true, "KB": true, "VM": true, "OK": true, "A": true, "I": true, "URL": true}

// Every acronym the course uses, and every piece of jargon below, is in the
// glossary, so the g key always has an answer.
func TestGlossaryCoversTheCourse(t *testing.T) {
	c := loadCourse(t)
	text := strings.Join(courseReading(c), "\n")
	seen := map[string]bool{}
	for _, a := range acronymRE.FindAllString(text, -1) {
		if strings.HasPrefix(a, "AADSTS") {
			a = "AADSTS"
		}
		if notJargon[a] || seen[a] {
			continue
		}
		seen[a] = true
		if _, ok := LookupTerm(a); !ok {
			t.Errorf("the course uses %q, which the glossary does not define", a)
		}
	}
	for _, w := range []string{"control plane", "data plane", "tenant", "service principal", "action string",
		"permissions API", "permission model", "access policy", "scope", "role assignment", "App Registration",
		"client secret", "Secret ID", "Object ID", "Application (Client) ID", "Directory (Tenant) ID", "soft delete",
		"purge", "tag", "sync", "External Vault Link", "External Secrets", "credential secret", "Reader",
		"Key Vault Secrets Officer", "Key Vault Secrets User", "Key Vault Reader", "Key Vault Administrator",
		"Key Vault Contributor", "Key Vault Data Access Administrator", "Owner", "User Access Administrator",
		"Role Based Access Control Administrator", "Microsoft Entra ID", "Microsoft Graph", "vault firewall",
		"least privilege", "subscription", "resource group", "SHA-256", "GUID", "ARM"} {
		if !strings.Contains(strings.ToLower(text), strings.ToLower(strings.TrimSuffix(w, "s"))) {
			t.Errorf("%q is no longer in the course: drop it from this list", w)
		}
		if _, ok := LookupTerm(w); !ok {
			t.Errorf("the course uses %q, which the glossary does not define", w)
		}
	}
}

// The jargon the course cannot do without is explained in brackets where a
// trainee first meets it: its first use, in reading order, is "term (...)".
func TestCourseDefinesJargonAtFirstUse(t *testing.T) {
	c := loadCourse(t)
	reading := courseReading(c)
	for _, tc := range []struct{ term, pattern string }{
		{"tenant", `(?i)\btenants?\b`},
		{"service principal", `(?i)\bservice principals?\b`},
		{"GUID", `\bGUIDs?\b`},
		{"control plane", `(?i)\b(?:control|management)[ -]plane\b`},
		{"data plane", `(?i)\bdata[ -]plane\b`},
		{"ARM", `\bARM\b|Azure Resource Manager`},
		{"permission model", `(?i)\bpermission models?\b`},
		{"Azure RBAC", `\bRBAC\b`},
		{"access policy", `(?i)\baccess[ -]polic(?:y|ies)\b`},
		{"action string", `(?i)\baction strings?\b|Microsoft\.KeyVault/`},
		{"permissions API", `(?i)\bpermissions API\b`},
		{"SHA-256", `SHA-256`},
	} {
		re := regexp.MustCompile(tc.pattern)
		found := false
		for _, s := range reading {
			loc := re.FindStringIndex(s)
			if loc == nil {
				continue
			}
			found = true
			if !strings.HasPrefix(s[loc[1]:], " (") {
				t.Errorf("%s first appears as %q without an explanation in brackets: %q", tc.term, s[loc[0]:loc[1]], clipText(s, loc[0]))
			}
			break
		}
		if !found {
			t.Errorf("%s is not in the course", tc.term)
		}
		if _, ok := LookupTerm(tc.term); !ok {
			t.Errorf("%s has no glossary entry", tc.term)
		}
	}
}

func clipText(s string, at int) string {
	from, to := max(0, at-40), min(len(s), at+80)
	return s[from:to]
}

// What the course and the glossary show, facts filled in, is free of the wordings
// that contradict the shared facts.
func TestCourseAndGlossaryAgreeWithFacts(t *testing.T) {
	for _, s := range courseReading(loadCourse(t)) {
		for _, c := range facts.Contradictions(s) {
			t.Errorf("course: %s\n  in %q", c, s)
		}
	}
	for _, term := range Glossary() {
		for _, c := range facts.Contradictions(term.Definition) {
			t.Errorf("glossary %q: %s", term.Word, c)
		}
	}
}

// The quiz uses no acronym the glossary cannot explain either.
func TestGlossaryCoversTheQuiz(t *testing.T) {
	b, err := quiz.Load()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, q := range b.Questions {
		texts := []string{q.Prompt}
		for _, o := range q.Options {
			texts = append(texts, o.Text, o.Explain)
		}
		for _, a := range acronymRE.FindAllString(strings.Join(texts, "\n"), -1) {
			for _, p := range []string{"AADSTS", "AKV"} {
				if strings.HasPrefix(a, p) {
					a = p
				}
			}
			if notJargon[a] || seen[a] {
				continue
			}
			seen[a] = true
			if _, ok := LookupTerm(a); !ok {
				t.Errorf("question %s uses %q, which the glossary does not define", q.ID, a)
			}
		}
	}
}

// LookupTerm forgives case, hyphens and plurals, and an alias that only
// respells a name is refused (it would clutter the glossary's display).
func TestLookupTermForgivesSpelling(t *testing.T) {
	for in, want := range map[string]string{"Tenants": "tenant", "control-plane": "control plane",
		"access policies": "access policy", "GUIDS": "GUID", "management-plane": "control plane", "RBAC": "Azure RBAC"} {
		if got, ok := LookupTerm(in); !ok || got.Word != want {
			t.Errorf("LookupTerm(%q) = %q, %v; want %q", in, got.Word, ok, want)
		}
	}
	if _, err := parseGlossary("[[term]]\nword=\"tenant\"\naliases=[\"Tenants\"]\ndefinition=\"x\"\nbasis=\"Verified\"\n"); err == nil {
		t.Error("an alias that only respells the word was accepted")
	}
}
