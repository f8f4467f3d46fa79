package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"charm.land/lipgloss/v2/table"
	"github.com/charmbracelet/x/ansi"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/azure"
	"github.com/kvbridge/kvbridge/tui/internal/wrap"
)

// Callout labels: a symbol and a word, the same width, so they read without
// colour and their texts line up.
var calloutLabels = map[string]string{
	steps.KindCritical: "! CRITICAL",
	steps.KindNote:     "i NOTE",
	steps.KindTip:      "* TIP",
	steps.KindFact:     "> FACT",
}

const calloutLabelWidth = 10

// lineBuf collects the lines of a screen body.
type lineBuf struct {
	lines []string
}

func (b *lineBuf) add(ls ...string) { b.lines = append(b.lines, ls...) }
func (b *lineBuf) blank()           { b.lines = append(b.lines, "") }
func (b *lineBuf) n() int           { return len(b.lines) }

// styled wraps text to width and styles every line.
func styled(s string, width int, st lipgloss.Style) []string {
	ls := wrap.Text(s, width)
	for i := range ls {
		ls[i] = st.Render(ls[i])
	}
	return ls
}

// item renders a checklist-like line: prefix (already styled, of width pw)
// then the text wrapped under itself.
func item(prefix string, pw int, text string, width int, st lipgloss.Style) []string {
	ls := wrap.Text(text, width-pw)
	out := make([]string, len(ls))
	for i, l := range ls {
		if i == 0 {
			out[i] = prefix + st.Render(l)
		} else {
			out[i] = strings.Repeat(" ", pw) + st.Render(l)
		}
	}
	return out
}

// heading puts a bold title on the left and a dim note on the right.
func (m *Model) heading(left, right string, width int) []string {
	lw, rw := ansi.StringWidth(left), ansi.StringWidth(right)
	if right == "" || lw+2+rw > width {
		out := styled(left, width, m.st.Heading)
		if right != "" {
			out = append(out, m.st.Dim.Render(truncate(right, width)))
		}
		return out
	}
	return []string{m.st.Heading.Render(left) + strings.Repeat(" ", width-lw-rw) + m.st.Dim.Render(right)}
}

func (m *Model) cursorMark(on bool) string {
	if on {
		return m.st.Cursor.Render("›") + " "
	}
	return "  "
}

func (m *Model) checkbox(on bool) string {
	if on {
		return m.st.Checked.Render("[x]")
	}
	return m.st.Box.Render("[ ]")
}

// screenBody renders the current screen.
func (m *Model) screenBody() body {
	cur, _ := m.mach.Current(m.state)
	sec := m.mach.Course.Sections[cur.Section]
	w := m.contentWidth()
	switch cur.Kind {
	case steps.ScreenOverview:
		return m.overviewBody(cur, sec, w)
	case steps.ScreenStep:
		return m.stepBody(sec.Steps[cur.Step], w)
	case steps.ScreenCheck:
		if m.live != nil {
			return m.liveCheckBody(cur, sec, w)
		}
		return m.checkBody(sec, w)
	case steps.ScreenQuiz:
		return m.quizBody(cur, w)
	case steps.ScreenSummary:
		return m.summaryBody(sec, w)
	case steps.ScreenTroubleshooting:
		return m.troubleBody(sec, w)
	case steps.ScreenAcks:
		return m.acksBody(sec, w)
	case steps.ScreenComplete:
		return m.completeBody(sec, w)
	}
	return body{lines: []string{"Unknown screen " + string(cur.Kind)}}
}

