package azure

import (
	"strings"
	"testing"
	"time"
)

// A secret that expired 12 hours ago has expired (it fails); one that ends in
// 12 hours expires "in less than a day", never "in 0 days".
func TestExpiryResultWords(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	rs := &runState{s: &Session{cfg: Config{Now: func() time.Time { return now }}}}
	past := expiryResult(rs, now.Add(-12*time.Hour), "given")
	if past.Status != StatusFail || !strings.Contains(past.Title, "has expired") {
		t.Errorf("12 h ago: %s %q", past.Status, past.Title)
	}
	soon := expiryResult(rs, now.Add(12*time.Hour), "given")
	if soon.Status != StatusWarn || !strings.Contains(soon.Title, "in less than a day") {
		t.Errorf("in 12 h: %s %q", soon.Status, soon.Title)
	}
	for _, r := range []Result{past, soon, expiryResult(rs, now.Add(24*time.Hour+time.Minute), "given"), expiryResult(rs, now.Add(90*24*time.Hour), "given")} {
		if strings.Contains(r.Title, "in 0 days") || strings.Contains(r.Title, "1 days") {
			t.Errorf("title %q", r.Title)
		}
	}
}
