package tui

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/progress"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kvbridge/kvbridge/quiz"
	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/tui/internal/wrap"
	"github.com/kvbridge/kvbridge/tui/session"
)

// The smallest terminal the wizard draws in. 60 columns hold the four
// section tabs and a task with its ID beside a readable column of text;
// 16 rows leave 9 body rows under the 4-row header and 3-row footer, enough
// for a quiz question with its options. Below that the wizard says so
// instead of drawing overlapping garbage.
const (
	MinWidth  = 60
	MinHeight = 16
)

const (
	headerHeight = 4 // title, tabs, progress bar, rule
	bodyPad      = 2 // columns of margin left and right of the body
)

// answer is the quiz feedback shown for a question in this session.
type answer struct {
	choice       int
	fb           quiz.Feedback
	solvedBefore bool // the question was already solved when this answer was given
}

// span is a range of body lines [start, end] belonging to one selectable item.
type span struct{ start, end int }

// body is a rendered screen: its lines, where its selectable items are, and
// what space/enter does there.
type body struct {
	lines  []string
	items  []span
	focus  *span  // keep this visible after rendering (quiz feedback)
	choose string // help text of space/enter, "" when it does nothing
}

// Model is the root model of the full-screen wizard. Screens are rendered
// into a cached body in Update, and the whole frame is composed there too:
// View only hands the cached frame over.
type Model struct {
	mach  *steps.Machine
	state steps.State
	sv    *saver
	seq   uint64 // sequence number of the newest state change handed to the saver
	now   func() time.Time

	keys KeyMap
	st   *Styles
	help help.Model
	vp   viewport.Model
	bar  progress.Model

	width, height int
	cursor        int
	answers       map[string]answer
	tried         map[string]map[int]bool

	status     string // a one-shot message, cleared by the next key
	saveErr    string
	saveErrSeq uint64
	notice     string // Options.Notice, shown until the first key
	confirm    bool   // asking "Start over?"
	scrolls    bool   // the body is taller than its space

	live    *liveModel // nil: the offline course (no Live given)
	initCmd tea.Cmd    // what setupLive asks to run first

	body  body
	lines []string // the body, indented and padded to the width
	frame string
}

func newModel(opts session.Options, now func() time.Time) Model {
	m := Model{
		mach:    opts.Machine,
		state:   opts.State,
		sv:      &saver{store: opts.Store},
		now:     now,
		keys:    DefaultKeyMap(),
		help:    newHelp(),
		vp:      viewport.New(),
		answers: map[string]answer{},
		tried:   map[string]map[int]bool{},
		notice:  opts.Notice,
		confirm: opts.ConfirmReset,
	}
	m.vp.FillHeight = true
	m.bar = progress.New(progress.WithoutPercentage(), progress.WithFillCharacters('█', '░'))
	m.setStyles(NewStyles(true))
	m.initCmd = m.setupLive(opts)
	m.enterScreen()
	return m
}

func (m *Model) setStyles(st *Styles) {
	m.st = st
	m.help.Styles = st.Help
	m.bar.FullColor = st.Bar.full.GetForeground()
	m.bar.EmptyColor = st.Bar.empty.GetForeground()
}

// Init asks the terminal for its background colour; the dark palette is used until it answers.
func (m Model) Init() tea.Cmd { return tea.Batch(tea.RequestBackgroundColor, m.initCmd) }

// View hands over the frame composed in Update.
func (m Model) View() tea.View {
	v := tea.NewView(m.frame)
	v.AltScreen = true
	v.WindowTitle = "kvbridge"
	return v
}

// State is the current state of the course.
func (m Model) State() steps.State { return m.state }

