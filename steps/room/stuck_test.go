package room

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// A seat is marked stuck after the same failure three runs in a row, or after
// StuckAfter without progress; progress clears the mark.
func TestStuck(t *testing.T) {
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	r, err := Start(Options{Seats: 1, Plan: "healthy", Seed: 1, StatePath: filepath.Join(t.TempDir(), "room.json"), StuckAfter: 5 * time.Minute, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	s := join(t, r, "Sam")
	fail := Progress{Checks: []CheckResult{{ID: "arm.vaults", Status: "fail", Cause: "target-not-listed"}}}
	for i := 1; i <= 3; i++ {
		if _, err := s.Report(context.Background(), fail); err != nil {
			t.Fatal(err)
		}
		if got := r.Seats()[0].Stuck; (i < 3) != (got == "") {
			t.Fatalf("after %d identical failures: stuck %q", i, got)
		}
	}
	if got := r.Seats()[0].Stuck; !strings.Contains(got, "arm.vaults failed 3 times in a row") {
		t.Fatalf("stuck %q", got)
	}
	pct := 30
	if _, err := s.Report(context.Background(), Progress{Percent: &pct, Checks: []CheckResult{{ID: "arm.vaults", Status: "pass"}}}); err != nil {
		t.Fatal(err)
	}
	if got := r.Seats()[0].Stuck; got != "" {
		t.Fatalf("after a fix: stuck %q", got)
	}
	advance(6 * time.Minute)
	if got := r.Seats()[0].Stuck; got != "no progress for 6 min" {
		t.Fatalf("after 6 idle minutes: stuck %q", got)
	}
	if idle := r.Seats()[0].IdleSeconds; idle < 360 {
		t.Fatalf("idle %d s", idle)
	}
	// Time goes to the section the trainee was in.
	if _, err := s.Report(context.Background(), Progress{Section: "2"}); err != nil {
		t.Fatal(err)
	}
	advance(2 * time.Minute)
	pct = 60
	if _, err := s.Report(context.Background(), Progress{Section: "3", Percent: &pct}); err != nil {
		t.Fatal(err)
	}
	rep := r.Report()
	if len(rep.Room.SectionTime) != 1 || rep.Room.SectionTime[0].Section != "2" || rep.Room.SectionTime[0].MeanS != 120 {
		t.Fatalf("section times %+v", rep.Room.SectionTime)
	}
}
