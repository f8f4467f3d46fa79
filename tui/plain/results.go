package plain

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/colorprofile"

	"github.com/kvbridge/kvbridge/internal/termsafe"
	"github.com/kvbridge/kvbridge/internal/tty"
	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/azure"
	"github.com/kvbridge/kvbridge/steps/live"
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
	var environ []string
	for _, k := range []string{"TERM", "COLORTERM", "CLICOLOR", "CLICOLOR_FORCE", "NO_COLOR"} {
		if v := getenv(k); v != "" {
			environ = append(environ, k+"="+v)
		}
	}
	profile := colorprofile.NoTTY
	if plainIsTTY(out) {
		profile = tty.ColorProfile(out, environ, false)
	}
	return &ResultWriter{
		w:     &colorprofile.Writer{Forward: out, Profile: profile},
		ascii: !utf8Locale(getenv) || getenv("TERM") == "dumb",
		sty:   newPlainStyles(profile > colorprofile.NoTTY),
		width: resultWidth(tty.Width(out)),
	}
}

// resultWidth is the width doctor wraps its text at: 100 columns to a pipe or
// a file (and on a wide terminal), the terminal's own width when it is
// narrower, so an 80-column terminal does not break every detail line a second
// time. Below 60 columns the text stays at 60: the indented detail needs room.
func resultWidth(term int) int {
	switch {
	case term <= 0 || term >= 100:
		return 100
	case term < 60:
		return 60
	}
	return term
}

func utf8Locale(getenv func(string) string) bool {
	for _, k := range []string{"LC_ALL", "LC_CTYPE", "LANG"} {
		if v := strings.ToLower(getenv(k)); v != "" {
			return strings.Contains(v, "utf-8") || strings.Contains(v, "utf8")
		}
	}
	return false
}

