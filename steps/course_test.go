package steps_test

import (
	"strings"
	"testing"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/stepstest"
)

func TestParseCourseRejects(t *testing.T) {
	good := stepstest.Course
	if _, err := steps.ParseCourse(good); err != nil {
		t.Fatalf("fixture rejected: %v", err)
	}
	tests := map[string]struct{ from, to, want string }{
		"duplicate task id":   {`id = "1B.1"`, `id = "1A.1"`, `"1A.1" is used twice`},
		"empty task text":     {`text = "Add a secret"`, `text = "  "`, "task 1B.1: text is empty"},
		"unknown callout":     {`kind = "critical"`, `kind = "shout"`, `callout kind "shout"`},
		"section id order":    {`id = "3"`, `id = "7"`, `section 3: id is "7"`},
		"long tab label":      {`short = "Bridge"`, `short = "A very long label"`, "longer than 12"},
		"diagram self link":   {`from = 0, to = 1`, `from = 1, to = 1`, "two different parties"},
		"lesson without ids":  {`ids = ["mapping.secret"]`, `ids = []`, "check ids"},
		"bad kind":            {`kind = "review"`, `kind = "recap"`, `kind "recap"`},
		"unknown key":         {`overview = "Why sync."`, "overview = \"Why sync.\"\nextra = 1", "unknown keys"},
		"empty field value":   {`value = "GUID"`, `value = ""`, "empty name or value"},
		"empty summary cell":  {`detail = "Single tenant"`, `detail = ""`, "empty cell"},
		"duplicate ack":       {`id = "ack.two"`, `id = "ack.one"`, `"ack.one" is used twice`},
		"no completion title": {`title = "Done"`, `title = ""`, "completion screen"},
		"broken toml":         {`[[section]]`, `[[section`, "course:"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			src := strings.Replace(good, tc.from, tc.to, 1)
			if src == good {
				t.Fatalf("the test's replacement %q did not apply", tc.from)
			}
			_, err := steps.ParseCourse(src)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}

// A check page's declarations are validated on load: unknown fields, a
// username without its mapping, a sync without a secret name.
func TestCourseRejectsBadPageDeclarations(t *testing.T) {
	c, err := steps.LoadCourse()
	if err != nil {
		t.Fatal(err)
	}
	for name, mod := range map[string]func(*steps.Check){
		"unknown field":         func(k *steps.Check) { k.Fields = []string{"colour"} },
		"username alone":        func(k *steps.Check) { k.Fields = []string{steps.FieldSecretName, steps.FieldUsername} },
		"sync without a name":   func(k *steps.Check) { k.Fields, k.Sync = nil, true },
		"practice listed twice": func(k *steps.Check) { k.Practice = []string{"a", "a"} },
	} {
		bad := *c
		bad.Sections = append([]steps.Section(nil), c.Sections...)
		mod(&bad.Sections[2].Check)
		if err := bad.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
