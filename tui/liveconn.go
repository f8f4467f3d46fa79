package tui

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/azure"
	"github.com/kvbridge/kvbridge/steps/azure/sandbox"
	"github.com/kvbridge/kvbridge/tui/session"
)

// The live part of the wizard: where the checks run (the connection), the
// forms that feed them, and the runs themselves. Every network call runs in a
// tea.Cmd with a context and a timeout; results carry the attempt number they
// belong to, and those of an older attempt are dropped. A run never blocks the
// UI: the trainee may move on while it goes, and come back to see it.

const (
	// runTimeout bounds a whole run, on top of the engine's per-check timeouts.
	runTimeout = 2 * time.Minute
)

// Names of the form fields (and other selectable rows) of the live screens.
const (
	fTenant     = "tenant"
	fClient     = "client"
	fSecret     = "secret"
	fCloud      = "cloud"
	fVault      = "vault"
	fRun        = "run"
	fFilter     = "filter"
	fSecretName = "secret-name"
	fMapUser    = "map-user"
	fUsername   = "username"
	fPassword   = "password"
	fSave       = "save"
	fExpiry     = "expiry"
	fExport     = "export"
	vaultRow    = "vault:" // + index into the filtered vault list
)

var clouds = []string{"public", "china", "usgov"}

// liveModel is the live part of Model. Nil Live means the course is offline.
type liveModel struct {
	cfg *session.Live

	tenant   *sandbox.Tenant // the running practice tenant, if any
	info     sandbox.Info
	owned    *tenants // every practice tenant started, closed when the wizard ends
	gen      int      // practice tenant generation: a start of an older one is closed
	starting bool     // a practice tenant is starting
	startErr string

	fields  map[string]*field
	cloud   string
	mapUser bool
	trimmed bool // the secret had whitespace around it, removed
	edit    string

	attempt int
	running bool
	runIDs  []string
	cancel  context.CancelFunc
	results map[string]azure.Result
	vaults  []azure.VaultInfo
	listed  bool // a run listed the vaults (vaults is what the dropdown shows)
	runErr  string
	watch   bool
	watchN  int // watch generation: a tick of an older watch is ignored
	spin    spinner.Model

	pwHash  *[32]byte // the SHA-256 of the last password typed (memory only)
	syncing bool
	sync    *azure.SyncResult

	watchAt time.Time // when a watch runs next (the footer counts down to it)

	check, trouble component // the live check page, the review page with the expiry
}

func newLiveModel(l *session.Live) *liveModel {
	lm := &liveModel{cfg: l, results: map[string]azure.Result{}, cloud: "public",
		owned: &tenants{open: map[*sandbox.Tenant]bool{}},
		spin:  spinner.New(spinner.WithSpinner(spinner.Line))}
	lm.fields = map[string]*field{}
	for _, n := range []string{fTenant, fClient, fVault, fFilter, fSecretName, fUsername, fExpiry, fSecret, fPassword} {
		lm.fields[n] = newField()
	}
	lm.fields[fVault].keepEnd = true
	lm.fields[fSecret].masked = true
	lm.fields[fPassword].masked = true
	return lm
}

// Messages of the live part.
type (
	practiceStartedMsg struct {
		gen    int
		tenant *sandbox.Tenant
		err    error
	}
	liveResultMsg struct {
		attempt int
		res     azure.Result
		next    tea.Cmd
	}
	liveDoneMsg struct {
		attempt int
		report  *azure.Report
		err     error
	}
	watchTickMsg   struct{ n int }
	watchSecondMsg struct{ n int } // redraws the countdown to the next watched run
	syncDoneMsg    struct {
		attempt int
		res     azure.SyncResult
	}
	practiceDoneMsg struct {
		gen       int // the practice tenant the action ran on
		text      string
		err       error
		newSecret *sandbox.NewSecret
	}
	reminderMsg struct {
		path string
		err  error
	}
)

