package wrap

import (
	"strings"
	"testing"
)

// TestWrapKeepsHyphenatedWordsWhole: a GUID or a secret name that fits on a
// line is never split at its hyphens; a word too long for any line still is.
func TestWrapKeepsHyphenatedWordsWhole(t *testing.T) {
	got := Text("Entra ID issued a token (tenant 72f988bf-86f1-41af-91ab-2d7cd011db47)", 45)
	if len(got) != 2 || got[1] != "72f988bf-86f1-41af-91ab-2d7cd011db47)" {
		t.Errorf("%q", got)
	}
	got = Text("id xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", 30)
	if len(got) != 2 || got[0] != "id xxxxxxxx-xxxx-xxxx-xxxx-" {
		t.Errorf("a long word does not break at its hyphens: %q", got)
	}
}

func TestWrapLongPathBreaksAtSlashes(t *testing.T) {
	scope := "/subscriptions/72f988bf-86f1-41af-91ab-2d7cd011db47/resourceGroups/rg-delinea-practice/providers/Microsoft.KeyVault/vaults/kv-prod"
	lines := Text("--scope "+scope, 40)
	joined := ""
	for _, l := range lines {
		if len([]rune(l)) > 40 {
			t.Errorf("line too long: %q", l)
		}
		joined += l
	}
	for _, whole := range []string{"72f988bf-86f1-41af-91ab-2d7cd011db47", "rg-delinea-practice", "Microsoft.KeyVault"} {
		found := false
		for _, l := range lines {
			if strings.Contains(l, whole) {
				found = true
			}
		}
		if !found {
			t.Errorf("%q split across lines: %q", whole, lines)
		}
	}
	if !strings.Contains(strings.ReplaceAll(joined, " ", ""), strings.ReplaceAll("--scope"+scope, " ", "")) {
		t.Errorf("text lost: %q", lines)
	}
}
