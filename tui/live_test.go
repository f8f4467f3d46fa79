package tui

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/charmbracelet/x/ansi"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/azure"
	"github.com/kvbridge/kvbridge/steps/azure/sandbox"
	"github.com/kvbridge/kvbridge/tui/session"
)

// testLive is a Live on the in-process practice tenant with short retries,
// wired as cmd/kvbridge wires it (public cloud, the tenant's transport).
func testLive(initial steps.Connection) *session.Live {
	return &session.Live{
		Initial: initial,
		StartPractice: func(s string) (*sandbox.Tenant, error) {
			return sandbox.Start(sandbox.Options{Scenario: s, Wiring: sandbox.Hostnames, Seed: 7})
		},
		Config: func(c steps.Connection, secret string, p *sandbox.Tenant) azure.Config {
			cfg := azure.Config{TenantID: c.TenantID, ClientID: c.ClientID, ClientSecret: secret, Vault: c.Vault,
				SecretName: c.SecretName, ExpectUsernameTag: c.MapUsername, Username: c.Username,
				Retry: policy.RetryOptions{MaxRetries: 1, RetryDelay: 10 * time.Millisecond, MaxRetryDelay: 50 * time.Millisecond}}
			if c.SecretExpires != nil {
				cfg.SecretExpires = *c.SecretExpires
			}
			if p != nil {
				in := p.Info()
				cfg.Transport = p.HTTPClient()
				if cfg.Vault == "" || strings.EqualFold(cfg.Vault, in.VaultName) {
					cfg.Vault = in.VaultID
				}
			}
			return cfg
		},
	}
}

// newLiveTest is newTest with a Live; it runs the start-up commands (the
// practice tenant starts) and closes the tenant at the end.
func newLiveTest(t testing.TB, w, h int, l *session.Live, mut ...func(*session.Options)) *Model {
	t.Helper()
	m := newTest(t, w, h, append([]func(*session.Options){func(o *session.Options) { o.Live = l }}, mut...)...)
	m = drain(t, m, m.initCmd)
	t.Cleanup(func() { m.live.closeLive() })
	return m
}

// drain runs commands the way the program would, feeding their messages
// back, until none is left. Spinner frames are skipped (they would tick
// forever); nothing here waits on a timer.
func drain(t testing.TB, m *Model, cmd tea.Cmd) *Model {
	t.Helper()
	queue := []tea.Cmd{cmd}
	deadline := time.Now().Add(30 * time.Second)
	for len(queue) > 0 {
		if time.Now().After(deadline) {
			t.Fatal("commands did not settle")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case nil, spinner.TickMsg, tea.QuitMsg, watchTickMsg:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		default:
			nm, next := m.Update(msg)
			m = nm.(*Model)
			queue = append(queue, next)
		}
	}
	// Keep the tenant of the final model for the cleanup.
	return m
}

// keys presses keys and runs what they start to the end.
func keys(t testing.TB, m *Model, ks ...string) *Model {
	t.Helper()
	for _, k := range ks {
		nm, cmd := m.Update(keyMsg(k))
		m = drain(t, nm.(*Model), cmd)
	}
	return m
}

func typeText(t testing.TB, m *Model, s string) *Model {
	t.Helper()
	for _, r := range s {
		m = keys(t, m, string(r))
	}
	return m
}

func TestLiveHealthySection1(t *testing.T) {
	m := newLiveTest(t, 100, 40, testLive(steps.Connection{Kind: steps.ConnPractice, Scenario: "healthy"}))
	m = gotoScreen(t, m, "1/check")
	m = keys(t, m, "r")
	v := view(m)
	t.Log("\n" + v)
	for _, id := range m.sectionIDs(0) {
		if !m.state.Checks[id].Passed() {
			t.Errorf("%s: %+v", id, m.state.Checks[id])
		}
	}
}

