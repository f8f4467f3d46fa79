package tty

import (
	"bytes"
	"testing"

	"github.com/charmbracelet/colorprofile"
)

// No colour with NO_COLOR (any value), the option, TERM=dumb, or a pipe; a
// forced colour terminal gets colour.
func TestColorProfile(t *testing.T) {
	colour := []string{"TERM=xterm-256color", "COLORTERM=truecolor", "TTY_FORCE=1"}
	var b bytes.Buffer
	for name, c := range map[string]struct {
		env     []string
		noColor bool
		want    bool
	}{
		"forced colour terminal": {colour, false, true},
		"NO_COLOR=yes":           {append(colour[:3:3], "NO_COLOR=yes"), false, false},
		"the option":             {colour, true, false},
		"TERM=dumb":              {[]string{"TERM=dumb", "TTY_FORCE=1"}, false, false},
		"a pipe":                 {[]string{"TERM=xterm-256color"}, false, false},
	} {
		if got := ColorProfile(&b, c.env, c.noColor) > colorprofile.NoTTY; got != c.want {
			t.Errorf("%s: colour %v, want %v", name, got, c.want)
		}
	}
	if IsTerminal(&b) {
		t.Error("a buffer is a terminal")
	}
}
