package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kvbridge/kvbridge/quiz"
	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/azure"
)

// The course's screen components, one per kind. Each reads the state
// through Common and changes it only through Common.Apply.

// noKeys is embedded by components with no keys of their own.
type noKeys struct{}

func (noKeys) keys() []key.Binding { return nil }
func (noKeys) start() int          { return 0 }
func (noKeys) update(tea.KeyPressMsg, int) (tea.Cmd, bool) {
	return nil, false
}

// ---- overview ----

type overviewPage struct {
	noKeys
	c *Common
}

func (p *overviewPage) view(int) body {
	c, st := p.c, p.c.Styles
	w := c.ContentWidth()
	cur, sec, s := c.Current(), c.Section(), *c.State
	var b lineBuf
	b.add(c.heading(fmt.Sprintf("Section %s · %s", sec.ID, sec.Title), "overview", w)...)
	b.blank()
	b.add(styled(sec.Overview, w, st.Text)...)
	b.blank()
	b.add(strings.Split(diagram(c.Mach.Course.Parties, sec.Diagram.From, sec.Diagram.To, sec.Diagram.Label, w, st), "\n")...)
	b.blank()
	b.add(st.Emph.Render("In this section"))
	const idw = 5 // "check"
	line := func(mark, id, title, right string) {
		b.add(c.row("  "+mark+" "+st.StepID.Render(padRight(id, idw))+"  ", title, right, w))
	}
	for _, step := range sec.Steps {
		done := 0
		for _, t := range step.Tasks {
			if s.Tasks[t.ID] {
				done++
			}
		}
		line(c.checkbox(done == len(step.Tasks)), step.ID, step.Title, fmt.Sprintf("%d/%d tasks", done, len(step.Tasks)))
	}
	if s.Live() {
		passed := 0
		for _, id := range sec.Check.IDs {
			if s.Checks[id].Passed() {
				passed++
			}
		}
		line(c.checkbox(passed == len(sec.Check.IDs)), "check", "Live check", fmt.Sprintf("%d/%d passed", passed, len(sec.Check.IDs)))
	} else {
		line(st.Dim.Render(" ◌ "), "check", "Live check", "offline: not checked")
	}
	if c.Mach.Bank != nil {
		qs := c.Mach.Bank.Section(cur.Section + 1)
		solved := 0
		for _, q := range qs {
			if s.Quiz[q.ID].Solved {
				solved++
			}
		}
		line(c.checkbox(solved == len(qs) && len(qs) > 0), "quiz", plural(len(qs), "question"), fmt.Sprintf("%d/%d answered right", solved, len(qs)))
	}
	b.blank()
	b.add(styled("Press → (or l, tab) to begin.", w, st.Dim)...)
	return body{lines: b.lines}
}

// ---- checklists: a step's tasks, the final acknowledgements ----

// checklist is a step's tasks or the acknowledgements: space ticks the
// selected line and moves on to the next.
type checklist struct {
	noKeys
	c    *Common
	acks bool
}

// entries are the checklist's IDs and whether each is ticked.
func (p *checklist) entries() (ids []string, ticked map[string]bool) {
	sec, s := p.c.Section(), p.c.State
	if p.acks {
		for _, a := range sec.Acks {
			ids = append(ids, a.ID)
		}
		return ids, s.Acks
	}
	for _, t := range sec.Steps[p.c.Current().Step].Tasks {
		ids = append(ids, t.ID)
	}
	return ids, s.Tasks
}

// start is the first line not ticked yet.
func (p *checklist) start() int {
	ids, ticked := p.entries()
	for i, id := range ids {
		if !ticked[id] {
			return i
		}
	}
	return 0
}

// update is space/enter: tick or untick the selected line; a tick moves
// the selection on to the next line.
func (p *checklist) update(msg tea.KeyPressMsg, sel int) (tea.Cmd, bool) {
	ids, _ := p.entries()
	if !key.Matches(msg, p.c.Keys.Choose) || sel < 0 || sel >= len(ids) {
		return nil, false
	}
	ev := steps.Event{Type: steps.EvToggleTask, ID: ids[sel]}
	if p.acks {
		ev.Type = steps.EvToggleAck
	}
	cmd := p.c.Apply(ev)
	if _, ticked := p.entries(); ticked[ids[sel]] && sel < len(ids)-1 {
		p.c.Select(sel + 1)
	}
	return cmd, true
}

