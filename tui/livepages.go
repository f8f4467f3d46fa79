package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/kvbridge/kvbridge/steps"
)

// The live components: the check page (its form, its run, its results),
// the review page's expiry form, the connection chooser and the practice
// menu. They are shown by the root like the others and answer the same
// component interface.

// liveCheckPage is a section's live check page.
type liveCheckPage struct{ m *Model }

func (p *liveCheckPage) view(sel int) body { return p.m.liveCheckBody(sel) }
func (p *liveCheckPage) start() int        { return 0 }
func (p *liveCheckPage) keys() []key.Binding {
	return p.m.liveExtraKeys()
}

func (p *liveCheckPage) update(msg tea.KeyPressMsg, sel int) (tea.Cmd, bool) {
	m := p.m
	if m.live.edit != "" {
		return m.editKey(msg), true
	}
	if !m.state.Live() {
		return m.connKeys(msg)
	}
	k := m.keys
	ids := m.com.Section().Check.IDs
	lm := m.live
	switch {
	case key.Matches(msg, k.Rerun):
		return tea.Batch(m.commitForms(), m.runChecks(ids)), true
	case key.Matches(msg, k.Watch):
		return m.toggleWatch(ids), true
	case key.Matches(msg, k.Cancel):
		if lm.running || lm.syncing || lm.watch {
			m.stopRun()
			m.status = "Stopped. Results so far are kept; r runs the checks again."
		}
		return nil, true
	case key.Matches(msg, k.Filter) && m.hasItem(fFilter):
		m.startEdit(fFilter)
		return nil, true
	case key.Matches(msg, k.Copy):
		return m.copyFixes(ids), true
	case key.Matches(msg, k.Choose):
		return m.liveChoose(sel), true
	}
	return m.connKeys(msg)
}

// liveTroublePage is the review's troubleshooting page with the client
// secret's expiry and its calendar reminder.
type liveTroublePage struct{ m *Model }

func (p *liveTroublePage) start() int { return 0 }
func (p *liveTroublePage) keys() []key.Binding {
	return p.m.liveExtraKeys()
}

func (p *liveTroublePage) view(sel int) body {
	m := p.m
	w := m.com.ContentWidth()
	b := lineBuf{lines: troubleLines(m.com, w)}
	var items []span
	m.expiryBlock(&b, &items, sel, w)
	return body{lines: b.lines, items: items, choose: "edit/choose"}
}

func (p *liveTroublePage) update(msg tea.KeyPressMsg, sel int) (tea.Cmd, bool) {
	m := p.m
	if m.live.edit != "" {
		return m.editKey(msg), true
	}
	switch {
	case key.Matches(msg, m.keys.Export):
		return m.exportReminder(), true
	case key.Matches(msg, m.keys.Choose):
		return m.liveChoose(sel), true
	}
	return m.connKeys(msg)
}

// connKeys are c (where the checks run) and p (practice actions), on every
// screen of a wizard with live checks.
func (m *Model) connKeys(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	switch {
	case key.Matches(msg, m.keys.Connection):
		m.open(&chooserPage{m: m})
		return nil, true
	case key.Matches(msg, m.keys.Practice) && m.state.Connection.Kind == steps.ConnPractice:
		m.open(&practicePage{m: m})
		return nil, true
	}
	return nil, false
}

// liveScreenPage wraps any other screen of a wizard with live checks, so c
// and p work there too.
type liveScreenPage struct {
	component
	m *Model
}

func (p liveScreenPage) update(msg tea.KeyPressMsg, sel int) (tea.Cmd, bool) {
	if cmd, ok := p.component.update(msg, sel); ok {
		return cmd, true
	}
	return p.m.connKeys(msg)
}

func (p liveScreenPage) keys() []key.Binding {
	return append(p.component.keys(), p.m.liveExtraKeys()...)
}

