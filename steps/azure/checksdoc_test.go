package azure

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// checksTable is the catalogue as docs/CHECKS.md shows it.
func checksTable() string {
	var b strings.Builder
	b.WriteString("| ID | proves | causes |\n|----|--------|--------|\n")
	for _, c := range Catalogue {
		causes := make([]string, len(c.Causes))
		for i, x := range c.Causes {
			causes[i] = "`" + x + "`"
		}
		b.WriteString("| `" + c.ID + "` | " + c.Title + " | " + strings.Join(causes, ", ") + " |\n")
	}
	return b.String()
}

// docs/CHECKS.md lists exactly the catalogue: every ID, its title and its
// causes, in order. KVBRIDGE_UPDATE_DOCS=1 rewrites the table.
func TestChecksDoc(t *testing.T) {
	path := filepath.Join("..", "..", "docs", "CHECKS.md")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "<!-- catalogue: generated from steps/azure/catalogue.go -->\n", "<!-- end of catalogue -->"
	doc := string(data)
	i, j := strings.Index(doc, begin), strings.Index(doc, end)
	if i < 0 || j < i {
		t.Fatalf("%s lacks the catalogue markers", path)
	}
	for _, c := range GenericCauses {
		if !strings.Contains(doc, "- `"+c+"`") {
			t.Errorf("%s does not explain the generic cause %s", path, c)
		}
	}
	want := checksTable()
	got := doc[i+len(begin) : j]
	if got == want {
		return
	}
	if os.Getenv("KVBRIDGE_UPDATE_DOCS") != "" {
		if err := os.WriteFile(path, []byte(doc[:i+len(begin)]+want+doc[j:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s's catalogue differs from catalogue.go; KVBRIDGE_UPDATE_DOCS=1 rewrites it.\nwant:\n%s", path, want)
}
