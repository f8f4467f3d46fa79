package plain

import (
	"bytes"
	"strings"
	"testing"

	"github.com/charmbracelet/colorprofile"

	"github.com/kvbridge/kvbridge/steps/azure"
)

// On a colour terminal the colour writer lets escape sequences through, so
// doctor's text must clean what servers said before it writes: a display name
// with a screen clear, a clipboard write (OSC 52) and a title (OSC 0), in an
// error message, a title, a cause and a suggested command.
func TestResultWriterCleansServerTextOnAColourTerminal(t *testing.T) {
	const evil = "\x1b[2J\x1b]52;c;dG91Y2g=\x07\x1b]0;pwned\x07\u009b2J\u202e"
	var buf bytes.Buffer
	p := &ResultWriter{w: &colorprofile.Writer{Forward: &buf, Profile: colorprofile.TrueColor}, sty: newPlainStyles(true), width: 100}
	r := azure.Result{
		ID: "auth.token", Status: azure.StatusFail, Cause: "app-disabled" + evil,
		Title:  "Entra ID refused the sign-in" + evil,
		Detail: "AADSTS7000112: Application 'app" + evil + "' is disabled.\r\n✓ pass  forged",
		Fix:    &azure.Fix{Summary: "Enable it" + evil, Portal: "Entra" + evil, Az: []string{"az ad sp update --id x" + evil}},
	}
	p.Result(r)
	p.Fixes(&azure.Report{Results: []azure.Result{r}})
	out := buf.String()
	for _, bad := range []string{"\x1b[2J", "\x1b]", "\u009b", "\u202e", "pwned", "\r"} {
		if strings.Contains(out, bad) {
			t.Errorf("output holds %q:\n%q", bad, out)
		}
	}
	if !strings.Contains(out, "\x1b[") {
		t.Error("no colour at all: the test does not exercise a colour terminal")
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "✓ pass") {
			t.Errorf("a server newline forged a line of its own: %q", line)
		}
	}
}
