// Package termsafe makes text that comes from outside kvbridge (a server's
// response, a saved file, a state file) safe to print on a terminal.
//
// A terminal acts on what it is sent: ESC[2J clears the screen, an OSC 52
// sequence writes the clipboard, OSC 0 retitles the window, a carriage return
// or a bidirectional override makes the line read as something it is not.
// Every string from a server or a file passes through Clean before it is
// printed, whichever front end prints it; course text, which ships inside the
// binary, does not need to.
package termsafe

import (
	"strings"
	"unicode/utf8"
)

// Clean returns s as one line of inert text:
//   - escape sequences (CSI, OSC, DCS, SOS, PM, APC, and two-character ESC
//     sequences), in their 7-bit and C1 forms, are removed whole, parameters
//     and all, so nothing of them reaches the terminal;
//   - newlines, carriage returns, tabs and the Unicode line and paragraph
//     separators become a space, so a value cannot start a line of its own
//     (a forged "✓ pass") or overwrite the one it is on;
//   - every other C0 control, DEL, the C1 controls U+0080-U+009F and the
//     bidirectional marks, embeddings, overrides and isolates are removed;
//   - bytes that are not UTF-8 become U+FFFD.
//
// Text without any of these is returned as is, without allocating.
func Clean(s string) string {
	if inert(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteRune(utf8.RuneError)
			i++
		case r == 0x1b: // ESC
			i += escLen(s[i:])
		case r == 0x9b: // CSI in its C1 form
			i += n + csiLen(s[i+n:])
		case r == 0x9d || r == 0x90 || r == 0x98 || r == 0x9e || r == 0x9f: // OSC, DCS, SOS, PM, APC
			i += n + stringLen(s[i+n:])
		case r == '\n' || r == '\r' || r == '\t' || r == '\u2028' || r == '\u2029':
			b.WriteByte(' ')
			i += n
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || bidi(r):
			i += n
		default:
			b.WriteString(s[i : i+n])
			i += n
		}
	}
	return b.String()
}

// inert reports whether s is printable ASCII only: the common case, which
// needs no copy.
func inert(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// bidi reports whether r changes the direction text is shown in: the marks
// (LRM, RLM, ALM), embeddings and overrides (LRE, RLE, PDF, LRO, RLO) and
// isolates (LRI, RLI, FSI, PDI). "Trojan Source" text uses them to show one
// order of characters and mean another.
func bidi(r rune) bool {
	return r == '\u200e' || r == '\u200f' || r == '\u061c' ||
		(r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069')
}

// escLen is the length of the escape sequence at the start of s (s[0] is
// ESC). An unterminated sequence runs to the end of s, as a terminal would
// read it.
func escLen(s string) int {
	if len(s) < 2 {
		return len(s)
	}
	switch s[1] {
	case '[':
		return 2 + csiLen(s[2:])
	case ']', 'P', 'X', '^', '_':
		return 2 + stringLen(s[2:])
	}
	// ESC, intermediates 0x20-0x2F, then one final byte 0x30-0x7E.
	i := 1
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
		i++
	}
	if i < len(s) && s[i] >= 0x30 && s[i] <= 0x7e {
		i++
	}
	return i
}

// csiLen is the length of a control sequence's body: parameter bytes
// 0x30-0x3F, intermediate bytes 0x20-0x2F and the final byte 0x40-0x7E. A
// byte outside those ranges ends it early (and is kept).
func csiLen(s string) int {
	i := 0
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x3f {
		i++
	}
	if i < len(s) && s[i] >= 0x40 && s[i] <= 0x7e {
		i++
	}
	return i
}

// stringLen is the length of a control string's body (OSC, DCS, SOS, PM,
// APC) up to and including its terminator: BEL, ESC \ or the C1 ST (U+009C).
// Without a terminator it is the rest of s.
func stringLen(s string) int {
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == 0x07:
			return i + 1
		case s[i] == 0x1b:
			if i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
			return i // a new sequence ends this one; it is removed in turn
		case s[i] == 0xc2 && i+1 < len(s) && s[i+1] == 0x9c:
			return i + 2
		}
	}
	return len(s)
}
