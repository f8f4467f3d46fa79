package plain

import (
	"strconv"
	"testing"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/live"
	"github.com/kvbridge/kvbridge/steps/live/livetest"
	"github.com/kvbridge/kvbridge/tui/session"
)

// plainScriptLines is what a trainee types in plain mode to do one run of a
// script: before[i] is the state before visit i (as the replay on the
// session saw it), which says which questions plain mode will ask.
func plainScriptLines(t *testing.T, m *steps.Machine, run livetest.ScriptRun, before []steps.State) []string {
	t.Helper()
	var lines []string
	// The practice tenant hands these out; plain mode does not ask them.
	asked := map[string]bool{steps.FieldTenantID: true, steps.FieldClientID: true, steps.FieldClientSecret: true, steps.FieldCloud: true}
	for i, v := range run.Visits {
		st := before[i]
		sc, ok := plainScreen(m, v.Key)
		if !ok {
			t.Fatalf("no screen %s", v.Key)
		}
		if v.Jump > 0 {
			lines = append(lines, ":"+strconv.Itoa(v.Jump))
		}
		last := i == len(run.Visits)-1
		end := func() {
			if last {
				lines = append(lines, "q")
			} else {
				lines = append(lines, "")
			}
		}
		switch sc.Kind {
		case steps.ScreenStep:
			tick := map[string]bool{}
			for _, id := range v.Ticks {
				tick[id] = true
			}
			n := 0
			for _, task := range m.Course.Sections[sc.Section].Steps[sc.Step].Tasks {
				if st.Tasks[task.ID] {
					continue
				}
				n++
				if tick[task.ID] {
					lines = append(lines, "y")
				} else {
					lines = append(lines, "n")
				}
			}
			if n == 0 || last {
				end() // nothing asked: Enter continues (a step that asked moves on by itself)
			}
		case steps.ScreenQuiz:
			if st.Quiz[sc.QuestionID].Solved {
				end()
				continue
			}
			for _, c := range v.Answers {
				lines = append(lines, strconv.Itoa(c+1))
			}
			if last {
				lines = append(lines, "q")
			}
		case steps.ScreenCheck:
			p, _ := live.PageOf(m, sc)
			typed := map[string]string{}
			for _, f := range v.Fields {
				typed[f.Name] = f.Value
			}
			mapped := st.Connection.MapUsername
			ask := func(all bool, values map[string]string) {
				for _, name := range p.Fields {
					// A practice tenant brings its own Secret Server: its address, user and
					// password are not asked.
					delineaOwn := name == steps.FieldDelineaURL || name == steps.FieldDelineaUsername || name == steps.FieldDelineaPassword
					if name == steps.FieldUsername && !mapped || name == steps.FieldCloud || delineaOwn && st.Connection.Kind == steps.ConnPractice || !all && asked[name] {
						continue
					}
					asked[name] = true
					val := values[name]
					if name == steps.FieldMapUsername && val != "" {
						mapped = val == "yes"
					}
					lines = append(lines, val)
				}
			}
			ask(false, typed)
			for _, a := range v.Then {
				switch {
				case a.Act != "":
					for n, spec := range live.Menu(p) {
						if spec.ID == a.Act {
							lines = append(lines, "p", strconv.Itoa(n+1))
						}
					}
				case a.Sync:
					lines = append(lines, "s")
				default:
					edit := map[string]string{}
					for _, f := range a.Edit {
						edit[f.Name] = f.Value
					}
					lines = append(lines, "e")
					ask(true, edit)
				}
			}
			end()
		default:
			end()
		}
	}
	return lines
}

func plainScreen(m *steps.Machine, key string) (steps.Screen, bool) {
	for _, sc := range m.Screens() {
		if sc.Key == key {
			return sc, true
		}
	}
	return steps.Screen{}, false
}

// The parity script (connection, ticks, answers, live checks on healthy and
// no-vault-read, a practice action, a sync, a compare with a wrong password)
// replayed through plain mode leaves the same saved progress and the same
// check results as on the live session itself.
func TestPlainParity(t *testing.T) {
	t.Parallel()
	m := livetest.Machine(t)
	script := livetest.ParityScript(t, m)
	before := make([][]steps.State, len(script.Runs))
	want := livetest.Replay(t, m, script, func(run, _ int, st steps.State) { before[run] = append(before[run], st) })

	store := plainStore(t)
	st := m.Start(livetest.Clock())
	for i, run := range script.Runs {
		lines := plainScriptLines(t, m, run, before[i])
		res := runPlainFixtureEnv(t, m, store, st, plainLines(lines...),
			plainEnv{environ: plainEnvNoTTY, now: livetest.Clock, dir: t.TempDir()},
			func(o *session.Options) {
				o.Live = &session.Live{Initial: run.Given, Wiring: livetest.Wiring()}
			})
		if res.err != nil {
			t.Fatalf("run %d: %v\n%s", i+1, res.err, plainTail(res.out, 40))
		}
		st = res.state
		if t.Failed() {
			t.Log(plainTail(res.out, 60))
		}
	}
	got := livetest.OutcomeOf(st)
	if d := want.Diff(got); d != "" {
		t.Errorf("plain mode and the session differ (session first):\n%s", d)
	}
	if got.Results["mapping.value"] != "fail|mismatch" || got.Results["arm.vaults"] != "pass|" {
		t.Errorf("results %v", got.Results)
	}
}
