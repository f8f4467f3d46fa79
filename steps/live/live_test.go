package live_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/azure"
	"github.com/kvbridge/kvbridge/steps/live"
	"github.com/kvbridge/kvbridge/steps/live/livetest"
)

// A saved public-cloud connection plus --tenant T --client-id C --cloud china
// keeps china: in the merged connection, in what is saved, and in the
// checks' configuration.
func TestMergeKeepsGivenCloud(t *testing.T) {
	t.Parallel()
	const tid, cid = "11111111-2222-3333-4444-555555555555", "66666666-7777-8888-9999-000000000000"
	saved := steps.Connection{Kind: steps.ConnTenant, TenantID: tid, ClientID: cid, Cloud: "public", Vault: "kv-prod"}
	given := steps.Connection{Kind: steps.ConnTenant, TenantID: tid, ClientID: cid, Cloud: "china"}
	got := live.Merge(saved, given)
	if got.Cloud != "china" || got.Vault != "kv-prod" {
		t.Fatalf("Merge = %+v", got)
	}
	if cfg := live.Config(got, "s", nil, nil); cfg.Cloud != azure.CloudChina {
		t.Errorf("Config cloud = %q", cfg.Cloud)
	}
	m := livetest.Machine(t)
	st := m.Start(time.Now())
	st.Connection = saved
	s, sv := livetest.Session(t, live.Options{Machine: m, State: st, Given: given})
	if j := s.Begin(); j != nil {
		t.Fatal("a tenant connection started something")
	}
	if c := s.State().Connection; c.Cloud != "china" {
		t.Errorf("session cloud = %q", c.Cloud)
	}
	if last, _ := sv.Last(); last.Connection.Cloud != "china" {
		t.Errorf("saved cloud = %q", last.Connection.Cloud)
	}
	p := live.Page{Fields: []string{steps.FieldCloud}}
	if f := s.Fields(p); len(f) != 1 || f[0].Value != "china" {
		t.Errorf("cloud field = %+v", f)
	}
	// Another app given: a fresh start, the old vault forgotten.
	other := live.Merge(saved, steps.Connection{Kind: steps.ConnTenant, TenantID: tid, ClientID: "aaaaaaaa-7777-8888-9999-000000000000"})
	if other.Vault != "" || other.Cloud != "" {
		t.Errorf("another app kept %+v", other)
	}
	// Nothing decided on the command line: the saved connection stands.
	if c := live.Merge(saved, steps.Connection{TenantID: "x"}); c != saved {
		t.Errorf("prefill changed the connection: %+v", c)
	}
}

// The counting rule: a warn is not a pass, a skip with nothing to compare is
// a skip, and a failure is counted as one.
func TestTallyWords(t *testing.T) {
	t.Parallel()
	var warn live.Tally
	for _, s := range []string{"pass", "pass", "pass", "pass", "pass", "pass", "warn"} {
		warn.Add(s, "")
	}
	if got := warn.Words(); got != "7 checks: 6 passed, 1 warned." || !warn.AllPassed() {
		t.Errorf("warn: %q %v", got, warn.AllPassed())
	}
	var skip live.Tally
	for _, s := range []string{"pass", "pass", "pass"} {
		skip.Add(s, "")
	}
	skip.Add("skip", steps.CauseNotAsked)
	if got := skip.Words(); got != "4 checks: 3 passed, 1 skipped (not asked)." || !skip.AllPassed() {
		t.Errorf("skip: %q", got)
	}
	var fail live.Tally
	for _, s := range []string{"pass", "pass", "pass", "pass", "fail"} {
		fail.Add(s, "x")
	}
	if got := fail.Words(); got != "5 checks: 4 passed, 1 failed." || fail.AllPassed() {
		t.Errorf("fail: %q", got)
	}
	var none live.Tally
	none.Add(live.NotRun, "")
	none.Add("skip", "blocked")
	if got := none.Words(); got != "2 checks: 1 skipped, 1 not run." || none.AllPassed() {
		t.Errorf("none: %q", got)
	}
}

