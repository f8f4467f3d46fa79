package live

import "github.com/kvbridge/kvbridge/steps/azure/sandbox"

// Scenario is a practice scenario as a chooser lists it.
type Scenario struct {
	Name, Title, Teaches string
	// Expect says what the checks find: "all checks pass", "arm.vaults
	// fails: none-listed", or, for the mystery, to see the answer key.
	Expect string
}

// Scenarios are the practice tenant's scenarios, healthy first, so that a
// front end can offer them without knowing the sandbox.
func Scenarios() []Scenario {
	var out []Scenario
	for _, s := range sandbox.Scenarios() {
		expect := "all checks pass"
		switch {
		case s.ExpectCheck != "":
			expect = s.ExpectCheck + " fails: " + s.ExpectCause
		case s.Name == "mystery":
			expect = "see the answer key"
		}
		out = append(out, Scenario{Name: s.Name, Title: s.Title, Teaches: s.Teaches, Expect: expect})
	}
	return out
}
