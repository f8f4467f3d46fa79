package tui

import (
	"os"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/tui/session"
)

// Down 16 times in the first-start chooser, then enter: the chooser's
// scrolling is its own; section 1 opens at its top, heading in sight.
func TestChooserScrollStaysInTheChooser(t *testing.T) {
	m := newLiveTest(t, 80, 24, testLive(steps.Connection{}))
	if !chooserOpen(m) {
		t.Fatal("no chooser at first start")
	}
	for range 16 {
		m = keys(t, m, "down")
	}
	m = keys(t, m, "enter")
	if chooserOpen(m) {
		t.Fatal("enter did not choose")
	}
	if m.nav.top != 0 || !strings.Contains(view(m), "Section 1 · ") {
		t.Fatalf("section 1 not at its top (top %d):\n%s", m.nav.top, view(m))
	}
}

// Once the practice tenant has started, the status line no longer says it
// is starting, without a key being pressed.
func TestPracticeStartedStatus(t *testing.T) {
	m := newLiveTest(t, 100, 30, testLive(steps.Connection{}))
	nm, cmd := m.Update(keyMsg("enter")) // the healthy practice tenant
	m = nm.(*Model)
	if !strings.Contains(view(m), "starting") {
		t.Fatalf("no starting message:\n%s", view(m))
	}
	m = drain(t, m, cmd) // the tenant starts; no key is pressed
	if _, running := m.live.s.Handout(); !running {
		t.Fatal("the practice tenant did not start")
	}
	if v := view(m); strings.Contains(v, ": starting.") || !strings.Contains(v, "running") {
		t.Fatalf("status after the start:\n%s", v)
	}
}

// At 60x16 the check page's footer keeps r (run).
func TestNarrowFooterKeepsRun(t *testing.T) {
	m := newLiveTest(t, MinWidth, MinHeight, testLive(steps.Connection{Kind: steps.ConnPractice}))
	m = gotoScreen(t, m, "1/check")
	lines := strings.Split(view(m), "\n")
	if last := lines[len(lines)-1]; !strings.Contains(last, "r run") {
		t.Fatalf("footer at 60x16: %q", last)
	}
}

// The progress bar keeps one width on every screen.
func TestProgressBarWidthSteady(t *testing.T) {
	for _, w := range []int{60, 80, 120} {
		m := finished(t, w, 24)
		m = update(t, m, keyMsg("1"))
		widths := map[int]bool{}
		for _, sc := range m.com.Mach.Screens() {
			m = gotoScreen(t, m, sc.Key)
			bar := strings.Split(view(m), "\n")[2]
			widths[strings.Count(bar, "█")+strings.Count(bar, "░")] = true
		}
		m = newTest(t, w, 24)
		for _, sc := range m.com.Mach.Screens() {
			m = gotoScreen(t, m, sc.Key)
			bar := strings.Split(view(m), "\n")[2]
			widths[strings.Count(bar, "█")+strings.Count(bar, "░")] = true
		}
		if len(widths) != 1 {
			t.Errorf("at %d columns the bar takes widths %v", w, widths)
		}
	}
}

// At 60x16 the summary tables break no word.
func TestSummaryTableKeepsWords(t *testing.T) {
	m := newTest(t, MinWidth, MinHeight)
	words := map[string]bool{}
	for _, sec := range m.com.Mach.Course.Sections {
		for _, r := range sec.Summary {
			for _, w := range strings.Fields(r.Step + " " + r.Action + " " + r.Detail) {
				if ansi.StringWidth(w) <= 15 {
					words[strings.Trim(w, ".,;:()")] = true
				}
			}
		}
	}
	for _, sc := range m.com.Mach.Screens() {
		if sc.Kind != steps.ScreenSummary {
			continue
		}
		m = gotoScreen(t, m, sc.Key)
		all := ansi.Strip(strings.Join(m.laid().lines, "\n"))
		for w := range words {
			if w != "" && !strings.Contains(all, w) {
				t.Errorf("%s: %q is broken across lines", sc.Key, w)
			}
		}
	}
}

// The damaged-progress notice is read whole at 60x16.
func TestDamagedNoticeWhole(t *testing.T) {
	notice := "Saved progress could not be used because it is damaged. It was moved to /home/trainee/.local/state/kvbridge/progress.json.damaged-20260504T090000 and the course starts afresh."
	m := newTest(t, MinWidth, MinHeight, func(o *session.Options) { o.Notice = notice })
	v := strings.Join(strings.Fields(view(m)), "")
	for _, part := range []string{"damaged.", "/home/trainee/.local/state/kvbridge/progress.json.damaged-20260504T090000", "startsafresh."} {
		if !strings.Contains(v, part) {
			t.Errorf("notice cut: lacks %q:\n%s", part, view(m))
		}
	}
}

// The chooser shows each scenario's whole title.
func TestChooserTitlesWhole(t *testing.T) {
	m := newLiveTest(t, 80, 24, testLive(steps.Connection{}))
	all := strings.Join(strings.Fields(ansi.Strip(strings.Join(m.laid().lines, "\n"))), " ")
	for _, e := range chooserEntries() {
		if e.kind == steps.ConnPractice && !strings.Contains(all, e.scenario.Title) {
			t.Errorf("chooser cuts %q:\n%s", e.scenario.Title, all)
		}
	}
}

