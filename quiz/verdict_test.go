package quiz

import "testing"

// The verdict words both front ends show after an answer.
func TestVerdict(t *testing.T) {
	right, wrong := Feedback{Correct: true}, Feedback{}
	for _, c := range []struct {
		fb     Feedback
		rec    Record
		before bool
		want   string
	}{
		{right, Record{Attempts: 1, Solved: true}, false, "Correct, on the first try."},
		{right, Record{Attempts: 3, Solved: true}, false, "Correct, on try 3. The score counts first tries only."},
		{right, Record{Attempts: 2, Solved: true}, true, "Correct (already solved)."},
		{wrong, Record{Attempts: 1}, false, "Not quite: B is not the answer."},
	} {
		if got := Verdict(c.fb, c.rec, c.before, "B"); got != c.want {
			t.Errorf("Verdict = %q, want %q", got, c.want)
		}
	}
	if NextHint(false) != "Try another option." || NextHint(true) == NextHint(false) {
		t.Error("NextHint")
	}
}
