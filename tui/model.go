package tui

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/progress"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

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

// nav is where a layer (the screen, or an overlay over it) is: the
// selected item, the first body line shown, and the selection last scrolled
// into sight (so that scrolling by page does not snap back to it).
type nav struct {
	sel, top int
	shown    int
	focus    span
	height   int // the body's height when the selection was last kept in sight
}

func freshNav(sel int) nav { return nav{sel: sel, shown: -1, focus: span{-1, -1}} }

// laidOut is the active component's body, drawn once per change and kept
// until the next message: the only cache, since a frame at 200x60 draws in
// well under a millisecond but spinner frames come ten times a second.
type laidOut struct {
	body
	lines []string // indented and padded to the width
}

// Model is the root of the full-screen wizard. It routes messages to the
// components, holds the one state and changes it in one place (setState),
// and composes header, body and footer in View from that state.
type Model struct {
	com   *Common
	state steps.State
	sv    *saver
	seq   uint64 // sequence number of the newest state change handed to the saver

	keys KeyMap
	help help.Model
	bar  progress.Model

	pages map[steps.ScreenKind]component
	quiz  *quizPage
	over  component // an overlay drawn instead of the screen, nil for none
	nav   nav       // the screen's
	onav  nav       // the overlay's

	status     string // a one-shot message, cleared by the next key
	saveErr    string
	saveErrSeq uint64
	notice     string // Options.Notice, shown until the first key

	live    *liveModel // nil: the offline course (no Live given)
	initCmd tea.Cmd    // what setupLive asks to run first

	memo *laidOut
	prev *laidOut // the body before this message: its items and length
}

func newModel(opts session.Options, now func() time.Time) *Model {
	m := &Model{
		state:  opts.State,
		sv:     &saver{store: opts.Store},
		keys:   DefaultKeyMap(),
		help:   help.New(),
		notice: opts.Notice,
	}
	m.com = &Common{Styles: NewStyles(true), Keys: &m.keys, Mach: opts.Machine, State: &m.state, Now: now,
		Apply: m.apply, Say: func(s string) { m.status = s }, Select: func(i int) { m.nav.sel = i }}
	m.bar = progress.New(progress.WithoutPercentage(), progress.WithFillCharacters('█', '░'))
	m.setStyles(NewStyles(true))
	m.quiz = newQuizPage(m.com)
	m.pages = map[steps.ScreenKind]component{
		steps.ScreenOverview:        &overviewPage{c: m.com},
		steps.ScreenStep:            &checklist{c: m.com},
		steps.ScreenAcks:            &checklist{c: m.com, acks: true},
		steps.ScreenQuiz:            m.quiz,
		steps.ScreenSummary:         &summaryPage{c: m.com},
		steps.ScreenTroubleshooting: &troublePage{c: m.com},
		steps.ScreenCheck:           &offlineCheckPage{c: m.com},
		steps.ScreenComplete:        &completePage{c: m.com},
	}
	m.initCmd = m.setupLive(opts)
	m.enterScreen()
	if opts.ConfirmReset {
		m.open(&confirmPage{c: m.com, reset: m.reset, close: m.closeOverlay})
	}
	return m
}

func (m *Model) setStyles(st *Styles) {
	m.com.Styles = st
	m.help.Styles = st.Help
	m.bar.FullColor = st.Bar.full.GetForeground()
	m.bar.EmptyColor = st.Bar.empty.GetForeground()
}

// Init asks the terminal for its background colour; the dark palette is used until it answers.
func (m *Model) Init() tea.Cmd { return tea.Batch(tea.RequestBackgroundColor, m.initCmd) }

// View composes the frame from the state.
func (m *Model) View() tea.View {
	v := tea.NewView(m.frame())
	v.AltScreen = true
	v.WindowTitle = "kvbridge"
	return v
}

// State is the current state of the course.
func (m *Model) State() steps.State { return m.state }

// Update routes every message; it never blocks (saving and checks run in a tea.Cmd).
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m.prev = nil
	if _, frame := msg.(spinner.TickMsg); !frame && !m.keepsBody(msg) {
		// A spinner frame changes only its one-cell slot. Anything else may
		// change the body: it is drawn again when next asked for; until a
		// change, the body before it still tells where the items are.
		m.prev, m.memo = m.memo, nil
	}
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.com.Width, m.com.Height = max(0, msg.Width), max(0, msg.Height)
		m.help.SetWidth(max(0, m.com.Width-2))
	case tea.BackgroundColorMsg:
		m.setStyles(NewStyles(msg.IsDark()))
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
	cmd = tea.Batch(cmd, m.pull())
	m.follow()
	return m, cmd
}

// keepsBody says a key only scrolls: the body drawn for the last message
// stands (the summary's table at 200x60 takes milliseconds to draw).
func (m *Model) keepsBody(msg tea.Msg) bool {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok || m.memo == nil || m.live != nil && m.live.edit != "" {
		return false
	}
	km := m.keys
	return key.Matches(k, km.PageUp, km.PageDown, km.Home, km.End) ||
		key.Matches(k, km.Up, km.Down) && len(m.memo.items) == 0
}