func TestLiveNoVaultReadThenReader(t *testing.T) {
	m := newLiveTest(t, 100, 60, testLive(steps.Connection{Kind: steps.ConnPractice, Scenario: "no-vault-read"}))
	m = gotoScreen(t, m, "2/check")
	m = keys(t, m, "r")
	v := view(m)
	t.Log("\n" + v)
	if !strings.Contains(v, "Why your vault is not in the dropdown") && !strings.Contains(v, "Why the dropdown is empty") {
		t.Fatalf("no diagnosis:\n%s", v)
	}
	m = keys(t, m, "p")
	t.Log("\n" + view(m))
	// The menu lists "Assign Reader on the vault" first on this screen.
	m = keys(t, m, "enter")
	v = view(m)
	t.Log("\n" + v)
	if !strings.Contains(v, "kv-contoso-practice") || m.state.Checks["arm.vaults"].Status != steps.StatusPass {
		t.Fatalf("dropdown did not fill after Reader: %+v\n%s", m.state.Checks["arm.vaults"], v)
	}
}

func TestLiveSection3Sync(t *testing.T) {
	m := newLiveTest(t, 100, 60, testLive(steps.Connection{Kind: steps.ConnPractice, Scenario: "healthy"}))
	m = gotoScreen(t, m, "3/check")
	m = keys(t, m, "down", "space") // map the username
	for screenItem(m) != fPassword {
		m = keys(t, m, "down")
	}
	m = keys(t, m, "enter")
	m = typeText(t, m, "S3cret-pass!")
	m = keys(t, m, "enter")
	// Enter only ends the edit: nothing is written to the vault until Save.
	if m.live.edit != "" || m.live.sync != nil || m.live.syncing || m.state.Checks["mapping.value"].Status != "" {
		t.Fatalf("enter on the password did more than end the edit: sync %v, checks %+v", m.live.sync, m.state.Checks)
	}
	m = keys(t, m, "down")
	if screenItem(m) != fSave {
		t.Fatalf("below the password: %q", screenItem(m))
	}
	m = keys(t, m, "enter")
	v := view(m)
	for _, id := range m.sectionIDs(2) {
		if !m.state.Checks[id].Passed() || m.state.Checks[id].Status == steps.StatusSkip {
			t.Errorf("%s: %+v", id, m.state.Checks[id])
		}
	}
	if strings.Contains(v, "S3cret-pass!") {
		t.Error("the password is on screen")
	}
}

func screenItem(m *Model) string {
	its := m.liveItems()
	if m.nav.sel < len(its) {
		return its[m.nav.sel]
	}
	return ""
}

// TestLiveStaleAndCancel: a result of an older attempt is dropped; esc
// cancels a run and its late results are dropped too.
func TestLiveStaleAndCancel(t *testing.T) {
	m := liveGolden(t, 80, 24, "1/check")
	m = startFakeRun(m, m.sectionIDs(0))
	old := m.live.attempt
	m = startFakeRun(m, m.sectionIDs(0))
	m = update(t, m, liveResultMsg{attempt: old, res: pass("auth.token", "stale")})
	if _, ok := m.live.results["auth.token"]; ok || m.state.Checks["auth.token"].Status != "" {
		t.Fatal("a stale result was recorded")
	}
	m = press(t, m, "esc")
	if m.live.running {
		t.Fatal("esc did not stop the run")
	}
	m = update(t, m, liveResultMsg{attempt: m.live.attempt - 1, res: pass("auth.token", "late")})
	if _, ok := m.live.results["auth.token"]; ok {
		t.Fatal("a result after cancel was recorded")
	}
	// The UI never blocks: moving on while a run goes is fine.
	m = startFakeRun(m, m.sectionIDs(0))
	m = press(t, m, "right")
	m = update(t, m, liveResultMsg{attempt: m.live.attempt, res: pass("input.tenant-id", "ok")})
	if !m.state.Checks["input.tenant-id"].Passed() {
		t.Fatal("a result arriving on another screen was lost")
	}
}

// TestLiveChooserFirstStart: no connection anywhere asks, the practice
// tenant first; enter saves it through EvConnect and starts the tenant.
func TestLiveChooserFirstStart(t *testing.T) {
	m := newLiveTest(t, 80, 24, testLive(steps.Connection{}))
	if !chooserOpen(m) || !strings.Contains(view(m), "Where should the live checks run?") {
		t.Fatalf("no chooser:\n%s", view(m))
	}
	m = keys(t, m, "enter")
	if c := m.state.Connection; c.Kind != steps.ConnPractice || c.Scenario != "healthy" || m.live.tenant == nil {
		t.Fatalf("connection %+v, tenant %v", c, m.live.tenant)
	}
	m = keys(t, m, "c", "end")
	for m.onav.sel < len(m.chooserEntries())-1 {
		m = keys(t, m, "down")
	}
	m = keys(t, m, "enter")
	if m.state.Connection.Kind != steps.ConnOffline || m.live.tenant != nil {
		t.Fatalf("offline not chosen: %+v", m.state.Connection)
	}
}