// Update routes every message; it never blocks (saving runs in a tea.Cmd).
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = max(0, msg.Width), max(0, msg.Height)
		m.layout()
	case tea.BackgroundColorMsg:
		m.setStyles(NewStyles(msg.IsDark()))
		m.render()
	case savedMsg:
		if msg.err != nil {
			m.saveErr, m.saveErrSeq = msg.err.Error(), msg.seq
		} else if msg.seq >= m.saveErrSeq {
			m.saveErr = ""
		}
	case tea.KeyPressMsg:
		cmd = m.key(msg)
	default:
		if m.live != nil {
			cmd = m.liveMsg(msg)
		}
	}
	m.compose()
	return m, cmd
}

func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	if key.Matches(msg, k.ForceQuit) {
		// An interruption, as ctrl+c is in a shell: kvbridge exits 130.
		return tea.Interrupt
	}
	m.notice, m.status = "", ""
	if !m.confirm && m.live != nil {
		if handled, cmd := m.liveKey(msg); handled {
			return cmd
		}
	}
	if m.confirm {
		switch {
		case key.Matches(msg, k.Yes):
			return m.reset()
		case key.Matches(msg, k.No):
			m.confirm = false
			m.status = "Resuming where you left off."
			m.layout()
		case key.Matches(msg, k.Quit):
			return tea.Quit
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Quit):
		return tea.Quit
	case key.Matches(msg, k.Help):
		m.help.ShowAll = !m.help.ShowAll
		m.layout()
	case key.Matches(msg, k.Next):
		return m.apply(steps.Event{Type: steps.EvNext})
	case key.Matches(msg, k.Prev):
		return m.apply(steps.Event{Type: steps.EvPrev})
	case key.Matches(msg, k.Section):
		n := int(msg.String()[0] - '1')
		return m.apply(steps.Event{Type: steps.EvJump, Section: n})
	case key.Matches(msg, k.Up):
		if len(m.body.items) > 0 {
			m.moveCursor(-1)
		} else {
			m.vp.ScrollUp(1)
		}
	case key.Matches(msg, k.Down):
		if len(m.body.items) > 0 {
			m.moveCursor(1)
		} else {
			m.vp.ScrollDown(1)
		}
	case key.Matches(msg, k.Choose):
		return m.choose()
	case key.Matches(msg, k.PageUp):
		m.vp.PageUp()
	case key.Matches(msg, k.PageDown):
		m.vp.PageDown()
	case key.Matches(msg, k.Home):
		m.vp.GotoTop()
	case key.Matches(msg, k.End):
		m.vp.GotoBottom()
	}
	return nil
}

// apply runs one event through the state machine, the single place state
// changes, and hands the new state to the saver.
func (m *Model) apply(e steps.Event) tea.Cmd {
	_, cmd := m.applyEffect(e)
	return cmd
}

func (m *Model) applyEffect(e steps.Event) (steps.Effect, tea.Cmd) {
	next, eff, err := m.mach.Apply(m.state, e, m.now())
	if err != nil {
		switch {
		case e.Type == steps.EvNext:
			m.status = "This is the last screen of the course."
		case e.Type == steps.EvPrev:
			m.status = "This is the first screen of the course."
		case errors.Is(err, steps.ErrRejected):
			m.status = "Not possible here: " + strings.TrimPrefix(err.Error(), steps.ErrRejected.Error()+": ")
		default:
			m.status = err.Error()
		}
		return eff, nil
	}
	moved := next.Screen != m.state.Screen
	m.state = next
	if moved {
		m.enterScreen()
	}
	if eff.Finished {
		m.status = "Course complete. Well done!"
	}
	m.render()
	return eff, m.saveCmd()
}

// saveCmd hands the current state to the saver without blocking Update.
func (m *Model) saveCmd() tea.Cmd {
	m.seq++
	seq, st, sv := m.seq, m.state, m.sv
	return func() tea.Msg { return savedMsg{seq: seq, err: sv.save(seq, st)} }
}

