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

// LookupTerm finds a term by its word or one of its aliases, ignoring case,
// hyphens and a plural s ("Tenants" finds tenant, "control-plane" finds control
// plane), so the aliases list only real synonyms.
func LookupTerm(word string) (Term, bool) {
	k := termKey(word)
	for _, t := range Glossary() {
		if termKey(t.Word) == k {
			return t, true
		}
		for _, a := range t.Aliases {
			if termKey(a) == k {
				return t, true
			}
		}
	}
	return Term{}, false
}

// termKey is how LookupTerm compares names: lower case, hyphens as spaces, one
// trailing plural s dropped ("policies" as "policy").
func termKey(s string) string {
	k := strings.Join(strings.Fields(strings.ReplaceAll(strings.ToLower(s), "-", " ")), " ")
	switch {
	case strings.HasSuffix(k, "ies") && len(k) > 4:
		k = k[:len(k)-3] + "y"
	case strings.HasSuffix(k, "s") && !strings.HasSuffix(k, "ss") && len(k) > 3:
		k = k[:len(k)-1]
	}
	return k
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
		own := map[string]bool{}
		for _, name := range append([]string{t.Word}, t.Aliases...) {
			k := termKey(name)
			if prev, dup := seen[k]; dup && prev != t.Word {
				errs = append(errs, fmt.Sprintf("%q names both %q and %q", name, prev, t.Word))
			}
			if own[k] {
				errs = append(errs, fmt.Sprintf("term %q: alias %q only respells a name it has (LookupTerm ignores case, hyphens and plurals)", t.Word, name))
			}
			own[k] = true
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
