package tui

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/azure"
	"github.com/kvbridge/kvbridge/steps/live"
)

// liveCheckPage is a section's live check page: what the course declares
// for it (fields, vault picker, sync) with the session's results.
type liveCheckPage struct {
	m  *Model
	lm *liveModel
}

func (p *liveCheckPage) start() int          { return 0 }
func (p *liveCheckPage) keys() []key.Binding { return p.m.live.liveKeys() }
func (p *liveCheckPage) view(sel int) body   { return p.m.live.checkBody(sel) }

func (p *liveCheckPage) update(msg tea.KeyPressMsg, sel int) (tea.Cmd, bool) {
	m, lm := p.m, p.lm
	if lm.edit != "" {
		return m.live.editKey(msg), true
	}
	if !m.state.Live() {
		return m.live.connKeys(msg)
	}
	k, s := m.keys, lm.s
	switch {
	case key.Matches(msg, k.Rerun):
		j, err := s.Run()
		return m.live.started(j, err), true
	case key.Matches(msg, k.Watch):
		if s.Status().Watching {
			s.StopWatch()
			m.status = "Watching stopped."
			return nil, true
		}
		j, err := s.Watch()
		if err == nil {
			m.status = fmt.Sprintf("Watching: the checks run again every %d s until all pass (w stops). Useful while a role propagates.", int(live.WatchInterval.Seconds()))
		}
		return m.live.started(j, err), true
	case key.Matches(msg, k.Cancel):
		if st := s.Status(); st.Running || st.Syncing || st.Watching {
			s.Cancel()
			m.status = "Stopped. Results so far are kept; r runs the checks again."
		}
		return nil, true
	case key.Matches(msg, k.Filter) && m.live.hasRow(filterField):
		lm.startEdit(filterField)
		return nil, true
	case key.Matches(msg, k.Copy):
		return m.live.copyFixes(), true
	case key.Matches(msg, k.Choose):
		return m.live.liveChoose(sel), true
	}
	return m.live.connKeys(msg)
}

// started runs a Job the session handed out, or says why there is none.
func (lm *liveModel) started(j live.Job, err error) tea.Cmd {
	m := lm.m
	if err != nil {
		m.status = live.Words(err)
		return nil
	}
	return m.live.job(j)
}

// liveTroublePage is the review's troubleshooting page with the client
// secret's expiry and its calendar reminder.
type liveTroublePage struct {
	m  *Model
	lm *liveModel
}

func (p *liveTroublePage) start() int          { return 0 }
func (p *liveTroublePage) keys() []key.Binding { return p.m.live.liveKeys() }

func (p *liveTroublePage) view(sel int) body {
	m := p.m
	w := m.com.ContentWidth()
	b := lineBuf{lines: troubleLines(m.com, w)}
	var items []span
	m.live.expiryBlock(&b, &items, sel, w)
	return body{lines: b.lines, items: items, choose: "edit/choose"}
}

func (p *liveTroublePage) update(msg tea.KeyPressMsg, sel int) (tea.Cmd, bool) {
	m := p.m
	if p.lm.edit != "" {
		return m.live.editKey(msg), true
	}
	switch {
	case key.Matches(msg, m.keys.Export):
		return m.live.exportReminder(), true
	case key.Matches(msg, m.keys.Choose):
		return m.live.liveChoose(sel), true
	}
	return m.live.connKeys(msg)
}

