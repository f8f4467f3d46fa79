package steps

import (
	"errors"
	"fmt"
	"time"

	"github.com/kvbridge/kvbridge/quiz"
)

// ScreenKind is a state of the wizard: which kind of screen the trainee is on.
type ScreenKind string

// The screens of a lesson, then those of the review.
const (
	ScreenOverview        ScreenKind = "overview"
	ScreenStep            ScreenKind = "step"
	ScreenCheck           ScreenKind = "check"
	ScreenQuiz            ScreenKind = "quiz"
	ScreenSummary         ScreenKind = "summary"
	ScreenTroubleshooting ScreenKind = "troubleshooting"
	ScreenAcks            ScreenKind = "acks"
	ScreenComplete        ScreenKind = "complete"
)

// Screen is one page of the course. The course is a flat sequence of them.
type Screen struct {
	Key        string     // stable across restarts, e.g. "1/step/1A"; saved in progress
	Section    int        // 0-based index into Course.Sections
	Kind       ScreenKind //
	Step       int        // index into Section.Steps for ScreenStep
	QuestionID string     // for ScreenQuiz
	Ordinal    int        // 1-based position inside its section
	OfSection  int        // number of screens in its section
}

// EventType names what the trainee (or a live check) did.
type EventType string

// Events. Next, Prev, Jump and CheckResult are accepted on every screen;
// the others only where the table in accepts says so.
const (
	EvNext        EventType = "next"
	EvPrev        EventType = "prev"
	EvJump        EventType = "jump"         // to the first screen of Section
	EvGoto        EventType = "goto"         // to the screen with Key (resume, links)
	EvToggleTask  EventType = "toggle-task"  // ID = task ID
	EvAnswer      EventType = "answer"       // ID = question ID, Choice = option index
	EvToggleAck   EventType = "toggle-ack"   // ID = acknowledgement ID
	EvCheckResult EventType = "check-result" // ID = check ID, Status
	EvConnect     EventType = "connect"      // Connection: where live checks run and what they target
)

// Event is one input to the state machine.
type Event struct {
	Type    EventType
	Section int    // EvJump: 0-based
	ID      string // task, question, ack or check ID; screen key for EvGoto
	Choice  int    // EvAnswer
	Status  string // EvCheckResult: pass, warn, fail, skip
	Cause   string // EvCheckResult: the check's cause code, "" on pass
	// Connection for EvConnect. Results of checks it makes stale are forgotten:
	// all of them when the tenant or app changes, the vault's and mapping's
	// when the target vault or secret name changes.
	Connection *Connection
}

// The transition table: events each screen kind accepts besides the global ones.
var accepts = map[ScreenKind][]EventType{
	ScreenOverview:        nil,
	ScreenStep:            {EvToggleTask},
	ScreenCheck:           nil,
	ScreenQuiz:            {EvAnswer},
	ScreenSummary:         nil,
	ScreenTroubleshooting: nil,
	ScreenAcks:            {EvToggleAck},
	ScreenComplete:        nil,
}

var global = []EventType{EvNext, EvPrev, EvJump, EvGoto, EvCheckResult, EvConnect}

// ErrRejected wraps every refused transition; the UI can ignore it quietly or say why.
var ErrRejected = errors.New("not possible here")

func reject(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrRejected, fmt.Sprintf(format, a...))
}

// Effect is what a transition produced besides the new state.
type Effect struct {
	Feedback *quiz.Feedback // after EvAnswer
	Finished bool           // the course became complete with this transition
}

// Machine walks a course. It is immutable after NewMachine and safe to share.
type Machine struct {
	Course *Course
	Bank   *quiz.Bank

	screens []Screen
	byKey   map[string]int
	tasks   map[string]taskRef
	acks    map[string]bool
	checks  map[string]bool
}

type taskRef struct{ section, step int }

// NewMachine lays out the screens of a course.
func NewMachine(c *Course, b *quiz.Bank) *Machine {
	m := &Machine{Course: c, Bank: b,
		byKey: map[string]int{}, tasks: map[string]taskRef{}, acks: map[string]bool{}, checks: map[string]bool{}}
	for si, s := range c.Sections {
		var sec []Screen
		add := func(kind ScreenKind, suffix string, step int, qid string) {
			key := s.ID + "/" + string(kind)
			if suffix != "" {
				key += "/" + suffix
			}
			sec = append(sec, Screen{Key: key, Section: si, Kind: kind, Step: step, QuestionID: qid})
		}
		switch s.Kind {
		case SectionLesson:
			add(ScreenOverview, "", 0, "")
			for i, st := range s.Steps {
				add(ScreenStep, st.ID, i, "")
				for _, t := range st.Tasks {
					m.tasks[t.ID] = taskRef{si, i}
				}
			}
			add(ScreenCheck, "", 0, "")
			for _, id := range s.Check.IDs {
				m.checks[id] = true
			}
			if b != nil {
				for _, q := range b.Section(si + 1) {
					add(ScreenQuiz, q.ID, 0, q.ID)
				}
			}
		case SectionReview:
			add(ScreenSummary, "", 0, "")
			add(ScreenTroubleshooting, "", 0, "")
			add(ScreenAcks, "", 0, "")
			for _, a := range s.Acks {
				m.acks[a.ID] = true
			}
			add(ScreenComplete, "", 0, "")
		}
		for i := range sec {
			sec[i].Ordinal, sec[i].OfSection = i+1, len(sec)
			m.byKey[sec[i].Key] = len(m.screens)
			m.screens = append(m.screens, sec[i])
		}
	}
	return m
}

