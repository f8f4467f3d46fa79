package quiz_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/kvbridge/kvbridge/quiz"
	"github.com/kvbridge/kvbridge/steps/stepstest"
)

func bank(t *testing.T) *quiz.Bank {
	t.Helper()
	b, err := quiz.Parse(stepstest.Bank)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestGrade(t *testing.T) {
	b := bank(t)
	tests := []struct {
		name    string
		id      string
		choices []int
		want    quiz.Record
		correct bool // of the last answer
		err     error
	}{
		{"right first", "q1", []int{0}, quiz.Record{First: 0, Attempts: 1, Solved: true}, true, nil},
		{"wrong first", "q1", []int{1}, quiz.Record{First: 1, Attempts: 1}, false, nil},
		{"wrong then right", "q1", []int{2, 0}, quiz.Record{First: 2, Attempts: 2, Solved: true}, true, nil},
		{"wrong twice then right", "q3", []int{0, 1, 2}, quiz.Record{First: 0, Attempts: 3, Solved: true}, true, nil},
		{"answers after solving change nothing", "q1", []int{0, 1}, quiz.Record{First: 0, Attempts: 1, Solved: true}, false, nil},
		{"unknown question", "nope", []int{0}, quiz.Record{}, false, quiz.ErrNoSuchQuestion},
		{"option too high", "q1", []int{3}, quiz.Record{}, false, quiz.ErrNoSuchOption},
		{"option negative", "q1", []int{-1}, quiz.Record{}, false, quiz.ErrNoSuchOption},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var rec quiz.Record
			var fb quiz.Feedback
			var err error
			for _, c := range tc.choices {
				rec, fb, err = b.Grade(tc.id, c, rec)
			}
			if !errors.Is(err, tc.err) {
				t.Fatalf("err = %v, want %v", err, tc.err)
			}
			if rec != tc.want {
				t.Errorf("record = %+v, want %+v", rec, tc.want)
			}
			if err == nil && (fb.Correct != tc.correct || fb.Explain == "") {
				t.Errorf("feedback = %+v", fb)
			}
		})
	}
}

func TestScore(t *testing.T) {
	b := bank(t)
	recs := map[string]quiz.Record{
		"q1":  {First: 0, Attempts: 1, Solved: true}, // first try
		"q1b": {First: 0, Attempts: 2, Solved: true}, // retried
		"q2":  {First: 1, Attempts: 1},               // still wrong
		"q3":  {First: 2, Attempts: 1, Solved: true}, // first try
	}
	s := b.Score(recs)
	if s != (quiz.Score{FirstTry: 2, Solved: 3, Total: 9}) || s.Percent() != 22 {
		t.Fatalf("score = %+v (%d%%)", s, s.Percent())
	}
	if (quiz.Score{}).Percent() != 0 {
		t.Error("empty score must be 0%")
	}
}

func TestSectionOrderPutsGuideFirst(t *testing.T) {
	b := bank(t)
	for n, want := range map[int]string{1: "q1 q1b q1c", 2: "q2 q2b q2c", 3: "q3 q3b q3c"} {
		var ids []string
		for _, q := range b.Section(n) {
			ids = append(ids, q.ID)
		}
		if got := strings.Join(ids, " "); got != want {
			t.Errorf("section %d = %s, want %s", n, got, want)
		}
	}
}

func TestParseRejectsBadBanks(t *testing.T) {
	opt := `option = [{ text = "a", correct = true, explain = "x" }, { text = "b", explain = "y" }, { text = "c", explain = "z" }]`
	q := func(id string, section int, guide bool, extra string) string {
		g := "false"
		if guide {
			g = "true"
		}
		return "[[question]]\nid = \"" + id + "\"\nsection = " + string(rune('0'+section)) + "\nfrom_guide = " + g + "\nprompt = \"p\"\n" + extra + "\n"
	}
	valid := ""
	for s := 1; s <= 3; s++ {
		for i, id := range []string{"a", "b", "c"} {
			valid += q(id+string(rune('0'+s)), s, i == 0, opt)
		}
	}
	if _, err := quiz.Parse(valid); err != nil {
		t.Fatalf("valid bank rejected: %v", err)
	}
	tests := map[string]struct{ src, want string }{
		"two right":       {valid + q("x", 1, false, `option = [{ text = "a", correct = true, explain = "x" }, { text = "b", correct = true, explain = "y" }, { text = "c", explain = "z" }]`), "2 right options"},
		"none right":      {valid + q("x", 1, false, `option = [{ text = "a", explain = "x" }, { text = "b", explain = "y" }, { text = "c", explain = "z" }]`), "0 right options"},
		"two options":     {valid + q("x", 1, false, `option = [{ text = "a", correct = true, explain = "x" }, { text = "b", explain = "y" }]`), "has 2 options"},
		"no explanation":  {valid + q("x", 1, false, `option = [{ text = "a", correct = true, explain = "x" }, { text = "b", explain = "" }, { text = "c", explain = "z" }]`), "explanation must be set"},
		"duplicate id":    {valid + q("a1", 1, false, opt), `"a1" is used twice`},
		"bad section":     {valid + q("x", 5, false, opt), "section 5"},
		"two guide":       {valid + q("x", 2, true, opt), "section 2: has 2 guide questions"},
		"unknown key":     {valid + q("x", 1, false, opt+"\nhint = \"h\""), "unknown keys"},
		"not toml":        {"[[question", "quiz:"},
		"empty prompt":    {valid + strings.Replace(q("x", 1, false, opt), `prompt = "p"`, `prompt = " "`, 1), "prompt is empty"},
		"too few section": {q("a1", 1, true, opt), "section 2: has 0 guide questions"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := quiz.Parse(tc.src)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}
