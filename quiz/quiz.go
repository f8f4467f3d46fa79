// Package quiz holds the question bank, grades answers and keeps the score.
// Scores count first attempts: a wrong answer can be retried, but only the
// first try says what the trainee knew.
package quiz

import (
	_ "embed"
	"errors"
	"fmt"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/kvbridge/kvbridge/steps/facts"
)

//go:embed questions.toml
var questionsTOML string

// Question is one multiple-choice checkpoint.
type Question struct {
	ID        string   `toml:"id"`
	Section   int      `toml:"section"`    // 1..3
	FromGuide bool     `toml:"from_guide"` // the training guide's own question
	Prompt    string   `toml:"prompt"`
	Options   []Option `toml:"option"`
}

// Option is one answer with the explanation shown once it is chosen.
type Option struct {
	Text    string `toml:"text"`
	Correct bool   `toml:"correct"`
	Explain string `toml:"explain"`
}

// Right returns the index of the correct option.
func (q Question) Right() int {
	for i, o := range q.Options {
		if o.Correct {
			return i
		}
	}
	return -1
}

// Bank is the validated set of questions, in course order.
type Bank struct {
	Questions []Question `toml:"question"`
	byID      map[string]int
}

// Load parses and validates the embedded bank.
func Load() (*Bank, error) { return Parse(questionsTOML) }

// Parse parses and validates a question bank document.
func Parse(src string) (*Bank, error) {
	var b Bank
	md, err := toml.Decode(src, &b)
	if err != nil {
		return nil, fmt.Errorf("quiz: %w", err)
	}
	if undec := md.Undecoded(); len(undec) > 0 {
		return nil, fmt.Errorf("quiz: unknown keys %v", undec)
	}
	if err := b.expandFacts(); err != nil {
		return nil, err
	}
	if err := b.validate(); err != nil {
		return nil, err
	}
	return &b, nil
}