// Screens returns every screen in course order.
func (m *Machine) Screens() []Screen { return m.screens }

// Current returns the screen the state points at, and its index.
func (m *Machine) Current(s State) (Screen, int) {
	i, ok := m.byKey[s.Screen]
	if !ok {
		i = 0
	}
	return m.screens[i], i
}

// Start is the state of a trainee who has not begun.
func (m *Machine) Start(now time.Time) State {
	return State{Version: FormatVersion, Screen: m.screens[0].Key, StartedAt: now, UpdatedAt: now,
		Tasks: map[string]bool{}, Quiz: map[string]quiz.Record{}, Acks: map[string]bool{}, Checks: map[string]CheckMark{}}
}

// Apply is the only way the state changes. It never mutates s.
func (m *Machine) Apply(s State, e Event, now time.Time) (State, Effect, error) {
	cur, idx := m.Current(s)
	if !m.allowed(cur.Kind, e.Type) {
		return s, Effect{}, reject("%s on the %s screen", e.Type, cur.Kind)
	}
	next := s.clone()
	var eff Effect
	switch e.Type {
	case EvNext:
		if idx+1 >= len(m.screens) {
			return s, eff, reject("this is the last screen")
		}
		next.Screen = m.screens[idx+1].Key
	case EvPrev:
		if idx == 0 {
			return s, eff, reject("this is the first screen")
		}
		next.Screen = m.screens[idx-1].Key
	case EvJump:
		if e.Section < 0 || e.Section >= len(m.Course.Sections) {
			return s, eff, reject("there is no section %d", e.Section+1)
		}
		next.Screen = m.Course.Sections[e.Section].ID + "/" + string(m.firstKind(e.Section))
	case EvGoto:
		if _, ok := m.byKey[e.ID]; !ok {
			return s, eff, reject("there is no screen %q", e.ID)
		}
		next.Screen = e.ID
	case EvToggleTask:
		ref, ok := m.tasks[e.ID]
		if !ok || ref.section != cur.Section || ref.step != cur.Step {
			return s, eff, reject("task %q is not on this screen", e.ID)
		}
		setFlag(next.Tasks, e.ID, !next.Tasks[e.ID])
	case EvAnswer:
		if e.ID != cur.QuestionID {
			return s, eff, reject("question %q is not on this screen", e.ID)
		}
		rec, fb, err := m.Bank.Grade(e.ID, e.Choice, next.Quiz[e.ID])
		if err != nil {
			return s, eff, reject("%v", err)
		}
		next.Quiz[e.ID] = rec
		eff.Feedback = &fb
	case EvToggleAck:
		if !m.acks[e.ID] {
			return s, eff, reject("acknowledgement %q does not exist", e.ID)
		}
		setFlag(next.Acks, e.ID, !next.Acks[e.ID])
	case EvCheckResult:
		if !m.checks[e.ID] {
			return s, eff, reject("check %q is not part of the course", e.ID)
		}
		switch e.Status {
		case StatusPass, StatusWarn, StatusFail, StatusSkip:
		default:
			return s, eff, reject("check status %q is unknown", e.Status)
		}
		next.Checks[e.ID] = CheckMark{Status: e.Status, Cause: e.Cause, At: now}
	case EvConnect:
		if e.Connection == nil {
			return s, eff, reject("connect needs a connection")
		}
		c := *e.Connection
		if err := c.Validate(); err != nil {
			return s, eff, reject("%v", err)
		}
		for id := range next.Checks {
			if s.Connection.Invalidates(c, id) {
				delete(next.Checks, id)
			}
		}
		next.Connection = c
	}
	next.UpdatedAt = now
	// Finishing is derived: arriving at (or staying on) the completion screen with
	// nothing missing finishes the course; undoing something un-finishes it.
	complete := m.Progress(next).Complete()
	nowOn, _ := m.Current(next)
	switch {
	case complete && nowOn.Kind == ScreenComplete && next.FinishedAt == nil:
		t := now
		next.FinishedAt = &t
		eff.Finished = true
	case !complete && next.FinishedAt != nil:
		next.FinishedAt = nil
	}
	return next, eff, nil
}

func (m *Machine) allowed(kind ScreenKind, ev EventType) bool {
	for _, g := range global {
		if g == ev {
			return true
		}
	}
	for _, a := range accepts[kind] {
		if a == ev {
			return true
		}
	}
	return false
}

func (m *Machine) firstKind(section int) ScreenKind {
	if m.Course.Sections[section].Kind == SectionReview {
		return ScreenSummary
	}
	return ScreenOverview
}

func setFlag(set map[string]bool, id string, on bool) {
	if on {
		set[id] = true
	} else {
		delete(set, id)
	}
}
