package termsafe

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// Hostile strings as a server could send them in a display name, an error
// message or a tag, each with what must reach the terminal.
var cases = []struct {
	name, in, want string
}{
	{"plain ASCII", "Prod-VM-Admin-Pass", "Prod-VM-Admin-Pass"},
	{"unicode kept", "Überweisung – Konto ✓ 日本", "Überweisung – Konto ✓ 日本"},
	{"clear screen", "Sub\x1b[2Jscription", "Subscription"},
	{"cursor home and SGR", "\x1b[H\x1b[1;31mred\x1b[0m", "red"},
	{"OSC 52 clipboard, BEL", "app\x1b]52;c;dG91Y2ggUFdORUQ=\x07name", "appname"},
	{"OSC 52 clipboard, ST", "app\x1b]52;c;dG91Y2g=\x1b\\name", "appname"},
	{"OSC 0 title", "\x1b]0;owned\x07kvbridge-app", "kvbridge-app"},
	{"OSC 8 hyperlink", "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\", "click"},
	{"unterminated OSC", "name\x1b]52;c;AAAA", "name"},
	{"OSC cut by a new sequence", "a\x1b]0;t\x1b[2Jb", "ab"},
	{"DCS", "a\x1bPq#0;2;0;0;0\x1b\\b", "ab"},
	{"APC", "a\x1b_Gf=100;AAAA\x1b\\b", "ab"},
	{"two-byte ESC (RIS)", "a\x1bcb", "ab"},
	{"ESC with intermediate (charset)", "a\x1b(0b", "ab"},
	{"lone ESC at end", "a\x1b", "a"},
	{"C1 CSI", "a\u009b2Jb", "ab"},
	{"C1 OSC with C1 ST", "a\u009d0;t\u009cb", "ab"},
	{"C1 OSC with BEL", "a\u009d52;c;QQ==\x07b", "ab"},
	{"other C1 controls", "a\u0085b\u0084c", "abc"},
	{"raw C1 byte (not UTF-8)", "a\x9bb", "a\ufffdb"},
	{"newline cannot forge a line", "name\n✓ pass  auth.token", "name ✓ pass  auth.token"},
	{"carriage return cannot overwrite", "bad\r✓ good", "bad ✓ good"},
	{"tab", "a\tb", "a b"},
	{"line separator", "a\u2028b\u2029c", "a b c"},
	{"backspace and bell", "ab\x08\x08cd\x07", "abcd"},
	{"NUL and DEL", "a\x00b\x7fc", "abc"},
	{"RLO override", "invoice\u202egpj.exe", "invoicegpj.exe"},
	{"bidi isolates and marks", "\u2066a\u2067b\u2068c\u2069\u200ed\u200f\u061c", "abcd"},
	{"embeddings and PDF", "\u202aa\u202bb\u202c\u202dc", "abc"},
	{"invalid UTF-8", "a\xff\xfeb", "a\ufffd\ufffdb"},
	{"AADSTS message", "AADSTS7000112: Application 'x\x1b[2J\x1b]52;c;cm0gLXJm\x07' (8f7a) is disabled.\r\nTrace ID: 1",
		"AADSTS7000112: Application 'x' (8f7a) is disabled.  Trace ID: 1"},
}

func TestClean(t *testing.T) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Clean(c.in)
			if got != c.want {
				t.Errorf("Clean(%q) = %q, want %q", c.in, got, c.want)
			}
			if !safe(got) {
				t.Errorf("Clean(%q) = %q still holds something a terminal acts on", c.in, got)
			}
			if again := Clean(got); again != got {
				t.Errorf("Clean is not idempotent: %q then %q", got, again)
			}
		})
	}
}

// safe is the property every output must have, independent of the parser:
// valid UTF-8 with no control character and no bidirectional control.
func safe(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || bidi(r) || r == '\u2028' || r == '\u2029' {
			return false
		}
	}
	return true
}

func TestCleanDoesNotCopyInertText(t *testing.T) {
	s := strings.Repeat("kv-bridge ", 20)
	if n := testing.AllocsPerRun(100, func() { _ = Clean(s) }); n != 0 {
		t.Errorf("Clean allocated %v times for plain ASCII", n)
	}
}

func FuzzClean(f *testing.F) {
	for _, c := range cases {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Clean(s)
		if !safe(got) {
			t.Fatalf("Clean(%q) = %q is not inert", s, got)
		}
		if len(got) > 3*len(s) {
			t.Fatalf("Clean(%q) grew to %d bytes", s, len(got))
		}
	})
}

func BenchmarkClean(b *testing.B) {
	inertText := "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID."
	hostile := "AADSTS7000112: Application 'x\x1b[2J\x1b]52;c;cm0gLXJm\x07' is disabled.\r\n\u202eTrace ID: 1"
	b.Run("inert", func(b *testing.B) {
		for b.Loop() {
			_ = Clean(inertText)
		}
	})
	b.Run("hostile", func(b *testing.B) {
		for b.Loop() {
			_ = Clean(hostile)
		}
	})
}
