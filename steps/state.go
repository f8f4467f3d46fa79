package steps

import (
	"maps"
	"time"

	"github.com/kvbridge/kvbridge/quiz"
)

// FormatVersion is the version of the saved progress format. Bump it when a
// field changes meaning; older files are then moved aside, never misread.
const FormatVersion = 1

// Check statuses, as the live checks report them.
const (
	StatusPass = "pass"
	StatusWarn = "warn"
	StatusFail = "fail"
	StatusSkip = "skip"
)

// State is everything the trainee has done. It holds no secret by construction:
// no field can carry a client secret or a password.
type State struct {
	Version    int                    `json:"version"`
	Screen     string                 `json:"screen"`
	StartedAt  time.Time              `json:"started_at"`
	UpdatedAt  time.Time              `json:"updated_at"`
	FinishedAt *time.Time             `json:"finished_at,omitempty"`
	Tasks      map[string]bool        `json:"tasks"`
	Quiz       map[string]quiz.Record `json:"quiz"`
	Acks       map[string]bool        `json:"acks"`
	Checks     map[string]CheckMark   `json:"checks"`
}

// CheckMark is the last result of one live check.
type CheckMark struct {
	Status string    `json:"status"`
	At     time.Time `json:"at"`
}

// Passed reports whether the check ended well enough to count as done.
func (c CheckMark) Passed() bool { return c.Status == StatusPass || c.Status == StatusWarn }

func (s State) clone() State {
	c := s
	c.Tasks = cloneMap(s.Tasks)
	c.Quiz = cloneMap(s.Quiz)
	c.Acks = cloneMap(s.Acks)
	c.Checks = cloneMap(s.Checks)
	if s.FinishedAt != nil {
		t := *s.FinishedAt
		c.FinishedAt = &t
	}
	return c
}

func cloneMap[K comparable, V any](m map[K]V) map[K]V {
	if m == nil {
		return map[K]V{}
	}
	return maps.Clone(m)
}

// Elapsed is the time from start to finish, or to the last change if unfinished.
func (s State) Elapsed() time.Duration {
	end := s.UpdatedAt
	if s.FinishedAt != nil {
		end = *s.FinishedAt
	}
	return end.Sub(s.StartedAt)
}