// setupLive connects at start: the command line's connection wins over the
// saved one; a saved practice or tenant connection reconnects; with neither,
// the chooser asks. It returns the commands to run first.
func (m *Model) setupLive(opts session.Options) tea.Cmd {
	if opts.Live == nil {
		return nil
	}
	m.live = newLiveModel(opts.Live)
	lm := m.live
	lm.check, lm.trouble = &liveCheckPage{m: m}, &liveTroublePage{m: m}
	var cmds []tea.Cmd
	saved := m.state.Connection
	if in := opts.Live.Initial; in.Kind != steps.ConnNone {
		next := in
		if sameTenantConn(saved, in) {
			// Keep what the trainee chose earlier unless the command line says otherwise.
			next = saved
			if in.Vault != "" {
				next.Vault = in.Vault
			}
		}
		if !sameTenantConn(saved, next) || saved != next {
			cmds = append(cmds, m.apply(steps.Event{Type: steps.EvConnect, Connection: &next}))
		}
	}
	c := m.state.Connection
	lm.prefill(c)
	switch c.Kind {
	case steps.ConnNone:
		m.open(&chooserPage{m: m})
	case steps.ConnPractice:
		cmds = append(cmds, m.startPracticeCmd(c.Scenario))
	case steps.ConnTenant:
		lm.secret(opts.Live.Secret)
	}
	return tea.Batch(cmds...)
}

// resetLive follows a start over: the command line's connection (--sandbox,
// --tenant with --client-id) stands, as in the plain mode, which connects
// after the reset; the saved one is gone, so without one the chooser asks.
// What the screens showed of earlier runs is forgotten with the progress.
func (m *Model) resetLive(prev steps.Connection) tea.Cmd {
	lm := m.live
	if lm == nil {
		return nil
	}
	m.stopRun()
	lm.results = map[string]azure.Result{}
	lm.vaults, lm.listed, lm.sync, lm.pwHash, lm.runErr = nil, false, nil, nil, ""
	in := lm.cfg.Initial
	if in.Kind == steps.ConnNone {
		lm.gen++
		lm.starting = false
		var cmd tea.Cmd
		if t, owned := lm.tenant, lm.owned; t != nil {
			lm.tenant, lm.info = nil, sandbox.Info{}
			cmd = func() tea.Msg { owned.close(t); return nil }
		}
		m.open(&chooserPage{m: m})
		return cmd
	}
	_ = m.apply(steps.Event{Type: steps.EvConnect, Connection: &in}) // saved with the reset
	lm.prefill(m.state.Connection)
	if in.Kind != steps.ConnPractice {
		return nil
	}
	if prev.Kind == steps.ConnPractice && prev.Scenario == in.Scenario && (lm.tenant != nil || lm.starting) {
		if lm.tenant != nil {
			lm.fields[fVault].set(lm.info.VaultID) // the running tenant is the one asked for
		}
		return nil
	}
	return m.startPracticeCmd(in.Scenario)
}

// sameConnection reports whether two connections reach the same tenant and app.
func sameTenantConn(a, b steps.Connection) bool {
	return a.Kind == b.Kind && a.Scenario == b.Scenario && strings.EqualFold(a.TenantID, b.TenantID) &&
		strings.EqualFold(a.ClientID, b.ClientID)
}

// secret sets the client secret field (memory only).
func (lm *liveModel) secret(s string) {
	lm.fields[fSecret].set(s)
	lm.trimmed = false
}

func (lm *liveModel) val(name string) string { return lm.fields[name].value() }

