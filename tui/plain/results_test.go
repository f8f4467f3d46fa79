package plain

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/kvbridge/kvbridge/steps/azure"
	"github.com/kvbridge/kvbridge/steps/azure/sandbox"
	"github.com/kvbridge/kvbridge/tui/internal/wrap"
)

func TestWriteScenariosNamesEveryScenario(t *testing.T) {
	var b strings.Builder
	WriteScenarios(&b, sandbox.Scenarios())
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
			Detail: strings.Repeat("The permissions API shows data actions but no read. ", 4),
			Fix:    &azure.Fix{Summary: "Assign Reader.", Portal: "Key vaults › kv › IAM", Az: []string{"az role assignment create --role Reader --scope /subscriptions/x/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv"}}},
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
				"  arm.vaults (none-listed): Assign Reader.", "    $ az role assignment create --role Reader --scope /subscriptions/x/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv",
				"1 passed, 0 with warnings, 1 failed, 1 skipped in 1.5s") {
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
