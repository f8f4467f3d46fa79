package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/tui/session"
)

var sizes = []struct{ w, h int }{{80, 24}, {120, 40}}

func goldenName(key string) string { return strings.ReplaceAll(key, "/", "-") }

// TestGoldenScreens renders every screen of the real course, fresh, at 80x24 and 120x40.
func TestGoldenScreens(t *testing.T) {
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			m := newTest(t, sz.w, sz.h)
			for i, sc := range m.com.Mach.Screens() {
				t.Run(fmt.Sprintf("%02d-%s", i+1, goldenName(sc.Key)), func(t *testing.T) {
					mm := gotoScreen(t, m, sc.Key)
					checkFrame(t, mm)
					golden.RequireEqual(t, view(mm))
				})
			}
		})
	}
}

// TestGoldenStates renders the states a screen can be in: ticks, every
// quiz feedback, the finished course, help, the start-over question,
// errors and a terminal too small.
func TestGoldenStates(t *testing.T) {
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			for _, c := range stateCases() {
				t.Run(c.name, func(t *testing.T) {
					m := c.build(t, sz.w, sz.h)
					if !m.tooSmall() {
						checkFrame(t, m)
					}
					golden.RequireEqual(t, view(m))
				})
			}
		})
	}
}

type stateCase struct {
	name  string
	build func(t *testing.T, w, h int) *Model
}

func firstQuiz(m *Model, section int) steps.Screen {
	for _, sc := range m.com.Mach.Screens() {
		if sc.Kind == steps.ScreenQuiz && sc.Section == section {
			return sc
		}
	}
	panic("no quiz")
}

func rightWrong(t *testing.T, m *Model) (right, wrong int) {
	q, _ := m.com.Mach.Bank.Get(screenOf(m).QuestionID)
	right = q.Right()
	wrong = (right + 1) % len(q.Options)
	return
}

// choose moves the cursor to option i and answers.
func chooseOption(t *testing.T, m *Model, i int) *Model {
	m = press(t, m, "home")
	for m.nav.sel > 0 {
		m = press(t, m, "up")
	}
	for range i {
		m = press(t, m, "down")
	}
	return press(t, m, "enter")
}

func stateCases() []stateCase {
	return []stateCase{
		{"step-ticked", func(t *testing.T, w, h int) *Model {
			m := gotoScreen(t, newTest(t, w, h), "1/step/1B")
			return press(t, m, "space", "space")
		}},
		{"quiz-wrong", func(t *testing.T, w, h int) *Model {
			m := newTest(t, w, h)
			m = gotoScreen(t, m, firstQuiz(m, 0).Key)
			_, wrong := rightWrong(t, m)
			return chooseOption(t, m, wrong)
		}},
		{"quiz-right-first-try", func(t *testing.T, w, h int) *Model {
			m := newTest(t, w, h)
			m = gotoScreen(t, m, firstQuiz(m, 0).Key)
			right, _ := rightWrong(t, m)
			return chooseOption(t, m, right)
		}},
		{"quiz-right-after-retry", func(t *testing.T, w, h int) *Model {
			m := newTest(t, w, h)
			m = gotoScreen(t, m, firstQuiz(m, 1).Key)
			right, wrong := rightWrong(t, m)
			return chooseOption(t, chooseOption(t, m, wrong), right)
		}},
		{"quiz-solved-explore", func(t *testing.T, w, h int) *Model {
			m := newTest(t, w, h)
			m = gotoScreen(t, m, firstQuiz(m, 2).Key)
			right, wrong := rightWrong(t, m)
			return chooseOption(t, chooseOption(t, m, right), wrong)
		}},
		{"quiz-solved-resumed", func(t *testing.T, w, h int) *Model {
			m := newTest(t, w, h)
			q := firstQuiz(m, 2)
			m = gotoScreen(t, m, q.Key)
			right, _ := rightWrong(t, m)
			m = chooseOption(t, m, right)
			// A new session on the saved state: no feedback of this session left.
			return newTest(t, w, h, func(o *session.Options) { o.State = m.state })
		}},
		{"complete-missing", func(t *testing.T, w, h int) *Model {
			m := newTest(t, w, h)
			m = gotoScreen(t, m, "1/step/1A")
			m = press(t, m, "space", "space", "space")
			return gotoScreen(t, m, "4/complete")
		}},
		{"complete-done", func(t *testing.T, w, h int) *Model {
			return gotoScreen(t, finished(t, w, h), "4/complete")
		}},
		{"overview-section-done", func(t *testing.T, w, h int) *Model {
			return gotoScreen(t, finished(t, w, h), "2/overview")
		}},
		{"help-full", func(t *testing.T, w, h int) *Model {
			m := gotoScreen(t, newTest(t, w, h), "1/step/1C")
			return press(t, m, "?")
		}},
		{"confirm-reset", func(t *testing.T, w, h int) *Model {
			return newTest(t, w, h, func(o *session.Options) { o.ConfirmReset = true })
		}},
		{"notice", func(t *testing.T, w, h int) *Model {
			return newTest(t, w, h, func(o *session.Options) {
				o.Notice = "Saved progress could not be used because it is damaged. It was moved to /tmp/progress.json.bad and the course starts afresh."
			})
		}},
		{"save-error", func(t *testing.T, w, h int) *Model {
			m := newTest(t, w, h, func(o *session.Options) { o.Store.Path = "/proc/kvbridge-cannot-write/progress.json" })
			return press(t, m, "right")
		}},
		{"scrolled", func(t *testing.T, w, h int) *Model {
			m := gotoScreen(t, newTest(t, w, h), "4/summary")
			return press(t, m, "pgdown")
		}},
		{"too-small", func(t *testing.T, w, h int) *Model {
			return newTest(t, w/2+10, h/2)
		}},
		{"narrow-overview-3", func(t *testing.T, w, h int) *Model {
			return gotoScreen(t, newTest(t, MinWidth, h), "3/overview")
		}},
	}
}

// finished walks the whole course through the machine: every task, every
// question (right), every acknowledgement.
func finished(t *testing.T, w, h int) *Model {
	m := newTest(t, w, h)
	for _, sc := range m.com.Mach.Screens() {
		m = gotoScreen(t, m, sc.Key)
		switch sc.Kind {
		case steps.ScreenStep, steps.ScreenAcks:
			for i := range len(m.laid().items) {
				m.nav.sel = i
				m = press(t, m, "space")
			}
		case steps.ScreenQuiz:
			right, _ := rightWrong(t, m)
			m = chooseOption(t, m, right)
		}
	}
	return m
}
