package live_test

import (
	"testing"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/live"
	"github.com/kvbridge/kvbridge/steps/live/livetest"
)

// BenchmarkRowsAndTally is what a front end reads to draw a check page once:
// its rows (derived from the saved state) and their count.
func BenchmarkRowsAndTally(b *testing.B) {
	s, _ := livetest.Session(b, live.Options{Given: steps.Connection{Kind: steps.ConnPractice}})
	s.Drive(s.Begin(), nil)
	livetest.Goto(b, s, livetest.CheckScreen(s.Machine(), 0))
	livetest.Run(b, s)
	p, _ := s.Page()
	for b.Loop() {
		_ = live.TallyRows(s.Rows(p.IDs)).Words()
		_ = s.Fields(p)
	}
}
