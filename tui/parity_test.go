package tui

import (
	"reflect"
	"testing"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/live"
	"github.com/kvbridge/kvbridge/steps/live/livetest"
)

// The parity test drives one scripted session through the wizard's Update
// (keys, as a trainee presses them) and through a bare live.Session (the
// calls plain mode makes), and requires the same saved progress and the
// same check results. Any rule the wizard kept of its own would show here.

// driver is one front end of the script.
type driver interface {
	gotoScreen(key string)
	tick(n int) // the first n tasks of the step shown
	answer(choice int)
	run()
	act(action string)
	setField(name, value string)
	sync()
	state() steps.State
}

type wizardDriver struct {
	t testing.TB
	m *Model
}

func (d *wizardDriver) gotoScreen(key string) { d.m = gotoScreen(d.t, d.m, key) }
func (d *wizardDriver) tick(n int) {
	for range n {
		d.m = keys(d.t, d.m, "space")
	}
}
func (d *wizardDriver) answer(choice int) {
	for d.m.nav.sel < choice {
		d.m = keys(d.t, d.m, "down")
	}
	d.m = keys(d.t, d.m, "enter")
}
func (d *wizardDriver) run() { d.m = keys(d.t, d.m, "r") }
func (d *wizardDriver) act(action string) {
	d.m = keys(d.t, d.m, "p")
	for i, a := range d.m.live.s.Actions() {
		if a.ID == action {
			for d.m.onav.sel < i {
				d.m = keys(d.t, d.m, "down")
			}
		}
	}
	d.m = keys(d.t, d.m, "enter")
}
func (d *wizardDriver) setField(name, value string) {
	for d.m.nav.sel > 0 {
		d.m = keys(d.t, d.m, "up")
	}
	for screenItem(d.m) != name {
		before := d.m.nav.sel
		d.m = keys(d.t, d.m, "down")
		if d.m.nav.sel == before {
			d.t.Fatalf("no field %s on %s (rows %q, at %d)\n%s", name, screenOf(d.m).Key, d.m.live.items(), d.m.nav.sel, view(d.m))
		}
	}
	if f, ok := d.m.live.field(name); ok && len(f.Choices) > 0 {
		for f.Value != value {
			d.m = keys(d.t, d.m, "space")
			f, _ = d.m.live.field(name)
		}
		return
	}
	d.m = keys(d.t, d.m, "enter", "ctrl+u")
	d.m = typeText(d.t, d.m, value)
	d.m = keys(d.t, d.m, "enter")
}
func (d *wizardDriver) sync() {
	for screenItem(d.m) != rowSync {
		d.m = keys(d.t, d.m, "down")
	}
	d.m = keys(d.t, d.m, "enter")
}
func (d *wizardDriver) state() steps.State { return d.m.state }

type sessionDriver struct {
	t testing.TB
	s *live.Session
}

func (d *sessionDriver) gotoScreen(key string) { livetest.Goto(d.t, d.s, key) }
func (d *sessionDriver) tick(n int) {
	cur, _ := d.s.Machine().Current(d.s.State())
	for _, task := range d.s.Machine().Course.Sections[cur.Section].Steps[cur.Step].Tasks[:n] {
		if _, err := d.s.Apply(steps.Event{Type: steps.EvToggleTask, ID: task.ID}); err != nil {
			d.t.Fatal(err)
		}
	}
}
func (d *sessionDriver) answer(choice int) {
	cur, _ := d.s.Machine().Current(d.s.State())
	if _, err := d.s.Apply(steps.Event{Type: steps.EvAnswer, ID: cur.QuestionID, Choice: choice}); err != nil {
		d.t.Fatal(err)
	}
}
func (d *sessionDriver) run() { livetest.Run(d.t, d.s) }
func (d *sessionDriver) act(action string) {
	j, err := d.s.Act(action)
	if err != nil {
		d.t.Fatal(live.Words(err))
	}
	d.s.Drive(j, nil)
}
func (d *sessionDriver) setField(name, value string) {
	if err := d.s.SetField(name, value); err != nil {
		d.t.Fatal(live.Words(err))
	}
}
func (d *sessionDriver) sync() {
	j, err := d.s.Sync()
	if err != nil {
		d.t.Fatal(live.Words(err))
	}
	d.s.Drive(j, nil)
}
func (d *sessionDriver) state() steps.State { return d.s.State() }

