package room

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/kvbridge/kvbridge/steps/azure/sandbox"
)

// Plans besides a scenario's name.
const (
	PlanMix     = "mix"     // the broken scenarios dealt round the room
	PlanMystery = "mystery" // each seat a mystery, picked from the room's seed
)

// Deal is what one seat's tenant is built as.
type Deal struct {
	Scenario string `json:"scenario"` // a sandbox scenario ("mystery" included)
	Seed     int64  `json:"seed,omitempty"`
}

// MaxSeats bounds a room; a seat costs a practice tenant (about a megabyte).
const MaxSeats = 500

// randomSeed is a positive seed for a room that was given none; it is recorded in the
// state, so even an unseeded room can be dealt again.
func randomSeed() int64 {
	var b [8]byte
	_, _ = rand.Read(b[:])
	if s := int64(binary.LittleEndian.Uint64(b[:]) >> 1); s != 0 {
		return s
	}
	return 1
}

// brokenScenarios are the scenarios with a fault to find, in the sandbox's order. A
// fault only Delinea's side shows (delinea.*) is left out: a seat checks through the
// room with typed values and no Secret Server, so its every check would pass.
func brokenScenarios() []string {
	var out []string
	for _, s := range sandbox.Scenarios() {
		if s.ExpectCheck != "" && s.Name != PlanMystery && !strings.HasPrefix(s.ExpectCheck, "delinea.") {
			out = append(out, s.Name)
		}
	}
	return out
}

// seatSeed derives seat i's seed from the room's (splitmix64), so neighbouring seats of
// a mystery room get unrelated picks and the same room seed deals the same room.
func seatSeed(room int64, i int) int64 {
	z := uint64(room) + uint64(i+1)*0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	z ^= z >> 31
	if s := int64(z >> 1); s != 0 {
		return s
	}
	return 1
}

// PlanSeats deals a room of n seats: a scenario's name gives every seat that scenario;
// mix deals the broken scenarios round the room from an offset the seed picks; mystery
// gives each seat a mystery with its own seed derived from the room's. seed must be
// non-zero (see randomSeed).
func PlanSeats(plan string, n int, seed int64) ([]Deal, error) {
	if n < 1 || n > MaxSeats {
		return nil, fmt.Errorf("a room has 1 to %d seats, not %d", MaxSeats, n)
	}
	deals := make([]Deal, n)
	switch plan = strings.ToLower(strings.TrimSpace(plan)); plan {
	case PlanMix:
		pool := brokenScenarios()
		off := int(uint64(seed) % uint64(len(pool)))
		for i := range deals {
			deals[i] = Deal{Scenario: pool[(off+i)%len(pool)]}
		}
	case PlanMystery:
		for i := range deals {
			deals[i] = Deal{Scenario: PlanMystery, Seed: seatSeed(seed, i)}
		}
	default:
		ok := false
		var names []string
		for _, s := range sandbox.Scenarios() {
			ok = ok || s.Name == plan
			names = append(names, s.Name)
		}
		if !ok {
			return nil, fmt.Errorf("unknown scenario plan %q: use mix, mystery or a scenario (%s)", plan, strings.Join(names, ", "))
		}
		for i := range deals {
			deals[i] = Deal{Scenario: plan}
		}
	}
	return deals, nil
}