func (m *Model) reset() tea.Cmd {
	m.confirm = false
	prev := m.state.Connection
	m.state = m.mach.Start(m.now())
	m.answers, m.tried = map[string]answer{}, map[string]map[int]bool{}
	m.status = "Saved progress erased: the course starts afresh."
	live := m.resetLive(prev)
	m.enterScreen()
	m.layout()
	m.seq++
	seq, st, sv := m.seq, m.state, m.sv
	return tea.Batch(live, func() tea.Msg { return savedMsg{seq: seq, err: sv.reset(seq, st)} })
}

// enterScreen puts the cursor where work is waiting on a newly shown screen.
func (m *Model) enterScreen() {
	m.cursor = 0
	m.vp.GotoTop()
	cur, _ := m.mach.Current(m.state)
	sec := m.mach.Course.Sections[cur.Section]
	switch cur.Kind {
	case steps.ScreenStep:
		for i, t := range sec.Steps[cur.Step].Tasks {
			if !m.state.Tasks[t.ID] {
				m.cursor = i
				break
			}
		}
	case steps.ScreenAcks:
		for i, a := range sec.Acks {
			if !m.state.Acks[a.ID] {
				m.cursor = i
				break
			}
		}
	case steps.ScreenQuiz:
		if q, ok := m.mach.Bank.Get(cur.QuestionID); ok && m.state.Quiz[q.ID].Solved {
			m.cursor = q.Right()
		}
	}
}

func (m *Model) moveCursor(d int) {
	n := len(m.body.items)
	if n == 0 {
		return
	}
	m.cursor = min(max(0, m.cursor+d), n-1)
	m.render()
}

// choose is space/enter: tick a task or acknowledgement, answer, or go to
// what is missing.
func (m *Model) choose() tea.Cmd {
	cur, _ := m.mach.Current(m.state)
	sec := m.mach.Course.Sections[cur.Section]
	switch cur.Kind {
	case steps.ScreenStep:
		tasks := sec.Steps[cur.Step].Tasks
		if m.cursor >= len(tasks) {
			return nil
		}
		id := tasks[m.cursor].ID
		cmd := m.apply(steps.Event{Type: steps.EvToggleTask, ID: id})
		if m.state.Tasks[id] && m.cursor < len(tasks)-1 {
			m.moveCursor(1)
		}
		return cmd
	case steps.ScreenAcks:
		if m.cursor >= len(sec.Acks) {
			return nil
		}
		id := sec.Acks[m.cursor].ID
		cmd := m.apply(steps.Event{Type: steps.EvToggleAck, ID: id})
		if m.state.Acks[id] && m.cursor < len(sec.Acks)-1 {
			m.moveCursor(1)
		}
		return cmd
	case steps.ScreenQuiz:
		qid := cur.QuestionID
		before := m.state.Quiz[qid].Solved
		choice := m.cursor
		next, eff, err := m.mach.Apply(m.state, steps.Event{Type: steps.EvAnswer, ID: qid, Choice: choice}, m.now())
		if err != nil || eff.Feedback == nil {
			return nil
		}
		m.answers[qid] = answer{choice: choice, fb: *eff.Feedback, solvedBefore: before}
		if !eff.Feedback.Correct {
			if m.tried[qid] == nil {
				m.tried[qid] = map[int]bool{}
			}
			m.tried[qid][choice] = true
		}
		if before {
			// Exploring the other explanations of a solved question changes nothing.
			m.render()
			return nil
		}
		m.state = next
		if eff.Finished {
			m.status = "Course complete. Well done!"
		}
		m.render()
		return m.saveCmd()
	case steps.ScreenComplete:
		if m.mach.Progress(m.state).Complete() {
			return nil
		}
		todo := m.mach.Todos(m.state)
		if m.cursor < len(todo) {
			return m.apply(steps.Event{Type: steps.EvGoto, ID: todo[m.cursor].Screen})
		}
	}
	return nil
}

// layout sizes the parts after a resize or a change of the footer height.
func (m *Model) layout() {
	m.help.SetWidth(max(0, m.width-2))
	m.render()
}

