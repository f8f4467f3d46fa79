package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/live"
	"github.com/kvbridge/kvbridge/steps/live/livetest"
	"github.com/kvbridge/kvbridge/tui/session"
)

// testLive is a Live on the in-process practice tenant, wired as
// cmd/kvbridge wires it (live.StartLocal) with short retries.
func testLive(given steps.Connection) *session.Live {
	return &session.Live{Initial: given, Wiring: livetest.Wiring()}
}

// newLiveTest is newTest with a Live; it runs the start-up commands (the
// practice tenant starts); the session is closed at the end.
func newLiveTest(t testing.TB, w, h int, l *session.Live, mut ...func(*session.Options)) *Model {
	t.Helper()
	m := newTest(t, w, h, append([]func(*session.Options){func(o *session.Options) { o.Live = l }}, mut...)...)
	m = drain(t, m, m.initCmd)
	t.Cleanup(func() {
		if m.live != nil {
			m.live.s.Close()
		}
	})
	return m
}

// drain runs commands the way the program would, feeding their messages
// back, until none is left. Spinner frames and the watch's countdown are
// skipped (they would tick forever).
func drain(t testing.TB, m *Model, cmd tea.Cmd) *Model {
	t.Helper()
	queue := []tea.Cmd{cmd}
	deadline := time.Now().Add(60 * time.Second)
	for len(queue) > 0 {
		if time.Now().After(deadline) {
			t.Fatal("commands did not settle")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case nil, spinner.TickMsg, tea.QuitMsg, watchSecondMsg:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		default:
			nm, next := m.Update(msg)
			m = nm.(*Model)
			queue = append(queue, next)
		}
	}
	return m
}

// keys presses keys and runs what they start to the end.
func keys(t testing.TB, m *Model, ks ...string) *Model {
	t.Helper()
	for _, k := range ks {
		nm, cmd := m.Update(keyMsg(k))
		m = drain(t, nm.(*Model), cmd)
	}
	return m
}

func typeText(t testing.TB, m *Model, s string) *Model {
	t.Helper()
	for _, r := range s {
		m = keys(t, m, string(r))
	}
	return m
}

func pageIDs(m *Model) []string {
	p, _ := m.live.s.Page()
	return p.IDs
}

// screenItem is the row under the cursor on a live page.
func screenItem(m *Model) string { return m.live.item(m.nav.sel) }

func chooserOpen(m *Model) bool {
	_, ok := m.over.(*chooserPage)
	return ok
}

func TestLiveHealthySection1(t *testing.T) {
	m := newLiveTest(t, 100, 40, testLive(steps.Connection{Kind: steps.ConnPractice}))
	m = gotoScreen(t, m, livetest.CheckScreen(m.com.Mach, 0))
	m = keys(t, m, "r")
	for _, id := range pageIDs(m) {
		if !m.state.Checks[id].Passed() {
			t.Errorf("%s: %+v\n%s", id, m.state.Checks[id], view(m))
		}
	}
	if !strings.Contains(m.status, "passed") {
		t.Errorf("status %q", m.status)
	}
}

// The empty list is diagnosed; the practice action the page lists first
// (Reader) fixes it, and the checks run again by themselves.
func TestLiveNoVaultReadThenReader(t *testing.T) {
	m := newLiveTest(t, 100, 60, testLive(steps.Connection{Kind: steps.ConnPractice, Scenario: "no-vault-read"}))
	m = gotoScreen(t, m, livetest.CheckScreen(m.com.Mach, 1))
	m = keys(t, m, "r")
	if m.state.Checks["arm.vaults"].Status != steps.StatusFail {
		t.Fatalf("arm.vaults %+v\n%s", m.state.Checks["arm.vaults"], view(m))
	}
	m = keys(t, m, "p")
	acts := m.live.s.Actions()
	i := -1
	for j, a := range acts {
		if strings.Contains(a.Title, "Reader") && strings.HasPrefix(a.Title, "Assign") {
			i = j
		}
	}
	if i < 0 {
		t.Fatalf("no Reader action: %+v", acts)
	}
	for range i {
		m = keys(t, m, "down")
	}
	m = keys(t, m, "enter")
	if m.state.Checks["arm.vaults"].Status != steps.StatusPass {
		t.Fatalf("the list did not fill after Reader: %+v\n%s", m.state.Checks["arm.vaults"], view(m))
	}
}

