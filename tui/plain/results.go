package plain

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/charmbracelet/colorprofile"

	"github.com/kvbridge/kvbridge/internal/termsafe"
	"github.com/kvbridge/kvbridge/steps/azure"
	"github.com/kvbridge/kvbridge/steps/azure/sandbox"
	"github.com/kvbridge/kvbridge/tui/internal/wrap"
)

// ResultWriter writes check results line by line, for kvbridge doctor: a
// symbol and a word per check as it completes, then the fixes, then a count.
// Colour goes through a colorprofile writer, so NO_COLOR (any value), pipes
// and TERM=dumb get plain text.
type ResultWriter struct {
	w     io.Writer
	ascii bool // [ok]/[XX] where the terminal may not show ✓/✗
	sty   plainStyles
	width int
}

// NewResultWriter writes to out; getenv reads NO_COLOR, TERM and the locale.
func NewResultWriter(out io.Writer, getenv func(string) string) *ResultWriter {
	profile := colorprofile.NoTTY
	if getenv("NO_COLOR") == "" && getenv("TERM") != "dumb" && plainIsTTY(out) {
		var environ []string
		for _, k := range []string{"TERM", "COLORTERM", "CLICOLOR", "CLICOLOR_FORCE"} {
			if v := getenv(k); v != "" {
				environ = append(environ, k+"="+v)
			}
		}
		profile = colorprofile.Detect(out, environ)
	}
	return &ResultWriter{
		w:     &colorprofile.Writer{Forward: out, Profile: profile},
		ascii: !utf8Locale(getenv) || getenv("TERM") == "dumb",
		sty:   newPlainStyles(profile > colorprofile.NoTTY),
		width: 100,
	}
}

func utf8Locale(getenv func(string) string) bool {
	for _, k := range []string{"LC_ALL", "LC_CTYPE", "LANG"} {
		if v := strings.ToLower(getenv(k)); v != "" {
			return strings.Contains(v, "utf-8") || strings.Contains(v, "utf8")
		}
	}
	return false
}

func (p *ResultWriter) symbol(s azure.Status) string {
	sym := map[azure.Status][2]string{
		azure.StatusPass: {"✓", "[ok]"}, azure.StatusWarn: {"!", "[!!]"},
		azure.StatusFail: {"✗", "[XX]"}, azure.StatusSkip: {"–", "[--]"},
	}[s]
	out := sym[0]
	if p.ascii {
		out = sym[1]
	}
	switch s {
	case azure.StatusPass:
		return p.sty.render(p.sty.good, out)
	case azure.StatusWarn:
		return p.sty.render(p.sty.warningNote, out)
	case azure.StatusFail:
		return p.sty.render(p.sty.critical, out)
	}
	return p.sty.render(p.sty.dim, out)
}

// Line writes a line of its own (a heading, a note).
func (p *ResultWriter) Line(s string) { fmt.Fprintln(p.w, s) }

// Result writes one check as it completes; anything but a pass gets its
// cause and detail underneath.
func (p *ResultWriter) Result(r azure.Result) {
	c := termsafe.Clean // results carry server text; the colour writer passes escapes through
	fmt.Fprintf(p.w, "%s %-4s  %-22s %s\n", p.symbol(r.Status), c(string(r.Status)), c(r.ID), c(r.Title))
	if r.Status == azure.StatusPass || r.Detail == "" {
		return
	}
	head := ""
	if r.Cause != "" {
		head = c(r.Cause) + ": "
	}
	for _, line := range wrap.Text(head+c(r.Detail), p.width-8) {
		fmt.Fprintf(p.w, "        %s\n", line)
	}
}

// Fixes writes the fix of every failed or warned check: what to do, the
// portal path and the az commands, unwrapped so they can be copied.
func (p *ResultWriter) Fixes(rep *azure.Report) {
	first := true
	for _, r := range rep.Results {
		if r.Fix == nil || (r.Status != azure.StatusFail && r.Status != azure.StatusWarn) {
			continue
		}
		if first {
			fmt.Fprintln(p.w, "\n"+p.sty.render(p.sty.heading, "How to fix:"))
			first = false
		}
		c := termsafe.Clean
		fmt.Fprintf(p.w, "\n  %s (%s): %s\n", c(r.ID), c(r.Cause), c(r.Fix.Summary))
		if r.Fix.Portal != "" {
			fmt.Fprintf(p.w, "    Portal: %s\n", c(r.Fix.Portal))
		}
		for _, cmd := range r.Fix.Az {
			fmt.Fprintf(p.w, "    $ %s\n", c(cmd))
		}
	}
}

// Summary counts the results.
func (p *ResultWriter) Summary(rep *azure.Report, d time.Duration, cancelled bool) {
	n := map[azure.Status]int{}
	for _, r := range rep.Results {
		n[r.Status]++
	}
	fmt.Fprintf(p.w, "\n%d passed, %d with warnings, %d failed, %d skipped in %.1fs",
		n[azure.StatusPass], n[azure.StatusWarn], n[azure.StatusFail], n[azure.StatusSkip], d.Seconds())
	if cancelled {
		fmt.Fprint(p.w, " (cancelled)")
	}
	fmt.Fprintln(p.w)
}

// WriteScenarios lists the practice tenant's scenarios and what each teaches
// (kvbridge sandbox list).
func WriteScenarios(w io.Writer, scenarios []sandbox.Scenario) {
	for _, s := range scenarios {
		expect := "all checks pass"
		switch {
		case s.ExpectCheck != "":
			expect = s.ExpectCheck + " fails: " + s.ExpectCause
		case s.Name == "mystery":
			expect = "see the answer key"
		}
		fmt.Fprintf(w, "%-20s %s\n", s.Name, s.Title)
		for _, line := range wrap.Text(s.Teaches, 70) {
			fmt.Fprintf(w, "%20s %s\n", "", line)
		}
		fmt.Fprintf(w, "%20s expect: %s\n\n", "", expect)
	}
}