func (m Model) tooSmall() bool { return m.width < MinWidth || m.height < MinHeight }

// maxContentWidth keeps lines short enough to read on a wide terminal.
const maxContentWidth = 110

func (m Model) contentWidth() int { return max(10, min(maxContentWidth, m.width-2*bodyPad)) }

// render re-renders the body of the current screen into the viewport and
// keeps the cursor's item in sight. It runs in Update, only when the state,
// the cursor, the size or the styles change.
func (m *Model) render() {
	switch {
	case m.confirm:
		m.body = m.confirmBody()
	case m.live != nil && m.live.overlay == overlayChooser:
		m.body = m.chooserBody()
	case m.live != nil && m.live.overlay == overlayPractice:
		m.body = m.practiceBody()
	default:
		m.body = m.screenBody()
	}
	if n := len(m.body.items); n > 0 && m.cursor >= n {
		m.cursor = n - 1
	}
	m.cursor = max(0, m.cursor)
	pad := strings.Repeat(" ", bodyPad)
	m.lines = make([]string, len(m.body.lines))
	for i, l := range m.body.lines {
		// Indented and padded to the full width once, here, so that a frame
		// is only a slice of these lines.
		m.lines[i] = padRight(truncate(pad+l, m.width), m.width)
	}
	m.fit()
}

// fit sizes the viewport between header and footer. The footer's help
// depends on whether the body scrolls, and the body's height on the footer:
// settle it without scrolling first.
func (m *Model) fit() {
	m.scrolls = false
	h := max(1, m.height-headerHeight-m.footerHeight())
	if len(m.body.lines) > h {
		m.scrolls = true
		h = max(1, m.height-headerHeight-m.footerHeight())
	}
	m.vp.SetWidth(m.width)
	m.vp.SetHeight(h)
	m.vp.SetContentLines(m.lines)
	if m.body.focus != nil {
		m.ensureVisible(*m.body.focus)
	}
	if m.cursor < len(m.body.items) {
		m.ensureVisible(m.body.items[m.cursor])
	}
}

func (m *Model) ensureVisible(s span) {
	top, h := m.vp.YOffset(), m.vp.Height()
	switch {
	case s.end < h && s.start < top:
		m.vp.SetYOffset(0) // near the top: show the heading too
	case s.start < top:
		m.vp.SetYOffset(s.start)
	case s.end >= top+h:
		m.vp.SetYOffset(min(s.start, s.end-h+1))
	}
}

func (m Model) footerHeight() int {
	return 1 + len(m.messageLines()) + m.helpHeight()
}

// helpHeight is the height of the footer's help without rendering it (fit
// and compose ask on every update, spinner frames included): the short help
// is one line, cut to the width; only the full help needs drawing.
func (m Model) helpHeight() int {
	if !m.help.ShowAll {
		return 1
	}
	return lipgloss.Height(m.helpView())
}

func (m Model) keyMap() screenKeys {
	if m.confirm {
		return screenKeys{short: []key.Binding{m.keys.Yes, m.keys.No, m.keys.Quit},
			full: [][]key.Binding{{m.keys.Yes, m.keys.No}, {m.keys.Quit, m.keys.ForceQuit}}}
	}
	if ks, ok := m.liveKeyMap(); ok {
		return ks
	}
	_, idx := m.mach.Current(m.state)
	return m.keys.forScreen(m.body.choose, len(m.body.items) > 0, m.scrolls,
		idx == 0, idx == len(m.mach.Screens())-1, m.liveExtraKeys()...)
}

// shortHelpDrop lists the keys the footer's one line of help leaves out,
// first to go, when they do not all fit: ? (all keys), q, space and the
// arrows stay, so a narrow terminal still shows how to move, quit and see
// the rest.
var shortHelpDrop = []string{"ctrl+u", "1-4", "c", "←", "p", "w", "/", "e", "tab", "r"}

