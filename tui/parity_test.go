package tui

import (
	"reflect"
	"strings"
	"testing"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/live/livetest"
	"github.com/kvbridge/kvbridge/tui/session"
)

// The parity test replays the live lane's scripted session
// (livetest.ParityScript: two runs of kvbridge on the practice tenant, with
// ticks, a quiz answered wrong then right, check pages, a practice action, a
// sync and a compare with a wrong password) through the wizard's Update, key
// by key as a trainee presses them, and requires the same saved progress and
// the same check results as the replay on the live session itself (which
// plain mode's parity test matches too). A rule the wizard kept of its own
// would show here.
func TestParityWithTheLiveSession(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the practice tenant for every run of the script")
	}
	mach := machine(t)
	script := livetest.ParityScript(t, mach)
	want := livetest.Replay(t, mach, script, nil)

	st := mach.Start(t0)
	var last *Model
	for ri, run := range script.Runs {
		m := newLiveTest(t, 100, 40, testLive(run.Given), func(o *session.Options) { o.State = st })
		d := &wizardDriver{t: t, m: m}
		for vi, v := range run.Visits {
			d.visit(ri, vi, v)
			if vi < len(run.Visits)-1 {
				d.m = keys(t, d.m, "right")
			}
		}
		st = d.m.state
		d.m.live.s.Close()
		last = d.m
	}
	got := livetest.OutcomeOf(st)
	if diff := got.Diff(want); diff != "" {
		t.Errorf("the wizard and the live session disagree:\n%s", diff)
	}
	if r := want.Results["mapping.value"]; !strings.HasPrefix(r, steps.StatusFail+"|") {
		t.Errorf("the compare with a wrong password: %q", r)
	}
	if r := want.Results["arm.vaults"]; !strings.HasPrefix(r, steps.StatusPass+"|") {
		t.Errorf("arm.vaults after Reader: %q", r)
	}
	// What the wizard saved is what it holds.
	if saved := savedState(t, last); !reflect.DeepEqual(livetest.OutcomeOf(saved), got) {
		t.Errorf("the saved file differs from the wizard's state:\n%s", livetest.OutcomeOf(saved).Diff(got))
	}
}

// wizardDriver plays a script's visit with keys.
type wizardDriver struct {
	t testing.TB
	m *Model
}

func (d *wizardDriver) visit(ri, vi int, v livetest.Visit) {
	t := d.t
	if v.Jump > 0 {
		d.m = keys(t, d.m, string(rune('0'+v.Jump)))
	}
	cur := screenOf(d.m)
	if cur.Key != v.Key {
		t.Fatalf("run %d visit %d: on %s, the script expects %s", ri+1, vi+1, cur.Key, v.Key)
	}
	for _, id := range v.Ticks {
		d.tick(id)
	}
	if !d.m.state.Quiz[cur.QuestionID].Solved {
		for _, c := range v.Answers {
			d.selectItem(c)
			d.m = keys(t, d.m, "enter")
		}
	}
	if cur.Kind != steps.ScreenCheck {
		return
	}
	d.setFields(v.Fields)
	d.m = keys(t, d.m, "r")
	for _, a := range v.Then {
		switch {
		case a.Act != "":
			d.m = keys(t, d.m, "p")
			for i, act := range d.m.live.s.Actions() {
				if act.ID == a.Act {
					for d.m.onav.sel < i {
						d.m = keys(t, d.m, "down")
					}
				}
			}
			d.m = keys(t, d.m, "enter") // the session runs the page's checks again
		case a.Sync:
			d.selectRow(rowSync)
			d.m = keys(t, d.m, "enter", "r")
		default:
			d.setFields(a.Edit)
			d.m = keys(t, d.m, "r")
		}
	}
}

// selectItem moves the selection to item i of the screen.
func (d *wizardDriver) selectItem(i int) {
	for d.m.nav.sel > i {
		d.m = keys(d.t, d.m, "up")
	}
	for d.m.nav.sel < i {
		d.m = keys(d.t, d.m, "down")
	}
}

func (d *wizardDriver) tick(id string) {
	cur := screenOf(d.m)
	sec := d.m.com.Mach.Course.Sections[cur.Section]
	ticked, i := d.m.state.Tasks[id], -1
	if cur.Kind == steps.ScreenAcks {
		ticked = d.m.state.Acks[id]
		for j, a := range sec.Acks {
			if a.ID == id {
				i = j
			}
		}
	} else {
		for j, task := range sec.Steps[cur.Step].Tasks {
			if task.ID == id {
				i = j
			}
		}
	}
	if i < 0 || ticked {
		return
	}
	d.selectItem(i)
	d.m = keys(d.t, d.m, "space")
}

func (d *wizardDriver) selectRow(name string) {
	i := d.m.live.rowIndex(name)
	if i < 0 {
		d.t.Fatalf("no row %s on %s (rows %q)", name, screenOf(d.m).Key, d.m.live.items())
	}
	d.selectItem(i)
}

// setFields types values as a trainee does: a choice is cycled with space,
// text is typed over what the field held.
func (d *wizardDriver) setFields(fs []livetest.FieldValue) {
	for _, fv := range fs {
		d.selectRow(fv.Name)
		if f, ok := d.m.live.field(fv.Name); ok && len(f.Choices) > 0 {
			for f.Value != fv.Value {
				d.m = keys(d.t, d.m, "space")
				f, _ = d.m.live.field(fv.Name)
			}
			continue
		}
		d.m = keys(d.t, d.m, "enter", "ctrl+u")
		d.m = typeText(d.t, d.m, fv.Value)
		d.m = keys(d.t, d.m, "enter")
		if d.m.live.edit != "" {
			d.t.Fatalf("%s: %q refused: %s", fv.Name, fv.Value, d.m.status)
		}
	}
}