func (m *Model) overviewBody(cur steps.Screen, sec steps.Section, w int) body {
	var b lineBuf
	c := m.mach.Course
	b.add(m.heading(fmt.Sprintf("Section %s · %s", sec.ID, sec.Title), "overview", w)...)
	b.blank()
	b.add(styled(sec.Overview, w, m.st.Text)...)
	b.blank()
	b.add(strings.Split(diagram(c.Parties, sec.Diagram.From, sec.Diagram.To, sec.Diagram.Label, w, m.st), "\n")...)
	b.blank()
	b.add(m.st.Emph.Render("In this section"))
	const idw = 5 // "check"
	line := func(mark, id, title, right string) {
		b.add(m.row("  "+mark+" "+m.st.StepID.Render(padRight(id, idw))+"  ", title, right, w))
	}
	for _, st := range sec.Steps {
		done := 0
		for _, t := range st.Tasks {
			if m.state.Tasks[t.ID] {
				done++
			}
		}
		line(m.checkbox(done == len(st.Tasks)), st.ID, st.Title, fmt.Sprintf("%d/%d tasks", done, len(st.Tasks)))
	}
	if m.state.Live() {
		passed := 0
		for _, id := range sec.Check.IDs {
			if m.state.Checks[id].Passed() {
				passed++
			}
		}
		line(m.checkbox(passed == len(sec.Check.IDs)), "check", "Live check", fmt.Sprintf("%d/%d passed", passed, len(sec.Check.IDs)))
	} else {
		line(m.st.Dim.Render(" ◌ "), "check", "Live check", "offline: not checked")
	}
	if m.mach.Bank != nil {
		qs := m.mach.Bank.Section(cur.Section + 1)
		solved := 0
		for _, q := range qs {
			if m.state.Quiz[q.ID].Solved {
				solved++
			}
		}
		line(m.checkbox(solved == len(qs) && len(qs) > 0), "quiz", plural(len(qs), "question"), fmt.Sprintf("%d/%d answered right", solved, len(qs)))
	}
	b.blank()
	b.add(styled("Press → (or l, tab) to begin.", w, m.st.Dim)...)
	return body{lines: b.lines}
}

// row is "prefix title ......... right" on one line, the title truncated to fit.
func (m *Model) row(prefix, title, right string, w int) string {
	pw, rw := ansi.StringWidth(prefix), ansi.StringWidth(right)
	title = truncate(title, max(1, w-pw-rw-2))
	gap := max(2, w-pw-ansi.StringWidth(title)-rw)
	return prefix + m.st.Text.Render(title) + strings.Repeat(" ", gap) + m.st.Dim.Render(right)
}

func (m *Model) stepBody(st steps.Step, w int) body {
	var b lineBuf
	done := 0
	for _, t := range st.Tasks {
		if m.state.Tasks[t.ID] {
			done++
		}
	}
	b.add(m.heading(st.ID+" · "+st.Title, tickedLabel(done, len(st.Tasks)), w)...)
	b.add(styled(st.Intro, w, m.st.Dim)...)
	b.blank()
	var items []span
	for i, t := range st.Tasks {
		start := b.n()
		on := i == m.cursor
		ts := m.st.Text
		if on {
			ts = m.st.Selected
		}
		prefix := m.cursorMark(on) + m.checkbox(m.state.Tasks[t.ID]) + " " + m.st.StepID.Render(t.ID) + "  "
		b.add(item(prefix, 2+3+1+ansi.StringWidth(t.ID)+2, t.Text, w, ts)...)
		for _, co := range t.Callouts {
			b.add(m.callout(co, 6, w)...)
		}
		items = append(items, span{start, b.n() - 1})
		if i < len(st.Tasks)-1 {
			b.blank()
		}
	}
	if f := st.Fields; f != nil {
		b.blank()
		b.add(m.st.Emph.Render(f.Title))
		hasNote := false
		rows := make([][]string, len(f.Rows))
		for i, r := range f.Rows {
			rows[i] = []string{r.Name, r.Value, r.Note}
			hasNote = hasNote || r.Note != ""
		}
		headers := []string{f.Columns[0], f.Columns[1], "Note"}
		if !hasNote {
			headers = headers[:2]
			for i := range rows {
				rows[i] = rows[i][:2]
			}
		}
		b.add(strings.Split(m.table(headers, rows, w), "\n")...)
	}
	b.blank()
	if done == len(st.Tasks) {
		b.add(styled("All tasks ticked. Press → for what comes next.", w, m.st.Dim)...)
	} else {
		b.add(styled("Do each task in the portal, then tick it with space.", w, m.st.Dim)...)
	}
	return body{lines: b.lines, items: items, choose: "tick"}
}