// editKey is a key while a field is edited: enter, esc and the arrows end
// the edit (enter never does more), tab moves to the next field, anything
// else edits.
func (m *Model) editKey(msg tea.KeyPressMsg) tea.Cmd {
	lm := m.live
	k := m.keys
	n := &m.nav
	switch {
	case key.Matches(msg, k.EditDone):
		name := lm.edit
		cmd := m.endEdit()
		if name == fFilter && len(m.liveItems()) > 2 {
			n.sel = 1 // the first match
		}
		return cmd
	case key.Matches(msg, k.EditStop), key.Matches(msg, k.EditUp), key.Matches(msg, k.EditDown):
		cmd := m.endEdit()
		switch {
		case key.Matches(msg, k.EditUp):
			m.move(-1)
		case key.Matches(msg, k.EditDown):
			m.move(1)
		}
		return cmd
	case key.Matches(msg, k.EditNext), key.Matches(msg, k.EditPrev):
		cmd := m.endEdit()
		d := 1
		if key.Matches(msg, k.EditPrev) {
			d = -1
		}
		its := m.liveItems()
		for i := n.sel + d; i >= 0 && i < len(its); i += d {
			if _, isField := lm.fields[its[i]]; isField {
				m.startEdit(its[i])
				break
			}
		}
		return cmd
	}
	if lm.fields[lm.edit].update(msg) && lm.edit == fFilter {
		n.sel = 0
	}
	return nil
}

// hasItem says whether the current screen has the named row.
func (m *Model) hasItem(name string) bool {
	for _, it := range m.liveItems() {
		if it == name {
			return true
		}
	}
	return false
}

// liveChoose is space/enter on a live screen's row.
func (m *Model) liveChoose(sel int) tea.Cmd {
	lm := m.live
	its := m.liveItems()
	if sel < 0 || sel >= len(its) {
		return nil
	}
	it := its[sel]
	switch {
	case it == fRun:
		return tea.Batch(m.commitForms(), m.runChecks(m.com.Section().Check.IDs))
	case it == fCloud:
		for i, c := range clouds {
			if c == lm.cloud {
				lm.cloud = clouds[(i+1)%len(clouds)]
				break
			}
		}
		return m.commitForms()
	case it == fMapUser:
		lm.mapUser = !lm.mapUser
		return m.commitForms()
	case it == fSave:
		return m.saveSecret()
	case it == fExport:
		return m.exportReminder()
	case strings.HasPrefix(it, vaultRow):
		var i int
		fmt.Sscanf(strings.TrimPrefix(it, vaultRow), "%d", &i)
		vs := m.filteredVaults()
		if i < len(vs) {
			lm.fields[fVault].set(vs[i].Name)
			if m.state.Connection.Kind == steps.ConnPractice && strings.EqualFold(vs[i].Name, lm.info.VaultName) {
				lm.fields[fVault].set(lm.info.VaultID)
			}
			m.status = "Picked " + vs[i].Name + ": the checks (and section 3's secret) use this vault now."
			return m.commitForms()
		}
	default:
		if _, isField := lm.fields[it]; isField {
			m.startEdit(it)
		}
	}
	return nil
}

// startEdit puts the cursor on a field and starts editing it.
func (m *Model) startEdit(name string) {
	lm := m.live
	lm.edit = name
	lm.fields[name].focus()
	for i, it := range m.liveItems() {
		if it == name {
			m.nav.sel = i
		}
	}
}

// chooserPage asks where the live checks run.
type chooserPage struct{ m *Model }

func (p *chooserPage) view(sel int) body   { return p.m.chooserBody(sel) }
func (p *chooserPage) start() int          { return p.m.chooserDefault() }
func (p *chooserPage) keys() []key.Binding { return nil }

func (p *chooserPage) update(msg tea.KeyPressMsg, sel int) (tea.Cmd, bool) {
	m := p.m
	switch {
	case key.Matches(msg, m.keys.Choose):
		return m.chooseConnection(sel), true
	case key.Matches(msg, m.keys.Close), key.Matches(msg, m.keys.Connection):
		m.closeOverlay()
		if m.state.Connection.Kind == steps.ConnNone {
			m.status = "No connection chosen: the course runs without live checks. Press c to choose."
		}
		return nil, true
	}
	return nil, false
}

