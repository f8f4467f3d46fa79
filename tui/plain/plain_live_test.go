package plain

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/kvbridge/kvbridge/quiz"
	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/azure"
	"github.com/kvbridge/kvbridge/steps/live"
	"github.com/kvbridge/kvbridge/steps/live/livetest"
	"github.com/kvbridge/kvbridge/tui/session"
)

// plainTestLive is the Live cmd/kvbridge builds, with the test wiring of
// steps/live/livetest: the production configuration, in-process practice
// tenants started through ts (nil: a fresh set), short retries.
func plainTestLive(t *testing.T, initial steps.Connection, ts *livetest.Tenants) *session.Live {
	t.Helper()
	if ts == nil {
		ts = &livetest.Tenants{}
	}
	return &session.Live{Initial: initial, Wiring: ts.Wiring()}
}

const plainPracticePassword = "Practice-Pa55word!x"

// plainLiveAnswers answers every screen of m from the first, in the
// practice tenant: on a check page each field the page declares and this run
// has not asked yet (Enter keeps the default; the username mapping y; the
// password), then s on a page with the sync, then Enter. On section 4's
// troubleshooting page, a course that checks credential.expiry knows the
// expiry and is asked for the reminder (n); one that does not is asked for
// the date (Enter skips).
func plainLiveAnswers(m *steps.Machine) []string {
	var answers []string
	// The practice tenant hands these out.
	// The practice tenant hands these out; its Secret Server's address, user and
	// password are not asked either.
	asked := map[string]bool{steps.FieldTenantID: true, steps.FieldClientID: true, steps.FieldClientSecret: true, steps.FieldCloud: true,
		steps.FieldDelineaURL: true, steps.FieldDelineaUsername: true, steps.FieldDelineaPassword: true}
	expiryChecked := false
	for _, sec := range m.Course.Sections {
		expiryChecked = expiryChecked || slices.Contains(sec.Check.IDs, "credential.expiry")
	}
	for _, sc := range m.Screens() {
		sec := m.Course.Sections[sc.Section]
		switch sc.Kind {
		case steps.ScreenStep:
			for range sec.Steps[sc.Step].Tasks {
				answers = append(answers, "y")
			}
		case steps.ScreenCheck:
			p, _ := live.PageOf(m, sc)
			for _, f := range p.Fields {
				if asked[f] {
					continue
				}
				asked[f] = true
				switch f {
				case steps.FieldMapUsername:
					answers = append(answers, "y")
				case steps.FieldPassword:
					answers = append(answers, plainPracticePassword)
				default:
					answers = append(answers, "")
				}
			}
			if p.Sync {
				answers = append(answers, "s")
			}
			answers = append(answers, "")
		case steps.ScreenQuiz:
			q, _ := m.Bank.Get(sc.QuestionID)
			answers = append(answers, strconv.Itoa(q.Right()+1))
		case steps.ScreenAcks:
			for range sec.Acks {
				answers = append(answers, "y")
			}
		case steps.ScreenTroubleshooting:
			if expiryChecked {
				answers = append(answers, "n", "")
			} else {
				answers = append(answers, "", "")
			}
		case steps.ScreenComplete:
		default:
			answers = append(answers, "")
		}
	}
	return answers
}

func plainRealMachine(t *testing.T) *steps.Machine {
	t.Helper()
	c, err := steps.LoadCourse()
	if err != nil {
		t.Skipf("the course is not written yet: %v", err)
	}
	b, err := quiz.Load()
	if err != nil {
		t.Skipf("the question bank is not written yet: %v", err)
	}
	return steps.NewMachine(c, b)
}