// callout renders "! CRITICAL  text" indented, the text hanging under itself.
func (m *Model) callout(co steps.Callout, indent, w int) []string {
	label := calloutLabels[co.Kind]
	prefix := strings.Repeat(" ", indent) + m.st.Callout[co.Kind].Render(padRight(label, calloutLabelWidth)) + "  "
	return item(prefix, indent+calloutLabelWidth+2, co.Text, w, m.st.Text)
}

// table renders a lipgloss table that fits width. Cells are wrapped here,
// to column widths shared out by need (narrow columns keep their natural
// width, wide ones split the rest), and rows get separators once any cell
// wraps, so a wrapped row still reads as one.
func (m *Model) table(headers []string, rows [][]string, w int) string {
	cols := len(headers)
	nat := make([]int, cols)
	for c, h := range headers {
		nat[c] = ansi.StringWidth(h)
	}
	for _, r := range rows {
		for c, cell := range r {
			nat[c] = max(nat[c], ansi.StringWidth(cell))
		}
	}
	avail := w - (cols + 1) - 2*cols // borders and cell padding
	widths := shareWidths(nat, avail)
	wrapped := false
	fit := func(cells []string) []string {
		out := make([]string, len(cells))
		for c, cell := range cells {
			ls := wrap.Text(cell, widths[c])
			wrapped = wrapped || len(ls) > 1
			out[c] = strings.Join(ls, "\n")
		}
		return out
	}
	hs := fit(headers)
	rs := make([][]string, len(rows))
	for i, r := range rows {
		rs[i] = fit(r)
	}
	return table.New().
		Border(lipgloss.RoundedBorder()).
		BorderStyle(m.st.TableBorder).
		BorderRow(wrapped).
		Headers(hs...).
		Rows(rs...).
		StyleFunc(func(row, col int) lipgloss.Style {
			if row == table.HeaderRow {
				return m.st.TableHeader
			}
			return m.st.TableCell
		}).String()
}

// shareWidths gives each column its natural width if all fit, else fills
// the narrow ones first and splits what is left evenly among the others.
func shareWidths(nat []int, avail int) []int {
	out := make([]int, len(nat))
	sum := 0
	for _, n := range nat {
		sum += n
	}
	if sum <= avail {
		copy(out, nat)
		return out
	}
	open := map[int]bool{}
	for i := range nat {
		open[i] = true
	}
	left := avail
	for changed := true; changed && len(open) > 0; {
		changed = false
		share := left / len(open)
		for i := range nat {
			if open[i] && nat[i] <= share {
				out[i], left = nat[i], left-nat[i]
				delete(open, i)
				changed = true
			}
		}
	}
	// The wide columns share the rest in proportion to their natural width.
	wide, last := 0, -1
	for i := range nat {
		if open[i] {
			wide += nat[i]
			last = i
		}
	}
	given := 0
	for i := range nat {
		if open[i] {
			out[i] = max(4, left*nat[i]/max(1, wide))
			given += out[i]
		}
	}
	if last >= 0 {
		out[last] = max(4, out[last]+left-given)
	}
	return out
}

