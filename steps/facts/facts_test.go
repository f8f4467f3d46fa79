package facts

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// source is one text file whose words reach a trainee: the course and quiz TOML,
// and the Go code that words findings, fixes, scenarios and practice actions.
type source struct{ path, text string }

// sources reads every non-test .go and .toml file of the module, except this
// package's own table, which is where the facts are meant to be.
func sources(t *testing.T) []source {
	t.Helper()
	root := filepath.Join("..", "..")
	var out []source
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "testdata", "vendor", "node_modules", "bin", "dist":
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(p, "_test.go") || (!strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, ".toml")) {
			return nil
		}
		if filepath.ToSlash(p) == "../../steps/facts/facts.toml" {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out = append(out, source{filepath.ToSlash(strings.TrimPrefix(p, root+string(filepath.Separator))), string(b)})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 20 {
		t.Fatalf("found only %d source files; is the test run from steps/facts?", len(out))
	}
	return out
}

func TestTableLoads(t *testing.T) {
	all := All()
	if len(all) < 20 {
		t.Fatalf("%d facts", len(all))
	}
	for _, f := range all {
		for _, r := range f.Text {
			if r > 0x7e {
				t.Errorf("%s: non-ASCII rune %q (the course is plain ASCII)", f.ID, r)
			}
		}
		if n := len(strings.Fields(f.Text)); n > 75 {
			t.Errorf("%s: %d words; a fact is read inside a callout, keep it under 75", f.ID, n)
		}
	}
	if got, err := Expand("a {fact:propagation} b {fact+:propagation}"); err != nil ||
		!strings.Contains(got, "a "+Text("propagation")+" b Verified: ") {
		t.Errorf("Expand = %q, %v", got, err)
	}
	if _, err := Expand("{fact:no-such-fact}"); err == nil || !strings.Contains(err.Error(), "no-such-fact") {
		t.Errorf("Expand of an unknown fact: %v", err)
	}
}

func TestTableRejectsBadData(t *testing.T) {
	for name, src := range map[string]string{
		"bad basis":   "[[fact]]\nid=\"a\"\nbasis=\"Microsoft\"\ntext=\"x\"\nsource=\"s\"\n",
		"twice":       "[[fact]]\nid=\"a\"\nbasis=\"Verified\"\ntext=\"x\"\nsource=\"s\"\n[[fact]]\nid=\"a\"\nbasis=\"Verified\"\ntext=\"y\"\nsource=\"s\"\n",
		"no source":   "[[fact]]\nid=\"a\"\nbasis=\"Verified\"\ntext=\"x\"\n",
		"bad id":      "[[fact]]\nid=\"A b\"\nbasis=\"Verified\"\ntext=\"x\"\nsource=\"s\"\n",
		"nested ref":  "[[fact]]\nid=\"a\"\nbasis=\"Verified\"\ntext=\"see {fact:b}\"\nsource=\"s\"\n",
		"unknown key": "[[fact]]\nid=\"a\"\nbasis=\"Verified\"\ntext=\"x\"\nsource=\"s\"\nsee=\"b\"\n",
	} {
		if _, _, err := parse(src); err == nil {
			t.Errorf("%s: parsed without error", name)
		}
	}
}

var useRE = regexp.MustCompile(`\{fact\+?:([a-z0-9-]+)\}|facts\.(?:Text|Tagged|Get)\("([a-z0-9-]+)"\)`)

// Every fact is used somewhere, and every reference names a fact.
func TestEveryFactIsUsedAndEveryUseExists(t *testing.T) {
	used := map[string]bool{}
	for _, s := range sources(t) {
		for _, m := range useRE.FindAllStringSubmatch(s.text, -1) {
			id := m[1] + m[2]
			if id == "id" { // the placeholder as documentation writes it
				continue
			}
			used[id] = true
			if _, ok := table[id]; !ok {
				load()
				if _, ok := table[id]; !ok {
					t.Errorf("%s refers to fact %q, which facts.toml does not have", s.path, id)
				}
			}
		}
	}
	for _, f := range All() {
		if !used[f.ID] {
			t.Errorf("fact %q is used nowhere: refer to it, or remove it", f.ID)
		}
	}
}