// expandFacts fills the shared facts ({fact:id}) into prompts, options and
// explanations.
func (b *Bank) expandFacts() error {
	expand := func(p *string, where string) error {
		out, err := facts.Expand(*p)
		if err != nil {
			return fmt.Errorf("quiz: %s: %w", where, err)
		}
		*p = out
		return nil
	}
	for qi := range b.Questions {
		q := &b.Questions[qi]
		if err := expand(&q.Prompt, q.ID); err != nil {
			return err
		}
		for oi := range q.Options {
			if err := expand(&q.Options[oi].Text, q.ID); err != nil {
				return err
			}
			if err := expand(&q.Options[oi].Explain, q.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

func (b *Bank) validate() error {
	var errs []string
	bad := func(format string, a ...any) { errs = append(errs, fmt.Sprintf(format, a...)) }
	blank := func(s string) bool { return strings.TrimSpace(s) == "" }
	b.byID = make(map[string]int, len(b.Questions))
	for i, q := range b.Questions {
		if blank(q.ID) {
			bad("question %d has no id", i+1)
		} else if _, dup := b.byID[q.ID]; dup {
			bad("question id %q is used twice", q.ID)
		}
		b.byID[q.ID] = i
		if q.Section < 1 || q.Section > 3 {
			bad("question %q: section %d is not 1, 2 or 3", q.ID, q.Section)
		}
		if blank(q.Prompt) {
			bad("question %q: prompt is empty", q.ID)
		}
		if n := len(q.Options); n < 3 || n > 4 {
			bad("question %q: has %d options, want 3 or 4", q.ID, n)
		}
		right := 0
		for j, o := range q.Options {
			if o.Correct {
				right++
			}
			if blank(o.Text) || blank(o.Explain) {
				bad("question %q option %d: text and explanation must be set", q.ID, j+1)
			}
		}
		if right != 1 {
			bad("question %q: has %d right options, want exactly 1", q.ID, right)
		}
	}
	for s := 1; s <= 3; s++ {
		guide, all := 0, 0
		for _, q := range b.Questions {
			if q.Section == s {
				all++
				if q.FromGuide {
					guide++
				}
			}
		}
		if guide != 1 || all < 3 {
			bad("section %d: has %d guide questions and %d in all, want 1 and at least 3", s, guide, all)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("question bank is invalid:\n  %s", strings.Join(errs, "\n  "))
	}
	return nil
}

// Get returns the question with the given ID.
func (b *Bank) Get(id string) (Question, bool) {
	i, ok := b.byID[id]
	if !ok {
		return Question{}, false
	}
	return b.Questions[i], true
}

// Section returns the questions of one section, guide question first.
func (b *Bank) Section(n int) []Question {
	var out []Question
	for _, q := range b.Questions {
		if q.Section == n && q.FromGuide {
			out = append(out, q)
		}
	}
	for _, q := range b.Questions {
		if q.Section == n && !q.FromGuide {
			out = append(out, q)
		}
	}
	return out
}

// Record is what the trainee did with one question.
type Record struct {
	First    int  `json:"first"`    // index of the first option chosen
	Attempts int  `json:"attempts"` // how many answers were given
	Solved   bool `json:"solved"`   // the right option has been chosen
}

// FirstTry reports whether the first answer was right.
func (r Record) FirstTry(q Question) bool { return r.Attempts > 0 && r.First == q.Right() }

// Feedback is the result of grading one answer.
type Feedback struct {
	Correct bool
	Explain string // the chosen option's explanation
}

// ErrNoSuchQuestion and ErrNoSuchOption are returned for answers that do not fit the bank.
var (
	ErrNoSuchQuestion = errors.New("no such question")
	ErrNoSuchOption   = errors.New("no such option")
)

// Grade checks one answer and returns the updated record. Answering a solved
// question again changes nothing.
func (b *Bank) Grade(id string, choice int, rec Record) (Record, Feedback, error) {
	q, ok := b.Get(id)
	if !ok {
		return rec, Feedback{}, fmt.Errorf("%w: %q", ErrNoSuchQuestion, id)
	}
	if choice < 0 || choice >= len(q.Options) {
		return rec, Feedback{}, fmt.Errorf("%w: %d for %q", ErrNoSuchOption, choice, id)
	}
	opt := q.Options[choice]
	fb := Feedback{Correct: opt.Correct, Explain: opt.Explain}
	if rec.Solved {
		return rec, fb, nil
	}
	if rec.Attempts == 0 {
		rec.First = choice
	}
	rec.Attempts++
	rec.Solved = opt.Correct
	return rec, fb, nil
}

// Score summarises the records against the whole bank.
type Score struct {
	FirstTry int // right on the first attempt
	Solved   int // eventually right
	Total    int // questions in the bank
}

// Percent is the first-try score as a whole percentage.
func (s Score) Percent() int {
	if s.Total == 0 {
		return 0
	}
	return s.FirstTry * 100 / s.Total
}

// Score computes the score from the trainee's records.
func (b *Bank) Score(recs map[string]Record) Score {
	s := Score{Total: len(b.Questions)}
	for _, q := range b.Questions {
		r := recs[q.ID]
		if r.FirstTry(q) {
			s.FirstTry++
		}
		if r.Solved {
			s.Solved++
		}
	}
	return s
}

// Verdict is what every front end says after an answer, without a symbol:
// "Correct, on the first try." or "Not quite: B is not the answer." label
// names the option chosen as the front end shows it (a letter, a number).
// rec is the record after the answer; solvedBefore says the question was
// solved before this answer, which then changes nothing.
func Verdict(fb Feedback, rec Record, solvedBefore bool, label string) string {
	switch {
	case fb.Correct && solvedBefore:
		return "Correct (already solved)."
	case fb.Correct && rec.Attempts == 1:
		return "Correct, on the first try."
	case fb.Correct:
		return fmt.Sprintf("Correct, on try %d. The score counts first tries only.", rec.Attempts)
	}
	return fmt.Sprintf("Not quite: %s is not the answer.", label)
}

// NextHint is the line after a wrong answer: try again, or, on a question
// solved before, that the score does not change.
func NextHint(solvedBefore bool) string {
	if solvedBefore {
		return "You solved this question already; your score does not change."
	}
	return "Try another option."
}
