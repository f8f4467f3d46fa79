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
