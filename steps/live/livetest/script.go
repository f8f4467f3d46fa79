package livetest

import (
	"encoding/json"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/live"
)

// A Script is what a trainee does, run by run of kvbridge, in terms every
// front end can replay: the wizard with keys, plain mode with lines. Replay
// runs it on the live session itself; a front end's parity test replays it
// through the front end and compares Outcomes.
type Script struct {
	Runs []ScriptRun
}

// ScriptRun is one run of kvbridge: the connection given on its command line, then
// the pages visited in order. Progress carries over to the next run.
type ScriptRun struct {
	Given  steps.Connection
	Visits []Visit
}

// Visit is what is done on one screen before moving on to the next (the last
// visit of a run stays on its screen; the run then ends, as with q).
type Visit struct {
	// Key is the screen's key: a check that the front end is where the
	// script thinks.
	Key string
	// Jump, when set (1-based), first jumps to the first screen of that
	// section; Key is then that screen.
	Jump int
	// Ticks are the tasks or acknowledgements to tick on this screen.
	Ticks []string
	// Answers are the quiz options chosen, in order (0-based); the last is
	// the right one.
	Answers []int
	// Fields are values typed on a check page before its checks run (those
	// not listed keep their value).
	Fields []FieldValue
	// Then is done after the page's first run of its checks.
	Then []Action
}

// FieldValue is one typed value.
type FieldValue struct{ Name, Value string }

// Action is one thing done on a check page after its checks ran: a practice
// action (Act, its ID), the sync (Sync), or typed values (Edit) after which
// the checks run again. A practice action and a sync also run them again.
type Action struct {
	Act  string
	Sync bool
	Edit []FieldValue
}

// Outcome is what a replay leaves: the saved progress without its clock
// readings, and every check's last result as status|cause.
type Outcome struct {
	State   steps.State
	Results map[string]string
}

// ParityPassword is the password the parity script syncs, and WrongPassword
// the one it then compares.
const (
	ParityPassword = "Parity-Pa55word!x"
	WrongPassword  = "Not-The-Synced-One"
)

// ParityScript is the session the parity test replays through every front
// end. Run 1 (healthy practice tenant): section 1 in order (ticks, the check
// page, the quiz with one wrong answer), then section 2's overview, where it
// ends. Run 2 (no-vault-read) resumes there: section 2's check fails, the
// practice action assigns Reader and it passes, its quiz; then section 3's
// check page maps the username, syncs a password, then compares a wrong one.
// Runs end on a page that asks nothing or on a check page, so a front end
// that runs a check page's checks on arrival stays comparable.
func ParityScript(t testing.TB, m *steps.Machine) Script {
	t.Helper()
	for s := range 3 {
		if p, ok := pageOfSection(m, s); !ok || !p.Check {
			t.Fatal("the course's first three sections need check pages")
		}
	}
	visit := func(sc steps.Screen, fields []FieldValue, then []Action) Visit {
		v := Visit{Key: sc.Key}
		sec := m.Course.Sections[sc.Section]
		switch sc.Kind {
		case steps.ScreenStep:
			for _, task := range sec.Steps[sc.Step].Tasks {
				v.Ticks = append(v.Ticks, task.ID)
			}
		case steps.ScreenQuiz:
			q, _ := m.Bank.Get(sc.QuestionID)
			if sc.Ordinal == firstQuiz(m, sc.Section) {
				v.Answers = append(v.Answers, (q.Right()+1)%len(q.Options))
			}
			v.Answers = append(v.Answers, q.Right())
		case steps.ScreenCheck:
			v.Fields, v.Then = fields, then
		}
		return v
	}
	var r1, r2 []Visit
	reader := []Action{{Act: "role.reader.assign"}}
	mapping := []FieldValue{{steps.FieldMapUsername, "yes"}, {steps.FieldPassword, ParityPassword}}
	syncThenWrong := []Action{{Sync: true}, {Edit: []FieldValue{{steps.FieldPassword, WrongPassword}}}}
	for _, sc := range m.Screens() {
		switch sc.Section {
		case 0:
			r1 = append(r1, visit(sc, nil, nil))
		case 1:
			if sc.Kind == steps.ScreenOverview {
				r1 = append(r1, visit(sc, nil, nil))
			}
			r2 = append(r2, visit(sc, nil, reader))
		case 2:
			r2 = append(r2, visit(sc, mapping, syncThenWrong))
		}
	}
	// Section 3 ends at its check page.
	for i, v := range r2 {
		if sc, ok := screenByKey(m, v.Key); ok && sc.Section == 2 && sc.Kind == steps.ScreenCheck {
			r2 = r2[:i+1]
			break
		}
	}
	return Script{Runs: []ScriptRun{
		{Given: steps.Connection{Kind: steps.ConnPractice, Scenario: "healthy"}, Visits: r1},
		{Given: steps.Connection{Kind: steps.ConnPractice, Scenario: "no-vault-read"}, Visits: r2},
	}}
}

func screenByKey(m *steps.Machine, key string) (steps.Screen, bool) {
	for _, sc := range m.Screens() {
		if sc.Key == key {
			return sc, true
		}
	}
	return steps.Screen{}, false
}

func firstQuiz(m *steps.Machine, section int) int {
	for _, sc := range m.Screens() {
		if sc.Section == section && sc.Kind == steps.ScreenQuiz {
			return sc.Ordinal
		}
	}
	return -1
}