func (p *checklist) view(sel int) body {
	if p.acks {
		return p.acksView(sel)
	}
	c, st := p.c, p.c.Styles
	w := c.ContentWidth()
	step := c.Section().Steps[c.Current().Step]
	done := 0
	for _, t := range step.Tasks {
		if c.State.Tasks[t.ID] {
			done++
		}
	}
	var b lineBuf
	b.add(c.heading(step.ID+" · "+step.Title, tickedLabel(done, len(step.Tasks)), w)...)
	b.add(styled(step.Intro, w, st.Dim)...)
	b.blank()
	var items []span
	for i, t := range step.Tasks {
		start := b.n()
		on := i == sel
		prefix := c.cursorMark(on) + c.checkbox(c.State.Tasks[t.ID]) + " " + st.StepID.Render(t.ID) + "  "
		b.add(item(prefix, 2+3+1+ansi.StringWidth(t.ID)+2, t.Text, w, c.pick(on))...)
		for _, co := range t.Callouts {
			b.add(c.callout(co, 6, w)...)
		}
		items = append(items, span{start, b.n() - 1})
		if i < len(step.Tasks)-1 {
			b.blank()
		}
	}
	if f := step.Fields; f != nil {
		b.blank()
		b.add(st.Emph.Render(f.Title))
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
		b.add(strings.Split(c.table(headers, rows, w), "\n")...)
	}
	b.blank()
	if done == len(step.Tasks) {
		b.add(styled("All tasks ticked. Press → for what comes next.", w, st.Dim)...)
	} else {
		b.add(styled("Do each task in the portal, then tick it with space.", w, st.Dim)...)
	}
	return body{lines: b.lines, items: items, choose: "tick"}
}

func (p *checklist) acksView(sel int) body {
	c, st := p.c, p.c.Styles
	w := c.ContentWidth()
	sec := c.Section()
	done := 0
	for _, a := range sec.Acks {
		if c.State.Acks[a.ID] {
			done++
		}
	}
	var b lineBuf
	b.add(c.heading("Final acknowledgements", tickedLabel(done, len(sec.Acks)), w)...)
	b.add(styled("Tick each statement once it is true for you. All are needed to finish the course.", w, st.Dim)...)
	b.blank()
	var items []span
	for i, a := range sec.Acks {
		start := b.n()
		on := i == sel
		prefix := c.cursorMark(on) + c.checkbox(c.State.Acks[a.ID]) + "  "
		b.add(item(prefix, 2+3+2, a.Text, w, c.pick(on))...)
		items = append(items, span{start, b.n() - 1})
	}
	return body{lines: b.lines, items: items, choose: "tick"}
}

// tickedLabel is a checklist's count, the same on steps and acknowledgements.
func tickedLabel(done, total int) string {
	if done == total {
		return "✓ all ticked"
	}
	return fmt.Sprintf("%d of %d ticked", done, total)
}

// ---- quiz ----

// answer is the quiz feedback shown for a question in this session.
type answer struct {
	choice       int
	fb           quiz.Feedback
	solvedBefore bool // the question was already solved when this answer was given
}

// quizPage keeps this session's feedback: what was answered and which
// options were tried (the saved state keeps only attempts and solved).
type quizPage struct {
	noKeys
	c       *Common
	answers map[string]answer
	tried   map[string]map[int]bool
}

func newQuizPage(c *Common) *quizPage {
	return &quizPage{c: c, answers: map[string]answer{}, tried: map[string]map[int]bool{}}
}

// forget drops this session's feedback (start over).
func (p *quizPage) forget() { p.answers, p.tried = map[string]answer{}, map[string]map[int]bool{} }

func (p *quizPage) start() int {
	cur := p.c.Current()
	if q, ok := p.c.Mach.Bank.Get(cur.QuestionID); ok && p.c.State.Quiz[q.ID].Solved {
		return q.Right()
	}
	return 0
}

// update is space/enter: answer with the selected option.
func (p *quizPage) update(msg tea.KeyPressMsg, sel int) (tea.Cmd, bool) {
	if !key.Matches(msg, p.c.Keys.Choose) {
		return nil, false
	}
	return p.answer(sel), true
}