func (m *Model) checkBody(sec steps.Section, w int) body {
	var b lineBuf
	ch := sec.Check
	b.add(m.heading(ch.Title, "live check", w)...)
	b.blank()
	b.add(styled(ch.Explains, w, m.st.Text)...)
	b.blank()
	{
		b.add(m.st.Warn.Render("◌ Live check — coming with a connected tenant"))
		b.add(styled("This course runs offline, so nothing is checked yet. Once kvbridge is connected to your tenant "+
			"(or to the practice tenant), this screen runs the checks below and says for each one pass, warn or "+
			"fail, with the evidence and the fix.", w, m.st.Dim)...)
		b.blank()
	}
	b.add(m.st.Emph.Render("What will be checked"))
	idw := 0
	for _, id := range ch.IDs {
		idw = max(idw, ansi.StringWidth(id))
	}
	for _, id := range ch.IDs {
		title := "(not in the catalogue)"
		if info, ok := azure.Lookup(id); ok {
			title = info.Title
		}
		mark := m.st.Dim.Render("·")
		status := ""
		if cm, ok := m.state.Checks[id]; ok {
			switch cm.Status {
			case steps.StatusPass:
				mark, status = m.st.Right.Render("✓"), " (pass)"
			case steps.StatusWarn:
				mark, status = m.st.Warn.Render("!"), " (warn)"
			case steps.StatusFail:
				mark, status = m.st.Wrong.Render("✗"), " (fail)"
			default:
				mark, status = m.st.Dim.Render("-"), " (skipped)"
			}
		}
		prefix := "  " + mark + " " + m.st.StepID.Render(padRight(id, idw)) + "  "
		pw := 2 + 1 + 1 + idw + 2
		if w-pw < 24 { // narrow: the title goes under the ID
			b.add(prefix)
			b.add(item(strings.Repeat(" ", 4), 4, title+status, w, m.st.Text)...)
			continue
		}
		b.add(item(prefix, pw, title+status, w, m.st.Text)...)
	}
	return body{lines: b.lines}
}

func (m *Model) quizBody(cur steps.Screen, w int) body {
	var b lineBuf
	q, ok := m.mach.Bank.Get(cur.QuestionID)
	if !ok {
		return body{lines: []string{"Question " + cur.QuestionID + " is missing from the bank."}}
	}
	qs := m.mach.Bank.Section(cur.Section + 1)
	n := 0
	for i, x := range qs {
		if x.ID == q.ID {
			n = i + 1
		}
	}
	right := ""
	if q.FromGuide {
		right = "from the training guide"
	}
	b.add(m.heading(fmt.Sprintf("Quiz · question %d of %d", n, len(qs)), right, w)...)
	b.blank()
	b.add(styled(q.Prompt, w, m.st.Emph)...)
	b.blank()
	rec := m.state.Quiz[q.ID]
	var items []span
	for i, o := range q.Options {
		start := b.n()
		on := i == m.cursor
		mark := m.st.Box.Render("( )")
		switch {
		case rec.Solved && o.Correct:
			mark = m.st.Right.Render("(✓)")
		case m.tried[q.ID][i]:
			mark = m.st.Wrong.Render("(✗)")
		}
		ts := m.st.Text
		if on {
			ts = m.st.Selected
		}
		letter := string(rune('A' + i))
		prefix := m.cursorMark(on) + mark + " " + m.st.StepID.Render(letter) + "  "
		b.add(item(prefix, 2+3+1+1+2, o.Text, w, ts)...)
		items = append(items, span{start, b.n() - 1})
	}
	b.blank()
	fstart := b.n()
	a, answered := m.answers[q.ID]
	switch {
	case answered && a.fb.Correct:
		verdict := "✓ Correct."
		switch {
		case a.solvedBefore:
			verdict = "✓ Correct (already solved)."
		case rec.Attempts == 1:
			verdict = "✓ Correct, on the first try."
		default:
			verdict = fmt.Sprintf("✓ Correct, on try %d. The score counts first tries only.", rec.Attempts)
		}
		b.add(styled(verdict, w, m.st.Right)...)
		b.add(item("  ", 2, a.fb.Explain, w, m.st.Text)...)
	case answered:
		letter := string(rune('A' + a.choice))
		verdict := fmt.Sprintf("✗ Not quite: %s is not the answer.", letter)
		b.add(styled(verdict, w, m.st.Wrong)...)
		b.add(item("  ", 2, a.fb.Explain, w, m.st.Text)...)
		if a.solvedBefore {
			b.add(styled("You solved this question already; your score does not change.", w, m.st.Dim)...)
		} else {
			b.add(styled("Try another option.", w, m.st.Dim)...)
		}
	case rec.Solved:
		r := q.Right()
		b.add(styled(fmt.Sprintf("✓ Solved. The right answer is %c.", 'A'+r), w, m.st.Right)...)
		b.add(item("  ", 2, q.Options[r].Explain, w, m.st.Text)...)
	default:
		b.add(styled("Choose with space or enter. A wrong answer can be retried; the score counts first tries.", w, m.st.Dim)...)
	}
	focus := &span{fstart, b.n() - 1}
	if !answered {
		focus = nil
	}
	return body{lines: b.lines, items: items, focus: focus, choose: "answer"}
}