// practicePage is the menu of the portal's actions on the practice tenant.
type practicePage struct{ m *Model }

func (p *practicePage) view(sel int) body   { return p.m.practiceBody(sel) }
func (p *practicePage) start() int          { return 0 }
func (p *practicePage) keys() []key.Binding { return nil }

func (p *practicePage) update(msg tea.KeyPressMsg, sel int) (tea.Cmd, bool) {
	m := p.m
	switch {
	case key.Matches(msg, m.keys.Choose):
		acts := m.practiceMenu()
		if sel >= 0 && sel < len(acts) {
			m.closeOverlay()
			return m.runPractice(acts[sel]), true
		}
		return nil, true
	case key.Matches(msg, m.keys.Close), key.Matches(msg, m.keys.Practice):
		m.closeOverlay()
		return nil, true
	}
	return nil, false
}

// liveMsg handles the live part's messages.
func (m *Model) liveMsg(msg tea.Msg) tea.Cmd {
	lm := m.live
	switch msg := msg.(type) {
	case practiceStartedMsg:
		return m.practiceStarted(msg)
	case liveResultMsg:
		return m.liveResult(msg)
	case liveDoneMsg:
		return m.liveDone(msg)
	case watchTickMsg:
		if msg.n == lm.watchN && lm.watch && !lm.running {
			ids := lm.runIDs
			if len(ids) == 0 {
				ids = m.com.Section().Check.IDs
			}
			return m.runChecks(ids)
		}
	case watchSecondMsg:
		if msg.n == lm.watchN && lm.watch && !lm.running {
			return m.watchCountdown()
		}
	case syncDoneMsg:
		return m.syncDone(msg)
	case practiceDoneMsg:
		return m.practiceDone(msg)
	case reminderMsg:
		if msg.err != nil {
			m.status = "✗ " + msg.err.Error()
		} else {
			m.status = "Reminder saved to " + msg.path + " (import it into your calendar)."
		}
	case spinner.TickMsg:
		if lm.running || lm.syncing || lm.starting {
			// A new frame only changes what View puts in the spinner's slot:
			// the body is not drawn again.
			var cmd tea.Cmd
			lm.spin, cmd = lm.spin.Update(msg)
			return cmd
		}
	case tea.PasteMsg:
		if _, asking := m.over.(*confirmPage); asking || m.over != nil {
			return nil // an overlay first: nothing behind it is edited
		}
		if lm.edit == "" {
			its := m.liveItems()
			if m.nav.sel < len(its) {
				if _, isField := lm.fields[its[m.nav.sel]]; isField {
					m.startEdit(its[m.nav.sel])
				}
			}
		}
		if lm.edit != "" {
			lm.fields[lm.edit].update(msg)
		}
	}
	return nil
}

// liveExtraKeys are the live keys that work on the current screen.
func (m *Model) liveExtraKeys() []key.Binding {
	lm := m.live
	if lm == nil {
		return nil
	}
	k := m.keys
	var out []key.Binding
	cur := m.com.Current()
	if cur.Kind == steps.ScreenCheck && m.state.Live() {
		out = append(out, k.Rerun, k.Watch)
		if lm.running || lm.syncing || lm.watch {
			out = append(out, k.Cancel)
		}
		if m.hasItem(fFilter) {
			out = append(out, k.Filter)
		}
		if len(m.fixCommands(m.com.Section().Check.IDs)) > 0 {
			out = append(out, k.Copy)
		}
	}
	if cur.Kind == steps.ScreenTroubleshooting {
		out = append(out, k.Export)
	}
	if m.state.Connection.Kind == steps.ConnPractice {
		out = append(out, k.Practice)
	}
	return append(out, k.Connection)
}

// editKeys is the footer while a field is edited.
func (m *Model) editKeys() []key.Binding {
	k := m.keys
	return []key.Binding{k.EditDone, k.EditNext, k.EditStop,
		key.NewBinding(key.WithKeys("ctrl+u"), key.WithHelp("ctrl+u", "clear"))}
}
