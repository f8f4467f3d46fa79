package room

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/kvbridge/kvbridge/steps/azure/sandbox"
)

// SeatView is one row of the trainer's dashboard. It never holds a secret: no token,
// no client secret, no practice password. The scenario is there for the trainer's
// screen to hide until revealed.
type SeatView struct {
	Seat         int               `json:"seat"`
	Name         string            `json:"name,omitempty"`
	Joined       bool              `json:"joined"`
	Section      string            `json:"section,omitempty"`
	SectionTitle string            `json:"section_title,omitempty"`
	Percent      int               `json:"percent"`
	Quiz         QuizScore         `json:"quiz"`
	FailingCheck string            `json:"failing_check,omitempty"`
	FailingCause string            `json:"failing_cause,omitempty"`
	LastActivity time.Time         `json:"last_activity,omitzero"`
	IdleSeconds  int               `json:"idle_s"`
	Stuck        string            `json:"stuck,omitempty"`
	Finished     bool              `json:"finished,omitempty"`
	Revealed     bool              `json:"revealed,omitempty"`
	Answer       sandbox.AnswerKey `json:"answer"`
	Breaks       []BreakRecord     `json:"breaks,omitempty"`
}

// Seats lists every seat for the dashboard.
func (r *Room) Seats() []SeatView {
	now := r.now()
	out := make([]SeatView, len(r.seats))
	for i, s := range r.seats {
		s.mu.Lock()
		st := s.st
		p := &st.Progress
		v := SeatView{
			Seat: st.Seat, Name: st.Name, Joined: s.hash != nil, Section: p.Section, SectionTitle: p.SectionTitle,
			Percent: p.Percent, Quiz: p.Quiz, LastActivity: st.LastActivity, Finished: p.Finished,
			Revealed: st.Revealed, Answer: st.Answer, Breaks: append([]BreakRecord(nil), st.Breaks...),
		}
		v.Quiz.Missed = append([]string(nil), p.Quiz.Missed...)
		v.FailingCheck, v.FailingCause, _ = p.failing()
		if !st.LastActivity.IsZero() {
			v.IdleSeconds = int(now.Sub(st.LastActivity) / time.Second)
		}
		v.Stuck = p.stuck(now, r.opts.StuckAfter)
		s.mu.Unlock()
		out[i] = v
	}
	return out
}

// Reveal marks a seat's answer as revealed and returns it.
func (r *Room) Reveal(seat int) (sandbox.AnswerKey, error) {
	s, err := r.seatByNumber(seat)
	if err != nil {
		return sandbox.AnswerKey{}, err
	}
	s.mu.Lock()
	s.st.Revealed = true
	a := s.st.Answer
	gen := r.bump(s)
	s.mu.Unlock()
	return a, r.saver.changed(gen, true)
}

// Break is a fault the trainer can put on a seat's tenant: "the trainer breaks it, you
// fix it". Check and Cause are what the seat's checks then report (tested).
type Break struct {
	Name  string `json:"name"`
	Title string `json:"title"`
	Check string `json:"check"`
	Cause string `json:"cause"`
	run   func(t *sandbox.Tenant, in sandbox.Info, st *seatState) error
}

var breaks = []Break{
	{"expire-secret", "Expire the app's client secrets", "auth.token", "secret-expired",
		func(t *sandbox.Tenant, in sandbox.Info, st *seatState) error {
			n := 0
			ids, err := t.ClientSecretIDs(in.ClientID)
			if err != nil {
				return err
			}
			for _, id := range ids {
				if t.ExpireClientSecret(in.ClientID, id) == nil {
					n++
				}
			}
			if n == 0 {
				return errors.New("the seat's app has no client secret the room knows of")
			}
			return nil
		}},
	{"remove-reader", "Remove Reader from the vault (the empty dropdown)", "arm.vaults", "target-not-listed",
		func(t *sandbox.Tenant, in sandbox.Info, _ *seatState) error {
			return t.RemoveRole(in.ClientID, "Reader", "vault")
		}},
	{"close-firewall", "Close the vault firewall", "vault.network", "firewall",
		func(t *sandbox.Tenant, in sandbox.Info, _ *seatState) error { return t.SetFirewall(in.VaultName, true) }},
	{"access-policies", "Switch the vault to access policies", "data.secrets", "forbidden-by-access-policy",
		func(t *sandbox.Tenant, in sandbox.Info, _ *seatState) error {
			return t.SetPermissionModel(in.VaultName, false)
		}},
	{"delete-secret", "Delete the synced secret (soft delete)", "mapping.secret", "deleted-but-recoverable",
		func(t *sandbox.Tenant, in sandbox.Info, _ *seatState) error {
			return t.DeleteVaultSecret(in.VaultName, in.SecretName)
		}},
	{"remove-officer", "Remove Key Vault Secrets Officer from the vault", "rbac.secrets-write", "no-role",
		func(t *sandbox.Tenant, in sandbox.Info, _ *seatState) error {
			return t.RemoveRole(in.ClientID, "Key Vault Secrets Officer", "vault")
		}},
	{"disable-app", "Disable the app's sign-in", "auth.token", "app-disabled",
		func(t *sandbox.Tenant, in sandbox.Info, _ *seatState) error {
			return t.SetAppEnabled(in.ClientID, false)
		}},
}

