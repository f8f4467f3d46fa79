package sandbox

import (
	"strings"
	"testing"
)

func TestListNamesEveryScenario(t *testing.T) {
	var b strings.Builder
	List(&b)
	out := b.String()
	for _, s := range Scenarios() {
		if !strings.Contains(out, s.Name+" ") || !strings.Contains(out, wrap(s.Teaches, 70)[0]) {
			t.Errorf("list lacks %s", s.Name)
		}
	}
	for _, l := range strings.Split(out, "\n") {
		if len([]rune(l)) > 92 {
			t.Errorf("line too long for a terminal: %q", l)
		}
	}
	if testing.Verbose() {
		t.Log("\n" + out)
	}
}
