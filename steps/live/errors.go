package live

import (
	"errors"
	"strings"

	"github.com/kvbridge/kvbridge/internal/termsafe"
	"github.com/kvbridge/kvbridge/steps"
)

// FieldError is a typed value the field does not take.
type FieldError struct {
	Field  string // steps.Field* name
	Reason string // what is wrong and what to type, a sentence
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Reason }

// NotReadyError says why the checks (or a sync, or a practice action) cannot
// run yet, and what to do.
type NotReadyError struct{ Why string }

func (e *NotReadyError) Error() string { return e.Why }

// Words turns any error of the live part into the sentence a front end
// shows: the one place errors become words.
func Words(err error) string {
	// Errors carry what servers and files said (a Delinea message, a network
	// error, a value read from a file): cleaned here for every front end.
	return termsafe.Clean(words(err))
}

func words(err error) string {
	if err == nil {
		return ""
	}
	var fe *FieldError
	var re *RefusedError
	var nr *NotReadyError
	switch {
	case errors.As(err, &re):
		return "The portal would refuse: " + sentence(re.Reason)
	case errors.As(err, &fe):
		return sentence(fe.Reason)
	case errors.As(err, &nr):
		return sentence(nr.Why)
	case errors.Is(err, steps.ErrRejected):
		return "Not possible here: " + sentence(strings.TrimPrefix(err.Error(), steps.ErrRejected.Error()+": "))
	}
	return sentence(err.Error())
}

// sentence starts with a capital and ends with a full stop.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	if c := s[0]; c >= 'a' && c <= 'z' {
		s = string(c-'a'+'A') + s[1:]
	}
	if !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, ")") && !strings.HasSuffix(s, "?") {
		s += "."
	}
	return s
}
