package room

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kvbridge/kvbridge/steps/azure"
	"github.com/kvbridge/kvbridge/steps/azure/sandbox"
)

func startRoom(t *testing.T, seats int, plan string, seed int64) *Room {
	t.Helper()
	r, err := Start(Options{Seats: seats, Plan: plan, Seed: seed, StatePath: filepath.Join(t.TempDir(), "room.json")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func join(t *testing.T, r *Room, name string) *Seat {
	t.Helper()
	s, err := JoinRoom(context.Background(), r.Join(), name, "")
	if err != nil {
		t.Fatalf("join as %s: %v", name, err)
	}
	t.Cleanup(s.Close)
	return s
}

func fastRetry(cfg *azure.Config) {
	cfg.Retry.MaxRetries = 1
	cfg.Retry.RetryDelay = time.Millisecond
	cfg.Retry.MaxRetryDelay = 10 * time.Millisecond
}

func runChecks(t *testing.T, s *Seat) *azure.Report {
	t.Helper()
	cfg := s.Config()
	fastRetry(&cfg)
	sess, err := azure.NewSession(cfg)
	if err != nil {
		t.Fatal(err)
	}
	rep := sess.Run(context.Background(), nil, nil)
	if _, err := s.Report(context.Background(), Progress{Checks: ChecksOf(rep)}); err != nil {
		t.Fatalf("report: %v", err)
	}
	return rep
}

func failing(rep *azure.Report) (string, string) {
	for _, r := range rep.Results {
		if r.Status == azure.StatusFail {
			return r.ID, r.Cause
		}
	}
	return "", ""
}

// The real SDK clients run every check against a seat's tenant through the room: the
// healthy seat passes; the trainer closes its firewall and the next run fails on
// vault.network with cause firewall; the report shows it failed.
func TestSeatChecksThroughRoomAndTrainerBreak(t *testing.T) {
	r := startRoom(t, 2, "healthy", 1)
	s := join(t, r, "Ada")
	rep := runChecks(t, s)
	if !rep.OK() {
		id, cause := failing(rep)
		t.Fatalf("healthy seat failed %s (%s)", id, cause)
	}
	if _, err := r.Break(s.Info.Seat, "close-firewall", nil); err != nil {
		t.Fatal(err)
	}
	rep = runChecks(t, s)
	if res, _ := rep.Result("vault.network"); res.Status != azure.StatusFail || res.Cause != "firewall" {
		t.Fatalf("after close-firewall vault.network is %s (%s), want fail (firewall)", res.Status, res.Cause)
	}
	v := r.Seats()[s.Info.Seat-1]
	if v.Name != "Ada" || v.FailingCheck != "vault.network" || v.FailingCause != "firewall" {
		t.Fatalf("dashboard row = %+v", v)
	}
	sr := r.Report().Seats[s.Info.Seat-1]
	if !strings.Contains(strings.Join(sr.Checks.Failed, ","), "vault.network") {
		t.Fatalf("report's failed checks = %v", sr.Checks.Failed)
	}
}

// Every fault of the trainer's list makes a healthy seat's checks fail where Breaks says.
func TestBreaksFailWhereTheySay(t *testing.T) {
	bs := Breaks()
	r := startRoom(t, len(bs), "healthy", 1)
	for _, b := range bs {
		if b.Check == "" {
			continue
		}
		t.Run(b.Name, func(t *testing.T) {
			s := join(t, r, b.Name)
			if _, err := r.Break(s.Info.Seat, b.Name, nil); err != nil {
				t.Fatal(err)
			}
			rep := runChecks(t, s)
			res, ok := rep.Result(b.Check)
			if !ok || res.Status != azure.StatusFail || res.Cause != b.Cause {
				id, cause := failing(rep)
				t.Fatalf("%s: %s = %+v (first failure %s %s), want fail %s", b.Name, b.Check, res.Status, id, cause, b.Cause)
			}
		})
	}
}

// One seat's token and credentials reach only its own tenant.
func TestSeatsAreIsolated(t *testing.T) {
	r := startRoom(t, 2, "healthy", 1)
	a, b := join(t, r, "a"), join(t, r, "b")
	// b's credentials through a's seat: a's tenant does not know b's app.
	cfg := a.Config()
	cfg.TenantID, cfg.ClientID, cfg.ClientSecret = b.Info.Practice.TenantID, b.Info.Practice.ClientID, b.Info.Practice.ClientSecret
	fastRetry(&cfg)
	sess, err := azure.NewSession(cfg)
	if err != nil {
		t.Fatal(err)
	}
	rep := sess.Run(context.Background(), []string{"auth.token"}, nil)
	if res, _ := rep.Result("auth.token"); res.Status != azure.StatusFail {
		t.Fatalf("b's credentials on a's seat: auth.token = %s, want fail", res.Status)
	}
	// No seat token: refused before any tenant sees it.
	resp, err := a.HTTPClient().Get("https://management.azure.com/subscriptions?api-version=2022-12-01")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	req, _ := http.NewRequest(http.MethodGet, "https://management.azure.com/subscriptions?api-version=2022-12-01", nil)
	resp, err = (&http.Client{Transport: a.azure}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("no seat token: %d, want 401", resp.StatusCode)
	}
	// A seat cannot read its tenant's answer key.
	req, _ = http.NewRequest(http.MethodGet, "https://login.microsoftonline.com/_sandbox/answer-key", nil)
	resp, err = a.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("seat reading the answer key: %d, want 403", resp.StatusCode)
	}
}

func TestWrongCodeRefusedAndRateLimited(t *testing.T) {
	r := startRoom(t, 1, "healthy", 1)
	j := r.Join()
	j.Code = "aaaa-aaaa-aaaa-aaaa"
	var e *APIError
	for i := 0; i < 5; i++ {
		_, err := JoinRoom(context.Background(), j, "x", "")
		if !errors.As(err, &e) || e.Code != "WrongCode" {
			t.Fatalf("try %d: %v, want WrongCode", i, err)
		}
	}
	_, err := JoinRoom(context.Background(), j, "x", "")
	if !errors.As(err, &e) || e.Status != http.StatusTooManyRequests {
		t.Fatalf("sixth wrong code: %v, want 429", err)
	}
	// The right code from the same address is limited too until the wait is over.
	if _, err := JoinRoom(context.Background(), r.Join(), "y", ""); !errors.As(err, &e) || e.Status != http.StatusTooManyRequests {
		t.Fatalf("right code while limited: %v", err)
	}
}

func TestWrongPinRefused(t *testing.T) {
	r := startRoom(t, 1, "healthy", 1)
	j := r.Join()
	j.Pin = Fingerprint([]byte("not the room's CA"))
	_, err := JoinRoom(context.Background(), j, "x", "")
	if !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), "pin") {
		t.Fatalf("wrong pin: %v", err)
	}
}

