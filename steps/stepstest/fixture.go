// Package stepstest gives tests a tiny but complete course, so they do not
// depend on the wording of the real one.
package stepstest

import (
	"testing"

	"github.com/kvbridge/kvbridge/quiz"
	"github.com/kvbridge/kvbridge/steps"
)

// Course is a tiny but complete course: two steps in section 1, one
// step in sections 2 and 3, and a review. Tests use it so they do not depend
// on the wording of the real course.
const Course = `
title = "Fixture"
subtitle = "A small course"
parties = ["Delinea", "App", "Vault"]

[[section]]
id = "1"
kind = "lesson"
title = "Identity"
short = "Identity"
overview = "Why identity."
diagram = { from = 1, to = 2, label = "role" }
check = { title = "Token", explains = "Gets a token.", ids = ["auth.token"] }
  [[section.step]]
  id = "1A"
  title = "Register"
    [[section.step.task]]
    id = "1A.1"
    text = "Open the portal"
    [[section.step.task]]
    id = "1A.2"
    text = "Register the app"
    callout = [{ kind = "critical", text = "Copy the value." }]
  [[section.step]]
  id = "1B"
  title = "Secret"
    [[section.step.task]]
    id = "1B.1"
    text = "Add a secret"

[[section]]
id = "2"
kind = "lesson"
title = "Bridge"
short = "Bridge"
overview = "Why the bridge."
diagram = { from = 0, to = 1, label = "credential" }
check = { title = "Vaults", explains = "Lists vaults.", ids = ["arm.vaults", "data.secrets"] }
  [[section.step]]
  id = "2A"
  title = "Link"
  fields = { title = "Fields", columns = ["Field", "Example"], row = [{ name = "Client ID", value = "GUID" }] }
    [[section.step.task]]
    id = "2A.1"
    text = "Create the link"

[[section]]
id = "3"
kind = "lesson"
title = "Sync"
short = "Sync"
overview = "Why sync."
diagram = { from = 0, to = 2, label = "sync" }
check = { title = "Mapping", explains = "Reads the secret.", ids = ["mapping.secret"] }
  [[section.step]]
  id = "3A"
  title = "Map"
    [[section.step.task]]
    id = "3A.1"
    text = "Map the password"

[[section]]
id = "4"
kind = "review"
title = "Review"
short = "Review"
overview = "All of it."
summary = [{ step = "1A", action = "Register", detail = "Single tenant" }]
troubleshooting = { kind = "tip", text = "Check the role." }
maintenance = { kind = "note", text = "Rotate the secret." }
ack = [{ id = "ack.one", text = "I get it" }, { id = "ack.two", text = "I really do" }]
completion = { title = "Done", text = "Well done." }
`

// Bank is the fixture question bank: three questions per lesson.
const Bank = `
[[question]]
id = "q1"
section = 1
from_guide = true
prompt = "Why write?"
option = [
  { text = "Rotation writes back", correct = true, explain = "Yes." },
  { text = "Reading is enough", explain = "No." },
  { text = "Looks", explain = "No." },
]
[[question]]
id = "q1b"
section = 1
prompt = "Value or ID?"
option = [
  { text = "ID", explain = "No." },
  { text = "Value", correct = true, explain = "Yes." },
  { text = "Both", explain = "No." },
]
[[question]]
id = "q1c"
section = 1
prompt = "How long?"
option = [
  { text = "Forever", explain = "No." },
  { text = "24 months at most in the portal", correct = true, explain = "Yes." },
  { text = "A day", explain = "No." },
]
[[question]]
id = "q2"
section = 2
from_guide = true
prompt = "Credential?"
option = [
  { text = "Identity", correct = true, explain = "Yes." },
  { text = "Vault", explain = "No." },
  { text = "Nothing", explain = "No." },
]
[[question]]
id = "q2b"
section = 2
prompt = "Empty dropdown?"
option = [
  { text = "Wait", explain = "No." },
  { text = "Reader missing", correct = true, explain = "Yes." },
  { text = "Reboot", explain = "No." },
]
[[question]]
id = "q2c"
section = 2
prompt = "Model?"
option = [
  { text = "RBAC", correct = true, explain = "Yes." },
  { text = "None", explain = "No." },
  { text = "Both", explain = "No." },
]
[[question]]
id = "q3"
section = 3
from_guide = true
prompt = "Password maps to?"
option = [
  { text = "Tag", explain = "No." },
  { text = "Name", explain = "No." },
  { text = "Value", correct = true, explain = "Yes." },
]
[[question]]
id = "q3b"
section = 3
prompt = "Name rules?"
option = [
  { text = "Underscores ok", explain = "No." },
  { text = "Letters digits dashes", correct = true, explain = "Yes." },
  { text = "Anything", explain = "No." },
]
[[question]]
id = "q3c"
section = 3
prompt = "Deleted name?"
option = [
  { text = "Reusable", explain = "No." },
  { text = "Recover or purge", correct = true, explain = "Yes." },
  { text = "Gone", explain = "No." },
]
`

// Machine returns a machine over the fixture course.
func Machine(t testing.TB) *steps.Machine {
	t.Helper()
	c, err := steps.ParseCourse(Course)
	if err != nil {
		t.Fatal(err)
	}
	b, err := quiz.Parse(Bank)
	if err != nil {
		t.Fatal(err)
	}
	return steps.NewMachine(c, b)
}