// TestPracticeNewSecretStaysInTheForm: the new client secret's Value goes
// into the masked field, never into the status line or the frame; an action
// that ends after the practice tenant was replaced is dropped.
func TestPracticeNewSecretStaysInTheForm(t *testing.T) {
	m := newLiveTest(t, 100, 40, testLive(steps.Connection{Kind: steps.ConnPractice, Scenario: "healthy"}))
	m = gotoScreen(t, m, "1/step/1B")
	m = keys(t, m, "p") // on 1B the menu starts with "Create a new client secret"
	m = keys(t, m, "enter")
	v := m.live.val(fSecret)
	if v == "" || v == m.live.info.ClientSecret {
		t.Fatalf("the form's secret was not replaced: %q", v)
	}
	if strings.Contains(m.status, v) || strings.Contains(view(m), v) {
		t.Fatalf("the new secret's value is on screen:\n%s\n%s", m.status, view(m))
	}
	if !strings.Contains(m.status, "New client secret created") {
		t.Fatalf("status %q", m.status)
	}

	before := m.live.val(fSecret)
	m = update(t, m, practiceDoneMsg{gen: m.live.gen - 1, text: "old tenant", newSecret: &sandbox.NewSecret{Value: "from-an-old-tenant"}})
	if m.live.val(fSecret) != before || m.status == "old tenant" {
		t.Fatalf("a stale practice action was applied: %q, status %q", m.live.val(fSecret), m.status)
	}
}

// TestRunDuringSaveEndsTheSave: r while the practice Save is in flight
// cancels it; its late result is dropped and nothing stays "saving".
func TestRunDuringSaveEndsTheSave(t *testing.T) {
	m := liveGolden(t, 80, 24, "3/check")
	m.live.attempt++
	m.live.syncing = true
	saveAttempt := m.live.attempt
	nm, _ := m.Update(keyMsg("r")) // the commands are not run: no tenant here
	m = nm.(*Model)
	if m.live.syncing {
		t.Fatal("r left the Save marked as running")
	}
	m = update(t, m, syncDoneMsg{attempt: saveAttempt, res: azure.SyncResult{Result: azure.Result{ID: azure.SyncCheckID, Status: azure.StatusPass, Title: "late"}}})
	if m.live.sync != nil {
		t.Fatal("the cancelled Save's result was recorded")
	}
}

// TestWatchOneTickAtATime: a run started by hand while watching leaves the
// watch one pending tick, not two.
func TestWatchOneTickAtATime(t *testing.T) {
	m := liveGolden(t, 80, 24, "1/check")
	ids := m.sectionIDs(0)
	m.live.watch = true
	m = startFakeRun(m, ids)
	nm, cmd := m.Update(liveDoneMsg{attempt: m.live.attempt, report: &azure.Report{}})
	m = nm.(*Model)
	if cmd == nil {
		t.Fatal("watching schedules no next run")
	}
	first := m.live.watchN
	m = startFakeRun(m, ids) // r pressed meanwhile
	nm, _ = m.Update(liveDoneMsg{attempt: m.live.attempt, report: &azure.Report{}})
	m = nm.(*Model)
	nm, cmd = m.Update(watchTickMsg{n: first})
	m = nm.(*Model)
	if cmd != nil || m.live.running {
		t.Fatal("the older watch tick started a second run")
	}
	nm, cmd = m.Update(watchTickMsg{n: m.live.watchN})
	if cmd == nil || !nm.(*Model).live.running {
		t.Fatal("the current watch tick did not run the checks")
	}
}