// The whole course, live, against the healthy practice tenant: connect (the
// default answer), every check passes, the sync writes and mapping.value
// matches the typed password, 100%.
func TestPlainLiveCoursePractice(t *testing.T) {
	t.Parallel()
	for _, course := range []string{"fixture", "real"} {
		t.Run(course, func(t *testing.T) {
			t.Parallel()
			m := plainFixtureMachine(t)
			if course == "real" {
				m = plainRealMachine(t)
			}
			store := plainStore(t)
			ts := &livetest.Tenants{}
			lv := plainTestLive(t, steps.Connection{}, ts)
			input := plainLines(append([]string{""}, plainLiveAnswers(m)...)...)
			res := runPlainFixture(t, m, store, m.Start(time.Now()), input, plainEnvNoTTY, func(o *session.Options) { o.Live = lv; o.NoColor = true })
			if res.err != nil {
				t.Fatalf("plain.Run: %v\n%s", res.err, plainTail(res.out, 40))
			}
			tenants := ts.Started()
			if len(tenants) != 1 {
				t.Fatalf("%d practice tenants started", len(tenants))
			}
			in := tenants[0].Handout()
			st := res.state
			if st.Connection.Kind != steps.ConnPractice || st.Connection.Scenario != "healthy" || st.Connection.SecretName != "" || !st.Connection.MapUsername {
				// Enter kept the secret name's default: it stays a default, not saved.
				t.Errorf("connection = %+v", st.Connection)
			}
			if st.FinishedAt == nil || !m.Progress(st).Complete() {
				t.Fatalf("not complete; missing %v\n%s", m.Missing(st), plainTail(res.out, 60))
			}
			for _, sec := range m.Course.Sections {
				for _, id := range sec.Check.IDs {
					if mark := st.Checks[id]; !mark.Passed() {
						t.Errorf("%s = %+v", id, mark)
					}
				}
			}
			for _, want := range []string{
				"Where should kvbridge check your work?", "1) the built-in practice tenant (no Azure needed)",
				"Client secret:  " + in.ClientSecret[:3] + "***",
				"pass  auth.token  Entra ID issued a token", "pass  arm.vaults  ARM lists 2 vaults to the app,",
				"Vaults ARM lists to the app (what Delinea's dropdown most likely shows): 2:", "pass  sync  Wrote Prod-VM-Admin-Pass as a sync would",
				"r) run again, w) watch, p) practice actions, e) edit values, Enter) continue:", "Progress: 100%.",
			} {
				if !plainContains(res.out, want) {
					t.Errorf("output lacks %q", want)
				}
			}
			if !strings.Contains(res.out, "\npass  auth.token  Entra ID issued a token") {
				t.Error("a result line is not laid out as \"pass  auth.token  title\"")
			}
			if course == "real" {
				for _, want := range []string{"pass  mapping.value  The value matches the Delinea password", "pass  mapping.tag", "pass  rbac.secrets-write", "read by the credential.expiry check", "No reminder written."} {
					if !plainContains(res.out, want) {
						t.Errorf("output lacks %q", want)
					}
				}
			}
			saved, err := os.ReadFile(store.Path)
			if err != nil {
				t.Fatal(err)
			}
			for name, secret := range map[string]string{"client secret": in.ClientSecret, "password": plainPracticePassword} {
				if strings.Contains(res.out, secret) {
					t.Errorf("the %s appears in the output", name)
				}
				if strings.Contains(string(saved), secret) {
					t.Errorf("the %s appears in the saved progress", name)
				}
			}
			if t.Failed() {
				t.Log(plainTail(res.out, 80))
			}
		})
	}
}

// no-vault-read: section 2's page shows the empty dropdown and its diagnosis.
func TestPlainLiveNoVaultRead(t *testing.T) {
	t.Parallel()
	m := plainFixtureMachine(t)
	store := plainStore(t)
	lv := plainTestLive(t, steps.Connection{Kind: steps.ConnPractice, Scenario: "no-vault-read"}, nil)
	// Section 1's overview: jump to section 2; its overview, 2A, the check page
	// (it declares no field: the checks run at once), then quit.
	res := runPlainFixture(t, m, store, m.Start(time.Now()), plainLines(":2", "", "y", "q"), plainEnvNoTTY, func(o *session.Options) { o.Live = lv })
	if res.err != nil {
		t.Fatalf("plain.Run: %v\n%s", res.err, plainTail(res.out, 30))
	}
	if strings.Contains(res.out, "Where should kvbridge check") {
		t.Error("asked where to check although Initial.Kind was set")
	}
	for _, want := range []string{"fail  arm.vaults", "Vaults ARM lists to the app (what Delinea's dropdown most likely shows): none", "Diagnosis: ", `--role Reader`} {
		if !plainContains(res.out, want) {
			t.Errorf("output lacks %q\n%s", want, plainTail(res.out, 30))
		}
	}
	mark := res.state.Checks["arm.vaults"]
	if mark.Status != steps.StatusFail || (mark.Cause != "target-not-listed" && mark.Cause != "none-listed") {
		t.Errorf("arm.vaults mark = %+v", mark)
	}
	if !plainContains(res.out, mark.Cause+": ") {
		t.Errorf("the cause %s is not said", mark.Cause)
	}
}