// Wide characters keep a field within its cells.
func TestFieldWideCharacters(t *testing.T) {
	f := newField()
	f.set(strings.Repeat("密钥", 20))
	_ = f.in.Focus()
	for _, pos := range []int{0, 3, 20, 40} {
		f.in.SetCursor(pos)
		if v := f.view(20, true); ansi.StringWidth(v) > 20 || !strings.Contains(v, "█") {
			t.Errorf("pos %d: %q is %d cells", pos, v, ansi.StringWidth(v))
		}
	}
	if v := f.view(20, false); ansi.StringWidth(v) > 20 {
		t.Errorf("not editing: %q is %d cells", v, ansi.StringWidth(v))
	}
}

// A value the session refuses keeps the edit open with what was typed, and
// says why; esc leaves the field as it was.
func TestRefusedValueKeptInTheEdit(t *testing.T) {
	l := testLive(steps.Connection{Kind: steps.ConnTenant, TenantID: "72f988bf-86f1-41af-91ab-2d7cd011db47", ClientID: "0c5b5d1e-6a2f-4c3e-9d7a-1b2c3d4e5f60"})
	m := newLiveTest(t, 100, 30, l)
	m = gotoScreen(t, m, "1/check")
	for screenItem(m) != steps.FieldClientID {
		m = press(t, m, "down")
	}
	m = keys(t, m, "enter", "ctrl+u")
	m = typeText(t, m, "not-a-guid")
	m = keys(t, m, "enter")
	if m.live.edit != steps.FieldClientID || m.live.buffer().value() != "not-a-guid" || !strings.Contains(view(m), "not a GUID") {
		t.Fatalf("refused value: edit %q, buffer %q\n%s", m.live.edit, m.live.buffer().value(), view(m))
	}
	m = keys(t, m, "esc")
	if m.live.edit != "" || m.live.s.Value(steps.FieldClientID) != "0c5b5d1e-6a2f-4c3e-9d7a-1b2c3d4e5f60" {
		t.Fatalf("esc: edit %q, value %q", m.live.edit, m.live.s.Value(steps.FieldClientID))
	}
}

// e says where it wrote the reminder; a second e asks before replacing the
// file, another key answers no, and only e on the question replaces it.
func TestReminderAsksBeforeReplacing(t *testing.T) {
	t.Chdir(t.TempDir())
	l := testLive(steps.Connection{Kind: steps.ConnTenant, TenantID: "72f988bf-86f1-41af-91ab-2d7cd011db47", ClientID: "0c5b5d1e-6a2f-4c3e-9d7a-1b2c3d4e5f60"})
	m := newLiveTest(t, 100, 30, l)
	m = gotoScreen(t, m, "4/troubleshooting")
	m = keys(t, m, "enter")
	m = typeText(t, m, "2027-01-15")
	m = keys(t, m, "enter", "e")
	if !strings.Contains(m.status, "Reminder written to ") || !strings.Contains(m.status, "kvbridge-client-secret-reminder.ics") {
		t.Fatalf("first e: %q", m.status)
	}
	path := strings.TrimSuffix(strings.TrimPrefix(m.status, "Reminder written to "), " (import it into your calendar).")
	if err := os.WriteFile(path, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	m = keys(t, m, "e")
	if !strings.Contains(m.status, "exists") {
		t.Fatalf("second e: %q", m.status)
	}
	m = keys(t, m, "down", "e") // another key first: no; e asks again
	if b, _ := os.ReadFile(path); string(b) != "mine" || !strings.Contains(m.status, "exists") {
		t.Fatalf("replaced without asking: %q", m.status)
	}
	m = keys(t, m, "e")
	if b, _ := os.ReadFile(path); !strings.Contains(string(b), "BEGIN:VCALENDAR") || !strings.Contains(m.status, "Reminder written") {
		t.Fatalf("e on the question did not replace: %q", m.status)
	}
}

// A row's right-hand note gives way on a narrow screen rather than cut the
// title; a title too long for the line alone is still cut.
func TestRowNoteGivesWayToTitle(t *testing.T) {
	m := tenantWizard(t, 60, 24, "1/check")
	c := m.com
	title := "Save in Delinea (sync the password to the vault)"
	got := ansi.Strip(c.row("  ▶ ", title, "writes a new version", 58))
	if !strings.Contains(got, title) || strings.Contains(got, "writes") {
		t.Errorf("narrow row %q: want the whole title and no note", got)
	}
	got = ansi.Strip(c.row("  ▶ ", title, "writes a new version", 100))
	if !strings.Contains(got, title) || !strings.Contains(got, "writes a new version") {
		t.Errorf("wide row %q: want both", got)
	}
	got = ansi.Strip(c.row("  ▶ ", title+title, "note", 58))
	if ansi.StringWidth(got) > 58 || !strings.Contains(got, "…") {
		t.Errorf("over-long row %q: want it cut to 58 cells", got)
	}
}