// TestEveryPracticeTenantClosed: the wizard's end closes the running
// tenant, an old one whose close command never ran, and one still starting
// (it waits for that start).
func TestEveryPracticeTenantClosed(t *testing.T) {
	var mu sync.Mutex
	var started []*sandbox.Tenant
	count := func() int { mu.Lock(); defer mu.Unlock(); return len(started) }
	release := make(chan struct{})
	l := testLive(steps.Connection{Kind: steps.ConnPractice, Scenario: "healthy"})
	start := l.StartPractice
	l.StartPractice = func(s string) (*sandbox.Tenant, error) {
		ten, err := start(s)
		if err == nil {
			mu.Lock()
			started = append(started, ten)
			mu.Unlock()
		}
		if s != "healthy" {
			<-release // this start is still going when the wizard ends
		}
		return ten, err
	}
	serves := func(ten *sandbox.Tenant) bool {
		resp, err := ten.HTTPClient().Get(ten.Info().AuthorityHost)
		if err == nil {
			resp.Body.Close()
		}
		return err == nil
	}
	choose := func(m *Model) (*Model, tea.Cmd) {
		var cmd tea.Cmd
		for _, k := range []string{"c", "down", "enter"} { // the next scenario
			var nm tea.Model
			nm, cmd = m.Update(keyMsg(k))
			m = nm.(*Model)
		}
		return m, cmd
	}

	t.Run("close never ran", func(t *testing.T) {
		m := newLiveTest(t, 80, 24, l)
		first := m.live.tenant
		m, _ = choose(m) // its commands are never run: the program quit first
		m.live.closeLive()
		if serves(first) {
			t.Error("the replaced tenant still serves after the wizard ended")
		}
	})
	t.Run("still starting", func(t *testing.T) {
		m := newLiveTest(t, 80, 24, l)
		n := count()
		m, cmd := choose(m)
		ran := make(chan struct{})
		go func() { defer close(ran); runAll(cmd) }() // the model never sees the results
		for count() == n {
			time.Sleep(time.Millisecond)
		}
		go func() { time.Sleep(20 * time.Millisecond); close(release) }()
		m.live.closeLive() // waits for the start
		mu.Lock()
		last := started[len(started)-1]
		mu.Unlock()
		if serves(last) {
			t.Error("the tenant that was starting still serves after the wizard ended")
		}
		<-ran
	})
}

// runAll runs commands and the batches they return, dropping the messages.
func runAll(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	if b, ok := cmd().(tea.BatchMsg); ok {
		for _, c := range b {
			runAll(c)
		}
	}
}

// TestResetKeepsTheCommandLineConnection: kvbridge --reset --sandbox=S, then
// y: the progress goes, the practice tenant asked for stays connected (the
// plain mode connects after its reset too). Without a connection on the
// command line the saved one goes with the progress and the chooser asks.
func TestResetKeepsTheCommandLineConnection(t *testing.T) {
	saved := func(o *session.Options) {
		o.ConfirmReset = true
		o.State.Tasks = map[string]bool{"1A.1": true}
		o.State.Connection = steps.Connection{Kind: steps.ConnPractice, Scenario: "no-vault-read", SecretName: "Other-Name"}
	}
	t.Run("sandbox flag", func(t *testing.T) {
		m := newLiveTest(t, 80, 24, testLive(steps.Connection{Kind: steps.ConnPractice, Scenario: "no-vault-read"}), saved)
		running := m.live.tenant
		m = keys(t, m, "y")
		c := m.state.Connection
		if c.Kind != steps.ConnPractice || c.Scenario != "no-vault-read" || c.SecretName != "" || len(m.state.Tasks) != 0 {
			t.Fatalf("after reset: connection %+v, tasks %v", c, m.state.Tasks)
		}
		if m.live.tenant != running || m.live.tenant == nil {
			t.Fatal("the practice tenant asked for was not kept")
		}
		m = gotoScreen(t, m, "1/check")
		if v := view(m); !strings.Contains(v, "practice tenant · no-vault-read") {
			t.Fatalf("not connected after the reset:\n%s", v)
		}
	})
	t.Run("no flag", func(t *testing.T) {
		m := newLiveTest(t, 80, 24, testLive(steps.Connection{}), saved)
		if m.live.tenant == nil {
			t.Fatal("the saved practice tenant did not start")
		}
		m = keys(t, m, "y")
		if m.state.Connection.Kind != steps.ConnNone || m.live.tenant != nil || !chooserOpen(m) {
			t.Fatalf("after reset: connection %+v, tenant %v, chooser %v", m.state.Connection, m.live.tenant, chooserOpen(m))
		}
	})
}