// Section 3: enter on the password only ends the edit (nothing written, no
// check run); Save, its own row, syncs; the checks then pass.
func TestLiveSection3Sync(t *testing.T) {
	m := newLiveTest(t, 100, 60, testLive(steps.Connection{Kind: steps.ConnPractice}))
	m = gotoScreen(t, m, livetest.CheckScreen(m.com.Mach, 2))
	for screenItem(m) != steps.FieldMapUsername {
		m = keys(t, m, "down")
	}
	m = keys(t, m, "space") // map the username to the tag
	for screenItem(m) != steps.FieldPassword {
		m = keys(t, m, "down")
	}
	m = keys(t, m, "enter")
	m = typeText(t, m, "S3cret-pass!")
	before := m.state
	m = keys(t, m, "enter")
	if _, ok := m.live.s.SyncRow(); ok || m.live.edit != "" || len(m.state.Checks) != len(before.Checks) {
		t.Fatalf("enter on the password did more than end the edit")
	}
	m = keys(t, m, "down")
	if screenItem(m) == steps.FieldMappedSecret { // Delinea's mapped secret, left empty: not read
		m = keys(t, m, "down")
	}
	if screenItem(m) != rowSync {
		t.Fatalf("below the password: %q", screenItem(m))
	}
	m = keys(t, m, "enter")
	if r, ok := m.live.s.SyncRow(); !ok || r.Status != steps.StatusPass {
		t.Fatalf("sync: %+v\n%s", r, view(m))
	}
	m = keys(t, m, "r")
	for _, id := range pageIDs(m) {
		// Delinea's checks are not asked while no mapped secret is named.
		notAsked := strings.HasPrefix(id, "delinea.") && m.state.Checks[id].Cause == steps.CauseNotAsked
		if !m.state.Checks[id].Passed() || (m.state.Checks[id].Status == steps.StatusSkip && !notAsked) {
			t.Errorf("%s: %+v", id, m.state.Checks[id])
		}
	}
	if strings.Contains(view(m), "S3cret-pass!") {
		t.Error("the password is on screen")
	}
}

// A different password typed after a Save is what the compare uses.
func TestLiveCompareUsesTypedPassword(t *testing.T) {
	m := newLiveTest(t, 100, 60, testLive(steps.Connection{Kind: steps.ConnPractice}))
	m = gotoScreen(t, m, livetest.CheckScreen(m.com.Mach, 2))
	for screenItem(m) != steps.FieldPassword {
		m = keys(t, m, "down")
	}
	m = keys(t, m, "enter")
	m = typeText(t, m, "first-pass")
	m = keys(t, m, "enter", "down", "enter") // Save
	m = keys(t, m, "up", "enter", "ctrl+u")
	m = typeText(t, m, "other-pass")
	m = keys(t, m, "enter", "r")
	if mk := m.state.Checks["mapping.value"]; mk.Status != steps.StatusFail {
		t.Fatalf("mapping.value with another password typed: %+v", mk)
	}
}

// No connection anywhere asks, the practice tenant first; enter connects
// and starts the tenant; the chooser can switch to the course only.
func TestLiveChooserFirstStart(t *testing.T) {
	m := newLiveTest(t, 80, 24, testLive(steps.Connection{}))
	if !chooserOpen(m) || !strings.Contains(view(m), "Where should the live checks run?") {
		t.Fatalf("no chooser:\n%s", view(m))
	}
	m = keys(t, m, "enter")
	if c := m.state.Connection; c.Kind != steps.ConnPractice || c.Scenario != "healthy" {
		t.Fatalf("connection %+v", c)
	}
	if _, running := m.live.s.Handout(); !running {
		t.Fatal("the practice tenant did not start")
	}
	m = keys(t, m, "c")
	for m.onav.sel < len(chooserEntries())-1 {
		m = keys(t, m, "down")
	}
	m = keys(t, m, "enter")
	if _, running := m.live.s.Handout(); m.state.Connection.Kind != steps.ConnOffline || running {
		t.Fatalf("offline not chosen: %+v", m.state.Connection)
	}
}