// A secret that expired 12 hours ago has expired; one that expires in 12
// hours does so in less than a day.
func TestExpiryWords(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	for exp, want := range map[time.Time]string{
		now.Add(-12 * time.Hour):     "expired",
		now:                          "expired",
		now.Add(12 * time.Hour):      "in less than a day",
		now.Add(24 * time.Hour):      "in 1 day",
		now.Add(45*24*time.Hour + 1): "in 45 days",
	} {
		if got := live.ExpiryWords(exp, now); got != want {
			t.Errorf("ExpiryWords(%v) = %q, want %q", exp.Sub(now), got, want)
		}
	}
}

// Every page's inputs come from course.toml; the Go code names no section.
func TestPagesDeclared(t *testing.T) {
	t.Parallel()
	m := livetest.Machine(t)
	var checks, fields, pickers, syncs int
	for _, sc := range m.Screens() {
		p, ok := live.PageOf(m, sc)
		if !ok {
			continue
		}
		if p.Check {
			checks++
			if len(p.IDs) == 0 {
				t.Errorf("%s: no checks", sc.Key)
			}
		}
		fields += len(p.Fields)
		if p.VaultPicker {
			pickers++
		}
		if p.Sync {
			syncs++
		}
	}
	if checks != 3 || pickers != 1 || syncs != 1 || fields == 0 {
		t.Errorf("checks %d, pickers %d, syncs %d, fields %d", checks, pickers, syncs, fields)
	}
	bad := *m.Course
	bad.Sections = append([]steps.Section(nil), m.Course.Sections...)
	bad.Sections[0].Check.Practice = []string{"no.such.action"}
	if err := live.ValidateCourse(&bad); err == nil {
		t.Error("an unknown practice action passed")
	}
}

func practiceSession(t *testing.T, scenario string) *live.Session {
	t.Helper()
	s, _ := livetest.Session(t, live.Options{Given: steps.Connection{Kind: steps.ConnPractice, Scenario: scenario}})
	j := s.Begin()
	if j == nil {
		t.Fatal("no practice start")
	}
	s.Drive(j, nil)
	if st := s.Status(); st.StartErr != nil || st.Starting {
		t.Fatalf("start: %+v", st)
	}
	return s
}

// A healthy practice tenant: every check page passes, results land in the
// saved state, and the rows derive from it.
func TestHealthyRunSavesResults(t *testing.T) {
	t.Parallel()
	s := practiceSession(t, "healthy")
	m := s.Machine()
	for sec := range 2 {
		livetest.Goto(t, s, livetest.CheckScreen(m, sec))
		rows := livetest.Run(t, s)
		tl := live.TallyRows(rows)
		if tl.Failed > 0 || tl.NotRun > 0 {
			for _, r := range rows {
				t.Logf("%s %s %s", r.Status, r.ID, r.CauseDetail())
			}
			t.Fatalf("section %d: %s", sec+1, tl.Words())
		}
		for _, r := range rows {
			if mark, ok := s.State().Checks[r.ID]; !ok || mark.Status != r.Status {
				t.Errorf("%s: row %s, saved %+v", r.ID, r.Status, mark)
			}
		}
	}
	if vs, listed := s.Vaults(); !listed || len(vs) == 0 {
		t.Errorf("vaults %v listed %v", vs, listed)
	}
}

// Section 3: the compare uses the password typed, not the last one synced;
// a sync happens only on Sync.
func TestCompareUsesTypedPassword(t *testing.T) {
	t.Parallel()
	s := practiceSession(t, "healthy")
	livetest.Goto(t, s, livetest.CheckScreen(s.Machine(), 2))
	if _, err := s.Sync(); err == nil {
		t.Fatal("a sync ran without a password")
	}
	if err := s.SetField(steps.FieldPassword, "right-one"); err != nil {
		t.Fatal(err)
	}
	rows := livetest.Run(t, s)
	if v := rowByID(rows, "mapping.value"); v.Status != steps.StatusFail {
		t.Fatalf("before the sync, mapping.value = %s %s", v.Status, v.CauseDetail())
	}
	j, err := s.Sync()
	if err != nil {
		t.Fatal(live.Words(err))
	}
	s.Drive(j, nil)
	if r, ok := s.SyncRow(); !ok || r.Status != steps.StatusPass {
		t.Fatalf("sync row %+v", r)
	}
	if v := rowByID(livetest.Run(t, s), "mapping.value"); v.Status != steps.StatusPass {
		t.Fatalf("after the sync, mapping.value = %s %s", v.Status, v.CauseDetail())
	}
	// Typing another password (no Save) is what the next compare uses.
	if err := s.SetField(steps.FieldPassword, "wrong-one"); err != nil {
		t.Fatal(err)
	}
	if v := rowByID(livetest.Run(t, s), "mapping.value"); v.Status != steps.StatusFail {
		t.Fatalf("a wrong typed password: mapping.value = %s", v.Status)
	}
}