// helpView is the footer's help. Each line is cut to the width: bubbles'
// short help lets an item through when even its ellipsis does not fit.
func (m Model) helpView() string {
	km := m.keyMap()
	if !m.help.ShowAll {
		short := km.short
		whole := m.help // measures without cutting
		whole.SetWidth(0)
		for _, drop := range shortHelpDrop {
			if ansi.StringWidth(whole.ShortHelpView(short)) <= m.width-2 {
				break
			}
			short = slices.DeleteFunc(slices.Clone(short), func(b key.Binding) bool { return b.Help().Key == drop })
		}
		km.short = short
	}
	lines := strings.Split(m.help.View(km), "\n")
	for i, l := range lines {
		lines[i] = truncate(l, max(0, m.width-2))
	}
	return strings.Join(lines, "\n")
}

// compose builds the whole frame: header, body, footer. Exactly width x
// height cells, or a short message when the terminal is too small.
func (m *Model) compose() {
	switch {
	case m.width == 0 || m.height == 0:
		m.frame = ""
		return
	case m.tooSmall():
		m.frame = m.tooSmallView()
		return
	}
	if h := max(1, m.height-headerHeight-m.footerHeight()); h != m.vp.Height() {
		m.fit() // the message grew or shrank since the body was laid out
	}
	var b strings.Builder
	b.WriteString(m.header())
	b.WriteByte('\n')
	// The viewport keeps the scroll position; the visible lines are cut from
	// the cached, pre-padded body (viewport.View would re-pad every line).
	top, h := m.vp.YOffset(), m.vp.Height()
	blank := strings.Repeat(" ", m.width)
	for i := top; i < top+h; i++ {
		if i < len(m.lines) {
			l := m.lines[i]
			if m.live != nil && strings.Contains(l, spinSlot) {
				l = strings.ReplaceAll(l, spinSlot, m.live.spin.View())
			}
			b.WriteString(l)
		} else {
			b.WriteString(blank)
		}
		b.WriteByte('\n')
	}
	b.WriteString(m.footer())
	m.frame = b.String()
}

func (m Model) tooSmallView() string {
	msg := fmt.Sprintf("Terminal too small: need at least %dx%d, have %dx%d.\nEnlarge the window to continue.\nq quits; your progress is saved.",
		MinWidth, MinHeight, m.width, m.height)
	lines := wrap.Text(msg, m.width)
	if len(lines) > m.height {
		lines = lines[:m.height]
	}
	return lipgloss.Place(m.width, m.height, lipgloss.Center, lipgloss.Center, m.st.Warn.Render(strings.Join(lines, "\n")))
}

func (m Model) header() string {
	w := m.width
	c := m.mach.Course
	cur, _ := m.mach.Current(m.state)
	prog := m.mach.Progress(m.state)

	pos := fmt.Sprintf("Section %d of %d · screen %d/%d", cur.Section+1, len(c.Sections), cur.Ordinal, cur.OfSection)
	title := truncate(c.Title, w-2-ansi.StringWidth(pos)-2)
	line1 := " " + m.st.Title.Render(title)
	line1 += strings.Repeat(" ", max(1, w-1-ansi.StringWidth(title)-ansi.StringWidth(pos)-1)) + m.st.Position.Render(pos) + " "

	line2 := " " + m.tabs(prog, cur.Section, w-2)

	pct := fmt.Sprintf("%3d%%", prog.Percent())
	label := "Progress "
	sp := prog.Sections[cur.Section]
	right := fmt.Sprintf("this section %d/%d", sp.Done, sp.Total)
	if sp.Complete() {
		right = "this section ✓ done"
	}
	barW := min(50, w-2-len(label)-len(pct)-1-ansi.StringWidth(right)-3)
	bar := m.bar
	bar.SetWidth(max(5, barW))
	line3 := " " + m.st.Dim.Render(label) + bar.ViewAs(prog.Fraction()) + " " + m.st.Percent.Render(pct)
	line3 += strings.Repeat(" ", max(1, w-1-ansi.StringWidth(line3)-ansi.StringWidth(right))) + m.st.Position.Render(right) + " "

	rule := m.st.Rule.Render(strings.Repeat("─", w))
	return strings.Join([]string{line1, line2, line3, rule}, "\n")
}

