package tui

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/live"
	"github.com/kvbridge/kvbridge/tui/session"
)

// The live part of the wizard is a front end of steps/live: the session
// owns the connection, the practice tenant, the runs and their results, and
// every rule about them. The wizard draws what the session says, hands its
// Jobs to Bubble Tea as commands and their Msgs back to Take, and keeps only
// what is being typed.

// liveModel is the live part of Model. Nil means the course runs offline.
type liveModel struct {
	m        *Model // the root: its status line, selection and overlays
	c        *Common
	s        *live.Session
	stateDir string // where a reminder goes when the current directory refuses it

	edit   string            // the field being edited, "" for none
	fields map[string]*field // what is being typed, by field name
	filter *field            // the vault list's filter (the wizard's own)
	spin   spinner.Model
	// replace is a reminder file that exists: e asks before replacing it.
	replace string

	check, trouble component
}

// filterField names the vault filter among the fields being edited.
const filterField = "filter"

// spinSlot stands for the spinner in drawn bodies: one private-use rune,
// one cell wide like every frame of the spinner. View swaps in the current
// frame, so a spinner frame costs a compose, not a drawing of the body.
const spinSlot = "\uE000"

type (
	// watchSecondMsg redraws the countdown to a watch's next run.
	watchSecondMsg struct{}
	// reminderMsg reports a written calendar reminder.
	reminderMsg struct {
		path   string
		err    error
		exists bool // the file is there already: nothing was written
	}
)

// setupLive makes the live session and connects (the saved connection and
// the command line's, by live.Merge); with no connection at all the chooser
// asks. It returns the commands to run first.
func (m *Model) setupLive(opts session.Options) tea.Cmd {
	if opts.Live == nil {
		return nil
	}
	s, err := live.New(live.Options{Machine: opts.Machine, State: m.state, Given: opts.Live.Initial,
		Secret: opts.Live.Secret, Wiring: opts.Live.Wiring, Observe: opts.Live.Observe, Now: m.com.Now,
		Save: func(steps.State) error { return nil }}) // the root's saver writes it
	if err != nil {
		m.status = live.Words(err)
		return nil
	}
	lm := &liveModel{m: m, c: m.com, s: s, stateDir: live.ReminderStateDir(opts.Store),
		fields: map[string]*field{}, filter: newField(),
		spin: spinner.New(spinner.WithSpinner(spinner.Line))}
	lm.check, lm.trouble = &liveCheckPage{m: m, lm: lm}, &liveTroublePage{m: m, lm: lm}
	m.live = lm
	cmd := m.live.job(s.Begin())
	if s.NeedsChoice() {
		m.open(&chooserPage{m: m})
	}
	return tea.Batch(cmd, m.pull())
}

// job hands a session's Job to Bubble Tea, with the spinner while work goes.
func (lm *liveModel) job(j live.Job) tea.Cmd {
	if j == nil {
		return nil
	}
	lm.spin = spinner.New(spinner.WithSpinner(spinner.Line), spinner.WithStyle(lm.c.Styles.Spinner))
	return tea.Batch(func() tea.Msg { return j() }, lm.spin.Tick)
}

// pull takes the session's state as the wizard's: the one way the live part
// changes it.
func (m *Model) pull() tea.Cmd {
	if m.live == nil {
		return nil
	}
	st := m.live.s.State()
	if st.UpdatedAt.Equal(m.state.UpdatedAt) && st.Screen == m.state.Screen && st.Connection == m.state.Connection {
		return nil
	}
	return m.setState(st)
}

// liveMsg handles the live part's messages.
func (m *Model) liveMsg(msg tea.Msg) tea.Cmd {
	lm := m.live
	s := lm.s
	switch msg := msg.(type) {
	case live.Msg:
		was := s.Status()
		next := s.Take(msg)
		m.live.say(msg, was)
		return tea.Batch(m.live.job(next), m.live.countdown())
	case watchSecondMsg:
		return m.live.countdown()
	case reminderMsg:
		switch {
		case msg.exists:
			lm.replace = msg.path
			m.status = msg.path + " exists. Press e again to replace it, or any other key to leave it as it is."
		case msg.err != nil:
			m.status = "✗ " + live.Words(msg.err)
		default:
			m.status = "Reminder written to " + msg.path + " (import it into your calendar)."
		}
	case spinner.TickMsg:
		if st := s.Status(); st.Running || st.Syncing || st.Starting {
			// A new frame only changes what View puts in the spinner's slot.
			var cmd tea.Cmd
			lm.spin, cmd = lm.spin.Update(msg)
			return cmd
		}
	case tea.PasteMsg:
		if m.over != nil {
			return nil // an overlay first: nothing behind it is edited
		}
		if lm.edit == "" {
			if it := lm.item(m.nav.sel); lm.editable(it) {
				lm.startEdit(it)
			}
		}
		if lm.edit != "" {
			lm.buffer().update(msg)
		}
	}
	return nil
}

// countdown redraws the page once a second while a watch waits for its
// next run, so "next run in N s" counts down.
func (lm *liveModel) countdown() tea.Cmd {
	m := lm.m
	if st := m.live.s.Status(); st.Watching && !st.Running {
		return tea.Tick(time.Second, func(time.Time) tea.Msg { return watchSecondMsg{} })
	}
	return nil
}