// A practice action: its state shows beside it, it changes the tenant, the
// page's checks run again, and a refusal is typed and worded once.
func TestPracticeActionFixesNoVaultRead(t *testing.T) {
	t.Parallel()
	s := practiceSession(t, "no-vault-read")
	livetest.Goto(t, s, livetest.CheckScreen(s.Machine(), 1))
	rows := livetest.Run(t, s)
	if live.TallyRows(rows).AllPassed() {
		t.Fatal("no-vault-read passed")
	}
	acts := s.Actions()
	if len(acts) == 0 || !acts[0].Near {
		t.Fatalf("actions %+v", acts)
	}
	var reader live.Action
	for _, a := range acts {
		if a.ID == "role.reader.assign" {
			reader = a
		}
	}
	if reader.State != "Reader: not assigned" {
		t.Errorf("Reader's state %q", reader.State)
	}
	j, err := s.Act("role.reader.assign")
	if err != nil {
		t.Fatal(err)
	}
	var acted *live.Acted
	s.Drive(j, func(m live.Msg) {
		if a, ok := m.(*live.Acted); ok {
			acted = a
		}
	})
	if acted == nil || acted.Err != nil || !strings.Contains(acted.Text, "Reader") {
		t.Fatalf("acted %+v", acted)
	}
	p, _ := s.Page()
	if tl := live.TallyRows(s.Rows(p.IDs)); tl.Failed > 0 || tl.NotRun > 0 {
		t.Errorf("after Reader: %s", tl.Words())
	}
	j, _ = s.Act("role.reader.assign")
	s.Drive(j, func(m live.Msg) {
		if a, ok := m.(*live.Acted); ok {
			acted = a
		}
	})
	var re *live.RefusedError
	if !errors.As(acted.Err, &re) || !strings.HasPrefix(live.Words(acted.Err), "The portal would refuse: The role assignment already exists") {
		t.Errorf("second assign: %v / %q", acted.Err, live.Words(acted.Err))
	}
}

// Watch: runs until all pass, with a countdown; a cancelled run's late
// results are dropped.
func TestWatchUntilAllPass(t *testing.T) {
	t.Parallel()
	ticks := make(chan time.Time)
	s, _ := livetest.Session(t, live.Options{Given: steps.Connection{Kind: steps.ConnPractice, Scenario: "no-vault-read"},
		After: func(time.Duration) <-chan time.Time { return ticks }})
	s.Drive(s.Begin(), nil)
	livetest.Goto(t, s, livetest.CheckScreen(s.Machine(), 1))
	j, err := s.Watch()
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	finished := 0
	go func() {
		s.Drive(j, func(m live.Msg) {
			if _, ok := m.(*live.Finished); ok {
				finished++
			}
		})
		close(done)
	}()
	deadline := time.After(30 * time.Second)
	for !s.Status().Watching || s.Status().Running {
		select {
		case <-deadline:
			t.Fatal("the watch never waited")
		case <-time.After(5 * time.Millisecond):
		}
	}
	if st := s.Status(); st.NextRun <= 0 || st.NextRun > live.WatchInterval {
		t.Errorf("countdown %v", st.NextRun)
	}
	tenant := live.Tenant(practiceOf(t, s))
	if err := tenant.AssignRole(tenant.Info().ClientID, "Reader", "vault"); err != nil {
		t.Fatal(err)
	}
	ticks <- time.Now()
	select {
	case <-done:
	case <-deadline:
		t.Fatal("the watch did not end when all passed")
	}
	if finished != 2 || s.Status().Watching {
		t.Errorf("finished %d runs, watching %v", finished, s.Status().Watching)
	}
}