// key routes a key press: quitting first, then the active component, then
// the keys every screen shares.
func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	if key.Matches(msg, k.ForceQuit) {
		// An interruption, as ctrl+c is in a shell: kvbridge exits 130.
		return tea.Interrupt
	}
	m.notice, m.status = "", ""
	if m.live != nil && !key.Matches(msg, k.Export) {
		m.live.replace = "" // the question to replace a reminder is answered no
	}
	c, n := m.active()
	if cmd, handled := c.update(msg, n.sel); handled {
		return cmd
	}
	if _, asking := m.over.(*confirmPage); asking {
		if key.Matches(msg, k.Quit) {
			return tea.Quit
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Quit):
		return tea.Quit
	case key.Matches(msg, k.Help):
		if _, open := m.over.(*keysPage); open {
			m.closeOverlay()
		} else {
			m.open(&keysPage{c: m.com})
		}
	case key.Matches(msg, k.Glossary):
		if _, open := m.over.(*glossaryPage); open {
			m.closeOverlay()
		} else {
			m.open(&glossaryPage{c: m.com})
		}
	case m.over != nil && key.Matches(msg, k.Close):
		m.closeOverlay()
	case m.over == nil && key.Matches(msg, k.Next):
		return m.apply(steps.Event{Type: steps.EvNext})
	case m.over == nil && key.Matches(msg, k.Prev):
		return m.apply(steps.Event{Type: steps.EvPrev})
	case m.over == nil && key.Matches(msg, k.Section):
		return m.apply(steps.Event{Type: steps.EvJump, Section: int(msg.String()[0] - '1')})
	case key.Matches(msg, k.Up):
		m.move(-1)
	case key.Matches(msg, k.Down):
		m.move(1)
	case key.Matches(msg, k.PageUp):
		m.scroll(-m.bodyHeight())
	case key.Matches(msg, k.PageDown):
		m.scroll(m.bodyHeight())
	case key.Matches(msg, k.Home):
		n.top = 0
	case key.Matches(msg, k.End):
		m.scroll(len(m.laid().lines))
	}
	return nil
}

// active is the component shown and its place.
func (m *Model) active() (component, *nav) {
	if m.over != nil {
		return m.over, &m.onav
	}
	return m.page(), &m.nav
}

// page is the component of the current screen.
func (m *Model) page() component {
	cur := m.com.Current()
	if m.live != nil {
		switch cur.Kind {
		case steps.ScreenCheck:
			return m.live.check
		case steps.ScreenTroubleshooting:
			return m.live.trouble
		}
		return liveScreenPage{component: m.pages[cur.Kind], m: m}
	}
	return m.pages[cur.Kind]
}

// open shows an overlay; the screen keeps its place under it.
func (m *Model) open(c component) {
	m.over = c
	m.onav = freshNav(c.start())
	m.memo, m.prev = nil, nil
}

// closeOverlay goes back to the screen, where it was.
func (m *Model) closeOverlay() {
	m.over = nil
	m.memo, m.prev = nil, nil
}

// move moves the selection, or scrolls where there is nothing to select.
func (m *Model) move(d int) {
	_, n := m.active()
	lb := m.prev
	if lb == nil {
		lb = m.laid()
	}
	items := lb.items
	if len(items) == 0 {
		m.scroll(d)
		return
	}
	n.sel = min(max(0, n.sel+d), len(items)-1)
	m.memo = nil // the selection is drawn
}

// scroll moves the view by d lines, within the body.
func (m *Model) scroll(d int) {
	_, n := m.active()
	lb := m.prev
	if lb == nil {
		lb = m.laid()
	}
	n.top = min(max(0, n.top+d), max(0, len(lb.lines)-m.bodyHeight()))
}

// follow keeps a newly selected item (and fresh quiz feedback) in sight
// after each message, and the view within the body.
func (m *Model) follow() {
	if m.com.Width == 0 || m.com.Height == 0 {
		return
	}
	_, n := m.active()
	lb := m.laid()
	if len(lb.items) > 0 {
		if n.sel >= len(lb.items) {
			n.sel = len(lb.items) - 1
			m.memo = nil
			lb = m.laid()
		}
		// A new selection, or another height (a resize, a longer message in
		// the footer), brings the selected item back in sight.
		if h := m.bodyHeight(); n.sel != n.shown || h != n.height {
			m.ensureVisible(n, lb.items[n.sel])
			n.shown, n.height = n.sel, h
		}
	}
	if f := lb.focus; f != nil && *f != n.focus {
		m.ensureVisible(n, *f)
		n.focus = *f
	}
	n.top = min(max(0, n.top), max(0, len(lb.lines)-m.bodyHeight()))
}

func (m *Model) ensureVisible(n *nav, s span) {
	h := m.bodyHeight()
	switch {
	case s.end < h && s.start < n.top:
		n.top = 0 // near the top: show the heading too
	case s.start < n.top:
		n.top = s.start
	case s.end >= n.top+h:
		n.top = min(s.start, s.end-h+1)
	}
}