// symbol is the status's symbol (live.Mark: the one every front end uses),
// coloured.
func (p *ResultWriter) symbol(s azure.Status) string {
	out, _ := live.Mark(string(s), p.ascii)
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

// idWidth is the check ID column's width: the longest ID of the catalogue.
var idWidth = func() int {
	w := 0
	for _, c := range azure.Catalogue {
		w = max(w, len(c.ID))
	}
	return w
}()

// Line writes a line of its own (a heading, a note).
func (p *ResultWriter) Line(s string) { fmt.Fprintln(p.w, s) }

// Result writes one check as it completes; anything but a pass gets its
// cause and detail underneath. A check that did not run because another
// did not pass is not written here: NotRun folds them into one line per
// blocker, so they do not bury the finding.
func (p *ResultWriter) Result(r azure.Result) {
	if r.Status == azure.StatusSkip && r.BlockedBy != "" {
		return
	}
	c := termsafe.Clean // results carry server text; the colour writer passes escapes through
	row := live.RowOf(r)
	_, word := live.Mark(row.Status, p.ascii)
	fmt.Fprintf(p.w, "%s %-4s  %-*s %s\n", p.symbol(r.Status), word, idWidth, c(row.ID), c(row.Title))
	if row.Status == steps.StatusPass || row.Detail == "" {
		return
	}
	for _, line := range wrap.Text(c(row.CauseDetail()), p.width-8) {
		fmt.Fprintf(p.w, "        %s\n", line)
	}
	if row.Evidence != "" {
		for i, line := range wrap.Text("Evidence: "+c(row.Evidence), p.width-8) {
			if i > 0 {
				line = "  " + line
			}
			fmt.Fprintf(p.w, "        %s\n", line)
		}
	}
}

// NotRun writes, for each check whose failure kept others from running,
// one line naming it and the checks it blocked.
func (p *ResultWriter) NotRun(rep *azure.Report) {
	byID := map[string]azure.Result{}
	for _, r := range rep.Results {
		byID[r.ID] = r
	}
	// root follows the chain (mapping.tag ← mapping.secret ← data.secrets ←
	// auth.token) to the check that did not pass on its own.
	root := func(r azure.Result) azure.Result {
		for i := 0; i < len(rep.Results) && r.Status == azure.StatusSkip && r.BlockedBy != ""; i++ {
			b, ok := byID[r.BlockedBy]
			if !ok {
				break
			}
			r = b
		}
		return r
	}
	var order []string
	blocked := map[string][]string{}
	for _, r := range rep.Results {
		if r.Status != azure.StatusSkip || r.BlockedBy == "" {
			continue
		}
		b := root(r)
		if _, ok := blocked[b.ID]; !ok {
			order = append(order, b.ID)
		}
		blocked[b.ID] = append(blocked[b.ID], r.ID)
	}
	for _, id := range order {
		b, ids := byID[id], blocked[id]
		how := "did not pass"
		switch b.Status {
		case azure.StatusFail:
			how = "failed"
		case azure.StatusSkip:
			how = "was not run"
		}
		if b.Cause != "" {
			how += " (" + b.Cause + ")"
		}
		head := fmt.Sprintf("%s %-4s  ", p.symbol(azure.StatusSkip), azure.StatusSkip)
		text := fmt.Sprintf("%s not run because %s %s: %s.", steps.Plural(len(ids), "check"), id, how, strings.Join(ids, ", "))
		for i, line := range wrap.Text(termsafe.Clean(text), p.width-8) {
			if i > 0 {
				head = "        "
			}
			fmt.Fprintf(p.w, "%s%s\n", head, line)
		}
	}
}

// maxVaultLines bounds the vaults Vaults writes.
const maxVaultLines = 20

// Vaults writes what ARM lists for the app, as Delinea's dropdown would show
// it: each vault with its subscription and resource group, the target marked.
func (p *ResultWriter) Vaults(rep *azure.Report) {
	if _, ok := rep.Result("arm.vaults"); !ok {
		return
	}
	if r, _ := rep.Result("arm.vaults"); r.Status == azure.StatusSkip && len(rep.Vaults) == 0 {
		return // never listed: NotRun says why
	}
	if len(rep.Vaults) == 0 {
		fmt.Fprintln(p.w, "\nVaults ARM lists to this app (the list Delinea's dropdown draws on): none.")
		return
	}
	fmt.Fprintf(p.w, "\nVaults ARM lists to this app (the list Delinea's dropdown draws on), %d:\n", len(rep.Vaults))
	// A big tenant lists thousands: the first maxVaultLines, the target always
	// among them, and --json for the rest.
	shown := rep.Vaults
	if len(shown) > maxVaultLines {
		shown = slices.Clone(shown[:maxVaultLines])
		if i := slices.IndexFunc(rep.Vaults, func(v azure.VaultInfo) bool { return v.Target }); i >= maxVaultLines {
			shown[maxVaultLines-1] = rep.Vaults[i]
		}
	}
	defer func() {
		if n := len(rep.Vaults) - len(shown); n > 0 {
			fmt.Fprintf(p.w, "  … and %d more (doctor --json lists them all)\n", n)
		}
	}()
	for _, v := range shown {
		sub := v.SubscriptionID
		if v.SubscriptionName != "" {
			sub = v.SubscriptionName + " (" + v.SubscriptionID + ")"
		}
		mark := ""
		if v.Target {
			mark = "  " + p.sty.render(p.sty.good, "← the vault checked")
		}
		fmt.Fprintf(p.w, "  %s%s\n", termsafe.Clean(v.Name), mark)
		fmt.Fprintf(p.w, "      subscription %s, resource group %s\n", termsafe.Clean(sub), termsafe.Clean(v.ResourceGroup))
	}
}

// Fixes writes each fix once, naming the checks it answers: what to do, the
// portal path and the az commands (unwrapped, so they can be copied). A fix
// with alternatives shows each after "Either"/"or", with what it costs.
func (p *ResultWriter) Fixes(rep *azure.Report) {
	groups := azure.GroupFixes(rep.Results)
	if len(groups) == 0 {
		return
	}
	fmt.Fprintln(p.w, "\n"+p.sty.render(p.sty.heading, "How to fix:"))
	causes := map[string]string{}
	for _, r := range rep.Results {
		causes[r.ID] = r.Cause
	}
	for n, g := range groups {
		names := make([]string, len(g.Checks))
		for i, id := range g.Checks {
			names[i] = id
			if c := causes[id]; c != "" {
				names[i] += " (" + c + ")"
			}
		}
		fmt.Fprintln(p.w)
		for i, line := range wrap.Text(termsafe.Clean(g.Fix.Summary), p.width-5) {
			lead := "     "
			if i == 0 {
				lead = fmt.Sprintf("  %d. ", n+1)
			}
			fmt.Fprintf(p.w, "%s%s\n", lead, line)
		}
		for _, line := range wrap.Text(termsafe.Clean("Fixes "+strings.Join(names, ", ")+"."), p.width-5) {
			fmt.Fprintf(p.w, "     %s\n", line)
		}
		if g.Fix.Portal != "" {
			fmt.Fprintf(p.w, "     Portal: %s\n", termsafe.Clean(g.Fix.Portal))
		}
		if !g.Fix.Alternatives() {
			for _, c := range g.Fix.Az {
				fmt.Fprintf(p.w, "     $ %s\n", termsafe.Clean(c))
			}
			continue
		}
		for i, w := range g.Fix.Ways {
			lead := "or"
			if i == 0 {
				lead = "Either"
			}
			fmt.Fprintf(p.w, "     %s: %s\n", p.sty.render(p.sty.heading, lead), termsafe.Clean(w.Text))
			if w.Cost != "" {
				for j, line := range wrap.Text("Cost: "+termsafe.Clean(w.Cost), p.width-9) {
					if j > 0 {
						line = "  " + line
					}
					fmt.Fprintf(p.w, "       %s\n", line)
				}
			}
			for _, c := range w.Az {
				fmt.Fprintf(p.w, "       $ %s\n", termsafe.Clean(c))
			}
		}
	}
}

// Summary counts the results by the one counting rule (live.Tally), in the
// words the wizard and plain mode use, and the time the run took.
func (p *ResultWriter) Summary(rep *azure.Report, d time.Duration, cancelled bool) {
	words := strings.TrimSuffix(live.TallyReport(rep).Words(), ".")
	fmt.Fprintf(p.w, "\n%s, in %.1f s", words, d.Seconds())
	if cancelled {
		fmt.Fprint(p.w, " (cancelled)")
	}
	fmt.Fprintln(p.w)
}

// WriteScenarios lists the practice tenant's scenarios and what each teaches
// (kvbridge sandbox list).
func WriteScenarios(w io.Writer, scenarios []live.Scenario) {
	for _, s := range scenarios {
		fmt.Fprintf(w, "%-20s %s\n", s.Name, s.Title)
		for _, line := range wrap.Text(s.Teaches, 70) {
			fmt.Fprintf(w, "%20s %s\n", "", line)
		}
		fmt.Fprintf(w, "%20s expect: %s\n\n", "", s.Expect)
	}
}
