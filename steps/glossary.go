package steps

import (
	_ "embed"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"

	"github.com/kvbridge/kvbridge/steps/facts"
)

//go:embed glossary.toml
var glossaryTOML string

// Term is one glossary entry: the jargon word as the course writes it, other
// spellings that mean the same, a plain definition, and the basis of that
// definition as a short tag (see BasisTags).
type Term struct {
	Word       string
	Aliases    []string
	Definition string
	Basis      string
}

// BasisTags are the short tags a fact or a definition carries to say how it
// is known. The course, the glossary and the shared facts use only these.
var BasisTags = facts.Tags

// The basis tags (steps/facts defines them).
const (
	BasisVerified     = facts.Verified
	BasisFieldReports = facts.FieldReports
	BasisInference    = facts.Inference
	BasisUndocumented = facts.Undocumented
)

type glossaryFile struct {
	Terms []struct {
		Word       string   `toml:"word"`
		Aliases    []string `toml:"aliases"`
		Definition string   `toml:"definition"`
		Basis      string   `toml:"basis"`
	} `toml:"term"`
}

var (
	glossaryOnce  sync.Once
	glossaryTerms []Term
	glossaryErr   error
)

// Glossary returns the course's glossary in alphabetical order. The data is
// embedded and validated by the tests, so a broken file is a build defect:
// Glossary panics rather than let a screen show half a glossary.
// Callers get their own copy and may change it freely.
func Glossary() []Term {
	glossaryOnce.Do(func() { glossaryTerms, glossaryErr = parseGlossary(glossaryTOML) })
	if glossaryErr != nil {
		panic(glossaryErr)
	}
	out := make([]Term, len(glossaryTerms))
	for i, t := range glossaryTerms {
		t.Aliases = append([]string(nil), t.Aliases...)
		out[i] = t
	}
	return out
}

// LookupTerm finds a term by its word or one of its aliases, ignoring case.
// Aliases may repeat a name in another case (the course's "Tenant ID" and
// "tenant ID"), but one name never belongs to two terms.
func LookupTerm(word string) (Term, bool) {
	w := strings.ToLower(strings.TrimSpace(word))
	for _, t := range Glossary() {
		if strings.ToLower(t.Word) == w {
			return t, true
		}
		for _, a := range t.Aliases {
			if strings.ToLower(a) == w {
				return t, true
			}
		}
	}
	return Term{}, false
}

func parseGlossary(src string) ([]Term, error) {
	var f glossaryFile
	md, err := toml.Decode(src, &f)
	if err != nil {
		return nil, fmt.Errorf("glossary: %w", err)
	}
	if undec := md.Undecoded(); len(undec) > 0 {
		return nil, fmt.Errorf("glossary: unknown keys %v", undec)
	}
	var errs []string
	seen := map[string]string{}
	var terms []Term
	for _, r := range f.Terms {
		def, err := facts.Expand(strings.TrimSpace(r.Definition))
		if err != nil {
			errs = append(errs, fmt.Sprintf("term %q: %v", r.Word, err))
		}
		t := Term{Word: strings.TrimSpace(r.Word), Aliases: r.Aliases, Definition: def, Basis: strings.TrimSpace(r.Basis)}
		if t.Word == "" || t.Definition == "" {
			errs = append(errs, fmt.Sprintf("term %q needs a word and a definition", r.Word))
		}
		if !validBasis(t.Basis) {
			errs = append(errs, fmt.Sprintf("term %q: basis %q does not start with one of %v", t.Word, t.Basis, BasisTags))
		}
		for _, name := range append([]string{t.Word}, t.Aliases...) {
			k := strings.ToLower(name)
			if prev, dup := seen[k]; dup && prev != t.Word {
				errs = append(errs, fmt.Sprintf("%q names both %q and %q", name, prev, t.Word))
			}
			seen[k] = t.Word
		}
		terms = append(terms, t)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("glossary is invalid:\n  %s", strings.Join(errs, "\n  "))
	}
	sort.SliceStable(terms, func(i, j int) bool {
		return strings.ToLower(terms[i].Word) < strings.ToLower(terms[j].Word)
	})
	return terms, nil
}

// validBasis accepts a basis tag, optionally followed by ": source".
func validBasis(b string) bool {
	for _, tag := range BasisTags {
		if b == tag || strings.HasPrefix(b, tag+": ") {
			return true
		}
	}
	return false
}
