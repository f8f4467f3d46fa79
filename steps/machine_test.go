package steps_test

import (
	"errors"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/stepstest"
)

var t0 = time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)

func TestScreensLayout(t *testing.T) {
	m := stepstest.Machine(t)
	var keys []string
	for _, s := range m.Screens() {
		keys = append(keys, s.Key)
	}
	want := "1/overview 1/step/1A 1/step/1B 1/check 1/quiz/q1 1/quiz/q1b 1/quiz/q1c " +
		"2/overview 2/step/2A 2/check 2/quiz/q2 2/quiz/q2b 2/quiz/q2c " +
		"3/overview 3/step/3A 3/check 3/quiz/q3 3/quiz/q3b 3/quiz/q3c " +
		"4/summary 4/troubleshooting 4/acks 4/complete"
	if got := strings.Join(keys, " "); got != want {
		t.Fatalf("screens:\n got %s\nwant %s", got, want)
	}
	last := m.Screens()[len(m.Screens())-1]
	if last.Ordinal != 4 || last.OfSection != 4 || last.Section != 3 {
		t.Errorf("last screen position = %d/%d in section %d", last.Ordinal, last.OfSection, last.Section)
	}
}

// at returns a state on the screen with the given key.
func at(t *testing.T, m *steps.Machine, key string) steps.State {
	t.Helper()
	s, _, err := m.Apply(m.Start(t0), steps.Event{Type: steps.EvGoto, ID: key}, t0)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestTransitions(t *testing.T) {
	m := stepstest.Machine(t)
	tests := []struct {
		name     string
		from     string
		ev       steps.Event
		toScreen string // "" means unchanged
		reject   bool
		check    func(t *testing.T, s steps.State)
	}{
		{name: "next from first", from: "1/overview", ev: steps.Event{Type: steps.EvNext}, toScreen: "1/step/1A"},
		{name: "next crosses sections", from: "1/quiz/q1c", ev: steps.Event{Type: steps.EvNext}, toScreen: "2/overview"},
		{name: "next into review", from: "3/quiz/q3c", ev: steps.Event{Type: steps.EvNext}, toScreen: "4/summary"},
		{name: "next into completion while incomplete is allowed", from: "4/acks", ev: steps.Event{Type: steps.EvNext}, toScreen: "4/complete",
			check: func(t *testing.T, s steps.State) {
				if s.FinishedAt != nil {
					t.Error("an incomplete course must not be finished")
				}
			}},
		{name: "next on last screen", from: "4/complete", ev: steps.Event{Type: steps.EvNext}, reject: true},
		{name: "prev on first screen", from: "1/overview", ev: steps.Event{Type: steps.EvPrev}, reject: true},
		{name: "prev crosses sections", from: "2/overview", ev: steps.Event{Type: steps.EvPrev}, toScreen: "1/quiz/q1c"},
		{name: "jump to section 3", from: "1/step/1A", ev: steps.Event{Type: steps.EvJump, Section: 2}, toScreen: "3/overview"},
		{name: "jump to review", from: "1/step/1A", ev: steps.Event{Type: steps.EvJump, Section: 3}, toScreen: "4/summary"},
		{name: "jump to section 5", from: "1/step/1A", ev: steps.Event{Type: steps.EvJump, Section: 4}, reject: true},
		{name: "jump to section 0", from: "1/step/1A", ev: steps.Event{Type: steps.EvJump, Section: -1}, reject: true},
		{name: "goto unknown", from: "1/overview", ev: steps.Event{Type: steps.EvGoto, ID: "9/nowhere"}, reject: true},
		{name: "tick task on its screen", from: "1/step/1A", ev: steps.Event{Type: steps.EvToggleTask, ID: "1A.2"},
			check: func(t *testing.T, s steps.State) {
				if !s.Tasks["1A.2"] || len(s.Tasks) != 1 {
					t.Errorf("tasks = %v", s.Tasks)
				}
			}},
		{name: "tick task of another step", from: "1/step/1A", ev: steps.Event{Type: steps.EvToggleTask, ID: "1B.1"}, reject: true},
		{name: "tick unknown task", from: "1/step/1A", ev: steps.Event{Type: steps.EvToggleTask, ID: "9Z.1"}, reject: true},
		{name: "tick task on overview", from: "1/overview", ev: steps.Event{Type: steps.EvToggleTask, ID: "1A.1"}, reject: true},
		{name: "answer right", from: "1/quiz/q1", ev: steps.Event{Type: steps.EvAnswer, ID: "q1", Choice: 0},
			check: func(t *testing.T, s steps.State) {
				if r := s.Quiz["q1"]; !r.Solved || r.Attempts != 1 || r.First != 0 {
					t.Errorf("record = %+v", r)
				}
			}},
		{name: "answer wrong", from: "1/quiz/q1", ev: steps.Event{Type: steps.EvAnswer, ID: "q1", Choice: 2},
			check: func(t *testing.T, s steps.State) {
				if r := s.Quiz["q1"]; r.Solved || r.Attempts != 1 || r.First != 2 {
					t.Errorf("record = %+v", r)
				}
			}},
		{name: "answer another screen's question", from: "1/quiz/q1", ev: steps.Event{Type: steps.EvAnswer, ID: "q1b", Choice: 1}, reject: true},
		{name: "answer out of range", from: "1/quiz/q1", ev: steps.Event{Type: steps.EvAnswer, ID: "q1", Choice: 3}, reject: true},
		{name: "answer negative", from: "1/quiz/q1", ev: steps.Event{Type: steps.EvAnswer, ID: "q1", Choice: -1}, reject: true},
		{name: "answer on a step screen", from: "1/step/1A", ev: steps.Event{Type: steps.EvAnswer, ID: "q1", Choice: 0}, reject: true},
		{name: "ack on acks screen", from: "4/acks", ev: steps.Event{Type: steps.EvToggleAck, ID: "ack.two"},
			check: func(t *testing.T, s steps.State) {
				if !s.Acks["ack.two"] || len(s.Acks) != 1 {
					t.Errorf("acks = %v", s.Acks)
				}
			}},
		{name: "ack unknown", from: "4/acks", ev: steps.Event{Type: steps.EvToggleAck, ID: "ack.nine"}, reject: true},
		{name: "ack on summary", from: "4/summary", ev: steps.Event{Type: steps.EvToggleAck, ID: "ack.one"}, reject: true},
		{name: "check result anywhere", from: "4/summary", ev: steps.Event{Type: steps.EvCheckResult, ID: "arm.vaults", Status: steps.StatusFail},
			check: func(t *testing.T, s steps.State) {
				if c := s.Checks["arm.vaults"]; c.Status != steps.StatusFail || !c.At.Equal(t0.Add(time.Minute)) {
					t.Errorf("check = %+v", c)
				}
			}},
		{name: "check not in course", from: "1/check", ev: steps.Event{Type: steps.EvCheckResult, ID: "vault.network", Status: "pass"}, reject: true},
		{name: "check bad status", from: "1/check", ev: steps.Event{Type: steps.EvCheckResult, ID: "auth.token", Status: "great"}, reject: true},
		{name: "unknown event", from: "1/overview", ev: steps.Event{Type: "dance"}, reject: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			from := at(t, m, tc.from)
			got, _, err := m.Apply(from, tc.ev, t0.Add(time.Minute))
			if tc.reject {
				if !errors.Is(err, steps.ErrRejected) {
					t.Fatalf("err = %v, want ErrRejected", err)
				}
				if got.Screen != from.Screen || !got.UpdatedAt.Equal(from.UpdatedAt) {
					t.Errorf("a rejected event changed the state")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := tc.toScreen
			if want == "" {
				want = tc.from
			}
			if got.Screen != want {
				t.Errorf("screen = %s, want %s", got.Screen, want)
			}
			if !got.UpdatedAt.Equal(t0.Add(time.Minute)) {
				t.Errorf("UpdatedAt not stamped")
			}
			if tc.check != nil {
				tc.check(t, got)
			}
		})
	}
}

func TestApplyDoesNotMutateInput(t *testing.T) {
	m := stepstest.Machine(t)
	s := at(t, m, "1/step/1A")
	next, _, err := m.Apply(s, steps.Event{Type: steps.EvToggleTask, ID: "1A.1"}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if s.Tasks["1A.1"] || !next.Tasks["1A.1"] {
		t.Fatalf("input mutated or output wrong: in=%v out=%v", s.Tasks, next.Tasks)
	}
	back, _, _ := m.Apply(next, steps.Event{Type: steps.EvToggleTask, ID: "1A.1"}, t0)
	if back.Tasks["1A.1"] || !next.Tasks["1A.1"] {
		t.Fatalf("untick: in=%v out=%v", next.Tasks, back.Tasks)
	}
}

func TestQuizRetryKeepsFirstAttempt(t *testing.T) {
	m := stepstest.Machine(t)
	s := at(t, m, "1/quiz/q1b")
	s, eff, err := m.Apply(s, steps.Event{Type: steps.EvAnswer, ID: "q1b", Choice: 0}, t0)
	if err != nil || eff.Feedback == nil || eff.Feedback.Correct || eff.Feedback.Explain != "No." {
		t.Fatalf("wrong answer: eff=%+v err=%v", eff.Feedback, err)
	}
	s, eff, _ = m.Apply(s, steps.Event{Type: steps.EvAnswer, ID: "q1b", Choice: 1}, t0)
	if !eff.Feedback.Correct {
		t.Fatal("right answer graded wrong")
	}
	s, _, _ = m.Apply(s, steps.Event{Type: steps.EvAnswer, ID: "q1b", Choice: 2}, t0)
	r := s.Quiz["q1b"]
	if r.First != 0 || r.Attempts != 2 || !r.Solved {
		t.Fatalf("record after wrong, right, wrong-again = %+v", r)
	}
	if sc := m.Bank.Score(s.Quiz); sc.FirstTry != 0 || sc.Solved != 1 || sc.Total != 9 {
		t.Errorf("score = %+v", sc)
	}
}

// complete walks the whole fixture course by events, as a trainee would.
func complete(t *testing.T, m *steps.Machine, live bool) steps.State {
	t.Helper()
	s := m.Start(t0)
	now := t0
	apply := func(e steps.Event) {
		t.Helper()
		now = now.Add(time.Second)
		var err error
		if s, _, err = m.Apply(s, e, now); err != nil {
			t.Fatalf("%+v: %v", e, err)
		}
	}
	if live {
		apply(steps.Event{Type: steps.EvConnect, Connection: &steps.Connection{Kind: steps.ConnPractice, Scenario: "healthy"}})
	}
	for {
		cur, _ := m.Current(s)
		sec := m.Course.Sections[cur.Section]
		switch cur.Kind {
		case steps.ScreenStep:
			for _, task := range sec.Steps[cur.Step].Tasks {
				apply(steps.Event{Type: steps.EvToggleTask, ID: task.ID})
			}
		case steps.ScreenQuiz:
			q, _ := m.Bank.Get(cur.QuestionID)
			apply(steps.Event{Type: steps.EvAnswer, ID: q.ID, Choice: q.Right()})
		case steps.ScreenCheck:
			if live {
				for _, id := range sec.Check.IDs {
					apply(steps.Event{Type: steps.EvCheckResult, ID: id, Status: steps.StatusPass})
				}
			}
		case steps.ScreenAcks:
			for _, a := range sec.Acks {
				apply(steps.Event{Type: steps.EvToggleAck, ID: a.ID})
			}
		}
		if cur.Kind == steps.ScreenComplete {
			return s
		}
		apply(steps.Event{Type: steps.EvNext})
	}
}

func TestFinishingIsDerived(t *testing.T) {
	for _, live := range []bool{false, true} {
		m := stepstest.Machine(t)
		s := complete(t, m, live)
		if s.FinishedAt == nil {
			t.Fatalf("live=%v: course complete but not finished; missing %v", live, m.Missing(s))
		}
		p := m.Progress(s)
		if !p.Complete() || p.Percent() != 100 {
			t.Fatalf("live=%v: progress = %+v", live, p)
		}
		if got := s.Elapsed(); got <= 0 {
			t.Errorf("elapsed = %v", got)
		}
		// Unticking an acknowledgement un-finishes the course.
		s2, _, _ := m.Apply(s, steps.Event{Type: steps.EvGoto, ID: "4/acks"}, t0)
		s2, _, _ = m.Apply(s2, steps.Event{Type: steps.EvToggleAck, ID: "ack.one"}, t0)
		if s2.FinishedAt != nil || m.Progress(s2).Percent() == 100 {
			t.Errorf("live=%v: unticking left the course finished", live)
		}
	}
}

func TestLiveChecksGateCompletion(t *testing.T) {
	m := stepstest.Machine(t)
	offline := complete(t, m, false)
	s, _, err := m.Apply(offline, steps.Event{Type: steps.EvConnect, Connection: &steps.Connection{Kind: steps.ConnTenant, TenantID: "t"}}, t0)
	if err != nil {
		t.Fatal(err)
	}
	p := m.Progress(s)
	if p.Complete() || p.Total != m.Progress(offline).Total+4 || s.FinishedAt != nil {
		t.Fatalf("connecting a finished offline run: progress %+v, finished %v", p, s.FinishedAt)
	}
	live := m
	missing := strings.Join(live.Missing(s), "\n")
	for _, want := range []string{"Section 1: 1 live check not passed (auth.token)", "arm.vaults, data.secrets", "mapping.secret"} {
		if !strings.Contains(missing, want) {
			t.Errorf("missing list lacks %q:\n%s", want, missing)
		}
	}
	s, _, _ = live.Apply(s, steps.Event{Type: steps.EvCheckResult, ID: "auth.token", Status: steps.StatusWarn}, t0)
	if !s.Checks["auth.token"].Passed() {
		t.Error("warn must count as passed")
	}
	for cause, want := range map[string]bool{steps.CauseNotAsked: true, "": false, "timeout": false} {
		s, _, _ = live.Apply(s, steps.Event{Type: steps.EvCheckResult, ID: "mapping.secret", Status: steps.StatusSkip, Cause: cause}, t0)
		if got := s.Checks["mapping.secret"].Passed(); got != want {
			t.Errorf("skip with cause %q passed = %v, want %v", cause, got, want)
		}
	}
}

func TestProgressCounts(t *testing.T) {
	m := stepstest.Machine(t)
	s := m.Start(t0)
	p := m.Progress(s)
	// 5 tasks + 9 questions + 2 acks.
	if p.Done != 0 || p.Total != 16 || p.Percent() != 0 {
		t.Fatalf("fresh progress = %+v", p)
	}
	s = at(t, m, "1/step/1A")
	s, _, _ = m.Apply(s, steps.Event{Type: steps.EvToggleTask, ID: "1A.1"}, t0)
	p = m.Progress(s)
	if p.Done != 1 || p.Sections[0].Done != 1 || p.Sections[0].Total != 6 || p.Percent() != 6 {
		t.Fatalf("after one tick = %+v", p)
	}
	if got := m.Missing(s)[0]; got != "Section 1: 2 tasks not ticked (1A.2, 1B.1)" {
		t.Errorf("missing[0] = %q", got)
	}
}

func TestConnectForgetsStaleResults(t *testing.T) {
	m := stepstest.Machine(t)
	base := steps.Connection{Kind: steps.ConnTenant, TenantID: "t1", ClientID: "c1", Vault: "kv-one", SecretName: "Prod-VM-Admin-Pass"}
	s, _, _ := m.Apply(m.Start(t0), steps.Event{Type: steps.EvConnect, Connection: &base}, t0)
	for _, id := range []string{"auth.token", "arm.vaults", "data.secrets", "mapping.secret"} {
		s, _, _ = m.Apply(s, steps.Event{Type: steps.EvCheckResult, ID: id, Status: steps.StatusPass}, t0)
	}
	tests := []struct {
		name   string
		change func(c *steps.Connection)
		kept   string // check IDs that survive, space separated
	}{
		{"same connection", func(c *steps.Connection) {}, "arm.vaults auth.token data.secrets mapping.secret"},
		{"vault name case", func(c *steps.Connection) { c.Vault = "KV-ONE" }, "arm.vaults auth.token data.secrets mapping.secret"},
		{"secret name", func(c *steps.Connection) { c.SecretName = "Other" }, "arm.vaults auth.token data.secrets"},
		{"username mapping", func(c *steps.Connection) { c.MapUsername = true }, "arm.vaults auth.token data.secrets"},
		{"vault", func(c *steps.Connection) { c.Vault = "kv-two" }, "auth.token"},
		{"tenant", func(c *steps.Connection) { c.TenantID = "t2" }, ""},
		{"client", func(c *steps.Connection) { c.ClientID = "c2" }, ""},
		{"kind", func(c *steps.Connection) { c.Kind = steps.ConnPractice }, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			next := base
			tc.change(&next)
			got, _, err := m.Apply(s, steps.Event{Type: steps.EvConnect, Connection: &next}, t0)
			if err != nil {
				t.Fatal(err)
			}
			var kept []string
			for id := range got.Checks {
				kept = append(kept, id)
			}
			sort.Strings(kept)
			if strings.Join(kept, " ") != tc.kept {
				t.Errorf("kept %v, want %s", kept, tc.kept)
			}
			if got.Connection != next {
				t.Errorf("connection not stored: %+v", got.Connection)
			}
		})
	}
	if _, _, err := m.Apply(s, steps.Event{Type: steps.EvConnect, Connection: &steps.Connection{Kind: "cloudy"}}, t0); !errors.Is(err, steps.ErrRejected) {
		t.Errorf("unknown kind accepted: %v", err)
	}
	if _, _, err := m.Apply(s, steps.Event{Type: steps.EvConnect}, t0); !errors.Is(err, steps.ErrRejected) {
		t.Errorf("connect without connection accepted: %v", err)
	}
}

func TestTodosPointAtScreens(t *testing.T) {
	m := stepstest.Machine(t)
	s, _, _ := m.Apply(m.Start(t0), steps.Event{Type: steps.EvConnect, Connection: &steps.Connection{Kind: steps.ConnPractice}}, t0)
	s, _, _ = m.Apply(s, steps.Event{Type: steps.EvGoto, ID: "1/step/1A"}, t0)
	s, _, _ = m.Apply(s, steps.Event{Type: steps.EvToggleTask, ID: "1A.1"}, t0)
	s, _, _ = m.Apply(s, steps.Event{Type: steps.EvToggleTask, ID: "1A.2"}, t0)
	s, _, _ = m.Apply(s, steps.Event{Type: steps.EvGoto, ID: "1/quiz/q1"}, t0)
	s, _, _ = m.Apply(s, steps.Event{Type: steps.EvAnswer, ID: "q1", Choice: 0}, t0)
	var got []string
	for _, td := range m.Todos(s)[:4] {
		got = append(got, td.Screen)
	}
	if want := "1/step/1B 1/check 1/quiz/q1b 2/step/2A"; strings.Join(got, " ") != want {
		t.Errorf("todo screens = %v, want %s", got, want)
	}
	if len(m.Todos(s)) != len(m.Missing(s)) {
		t.Error("Missing and Todos disagree")
	}
}