// apply runs one event through the state machine. A refused event is said
// in the footer; an accepted one goes to setState.
func (m *Model) apply(e steps.Event) tea.Cmd {
	var next steps.State
	var eff steps.Effect
	var err error
	if m.live != nil {
		// The live session owns the state when there is one.
		eff, err = m.live.s.Apply(e)
		next = m.live.s.State()
	} else {
		next, eff, err = m.com.Mach.Apply(m.state, e, m.com.Now())
	}
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
		return nil
	}
	if eff.Finished {
		m.status = "Course complete. Well done!"
	}
	return m.setState(next)
}

// setState is the one place the state changes: the new state is kept, a
// new screen starts at its top, and the saver gets it.
func (m *Model) setState(next steps.State) tea.Cmd {
	moved := next.Screen != m.state.Screen
	m.state = next
	m.memo, m.prev = nil, nil
	if moved {
		m.enterScreen()
	}
	return m.saveCmd()
}

// saveCmd hands the current state to the saver without blocking Update.
func (m *Model) saveCmd() tea.Cmd {
	m.seq++
	seq, st, sv := m.seq, m.state, m.sv
	return func() tea.Msg { return savedMsg{seq: seq, err: sv.save(seq, st)} }
}

// reset is "yes" to the start-over question: the course starts afresh,
// the saved file with it.
func (m *Model) reset() tea.Cmd {
	m.closeOverlay()
	m.quiz.forget()
	_ = m.setState(m.com.Mach.Start(m.com.Now())) // saved below, with the file removed first
	m.enterScreen()
	m.status = "Saved progress erased: the course starts afresh."
	var live tea.Cmd
	if m.live != nil {
		m.live.edit = ""
		live = m.live.job(m.live.s.Reset(m.state))
		_ = m.pull()
		if m.live.s.NeedsChoice() {
			m.open(&chooserPage{m: m})
		}
	}
	m.seq++
	seq, st, sv := m.seq, m.state, m.sv
	return tea.Batch(live, func() tea.Msg { return savedMsg{seq: seq, err: sv.reset(seq, st)} })
}

// enterScreen puts the selection where work is waiting on a newly shown screen.
func (m *Model) enterScreen() {
	m.nav = freshNav(m.page().start())
}

func (m *Model) tooSmall() bool { return m.com.Width < MinWidth || m.com.Height < MinHeight }

// laid is the active component's body, drawn now or kept from earlier in
// this message.
func (m *Model) laid() *laidOut {
	if m.memo != nil {
		return m.memo
	}
	c, n := m.active()
	b := c.view(n.sel)
	w := m.com.Width
	pad := strings.Repeat(" ", bodyPad)
	lines := make([]string, len(b.lines))
	for i, l := range b.lines {
		// Indented and padded to the full width once, here, so that a frame
		// is only a slice of these lines.
		lines[i] = padRight(truncate(pad+l, w), w)
	}
	m.memo = &laidOut{body: b, lines: lines}
	return m.memo
}

// bodyHeight is the rows between header and footer.
func (m *Model) bodyHeight() int {
	return max(1, m.com.Height-headerHeight-m.footerHeight())
}

// scrolls says whether the body is taller than its space (the footer's
// help then offers the scroll keys): settled without the scroll keys first.
func (m *Model) scrolls() bool {
	return len(m.laid().lines) > max(1, m.com.Height-headerHeight-1-len(m.messageLines())-1)
}

// frame is the whole screen: header, body, footer. Exactly width x height
// cells, or a short message when the terminal is too small.
func (m *Model) frame() string {
	w, h := m.com.Width, m.com.Height
	switch {
	case w == 0 || h == 0:
		return ""
	case m.tooSmall():
		return m.tooSmallView()
	}
	lb := m.laid()
	_, n := m.active()
	bh := m.bodyHeight()
	top := min(max(0, n.top), max(0, len(lb.lines)-bh))
	var b strings.Builder
	b.WriteString(m.header())
	b.WriteByte('\n')
	blank := strings.Repeat(" ", w)
	for i := top; i < top+bh; i++ {
		if i < len(lb.lines) {
			l := lb.lines[i]
			if m.live != nil && strings.Contains(l, spinSlot) {
				l = strings.ReplaceAll(l, spinSlot, m.live.spin.View())
			}
			b.WriteString(l)
		} else {
			b.WriteString(blank)
		}
		b.WriteByte('\n')
	}
	b.WriteString(m.footer(top, bh, len(lb.lines)))
	return b.String()
}

func (m *Model) tooSmallView() string {
	w, h := m.com.Width, m.com.Height
	msg := fmt.Sprintf("Terminal too small: need at least %dx%d, have %dx%d.\nEnlarge the window to continue.\nq quits; your progress is saved.",
		MinWidth, MinHeight, w, h)
	lines := wrap.Text(msg, w)
	if len(lines) > h {
		lines = lines[:h]
	}
	return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, m.com.Styles.Warn.Render(strings.Join(lines, "\n")))
}