// answer grades option choice. Exploring the other explanations of a solved
// question shows them and changes nothing saved.
func (p *quizPage) answer(choice int) tea.Cmd {
	c := p.c
	qid := c.Current().QuestionID
	q, ok := c.Mach.Bank.Get(qid)
	if !ok || choice < 0 || choice >= len(q.Options) {
		return nil
	}
	before := c.State.Quiz[qid].Solved
	_, fb, err := c.Mach.Bank.Grade(qid, choice, c.State.Quiz[qid])
	if err != nil {
		return nil
	}
	p.answers[qid] = answer{choice: choice, fb: fb, solvedBefore: before}
	if !fb.Correct {
		if p.tried[qid] == nil {
			p.tried[qid] = map[int]bool{}
		}
		p.tried[qid][choice] = true
	}
	if before {
		return nil
	}
	return c.Apply(steps.Event{Type: steps.EvAnswer, ID: qid, Choice: choice})
}

func (p *quizPage) view(sel int) body {
	c, st := p.c, p.c.Styles
	w := c.ContentWidth()
	cur := c.Current()
	var b lineBuf
	q, ok := c.Mach.Bank.Get(cur.QuestionID)
	if !ok {
		return body{lines: []string{"Question " + cur.QuestionID + " is missing from the bank."}}
	}
	qs := c.Mach.Bank.Section(cur.Section + 1)
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
	b.add(c.heading(fmt.Sprintf("Quiz · question %d of %d", n, len(qs)), right, w)...)
	b.blank()
	b.add(styled(q.Prompt, w, st.Emph)...)
	b.blank()
	rec := c.State.Quiz[q.ID]
	var items []span
	for i, o := range q.Options {
		start := b.n()
		on := i == sel
		mark := st.Box.Render("( )")
		switch {
		case rec.Solved && o.Correct:
			mark = st.Right.Render("(✓)")
		case p.tried[q.ID][i]:
			mark = st.Wrong.Render("(✗)")
		}
		letter := string(rune('A' + i))
		prefix := c.cursorMark(on) + mark + " " + st.StepID.Render(letter) + "  "
		b.add(item(prefix, 2+3+1+1+2, o.Text, w, c.pick(on))...)
		items = append(items, span{start, b.n() - 1})
	}
	b.blank()
	fstart := b.n()
	a, answered := p.answers[q.ID]
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
		b.add(styled(verdict, w, st.Right)...)
		b.add(item("  ", 2, a.fb.Explain, w, st.Text)...)
	case answered:
		letter := string(rune('A' + a.choice))
		b.add(styled(fmt.Sprintf("✗ Not quite: %s is not the answer.", letter), w, st.Wrong)...)
		b.add(item("  ", 2, a.fb.Explain, w, st.Text)...)
		if a.solvedBefore {
			b.add(styled("You solved this question already; your score does not change.", w, st.Dim)...)
		} else {
			b.add(styled("Try another option.", w, st.Dim)...)
		}
	case rec.Solved:
		r := q.Right()
		b.add(styled(fmt.Sprintf("✓ Solved. The right answer is %c.", 'A'+r), w, st.Right)...)
		b.add(item("  ", 2, q.Options[r].Explain, w, st.Text)...)
	default:
		b.add(styled("Choose with space or enter. A wrong answer can be retried; the score counts first tries.", w, st.Dim)...)
	}
	var focus *span
	if answered {
		focus = &span{fstart, b.n() - 1}
	}
	return body{lines: b.lines, items: items, focus: focus, choose: "answer"}
}

// ---- summary ----

// summaryPage keeps its drawn table per section, width and palette: the
// table is the dearest thing the wizard draws (about 2 ms at 200 columns, a
// benchmark showed) and it changes with none of the state.
type summaryPage struct {
	noKeys
	c      *Common
	tables map[summaryKey]string
}

type summaryKey struct {
	section string
	width   int
	styles  *Styles
}