func pageOfSection(m *steps.Machine, section int) (live.Page, bool) {
	for _, sc := range m.Screens() {
		if sc.Section == section && sc.Kind == steps.ScreenCheck {
			return live.PageOf(m, sc)
		}
	}
	return live.Page{}, false
}

// Replay runs a script on live sessions (one per run, the state carried
// over), as the reference every front end must match. before, when set, is
// told the state before each visit (a front end's translator reads it to
// know which questions it will be asked).
func Replay(t testing.TB, m *steps.Machine, sc Script, before func(run, visit int, st steps.State)) Outcome {
	t.Helper()
	st := m.Start(Clock())
	var s *live.Session
	for ri, run := range sc.Runs {
		s, _ = Session(t, live.Options{Machine: m, State: st, Given: run.Given, Now: Clock})
		s.Drive(s.Begin(), nil)
		if err := s.Status().StartErr; err != nil {
			t.Fatalf("run %d: the practice tenant did not start: %v", ri+1, err)
		}
		for vi, v := range run.Visits {
			if v.Jump > 0 {
				apply(t, s, steps.Event{Type: steps.EvJump, Section: v.Jump - 1})
			}
			cur, _ := m.Current(s.State())
			if cur.Key != v.Key {
				t.Fatalf("run %d visit %d: on %s, the script expects %s", ri+1, vi+1, cur.Key, v.Key)
			}
			if before != nil {
				before(ri, vi, s.State())
			}
			for _, id := range v.Ticks {
				if cur.Kind == steps.ScreenAcks {
					if !s.State().Acks[id] {
						apply(t, s, steps.Event{Type: steps.EvToggleAck, ID: id})
					}
				} else if !s.State().Tasks[id] {
					apply(t, s, steps.Event{Type: steps.EvToggleTask, ID: id})
				}
			}
			if !s.State().Quiz[cur.QuestionID].Solved {
				for _, c := range v.Answers {
					apply(t, s, steps.Event{Type: steps.EvAnswer, ID: cur.QuestionID, Choice: c})
				}
			}
			if cur.Kind == steps.ScreenCheck {
				setFields(t, s, v.Fields)
				Run(t, s)
				for _, a := range v.Then {
					switch {
					case a.Act != "":
						j, err := s.Act(a.Act)
						if err != nil {
							t.Fatal(live.Words(err))
						}
						s.Drive(j, nil) // runs the page's checks again
					case a.Sync:
						j, err := s.Sync()
						if err != nil {
							t.Fatal(live.Words(err))
						}
						s.Drive(j, nil)
						Run(t, s)
					default:
						setFields(t, s, a.Edit)
						Run(t, s)
					}
				}
			}
			if vi < len(run.Visits)-1 {
				apply(t, s, steps.Event{Type: steps.EvNext})
			}
		}
		st = s.State()
		s.Close()
	}
	return OutcomeOf(st)
}

func apply(t testing.TB, s *live.Session, e steps.Event) {
	t.Helper()
	if _, err := s.Apply(e); err != nil {
		t.Fatalf("%s %s: %v", e.Type, e.ID, err)
	}
}

func setFields(t testing.TB, s *live.Session, fs []FieldValue) {
	t.Helper()
	for _, f := range fs {
		if err := s.SetField(f.Name, f.Value); err != nil {
			t.Fatalf("%s: %s", f.Name, live.Words(err))
		}
	}
}

// OutcomeOf is a state as an Outcome: clock readings removed (they differ
// between two replays), every check's result as status|cause.
func OutcomeOf(st steps.State) Outcome {
	out := Outcome{State: st, Results: map[string]string{}}
	out.State.StartedAt, out.State.UpdatedAt, out.State.FinishedAt = Clock(), Clock(), nil
	out.State.Checks = map[string]steps.CheckMark{}
	for id, c := range st.Checks {
		out.Results[id] = c.Status + "|" + c.Cause
		c.At = Clock()
		out.State.Checks[id] = c
	}
	// The practice tenant's client secret expiry is read at its start, which
	// differs between two replays by the time between them.
	if out.State.Connection.SecretExpires != nil {
		d := Clock()
		out.State.Connection.SecretExpires = &d
	}
	return out
}

// Diff says how two outcomes differ ("" when they agree).
func (o Outcome) Diff(other Outcome) string {
	var out string
	ids := map[string]bool{}
	for id := range o.Results {
		ids[id] = true
	}
	for id := range other.Results {
		ids[id] = true
	}
	var sorted []string
	for id := range ids {
		sorted = append(sorted, id)
	}
	sort.Strings(sorted)
	for _, id := range sorted {
		if o.Results[id] != other.Results[id] {
			out += fmt.Sprintf("%s: %q vs %q\n", id, o.Results[id], other.Results[id])
		}
	}
	a, _ := json.MarshalIndent(o.State, "", " ")
	b, _ := json.MarshalIndent(other.State, "", " ")
	if string(a) != string(b) {
		out += "state:\n" + string(a) + "\nvs\n" + string(b) + "\n"
	}
	return out
}

// Clock is the fixed clock of a replay: both sides of a parity test read it,
// so their saved progress is comparable.
func Clock() time.Time { return time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC) }
