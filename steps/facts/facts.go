// Package facts holds the course's shared facts: each statement about Azure or
// Delinea that more than one text makes (the course, the quiz, doctor's findings and
// fixes, the practice tenant's scenarios and actions) is worded once here, with the
// basis it rests on. Texts refer to a fact by ID, in Go with Text or Tagged, and in
// the course and quiz TOML with a {fact:ID} placeholder that Expand fills in, so the
// same fact cannot be told two ways.
package facts

import (
	_ "embed"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
)

//go:embed facts.toml
var factsTOML string

// The basis tags: how a fact (or a glossary definition) is known. They are short on
// purpose: a trainee reads the tag before every fact.
const (
	Verified     = "Verified"       // read in Microsoft's or Delinea's documentation or the SDK source
	FieldReports = "Field reports"  // third-party material only: a hint, not a fact
	Inference    = "Inference"      // reasoned from verified facts, stated by no source
	Undocumented = "Not documented" // looked for in public documentation, not found
)

// Tags lists the basis tags.
var Tags = []string{Verified, FieldReports, Inference, Undocumented}

// Fact is one shared statement.
type Fact struct {
	ID     string `toml:"id"`
	Basis  string `toml:"basis"`  // one of Tags
	Text   string `toml:"text"`   // the one wording, in the project's own words
	Source string `toml:"source"` // where it was read, or what it is reasoned from
}

var (
	once  sync.Once
	table map[string]Fact
	order []string
	err   error
)

func load() {
	once.Do(func() { table, order, err = parse(factsTOML) })
	if err != nil {
		panic(err)
	}
}

func parse(src string) (map[string]Fact, []string, error) {
	var f struct {
		Facts []Fact `toml:"fact"`
	}
	md, e := toml.Decode(src, &f)
	if e != nil {
		return nil, nil, fmt.Errorf("facts: %w", e)
	}
	if undec := md.Undecoded(); len(undec) > 0 {
		return nil, nil, fmt.Errorf("facts: unknown keys %v", undec)
	}
	m := map[string]Fact{}
	var ids, errs []string
	for _, x := range f.Facts {
		x.Text = strings.TrimSpace(x.Text)
		switch {
		case !idRE.MatchString(x.ID):
			errs = append(errs, fmt.Sprintf("fact id %q is not lower-case words joined by dashes", x.ID))
		case m[x.ID].ID != "":
			errs = append(errs, fmt.Sprintf("fact %q is defined twice", x.ID))
		case x.Text == "" || strings.TrimSpace(x.Source) == "":
			errs = append(errs, fmt.Sprintf("fact %q needs a text and a source", x.ID))
		case !ValidTag(x.Basis):
			errs = append(errs, fmt.Sprintf("fact %q: basis %q is not one of %v", x.ID, x.Basis, Tags))
		case strings.Contains(x.Text, "{fact:"):
			errs = append(errs, fmt.Sprintf("fact %q refers to another fact; facts stand alone", x.ID))
		}
		m[x.ID] = x
		ids = append(ids, x.ID)
	}
	if len(errs) > 0 {
		return nil, nil, fmt.Errorf("facts are invalid:\n  %s", strings.Join(errs, "\n  "))
	}
	return m, ids, nil
}

var (
	idRE  = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	refRE = regexp.MustCompile(`\{fact(\+?):([^}]*)\}`)
)

// ValidTag reports whether s is one of the basis tags.
func ValidTag(s string) bool {
	for _, t := range Tags {
		if s == t {
			return true
		}
	}
	return false
}

// Get returns a fact by ID. An unknown ID is a programming error, caught by the
// tests that load every text; Get panics on it rather than show a hole.
func Get(id string) Fact {
	load()
	f, ok := table[id]
	if !ok {
		panic(fmt.Sprintf("facts: no fact %q", id))
	}
	return f
}

// Text is a fact's wording, for a sentence that carries its basis elsewhere.
func Text(id string) string { return Get(id).Text }

// Tagged is a fact's wording after its basis tag: "Inference: ...".
func Tagged(id string) string {
	f := Get(id)
	return f.Basis + ": " + f.Text
}

// All returns every fact in the file's order.
func All() []Fact {
	load()
	out := make([]Fact, 0, len(order))
	for _, id := range order {
		out = append(out, table[id])
	}
	return out
}

// Expand fills the placeholders of a text: {fact:ID} with the fact's wording and
// {fact+:ID} with its tagged wording. An unknown ID is an error naming it.
func Expand(s string) (string, error) {
	load()
	var bad []string
	var b strings.Builder
	last := 0
	for _, loc := range refRE.FindAllStringSubmatchIndex(s, -1) {
		b.WriteString(s[last:loc[0]])
		last = loc[1]
		id := s[loc[4]:loc[5]]
		f, ok := table[id]
		if !ok {
			bad = append(bad, id)
			b.WriteString(s[loc[0]:loc[1]])
			continue
		}
		text := f.Text
		if loc[3] > loc[2] {
			text = f.Basis + ": " + f.Text
		}
		b.WriteString(trimEnd(text, s[loc[1]:]))
	}
	b.WriteString(s[last:])
	out := b.String()
	if len(bad) > 0 {
		return s, fmt.Errorf("unknown fact %q", strings.Join(bad, `", "`))
	}
	return out, nil
}

// trimEnd drops a fact's closing full stop (or question or exclamation mark)
// when the sentence around the placeholder supplies its own punctuation, possibly
// after closing brackets or quotes: a fact placed in brackets before a full stop
// must read "(... of one)." and never "(... of one.).".
func trimEnd(text, after string) string {
	if !strings.HasSuffix(text, ".") && !strings.HasSuffix(text, "?") && !strings.HasSuffix(text, "!") {
		return text
	}
	rest := strings.TrimLeft(after, ")]\"'”’")
	if rest == "" || !strings.ContainsRune(".,;:?!", rune(rest[0])) {
		return text
	}
	return text[:len(text)-1]
}

// Refs lists the fact IDs a text refers to.
func Refs(s string) []string {
	var out []string
	for _, m := range refRE.FindAllStringSubmatch(s, -1) {
		out = append(out, m[2])
	}
	return out
}
