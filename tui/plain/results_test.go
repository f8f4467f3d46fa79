package plain

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kvbridge/kvbridge/steps/azure"
	"github.com/kvbridge/kvbridge/steps/azure/sandbox"
	"github.com/kvbridge/kvbridge/steps/live"
	"github.com/kvbridge/kvbridge/tui/internal/wrap"
)

func TestWriteScenariosNamesEveryScenario(t *testing.T) {
	var b strings.Builder
	WriteScenarios(&b, live.Scenarios())
	out := b.String()
	for _, s := range sandbox.Scenarios() {
		if !strings.Contains(out, s.Name+" ") || !strings.Contains(out, wrap.Text(s.Teaches, 70)[0]) {
			t.Errorf("list lacks %s", s.Name)
		}
	}
	for _, l := range strings.Split(out, "\n") {
		if len([]rune(l)) > 92 {
			t.Errorf("line too long for a terminal: %q", l)
		}
	}
}

func TestResultWriter(t *testing.T) {
	rep := &azure.Report{Results: []azure.Result{
		{ID: "auth.token", Status: azure.StatusPass, Title: "Entra ID issued a token"},
		{ID: "arm.vaults", Status: azure.StatusFail, Cause: "none-listed", Title: "Delinea's vault dropdown will be empty",
			Detail:   strings.Repeat("The permissions API shows data actions but no read. ", 4),
			Evidence: azure.Evidence{HTTPStatus: 403, RequestID: "5e1f-77aa"},
			Fix:      &azure.Fix{Summary: "Assign Reader.", Portal: "Key vaults › kv › IAM", Az: []string{"az role assignment create --role Reader --scope /subscriptions/x/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv"}}},
		{ID: "mapping.tag", Status: azure.StatusSkip, Cause: "not-asked", Title: "Not asked", Detail: "Nothing to check."},
	}}
	for _, tc := range []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"utf-8", map[string]string{"LANG": "en_GB.UTF-8"}, []string{"✓ pass  auth.token", "✗ fail  arm.vaults", "– skip  mapping.tag"}},
		{"no locale", nil, []string{"[ok] pass  auth.token", "[XX] fail  arm.vaults"}},
		{"dumb terminal", map[string]string{"LANG": "C.UTF-8", "TERM": "dumb"}, []string{"[ok] pass"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			p := NewResultWriter(&b, func(k string) string { return tc.env[k] })
			for _, r := range rep.Results {
				p.Result(r)
			}
			p.Fixes(rep)
			p.Summary(rep, 1500*time.Millisecond, false)
			out := b.String()
			for _, w := range append(tc.want, "        none-listed: The permissions API", "How to fix:",
				"  1. Assign Reader.\n     Fixes arm.vaults (none-listed).\n", "     $ az role assignment create --role Reader --scope /subscriptions/x/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv",
				"Evidence: HTTP 403 · request 5e1f-77aa",
				"3 checks: 1 passed, 1 failed, 1 skipped (not asked), in 1.5 s") {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if strings.Contains(out, "\x1b") {
				t.Error("escape codes written to a buffer")
			}
			if strings.Contains(out, "mapping.tag (") {
				t.Error("a skipped check got a fix")
			}
			for _, l := range strings.Split(out, "\n") {
				if !strings.Contains(l, "$ az") && len([]rune(l)) > 100 {
					t.Errorf("line over 100 columns: %q", l)
				}
			}
		})
	}
}

// The same fix found by several checks is written once, naming them; a fix
// with alternatives marks them "Either"/"or", each with its cost; checks that
// did not run because one failed are one line naming it.
func TestResultWriterGroupsAndFolds(t *testing.T) {
	reader := &azure.Fix{Summary: "Assign Reader.", Az: []string{"az role assignment create --role Reader"}}
	choice := &azure.Fix{Summary: "Switch or add a policy.", Az: []string{"az keyvault update", "az keyvault set-policy"},
		Ways: []azure.Way{{Text: "Switch to RBAC", Cost: "other apps' access policies stop applying", Az: []string{"az keyvault update"}},
			{Text: "Add a policy", Cost: "nothing", Az: []string{"az keyvault set-policy"}}}}
	rep := &azure.Report{Results: []azure.Result{
		{ID: "auth.token", Status: azure.StatusPass},
		{ID: "arm.vaults", Status: azure.StatusFail, Cause: "none-listed", Fix: reader},
		{ID: "vault.permission-model", Status: azure.StatusFail, Cause: "access-policies", Fix: choice},
		{ID: "data.secrets", Status: azure.StatusFail, Cause: "forbidden-by-access-policy", Fix: choice},
		{ID: "rbac.secrets-write", Status: azure.StatusWarn, Cause: "no-read", Fix: reader},
		{ID: "mapping.secret", Status: azure.StatusSkip, BlockedBy: "data.secrets", Title: "Not run: data.secrets did not pass"},
		{ID: "mapping.tag", Status: azure.StatusSkip, BlockedBy: "mapping.secret", Title: "Not run: mapping.secret did not pass"},
	}}
	var b bytes.Buffer
	p := NewResultWriter(&b, func(string) string { return "" })
	for _, r := range rep.Results {
		p.Result(r)
	}
	p.NotRun(rep)
	p.Fixes(rep)
	out := b.String()
	for _, w := range []string{
		"[--] skip  2 checks not run because data.secrets failed (forbidden-by-access-policy): mapping.secret,\n        mapping.tag.\n",
		"  1. Assign Reader.\n     Fixes arm.vaults (none-listed), rbac.secrets-write (no-read).\n     $ az role assignment create --role Reader\n",
		"  2. Switch or add a policy.\n     Fixes vault.permission-model (access-policies), data.secrets (forbidden-by-access-policy).\n" +
			"     Either: Switch to RBAC\n       Cost: other apps' access policies stop applying\n       $ az keyvault update\n" +
			"     or: Add a policy\n       Cost: nothing\n       $ az keyvault set-policy\n",
	} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	if strings.Count(out, "Assign Reader.") != 1 || strings.Count(out, "$ az keyvault update") != 1 || strings.Contains(out, "Not run:") {
		t.Errorf("a fix or a skipped check written twice:\n%s", out)
	}
}

// A tenant with hundreds of vaults gets the first few, the target among them,
// and a count of the rest.
func TestResultWriterBoundsTheVaultList(t *testing.T) {
	rep := &azure.Report{Results: []azure.Result{{ID: "arm.vaults", Status: azure.StatusPass}}}
	for i := range 300 {
		rep.Vaults = append(rep.Vaults, azure.VaultInfo{Name: fmt.Sprintf("kv-%03d", i), SubscriptionID: "sub", ResourceGroup: "rg", Target: i == 250})
	}
	var b bytes.Buffer
	NewResultWriter(&b, func(string) string { return "" }).Vaults(rep)
	out := b.String()
	if !strings.Contains(out, "kv-250  ← the vault checked") || !strings.Contains(out, "… and 280 more (doctor --json lists them all)") ||
		strings.Contains(out, "kv-019") || strings.Count(out, "\n") > 50 {
		t.Errorf("vault list:\n%s", out)
	}
}

// Doctor's text fits a terminal narrower than 100 columns instead of being broken a
// second time by it; a pipe (width 0) and a wide terminal get 100.
func TestResultWidthFollowsANarrowTerminal(t *testing.T) {
	for term, want := range map[int]int{0: 100, 200: 100, 100: 100, 80: 80, 72: 72, 40: 60} {
		if got := resultWidth(term); got != want {
			t.Errorf("resultWidth(%d) = %d, want %d", term, got, want)
		}
	}
}
