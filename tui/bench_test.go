package tui

import (
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/live/livetest"
)

// heaviest screens of the course: the summary table and the longest step.
var benchScreens = []string{"4/summary", "1/step/1C", "3/step/3B", "1/overview"}

// BenchmarkView measures what the renderer asks for every frame at 200x60:
// the frame composed from the state, the body kept from the last change.
func BenchmarkView(b *testing.B) {
	for _, key := range benchScreens {
		b.Run(goldenName(key), func(b *testing.B) {
			m := gotoScreen(b, newTest(b, 200, 60), key)
			_ = m.View()
			b.ReportAllocs()
			for b.Loop() {
				_ = m.View()
			}
		})
	}
}

// BenchmarkViewRedraw measures View right after a change: the body is
// drawn again from the state.
func BenchmarkViewRedraw(b *testing.B) {
	for _, key := range benchScreens {
		b.Run(goldenName(key), func(b *testing.B) {
			m := gotoScreen(b, newTest(b, 200, 60), key)
			b.ReportAllocs()
			for b.Loop() {
				m.memo = nil // as after any message that changes what is drawn
				_ = m.View()
			}
		})
	}
}

// BenchmarkUpdate measures a key press that re-renders the body and the
// frame (cursor move on a step, scroll on the summary), at 200x60.
func BenchmarkUpdate(b *testing.B) {
	for _, key := range benchScreens {
		b.Run(goldenName(key), func(b *testing.B) {
			m := gotoScreen(b, newTest(b, 200, 60), key)
			down, up := keyMsg("down"), keyMsg("up")
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				msg := down
				if i%2 == 1 {
					msg = up
				}
				i++
				nm, _ := m.Update(msg)
				m = nm.(*Model)
				_ = m.View() // what the renderer asks for after each key
			}
		})
	}
}

// BenchmarkResize measures a full re-layout.
func BenchmarkResize(b *testing.B) {
	m := gotoScreen(b, newTest(b, 200, 60), "4/summary")
	sizes := []tea.WindowSizeMsg{{Width: 200, Height: 60}, {Width: 120, Height: 40}}
	i := 0
	for b.Loop() {
		nm, _ := m.Update(sizes[i%2])
		m = nm.(*Model)
		i++
	}
}

// BenchmarkSpinnerTick measures a spinner frame (10 a second) while a run
// goes, at 200x60: only the spinner's cell changes, the body is kept.
func BenchmarkSpinnerTick(b *testing.B) {
	for _, c := range []struct {
		name    string
		section int
		shown   string
	}{
		{"on-1-check", 0, ""},
		{"on-3-check", 2, ""},
		{"on-3-step-3B", 0, "3/step/3B"},
	} {
		b.Run(c.name, func(b *testing.B) {
			m := newLiveTest(b, 200, 60, testLive(steps.Connection{Kind: steps.ConnPractice}))
			m = gotoScreen(b, m, livetest.CheckScreen(m.com.Mach, c.section))
			nm, _ := m.Update(keyMsg("r")) // the run starts; its results are not fed back
			m = nm.(*Model)
			b.Cleanup(m.live.s.Cancel)
			if c.shown != "" {
				m = gotoScreen(b, m, c.shown)
			}
			b.ReportAllocs()
			for b.Loop() {
				nm, _ := m.Update(m.live.spin.Tick())
				m = nm.(*Model)
				_ = m.View()
			}
		})
	}
}