// Breaks lists the trainer's faults, in the dashboard's order.
func Breaks() []Break { return append([]Break(nil), breaks...) }

// Break puts a fault on a seat's tenant: one of Breaks() by name, or any practice
// action of the sandbox's admin API (its action name, params its JSON body).
func (r *Room) Break(seat int, action string, params json.RawMessage) (string, error) {
	s, err := r.seatByNumber(seat)
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	text, err := runBreak(s, action, params)
	if err != nil {
		s.mu.Unlock()
		return "", err
	}
	s.dirty = true
	s.st.Breaks = append(s.st.Breaks, BreakRecord{Action: action, At: r.now().UTC()})
	gen := r.bump(s)
	s.mu.Unlock()
	return fmt.Sprintf("%s on seat %d.", text, seat), r.saver.changed(gen, true)
}

func runBreak(s *seatRT, action string, params json.RawMessage) (string, error) {
	in := s.tenant.Info()
	for _, b := range breaks {
		if b.Name == action {
			if err := b.run(s.tenant, in, s.st); err != nil {
				return "", fmt.Errorf("%s: %s", b.Title, strings.TrimPrefix(err.Error(), "sandbox: "))
			}
			return b.Title, nil
		}
	}
	if !validAdminAction(action) {
		return "", fmt.Errorf("no fault or practice action %q (the faults: %s)", action, breakNames())
	}
	if err := adminAction(s.tenant, in, action, params); err != nil {
		return "", fmt.Errorf("practice action %s: %v", action, err)
	}
	return "Practice action " + action, nil
}

func breakNames() string {
	var n []string
	for _, b := range breaks {
		n = append(n, b.Name)
	}
	return strings.Join(n, ", ")
}

func validAdminAction(a string) bool {
	if a == "" || len(a) > 64 {
		return false
	}
	for _, c := range a {
		if !(c >= 'a' && c <= 'z' || c == '-') {
			return false
		}
	}
	return true
}

// adminAction runs a practice action through the tenant's own admin API, in process.
func adminAction(t *sandbox.Tenant, in sandbox.Info, action string, params json.RawMessage) error {
	body := string(params)
	if strings.TrimSpace(body) == "" {
		body = "{}"
	}
	req := httptest.NewRequest(http.MethodPost, "https://login.microsoftonline.com/_sandbox/"+action, strings.NewReader(body))
	req.Header.Set("X-Sandbox-Admin-Key", in.AdminKey)
	rec := httptest.NewRecorder()
	t.Handler().ServeHTTP(rec, req)
	if rec.Code == http.StatusOK {
		return nil
	}
	var e struct {
		Error struct{ Message string } `json:"error"`
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &e)
	if e.Error.Message == "" {
		e.Error.Message = http.StatusText(rec.Code)
	}
	return errors.New(e.Error.Message)
}

// Reset gives a seat a fresh tenant of its deal (new credentials, same scenario) and
// clears its progress; the trainee keeps the seat and fetches the new values.
func (r *Room) Reset(seat int) error {
	s, err := r.seatByNumber(seat)
	if err != nil {
		return err
	}
	s.mu.Lock()
	deal := s.st.Deal
	s.mu.Unlock()
	t, err := buildTenant(deal)
	if err != nil {
		return err
	}
	s.mu.Lock()
	old := s.tenant
	s.tenant, s.handler, s.dirty = t, t.Handler(), true
	s.st.Answer = t.AnswerKey()
	s.st.Progress, s.st.Breaks = seatProgress{}, nil
	s.st.Generation++
	gen := r.bump(s)
	s.mu.Unlock()
	_ = old.Close()
	return r.saver.changed(gen, true)
}
