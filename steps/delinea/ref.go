package delinea

import (
	"errors"
	"strconv"
	"strings"
	"unicode"
)

// Ref names a secret: by ID (a positive number) or by its name.
type Ref struct {
	ID   int
	Name string
}

// ParseRef reads a secret reference as a user types it: digits are an ID, anything
// else a name. An empty reference, 0, a negative number or a name with control
// characters is refused with a message that says what to give.
func ParseRef(s string) (Ref, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return Ref{}, errors.New("empty: give the secret's ID (the number in its URL, e.g. 42) or its exact name")
	}
	if strings.IndexFunc(t, unicode.IsControl) >= 0 {
		return Ref{}, errors.New("a secret name has no control characters: give the secret's ID or its exact name")
	}
	if strings.TrimLeft(t, "0123456789") == "" {
		id, err := strconv.Atoi(t)
		if err != nil || id <= 0 {
			return Ref{}, errors.New("a secret ID is a positive number, e.g. 42")
		}
		return Ref{ID: id}, nil
	}
	if t[0] == '-' || t[0] == '+' {
		if _, err := strconv.Atoi(t); err == nil {
			return Ref{}, errors.New("a secret ID is a positive number, e.g. 42")
		}
	}
	if len(t) > 256 {
		return Ref{}, errors.New("a secret name has at most 256 characters")
	}
	return Ref{Name: t}, nil
}

// String is the reference as a user would type it again: the ID, or the name.
func (r Ref) String() string {
	if r.ID > 0 {
		return strconv.Itoa(r.ID)
	}
	return r.Name
}

// Zero reports whether nothing was given.
func (r Ref) Zero() bool { return r.ID == 0 && r.Name == "" }
