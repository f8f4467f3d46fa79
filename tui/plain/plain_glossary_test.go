package plain

import (
	"strings"
	"testing"
	"time"

	"github.com/kvbridge/kvbridge/steps"
)

// g at any question prints the glossary; g and a word prints that term, or
// says there is none; the question is then asked again.
func TestPlainGlossary(t *testing.T) {
	t.Parallel()
	m := plainFixtureMachine(t)
	term := steps.Glossary()[0]
	res := runPlainFixture(t, m, plainStore(t), m.Start(time.Now()), plainLines("g", "g "+strings.ToLower(term.Word), "g no-such-thing", "q"), plainEnvNoTTY, nil)
	if res.err != nil {
		t.Fatal(res.err)
	}
	for _, want := range []string{"Glossary (", term.Word, "[" + term.Basis + "]", `The glossary has no entry for "no-such-thing"`, "g          the glossary"} {
		if !plainContains(res.out, want) {
			t.Errorf("output lacks %q\n%s", want, plainTail(res.out, 20))
		}
	}
	if n := strings.Count(res.out, "Press Enter to continue"); n != 4 {
		t.Errorf("the page's question was asked %d times, want 4", n)
	}
	if strings.Contains(res.out, "{fact") {
		t.Error("a glossary entry shows an unexpanded fact placeholder")
	}
}
