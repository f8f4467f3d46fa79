package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// field is a one-line text input of the live-check forms: bubbles'
// textinput holds the value and does the editing (cursor, word and line
// deletes, paste, line breaks made spaces), and the field draws it in
// terminal cells, so wide characters (CJK, emoji) keep the row aligned. It
// draws without a blinking cursor, so frames stay still between keys.
type field struct {
	in     textinput.Model
	masked bool // a secret: drawn as dots, never as text
	// keepEnd cuts a long value at its start when not editing: a vault's
	// resource ID or URL ends with the name that tells vaults apart.
	keepEnd bool
}

func newField() *field {
	in := textinput.New()
	in.Prompt = ""
	return &field{in: in}
}

func (f *field) value() string { return f.in.Value() }

// focus starts an edit with the cursor at the end.
func (f *field) focus() {
	_ = f.in.Focus() // the blink command is not wanted: the field draws its own cursor
	f.in.CursorEnd()
}

func (f *field) blur() { f.in.Blur() }

// update edits the field with a key or a paste; it reports whether the
// value changed.
func (f *field) update(msg tea.Msg) bool {
	before := f.in.Value()
	f.in, _ = f.in.Update(msg)
	return f.in.Value() != before
}

// set replaces the value and puts the cursor at its end.
func (f *field) set(v string) {
	f.in.SetValue(v)
	f.in.CursorEnd()
}

// view draws the value within width cells; editing shows a cursor. A
// masked value shows one dot per character, at most 16, and its length.
func (f *field) view(width int, editing bool) string {
	v := f.in.Value()
	if f.masked {
		n := len([]rune(v))
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
	if !editing {
		if w := ansi.StringWidth(v); f.keepEnd && w > width && width > 1 {
			return ansi.TruncateLeft(v, w-(width-1), "…")
		}
		return truncate(v, width)
	}
	r := []rune(v)
	pos := min(max(0, f.in.Position()), len(r))
	head, after := string(r[:pos]), string(r[pos:])
	// Keep the cursor in sight. Near the start of a long value the end is
	// cut (truncate puts "…" in the last cell); further in, the start is cut
	// too, so that the cursor sits just before that last cell.
	if hw := ansi.StringWidth(head); hw+1+ansi.StringWidth(after) > width && hw+1 > width-1 && width > 2 {
		// Whole characters from the cursor back, within width-3 cells.
		hr, cells, i := []rune(head), 0, len([]rune(head))
		for i > 0 && cells+ansi.StringWidth(string(hr[i-1])) <= width-3 {
			i--
			cells += ansi.StringWidth(string(hr[i]))
		}
		head = "…" + string(hr[i:])
	}
	return truncate(head+"█"+after, width)
}
