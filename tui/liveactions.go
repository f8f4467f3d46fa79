package tui

import (
	"context"
	"crypto/sha256"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/azure"
	"github.com/kvbridge/kvbridge/steps/azure/sandbox"
	"github.com/kvbridge/kvbridge/tui/session"
)

// connect applies a new connection; the results it makes stale are
// forgotten on screen as they are in progress.
func (m *Model) connect(c steps.Connection) tea.Cmd {
	cmd := m.apply(steps.Event{Type: steps.EvConnect, Connection: &c})
	if m.live != nil {
		for id := range m.live.results {
			if _, kept := m.state.Checks[id]; !kept {
				delete(m.live.results, id)
			}
		}
		if m.state.Connection.Vault != c.Vault {
			m.live.vaults, m.live.listed = nil, false
		}
	}
	return cmd
}

// connFromFields is the saved connection updated from the forms. The
// practice tenant's IDs are its own and are not saved (a fresh tenant on
// the next start has new ones); its vault is saved by name.
func (m *Model) connFromFields() steps.Connection {
	lm := m.live
	c := m.state.Connection
	if c.Kind == steps.ConnTenant {
		c.TenantID, c.ClientID, c.Cloud = strings.TrimSpace(lm.val(fTenant)), strings.TrimSpace(lm.val(fClient)), lm.cloud
		if c.Cloud == "public" {
			c.Cloud = ""
		}
	}
	c.Vault = strings.TrimSpace(lm.val(fVault))
	if c.Kind == steps.ConnPractice && lm.info.VaultID != "" && strings.EqualFold(c.Vault, lm.info.VaultID) {
		c.Vault = lm.info.VaultName
	}
	c.SecretName = strings.TrimSpace(lm.val(fSecretName))
	c.MapUsername = lm.mapUser
	c.Username = strings.TrimSpace(lm.val(fUsername))
	return c
}

// commitForms saves what the forms changed in the connection.
func (m *Model) commitForms() tea.Cmd {
	if m.live == nil || !m.state.Live() {
		return nil
	}
	c := m.connFromFields()
	if connEqual(c, m.state.Connection) {
		return nil
	}
	return m.connect(c)
}

func connEqual(a, b steps.Connection) bool {
	ea, eb := a.SecretExpires, b.SecretExpires
	a.SecretExpires, b.SecretExpires = nil, nil
	if a != b {
		return false
	}
	return (ea == nil) == (eb == nil) && (ea == nil || ea.Equal(*eb))
}

// endEdit leaves the field being edited, tidying its value.
func (m *Model) endEdit() tea.Cmd {
	lm := m.live
	name := lm.edit
	lm.edit = ""
	if f := lm.fields[name]; f != nil {
		f.blur()
	}
	switch name {
	case fSecret:
		v := lm.val(fSecret)
		if t := strings.TrimSpace(v); t != v {
			lm.fields[fSecret].set(t)
			lm.trimmed = true
			m.status = "The client secret had whitespace around it (from copying); it was removed."
		}
	case fTenant, fClient, fVault, fSecretName, fUsername:
		f := lm.fields[name]
		f.set(strings.TrimSpace(f.value()))
	case fExpiry:
		v := strings.TrimSpace(lm.val(fExpiry))
		if v == "" {
			return nil
		}
		t, err := session.ParseExpiry(v)
		if err != nil {
			m.status = session.ExpiryFormatHelp
			return nil
		}
		return m.setExpiry(t, true)
	case fFilter:
		m.nav.sel = 0
		return nil
	}
	return m.commitForms()
}

// setExpiry stores the client secret's expiry in the connection.
func (m *Model) setExpiry(t time.Time, typed bool) tea.Cmd {
	c := session.WithExpiry(m.state.Connection, t)
	m.live.fields[fExpiry].set(t.Format(session.ExpiryLayout))
	if typed {
		m.status = fmt.Sprintf("Expiry saved: %s. Press e to export a reminder 30 days before.", t.Format("2 Jan 2006"))
	}
	return m.apply(steps.Event{Type: steps.EvConnect, Connection: &c})
}

