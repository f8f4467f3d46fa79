package roomseat

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/azure"
	"github.com/kvbridge/kvbridge/steps/live"
	"github.com/kvbridge/kvbridge/steps/live/livetest"
	"github.com/kvbridge/kvbridge/steps/room"
	"github.com/kvbridge/kvbridge/tui/dashboard"
)

// trainer is the dashboard, driven by Update as the Bubble Tea runtime would.
type trainer struct {
	t *testing.T
	m dashboard.Model
}

func (d *trainer) do(msg tea.Msg) {
	d.t.Helper()
	next, cmd := d.m.Update(msg)
	d.m = next.(dashboard.Model)
	for n := 0; cmd != nil && n < 20; n++ {
		out := cmd()
		if out == nil {
			return
		}
		next, cmd = d.m.Update(out)
		d.m = next.(dashboard.Model)
	}
}

func (d *trainer) refresh() string {
	d.t.Helper()
	d.do(d.m.Init()()) // the refresh the dashboard's tick asks for
	return d.m.Render()
}

func (d *trainer) key(k string) {
	d.t.Helper()
	switch k {
	case "down":
		d.do(tea.KeyPressMsg{Code: tea.KeyDown})
	case "enter":
		d.do(tea.KeyPressMsg{Code: tea.KeyEnter})
	default:
		d.do(tea.KeyPressMsg{Code: []rune(k)[0], Text: k})
	}
}