// TestFieldCursorAlwaysShown: in a value longer than the field, the cursor
// is drawn wherever it is, and the value is cut only where it must be.
func TestFieldCursorAlwaysShown(t *testing.T) {
	long := strings.Repeat("abcdefghij", 10)
	for _, pos := range []int{0, 1, 5, 18, 19, 20, 50, 99, 100} {
		f := newField()
		f.set(long)
		f.in.SetCursor(pos)
		v := f.view(20, true)
		if !strings.Contains(v, "█") || ansi.StringWidth(v) > 20 {
			t.Errorf("pos %d: %q", pos, v)
		}
		if pos < 18 && !strings.HasPrefix(v, long[:pos]) {
			t.Errorf("pos %d: the start was cut needlessly: %q", pos, v)
		}
	}
	short := newField()
	short.set("short")
	short.in.SetCursor(0)
	if v := short.view(20, true); v != "█short" {
		t.Errorf("short value: %q", v)
	}
}

// TestVaultFieldKeepsTheName: a vault's resource ID too long for the field
// is cut at its start, so the vault's name stays readable.
func TestVaultFieldKeepsTheName(t *testing.T) {
	f := newField()
	f.keepEnd = true
	f.set(gVault)
	if v := f.view(30, false); !strings.HasSuffix(v, "/vaults/kv-prod") || ansi.StringWidth(v) != 30 || !strings.HasPrefix(v, "…") {
		t.Fatalf("%q", v)
	}
}

// y copies the failed checks' az commands whole, through the terminal's
// clipboard; on screen a long scope wraps, pasted it must not.
func TestCopyFixCommands(t *testing.T) {
	m := liveGolden(t, 80, 24, "2/check")
	if v := view(m); strings.Contains(v, "y copy fix") {
		t.Fatal("copy offered before anything failed")
	}
	next, cmd := m.Update(tea.KeyPressMsg{Code: 'y', Text: "y"})
	if st := next.(*Model).status; cmd != nil || !strings.Contains(st, "Nothing to copy") {
		t.Fatalf("y with nothing failed: cmd %v, status %q", cmd != nil, st)
	}
	az := "az role assignment create --role \"Reader\" --assignee " + gClient + " --scope " + gVault
	m = startFakeRun(next.(*Model), []string{"arm.vaults"})
	m = inject(t, m, azure.Result{ID: "arm.vaults", Status: azure.StatusFail, Cause: "none-listed", Title: "empty",
		Fix: &azure.Fix{Summary: "Assign Reader.", Az: []string{az}}})
	if v := view(m); !strings.Contains(v, "y copy fix") {
		t.Errorf("help does not offer y:\n%s", v)
	}
	next, cmd = m.Update(tea.KeyPressMsg{Code: 'y', Text: "y"})
	if cmd == nil {
		t.Fatal("y gave no command")
	}
	if got := fmt.Sprint(cmd()); got != az+"\n" {
		t.Errorf("clipboard = %q, want the whole command", got)
	}
	if st := next.(*Model).status; !strings.Contains(st, "Copied 1 az command") {
		t.Errorf("status = %q", st)
	}
}

// A spinner frame changes only the spinner's cells: compose fills the slot the
// body left for it, and the slot itself never reaches the screen.
func TestSpinnerFramesAnimateWithoutRender(t *testing.T) {
	m := liveGolden(t, 80, 24, "1/check")
	m = startFakeRun(m, m.sectionIDs(screenOf(m).Section))
	before := view(m)
	body := m.laid()
	next, _ := m.Update(m.live.spin.Tick())
	m = next.(*Model)
	after := view(m)
	if before == after {
		t.Error("the spinner did not move")
	}
	if m.laid() != body {
		t.Error("a spinner frame re-rendered the body")
	}
	if strings.Contains(before+after, spinSlot) {
		t.Error("the spinner's slot reached the screen")
	}
}

func chooserOpen(m *Model) bool {
	_, ok := m.over.(*chooserPage)
	return ok
}
