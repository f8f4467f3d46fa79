package dashboard

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kvbridge/kvbridge/steps/room"
)

func key(k string) tea.KeyPressMsg {
	switch k {
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	}
	return tea.KeyPressMsg{Code: []rune(k)[0], Text: k}
}

// drive runs a command and feeds what it returns back to Update until nothing is left.
func drive(t *testing.T, m Model, cmd tea.Cmd) Model {
	t.Helper()
	for n := 0; cmd != nil; n++ {
		if n > 20 {
			t.Fatal("commands never settle")
		}
		msg := cmd()
		if msg == nil {
			return m
		}
		var next tea.Model
		next, cmd = m.Update(msg)
		m = next.(Model)
	}
	return m
}

func press(t *testing.T, m Model, keys ...string) Model {
	t.Helper()
	for _, k := range keys {
		next, cmd := m.Update(key(k))
		m = drive(t, next.(Model), cmd)
	}
	return m
}

func newRoom(t *testing.T, seats int, plan string) *room.Room {
	t.Helper()
	r, err := room.Start(room.Options{Seats: seats, Plan: plan, Seed: 7, StatePath: filepath.Join(t.TempDir(), "room.json")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func screen(t *testing.T, m Model) string {
	t.Helper()
	out := m.Render()
	for i, l := range strings.Split(out, "\n") {
		if w := ansi.StringWidth(l); w > m.width {
			t.Errorf("line %d is %d wide on a %d-column screen: %q", i+1, w, m.width, l)
		}
	}
	return out
}

func TestDashboardShowsSeatsAndHidesScenarios(t *testing.T) {
	r := newRoom(t, 3, "mystery")
	ctx := context.Background()
	a, err := room.JoinRoom(ctx, r.Join(), "Ada Lovelace", "")
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	pct := 45
	if _, err := a.Report(ctx, room.Progress{Section: "2", Percent: &pct, Quiz: &room.QuizScore{Correct: 3, Answered: 4, Total: 12},
		Checks: []room.CheckResult{{ID: "arm.vaults", Status: "fail", Cause: "target-not-listed"}}}); err != nil {
		t.Fatal(err)
	}
	m := New(room.Local{R: r}, Options{Title: "kvbridge room · join: " + r.Join().String(), NoTick: true, ExportDir: t.TempDir()})
	next, _ := m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m = drive(t, next.(Model), m.Init())
	out := screen(t, m)
	for _, want := range []string{"1 of 3 seats joined", "Ada Lovelace", "45%", "3/12", "failing arm.vaults (target-not-listed)", "•••• hidden", "(free)"} {
		if !strings.Contains(out, want) {
			t.Errorf("screen lacks %q:\n%s", want, out)
		}
	}
	answer := r.Seats()[0].Answer.Scenario
	if strings.Contains(out, answer) {
		t.Fatalf("the screen shows seat 1's scenario %q before it is revealed:\n%s", answer, out)
	}
	m = press(t, m, "r")
	out = screen(t, m)
	if !strings.Contains(out, answer) || !strings.Contains(out, "Seat 1: "+answer) {
		t.Fatalf("after r, seat 1's scenario %q is not shown:\n%s", answer, out)
	}
	if n := strings.Count(out, "•••• hidden"); n != 0 {
		t.Fatalf("free seats show a scenario column: %d hidden marks", n)
	}

	// Break: the menu, then the fault on the seat.
	m = press(t, m, "b")
	if out = screen(t, m); !strings.Contains(out, "close-firewall") {
		t.Fatalf("break menu:\n%s", out)
	}
	idx := -1
	for i, b := range room.Breaks() {
		if b.Name == "close-firewall" {
			idx = i
		}
	}
	for i := 0; i < idx; i++ {
		m = press(t, m, "down")
	}
	m = press(t, m, "enter")
	if out = screen(t, m); !strings.Contains(out, "Close the vault firewall on seat 1.") {
		t.Fatalf("after the break:\n%s", out)
	}
	if got := r.Seats()[0].Breaks; len(got) != 1 || got[0].Action != "close-firewall" {
		t.Fatalf("breaks recorded %+v", got)
	}

	// Export writes the report.
	m = press(t, m, "e")
	files, _ := filepath.Glob(filepath.Join(m.opts.ExportDir, "room-report-*"))
	if len(files) != 2 || !strings.Contains(screen(t, m), "Report written") {
		t.Fatalf("export wrote %v", files)
	}
	data, _ := os.ReadFile(files[1])
	if !strings.Contains(string(data), "Ada Lovelace") {
		t.Fatalf("exported report: %s", data)
	}

	// Reset asks first; any key but y keeps the seat.
	m = press(t, m, "x", "n")
	if !strings.Contains(screen(t, m), "Seat not reset.") || r.Seats()[0].Percent != 45 {
		t.Fatal("reset without y")
	}
	m = press(t, m, "x", "y")
	if r.Seats()[0].Percent != 0 || !strings.Contains(screen(t, m), "fresh tenant") {
		t.Fatalf("reset: %+v", r.Seats()[0])
	}
}

func TestDashboardWideAndUnreachable(t *testing.T) {
	r := newRoom(t, 2, "healthy")
	m := New(room.Local{R: r}, Options{Title: "room", NoTick: true})
	next, _ := m.Update(tea.WindowSizeMsg{Width: 160, Height: 40})
	m = drive(t, next.(Model), m.Init())
	screen(t, m)
	next, _ = m.Update(seatsMsg{err: context.DeadlineExceeded})
	m = next.(Model)
	if out := screen(t, m); !strings.Contains(out, "The room did not answer") || !strings.Contains(out, "(free)") {
		t.Fatalf("unreachable room:\n%s", out)
	}
	_ = time.Second
}
