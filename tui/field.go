package tui

import (
	"fmt"
	"strings"
	"unicode"

	tea "charm.land/bubbletea/v2"
)

// field is a one-line text input of the live-check forms. It is a plain
// value (a string and a cursor), so models copy it safely, and it draws
// without a blinking cursor, so frames stay still between keys.
type field struct {
	value  string
	pos    int  // cursor, in runes
	masked bool // a secret: drawn as dots, never as text
	// keepEnd cuts a long value at its start when not editing: a vault's
	// resource ID or URL ends with the name that tells vaults apart.
	keepEnd bool
}

// key edits the field; it reports whether the key was an edit.
func (f *field) key(msg tea.KeyPressMsg) bool {
	r := []rune(f.value)
	f.pos = min(max(0, f.pos), len(r))
	switch msg.String() {
	case "left", "ctrl+b":
		f.pos = max(0, f.pos-1)
	case "right", "ctrl+f":
		f.pos = min(len(r), f.pos+1)
	case "home", "ctrl+a":
		f.pos = 0
	case "end", "ctrl+e":
		f.pos = len(r)
	case "backspace", "ctrl+h":
		if f.pos > 0 {
			r = append(r[:f.pos-1], r[f.pos:]...)
			f.pos--
		}
	case "delete", "ctrl+d":
		if f.pos < len(r) {
			r = append(r[:f.pos], r[f.pos+1:]...)
		}
	case "ctrl+u":
		r = r[f.pos:]
		f.pos = 0
	case "ctrl+k":
		r = r[:f.pos]
	case "ctrl+w":
		i := f.pos
		for i > 0 && unicode.IsSpace(r[i-1]) {
			i--
		}
		for i > 0 && !unicode.IsSpace(r[i-1]) {
			i--
		}
		r = append(r[:i], r[f.pos:]...)
		f.pos = i
	default:
		if msg.Text == "" {
			return false
		}
		f.insert(msg.Text)
		return true
	}
	f.value = string(r)
	return true
}

// insert puts text at the cursor (typing or a paste). Line breaks and tabs
// become spaces, so a pasted value with a trailing newline stays one line;
// the checks then trim and warn.
func (f *field) insert(s string) {
	s = strings.Map(func(c rune) rune {
		switch {
		case c == '\n' || c == '\r' || c == '\t':
			return ' '
		case unicode.IsControl(c):
			return -1
		}
		return c
	}, s)
	r := []rune(f.value)
	f.pos = min(max(0, f.pos), len(r))
	ins := []rune(s)
	out := make([]rune, 0, len(r)+len(ins))
	out = append(out, r[:f.pos]...)
	out = append(out, ins...)
	out = append(out, r[f.pos:]...)
	f.value = string(out)
	f.pos += len(ins)
}

// set replaces the value and puts the cursor at its end.
func (f *field) set(v string) {
	f.value = v
	f.pos = len([]rune(v))
}

// view draws the value within width cells; editing shows a cursor. A
// masked value shows one dot per character, at most 16, and its length.
func (f field) view(width int, editing bool) string {
	if f.masked {
		n := len([]rune(f.value))
		if n == 0 {
			if editing {
				return "█"
			}
			return ""
		}
		dots := strings.Repeat("•", min(n, 16))
		s := fmt.Sprintf("%s (%d chars)", dots, n)
		if editing {
			s = fmt.Sprintf("%s█ (%d chars)", dots, n)
		}
		return truncate(s, width)
	}
	r := []rune(f.value)
	if !editing {
		if f.keepEnd && len(r) > width && width > 1 {
			return "…" + string(r[len(r)-(width-1):])
		}
		return truncate(f.value, width)
	}
	pos := min(max(0, f.pos), len(r))
	// Keep the cursor in sight. Near the start of a long value the end is
	// cut (truncate puts "…" in the last cell); further in, the start is cut
	// too, so that the cursor sits just before that last cell.
	head := append(r[:pos:pos], '█')
	after := string(r[pos:])
	if len(head)+len(r)-pos > width && len(head) > width-2 && width > 2 {
		head = append([]rune{'…'}, head[len(head)-(width-2):]...)
	}
	return truncate(string(head)+after, width)
}