// prefill fills the forms from a connection (and, for the tenant, the
// command line's IDs).
func (lm *liveModel) prefill(c steps.Connection) {
	in := lm.cfg.Initial
	pick := func(a, b string) string {
		if a != "" {
			return a
		}
		return b
	}
	if c.Kind == steps.ConnTenant {
		lm.fields[fTenant].set(pick(c.TenantID, in.TenantID))
		lm.fields[fClient].set(pick(c.ClientID, in.ClientID))
		lm.cloud = pick(pick(c.Cloud, in.Cloud), "public")
	}
	lm.fields[fVault].set(c.Vault)
	lm.fields[fSecretName].set(pick(c.SecretName, session.DefaultSecretName))
	lm.fields[fUsername].set(c.Username)
	lm.mapUser = c.MapUsername
	if c.SecretExpires != nil {
		lm.fields[fExpiry].set(c.SecretExpires.Format("2006-01-02"))
	}
}

// startPracticeCmd starts a fresh practice tenant in the background; the old
// one, if any, is closed.
func (m *Model) startPracticeCmd(scenario string) tea.Cmd {
	lm := m.live
	old := lm.tenant
	lm.gen++
	lm.tenant, lm.info, lm.starting, lm.startErr = nil, sandbox.Info{}, true, ""
	lm.results = map[string]azure.Result{}
	lm.vaults, lm.listed, lm.sync = nil, false, nil
	m.stopRun()
	gen, start, owned := lm.gen, lm.cfg.StartPractice, lm.owned
	if start == nil {
		return func() tea.Msg {
			owned.close(old)
			return practiceStartedMsg{gen: gen, err: errors.New("this build has no practice tenant")}
		}
	}
	lm.spin = spinner.New(spinner.WithSpinner(spinner.Line), spinner.WithStyle(m.com.Styles.Spinner))
	return tea.Batch(func() tea.Msg {
		owned.close(old)
		if !owned.begin() {
			return practiceStartedMsg{gen: gen, err: errWizardEnded}
		}
		defer owned.starting.Done()
		t, err := start(scenario)
		if err == nil && !owned.add(t) {
			t, err = nil, errWizardEnded
		}
		return practiceStartedMsg{gen: gen, tenant: t, err: err}
	}, lm.spin.Tick)
}

var errWizardEnded = errors.New("the wizard has ended")

// practiceStarting begins the message shown while a practice tenant starts.
const practiceStarting = "Practice tenant, scenario "

// watchCountdown redraws the check page once a second while a watch waits,
// so "next run in N s" counts down.
func (m *Model) watchCountdown() tea.Cmd {
	n := m.live.watchN
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return watchSecondMsg{n: n} })
}

// tenants owns the practice tenants the wizard starts, so that every one of
// them is closed when it ends: the current one, one still starting, and an
// older one whose close was handed to a command the program never ran.
type tenants struct {
	starting sync.WaitGroup // starts in flight
	mu       sync.Mutex
	open     map[*sandbox.Tenant]bool
	ended    bool
}

// begin counts a start in, unless the wizard has ended.
func (ts *tenants) begin() bool {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.ended {
		return false
	}
	ts.starting.Add(1)
	return true
}

// add takes a started tenant; once the wizard has ended it closes it at
// once and reports false.
func (ts *tenants) add(t *sandbox.Tenant) bool {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.ended {
		_ = t.Close()
		return false
	}
	ts.open[t] = true
	return true
}

// close closes one tenant (nil is fine) and forgets it.
func (ts *tenants) close(t *sandbox.Tenant) {
	if t == nil {
		return
	}
	ts.mu.Lock()
	delete(ts.open, t)
	ts.mu.Unlock()
	_ = t.Close()
}

// closeAll closes every tenant, and waits for those still starting (each
// closes itself, seeing the wizard has ended).
func (ts *tenants) closeAll() {
	ts.mu.Lock()
	ts.ended = true
	open := ts.open
	ts.open = map[*sandbox.Tenant]bool{}
	ts.mu.Unlock()
	for t := range open {
		_ = t.Close()
	}
	ts.starting.Wait()
}