// tabs draws the four sections: the current one in brackets (and
// highlighted), a ✓ on each finished one.
func (m Model) tabs(prog steps.Progress, current, width int) string {
	secs := m.mach.Course.Sections
	render := func(short bool) (string, int) {
		var parts []string
		w := 0
		for i, s := range secs {
			label := fmt.Sprintf("%d %s", i+1, s.Short)
			if short {
				label = fmt.Sprintf("%d", i+1)
			}
			if prog.Sections[i].Complete() {
				label += " ✓"
			}
			var t string
			if i == current {
				t = m.st.TabActive.Render("[" + label + "]")
			} else if prog.Sections[i].Complete() {
				t = m.st.TabDone.Render(" " + label + " ")
			} else {
				t = m.st.Tab.Render(" " + label + " ")
			}
			parts = append(parts, t)
			w += ansi.StringWidth(label) + 2
		}
		sep := m.st.Rule.Render(" │ ")
		return strings.Join(parts, sep), w + 3*(len(secs)-1)
	}
	s, w := render(false)
	if w > width {
		s, _ = render(true)
	}
	return s
}

// maxMessageLines bounds the footer's message: a long notice (where a damaged
// progress file was moved) must be readable whole, without eating the body.
const maxMessageLines = 3

// message is the footer's one message, most urgent first.
func (m Model) message() (string, lipgloss.Style) {
	switch {
	case m.saveErr != "":
		return "⚠ Progress NOT saved: " + m.saveErr, m.st.StatusErr
	case m.status != "":
		return m.status, m.st.Status
	case m.notice != "":
		return "⚠ " + m.notice, m.st.Notice
	}
	return "", m.st.Status
}

// messageLines wraps the message to the width: one line at least, so the
// body does not jump when a message comes and goes.
func (m Model) messageLines() []string {
	text, _ := m.message()
	lines := wrap.Text(text, max(1, m.width-2))
	if len(lines) == 0 {
		return []string{""}
	}
	if len(lines) > maxMessageLines {
		lines = lines[:maxMessageLines]
		lines[maxMessageLines-1] = truncate(lines[maxMessageLines-1]+" …", max(1, m.width-2))
	}
	return lines
}

// footer is the rule (with the scroll position at its right), the message
// and the help.
func (m Model) footer() string {
	w := m.width
	right := ""
	if total, h := m.vp.TotalLineCount(), m.vp.Height(); total > h {
		top := m.vp.YOffset()
		right = fmt.Sprintf(" lines %d-%d of %d", top+1, min(total, top+h), total)
		switch {
		case m.vp.AtTop():
			right += " · more below ↓ "
		case m.vp.AtBottom():
			right += " · ↑ more above "
		default:
			right += " · ↑↓ more "
		}
	}
	rw := ansi.StringWidth(right)
	if rw > w-2 {
		right, rw = "", 0
	}
	rule := m.st.Rule.Render(strings.Repeat("─", w-rw-1)) + m.st.Dim.Render(right)
	if rw > 0 {
		rule += m.st.Rule.Render("─")
	} else {
		rule = m.st.Rule.Render(strings.Repeat("─", w))
	}
	_, style := m.message()
	msg := m.messageLines()
	for i, l := range msg {
		msg[i] = " " + style.Render(l)
	}
	helpLines := strings.Split(m.helpView(), "\n")
	for i, l := range helpLines {
		helpLines[i] = " " + l
	}
	return rule + "\n" + strings.Join(msg, "\n") + "\n" + strings.Join(helpLines, "\n")
}

func newHelp() help.Model {
	h := help.New()
	h.FullSeparator = "   "
	return h
}
