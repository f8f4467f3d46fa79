package tui

import (
	"testing"

	tea "charm.land/bubbletea/v2"
)

// heaviest screens of the course: the summary table and the longest step.
var benchScreens = []string{"4/summary", "1/step/1C", "3/step/3B", "1/overview"}

// BenchmarkView measures what the renderer asks for every frame, at 200x60.
func BenchmarkView(b *testing.B) {
	for _, key := range benchScreens {
		b.Run(goldenName(key), func(b *testing.B) {
			m := gotoScreen(b, newTest(b, 200, 60), key)
			b.ReportAllocs()
			for b.Loop() {
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
// goes, at 200x60: on the check screen it re-renders the body; elsewhere
// only the frame is composed.
func BenchmarkSpinnerTick(b *testing.B) {
	for _, c := range []struct{ name, check, shown string }{
		{"on-1-check", "1/check", "1/check"},
		{"on-3-check", "3/check", "3/check"},
		{"on-3-step-3B", "1/check", "3/step/3B"},
	} {
		b.Run(c.name, func(b *testing.B) {
			m := liveGolden(b, 200, 60, c.check)
			m = startFakeRun(m, m.sectionIDs(screenOf(m).Section))
			m = gotoScreen(b, m, c.shown)
			b.ReportAllocs()
			for b.Loop() {
				nm, _ := m.Update(m.live.spin.Tick())
				m = nm.(*Model)
			}
		})
	}
}
