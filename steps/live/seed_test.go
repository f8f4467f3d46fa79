package live_test

import (
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