// The trainee's live session in a seat completes the course while the trainer's
// dashboard follows it; then the trainer closes the seat's firewall from the dashboard
// and the seat's next check fails with the cause the fault promises.
func TestSeatCompletesCourseWhileTrainerWatches(t *testing.T) {
	r, err := room.Start(room.Options{Seats: 2, Plan: "healthy", Seed: 1, StatePath: filepath.Join(t.TempDir(), "room.json")})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	d := &trainer{t: t, m: dashboard.New(room.Local{R: r}, dashboard.Options{Title: "room", NoTick: true})}
	d.do(tea.WindowSizeMsg{Width: 120, Height: 30})
	if out := d.refresh(); !strings.Contains(out, "0 of 2 seats joined") {
		t.Fatalf("empty room:\n%s", out)
	}

	seat, err := room.JoinRoom(context.Background(), r.Join(), "Trainee One", "")
	if err != nil {
		t.Fatal(err)
	}
	m := livetest.Machine(t)
	rep := NewReporter(seat, m)
	defer rep.Close()
	s, _ := livetest.Session(t, live.Options{
		Machine: m,
		Given:   steps.Connection{Kind: steps.ConnPractice, Scenario: Scenario},
		Wiring: live.Wiring{
			StartPractice: func(sc string, seed int64) (live.Practice, error) {
				if sc == Scenario {
					return Practice(seat), nil
				}
				return live.StartLocal(sc, seed)
			},
			Configure: func(c *azure.Config) { c.Retry.MaxRetries = 0 },
		},
		Observe: rep.Observe,
	})
	s.Drive(s.Begin(), nil)
	if h, ok := s.Handout(); !ok || h.ClientID != seat.Info.Practice.ClientID {
		t.Fatalf("the session's practice tenant is not the seat's: %+v", h)
	}

	lastPct, lastSection := -1, 0
	for guard := 0; guard < 200; guard++ {
		st := s.State()
		sc, _ := m.Current(st)
		sec := m.Course.Sections[sc.Section]
		switch sc.Kind {
		case steps.ScreenStep:
			for _, task := range sec.Steps[sc.Step].Tasks {
				if !st.Tasks[task.ID] {
					apply(t, s, steps.Event{Type: steps.EvToggleTask, ID: task.ID})
				}
			}
		case steps.ScreenQuiz:
			q, _ := m.Bank.Get(sc.QuestionID)
			if !st.Quiz[q.ID].Solved {
				apply(t, s, steps.Event{Type: steps.EvAnswer, ID: q.ID, Choice: q.Right()})
			}
		case steps.ScreenCheck:
			rows := livetest.Run(t, s)
			if tl := live.TallyRows(rows); tl.Failed > 0 {
				for _, row := range rows {
					t.Logf("%s %s %s", row.Status, row.ID, row.Cause)
				}
				t.Fatalf("section %s's checks failed in the seat: %s", sec.ID, tl.Words())
			}
		case steps.ScreenAcks:
			for _, a := range sec.Acks {
				if !st.Acks[a.ID] {
					apply(t, s, steps.Event{Type: steps.EvToggleAck, ID: a.ID})
				}
			}
		}
		if sc.Kind == steps.ScreenComplete {
			break
		}
		if sc.Section != lastSection || sc.Ordinal == sc.OfSection {
			// At each section's end the trainer's screen shows the seat further on.
			if err := rep.Flush(); err != nil {
				t.Fatal(err)
			}
			d.refresh()
			v := r.Seats()[seat.Info.Seat-1]
			if v.Percent < lastPct || v.Name != "Trainee One" {
				t.Fatalf("dashboard row went back: %+v", v)
			}
			lastPct, lastSection = v.Percent, sc.Section
		}
		apply(t, s, steps.Event{Type: steps.EvNext})
	}
	if p := m.Progress(s.State()); !p.Complete() {
		t.Fatalf("the course is not complete: %d of %d (missing %v)", p.Done, p.Total, m.Missing(s.State()))
	}
	if err := rep.Flush(); err != nil {
		t.Fatal(err)
	}
	out := d.refresh()
	if !strings.Contains(out, "Trainee One") || !strings.Contains(out, "100%") || !strings.Contains(out, "✓ finished") {
		t.Fatalf("the dashboard does not show the finished seat:\n%s", out)
	}
	if rp := r.Report().Seats[seat.Info.Seat-1]; rp.Quiz.Correct != rp.Quiz.Total || rp.Quiz.Total == 0 || rp.Checks.Runs == 0 {
		t.Fatalf("report of the seat: %+v", rp)
	}

	// The trainer breaks it: b, down to close-firewall, enter.
	d.key("b")
	for _, b := range room.Breaks() {
		if b.Name == "close-firewall" {
			break
		}
		d.key("down")
	}
	d.key("enter")
	if out := d.m.Render(); !strings.Contains(out, "Close the vault firewall on seat 1.") {
		t.Fatalf("after the break:\n%s", out)
	}
	var brk room.Break
	for _, b := range room.Breaks() {
		if b.Name == "close-firewall" {
			brk = b
		}
	}
	// The trainee checks again where that check lives.
	found := false
	for sec := range m.Course.Sections {
		livetest.Goto(t, s, livetest.CheckScreen(m, sec))
		p, _ := s.Page()
		if !containsID(p.IDs, brk.Check) {
			continue
		}
		var got *live.Row
		for _, row := range livetest.Run(t, s) {
			if row.ID == brk.Check {
				got = &row
			}
		}
		if got == nil || got.Status != steps.StatusFail || got.Cause != brk.Cause {
			t.Fatalf("after the trainer's fault, %s = %+v, want fail (%s)", brk.Check, got, brk.Cause)
		}
		found = true
		break
	}
	if !found {
		t.Fatalf("no check page runs %s", brk.Check)
	}
	if err := rep.Flush(); err != nil {
		t.Fatal(err)
	}
	out = d.refresh()
	if !strings.Contains(out, brk.Check+" ("+brk.Cause+")") {
		t.Fatalf("the dashboard does not show the fault's failure:\n%s", out)
	}
}

func apply(t *testing.T, s *live.Session, e steps.Event) {
	t.Helper()
	if _, err := s.Apply(e); err != nil {
		t.Fatalf("%s %s: %v", e.Type, e.ID, err)
	}
}

func containsID(ids []string, id string) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}
