// Package livetest drives a live.Session in tests: the production wiring
// with the in-process practice tenant, a session on a fresh state, and a
// scripted session that every front end can replay (the parity test).
package livetest

import (
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/kvbridge/kvbridge/quiz"
	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/azure"
	"github.com/kvbridge/kvbridge/steps/azure/sandbox"
	"github.com/kvbridge/kvbridge/steps/live"
)

// Machine loads the embedded course and question bank.
func Machine(t testing.TB) *steps.Machine {
	t.Helper()
	c, err := steps.LoadCourse()
	if err != nil {
		t.Fatal(err)
	}
	b, err := quiz.Load()
	if err != nil {
		t.Fatal(err)
	}
	return steps.NewMachine(c, b)
}

// Wiring is the production wiring (live.StartLocal, live.Config) with
// retries and timeouts kept short, as tests need.
func Wiring() live.Wiring {
	return live.Wiring{
		StartPractice: live.StartLocal,
		Configure: func(c *azure.Config) {
			c.Retry = policy.RetryOptions{MaxRetries: 1, RetryDelay: time.Millisecond, MaxRetryDelay: 20 * time.Millisecond}
			c.CheckTimeout = 10 * time.Second
		},
	}
}

// Tenants starts in-process practice tenants for a session's wiring, with a
// latency when set, and keeps each one it started, for tests that act on
// the tenant behind the session's back.
type Tenants struct {
	Latency time.Duration
	mu      sync.Mutex
	list    []live.Practice
}

// Wiring is Wiring() starting tenants through ts.
func (ts *Tenants) Wiring() live.Wiring {
	w := Wiring()
	w.StartPractice = ts.start
	return w
}

func (ts *Tenants) start(scenario string, seed int64) (live.Practice, error) {
	t, err := sandbox.Start(sandbox.Options{Scenario: scenario, Seed: seed, Wiring: sandbox.Hostnames, Latency: ts.Latency})
	if err != nil {
		return nil, err
	}
	p := live.Local(t)
	ts.mu.Lock()
	ts.list = append(ts.list, p)
	ts.mu.Unlock()
	return p, nil
}

// Started lists the tenants started so far, in order.
func (ts *Tenants) Started() []live.Practice {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return append([]live.Practice(nil), ts.list...)
}

// Do does a practice action on a tenant (the handed-out app, the practice
// vault), as a change made in the portal behind the session's back.
func Do(p live.Practice, action string) error {
	h := p.Handout()
	_, err := p.Do(action, h.ClientID, h.VaultName)
	return err
}

// Saved collects the states a session saves.
type Saved struct {
	mu   sync.Mutex
	last steps.State
	n    int
}

// Save is an Options.Save.
func (s *Saved) Save(st steps.State) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.last, s.n = st, s.n+1
	return nil
}

// Last is the last state saved.
func (s *Saved) Last() (steps.State, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last, s.n
}

// Session is a session on a fresh state with the test wiring; o's Machine,
// State, Wiring and Save are filled when left empty. It is closed with t.
func Session(t testing.TB, o live.Options) (*live.Session, *Saved) {
	t.Helper()
	if o.Machine == nil {
		o.Machine = Machine(t)
	}
	if o.State.Version == 0 {
		o.State = o.Machine.Start(time.Now())
	}
	if o.Wiring.StartPractice == nil {
		o.Wiring = Wiring()
	}
	saved := &Saved{}
	if o.Save == nil {
		o.Save = saved.Save
	}
	s, err := live.New(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s, saved
}

// Goto moves the session to a screen by key, failing the test otherwise.
func Goto(t testing.TB, s *live.Session, key string) {
	t.Helper()
	if _, err := s.Apply(steps.Event{Type: steps.EvGoto, ID: key}); err != nil {
		t.Fatal(err)
	}
}

// Run runs the current page's checks to the end and returns its rows.
func Run(t testing.TB, s *live.Session) []live.Row {
	t.Helper()
	j, err := s.Run()
	if err != nil {
		t.Fatal(live.Words(err))
	}
	s.Drive(j, nil)
	p, _ := s.Page()
	return s.Rows(p.IDs)
}

// CheckScreen is the key of a section's check screen (0-based section), as
// the machine lays it out.
func CheckScreen(m *steps.Machine, section int) string {
	for _, sc := range m.Screens() {
		if sc.Section == section && sc.Kind == steps.ScreenCheck {
			return sc.Key
		}
	}
	return ""
}
