package quiz

import (
	"strings"
	"testing"

	"github.com/kvbridge/kvbridge/steps/facts"
)

func loadBank(t *testing.T) *Bank {
	t.Helper()
	b, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return b
}

func TestBankSections(t *testing.T) {
	b := loadBank(t)
	for s := 1; s <= 3; s++ {
		qs := b.Section(s)
		guide := 0
		for _, q := range qs {
			if q.FromGuide {
				guide++
			}
		}
		if guide != 1 {
			t.Errorf("section %d has %d guide questions, want 1", s, guide)
		}
		if len(qs) < 4 {
			t.Errorf("section %d has %d questions, want at least 4", s, len(qs))
		}
		if len(qs) > 0 && !qs[0].FromGuide {
			t.Errorf("section %d: the guide's question should come first", s)
		}
	}
}

// TestBankGuideAnswers pins the guide's own right answers.
func TestBankGuideAnswers(t *testing.T) {
	b := loadBank(t)
	want := map[int][]string{
		1: {"write"},
		2: {"Client ID", "Tenant ID", "Client Secret Value"},
		3: {"Value"},
	}
	for s, phrases := range want {
		q := b.Section(s)[0]
		right := q.Options[q.Right()].Text
		for _, p := range phrases {
			if !strings.Contains(right, p) {
				t.Errorf("section %d guide question: right answer %q lacks %q", s, right, p)
			}
		}
	}
}

func TestBankRightAnswerPositionsVary(t *testing.T) {
	b := loadBank(t)
	seen := map[int]int{}
	for _, q := range b.Questions {
		seen[q.Right()]++
	}
	if len(seen) < 3 {
		t.Errorf("right answers sit at only %d positions (%v); vary them", len(seen), seen)
	}
	for pos, n := range seen {
		if n*2 > len(b.Questions) {
			t.Errorf("position %d holds the right answer in %d of %d questions", pos, n, len(b.Questions))
		}
	}
}

func TestBankOptionsDistinct(t *testing.T) {
	b := loadBank(t)
	for _, q := range b.Questions {
		texts := map[string]bool{}
		explains := map[string]bool{}
		for _, o := range q.Options {
			k := strings.ToLower(strings.TrimSpace(o.Text))
			if texts[k] {
				t.Errorf("question %s: option %q appears twice", q.ID, o.Text)
			}
			texts[k] = true
			if explains[o.Explain] {
				t.Errorf("question %s: two options share the explanation %q", q.ID, o.Explain)
			}
			explains[o.Explain] = true
		}
	}
}

// TestBankTopics makes sure the questions written from the facts stay in the bank.
func TestBankTopics(t *testing.T) {
	b := loadBank(t)
	var all strings.Builder
	for _, q := range b.Questions {
		all.WriteString(q.Prompt + "\n")
		for _, o := range q.Options {
			all.WriteString(o.Text + "\n" + o.Explain + "\n")
		}
	}
	text := all.String()
	for _, p := range []string{"Secret ID", "AADSTS7000215", "AADSTS7000222", "dropdown", "Reader", "24 months",
		"permission model", "10 minutes", "soft-delete", "Prod_VM_Admin_Pass", "username", "ForbiddenByFirewall"} {
		if !strings.Contains(text, p) {
			t.Errorf("no question covers %q", p)
		}
	}
}

func TestBankText(t *testing.T) {
	for i, line := range strings.Split(questionsTOML, "\n") {
		for _, r := range line {
			if r > 0x7e {
				t.Errorf("questions.toml line %d: non-ASCII rune %q", i+1, r)
			}
		}
	}
}

// What the quiz shows, facts filled in, is free of the wordings that contradict
// the shared facts.
func TestBankAgreesWithFacts(t *testing.T) {
	for _, q := range loadBank(t).Questions {
		texts := []string{q.Prompt}
		for _, o := range q.Options {
			texts = append(texts, o.Text, o.Explain)
		}
		for _, s := range texts {
			for _, c := range facts.Contradictions(s) {
				t.Errorf("%s: %s\n  in %q", q.ID, c, s)
			}
		}
	}
}
