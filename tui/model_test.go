package tui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image/color"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/tui/session"
)

func savedState(t *testing.T, m *Model) steps.State {
	t.Helper()
	data, err := os.ReadFile(m.sv.store.Path)
	if err != nil {
		t.Fatalf("reading saved progress: %v", err)
	}
	var s steps.State
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestNextAndPrevWalkEveryScreen(t *testing.T) {
	m := newTest(t, 80, 24)
	screens := m.com.Mach.Screens()
	nextKeys := []string{"right", "l", "tab"}
	for i := 1; i < len(screens); i++ {
		m = press(t, m, nextKeys[i%3])
		if got := screenOf(m).Key; got != screens[i].Key {
			t.Fatalf("after %d next: on %s, want %s", i, got, screens[i].Key)
		}
		checkFrame(t, m)
	}
	m = press(t, m, "right")
	if !strings.Contains(view(m), "This is the last screen") {
		t.Errorf("next on the last screen should say so:\n%s", view(m))
	}
	prevKeys := []string{"left", "h", "shift+tab"}
	for i := len(screens) - 2; i >= 0; i-- {
		m = press(t, m, prevKeys[i%3])
		if got := screenOf(m).Key; got != screens[i].Key {
			t.Fatalf("after prev: on %s, want %s", got, screens[i].Key)
		}
	}
	if got := savedState(t, m).Screen; got != screens[0].Key {
		t.Errorf("saved screen %s, want %s (resume where the user left)", got, screens[0].Key)
	}
}

func TestJumpKeys(t *testing.T) {
	m := newTest(t, 80, 24)
	for k, want := range map[string]string{"3": "3/overview", "4": "4/summary", "2": "2/overview", "1": "1/overview"} {
		m = press(t, m, k)
		if got := screenOf(m).Key; got != want {
			t.Errorf("key %s: on %s, want %s", k, got, want)
		}
		if !strings.Contains(view(m), fmt.Sprintf("[%s ", k)) {
			t.Errorf("key %s: tab %s not marked current:\n%s", k, k, view(m))
		}
	}
}

func TestTickTasks(t *testing.T) {
	m := gotoScreen(t, newTest(t, 80, 24), "1/step/1A")
	m = press(t, m, "space") // ticks 1A.1, cursor moves to 1A.2
	if !m.state.Tasks["1A.1"] || m.nav.sel != 1 {
		t.Fatalf("space: tasks %v cursor %d", m.state.Tasks, m.nav.sel)
	}
	m = press(t, m, "enter") // ticks 1A.2
	m = press(t, m, "k", "up", "space")
	if m.state.Tasks["1A.1"] || !m.state.Tasks["1A.2"] {
		t.Fatalf("untick 1A.1: tasks %v", m.state.Tasks)
	}
	v := view(m)
	if !strings.Contains(v, "› [ ] 1A.1") || !strings.Contains(v, "[x] 1A.2") || !strings.Contains(v, "1 of 3 ticked") {
		t.Errorf("checklist view:\n%s", v)
	}
	if s := savedState(t, m); !s.Tasks["1A.2"] || s.Tasks["1A.1"] {
		t.Errorf("saved tasks %v", s.Tasks)
	}
	m = press(t, m, "j", "down", "down", "down") // the cursor stops at the last task
	if m.nav.sel != 2 {
		t.Errorf("cursor %d, want 2", m.nav.sel)
	}
}

func TestQuizWrongThenRight(t *testing.T) {
	m := newTest(t, 80, 24)
	q := firstQuiz(m, 0)
	m = gotoScreen(t, m, q.Key)
	right, wrong := rightWrong(t, m)
	m = chooseOption(t, m, wrong)
	v := view(m)
	if !strings.Contains(v, "✗ Not quite") || !strings.Contains(v, "Try another option") || !strings.Contains(v, "(✗)") {
		t.Errorf("wrong answer view:\n%s", v)
	}
	if rec := m.state.Quiz[q.QuestionID]; rec.Solved || rec.Attempts != 1 || rec.First != wrong {
		t.Errorf("after a wrong answer: %+v", rec)
	}
	m = chooseOption(t, m, right)
	v = view(m)
	if !strings.Contains(v, "✓ Correct, on try 2") || !strings.Contains(v, "(✓)") {
		t.Errorf("right answer view:\n%s", v)
	}
	rec := m.state.Quiz[q.QuestionID]
	if !rec.Solved || rec.Attempts != 2 || rec.First != wrong {
		t.Errorf("after the right answer: %+v", rec)
	}
	// Reading another explanation after solving changes nothing.
	m = chooseOption(t, m, wrong)
	if m.state.Quiz[q.QuestionID] != rec {
		t.Errorf("answering a solved question changed %+v", m.state.Quiz[q.QuestionID])
	}
	if !strings.Contains(view(m), "your score does not change") {
		t.Errorf("explore view:\n%s", view(m))
	}
	if s := savedState(t, m); s.Quiz[q.QuestionID] != rec {
		t.Errorf("saved %+v, want %+v", s.Quiz[q.QuestionID], rec)
	}
	if !strings.Contains(view(m), "question 1 of") {
		t.Errorf("no question position:\n%s", view(m))
	}
}

func TestAcks(t *testing.T) {
	m := gotoScreen(t, newTest(t, 80, 24), "4/acks")
	m = press(t, m, "space", "space", "space")
	for _, a := range m.com.Mach.Course.Sections[3].Acks {
		if !m.state.Acks[a.ID] {
			t.Errorf("ack %s not ticked", a.ID)
		}
	}
	if !strings.Contains(view(m), "✓ all ticked") {
		t.Errorf("acks view:\n%s", view(m))
	}
}

// TestWholeCourseByKeys completes the course with keystrokes only and
// checks the completion screen, 100% and the saved state.
func TestWholeCourseByKeys(t *testing.T) {
	m := newTest(t, 80, 24)
	first := true
	for guard := 0; guard < 500; guard++ {
		sc := screenOf(m)
		switch sc.Kind {
		case steps.ScreenStep, steps.ScreenAcks:
			for range len(m.laid().items) {
				m = press(t, m, "space")
			}
		case steps.ScreenQuiz:
			right, wrong := rightWrong(t, m)
			if first {
				m = chooseOption(t, m, wrong)
				first = false
			}
			m = chooseOption(t, m, right)
		}
		if sc.Kind == steps.ScreenComplete {
			break
		}
		m = press(t, m, "right")
	}
	v := view(m)
	for _, want := range []string{"Training complete", "100%", "Quiz score, first try:", "Time taken:", "4 Review ✓"} {
		if !strings.Contains(v, want) {
			t.Errorf("completion view lacks %q:\n%s", want, v)
		}
	}
	if m.state.FinishedAt == nil || savedState(t, m).FinishedAt == nil {
		t.Error("course not finished in the (saved) state")
	}
}

func TestQuitKeys(t *testing.T) {
	for _, k := range []string{"q", "ctrl+c"} {
		m := newTest(t, 80, 24)
		if _, quit := step(t, m, keyMsg(k)); !quit {
			t.Errorf("%s does not quit", k)
		}
	}
	// ctrl+c quits even while the start-over question is asked; q too, without resetting.
	for _, k := range []string{"q", "ctrl+c"} {
		m := newTest(t, 80, 24, func(o *session.Options) { o.ConfirmReset = true })
		if _, quit := step(t, m, keyMsg(k)); !quit {
			t.Errorf("%s does not quit from the question", k)
		}
	}
}

func TestConfirmReset(t *testing.T) {
	progressed := func(o *session.Options) {
		o.ConfirmReset = true
		o.State.Tasks = map[string]bool{"1A.1": true}
		o.State.Screen = "2/overview"
	}
	t.Run("yes", func(t *testing.T) {
		m := newTest(t, 80, 24, progressed)
		if err := m.sv.store.Save(m.state); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(view(m), "Start over? y/N") {
			t.Fatalf("no question:\n%s", view(m))
		}
		m = press(t, m, "y")
		if len(m.state.Tasks) != 0 || screenOf(m).Key != "1/overview" || asking(m) {
			t.Errorf("after yes: %+v", m.state)
		}
		if s := savedState(t, m); len(s.Tasks) != 0 {
			t.Errorf("saved after reset: %+v", s)
		}
	})
	for _, k := range []string{"n", "enter", "N"} {
		t.Run("no-"+k, func(t *testing.T) {
			m := newTest(t, 80, 24, progressed)
			m = press(t, m, k)
			if !m.state.Tasks["1A.1"] || screenOf(m).Key != "2/overview" || asking(m) {
				t.Errorf("after %s: %+v", k, m.state)
			}
			if !strings.Contains(view(m), "Resuming") {
				t.Errorf("view:\n%s", view(m))
			}
		})
	}
	t.Run("other keys wait", func(t *testing.T) {
		m := newTest(t, 80, 24, progressed)
		m = press(t, m, "right", "1", "space")
		if !asking(m) || screenOf(m).Key != "2/overview" {
			t.Errorf("keys acted behind the question: %s", screenOf(m).Key)
		}
	})
}

func TestResizeAndTooSmall(t *testing.T) {
	m := gotoScreen(t, newTest(t, 80, 24), "1/step/1B")
	for _, sz := range [][2]int{{120, 40}, {60, 16}, {200, 60}, {80, 24}} {
		m = update(t, m, tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		checkFrame(t, m)
	}
	m = update(t, m, tea.WindowSizeMsg{Width: 59, Height: 30})
	if v := view(m); !strings.Contains(v, "need at least 60x16, have 59x30") {
		t.Errorf("too narrow:\n%s", v)
	}
	m = update(t, m, tea.WindowSizeMsg{Width: 100, Height: 15})
	if v := view(m); !strings.Contains(v, "have 100x15") {
		t.Errorf("too short:\n%s", v)
	}
	for _, sz := range [][2]int{{1, 1}, {10, 3}, {30, 5}} {
		m = update(t, m, tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		checkFrame(t, m)
	}
	m = update(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	if v := view(m); !strings.Contains(v, "1B · Create a client secret") {
		t.Errorf("not restored after growing:\n%s", v)
	}
}

func TestBeforeFirstWindowSize(t *testing.T) {
	m := newTest(t, 0, 0)
	if v := m.View(); v.Content != "" || !v.AltScreen {
		t.Errorf("0x0 view: %+v", v)
	}
	m = press(t, m, "right", "space", "?")
	if screenOf(m).Key != "1/step/1A" {
		t.Errorf("keys before the first size: on %s", screenOf(m).Key)
	}
	m = update(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	checkFrame(t, m)
}

func TestUpDownScrollWithoutItems(t *testing.T) {
	m := newTest(t, 80, 24) // the overview is taller than 17 rows
	if len(m.laid().items) != 0 {
		t.Fatal("overview has selectable items")
	}
	m = press(t, m, "down", "j")
	if m.nav.top != 2 {
		t.Errorf("down twice: offset %d", m.nav.top)
	}
	m = press(t, m, "end")
	if m.nav.top+m.bodyHeight() != len(m.laid().lines) || !strings.Contains(view(m), "more above") {
		t.Errorf("end: %s", view(m))
	}
	m = press(t, m, "home", "pgdown", "pgup")
	if m.nav.top != 0 {
		t.Errorf("home pgdown pgup: offset %d", m.nav.top)
	}
}

func TestCursorStaysVisible(t *testing.T) {
	m := gotoScreen(t, newTest(t, 80, 24), "1/step/1C")
	for range 3 {
		m = press(t, m, "down")
	}
	if !strings.Contains(view(m), "› [ ] 1C.4") {
		t.Errorf("cursor scrolled out of sight:\n%s", view(m))
	}
}

func TestHelpToggle(t *testing.T) {
	m := gotoScreen(t, newTest(t, 80, 24), "1/step/1A")
	if v := view(m); !strings.Contains(v, "space tick") || strings.Contains(v, "ctrl+c") {
		t.Errorf("short help:\n%s", v)
	}
	m = press(t, m, "?")
	if v := view(m); !strings.Contains(v, "ctrl+c") || !strings.Contains(v, "All keys") {
		t.Errorf("full help:\n%s", v)
	}
	checkFrame(t, m)
	// Every key is listed, at 80 columns and at 60, none cut off.
	for _, w := range []int{80, 60} {
		m = update(t, m, tea.WindowSizeMsg{Width: w, Height: 24})
		all := ansi.Strip(strings.Join(m.laid().lines, "\n"))
		for _, g := range m.keys.allKeys() {
			for _, kb := range g.keys {
				h := kb.Help()
				if !strings.Contains(all, h.Key+" ") || !strings.Contains(all, h.Desc) {
					t.Errorf("at %d columns the key list lacks %q %q:\n%s", w, h.Key, h.Desc, all)
				}
			}
		}
		for _, want := range []string{"esc", "pgup", "pgdn", "home", "end", "e "} {
			if !strings.Contains(all, want) {
				t.Errorf("at %d columns the key list lacks %q", w, want)
			}
		}
	}
	m = update(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	m = press(t, m, "?")
	if strings.Contains(view(m), "ctrl+c") {
		t.Error("? does not close the full help")
	}
	// The overview has nothing to tick: its help does not offer space.
	m = press(t, m, "1")
	if strings.Contains(view(m), "space") {
		t.Errorf("overview help offers space:\n%s", view(m))
	}
}

func TestNoticeShownOnce(t *testing.T) {
	m := newTest(t, 80, 24, func(o *session.Options) { o.Notice = "progress file was damaged" })
	if !strings.Contains(view(m), "progress file was damaged") {
		t.Fatalf("notice missing:\n%s", view(m))
	}
	m = press(t, m, "down")
	if strings.Contains(view(m), "progress file was damaged") {
		t.Error("notice still shown after a key")
	}
}

func TestSaveErrorInStatusLine(t *testing.T) {
	m := newTest(t, 80, 24, func(o *session.Options) { o.Store.Path = "/proc/kvbridge-cannot-write/progress.json" })
	m = press(t, m, "right")
	if v := view(m); !strings.Contains(v, "Progress NOT saved") {
		t.Errorf("no save error:\n%s", v)
	}
	if screenOf(m).Key != "1/step/1A" {
		t.Error("a save error stopped the wizard")
	}
}

func TestSaverDropsOlderSnapshots(t *testing.T) {
	dir := t.TempDir()
	sv := &saver{store: steps.Store{Path: filepath.Join(dir, "p.json")}}
	newer := steps.State{Version: 1, Screen: "newer"}
	older := steps.State{Version: 1, Screen: "older"}
	if err := sv.save(2, newer); err != nil {
		t.Fatal(err)
	}
	if err := sv.save(1, older); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(sv.store.Path)
	if !strings.Contains(string(data), `"newer"`) {
		t.Errorf("an older snapshot overwrote a newer one: %s", data)
	}
}

func TestCompleteScreenGoesToWhatIsMissing(t *testing.T) {
	m := newTest(t, 80, 24)
	m = gotoScreen(t, m, "1/step/1A")
	m = press(t, m, "space", "space", "space")
	m = gotoScreen(t, m, "4/complete")
	if v := view(m); !strings.Contains(v, "Not finished yet") || !strings.Contains(v, "1B.1") {
		t.Fatalf("complete view:\n%s", v)
	}
	m = press(t, m, "enter")
	if got := screenOf(m).Key; got != "1/step/1B" {
		t.Errorf("enter on the first missing line went to %s", got)
	}
	m = gotoScreen(t, m, "4/complete")
	m = press(t, m, "down", "enter")
	if got := screenOf(m); got.Kind != steps.ScreenQuiz || got.Section != 0 {
		t.Errorf("second missing line went to %s", got.Key)
	}
}

func TestBackgroundColour(t *testing.T) {
	m := newTest(t, 80, 24)
	if !m.com.Styles.isDark {
		t.Error("default palette should be dark")
	}
	m = update(t, m, tea.BackgroundColorMsg{Color: color.White})
	if m.com.Styles.isDark {
		t.Error("a white background should switch to the light palette")
	}
	checkFrame(t, m)
}

func TestNoColourInTheTextItself(t *testing.T) {
	// Every state has words or symbols; the stripped frame of a ticked task,
	// a wrong answer and the current tab carry them.
	m := gotoScreen(t, newTest(t, 80, 24), "1/step/1A")
	m = press(t, m, "space", "up") // ticking moves on; a long callout can scroll the ticked task away
	if v := view(m); !strings.Contains(v, "[x] 1A.1") || !strings.Contains(v, "[1 Identity]") {
		t.Errorf("state not readable without colour:\n%s", v)
	}
}

// TestRunInterrupted: a signal ends the wizard through the context; that is
// an interruption (ErrAborted, exit 2 as in the plain mode) with progress
// saved, not "program was killed".
func TestRunInterrupted(t *testing.T) {
	mach := machine(t)
	store := steps.Store{Path: filepath.Join(t.TempDir(), "progress.json")}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	pr, pw := io.Pipe()
	defer pw.Close()
	_, err := Run(ctx, session.Options{Machine: mach, Store: store, State: mach.Start(t0), In: pr, Out: io.Discard})
	if !errors.Is(err, session.ErrAborted) {
		t.Fatalf("err = %v, want ErrAborted", err)
	}
	if _, err := os.Stat(store.Path); err != nil {
		t.Fatalf("progress not saved: %v", err)
	}
}

func TestOverviewCountsLiveChecks(t *testing.T) {
	m := newTest(t, 120, 40)
	if v := view(m); !strings.Contains(v, "offline: not checked") {
		t.Fatalf("offline overview:\n%s", v)
	}
	m.apply(steps.Event{Type: steps.EvConnect, Connection: &steps.Connection{Kind: steps.ConnPractice, Scenario: "healthy"}})
	ids := m.com.Mach.Course.Sections[0].Check.IDs
	for _, id := range ids[:2] {
		m.apply(steps.Event{Type: steps.EvCheckResult, ID: id, Status: steps.StatusPass})
	}
	want := fmt.Sprintf("2/%d passed", len(ids))
	if v := view(m); !strings.Contains(v, want) || strings.Contains(v, "offline") {
		t.Fatalf("live overview lacks %q:\n%s", want, v)
	}
}

func asking(m *Model) bool {
	_, ok := m.over.(*confirmPage)
	return ok
}