func TestBadInputKeepsRoomUp(t *testing.T) {
	r := startRoom(t, 2, "healthy", 1)
	s := join(t, r, "ok")
	var e *APIError
	if _, err := JoinRoom(context.Background(), r.Join(), "OK", ""); !errors.As(err, &e) || e.Code != "NameTaken" {
		t.Fatalf("same name again: %v", err)
	}
	if _, err := JoinRoom(context.Background(), r.Join(), "bad\x1b[2Jname", ""); !errors.As(err, &e) || e.Code != "BadName" {
		t.Fatalf("control characters in a name: %v", err)
	}
	big := Progress{Checks: make([]CheckResult, 0, 3000)}
	for i := 0; i < 3000; i++ {
		big.Checks = append(big.Checks, CheckResult{ID: strings.Repeat("x", 40), Status: "pass"})
	}
	if _, err := s.Report(context.Background(), big); !errors.As(err, &e) || e.Status != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized progress: %v", err)
	}
	pct := 140
	if _, err := s.Report(context.Background(), Progress{Percent: &pct}); !errors.As(err, &e) || e.Code != "BadProgress" {
		t.Fatalf("percent 140: %v", err)
	}
	if _, err := r.Break(9, "close-firewall", nil); err == nil || !strings.Contains(err.Error(), "seats 1 to 2") {
		t.Fatalf("seat 9: %v", err)
	}
	if _, err := r.Break(1, "no-such-thing", nil); err == nil {
		t.Fatal("unknown fault accepted")
	}
	for _, bad := range []string{"", "https://x", "kvbridge://h:1/abc/def", "kvbridge://h/abcd-efgh-ijkm-npqr/" + PinString(make([]byte, PinBytes))} {
		if _, err := ParseJoin(bad); err == nil {
			t.Errorf("ParseJoin(%q) accepted", bad)
		}
	}
	if _, err := s.Report(context.Background(), Progress{Section: "1"}); err != nil {
		t.Fatalf("the room is down after bad input: %v", err)
	}
}