func (p *summaryPage) view(int) body {
	c := p.c
	w := c.ContentWidth()
	sec := c.Section()
	var b lineBuf
	b.add(c.heading(fmt.Sprintf("Section %s · %s", sec.ID, sec.Title), "summary", w)...)
	b.blank()
	b.add(styled(sec.Overview, w, c.Styles.Text)...)
	b.blank()
	rows := make([][]string, len(sec.Summary))
	for i, r := range sec.Summary {
		rows[i] = []string{r.Step, r.Action, r.Detail}
	}
	k := summaryKey{sec.ID, w, c.Styles}
	tbl, ok := p.tables[k]
	if !ok {
		tbl = c.table([]string{"Step", "Action", "Key detail"}, rows, w)
		if p.tables == nil || len(p.tables) > 16 {
			p.tables = map[summaryKey]string{}
		}
		p.tables[k] = tbl
	}
	b.add(strings.Split(tbl, "\n")...)
	return body{lines: b.lines}
}

// ---- troubleshooting (offline part; the live part adds the expiry) ----

func troubleLines(c *Common, w int) []string {
	st, sec := c.Styles, c.Section()
	var b lineBuf
	b.add(c.heading("Troubleshooting and maintenance", "", w)...)
	b.blank()
	block := func(title string, co steps.Callout) {
		b.add(st.Callout[co.Kind].Render(calloutLabels[co.Kind]) + "  " + st.Emph.Render(title))
		b.add(item("  ", 2, co.Text, w, st.Text)...)
	}
	block("When the vault dropdown in 2B is empty", sec.Troubleshooting)
	b.blank()
	block("Keeping the integration running", sec.Maintenance)
	b.blank()
	b.add(item("  ", 2, "From a shell, kvbridge doctor runs every live check at once and prints what is wrong with its fix; it is the quickest answer for an empty dropdown.", w, st.Dim)...)
	return b.lines
}

type troublePage struct {
	noKeys
	c *Common
}

func (p *troublePage) view(int) body {
	return body{lines: troubleLines(p.c, p.c.ContentWidth())}
}

// ---- the check page without a tenant (the course runs offline) ----

type offlineCheckPage struct {
	noKeys
	c *Common
}

func (p *offlineCheckPage) view(int) body {
	c, st := p.c, p.c.Styles
	w := c.ContentWidth()
	ch := c.Section().Check
	var b lineBuf
	b.add(c.heading(ch.Title, "live check", w)...)
	b.blank()
	b.add(styled(ch.Explains, w, st.Text)...)
	b.blank()
	b.add(st.Warn.Render("◌ Live check — coming with a connected tenant"))
	b.add(styled("This course runs offline, so nothing is checked yet. Once kvbridge is connected to your tenant "+
		"(or to the practice tenant), this screen runs the checks below and says for each one pass, warn or "+
		"fail, with the evidence and the fix. From a shell, kvbridge doctor runs them all at once.", w, st.Dim)...)
	b.blank()
	b.add(st.Emph.Render("What will be checked"))
	idw := 0
	for _, id := range ch.IDs {
		idw = max(idw, ansi.StringWidth(id))
	}
	for _, id := range ch.IDs {
		title := "(not in the catalogue)"
		if info, ok := azure.Lookup(id); ok {
			title = info.Title
		}
		mark, status := st.Dim.Render("·"), ""
		if cm, ok := c.State.Checks[id]; ok {
			switch cm.Status {
			case steps.StatusPass:
				mark, status = st.Right.Render("✓"), " (pass)"
			case steps.StatusWarn:
				mark, status = st.Warn.Render("!"), " (warn)"
			case steps.StatusFail:
				mark, status = st.Wrong.Render("✗"), " (fail)"
			default:
				mark, status = st.Dim.Render("-"), " (skipped)"
			}
		}
		prefix := "  " + mark + " " + st.StepID.Render(padRight(id, idw)) + "  "
		pw := 2 + 1 + 1 + idw + 2
		if w-pw < 24 { // narrow: the title goes under the ID
			b.add(prefix)
			b.add(item(strings.Repeat(" ", 4), 4, title+status, w, st.Text)...)
			continue
		}
		b.add(item(prefix, pw, title+status, w, st.Text)...)
	}
	return body{lines: b.lines}
}

// ---- completion ----

