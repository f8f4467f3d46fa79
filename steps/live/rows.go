package live

import (
	"fmt"
	"strings"
	"time"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/azure"
)

// Row is one check's result as every front end prints it: the wizard with
// styles, plain mode as lines, doctor's text. Build rows with RowOf or
// Session.Rows; print them with their fields, never from azure.Result
// directly, so the three agree.
type Row struct {
	ID     string
	Status string // steps.StatusPass..StatusSkip, or NotRun
	Cause  string
	Title  string
	Detail string
	// Evidence is the result's codes and IDs on one line ("HTTP 403 ·
	// ForbiddenByRbac · request 1f2e…"); "" when there are none.
	Evidence string
	Fix      *azure.Fix // what to do; only on a fail or warn
	// Earlier: the saved state holds this result but this run of kvbridge has
	// not seen it (it was saved by an earlier run); At is when.
	Earlier bool
	At      time.Time
	// Needed: the check is not the page's own but one of its prerequisites,
	// shown because it did not pass.
	Needed bool
	// Result is the whole result, when this run has it (the wizard's token readout).
	Result *azure.Result
}

// NotRun is the status of a check without a result.
const NotRun = "not-run"

// Mark is a status's symbol and word: ✓ pass, ! warn, ✗ fail, – skip, · not run.
// ASCII is the same for terminals without UTF-8.
func Mark(status string, ascii bool) (symbol, word string) {
	type m struct{ sym, ascii, word string }
	x, ok := map[string]m{
		steps.StatusPass: {"✓", "[ok]", "pass"},
		steps.StatusWarn: {"!", "[!!]", "warn"},
		steps.StatusFail: {"✗", "[XX]", "fail"},
		steps.StatusSkip: {"–", "[--]", "skip"},
	}[status]
	if !ok {
		x = m{"·", "[  ]", "not run"}
	}
	if ascii {
		return x.ascii, x.word
	}
	return x.sym, x.word
}

// StatusWords says a status in a sentence: "passed", "passed with a
// warning", "failed", "skipped", "not run".
func StatusWords(status string) string {
	switch status {
	case steps.StatusPass:
		return "passed"
	case steps.StatusWarn:
		return "passed with a warning"
	case steps.StatusFail:
		return "failed"
	case steps.StatusSkip:
		return "skipped"
	}
	return "not run"
}

// RowOf builds the row of a result.
func RowOf(r azure.Result) Row {
	row := Row{ID: r.ID, Status: string(r.Status), Cause: r.Cause, Title: r.Title, Detail: r.Detail,
		Evidence: EvidenceLine(r)}
	if r.Status == azure.StatusFail || r.Status == azure.StatusWarn {
		row.Fix = r.Fix
	}
	rc := r
	row.Result = &rc
	return row
}

// rowOfMark is the row of a result known only from the saved state.
func rowOfMark(id string, m steps.CheckMark) Row {
	title := id
	if info, ok := azure.Lookup(id); ok {
		title = info.Title
	}
	return Row{ID: id, Status: m.Status, Cause: m.Cause, Title: title, Earlier: true, At: m.At}
}

// Problem reports a fail or a warning.
func (r Row) Problem() bool {
	return r.Status == steps.StatusFail || r.Status == steps.StatusWarn
}

// CauseDetail is the detail with its cause in front, as shown under a
// result that did not pass ("forbidden-by-rbac: The app …").
func (r Row) CauseDetail() string {
	d := r.Detail
	if r.Cause != "" && r.Status != steps.StatusPass {
		if d == "" {
			return r.Cause
		}
		d = r.Cause + ": " + d
	}
	return d
}

// FixLine is one line of a fix: what to do, the portal's path, one way of
// several, or a command.
type FixLine struct {
	Kind string // "do", "portal", "way", "az"
	Text string
	// Cost is what a way changes besides the fix ("way" lines of a fix with
	// alternatives).
	Cost string
	// Way is the index of the way a "way" or "az" line belongs to; Alternative
	// says it is one of several, and not the first: front ends print "or"
	// before its "way" line. Alternatives are never meant to be run together.
	Way         int
	Alternative bool
}

// FixLines is the fix as lines, in order: the summary, the portal path, then
// each way (with its text and cost when there are several) and its commands.
// Commands are whole, never wrapped inside an ID.
func (r Row) FixLines() []FixLine {
	f := r.Fix
	if f == nil {
		return nil
	}
	out := []FixLine{{Kind: "do", Text: f.Summary}}
	if f.Portal != "" {
		out = append(out, FixLine{Kind: "portal", Text: f.Portal})
	}
	ways := f.Ways
	if len(ways) == 0 && len(f.Az) > 0 {
		ways = []azure.Way{{Az: f.Az}}
	}
	several := len(ways) > 1
	for i, w := range ways {
		alt := several && i > 0
		if several || w.Text != "" {
			out = append(out, FixLine{Kind: "way", Text: w.Text, Cost: w.Cost, Way: i, Alternative: alt})
		}
		for _, c := range w.Az {
			out = append(out, FixLine{Kind: "az", Text: c, Way: i, Alternative: alt})
		}
	}
	return out
}