// script is the session both front ends play: ticks, a quiz answer, the
// checks of section 1, then on section 2 a failing run, a practice action
// that fixes it and a run; on section 3 a sync, then a compare with a wrong
// password.
func script(mach *steps.Machine, d driver) {
	d.gotoScreen("1/step/1A")
	d.tick(2)
	for _, sc := range mach.Screens() {
		if sc.Kind == steps.ScreenQuiz {
			d.gotoScreen(sc.Key)
			q, _ := mach.Bank.Get(sc.QuestionID)
			d.answer((q.Right() + 1) % len(q.Options)) // wrong first
			d.answer(q.Right())
			break
		}
	}
	d.gotoScreen(livetest.CheckScreen(mach, 0))
	d.run()
	d.gotoScreen(livetest.CheckScreen(mach, 1))
	d.run()
	d.act("role.reader.assign")
	d.run()
	d.gotoScreen(livetest.CheckScreen(mach, 2))
	d.setField(steps.FieldMapUsername, "yes")
	d.setField(steps.FieldPassword, "Right-Passw0rd")
	d.sync()
	d.run()
	d.setField(steps.FieldPassword, "Wrong-Passw0rd")
	d.run()
}

// comparable is what must agree: the saved progress without its times.
type comparable struct {
	Screen     string
	Tasks      map[string]bool
	Quiz       map[string][2]int
	Checks     map[string][2]string
	Connection steps.Connection
}

func toComparable(s steps.State) comparable {
	c := comparable{Screen: s.Screen, Tasks: s.Tasks, Quiz: map[string][2]int{}, Checks: map[string][2]string{}, Connection: s.Connection}
	for id, q := range s.Quiz {
		c.Quiz[id] = [2]int{q.Attempts, q.First}
	}
	for id, mk := range s.Checks {
		c.Checks[id] = [2]string{mk.Status, mk.Cause}
	}
	c.Connection.SecretExpires = nil // read from the tenant with its clock
	return c
}

func TestParityWizardAndSession(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the practice tenant twice")
	}
	given := steps.Connection{Kind: steps.ConnPractice, Scenario: "no-vault-read"}
	w := &wizardDriver{t: t, m: newLiveTest(t, 100, 40, testLive(given))}
	s, _ := livetest.Session(t, live.Options{Given: given, Machine: w.m.com.Mach})
	s.Drive(s.Begin(), nil)
	bare := &sessionDriver{t: t, s: s}

	script(w.m.com.Mach, w)
	script(w.m.com.Mach, bare)

	got, want := toComparable(w.state()), toComparable(bare.state())
	if !reflect.DeepEqual(got, want) {
		t.Errorf("the wizard and the session disagree:\nwizard:  %+v\nsession: %+v", got, want)
	}
	if mk := want.Checks["mapping.value"]; mk[0] != steps.StatusFail {
		t.Errorf("the compare with a wrong password: %v", mk)
	}
	if mk := want.Checks["arm.vaults"]; mk[0] != steps.StatusPass {
		t.Errorf("arm.vaults after Reader: %v", mk)
	}
	saved := savedState(t, w.m)
	if !reflect.DeepEqual(toComparable(saved), got) {
		t.Errorf("the wizard's saved file differs from its state:\nfile:  %+v\nstate: %+v", toComparable(saved), got)
	}
	// Same rows, the same way.
	p, _ := s.Page()
	if wr, sr := w.m.live.s.Rows(p.IDs), s.Rows(p.IDs); len(wr) != len(sr) {
		t.Fatalf("rows: %d and %d", len(wr), len(sr))
	} else {
		for i := range wr {
			if wr[i].ID != sr[i].ID || wr[i].Status != sr[i].Status || wr[i].Cause != sr[i].Cause {
				t.Errorf("row %d: wizard %s %s %s, session %s %s %s", i, wr[i].ID, wr[i].Status, wr[i].Cause, sr[i].ID, sr[i].Status, sr[i].Cause)
			}
		}
	}
}