// connKeys are c (where the checks run) and p (practice actions), on every
// screen of a wizard with live checks.
func (lm *liveModel) connKeys(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	m := lm.m
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

// liveScreenPage wraps the other screens of a wizard with live checks, so
// that c and p work there too.
type liveScreenPage struct {
	component
	m *Model
}

func (p liveScreenPage) update(msg tea.KeyPressMsg, sel int) (tea.Cmd, bool) {
	if cmd, ok := p.component.update(msg, sel); ok {
		return cmd, true
	}
	return p.m.live.connKeys(msg)
}

func (p liveScreenPage) keys() []key.Binding {
	return append(p.component.keys(), p.m.live.liveKeys()...)
}

// editKey is a key while a field is edited: enter, esc and the arrows end
// the edit (enter never does more), tab moves to the next field, anything
// else edits.
func (lm *liveModel) editKey(msg tea.KeyPressMsg) tea.Cmd {
	m := lm.m
	k := m.keys
	switch {
	case key.Matches(msg, k.EditDone):
		name := lm.edit
		if m.live.endEdit(false) && name == filterField && len(lm.vaults()) > 0 {
			m.nav.sel = m.live.rowIndex(filterField) + 1 // the first match
		}
	case key.Matches(msg, k.EditStop):
		m.live.endEdit(true)
	case key.Matches(msg, k.EditUp):
		if m.live.endEdit(false) {
			m.move(-1)
		}
	case key.Matches(msg, k.EditDown):
		if m.live.endEdit(false) {
			m.move(1)
		}
	case key.Matches(msg, k.EditNext), key.Matches(msg, k.EditPrev):
		if !m.live.endEdit(false) {
			return nil
		}
		d := 1
		if key.Matches(msg, k.EditPrev) {
			d = -1
		}
		its := lm.items()
		for i := m.nav.sel + d; i >= 0 && i < len(its); i += d {
			if lm.editable(its[i]) {
				lm.startEdit(its[i])
				break
			}
		}
	default:
		if lm.buffer().update(msg) && lm.edit == filterField {
			m.nav.sel = m.live.rowIndex(filterField)
		}
	}
	return nil
}

func (lm *liveModel) rowIndex(name string) int {
	m := lm.m
	for i, it := range m.live.items() {
		if it == name {
			return i
		}
	}
	return -1
}

func (lm *liveModel) hasRow(name string) bool { return lm.rowIndex(name) >= 0 }

// liveChoose is space/enter on a live page's row.
func (lm *liveModel) liveChoose(sel int) tea.Cmd {
	m := lm.m
	s := lm.s
	it := lm.item(sel)
	switch {
	case it == "":
		return nil
	case it == rowRun:
		j, err := s.Run()
		return m.live.started(j, err)
	case it == rowSync:
		j, err := s.Sync()
		if err == nil {
			m.status = "Saving: writing the password to the practice vault as Delinea's sync would…"
		}
		return m.live.started(j, err)
	case it == rowExport:
		return m.live.exportReminder()
	case strings.HasPrefix(it, vaultRow):
		name := strings.TrimPrefix(it, vaultRow)
		if err := s.SetField(steps.FieldVault, name); err != nil {
			m.status = live.Words(err)
			return nil
		}
		m.status = "Picked " + name + ": the checks (and section 3's secret) use this vault now."
	default:
		if f, ok := lm.field(it); ok && len(f.Choices) > 0 {
			// A choice cycles through its values.
			next := f.Choices[0]
			for i, c := range f.Choices {
				if c == f.Value {
					next = f.Choices[(i+1)%len(f.Choices)]
				}
			}
			if err := s.SetField(it, next); err != nil {
				m.status = live.Words(err)
			}
			return nil
		}
		if lm.editable(it) {
			lm.startEdit(it)
		}
	}
	return nil
}

// exportReminder writes the .ics reminder into the current directory, or
// the state directory when that is not writable. A file already there is
// replaced only when e is pressed again on the question.
func (lm *liveModel) exportReminder() tea.Cmd {
	m := lm.m
	exp, _, _ := lm.s.Expiry()
	if exp == nil {
		m.status = "Give the client secret's expiry date first (YYYY-MM-DD)."
		if m.live.hasRow(steps.FieldSecretExpiry) {
			lm.startEdit(steps.FieldSecretExpiry)
		}
		return nil
	}
	s, dir, replace := lm.s, lm.stateDir, lm.replace
	tenant, client, now := s.Value(steps.FieldTenantID), s.Value(steps.FieldClientID), m.com.Now()
	lm.replace = ""
	return func() tea.Msg {
		if replace != "" {
			return reminderMsg{path: replace, err: live.ReplaceReminderFor(*exp, tenant, client, now, replace)}
		}
		p, err := s.ExportReminder(".", dir)
		if errors.Is(err, fs.ErrExist) {
			return reminderMsg{path: p, exists: true}
		}
		return reminderMsg{path: p, err: err}
	}
}

// copyFixes puts the fix commands of the page's problems on the clipboard
// through the terminal (OSC 52). Alternatives are copied commented out,
// under what each costs: pasting them all must not run them all.
func (lm *liveModel) copyFixes() tea.Cmd {
	m := lm.m
	cmds := m.live.fixCommands()
	if len(cmds) == 0 {
		m.status = "Nothing to copy: no check on this page has a command to run."
		return nil
	}
	n := 0
	for _, c := range cmds {
		if !strings.HasPrefix(c, "#") || strings.HasPrefix(c, "# az ") {
			n++
		}
	}
	m.status = fmt.Sprintf("Copied %s to the clipboard (terminals without OSC 52 ignore it; the commands are also shown above).",
		steps.Plural(n, "az command"))
	return tea.SetClipboard(strings.Join(cmds, "\n") + "\n")
}

// fixCommands are the commands of the page's checks that failed or warned.
func (lm *liveModel) fixCommands() []string {
	m := lm.m
	p, _ := m.live.s.Page()
	var out []string
	for _, r := range m.live.s.Rows(p.IDs) {
		if !r.Problem() {
			continue
		}
		lines := r.FixLines()
		several := false
		for _, l := range lines {
			several = several || l.Alternative
		}
		for _, l := range lines {
			switch {
			case l.Kind == "way" && several:
				lead := "# Either: "
				if l.Alternative {
					lead = "# or: "
				}
				out = append(out, lead+l.Text+costNote(l.Cost))
			case l.Kind == "az" && several:
				out = append(out, "# "+l.Text)
			case l.Kind == "az":
				out = append(out, l.Text)
			}
		}
	}
	return out
}

func costNote(cost string) string {
	if cost == "" {
		return ""
	}
	return " (cost: " + cost + ")"
}

// liveKeys are the live keys that work on the current screen.
func (lm *liveModel) liveKeys() []key.Binding {
	m := lm.m
	if lm == nil {
		return nil
	}
	k := m.keys
	var out []key.Binding
	p, ok := lm.s.Page()
	if ok && p.Check && m.state.Live() {
		out = append(out, k.Rerun, k.Watch)
		if st := lm.s.Status(); st.Running || st.Syncing || st.Watching {
			out = append(out, k.Cancel)
		}
		if m.live.hasRow(filterField) {
			out = append(out, k.Filter)
		}
		if len(m.live.fixCommands()) > 0 {
			out = append(out, k.Copy)
		}
	}
	if ok && p.Reminder {
		out = append(out, k.Export)
	}
	if m.state.Connection.Kind == steps.ConnPractice {
		out = append(out, k.Practice)
	}
	return append(out, k.Connection)
}

// editKeys is the footer while a field is edited.
func (lm *liveModel) editKeys() []key.Binding {
	m := lm.m
	k := m.keys
	return []key.Binding{k.EditDone, k.EditNext, k.EditStop,
		key.NewBinding(key.WithKeys("ctrl+u"), key.WithHelp("ctrl+u", "clear"))}
}

// chooserPage asks where the live checks run.
type chooserPage struct{ m *Model }

func (p *chooserPage) keys() []key.Binding { return nil }

// chooserEntry is one line of the chooser.
type chooserEntry struct {
	kind     string
	scenario live.Scenario
}

func chooserEntries() []chooserEntry {
	var out []chooserEntry
	for _, s := range live.Scenarios() {
		out = append(out, chooserEntry{kind: steps.ConnPractice, scenario: s})
	}
	return append(out, chooserEntry{kind: steps.ConnTenant}, chooserEntry{kind: steps.ConnOffline})
}

// start is the line the chooser starts on: the current connection, else
// the healthy practice tenant.
func (p *chooserPage) start() int {
	c := p.m.state.Connection
	for i, e := range chooserEntries() {
		switch {
		case c.Kind == steps.ConnPractice && e.kind == c.Kind && e.scenario.Name == c.Scenario:
			return i
		case c.Kind != steps.ConnPractice && c.Kind != steps.ConnNone && e.kind == c.Kind:
			return i
		}
	}
	return 0
}

func (p *chooserPage) update(msg tea.KeyPressMsg, sel int) (tea.Cmd, bool) {
	m := p.m
	switch {
	case key.Matches(msg, m.keys.Choose):
		es := chooserEntries()
		if sel < 0 || sel >= len(es) {
			return nil, true
		}
		e := es[sel]
		m.closeOverlay()
		j := m.live.s.Choose(e.kind, e.scenario.Name)
		switch e.kind {
		case steps.ConnPractice:
			m.status = "Practice tenant, scenario " + e.scenario.Name + ": starting. Each check page runs against it; p offers the portal's actions."
		case steps.ConnTenant:
			m.status = "Your own tenant: section 1's check page asks for the tenant ID, client ID and client secret (never saved)."
		default:
			m.status = "Course only: no live checks. Press c to connect later."
		}
		return m.live.job(j), true
	case key.Matches(msg, m.keys.Close), key.Matches(msg, m.keys.Connection):
		m.closeOverlay()
		if m.state.Connection.Kind == steps.ConnNone {
			m.status = "No connection chosen: the course runs without live checks. Press c to choose."
		}
		return nil, true
	}
	return nil, false
}

func (p *chooserPage) view(sel int) body {
	m := p.m
	c, st := m.com, m.com.Styles
	w := c.ContentWidth()
	var b lineBuf
	b.add(c.heading("Where should the live checks run?", "c changes it later", w)...)
	b.add(styled("Each section ends with a live check of your work. Choose what it looks at: the built-in practice tenant (nothing leaves this machine), your own Azure tenant, or no checks at all. From a shell, kvbridge doctor runs the same checks at once.", w, st.Dim)...)
	b.blank()
	var items []span
	cur := m.state.Connection
	headed := map[string]bool{}
	for i, e := range chooserEntries() {
		if !headed[e.kind] && e.kind == steps.ConnPractice {
			b.add(st.Emph.Render("The practice tenant") + st.Dim.Render("  (built in; each scenario breaks one thing)"))
			headed[e.kind] = true
		}
		if e.kind != steps.ConnPractice && !headed["other"] {
			b.blank()
			b.add(st.Emph.Render("Or"))
			headed["other"] = true
		}
		on := i == sel
		isCur := cur.Kind == e.kind && (e.kind != steps.ConnPractice || cur.Scenario == e.scenario.Name)
		mark := st.Box.Render("( )")
		if isCur {
			mark = st.Checked.Render("(•)")
		}
		start := b.n()
		var title, more, right string
		switch e.kind {
		case steps.ConnPractice:
			title = padRight(e.scenario.Name, 19) + " " + e.scenario.Title
			more = e.scenario.Teaches
			if e.scenario.Name == "healthy" {
				right = "default"
			}
		case steps.ConnTenant:
			title = "Your own Azure tenant"
			more = "Section 1's check asks for the tenant ID, client ID and client secret (AZURE_CLIENT_SECRET fills it; it is never saved). The checks only read, except a write you ask for."
		case steps.ConnOffline:
			title = "The course only, no live checks"
			more = "Everything but the live checks; progress counts tasks, quizzes and acknowledgements."
		}
		if isCur {
			right = "current"
		}
		prefix := c.cursorMark(on) + mark + " "
		if ansi.StringWidth(title)+2+ansi.StringWidth(right) <= w-6 {
			b.add(c.row(prefix, c.pick(on).Render(title), right, w))
		} else {
			// Too long for one line: the title wraps under itself, never cut.
			hang := 6
			if e.kind == steps.ConnPractice {
				prefix += c.pick(on).Render(padRight(e.scenario.Name, 19)) + " "
				hang, title = 6+20, e.scenario.Title
			}
			if right != "" {
				title += " (" + right + ")"
			}
			b.add(item(prefix, hang, title, w, c.pick(on))...)
		}
		if on {
			b.add(item(strings.Repeat(" ", 6), 6, more, w, st.Dim)...)
		}
		items = append(items, span{start, b.n() - 1})
	}
	b.blank()
	b.add(styled("enter chooses · esc closes", w, st.Dim)...)
	return body{lines: b.lines, items: items, choose: "choose"}
}

// practicePage is the menu of the portal's actions on the practice tenant,
// each with the tenant's state now.
type practicePage struct{ m *Model }

func (p *practicePage) start() int          { return 0 }
func (p *practicePage) keys() []key.Binding { return nil }

func (p *practicePage) update(msg tea.KeyPressMsg, sel int) (tea.Cmd, bool) {
	m := p.m
	switch {
	case key.Matches(msg, m.keys.Choose):
		acts := m.live.s.Actions()
		if sel < 0 || sel >= len(acts) {
			return nil, true
		}
		m.closeOverlay()
		m.status = acts[sel].Title + "…"
		j, err := m.live.s.Act(acts[sel].ID)
		return m.live.started(j, err), true
	case key.Matches(msg, m.keys.Close), key.Matches(msg, m.keys.Practice):
		m.closeOverlay()
		return nil, true
	}
	return nil, false
}

func (p *practicePage) view(sel int) body {
	m := p.m
	c, st := m.com, m.com.Styles
	w := c.ContentWidth()
	var b lineBuf
	b.add(c.heading("Practice actions", "practice tenant · "+m.state.Connection.Scenario, w)...)
	b.add(styled("What you would do in the Azure portal, done on the practice tenant. Break things and fix them, then run the checks again.", w, st.Dim)...)
	b.blank()
	var items []span
	for i, a := range m.live.s.Actions() {
		on := i == sel
		start := b.n()
		title := a.Title
		if a.State != "" {
			title += "  (now: " + a.State + ")"
		}
		b.add(item(c.cursorMark(on)+st.StepID.Render("▶")+" ", 4, title, w, c.pick(on))...)
		if on {
			b.add(item(strings.Repeat(" ", 4), 4, "Will do: "+a.Does, w, st.Dim)...)
		}
		items = append(items, span{start, b.n() - 1})
	}
	b.blank()
	b.add(styled("enter does it · esc closes", w, st.Dim)...)
	return body{lines: b.lines, items: items, choose: "do it"}
}

// runHint is what the Run row says about the run now.
func (lm *liveModel) runHint() string {
	m := lm.m
	st := m.live.s.Status()
	switch {
	case st.Watching && !st.Running:
		return fmt.Sprintf("watching · next run in %d s · w stops", int(math.Ceil(st.NextRun.Seconds())))
	case st.Watching:
		return "watching · w stops"
	case st.Running, st.Syncing:
		return "running · esc stops"
	}
	return "r · w watches"
}

// vaultsOf is the vault list narrowed by the filter.
func (lm *liveModel) vaults() []azure.VaultInfo {
	vs, _ := lm.s.Vaults()
	return live.FilterVaults(vs, lm.filter.value())
}
