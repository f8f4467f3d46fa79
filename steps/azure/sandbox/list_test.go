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
		if !strings.Contains(out, s.Name+" ") || !strings.Contains(out, s.Teaches) {
			t.Errorf("list lacks %s", s.Name)
		}
	}
	if testing.Verbose() {
		t.Log("\n" + out)
	}
}