// A refused sync is told as Delinea would meet it, and recorded nowhere.
func TestPlainLiveSyncRefused(t *testing.T) {
	t.Parallel()
	m := plainFixtureMachine(t)
	lv := plainTestLive(t, steps.Connection{Kind: steps.ConnPractice, Scenario: "secrets-user-only"}, nil)
	// Section 3's overview, 3A, then the page's fields (name: Enter, username
	// mapped: y, username: Enter, the password), s syncs, then quit.
	res := runPlainFixture(t, m, plainStore(t), m.Start(time.Now()),
		plainLines(":3", "", "y", "", "y", "", plainPracticePassword, "s", "q"), plainEnvNoTTY, func(o *session.Options) { o.Live = lv })
	if res.err != nil {
		t.Fatalf("plain.Run: %v\n%s", res.err, plainTail(res.out, 30))
	}
	for _, want := range []string{"fail  sync  Key Vault refused the write", "forbidden-by-rbac: ", "setSecret", `az role assignment create --role 'Key Vault Secrets Officer'`} {
		if !plainContains(res.out, want) {
			t.Errorf("output lacks %q\n%s", want, plainTail(res.out, 30))
		}
	}
	if strings.Contains(res.out, plainPracticePassword) {
		t.Error("the password appears in the output")
	}
}

