package tui

import (
	"github.com/kvbridge/kvbridge/steps/live/livetest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/tui/session"
)

var t0 = time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)

func TestMain(m *testing.M) {
	time.Local = time.UTC // dates on screen are local time; pin it for the goldens
	os.Exit(m.Run())
}

// clock is a fake time source that advances a minute per call.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { c.t = c.t.Add(time.Minute); return c.t }

func machine(t testing.TB) *steps.Machine {
	t.Helper()
	return livetest.Machine(t)
}

// newTest builds a model on the real course with a store in a temp dir,
// sized w x h (0 x 0: no WindowSizeMsg yet).
func newTest(t testing.TB, w, h int, mut ...func(*session.Options)) *Model {
	t.Helper()
	mach := machine(t)
	opts := session.Options{Machine: mach, Store: steps.Store{Path: filepath.Join(t.TempDir(), "progress.json")}, State: mach.Start(t0)}
	for _, f := range mut {
		f(&opts)
	}
	c := &clock{t: t0}
	m := newModel(opts, c.now)
	if w > 0 || h > 0 {
		m = update(t, m, tea.WindowSizeMsg{Width: w, Height: h})
	}
	return m
}

// update runs one message through Update, then runs the commands it returns
// the way the program would, feeding their messages back (saves, not quit).
func update(t testing.TB, m *Model, msg tea.Msg) *Model {
	t.Helper()
	m, _ = step(t, m, msg)
	return m
}

// step is update that also reports whether the model asked to quit.
func step(t testing.TB, m *Model, msg tea.Msg) (*Model, bool) {
	t.Helper()
	nm, cmd := m.Update(msg)
	m = nm.(*Model)
	quit := false
	for _, c := range flatten(cmd) {
		out := c()
		switch out := out.(type) {
		case tea.QuitMsg, tea.InterruptMsg:
			quit = true
		case savedMsg:
			nm, _ := m.Update(out)
			m = nm.(*Model)
		}
	}
	return m, quit
}

func flatten(cmd tea.Cmd) []tea.Cmd {
	if cmd == nil {
		return nil
	}
	return []tea.Cmd{cmd}
}

// keyMsg turns a key name as the contract spells it into a key press.
func keyMsg(k string) tea.KeyPressMsg {
	switch k {
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "pgup":
		return tea.KeyPressMsg{Code: tea.KeyPgUp}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "home":
		return tea.KeyPressMsg{Code: tea.KeyHome}
	case "end":
		return tea.KeyPressMsg{Code: tea.KeyEnd}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	}
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}

func press(t testing.TB, m *Model, keys ...string) *Model {
	t.Helper()
	for _, k := range keys {
		m = update(t, m, keyMsg(k))
	}
	return m
}

func screenOf(m *Model) steps.Screen {
	s, _ := m.com.Mach.Current(m.state)
	return s
}

// view is the frame as a user reads it: no colour, no escape codes.
func view(m *Model) string { return ansi.Strip(m.View().Content) }

// gotoScreen moves to a screen by key through the machine.
func gotoScreen(t testing.TB, m *Model, key string) *Model {
	t.Helper()
	cmd := m.apply(steps.Event{Type: steps.EvGoto, ID: key})
	if screenOf(m).Key != key {
		t.Fatalf("goto %s: still on %s (%s)", key, screenOf(m).Key, m.status)
	}
	_ = cmd
	return m
}

// checkFrame asserts the frame fills the terminal exactly: h lines, none wider than w.
func checkFrame(t *testing.T, m *Model) {
	t.Helper()
	lines := strings.Split(view(m), "\n")
	if len(lines) != m.com.Height {
		t.Errorf("frame has %d lines, terminal has %d", len(lines), m.com.Height)
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > m.com.Width {
			t.Errorf("line %d is %d wide, terminal is %d: %q", i+1, w, m.com.Width, l)
		}
	}
}

// refresh is what Update does after a message, for tests that change the
// model by hand: the body is drawn again and the selection kept in sight.
func refresh(m *Model) *Model {
	m.memo = nil
	m.follow()
	return m
}