// practiceStarted takes a started tenant: the form gets the credentials a
// trainee would have typed (in secret-id-pasted, the secret's ID).
func (m *Model) practiceStarted(msg practiceStartedMsg) tea.Cmd {
	lm := m.live
	if msg.gen != lm.gen || m.state.Connection.Kind != steps.ConnPractice {
		if t, owned := msg.tenant, lm.owned; t != nil {
			return func() tea.Msg { owned.close(t); return nil }
		}
		return nil
	}
	lm.starting = false
	if msg.err != nil {
		lm.startErr = msg.err.Error()
		m.status = "The practice tenant did not start: " + msg.err.Error()
		return nil
	}
	lm.tenant, lm.info = msg.tenant, msg.tenant.Info()
	in := lm.info
	if strings.HasPrefix(m.status, practiceStarting) {
		// The message said it was starting: say that it has.
		m.status = "Practice tenant, scenario " + m.state.Connection.Scenario + ": running. Each section's live check runs against it; p offers the portal's actions."
	}
	lm.fields[fTenant].set(in.TenantID)
	lm.fields[fClient].set(in.ClientID)
	lm.secret(in.ClientSecret)
	lm.cloud = "public"
	if v := m.state.Connection.Vault; v == "" || strings.EqualFold(v, in.VaultName) {
		lm.fields[fVault].set(in.VaultID)
	}
	if m.state.Connection.Username == "" {
		lm.fields[fUsername].set(in.SecretUsername)
	}
	return nil
}

// closeLive ends a run and closes every practice tenant (on exit): the
// current one, one still starting, and older ones not closed yet.
func (lm *liveModel) closeLive() {
	if lm == nil {
		return
	}
	if lm.cancel != nil {
		lm.cancel()
	}
	lm.tenant = nil
	lm.owned.closeAll()
}

// stopRun cancels the run or the practice Save in progress; their late
// results are dropped.
func (m *Model) stopRun() {
	lm := m.live
	if lm.cancel != nil {
		lm.cancel()
		lm.cancel = nil
	}
	if lm.running || lm.syncing {
		lm.attempt++
	}
	lm.running, lm.syncing = false, false
	lm.watch = false
}

// connReady says why checks cannot run yet, "" when they can.
func (m *Model) connReady() string {
	lm := m.live
	switch m.state.Connection.Kind {
	case steps.ConnNone, steps.ConnOffline:
		return "No tenant is connected: press c to choose the practice tenant or your own."
	case steps.ConnPractice:
		switch {
		case lm.starting:
			return "The practice tenant is still starting; try again in a moment."
		case lm.tenant == nil:
			return "The practice tenant is not running: press c to start it again."
		}
	}
	if lm.cfg.Config == nil {
		return "This build cannot run live checks."
	}
	return ""
}

// checkConfig builds the checks' configuration from the saved connection and
// what the forms hold (the secret and, for practice, the typed IDs).
func (m *Model) checkConfig() azure.Config {
	lm := m.live
	c := m.state.Connection
	c.TenantID, c.ClientID = strings.TrimSpace(lm.val(fTenant)), strings.TrimSpace(lm.val(fClient))
	if c.Kind == steps.ConnTenant {
		c.Cloud = lm.cloud
	}
	c.Vault = strings.TrimSpace(lm.val(fVault))
	cfg := lm.cfg.Config(c, lm.val(fSecret), lm.tenant)
	// The compare uses what is typed when something is typed; else the
	// password of the last Save.
	if pw := lm.val(fPassword); pw != "" {
		cfg.SetComparePasswordHash(sha256.Sum256([]byte(pw)))
	} else if lm.pwHash != nil {
		cfg.SetComparePasswordHash(*lm.pwHash)
	}
	if lm.sync != nil && lm.sync.OK() {
		// Right after a sync, the secret must carry that sync's change.
		cfg.StaleAfter = max(time.Minute, time.Since(lm.sync.Updated)+time.Minute)
	}
	return cfg
}