// A restarted room loses nothing: the seat rejoins with its token, progress is kept,
// the state file is the trainer's alone and holds no seat token.
func TestRestartKeepsSeats(t *testing.T) {
	path := filepath.Join(t.TempDir(), "room.json")
	r, err := Start(Options{Seats: 2, Plan: "mix", Seed: 3, StatePath: path})
	if err != nil {
		t.Fatal(err)
	}
	s, err := JoinRoom(context.Background(), r.Join(), "Grace", "")
	if err != nil {
		t.Fatal(err)
	}
	pct := 40
	if _, err := s.Report(context.Background(), Progress{Section: "2", Percent: &pct}); err != nil {
		t.Fatal(err)
	}
	join1, before := r.Join(), r.Seats()
	r.Close()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("state file mode %v", fi.Mode().Perm())
	}
	data, _ := os.ReadFile(path)
	if strings.Contains(string(data), s.Info.Token) {
		t.Fatal("the state file holds a seat token")
	}
	r2, err := Start(Options{StatePath: path, Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Close()
	if r2.Join().String() != join1.String() {
		t.Fatalf("join string changed across a restart: %s -> %s", join1, r2.Join())
	}
	back, err := JoinRoom(context.Background(), r2.Join(), "", s.Info.Token)
	if err != nil {
		t.Fatalf("rejoin with token: %v", err)
	}
	defer back.Close()
	if back.Info.Seat != s.Info.Seat || back.Info.Practice.ClientID != s.Info.Practice.ClientID {
		t.Fatalf("rejoined seat %d (%s), want %d (%s)", back.Info.Seat, back.Info.Practice.ClientID, s.Info.Seat, s.Info.Practice.ClientID)
	}
	after := r2.Seats()
	if after[0].Percent != 40 || after[0].Name != "Grace" || after[0].Answer != before[0].Answer {
		t.Fatalf("after restart: %+v", after[0])
	}
	rep := runChecks(t, back)
	if id, _ := failing(rep); id == "" {
		t.Fatal("a mix seat's tenant passed every check after the restart; its fault was lost")
	}
}

func TestMysterySeedDealsTheSameRoom(t *testing.T) {
	a := startRoom(t, 6, "mystery", 7)
	b := startRoom(t, 6, "mystery", 7)
	c := startRoom(t, 6, "mystery", 8)
	same := true
	for i, va := range a.Seats() {
		vb, vc := b.Seats()[i], c.Seats()[i]
		if va.Answer.Scenario != vb.Answer.Scenario || va.Answer.Scenario == "" || va.Answer.Scenario == "mystery" {
			t.Fatalf("seat %d: %q and %q", i+1, va.Answer.Scenario, vb.Answer.Scenario)
		}
		same = same && va.Answer.Scenario == vc.Answer.Scenario
	}
	if same {
		t.Fatal("seeds 7 and 8 dealt the same six mysteries")
	}
}

func TestReportJSONShape(t *testing.T) {
	r := startRoom(t, 2, "healthy", 1)
	s := join(t, r, "Lin")
	pct := 50
	q := &QuizScore{Correct: 2, Answered: 3, Total: 9, Missed: []string{"q-1-2"}}
	if _, err := s.Report(context.Background(), Progress{Section: "1", Percent: &pct, Quiz: q, Checks: []CheckResult{{ID: "auth.token", Status: "fail", Cause: "secret-expired"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Report(context.Background(), Progress{Section: "2", Checks: []CheckResult{{ID: "auth.token", Status: "pass"}}}); err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(r.Report())
	var got struct {
		Seats []map[string]any `json:"seats"`
		Room  map[string]any   `json:"room"`
	}
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"seat", "name", "scenario", "percent", "quiz", "checks"} {
		if _, ok := got.Seats[0][k]; !ok {
			t.Errorf("seat lacks %q: %s", k, data)
		}
	}
	rep := r.Report()
	s0 := rep.Seats[0]
	if s0.Name != "Lin" || s0.Percent != 50 || s0.Quiz.Correct != 2 || len(s0.Checks.Fixed) != 1 || s0.Checks.Fixed[0] != "auth.token" {
		t.Fatalf("seat report %+v", s0)
	}
	if len(rep.Room.MissedQuestions) != 1 || rep.Room.FailedChecks[0].ID != "auth.token" {
		t.Fatalf("room summary %+v", rep.Room)
	}
	if strings.Contains(string(data), s.Info.Practice.ClientSecret) || strings.Contains(string(data), s.Info.Token) {
		t.Fatal("the report holds a seat secret")
	}
	var csv strings.Builder
	if err := rep.WriteCSV(&csv); err != nil || !strings.Contains(csv.String(), "1,Lin,healthy,50") {
		t.Fatalf("csv: %v\n%s", err, csv.String())
	}
}

// A mixed room deals only faults a seat can find: a seat checks with typed values and no
// Secret Server, so a Delinea-side fault (delinea-typo) would look like a healthy tenant,
// while value-drift (found by mapping.value) stays in the deal.
func TestMixDealsOnlyFaultsASeatCanFind(t *testing.T) {
	exp := map[string]string{}
	for _, s := range sandbox.Scenarios() {
		exp[s.Name] = s.ExpectCheck
	}
	seen := map[string]bool{}
	for seed := int64(1); seed <= 40; seed++ {
		deals, err := PlanSeats(PlanMix, 20, seed)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range deals {
			seen[d.Scenario] = true
			if strings.HasPrefix(exp[d.Scenario], "delinea.") {
				t.Fatalf("seed %d: mix dealt %s, whose fault (%s) a seat cannot see", seed, d.Scenario, exp[d.Scenario])
			}
		}
	}
	if !seen["value-drift"] || !seen["firewall"] {
		t.Fatalf("mix should still deal value-drift and firewall; dealt %v", seen)
	}
}