// toggleWatch starts or stops re-running the section's checks every 15 s.
func (m *Model) toggleWatch(ids []string) tea.Cmd {
	lm := m.live
	lm.watchN++
	if lm.watch {
		lm.watch = false
		m.status = "Watching stopped."
		return nil
	}
	if why := m.connReady(); why != "" {
		m.status = why
		return nil
	}
	lm.watch = true
	m.status = fmt.Sprintf("Watching: the checks re-run every %d s until all pass (w stops). Useful while a role propagates.", int(session.WatchInterval.Seconds()))
	if lm.running {
		return nil
	}
	cmds := []tea.Cmd{m.commitForms(), m.runChecks(ids)}
	return tea.Batch(cmds...)
}

// saveSecret is the practice tenant's "Save": the sync Delinea would do, with
// the app's own credentials, then the mapping checks comparing the password
// by SHA-256. The password is used for the call only.
func (m *Model) saveSecret() tea.Cmd {
	lm := m.live
	if why := m.connReady(); why != "" {
		m.status = why
		return nil
	}
	pw := lm.val(fPassword)
	if pw == "" {
		m.status = "Type the password Delinea holds first (it is sent to the practice vault and never stored)."
		m.startEdit(fPassword)
		return nil
	}
	commit := m.commitForms()
	h := sha256.Sum256([]byte(pw))
	lm.pwHash = &h
	lm.fields[fPassword].set("")
	name := m.state.Connection.SecretName
	var tags map[string]string
	if lm.mapUser && strings.TrimSpace(lm.val(fUsername)) != "" {
		tags = map[string]string{"username": strings.TrimSpace(lm.val(fUsername))}
	}
	m.stopRun()
	lm.attempt++
	lm.syncing, lm.sync = true, nil
	attempt := lm.attempt
	cfg := m.checkConfig()
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	lm.cancel = cancel
	sync := func() tea.Msg {
		defer cancel()
		s, err := azure.NewSession(cfg)
		if err != nil {
			return syncDoneMsg{attempt: attempt, res: azure.SyncResult{Result: azure.Result{ID: azure.SyncCheckID, Status: azure.StatusFail, Cause: "malformed", Title: "The configuration is not usable", Detail: err.Error()}}}
		}
		return syncDoneMsg{attempt: attempt, res: s.SyncSecret(ctx, name, pw, tags)}
	}
	m.status = "Saving: writing " + name + " to the practice vault as Delinea would…"
	return tea.Batch(commit, sync, lm.spin.Tick)
}

// syncDone shows how the sync went, then verifies it with the mapping checks.
func (m *Model) syncDone(msg syncDoneMsg) tea.Cmd {
	lm := m.live
	if msg.attempt != lm.attempt || !lm.syncing {
		return nil
	}
	lm.syncing, lm.cancel = false, nil
	res := msg.res
	lm.sync = &res
	if !res.OK() {
		m.status = "Delinea's sync would fail: " + res.Title
		return nil
	}
	m.status = "Saved. Verifying the synced secret…"
	return m.runChecks(m.sectionIDs(2))
}

// exportReminder writes the .ics reminder into the current directory, or
// the state directory when that is not writable.
func (m *Model) exportReminder() tea.Cmd {
	exp := m.state.Connection.SecretExpires
	if exp == nil {
		m.status = "Give the client secret's expiry date first (YYYY-MM-DD)."
		m.startEdit(fExpiry)
		return nil
	}
	clientID := strings.TrimSpace(m.live.val(fClient))
	if clientID == "" {
		clientID = m.state.Connection.ClientID
	}
	stateDir := session.ReminderStateDir(m.sv.store)
	at, now := *exp, m.com.Now()
	return func() tea.Msg {
		p, err := session.WriteReminder(at, clientID, now, ".", stateDir)
		return reminderMsg{path: p, err: err}
	}
}

// practiceMenu lists the actions, those the current screen asks for first.
func (m *Model) practiceMenu() []session.PracticeAction {
	cur, _ := m.com.Mach.Current(m.state)
	return session.PracticeMenuFor(cur.Key)
}

// runPractice does a practice action on the tenant, in the background.
func (m *Model) runPractice(a session.PracticeAction) tea.Cmd {
	lm := m.live
	if lm.tenant == nil {
		m.status = m.connReady()
		return nil
	}
	t := lm.tenant
	clientID, vault := session.PracticeTarget(lm.info, lm.val(fClient))
	gen := lm.gen
	m.status = a.Title + "…"
	return func() tea.Msg {
		text, ns, err := a.Run(t, clientID, vault)
		return practiceDoneMsg{gen: gen, text: text, err: err, newSecret: ns}
	}
}