type completePage struct {
	noKeys
	c *Common
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

// update is enter on a missing line: go there.
func (p *completePage) update(msg tea.KeyPressMsg, sel int) (tea.Cmd, bool) {
	c := p.c
	if !key.Matches(msg, c.Keys.Choose) || c.Mach.Progress(*c.State).Complete() {
		return nil, false
	}
	todo := c.Mach.Todos(*c.State)
	if sel < 0 || sel >= len(todo) {
		return nil, true
	}
	return c.Apply(steps.Event{Type: steps.EvGoto, ID: todo[sel].Screen}), true
}

func (p *completePage) view(sel int) body {
	c, st := p.c, p.c.Styles
	w := c.ContentWidth()
	sec := c.Section()
	var b lineBuf
	prog := c.Mach.Progress(*c.State)
	if !prog.Complete() {
		b.add(c.heading("Not finished yet", fmt.Sprintf("%d%% done", prog.Percent()), w)...)
		b.add(styled("The completion screen opens once everything below is done. Choose a line and press enter to go there, or press 1-4 to jump to a section.", w, st.Dim)...)
		b.blank()
		var items []span
		for i, line := range c.Mach.Missing(*c.State) {
			start := b.n()
			on := i == sel
			b.add(item(c.cursorMark(on)+st.Warn.Render("•")+" ", 4, line, w, c.pick(on))...)
			items = append(items, span{start, b.n() - 1})
		}
		return body{lines: b.lines, items: items, choose: "go there"}
	}
	var info []string
	info = append(info, st.Title.Render("★ "+sec.Completion.Title+" ★"), "")
	if c.Mach.Bank != nil {
		sc := c.Mach.Bank.Score(c.State.Quiz)
		info = append(info, st.Emph.Render(fmt.Sprintf("Quiz score, first try: %d/%d (%d%%)", sc.FirstTry, sc.Total, sc.Percent())))
	}
	info = append(info, st.Emph.Render("Time taken: "+duration(c.State.Elapsed())))
	if c.State.FinishedAt != nil {
		info = append(info, st.Dim.Render("Finished "+c.State.FinishedAt.Local().Format("2 Jan 2006 15:04")))
	}
	tw := ansi.StringWidth(trophy[0])
	if w >= tw+4+40 {
		// The trophy on the left, the results beside it, vertically centred.
		top := (len(trophy) - len(info)) / 2
		for i, l := range trophy {
			line := st.Trophy.Render(l)
			if j := i - top; j >= 0 && j < len(info) {
				line += "    " + info[j]
			}
			b.add(line)
		}
	} else {
		for _, l := range trophy {
			b.add(st.Trophy.Render(l))
		}
		b.add(info...)
	}
	b.blank()
	b.add(styled(sec.Completion.Text, w, st.Text)...)
	b.add(styled("Your progress is saved. Press q to leave; kvbridge report prints it.", w, st.Dim)...)
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

func plural(n int, word string) string { return steps.Plural(n, word) }

// ---- the start-over question (asked before anything else) ----

type confirmPage struct {
	c     *Common
	reset func() tea.Cmd // yes
	close func()         // no
}

func (p *confirmPage) start() int { return 0 }

func (p *confirmPage) keys() []key.Binding {
	k := p.c.Keys
	return []key.Binding{k.Yes, k.No, k.Quit}
}

func (p *confirmPage) update(msg tea.KeyPressMsg, _ int) (tea.Cmd, bool) {
	k := p.c.Keys
	switch {
	case key.Matches(msg, k.Yes):
		return p.reset(), true
	case key.Matches(msg, k.No):
		p.close()
		p.c.Say("Resuming where you left off.")
		return nil, true
	case key.Matches(msg, k.Quit), key.Matches(msg, k.ForceQuit):
		return nil, false
	}
	return nil, true // nothing behind the question moves
}

func (p *confirmPage) view(int) body {
	c, st := p.c, p.c.Styles
	w := c.ContentWidth()
	prog := c.Mach.Progress(*c.State)
	var b lineBuf
	b.add(st.Warn.Render("Start over? y/N"))
	b.blank()
	text := fmt.Sprintf("You asked to reset. This erases your saved progress (%d%% done", prog.Percent())
	if !c.State.UpdatedAt.IsZero() {
		text += ", last change " + c.State.UpdatedAt.Local().Format("2 Jan 2006 15:04")
	}
	text += ") and starts the course from the beginning."
	b.add(styled(text, w, st.Text)...)
	b.blank()
	b.add("  " + st.Emph.Render(padRight("y", 8)) + "  " + st.Text.Render("yes, erase it and start over"))
	b.add("  " + st.Emph.Render("n, enter") + "  " + st.Text.Render("no, keep my progress and resume (the default)"))
	return body{lines: b.lines}
}
