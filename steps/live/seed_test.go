package live_test

import (
	"strings"
	"testing"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/live"
	"github.com/kvbridge/kvbridge/steps/live/livetest"
)

// A mystery started without a seed saves the seed it drew; a session resumed from that
// progress starts the same mystery; a seed given on the command line is kept.
func TestMysterySeedIsSavedWithTheProgress(t *testing.T) {
	t.Parallel()
	s := practiceSession(t, "mystery")
	h, _ := s.Handout()
	seed := s.State().Connection.Seed
	if seed == 0 || seed != h.Seed || !h.Mystery {
		t.Fatalf("saved seed %d, handout %+v", seed, h)
	}
	hidden := live.Tenant(live.PracticeOf(s)).AnswerKey().Scenario

	resumed, _ := livetest.Session(t, live.Options{State: s.State(), Given: steps.Connection{Kind: steps.ConnPractice, Scenario: "mystery"}})
	resumed.Drive(resumed.Begin(), nil)
	if got := live.Tenant(live.PracticeOf(resumed)).AnswerKey().Scenario; got != hidden || resumed.State().Connection.Seed != seed {
		t.Fatalf("resumed mystery %s (seed %d), was %s (seed %d)", got, resumed.State().Connection.Seed, hidden, seed)
	}

	given, _ := livetest.Session(t, live.Options{Given: steps.Connection{Kind: steps.ConnPractice, Scenario: "mystery", Seed: 7}})
	given.Drive(given.Begin(), nil)
	if got := given.State().Connection.Seed; got != 7 {
		t.Fatalf("--seed 7 saved as %d", got)
	}
}

// In wrong-client the portal action shows the app's real client ID, which the form
// can then take; the handed-out one is not in it.
func TestPortalActionShowsTheRealClientID(t *testing.T) {
	t.Parallel()
	s := practiceSession(t, "wrong-client")
	h, _ := s.Handout()
	real := live.Tenant(live.PracticeOf(s)).Portal()
	j, err := s.Act("portal.show")
	if err != nil {
		t.Fatal(live.Words(err))
	}
	var text string
	s.Drive(j, func(m live.Msg) {
		if a, ok := m.(*live.Acted); ok {
			text = a.Text
		}
	})
	if !strings.Contains(text, "Application (client) ID "+real.Apps[0].ClientID) || !strings.Contains(text, "Tenant ID "+real.TenantID) || strings.Contains(text, h.ClientID) {
		t.Fatalf("portal text %q (handed out %s)", text, h.ClientID)
	}
}