// practiceDone reports an action and, on a check screen, re-runs its checks.
// The new client secret's Value goes into the form only, never into a
// message. An action on a tenant since replaced is dropped.
func (m *Model) practiceDone(msg practiceDoneMsg) tea.Cmd {
	if msg.gen != m.live.gen {
		return nil
	}
	if msg.err != nil {
		m.status = session.PracticeRefusal(msg.err)
		return nil
	}
	m.status = msg.text
	if ns := msg.newSecret; ns != nil {
		m.live.secret(ns.Value)
		m.status = fmt.Sprintf("New client secret created (expires %s). Its Value is now in section 1's Client secret field (masked, never saved).",
			ns.Expires.Format("2006-01-02"))
	}
	cur, _ := m.com.Mach.Current(m.state)
	if cur.Kind == steps.ScreenCheck {
		return m.runChecks(m.sectionIDs(cur.Section))
	}
	return nil
}

func (m *Model) sectionIDs(sec int) []string {
	return m.com.Mach.Course.Sections[sec].Check.IDs
}

// chooserEntry is one line of the connection chooser.
type chooserEntry struct {
	kind     string
	scenario sandbox.Scenario
}

func (m *Model) chooserEntries() []chooserEntry {
	var out []chooserEntry
	for _, s := range sandbox.Scenarios() {
		out = append(out, chooserEntry{kind: steps.ConnPractice, scenario: s})
	}
	return append(out, chooserEntry{kind: steps.ConnTenant}, chooserEntry{kind: steps.ConnOffline})
}

// chooserDefault is the line the chooser starts on: the current connection,
// else the own tenant when its IDs were given, else the healthy practice tenant.
func (m *Model) chooserDefault() int {
	c, in := m.state.Connection, m.live.cfg.Initial
	for i, e := range m.chooserEntries() {
		switch {
		case c.Kind == steps.ConnPractice && e.kind == c.Kind && e.scenario.Name == c.Scenario:
			return i
		case c.Kind != steps.ConnPractice && c.Kind != steps.ConnNone && e.kind == c.Kind:
			return i
		case c.Kind == steps.ConnNone && in.TenantID != "" && in.ClientID != "" && e.kind == steps.ConnTenant:
			return i
		}
	}
	return 0
}

// choose a connection from the chooser.
func (m *Model) chooseConnection(i int) tea.Cmd {
	lm := m.live
	es := m.chooserEntries()
	if i < 0 || i >= len(es) {
		return nil
	}
	e := es[i]
	m.closeOverlay()
	old := m.state.Connection
	keep := func(c steps.Connection) steps.Connection {
		c.SecretName, c.MapUsername, c.Username = old.SecretName, old.MapUsername, old.Username
		return c
	}
	var cmds []tea.Cmd
	closeTenant := func() {
		m.stopRun()
		if t, owned := lm.tenant, lm.owned; t != nil {
			lm.tenant, lm.info = nil, sandbox.Info{}
			cmds = append(cmds, func() tea.Msg { owned.close(t); return nil })
		}
		lm.gen++
		lm.starting = false
	}
	switch e.kind {
	case steps.ConnPractice:
		c := keep(steps.Connection{Kind: steps.ConnPractice, Scenario: e.scenario.Name})
		cmds = append(cmds, m.connect(c), m.startPracticeCmd(e.scenario.Name))
		m.status = practiceStarting + e.scenario.Name + ": starting. Each section's live check runs against it; p offers the portal's actions."
	case steps.ConnTenant:
		closeTenant()
		in := lm.cfg.Initial
		c := keep(steps.Connection{Kind: steps.ConnTenant, TenantID: in.TenantID, ClientID: in.ClientID, Cloud: in.Cloud,
			AuthorityHost: in.AuthorityHost, ARMEndpoint: in.ARMEndpoint, Vault: in.Vault})
		if old.Kind == steps.ConnTenant {
			c = old
		}
		cmds = append(cmds, m.connect(c))
		lm.prefill(c)
		lm.secret(lm.cfg.Secret)
		m.status = "Your own tenant: section 1's live check asks for the tenant ID, client ID and client secret (never saved)."
	default:
		closeTenant()
		cmds = append(cmds, m.connect(steps.Connection{Kind: steps.ConnOffline}))
		m.status = "Course only: no live checks. Press c to connect later."
	}
	return tea.Batch(cmds...)
}