// say puts what a session's Msg means in the footer.
func (lm *liveModel) say(msg live.Msg, was live.Status) {
	m := lm.m
	switch msg := msg.(type) {
	case *live.Started:
		if msg.Err != nil {
			m.status = "The practice tenant did not start: " + live.Words(msg.Err) + " Press c to try again."
		} else if h, ok := lm.s.Handout(); ok && h.Where != "" {
			m.status = "Practice tenant " + h.Where + ": ready (the trainer knows what, if anything, is wrong with it). Your progress goes to the trainer; p offers the portal's actions."
		} else if m.state.Connection.Kind == steps.ConnPractice {
			m.status = "Practice tenant, scenario " + msg.Scenario + ": running. Each check page runs against it; p offers the portal's actions."
		}
	case *live.Finished:
		switch {
		case msg.Cancelled:
		case msg.Err != nil:
			m.status = "The checks could not start: " + live.Words(msg.Err)
		case was.Watching && !msg.Watching && msg.Tally.AllPassed():
			m.status = "Checks done. " + msg.Tally.Words() + " Everything passes now: watching stopped."
		case msg.Watching:
			m.status = "Checks done. " + msg.Tally.Words() + " Watching (w stops)."
		default:
			m.status = "Checks done. " + msg.Tally.Words()
		}
	case *live.Synced:
		if !msg.OK {
			m.status = "Delinea's sync would fail: " + msg.Row.Title
			return
		}
		m.status = "Saved: " + msg.Row.Title + " Run the checks (r) to verify it."
	case *live.Acted:
		if msg.Err != nil {
			m.status = live.Words(msg.Err)
		} else {
			m.status = msg.Text
		}
	}
}

// ---- fields being typed ----

// item names the selectable row i of the current live page.
func (lm *liveModel) item(i int) string {
	its := lm.items()
	if i < 0 || i >= len(its) {
		return ""
	}
	return its[i]
}

// Rows of a live page that are not fields.
const (
	rowRun    = "run"
	rowSync   = "sync"
	rowExport = "export"
	vaultRow  = "vault:" // + the vault's name
)

// items are the selectable rows of the current live page, in order: its
// fields as the session shows them, the vault list, then its actions.
func (lm *liveModel) items() []string {
	p, ok := lm.s.Page()
	if !ok {
		return nil
	}
	var its []string
	if p.Check && !lm.c.State.Live() {
		return nil
	}
	for _, f := range lm.s.Fields(p) {
		its = append(its, f.Name)
	}
	if p.VaultPicker {
		its = append(its, filterField)
		for _, v := range lm.vaults() {
			its = append(its, vaultRow+v.Name)
		}
	}
	if p.Sync && lm.c.State.Connection.Kind == steps.ConnPractice {
		its = append(its, rowSync)
	}
	if p.Check {
		its = append(its, rowRun)
	}
	if p.Reminder {
		its = append(its, rowExport)
	}
	return its
}

// field is the session's field of that name on the current page.
func (lm *liveModel) field(name string) (live.Field, bool) {
	p, _ := lm.s.Page()
	for _, f := range lm.s.Fields(p) {
		if f.Name == name {
			return f, true
		}
	}
	return live.Field{}, false
}

// editable says whether a row is typed into (not a choice, not an action).
func (lm *liveModel) editable(name string) bool {
	if name == filterField {
		return true
	}
	f, ok := lm.field(name)
	return ok && len(f.Choices) == 0
}

// buffer is the field being edited.
func (lm *liveModel) buffer() *field {
	if lm.edit == filterField {
		return lm.filter
	}
	return lm.fields[lm.edit]
}

// startEdit starts typing into a field, from its value now.
func (lm *liveModel) startEdit(name string) {
	lm.edit = name
	if name != filterField {
		f := newField()
		if sf, ok := lm.field(name); ok {
			f.masked = sf.Secret
			f.keepEnd = name == steps.FieldVault
		}
		f.set(lm.s.Value(name))
		lm.fields[name] = f
	}
	lm.buffer().focus()
	for i, it := range lm.items() {
		if it == name {
			lm.c.Select(i)
		}
	}
}

// endEdit ends the edit and hands the value to the session, which checks
// and keeps it. Ending an edit never does more: no check runs, nothing is
// written anywhere. A value the session refuses keeps the edit open with
// what was typed (nothing lost) and says why; discard drops it instead.
func (lm *liveModel) endEdit(discard bool) bool {
	m := lm.m
	name := lm.edit
	if name == "" {
		return true
	}
	buf := lm.buffer()
	if name == filterField {
		buf.blur()
		lm.edit = ""
		return true
	}
	v := buf.value()
	if err := lm.s.SetField(name, v); err != nil {
		if !discard {
			m.status = live.Words(err) + " (esc leaves the field as it was)"
			return false
		}
		m.status = live.Words(err) + " The field is left as it was."
		buf.blur()
		lm.edit = ""
		return true
	}
	buf.blur()
	lm.edit = ""
	if name == steps.FieldClientSecret && strings.TrimSpace(v) != v {
		m.status = "The client secret had whitespace around it (from copying); it was removed."
	}
	if name == steps.FieldSecretExpiry && strings.TrimSpace(v) != "" {
		if exp, words, _ := lm.s.Expiry(); exp != nil {
			m.status = "Expiry saved: " + exp.Format("2 Jan 2006") + " (" + words + "). Press e to export a reminder 30 days before."
		}
	}
	return true
}
