package live

import (
	"strings"
	"testing"

	"github.com/kvbridge/kvbridge/steps/azure"
)

// A check page names its fields, not doctor's flags; doctor's own text (RowOf)
// keeps the flags, which is what its reader types.
func TestPageRowNamesFieldsNotFlags(t *testing.T) {
	r := azure.Result{ID: "delinea.mapped-secret", Status: azure.StatusSkip, Cause: azure.CauseNotAsked,
		Detail: "Nothing to check: no mapped secret was named (--mapped-secret)."}
	if got, want := pageRow(r).Detail, `Nothing to check: no mapped secret was named (the "Mapped secret" field).`; got != want {
		t.Errorf("page detail %q, want %q", got, want)
	}
	if got := RowOf(r).Detail; !strings.Contains(got, "(--mapped-secret)") {
		t.Errorf("doctor's detail lost its flag: %q", got)
	}
	for flag, name := range flagFields {
		if _, ok := fieldTable[name]; !ok {
			t.Errorf("flag %s maps to field %q, which has no label", flag, name)
		}
	}
	if got := pageWords("check the domain (--delinea-domain)"); got != "check the domain (--delinea-domain)" {
		t.Errorf("a flag with no field changed: %q", got)
	}
}