// EvidenceLine puts a result's evidence on one line (codes and IDs only).
func EvidenceLine(r azure.Result) string {
	e := r.Evidence
	var parts []string
	add := func(k, v string) {
		if v != "" {
			parts = append(parts, k+v)
		}
	}
	if e.AADSTS != 0 {
		add("", fmt.Sprintf("AADSTS%d", e.AADSTS))
	}
	if e.HTTPStatus != 0 {
		add("HTTP ", fmt.Sprint(e.HTTPStatus))
	}
	add("", e.ErrorCode)
	add("", e.InnerCode)
	add("missing ", e.Action)
	add("scope ", e.Scope)
	add("request ", e.RequestID)
	add("trace ", e.TraceID)
	if len(e.DataActions) > 0 {
		add("data actions ", strings.Join(e.DataActions, ", "))
	}
	return strings.Join(parts, " · ")
}

// Tally is the one counting rule: every check of a page (or a report) is
// exactly one of passed, warned, failed, skipped or not run.
type Tally struct {
	Passed, Warned, Failed, Skipped, NotRun int
	// NotAsked counts the skips that had nothing to compare (the trainee
	// chose not to give it); they count as done for progress.
	NotAsked int
}

// Total is the number of checks counted.
func (t Tally) Total() int { return t.Passed + t.Warned + t.Failed + t.Skipped + t.NotRun }

// Ran is the number of checks with a result.
func (t Tally) Ran() int { return t.Total() - t.NotRun }

// AllPassed reports whether every check ended well enough to count as done
// (a pass, a warning, or a skip with nothing to compare): what ends a watch.
func (t Tally) AllPassed() bool {
	return t.Total() > 0 && t.Failed == 0 && t.NotRun == 0 && t.Skipped == t.NotAsked
}

// Add counts one status.
func (t *Tally) Add(status, cause string) {
	switch status {
	case steps.StatusPass:
		t.Passed++
	case steps.StatusWarn:
		t.Warned++
	case steps.StatusFail:
		t.Failed++
	case steps.StatusSkip:
		t.Skipped++
		if cause == steps.CauseNotAsked {
			t.NotAsked++
		}
	default:
		t.NotRun++
	}
}

// TallyRows counts rows (prerequisites shown as Needed are not counted).
func TallyRows(rows []Row) Tally {
	var t Tally
	for _, r := range rows {
		if !r.Needed {
			t.Add(r.Status, r.Cause)
		}
	}
	return t
}

// TallyReport counts a report's results.
func TallyReport(rep *azure.Report) Tally {
	var t Tally
	if rep != nil {
		for _, r := range rep.Results {
			t.Add(string(r.Status), r.Cause)
		}
	}
	return t
}

// Words says the tally the way every front end says it: "7 checks: 6
// passed, 1 warned." Counts of zero are left out; skips that are all "not
// asked" (a value the check needs was not given) say so in their rows' words.
func (t Tally) Words() string {
	var parts []string
	add := func(n int, w string) {
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, w))
		}
	}
	add(t.Passed, "passed")
	add(t.Warned, "warned")
	add(t.Failed, "failed")
	switch {
	case t.Skipped > 0 && t.Skipped == t.NotAsked:
		add(t.Skipped, "skipped (not asked)")
	default:
		add(t.Skipped, "skipped")
	}
	add(t.NotRun, "not run")
	if len(parts) == 0 {
		return "No checks."
	}
	return steps.Plural(t.Total(), "check") + ": " + strings.Join(parts, ", ") + "."
}

// flagFields names, for a doctor flag a check's wording points to, the field
// of a check page that holds the same value: on a page the reader has fields,
// not flags.
var flagFields = map[string]string{
	"--tenant":            steps.FieldTenantID,
	"--client-id":         steps.FieldClientID,
	"--cloud":             steps.FieldCloud,
	"--vault":             steps.FieldVault,
	"--secret-name":       steps.FieldSecretName,
	"--delinea-url":       steps.FieldDelineaURL,
	"--credential-secret": steps.FieldCredentialSecret,
	"--mapped-secret":     steps.FieldMappedSecret,
}

// pageWords rewords a result's text for a check page: "(--mapped-secret)"
// becomes `(the "Mapped secret" field)`. Flags with no field stay as written.
func pageWords(s string) string {
	if !strings.Contains(s, "--") {
		return s
	}
	for flag, name := range flagFields {
		spec, ok := fieldTable[name]
		if !ok {
			continue
		}
		s = strings.ReplaceAll(s, "("+flag+")", `(the "`+spec.label+`" field)`)
	}
	return s
}

// pageRow is RowOf for a check page.
func pageRow(r azure.Result) Row {
	row := RowOf(r)
	row.Detail = pageWords(row.Detail)
	if row.Fix != nil && strings.Contains(row.Fix.Summary, "--") {
		fx := *row.Fix
		fx.Summary = pageWords(fx.Summary)
		row.Fix = &fx
	}
	return row
}