// runChecks starts a run of the given checks; the previous run is cancelled.
func (m *Model) runChecks(ids []string) tea.Cmd {
	if why := m.connReady(); why != "" {
		m.status = why
		return nil
	}
	lm := m.live
	watch := lm.watch
	m.stopRun()
	lm.watch = watch
	lm.attempt++
	lm.running, lm.runIDs, lm.runErr = true, ids, ""
	for _, id := range ids {
		delete(lm.results, id)
	}
	cfg := m.checkConfig()
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	lm.cancel = cancel
	attempt := lm.attempt
	run := func() tea.Msg {
		s, err := azure.NewSession(cfg)
		if err != nil {
			cancel()
			return liveDoneMsg{attempt: attempt, err: err}
		}
		ch, report := s.Start(ctx, ids)
		return nextResult(attempt, ch, report, cancel)()
	}
	lm.spin = spinner.New(spinner.WithSpinner(spinner.Line), spinner.WithStyle(m.com.Styles.Spinner))
	return tea.Batch(run, lm.spin.Tick)
}

// nextResult waits for the next result of a run, or its end.
func nextResult(attempt int, ch <-chan azure.Result, report func() *azure.Report, cancel context.CancelFunc) tea.Cmd {
	return func() tea.Msg {
		r, ok := <-ch
		if !ok {
			cancel()
			return liveDoneMsg{attempt: attempt, report: report()}
		}
		return liveResultMsg{attempt: attempt, res: r, next: nextResult(attempt, ch, report, cancel)}
	}
}

// liveResult records one result: shown on its screen, and, for a check of
// the course, kept in progress as EvCheckResult.
func (m *Model) liveResult(msg liveResultMsg) tea.Cmd {
	lm := m.live
	if msg.attempt != lm.attempt || !lm.running {
		return nil // stale: an older run, or one cancelled
	}
	r := msg.res
	lm.results[r.ID] = r
	cmds := []tea.Cmd{msg.next}
	// Only the course's checks are kept in progress; the machine refuses others.
	if next, _, err := m.com.Mach.Apply(m.state, steps.Event{Type: steps.EvCheckResult, ID: r.ID, Status: string(r.Status), Cause: r.Cause}, m.com.Now()); err == nil {
		cmds = append(cmds, m.setState(next))
	}
	if exp, ok := session.ExpiryRead(r, m.state.Connection.SecretExpires); ok {
		cmds = append(cmds, m.setExpiry(exp, false))
	}
	return tea.Batch(cmds...)
}

// liveDone ends a run: the vault list, and the watch's next round.
func (m *Model) liveDone(msg liveDoneMsg) tea.Cmd {
	lm := m.live
	if msg.attempt != lm.attempt || !lm.running {
		return nil
	}
	lm.running, lm.cancel = false, nil
	if msg.err != nil {
		lm.runErr = msg.err.Error()
		lm.watch = false
		return nil
	}
	if msg.report != nil {
		if _, ok := msg.report.Result("arm.vaults"); ok {
			lm.vaults, lm.listed = msg.report.Vaults, true
		}
	}
	passed, failed, all := session.RunTally(lm.runIDs, func(id string) (azure.Result, bool) {
		r, ok := lm.results[id]
		return r, ok
	})
	m.status = fmt.Sprintf("Checks done: %d of %d passed.", passed, len(lm.runIDs))
	if failed > 0 {
		m.status += fmt.Sprintf(" %d failed: see why below.", failed)
	}
	var cmd tea.Cmd
	switch {
	case lm.watch && all:
		lm.watch = false
		m.status = "Everything passes now: watching stopped."
	case lm.watch:
		m.status += " Watching (w stops)."
		// A generation per tick: after a run started by hand meanwhile, the
		// older tick finds nothing to do.
		lm.watchN++
		n := lm.watchN
		lm.watchAt = time.Now().Add(session.WatchInterval) // wall time: only the countdown reads it
		cmd = tea.Batch(tea.Tick(session.WatchInterval, func(time.Time) tea.Msg { return watchTickMsg{n: n} }), m.watchCountdown())
	}
	return cmd
}
