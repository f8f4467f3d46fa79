package live

import "github.com/kvbridge/kvbridge/steps/azure/sandbox"

// Scenario is a practice scenario as a chooser lists it.
type Scenario struct {
	Name, Title, Teaches string
}

// Scenarios are the practice tenant's scenarios, healthy first, so that a
// front end can offer them without knowing the sandbox.
func Scenarios() []Scenario {
	var out []Scenario
	for _, s := range sandbox.Scenarios() {
		out = append(out, Scenario{Name: s.Name, Title: s.Title, Teaches: s.Teaches})
	}
	return out
}
