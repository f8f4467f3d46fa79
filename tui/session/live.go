package session

import (
	"time"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/azure"
	"github.com/kvbridge/kvbridge/steps/azure/sandbox"
	"github.com/kvbridge/kvbridge/steps/live"
)

// Live is what both runners need to check the trainee's work against a
// tenant. cmd/kvbridge builds it; a nil *Live means the course runs offline.
// Only the wiring behind these functions knows whether a tenant is the
// practice one: the runners ask Practice != nil solely to offer practice actions.
type Live struct {
	// Initial is the connection given on the command line or by AZURE_*
	// variables. It prefills the connection form and, when Kind is set
	// (--sandbox, or --tenant with --client-id), skips the question of
	// which tenant to use.
	Initial steps.Connection
	// Secret is AZURE_CLIENT_SECRET when set: memory only, never saved.
	Secret string
	// StartPractice starts the in-process practice tenant for a scenario
	// ("" means healthy). The runner closes it on exit.
	// (the seed picks the mystery scenario's fault; 0 picks at random and the
	// tenant's Info says which seed it used, saved with the progress).
	StartPractice func(scenario string, seed int64) (*sandbox.Tenant, error)
	// Config builds the checks' configuration for a connection and secret:
	// cloud, endpoints, extra CAs, and, for practice, the tenant's transport.
	Config func(c steps.Connection, secret string, practice *sandbox.Tenant) azure.Config
	// Wiring is how the live session (steps/live) reaches a tenant: both
	// runners run on it. Its StartPractice nil means no practice tenant in
	// this build. The fields above are what doctor's wiring still shares.
	Wiring live.Wiring
	// Observe sees every accepted change of the live session (a trainer's room
	// reports progress from here); nil for none.
	Observe func(live.Note)
}

const (
	// WatchInterval is how often a watch re-runs a page's checks.
	WatchInterval = 15 * time.Second
	// DefaultSecretName is the guide's example Azure secret name.
	DefaultSecretName = "Prod-VM-Admin-Pass"
)

// RunTally counts a run of a page's checks: those that passed (or had
// nothing to compare), those that failed, and whether every one passed
// (what ends a watch).
func RunTally(ids []string, result func(id string) (azure.Result, bool)) (passed, failed int, all bool) {
	all = true
	for _, id := range ids {
		r, ok := result(id)
		switch {
		case ok && (steps.CheckMark{Status: string(r.Status), Cause: r.Cause}).Passed():
			passed++
		case ok && r.Status == azure.StatusFail:
			failed++
			all = false
		default:
			all = false
		}
	}
	return passed, failed, all
}
