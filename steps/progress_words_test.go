package steps_test

import (
	"testing"
	"time"

	"github.com/kvbridge/kvbridge/steps"
)

// Every front end says a duration in these words.
func TestDurationWords(t *testing.T) {
	for d, want := range map[time.Duration]string{
		20 * time.Second:            "under a minute",
		time.Minute:                 "1 minute",
		42 * time.Minute:            "42 minutes",
		time.Hour:                   "1 hour",
		2*time.Hour + 5*time.Minute: "2 hours 5 minutes",
		time.Hour + 29*time.Second:  "1 hour",
		time.Hour + 1*time.Minute:   "1 hour 1 minute",
	} {
		if got := steps.DurationWords(d); got != want {
			t.Errorf("DurationWords(%v) = %q, want %q", d, got, want)
		}
	}
}