// Own tenant: bad IDs and a bad cloud are asked again with the check's words;
// the secret is read without echo and saved nowhere. No check runs here.
func TestPlainLiveOwnTenantPrompts(t *testing.T) {
	t.Parallel()
	m := plainFixtureMachine(t)
	store := plainStore(t)
	const (
		tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"
		client = "8f7a2c1e-4b3d-4e5f-9a8b-7c6d5e4f3a2b"
		secret = "Own~Secret.Value_1234567890abcdefghij"
	)
	lv := plainTestLive(t, steps.Connection{}, nil)
	in := plainLines("2", "not a tenant!", tenant, "12345", client, "mars", "", "", secret, "q")
	res := runPlainFixture(t, m, store, m.Start(time.Now()), in, plainEnvNoTTY, func(o *session.Options) { o.Live = lv })
	if res.err != nil {
		t.Fatalf("plain.Run: %v\n%s", res.err, res.out)
	}
	for _, want := range []string{
		azure.CheckTenantID("not a tenant!").Detail, azure.CheckClientID("12345").Detail, "Please type it again.",
		`Unknown cloud "mars"`, "No client secret was given", "Checking as app " + client + " in tenant " + tenant,
	} {
		if !plainContains(res.out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Count(res.out, "Tenant ID (Directory ID, or a verified domain)") != 2 || strings.Count(res.out, "Client ID (Application ID)") != 2 {
		t.Errorf("IDs not asked twice:\n%s", res.out)
	}
	c := res.state.Connection
	if c.Kind != steps.ConnTenant || c.TenantID != tenant || c.ClientID != client || c.Cloud != "" {
		// Enter kept the cloud's default (public): not saved.
		t.Errorf("connection = %+v", c)
	}
	saved, _ := os.ReadFile(store.Path)
	if strings.Contains(res.out, secret) || strings.Contains(string(saved), secret) {
		t.Error("the client secret was echoed or saved")
	}
}

// Live.Secret (AZURE_CLIENT_SECRET) and Initial.Kind: nothing is asked.
func TestPlainLiveOwnTenantFromInitial(t *testing.T) {
	t.Parallel()
	m := plainFixtureMachine(t)
	lv := plainTestLive(t, steps.Connection{Kind: steps.ConnTenant, TenantID: "contoso.onmicrosoft.com", ClientID: "8f7a2c1e-4b3d-4e5f-9a8b-7c6d5e4f3a2b"}, nil)
	lv.Secret = "Env~Secret.Value_1234567890abcdefghij"
	res := runPlainFixture(t, m, plainStore(t), m.Start(time.Now()), plainLines("q"), plainEnvNoTTY, func(o *session.Options) { o.Live = lv })
	if res.err != nil || strings.Contains(res.out, "Tenant ID (") || strings.Contains(res.out, lv.Secret) ||
		!strings.Contains(res.out, "from AZURE_CLIENT_SECRET") || res.state.Connection.TenantID != "contoso.onmicrosoft.com" {
		t.Errorf("err %v\n%s", res.err, res.out)
	}
}

// Choosing 3 runs the course offline; a nil Live never asks.
func TestPlainLiveOfflineChoice(t *testing.T) {
	t.Parallel()
	m := plainFixtureMachine(t)
	lv := plainTestLive(t, steps.Connection{}, nil)
	res := runPlainFixture(t, m, plainStore(t), m.Start(time.Now()), plainLines("3", "q"), plainEnvNoTTY, func(o *session.Options) { o.Live = lv })
	if res.err != nil || res.state.Connection.Kind != steps.ConnOffline || res.state.Live() {
		t.Errorf("err %v connection %+v", res.err, res.state.Connection)
	}
	res = runPlainFixture(t, m, plainStore(t), m.Start(time.Now()), plainLines("q"), plainEnvNoTTY, nil)
	if strings.Contains(res.out, "Where should") || res.state.Connection.Kind != steps.ConnNone {
		t.Errorf("offline run asked or connected: %+v", res.state.Connection)
	}
}

// plainLockedBuffer lets the test read what the runner writes while it runs.
type plainLockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *plainLockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *plainLockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Ctrl+C during a run (a slow tenant) ends it promptly, records nothing from
// the cancelled run, and saves progress.
func TestPlainLiveCancelDuringRun(t *testing.T) {
	t.Parallel()
	m := plainFixtureMachine(t)
	store := plainStore(t)
	lv := plainTestLive(t, steps.Connection{Kind: steps.ConnPractice}, &livetest.Tenants{Latency: 3 * time.Second})
	pr, pw := io.Pipe()
	t.Cleanup(func() { pw.Close() })
	go func() {
		// Section 1's check page: jump there (overview, 1A, 1B), then the vault.
		_, _ = io.WriteString(pw, plainLines("", "y", "y", "y", ""))
	}()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &plainLockedBuffer{}
	done := make(chan error, 1)
	go func() {
		_, err := runPlain(ctx, session.Options{Machine: m, Store: store, State: m.Start(time.Now()), In: pr, Out: out, Live: lv},
			plainEnv{environ: plainEnvNoTTY, now: plainClock()})
		done <- err
	}()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), "Running 2 live checks") {
		if time.Now().After(deadline) {
			t.Fatalf("the run did not start:\n%s", out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, session.ErrAborted) || !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v", err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("returned %v after cancel", d)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("plain.Run did not return after cancel")
	}
	loaded, _, err := store.Load(m, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(loaded.Checks) != 0 {
		t.Errorf("a cancelled run recorded %v", loaded.Checks)
	}
	if !strings.Contains(out.String(), "Checks stopped.") || !strings.Contains(out.String(), "Interrupted; progress saved.") {
		t.Errorf("output:\n%s", plainTail(out.String(), 6))
	}
}

func TestPlainMask(t *testing.T) {
	for in, want := range map[string]string{"": "", "ab": "**", "abcd": "abc*", "abcdefghijklmnopqrstuvwxyz": "abc************"} {
		if got := live.Mask(in); got != want {
			t.Errorf("live.Mask(%q) = %q, want %q", in, got, want)
		}
	}
}

// On a terminal the client secret is read with echo off (term.ReadPassword),
// and the line reader has nothing pending that could take it instead.
func TestPlainLiveHiddenPromptOnTerminal(t *testing.T) {
	t.Parallel()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	t.Cleanup(func() { ptmx.Close(); tty.Close() })
	go func() { _, _ = io.Copy(io.Discard, ptmx) }() // the terminal's echo, if any
	m := plainFixtureMachine(t)
	store := plainStore(t)
	const secret = "Tty~Secret.Value_1234567890abcdefghij"
	lv := plainTestLive(t, steps.Connection{Kind: steps.ConnTenant, TenantID: "contoso.onmicrosoft.com", ClientID: "8f7a2c1e-4b3d-4e5f-9a8b-7c6d5e4f3a2b"}, nil)
	out := &plainLockedBuffer{}
	done := make(chan error, 1)
	go func() {
		_, err := runPlain(context.Background(), session.Options{Machine: m, Store: store, State: m.Start(time.Now()), In: tty, Out: out, Live: lv},
			plainEnv{environ: plainEnvNoTTY, now: plainClock()})
		done <- err
	}()
	waitFor := func(s string) {
		deadline := time.Now().Add(5 * time.Second)
		for !strings.Contains(out.String(), s) {
			if time.Now().After(deadline) {
				t.Fatalf("no %q in:\n%s", s, out.String())
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	waitFor("Client secret (the Value; not shown, never saved): ")
	_, _ = io.WriteString(ptmx, secret+"\r")
	waitFor("Press Enter to continue")
	_, _ = io.WriteString(ptmx, "q\r")
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("plain.Run: %v\n%s", err, out.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("plain.Run did not end:\n%s", out.String())
	}
	saved, _ := os.ReadFile(store.Path)
	if strings.Contains(out.String(), secret) || strings.Contains(string(saved), secret) {
		t.Error("the secret was echoed or saved")
	}
	if !strings.Contains(out.String(), "Checking as app") {
		t.Errorf("output:\n%s", out.String())
	}
}

// plainFixtureMachineWith is the fixture course with more checks on section
// 1's page (credential.expiry, say).
func plainFixtureMachineWith(t *testing.T, extra ...string) *steps.Machine {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", "plain_course.toml"))
	if err != nil {
		t.Fatal(err)
	}
	const ids = `ids = ["auth.token", "rbac.secrets-write"`
	if !strings.Contains(string(src), ids) {
		t.Fatal("the fixture's section 1 check changed")
	}
	more := ids
	for _, id := range extra {
		more += `, "` + id + `"`
	}
	c, err := steps.ParseCourse(strings.Replace(string(src), ids, more, 1))
	if err != nil {
		t.Fatal(err)
	}
	return steps.NewMachine(c, plainFixtureMachine(t).Bank)
}

// Section 4 without a date from Graph: the expiry is asked, a bad date asked
// again with the format, the date stored through EvConnect (and saved), and
// the reminder written into the given directory, 30 days before.
func TestPlainLiveExpiryAskedAndReminder(t *testing.T) {
	t.Parallel()
	m := plainFixtureMachine(t)
	store := plainStore(t)
	dir := t.TempDir()
	lv := plainTestLive(t, steps.Connection{Kind: steps.ConnPractice}, nil)
	// Section 1's overview: jump to 4; the summary; then the troubleshooting page.
	in := plainLines(":4", "", "2027-13-01", "31/05/2027", "2027-05-31", "maybe", "y", "q")
	res := runPlainFixtureEnv(t, m, store, m.Start(time.Now()), in, plainEnv{environ: plainEnvNoTTY, now: plainClock(), dir: dir},
		func(o *session.Options) { o.Live = lv })
	if res.err != nil {
		t.Fatalf("plain.Run: %v\n%s", res.err, plainTail(res.out, 30))
	}
	const ask = "When does the client secret expire? (YYYY-MM-DD, Enter to skip)"
	if n := strings.Count(res.out, ask); n != 3 {
		t.Errorf("the expiry was asked %d times, want 3 (two bad dates)\n%s", n, plainTail(res.out, 30))
	}
	if n := strings.Count(res.out, live.ExpiryFormatHelp); n != 2 {
		t.Errorf("the format was explained %d times, want 2", n)
	}
	for _, want := range []string{"Expiry saved: 2027-05-31", "Export a calendar reminder 30 days before? [y/n]",
		"Please type y to write the reminder, or n to skip it.", "Reminder for 2027-05-01 saved (import it into your calendar) to:\n  " + filepath.Join(dir, live.ReminderFile) + "\n"} {
		if !plainContains(res.out, want) {
			t.Errorf("output lacks %q\n%s", want, plainTail(res.out, 30))
		}
	}
	want := time.Date(2027, 5, 31, 0, 0, 0, 0, time.Local)
	if exp := res.state.Connection.SecretExpires; exp == nil || !exp.Equal(want) {
		t.Errorf("SecretExpires = %v, want %v", exp, want)
	}
	loaded, _, err := store.Load(m, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if exp := loaded.Connection.SecretExpires; exp == nil || !exp.Equal(want) {
		t.Errorf("saved SecretExpires = %v", exp)
	}
	ics, err := os.ReadFile(filepath.Join(dir, live.ReminderFile))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ics), "DTSTART;VALUE=DATE:20270501\r\n") {
		t.Errorf("the reminder is not on 2027-05-01:\n%s", ics)
	}
}

// Enter skips the date: nothing is stored and no reminder is offered.
func TestPlainLiveExpirySkipped(t *testing.T) {
	t.Parallel()
	m := plainFixtureMachine(t)
	dir := t.TempDir()
	lv := plainTestLive(t, steps.Connection{Kind: steps.ConnPractice}, nil)
	res := runPlainFixtureEnv(t, m, plainStore(t), m.Start(time.Now()), plainLines(":4", "", "", "q"),
		plainEnv{environ: plainEnvNoTTY, now: plainClock(), dir: dir}, func(o *session.Options) { o.Live = lv })
	if res.err != nil || res.state.Connection.SecretExpires != nil || strings.Contains(res.out, "Export a calendar reminder") {
		t.Errorf("err %v, expiry %v\n%s", res.err, res.state.Connection.SecretExpires, plainTail(res.out, 20))
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("something was written: %v", entries)
	}
}

// When credential.expiry read the date in Graph, section 4 uses it (stored
// in the connection) and does not ask; n writes no reminder.
func TestPlainLiveExpiryFromCheck(t *testing.T) {
	t.Parallel()
	m := plainFixtureMachineWith(t, "credential.expiry")
	dir := t.TempDir()
	lv := plainTestLive(t, steps.Connection{Kind: steps.ConnPractice}, nil)
	// Overview, 1A, 1B, the check page (vault: Enter), on to section 4.
	in := plainLines("", "y", "y", "y", "", ":4", "", "n", "q")
	res := runPlainFixtureEnv(t, m, plainStore(t), m.Start(time.Now()), in,
		plainEnv{environ: plainEnvNoTTY, now: plainClock(), dir: dir}, func(o *session.Options) { o.Live = lv })
	if res.err != nil {
		t.Fatalf("plain.Run: %v\n%s", res.err, plainTail(res.out, 30))
	}
	if !plainContains(res.out, "pass  credential.expiry") {
		t.Fatalf("credential.expiry did not pass:\n%s", plainTail(res.out, 60))
	}
	exp := res.state.Connection.SecretExpires
	if exp == nil {
		t.Fatalf("the expiry read by the check was not stored\n%s", plainTail(res.out, 30))
	}
	if strings.Contains(res.out, "When does the client secret expire?") {
		t.Error("asked for an expiry the check had read")
	}
	for _, want := range []string{"It expires on " + exp.Format("2006-01-02"), "read by the credential.expiry check", "No reminder written."} {
		if !plainContains(res.out, want) {
			t.Errorf("output lacks %q\n%s", want, plainTail(res.out, 30))
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("n wrote a reminder: %v", entries)
	}
}

// plainPracticeChoice is the number the plain menu gives an action (by ID)
// on a screen, as typed.
func plainPracticeChoice(t *testing.T, m *steps.Machine, screenKey, id string) string {
	t.Helper()
	for _, sc := range m.Screens() {
		if sc.Key != screenKey {
			continue
		}
		p, _ := live.PageOf(m, sc)
		for i, a := range live.Menu(p) {
			if a.ID == id {
				return strconv.Itoa(i + 1)
			}
		}
	}
	t.Fatalf("no practice action %q on %s", id, screenKey)
	return ""
}

// no-vault-read: on section 2's page, p lists the wizard's actions with what
// each does; Assign Reader is done and the page's checks run again and pass.
func TestPlainLivePracticeAssignReader(t *testing.T) {
	t.Parallel()
	m := plainFixtureMachine(t)
	lv := plainTestLive(t, steps.Connection{Kind: steps.ConnPractice, Scenario: "no-vault-read"}, nil)
	choice := plainPracticeChoice(t, m, "2/check", "role.reader.assign")
	// Section 1's overview: jump to 2; its overview, 2A, the check page (no field); p, a bad number, the action; then quit.
	res := runPlainFixture(t, m, plainStore(t), m.Start(time.Now()), plainLines(":2", "", "y", "p", "0", choice, "q"), plainEnvNoTTY,
		func(o *session.Options) { o.Live = lv })
	if res.err != nil {
		t.Fatalf("plain.Run: %v\n%s", res.err, plainTail(res.out, 40))
	}
	if mark := res.state.Checks["arm.vaults"]; mark.Status != steps.StatusPass {
		t.Errorf("arm.vaults = %+v after Assign Reader\n%s", mark, plainTail(res.out, 40))
	}
	for _, a := range live.Actions {
		if !plainContains(res.out, ") "+a.Title) || !plainContains(res.out, "Will do: "+a.Does) {
			t.Errorf("the menu lacks %q with what it does", a.Title)
		}
	}
	for _, want := range []string{
		"r) run again, w) watch, p) practice actions, Enter) continue:", " 1) Assign Reader on the vault",
		"Type a number from 1 to", "Assigned Reader to the app on kv-contoso-practice.",
		"fail  arm.vaults", "pass  arm.vaults",
	} {
		if !plainContains(res.out, want) {
			t.Errorf("output lacks %q\n%s", want, plainTail(res.out, 40))
		}
	}
	if i, j := strings.Index(res.out, "Assigned Reader"), strings.LastIndex(res.out, "pass  arm.vaults"); i < 0 || j < i {
		t.Error("the checks did not run again after the action")
	}
}

// expired-secret: a new client secret goes into the secret the checks use,
// auth.token passes with it, and its Value is never printed whole (its first
// 3 characters at most, as Entra's hint).
func TestPlainLivePracticeNewSecretNeverShown(t *testing.T) {
	t.Parallel()
	m := plainFixtureMachine(t)
	store := plainStore(t)
	ts := &livetest.Tenants{}
	lv := plainTestLive(t, steps.Connection{Kind: steps.ConnPractice, Scenario: "expired-secret"}, ts)
	var mu sync.Mutex
	var secrets []string // every secret the checks were configured with
	configure := lv.Wiring.Configure
	lv.Wiring.Configure = func(c *azure.Config) {
		mu.Lock()
		secrets = append(secrets, c.ClientSecret)
		mu.Unlock()
		configure(c)
	}
	choice := plainPracticeChoice(t, m, "1/check", "client-secret.new")
	// Overview, 1A, 1B, the check page (vault: Enter); p, the action; then quit.
	res := runPlainFixture(t, m, store, m.Start(time.Now()), plainLines("", "y", "y", "y", "", "p", choice, "q"), plainEnvNoTTY,
		func(o *session.Options) { o.Live = lv })
	if res.err != nil {
		t.Fatalf("plain.Run: %v\n%s", res.err, plainTail(res.out, 40))
	}
	handed := ts.Started()[0].Handout().ClientSecret
	var fresh string
	for _, s := range secrets {
		if s != handed {
			fresh = s
		}
	}
	if fresh == "" {
		t.Fatalf("the checks never used a new secret\n%s", plainTail(res.out, 40))
	}
	if mark := res.state.Checks["auth.token"]; mark.Status != steps.StatusPass {
		t.Errorf("auth.token = %+v with the new secret\n%s", mark, plainTail(res.out, 40))
	}
	saved, _ := os.ReadFile(store.Path)
	// From 6 characters on, a chance match in the output is out of the question.
	for i := 6; i <= len(fresh); i++ {
		if strings.Contains(res.out, fresh[:i]) {
			t.Fatalf("the output holds the new Value's first %d characters", i)
		}
	}
	if strings.Contains(string(saved), fresh) {
		t.Error("the new Value was saved")
	}
	for _, want := range []string{"fail  auth.token", "New client secret created", "Its Value, " + live.Mask(fresh) + ",", "pass  auth.token"} {
		if !plainContains(res.out, want) {
			t.Errorf("output lacks %q\n%s", want, plainTail(res.out, 40))
		}
	}
}

// p works at any question in the practice tenant, and says where it works
// elsewhere; the help lists it.
func TestPlainLivePracticeElsewhere(t *testing.T) {
	t.Parallel()
	m := plainFixtureMachine(t)
	lv := plainTestLive(t, steps.Connection{Kind: steps.ConnPractice, Scenario: "no-vault-read"}, nil)
	res := runPlainFixture(t, m, plainStore(t), m.Start(time.Now()), plainLines("p", "", "q"), plainEnvNoTTY, func(o *session.Options) { o.Live = lv })
	if res.err != nil || !plainContains(res.out, "Practice actions: what you would do in the Azure portal") || !plainContains(res.out, "Nothing done.") {
		t.Errorf("err %v\n%s", res.err, plainTail(res.out, 30))
	}
	if !plainContains(res.out, "p          practice actions, in the practice tenant") || !plainContains(res.out, "w          on a live check page: watch") {
		t.Error("the help does not list p and w")
	}
	lv = plainTestLive(t, steps.Connection{Kind: steps.ConnOffline}, nil)
	res = runPlainFixture(t, m, plainStore(t), m.Start(time.Now()), plainLines("p", "q"), plainEnvNoTTY, func(o *session.Options) { o.Live = lv })
	if res.err != nil || !plainContains(res.out, "Practice actions work in the practice tenant only") {
		t.Errorf("err %v\n%s", res.err, plainTail(res.out, 30))
	}
}

// plainNoWaitWatch is a watch timer for tests: each wait calls tick (which may
// change the tenant) and fires at once, or never when fire is false. The
// durations asked for are kept.
type plainNoWaitWatch struct {
	fire  bool
	tick  func(n int)
	asked []time.Duration
}

func (w *plainNoWaitWatch) after(d time.Duration) <-chan time.Time {
	w.asked = append(w.asked, d)
	ch := make(chan time.Time, 1)
	if w.tick != nil {
		w.tick(len(w.asked))
	}
	if w.fire {
		ch <- time.Time{}
	}
	return ch
}

// w on a failing page watches; Enter stops it. The watch is announced once,
// with the 15 s interval, and nothing waits for real.
func TestPlainLiveWatchStopsOnEnter(t *testing.T) {
	t.Parallel()
	m := plainFixtureMachine(t)
	lv := plainTestLive(t, steps.Connection{Kind: steps.ConnPractice, Scenario: "no-vault-read"}, nil)
	w := &plainNoWaitWatch{}
	env := plainEnv{environ: plainEnvNoTTY, now: plainClock(), dir: t.TempDir(), after: w.after}
	start := time.Now()
	res := runPlainFixtureEnv(t, m, plainStore(t), m.Start(time.Now()), plainLines(":2", "", "y", "w", "", "q"), env,
		func(o *session.Options) { o.Live = lv })
	if res.err != nil {
		t.Fatalf("plain.Run: %v\n%s", res.err, plainTail(res.out, 30))
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %v", d)
	}
	if n := strings.Count(res.out, "Watching: next run in 15 s; Enter stops."); n != 1 {
		t.Errorf("the watch was announced %d times\n%s", n, plainTail(res.out, 30))
	}
	if len(w.asked) != 1 || w.asked[0] != live.WatchInterval {
		t.Errorf("waits asked: %v", w.asked)
	}
	i, j := strings.Index(res.out, "Watching stopped."), strings.LastIndex(res.out, "r) run again, w) watch")
	if i < 0 || j < i {
		t.Errorf("Enter did not stop the watch and return to the page's question\n%s", plainTail(res.out, 30))
	}
	if res.state.Checks["arm.vaults"].Status != steps.StatusFail {
		t.Errorf("arm.vaults = %+v", res.state.Checks["arm.vaults"])
	}
}

// The watch re-runs until everything passes: the second wait's tick assigns
// Reader (as a role would land in Azure), the next run passes and the watch
// ends by itself; the run in between says only what changed.
func TestPlainLiveWatchStopsWhenAllPass(t *testing.T) {
	t.Parallel()
	m := plainFixtureMachine(t)
	ts := &livetest.Tenants{}
	lv := plainTestLive(t, steps.Connection{Kind: steps.ConnPractice, Scenario: "no-vault-read"}, ts)
	w := &plainNoWaitWatch{fire: true, tick: func(n int) {
		if n == 2 {
			if err := livetest.Do(ts.Started()[0], "role.reader.assign"); err != nil {
				t.Error(err)
			}
		}
	}}
	pr, pw := io.Pipe()
	t.Cleanup(func() { pw.Close() })
	go func() { _, _ = io.WriteString(pw, plainLines(":2", "", "y", "w")) }()
	out := &plainLockedBuffer{}
	done := make(chan error, 1)
	var st steps.State
	go func() {
		var err error
		st, err = runPlain(context.Background(), session.Options{Machine: m, Store: plainStore(t), State: m.Start(time.Now()), In: pr, Out: out, Live: lv},
			plainEnv{environ: plainEnvNoTTY, now: plainClock(), dir: t.TempDir(), after: w.after})
		done <- err
	}()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), "Everything passes now: watching stopped.") {
		if time.Now().After(deadline) {
			t.Fatalf("the watch did not end when everything passed:\n%s", plainTail(out.String(), 40))
		}
		time.Sleep(5 * time.Millisecond)
	}
	_, _ = io.WriteString(pw, plainLines("q"))
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("plain.Run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("plain.Run did not end")
	}
	text := out.String()
	if n := strings.Count(text, "Watching: next run in 15 s; Enter stops."); n != 1 {
		t.Errorf("the watch was announced %d times", n)
	}
	if len(w.asked) != 2 {
		t.Errorf("%d waits, want 2", len(w.asked))
	}
	for _, want := range []string{"Running the page's checks again; only what changed is said.", "1 unchanged, not said again.", "pass  arm.vaults"} {
		if !plainContains(text, want) {
			t.Errorf("output lacks %q\n%s", want, plainTail(text, 40))
		}
	}
	if n := strings.Count(text, "fail  arm.vaults"); n != 2 {
		t.Errorf("the failure was said %d times, want 2 (the page's run and the watch's first)", n)
	}
	if st.Checks["arm.vaults"].Status != steps.StatusPass {
		t.Errorf("arm.vaults = %+v", st.Checks["arm.vaults"])
	}
}

// The count after a run is the one counting rule: on section 2 of the real
// course in no-vault-read, every check ran and one failed; plain mode must
// not say "4 of 5 checks done (passed, or nothing to compare)".
func TestPlainLiveCountSaysFailures(t *testing.T) {
	t.Parallel()
	m := plainRealMachine(t)
	lv := plainTestLive(t, steps.Connection{Kind: steps.ConnPractice, Scenario: "no-vault-read"}, nil)
	in := []string{":2", ""}
	for _, sc := range m.Screens() {
		if sc.Section == 1 && sc.Kind == steps.ScreenStep {
			for range m.Course.Sections[1].Steps[sc.Step].Tasks {
				in = append(in, "y")
			}
		}
	}
	// The check page's fields: Enter keeps each.
	for _, sc := range m.Screens() {
		if sc.Section == 1 && sc.Kind == steps.ScreenCheck {
			p, _ := live.PageOf(m, sc)
			for _, f := range p.Fields {
				if f == steps.FieldCredentialSecret || f == steps.FieldVault {
					in = append(in, "")
				}
			}
		}
	}
	res := runPlainFixture(t, m, plainStore(t), m.Start(time.Now()), plainLines(append(in, "q")...), plainEnvNoTTY, func(o *session.Options) { o.Live = lv })
	if res.err != nil {
		t.Fatalf("plain.Run: %v\n%s", res.err, plainTail(res.out, 30))
	}
	var counted string
	for _, l := range strings.Split(res.out, "\n") {
		if strings.Contains(l, " checks: ") && strings.HasSuffix(l, ".") {
			counted = l
		}
	}
	if counted == "" || !strings.Contains(counted, "failed") || strings.Contains(res.out, "checks done") {
		t.Errorf("count line %q\n%s", counted, plainTail(res.out, 30))
	}
}