func (m *Model) summaryBody(sec steps.Section, w int) body {
	var b lineBuf
	b.add(m.heading(fmt.Sprintf("Section %s · %s", sec.ID, sec.Title), "summary", w)...)
	b.blank()
	b.add(styled(sec.Overview, w, m.st.Text)...)
	b.blank()
	rows := make([][]string, len(sec.Summary))
	for i, r := range sec.Summary {
		rows[i] = []string{r.Step, r.Action, r.Detail}
	}
	b.add(strings.Split(m.table([]string{"Step", "Action", "Key detail"}, rows, w), "\n")...)
	return body{lines: b.lines}
}

func (m *Model) troubleBody(sec steps.Section, w int) body {
	var b lineBuf
	b.add(m.heading("Troubleshooting and maintenance", "", w)...)
	b.blank()
	block := func(title string, co steps.Callout) {
		label := calloutLabels[co.Kind]
		b.add(m.st.Callout[co.Kind].Render(label) + "  " + m.st.Emph.Render(title))
		b.add(item("  ", 2, co.Text, w, m.st.Text)...)
	}
	block("When the vault dropdown in 2B is empty", sec.Troubleshooting)
	b.blank()
	block("Keeping the integration running", sec.Maintenance)
	if m.live != nil {
		var items []span
		m.expiryBlock(&b, &items, w)
		return body{lines: b.lines, items: items, choose: "edit/choose"}
	}
	return body{lines: b.lines}
}

func (m *Model) acksBody(sec steps.Section, w int) body {
	var b lineBuf
	done := 0
	for _, a := range sec.Acks {
		if m.state.Acks[a.ID] {
			done++
		}
	}
	b.add(m.heading("Final acknowledgements", tickedLabel(done, len(sec.Acks)), w)...)
	b.add(styled("Tick each statement once it is true for you. All are needed to finish the course.", w, m.st.Dim)...)
	b.blank()
	var items []span
	for i, a := range sec.Acks {
		start := b.n()
		on := i == m.cursor
		ts := m.st.Text
		if on {
			ts = m.st.Selected
		}
		prefix := m.cursorMark(on) + m.checkbox(m.state.Acks[a.ID]) + "  "
		b.add(item(prefix, 2+3+2, a.Text, w, ts)...)
		items = append(items, span{start, b.n() - 1})
	}
	return body{lines: b.lines, items: items, choose: "tick"}
}

var trophy = []string{
	`  ___________  `,
	` '._==_==_=_.' `,
	` .-\:      /-. `,
	`| (|:.     |) |`,
	` '-|:.     |-' `,
	`   \::.    /   `,
	`    '::. .'    `,
	`      ) (      `,
	`    _.' '._    `,
	`   '-------'   `,
}

