package sandbox

import (
	"testing"
	"time"
)

// TestStartIsFast holds Start to its budget: the CA, certificates and listeners, with
// the RSA key made in the background. Generous bound, for slow CI under -race.
func TestStartIsFast(t *testing.T) {
	t0 := time.Now()
	ten, err := Start(Options{Wiring: Loopback, Scenario: "healthy"})
	must(t, err)
	d := time.Since(t0)
	defer ten.Close()
	if d > 500*time.Millisecond {
		t.Fatalf("Start took %s", d)
	}
	t.Logf("Start: %s", d)
}