// y copies the failed checks' az commands whole; on screen a long scope
// wraps, pasted it must not.
func TestCopyFixCommands(t *testing.T) {
	m := newLiveTest(t, 80, 24, testLive(steps.Connection{Kind: steps.ConnPractice, Scenario: "no-vault-read"}))
	m = gotoScreen(t, m, livetest.CheckScreen(m.com.Mach, 1))
	nm, cmd := m.Update(keyMsg("y"))
	if st := nm.(*Model).status; cmd != nil || !strings.Contains(st, "Nothing to copy") {
		t.Fatalf("y before a run: cmd %v, status %q", cmd != nil, st)
	}
	m = keys(t, m, "r")
	want := m.live.fixCommands()
	if len(want) == 0 {
		t.Fatalf("no fix commands after a failed run:\n%s", view(m))
	}
	if v := view(m); !strings.Contains(v, "y copy fix") {
		t.Errorf("help does not offer y:\n%s", v)
	}
	_, cmd = m.Update(keyMsg("y"))
	if cmd == nil {
		t.Fatal("y gave no command")
	}
	if got := fmt.Sprint(cmd()); got != strings.Join(want, "\n")+"\n" || strings.Contains(got, "\n  ") {
		t.Errorf("clipboard = %q", got)
	}
}

// A spinner frame changes only the spinner's cells: the body is not drawn
// again, and the slot itself never reaches the screen.
func TestSpinnerFramesAnimateWithoutRender(t *testing.T) {
	m := newLiveTest(t, 80, 24, testLive(steps.Connection{Kind: steps.ConnPractice}))
	m = gotoScreen(t, m, livetest.CheckScreen(m.com.Mach, 0))
	nm, run := m.Update(keyMsg("r")) // the run starts; its results are not fed back
	m = nm.(*Model)
	t.Cleanup(func() { m.live.s.Cancel(); _ = run })
	before := view(m)
	body := m.laid()
	nm, _ = m.Update(m.live.spin.Tick())
	m = nm.(*Model)
	after := view(m)
	if before == after {
		t.Error("the spinner did not move")
	}
	if m.laid() != body {
		t.Error("a spinner frame drew the body again")
	}
	if strings.Contains(before+after, spinSlot) {
		t.Error("the spinner's slot reached the screen")
	}
}

// TestFieldCursorAlwaysShown: in a value longer than the field, the cursor
// is drawn wherever it is, and the value is cut only where it must be.
func TestFieldCursorAlwaysShown(t *testing.T) {
	long := strings.Repeat("abcdefghij", 10)
	for _, pos := range []int{0, 1, 5, 18, 19, 20, 50, 99, 100} {
		f := newField()
		f.set(long)
		f.in.SetCursor(pos)
		v := f.view(20, true)
		if !strings.Contains(v, "█") || ansi.StringWidth(v) > 20 {
			t.Errorf("pos %d: %q", pos, v)
		}
		if pos < 18 && !strings.HasPrefix(v, long[:pos]) {
			t.Errorf("pos %d: the start was cut needlessly: %q", pos, v)
		}
	}
	short := newField()
	short.set("short")
	short.in.SetCursor(0)
	if v := short.view(20, true); v != "█short" {
		t.Errorf("short value: %q", v)
	}
}

// TestVaultFieldKeepsTheName: a vault's resource ID too long for the field
// is cut at its start, so the vault's name stays readable.
func TestVaultFieldKeepsTheName(t *testing.T) {
	f := newField()
	f.keepEnd = true
	f.set(gVault)
	if v := f.view(30, false); !strings.HasSuffix(v, "/vaults/kv-prod") || ansi.StringWidth(v) != 30 || !strings.HasPrefix(v, "…") {
		t.Fatalf("%q", v)
	}
}

// The glossary opens with t from any screen, and closes with t or esc; g
// keeps its older meaning, the top of the page.
func TestGlossaryFromEveryScreen(t *testing.T) {
	m := newTest(t, 80, 24)
	terms := steps.Glossary()
	if len(terms) == 0 {
		t.Fatal("no glossary")
	}
	for _, sc := range m.com.Mach.Screens() {
		m = gotoScreen(t, m, sc.Key)
		m = press(t, m, "t")
		if _, ok := m.over.(*glossaryPage); !ok || !strings.Contains(view(m), "Glossary") {
			t.Fatalf("%s: t did not open the glossary:\n%s", sc.Key, view(m))
		}
		m = press(t, m, "esc")
		if m.over != nil {
			t.Fatalf("%s: esc did not close the glossary", sc.Key)
		}
	}
	all := ansi.Strip(strings.Join(press(t, m, "t").laid().lines, "\n"))
	if !strings.Contains(all, terms[0].Word) || !strings.Contains(all, terms[len(terms)-1].Word) {
		t.Error("the glossary lacks its first or last term")
	}
	if _, ok := press(t, press(t, m, "esc"), "g").over.(*glossaryPage); ok {
		t.Error("g opened the glossary; g is the top of the page")
	}
	_ = live.Words
}

const gVault = "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg-delinea/providers/Microsoft.KeyVault/vaults/kv-prod"
