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
		// The facts themselves, and the list of wordings that contradict them.
		switch filepath.ToSlash(p) {
		case "../../steps/facts/facts.toml", "../../steps/facts/contradictions.go":
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

func TestNoKnownContradiction(t *testing.T) {
	for _, s := range sources(t) {
		for i, line := range strings.Split(s.text, "\n") {
			for _, c := range Contradictions(line) {
				t.Errorf("%s:%d: %s", s.path, i+1, c)
			}
		}
	}
}

// The checker itself: each known wording is caught, and the corrected wording is not.
func TestContradictionsCatchesTheKnownWordings(t *testing.T) {
	for _, bad := range []string{
		"add Reader (or Key Vault Reader) on the vault", "its vaults/*/read does not cover vaults/read",
		"az ad app credential reset --id x --years 1", "Networking › Public access", "Networking -> Allow public access from specific networks",
		"az keyvault secret set-attributes --vault-name v --name s --tags username=u", "Key Vault Secrets User or higher",
		"Delinea's vault dropdown will be empty", "Delinea lists only vaults in the app's tenant", "was updated by the sync",
		"24 months at most, 6 recommended", "a client secret can live 24 months at most", "calls fail with ForbiddenByPolicy",
		"Save the secret in Delinea to sync it again", "it holds no Azure role anywhere",
	} {
		if len(Contradictions(bad)) == 0 {
			t.Errorf("not caught: %q", bad)
		}
	}
	for _, good := range []string{Text("vault-list-read"), Text("secret-lifetime"), Text("access-policy-403"),
		"Give the app Reader on the vault.", "Networking › Firewalls and virtual networks"} {
		if c := Contradictions(good); len(c) > 0 {
			t.Errorf("%q flagged: %v", good, c)
		}
	}
}

// TestExpandJoinsPunctuation: a fact carries its own full stop; where the text
// around the placeholder brings its own punctuation the stop is dropped, and
// nowhere else.
func TestExpandJoinsPunctuation(t *testing.T) {
	f := Text("updated-not-author")
	body := strings.TrimSuffix(f, ".")
	for in, want := range map[string]string{
		"See ({fact:updated-not-author}). Next":  "See (" + body + "). Next",
		"See {fact:updated-not-author}.":         "See " + body + ".",
		"So {fact:updated-not-author}, and more": "So " + body + ", and more",
		"({fact:updated-not-author}) Next":       "(" + f + ") Next",
		"{fact:updated-not-author} Next":         f + " Next",
		"{fact:updated-not-author}":              f,
	} {
		got, err := Expand(in)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("Expand(%q)\n got %q\nwant %q", in, got, want)
		}
	}
}
