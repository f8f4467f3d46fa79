//go:build race

package azure_test

// raceEnabled: timing budgets are not asserted under the race detector (5-10x slower).
const raceEnabled = true