// A fact is told once: no other text copies its wording (a copy drifts the first
// time one of them is corrected). Each fact's opening words are looked for.
func TestNoFactIsRestated(t *testing.T) {
	for _, s := range sources(t) {
		flat := strings.Join(strings.Fields(s.text), " ")
		for _, f := range All() {
			words := strings.Fields(f.Text)
			probe := strings.Join(words[:min(8, len(words))], " ")
			if strings.Contains(flat, probe) {
				t.Errorf("%s restates fact %q (%q...): refer to it instead", s.path, f.ID, probe)
			}
		}
	}
}

// contradictions are wordings found in earlier versions of the course, the quiz,
// doctor and the practice tenant that contradict a shared fact. Each names the fact
// that says it right.
var contradictions = []struct {
	re   *regexp.Regexp
	fact string
	why  string
}{
	{regexp.MustCompile(`(?i)\(or Key Vault Reader\)|\bor Key Vault Reader\b|Key Vault Reader\)? (?:to|so) (?:ARM )?lists?`), "vault-list-read",
		"Key Vault Reader has the same control-plane actions as Secrets Officer, so it is no fix for listing vaults"},
	{regexp.MustCompile(`(?i)does not cover`), "vault-list-read",
		"whether vaults/*/read covers vaults/read is not documented: do not state it as fact"},
	{regexp.MustCompile(`--years 1\b`), "secret-lifetime",
		"a 12-month secret is outside Microsoft's advice: give --end-date"},
	{regexp.MustCompile(`(?i)Networking\s*(?:›|->|>)\s*(?:Public access|Allow public access)`), "",
		"the documented portal path is Networking › Firewalls and virtual networks"},
	{regexp.MustCompile(`set-attributes[^"\n]*--tags`), "tags-from-mapping",
		"tags set by hand are replaced at the next sync: the fix is in Delinea's mapping"},
	{regexp.MustCompile(`(?i)\bor (?:a )?higher(?: role)?\b`), "portal-value-roles",
		"Owner and Contributor are not higher for data: name the roles"},
	{regexp.MustCompile(`(?i)Delinea lists only|Delinea finds vaults|Does what the dropdown does|dropdown will (?:list|show|not show|be empty)|will be empty|What Delinea's vault dropdown shows|as Delinea does\b|dropdown shows it|drops out of Delinea's dropdown`), "delinea-listing",
		"how Delinea lists vaults is undocumented: say what ARM shows the app"},
	{regexp.MustCompile(`(?i)updated by the sync`), "updated-not-author",
		"a timestamp does not say who wrote the secret"},
	{regexp.MustCompile(`(?i)6 recommended|at its edge`), "secret-lifetime",
		"Microsoft recommends less than 12 months; '6 recommended' is not Microsoft's wording"},
	{regexp.MustCompile(`(?i)access polic(?:y|ies) (?:alone )?gives? no right to list`), "listing-control-plane",
		"the permission model plays no part in listing vaults"},
	{regexp.MustCompile(`(?i)holds no Azure role anywhere`), "subscriptions-visible",
		"whether a role below subscription scope makes a subscription visible is not documented"},
	{regexp.MustCompile(`(?i)gather (?:these|them|the three values)[^."]*overview`), "overview-two-values",
		"the Value is not on the Overview page"},
	{regexp.MustCompile(`(?i)Save the secret in Delinea to sync|as Delinea does when|External Secrets › Sync\b`), "delinea-sync",
		"Delinea's sync behaviour and menu paths are undocumented: hedge them"},
}

func TestNoKnownContradiction(t *testing.T) {
	for _, s := range sources(t) {
		for i, line := range strings.Split(s.text, "\n") {
			for _, c := range contradictions {
				if m := c.re.FindString(line); m != "" {
					t.Errorf("%s:%d: %q contradicts %s: %s", s.path, i+1, m, orFact(c.fact), c.why)
				}
			}
			// Said without the portal, "24 months" reads as a limit Graph does not have.
			if strings.Contains(line, "24 months") && !strings.Contains(strings.ToLower(line), "portal") {
				t.Errorf("%s:%d: \"24 months\" without \"portal\": the limit is the portal's (fact secret-lifetime)", s.path, i+1)
			}
			// An access-policy refusal has two codes; naming one alone misleads.
			if strings.Contains(line, "ForbiddenByPolicy") && !strings.Contains(line, "AccessDenied") {
				t.Errorf("%s:%d: ForbiddenByPolicy without AccessDenied (fact access-policy-403)", s.path, i+1)
			}
		}
	}
}

func orFact(id string) string {
	if id == "" {
		return "Microsoft's docs"
	}
	return "fact " + id
}
