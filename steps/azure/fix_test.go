package azure

import (
	"reflect"
	"testing"
)

func TestCommandQuotesEachValue(t *testing.T) {
	scope := Cmd("az", "keyvault", "show", "--name", "kv-(x)", "--query", "id", "-o", "tsv")
	c := Cmd("az", "role", "assignment", "create", "--role", "Key Vault Secrets Officer", "--scope", scope, "--tags", "username=a b")
	want := `az role assignment create --role 'Key Vault Secrets Officer' --scope "$(az keyvault show --name 'kv-(x)' --query id -o tsv)" --tags 'username=a b'`
	if got := c.String(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestFixOfAlternatives(t *testing.T) {
	f := fixOf("s", "p", way("a", "costs A", Cmd("az", "one")), way("b", "costs B", Cmd("az", "two"), Cmd("az", "three")))
	if !f.Alternatives() || !reflect.DeepEqual(f.Az, []string{"az one", "az two", "az three"}) || f.Ways[1].Cost != "costs B" {
		t.Errorf("%+v", f)
	}
	if g := fixWith("s", "", Cmd("az", "one")); g.Alternatives() || g.Ways != nil || len(g.Az) != 1 {
		t.Errorf("one way: %+v", g)
	}
}

func TestGroupFixes(t *testing.T) {
	a, b := fixWith("A", "", Cmd("az", "a")), fixWith("B", "", Cmd("az", "b"))
	same := fixWith("A", "", Cmd("az", "a")) // equal to a, another pointer
	got := GroupFixes([]Result{
		{ID: "one", Status: StatusFail, Fix: a},
		{ID: "two", Status: StatusPass, Fix: b}, // passed: its fix is not needed
		{ID: "three", Status: StatusWarn, Fix: b},
		{ID: "four", Status: StatusFail, Fix: same},
		{ID: "five", Status: StatusSkip, Fix: a},
	})
	if len(got) != 2 || !reflect.DeepEqual(got[0].Checks, []string{"one", "four"}) || !reflect.DeepEqual(got[1].Checks, []string{"three"}) {
		t.Errorf("%+v", got)
	}
}
