package livetest

import (
	"testing"

	"github.com/kvbridge/kvbridge/steps"
)

// The parity script, replayed on the session: the outcome the front ends
// must match. It also checks the script does what it says.
func TestParityScriptReplays(t *testing.T) {
	t.Parallel()
	m := Machine(t)
	out := Replay(t, m, ParityScript(t, m), nil)
	want := map[string]string{
		"arm.vaults":    "pass|",         // after the practice action in no-vault-read
		"mapping.value": "fail|mismatch", // the wrong password, compared as typed
		"mapping.tag":   "pass|",
	}
	for id, w := range want {
		if got := out.Results[id]; got != w {
			t.Errorf("%s = %q, want %q", id, got, w)
		}
	}
	c := out.State.Connection
	if c.Kind != steps.ConnPractice || c.Scenario != "no-vault-read" || !c.MapUsername {
		t.Errorf("connection %+v", c)
	}
	if len(out.State.Quiz) == 0 {
		t.Error("no quiz answers")
	}
	if d := out.Diff(Replay(t, m, ParityScript(t, m), nil)); d != "" {
		t.Errorf("two replays differ:\n%s", d)
	}
}
