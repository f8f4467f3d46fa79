package session

import (
	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/live"
)

// Live is what both runners need to check the trainee's work against a
// tenant. cmd/kvbridge builds it; a nil *Live means the course runs offline.
// Only the wiring knows how a practice tenant is reached.
type Live struct {
	// Initial is the connection given on the command line or by AZURE_*
	// variables. It prefills the connection form and, when Kind is set
	// (--sandbox, or --tenant with --client-id), skips the question of
	// which tenant to use.
	Initial steps.Connection
	// Secret is AZURE_CLIENT_SECRET when set: memory only, never saved.
	Secret string
	// Wiring is how the live session (steps/live) reaches a tenant: both
	// runners run on it. Its StartPractice nil means no practice tenant in
	// this build.
	Wiring live.Wiring
	// Observe sees every accepted change of the live session (a trainer's room
	// reports progress from here); nil for none.
	Observe func(live.Note)
}
