package live_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/kvbridge/kvbridge/steps/live"
)

// An error carrying what a server said (a Delinea message, a proxy's error
// page) reaches the screen without anything the terminal would act on.
func TestWordsCleansServerText(t *testing.T) {
	err := fmt.Errorf("delinea: %w", errors.New("Login failed\x1b[2J\x1b]52;c;cm0gLXJm\x07\u202e\nforged line"))
	got := live.Words(err)
	if strings.ContainsAny(got, "\x1b\x07\n\u202e") {
		t.Errorf("Words = %q", got)
	}
	if !strings.Contains(got, "Login failed") {
		t.Errorf("Words lost the message: %q", got)
	}
}