func (m *Model) completeBody(sec steps.Section, w int) body {
	var b lineBuf
	prog := m.mach.Progress(m.state)
	if !prog.Complete() {
		b.add(m.heading("Not finished yet", fmt.Sprintf("%d%% done", prog.Percent()), w)...)
		b.add(styled("The completion screen opens once everything below is done. Choose a line and press enter to go there, or press 1-4 to jump to a section.", w, m.st.Dim)...)
		b.blank()
		var items []span
		for i, line := range m.mach.Missing(m.state) {
			start := b.n()
			on := i == m.cursor
			ts := m.st.Text
			if on {
				ts = m.st.Selected
			}
			b.add(item(m.cursorMark(on)+m.st.Warn.Render("•")+" ", 4, line, w, ts)...)
			items = append(items, span{start, b.n() - 1})
		}
		return body{lines: b.lines, items: items, choose: "go there"}
	}
	var info []string
	info = append(info, m.st.Title.Render("★ "+sec.Completion.Title+" ★"), "")
	if m.mach.Bank != nil {
		sc := m.mach.Bank.Score(m.state.Quiz)
		info = append(info, m.st.Emph.Render(fmt.Sprintf("Quiz score, first try: %d/%d (%d%%)", sc.FirstTry, sc.Total, sc.Percent())))
	}
	info = append(info, m.st.Emph.Render("Time taken: "+duration(m.state.Elapsed())))
	if m.state.FinishedAt != nil {
		info = append(info, m.st.Dim.Render("Finished "+m.state.FinishedAt.Local().Format("2 Jan 2006 15:04")))
	}
	tw := ansi.StringWidth(trophy[0])
	if w >= tw+4+40 {
		// The trophy on the left, the results beside it, vertically centred.
		top := (len(trophy) - len(info)) / 2
		for i, l := range trophy {
			line := m.st.Trophy.Render(l)
			if j := i - top; j >= 0 && j < len(info) {
				line += "    " + info[j]
			}
			b.add(line)
		}
	} else {
		for _, l := range trophy {
			b.add(m.st.Trophy.Render(l))
		}
		b.add(info...)
	}
	b.blank()
	b.add(styled(sec.Completion.Text, w, m.st.Text)...)
	b.add(styled("Your progress is saved. Press q to leave; kvbridge report prints it.", w, m.st.Dim)...)
	return body{lines: b.lines}
}

// duration says how long something took, in words.
func duration(d time.Duration) string {
	d = d.Round(time.Minute)
	switch {
	case d < time.Minute:
		return "under a minute"
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute")
	}
	h := int(d / time.Hour)
	mins := int((d % time.Hour) / time.Minute)
	if mins == 0 {
		return plural(h, "hour")
	}
	return plural(h, "hour") + " " + plural(mins, "minute")
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// confirmBody is the start-over question asked before anything else.
func (m *Model) confirmBody() body {
	w := m.contentWidth()
	prog := m.mach.Progress(m.state)
	var b lineBuf
	b.add(m.st.Warn.Render("Start over? y/N"))
	b.blank()
	text := fmt.Sprintf("You asked to reset. This erases your saved progress (%d%% done", prog.Percent())
	if !m.state.UpdatedAt.IsZero() {
		text += ", last change " + m.state.UpdatedAt.Local().Format("2 Jan 2006 15:04")
	}
	text += ") and starts the course from the beginning."
	b.add(styled(text, w, m.st.Text)...)
	b.blank()
	b.add("  " + m.st.Emph.Render(padRight("y", 8)) + "  " + m.st.Text.Render("yes, erase it and start over"))
	b.add("  " + m.st.Emph.Render("n, enter") + "  " + m.st.Text.Render("no, keep my progress and resume (the default)"))
	return body{lines: b.lines}
}

// tickedLabel is a checklist's count, the same on steps and acknowledgements.
func tickedLabel(done, total int) string {
	if done == total {
		return "✓ all ticked"
	}
	return fmt.Sprintf("%d of %d ticked", done, total)
}