func practiceOf(t *testing.T, s *live.Session) live.Practice {
	t.Helper()
	p := live.PracticeOf(s)
	if p == nil {
		t.Fatal("no practice tenant")
	}
	return p
}

func rowByID(rows []live.Row, id string) live.Row {
	for _, r := range rows {
		if r.ID == id {
			return r
		}
	}
	return live.Row{}
}

// A value the saved connection cannot hold is refused with words, and
// nothing changes; a secret never reaches the saved state.
func TestSetFieldRefusesAndKeepsSecretsInMemory(t *testing.T) {
	t.Parallel()
	s, sv := livetest.Session(t, live.Options{Given: steps.Connection{Kind: steps.ConnTenant,
		TenantID: "11111111-2222-3333-4444-555555555555", ClientID: "66666666-7777-8888-9999-000000000000"}})
	s.Begin()
	err := s.SetField(steps.FieldVault, "kv\x1b[2Jprod")
	var fe *live.FieldError
	if !errors.As(err, &fe) || fe.Field != steps.FieldVault {
		t.Fatalf("a bad vault: %v", err)
	}
	_ = s.SetField(steps.FieldMapUsername, "yes")
	if err := s.SetField(steps.FieldUsername, "bob\x1b[2J"); !errors.As(err, &fe) || !strings.Contains(live.Words(err), "control characters") {
		t.Fatalf("control characters: %v", err)
	}
	if v := s.State().Connection.Vault; v != "" {
		t.Errorf("vault kept %q", v)
	}
	if err := s.SetField(steps.FieldCloud, "mars"); !errors.As(err, &fe) {
		t.Errorf("cloud mars: %v", err)
	}
	if err := s.SetField(steps.FieldClientSecret, " abc~defghijklmnopqrstuvwxyz0123456789AB "); err != nil {
		t.Fatal(err)
	}
	if err := s.SetField(steps.FieldPassword, "hunter2-delinea"); err != nil {
		t.Fatal(err)
	}
	_ = s.SetField(steps.FieldVault, "kv-prod")
	last, n := sv.Last()
	if n == 0 || last.Connection.Vault != "kv-prod" {
		t.Fatalf("saved %d times, %+v", n, last.Connection)
	}
	raw := fmt.Sprintf("%+v", last)
	if strings.Contains(raw, "abc~def") || strings.Contains(raw, "hunter2") {
		t.Error("a secret reached the saved state")
	}
	for _, f := range s.Fields(live.Page{Fields: []string{steps.FieldClientSecret, steps.FieldPassword}}) {
		if strings.Contains(f.Value, "def") || strings.Contains(f.Value, "hunter") {
			t.Errorf("%s shows %q", f.Name, f.Value)
		}
	}
}

// A fix with two ways marks the second as the alternative; a fix of one
// way has no alternative at all.
func TestFixLinesMarkAlternatives(t *testing.T) {
	t.Parallel()
	two := live.RowOf(azure.Result{ID: "vault.permission-model", Status: azure.StatusFail, Fix: &azure.Fix{
		Summary: "Switch the vault to RBAC, or give the app an access policy.",
		Ways: []azure.Way{{Text: "Switch to RBAC", Cost: "other apps' policies stop working", Az: []string{"az keyvault update"}},
			{Text: "Add an access policy", Cost: "none", Az: []string{"az keyvault set-policy"}}}}})
	lines := two.FixLines()
	var alts, ways int
	for _, l := range lines {
		if l.Kind == "way" {
			ways++
		}
		if l.Alternative {
			alts++
			if l.Way != 1 {
				t.Errorf("alternative on way %d: %+v", l.Way, l)
			}
		}
	}
	if ways != 2 || alts != 2 || lines[0].Kind != "do" {
		t.Errorf("lines %+v", lines)
	}
	one := live.RowOf(azure.Result{ID: "x", Status: azure.StatusWarn, Fix: &azure.Fix{Summary: "Do it.", Az: []string{"az a"}}})
	for _, l := range one.FixLines() {
		if l.Alternative || l.Kind == "way" {
			t.Errorf("one way: %+v", l)
		}
	}
	if pass := live.RowOf(azure.Result{ID: "x", Status: azure.StatusPass, Fix: &azure.Fix{Summary: "x"}}); pass.FixLines() != nil {
		t.Error("a pass shows a fix")
	}
}
