package sandbox

import "fmt"

// Refusal is a practice action the tenant will not do, for the reason the
// portal would give (a role already assigned, an unknown vault). Front ends
// show Reason; Error keeps the package prefix for logs.
type Refusal struct {
	Reason string
}

func (r *Refusal) Error() string { return "sandbox: " + r.Reason }

func refuse(format string, a ...any) error {
	return &Refusal{Reason: fmt.Sprintf(format, a...)}
}
