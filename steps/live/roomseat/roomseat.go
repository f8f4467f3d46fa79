// Package roomseat is a trainer's room seat as the live session's practice tenant: the
// seat's tenant runs in the room, reached through it (steps/room), and the session's
// progress is reported to the room as it happens. Every front end gets it the same way:
// the Wiring's StartPractice returns Practice(seat) for the room's scenario, and
// Options.Observe is the Reporter's Observe.
package roomseat

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/azure"
	"github.com/kvbridge/kvbridge/steps/azure/sandbox"
	"github.com/kvbridge/kvbridge/steps/live"
	"github.com/kvbridge/kvbridge/steps/room"
)

// Scenario is the connection's scenario name for a room seat: the real one stays with
// the trainer.
const Scenario = "room"

// callTimeout bounds one call to the room from the session.
const callTimeout = 15 * time.Second

// Practice is a joined seat as the session's practice tenant.
func Practice(s *room.Seat) live.Practice { return &seat{s: s} }

type seat struct{ s *room.Seat }

func (p *seat) Handout() live.Handout {
	in := p.s.Info.Practice
	return live.Handout{Scenario: Scenario, TenantID: in.TenantID, ClientID: in.ClientID, ClientSecret: in.ClientSecret,
		VaultName: in.VaultName, VaultID: in.VaultID, SecretName: in.SecretName, SecretUsername: in.SecretUsername,
		SubscriptionID: in.SubscriptionID, ResourceGroup: in.ResourceGroup, Mystery: true,
		Where: fmt.Sprintf("in the trainer's room, seat %d", p.s.Info.Seat)}
}

// Reach sends the checks through the room with the seat's token; the public cloud's
// configuration stays as it is.
func (p *seat) Reach(cfg *azure.Config) {
	c := p.s.Config()
	cfg.Transport = c.Transport
	cfg.Cloud, cfg.AuthorityHost, cfg.ARMEndpoint, cfg.ExtraCAPEM = azure.CloudPublic, "", "", nil
}

func (p *seat) Look(clientID, vault string) (sandbox.Look, error) {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	return p.s.Look(ctx, clientID, vault)
}

func (p *seat) Do(action, clientID, vault string) (live.Outcome, error) {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	a, err := p.s.Do(ctx, action, clientID, vault)
	if err != nil {
		return live.Outcome{}, err
	}
	return live.Outcome{Text: a.Text, NewSecret: a.NewSecret}, nil
}

// Close releases the connections; the seat stays the trainee's.
func (p *seat) Close() error { p.s.Close(); return nil }

// Unreachable says, in the trainee's words, that the room cannot be reached and what
// to do, for the front end to show when joining or a report fails.
func Unreachable(err error) string {
	if !errors.Is(err, room.ErrUnreachable) {
		return ""
	}
	return "The trainer's room cannot be reached (" + strings.TrimPrefix(err.Error(), room.ErrUnreachable.Error()+": ") +
		"). Your progress is kept on this machine; choose a practice tenant of your own to go on, and join again when the room is back."
}

// Reporter sends the session's progress to the room. Observe never blocks the session:
// it keeps the latest progress (check results accumulate) and a goroutine sends it, so a
// slow or absent room costs the trainee nothing; what could not be sent is sent with
// the next report.
type Reporter struct {
	seat *room.Seat
	m    *steps.Machine

	mu      sync.Mutex
	pending *room.Progress
	wake    chan struct{}
	done    chan struct{}
	stopped chan struct{}
	lastErr error
	gen     int
	// Reset is called (from the reporter's goroutine) when the trainer reset the seat:
	// the front end should fetch the seat's new values (Seat.Refresh) and reconnect.
	Reset func()
}

// NewReporter starts reporting for a seat; Close stops it after a last send.
func NewReporter(s *room.Seat, m *steps.Machine) *Reporter {
	r := &Reporter{seat: s, m: m, wake: make(chan struct{}, 1), done: make(chan struct{}), stopped: make(chan struct{}), gen: s.Info.Generation}
	go r.loop()
	return r
}

// Progress turns a state into the room's progress report (no check results).
func Progress(m *steps.Machine, st steps.State) room.Progress {
	var p room.Progress
	sec, _, _ := strings.Cut(st.Screen, "/")
	p.Section = sec
	for _, s := range m.Course.Sections {
		if s.ID == sec {
			p.SectionTitle = s.Title
		}
	}
	pr := m.Progress(st)
	pct := pr.Percent()
	p.Percent = &pct
	p.Finished = pr.Complete()
	if m.Bank != nil {
		sc := m.Bank.Score(st.Quiz)
		q := &room.QuizScore{Correct: sc.FirstTry, Total: sc.Total}
		for id, rec := range st.Quiz {
			if rec.Attempts == 0 {
				continue
			}
			q.Answered++
			if qq, ok := m.Bank.Get(id); ok && !rec.FirstTry(qq) {
				q.Missed = append(q.Missed, id)
			}
		}
		q.Answered = max(q.Answered, q.Correct)
		p.Quiz = q
	}
	return p
}

// Observe is the session's Options.Observe.
func (r *Reporter) Observe(n live.Note) {
	p := Progress(r.m, n.State)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.pending != nil {
		p.Checks = r.pending.Checks
	}
	if (n.Kind == "result" || n.Kind == "sync") && n.Row != nil && n.Row.Status != live.NotRun {
		p.Checks = append(p.Checks, room.CheckResult{ID: n.Row.ID, Status: n.Row.Status, Cause: n.Row.Cause})
		if len(p.Checks) > 150 { // a room that stays away long gets the latest only
			p.Checks = p.Checks[len(p.Checks)-150:]
		}
	}
	r.pending = &p
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Err is the last failure to report (nil once a report went through).
func (r *Reporter) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.lastErr
}

func (r *Reporter) loop() {
	defer close(r.stopped)
	for {
		select {
		case <-r.done:
			r.send()
			return
		case <-r.wake:
		}
		if !r.send() {
			select { // the room is away: try again a little later
			case <-r.done:
				r.send()
				return
			case <-time.After(3 * time.Second):
			}
			select {
			case r.wake <- struct{}{}:
			default:
			}
		}
	}
}

// send reports what is pending; it says whether the room took it.
func (r *Reporter) send() bool {
	r.mu.Lock()
	p := r.pending
	r.pending = nil
	r.mu.Unlock()
	if p == nil {
		return true
	}
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	gen, err := r.seat.Report(ctx, *p)
	r.mu.Lock()
	r.lastErr = err
	if err != nil && errors.Is(err, room.ErrUnreachable) {
		if r.pending == nil { // keep it for the next try, newer progress first
			r.pending = p
		} else {
			r.pending.Checks = append(p.Checks, r.pending.Checks...)
		}
	}
	reset := err == nil && gen != r.gen
	if reset {
		r.gen = gen
	}
	r.mu.Unlock()
	if reset && r.Reset != nil {
		r.Reset()
	}
	return err == nil || !errors.Is(err, room.ErrUnreachable)
}

// Flush sends what is pending now and returns the outcome (nil: the room has it all).
func (r *Reporter) Flush() error {
	r.send()
	return r.Err()
}

// Close sends what is pending (waiting at most for one call to the room) and stops.
func (r *Reporter) Close() {
	select {
	case <-r.done:
	default:
		close(r.done)
	}
	<-r.stopped
}
