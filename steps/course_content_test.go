package steps

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/kvbridge/kvbridge/steps/facts"
)

// loadCourse loads the embedded course or stops the test.
func loadCourse(t *testing.T) *Course {
	t.Helper()
	c, err := LoadCourse()
	if err != nil {
		t.Fatalf("LoadCourse: %v", err)
	}
	return c
}

// stepText joins everything a trainee reads in one step: intro, tasks,
// callouts and field list.
func stepText(st Step) string {
	var b strings.Builder
	b.WriteString(st.Title + "\n" + st.Intro + "\n")
	for _, t := range st.Tasks {
		b.WriteString(t.Text + "\n")
		for _, co := range t.Callouts {
			b.WriteString(co.Text + "\n")
		}
	}
	if f := st.Fields; f != nil {
		b.WriteString(f.Title + "\n")
		for _, r := range f.Rows {
			b.WriteString(r.Name + "\t" + r.Value + "\t" + r.Note + "\n")
		}
	}
	return b.String()
}

func allSteps(c *Course) map[string]Step {
	out := map[string]Step{}
	for _, s := range c.Sections {
		for _, st := range s.Steps {
			out[st.ID] = st
		}
	}
	return out
}

func TestCourseShape(t *testing.T) {
	c := loadCourse(t)
	wantParties := []string{"Delinea Secret Server", "App Registration (service principal)", "Azure Key Vault"}
	for i, p := range wantParties {
		if c.Parties[i] != p {
			t.Errorf("party %d = %q, want %q", i, c.Parties[i], p)
		}
	}
	wantSteps := [][]string{{"1A", "1B", "1C"}, {"2A", "2B"}, {"3A", "3B", "3C"}, nil}
	wantKind := []string{SectionLesson, SectionLesson, SectionLesson, SectionReview}
	for i, s := range c.Sections {
		if s.Kind != wantKind[i] {
			t.Errorf("section %s kind = %q, want %q", s.ID, s.Kind, wantKind[i])
		}
		var got []string
		for _, st := range s.Steps {
			got = append(got, st.ID)
			for j, task := range st.Tasks {
				if want := st.ID + "." + string(rune('1'+j)); task.ID != want {
					t.Errorf("task %q in step %s: want id %q", task.ID, st.ID, want)
				}
				if n := len(task.Text); n > 160 {
					t.Errorf("task %s text is %d bytes, keep it under 160", task.ID, n)
				}
			}
		}
		if strings.Join(got, ",") != strings.Join(wantSteps[i], ",") {
			t.Errorf("section %s steps = %v, want %v", s.ID, got, wantSteps[i])
		}
	}
}

func TestCourseSummaryRows(t *testing.T) {
	c := loadCourse(t)
	rows := c.Sections[3].Summary
	want := []string{"1A", "1B", "1C", "2A", "2B", "3A", "3B", "3C"}
	if len(rows) != len(want) {
		t.Fatalf("summary has %d rows, want %d", len(rows), len(want))
	}
	for i, r := range rows {
		if !strings.HasPrefix(r.Step, want[i]+" ") {
			t.Errorf("summary row %d step = %q, want it to start with %q", i, r.Step, want[i])
		}
	}
}

// TestCourseCoversGuide asserts that every task, note, warning, tip and field
// list of the training guide has a place in its step, in the guide's order.
func TestCourseCoversGuide(t *testing.T) {
	c := loadCourse(t)
	steps := allSteps(c)
	guide := map[string][]string{
		"1A": {"Microsoft Entra ID", "App registrations", "New registration", "delinea-keyvault-connector",
			"organizational directory only"},
		"1B": {"Certificates & secrets", "New client secret", "6 or 12 months", "Value", "masks", "exactly once",
			"password manager"},
		"1C": {"Key Vault resource", "Access control (IAM)", "Add role assignment", "Key Vault Secrets Officer",
			"writes the new value back", "Application (Client) ID", "Directory (Tenant) ID", "Overview"},
		"2A": {"Azure App Registration template", "Application (Client) ID", "Directory (Tenant) ID",
			"Client Secret Value", "prove"},
		"2B": {"Administration", "External Secrets", "Integration", "Create External Vault Link",
			"Provider", "Azure Key Vault", "Credential Secret", "Vault Selection", "dropdown",
			"Dropdown empty", "filled dropdown"},
		"3A": {"Add External Secret", "Vault Link", "Secret Name in Azure", "Prod-VM-Admin-Pass"},
		"3B": {"Password", "Value", "always required", "Username", "username", "Save"},
		"3C": {"Azure portal", "Secrets", "current password", "whole chain"},
	}
	for id, phrases := range guide {
		st, ok := steps[id]
		if !ok {
			t.Errorf("step %s is missing", id)
			continue
		}
		text := stepText(st)
		at := 0
		for _, p := range phrases {
			i := strings.Index(text[at:], p)
			if i < 0 {
				t.Errorf("step %s: %q is missing or out of the guide's order", id, p)
				continue
			}
			at += i
		}
	}
}

func TestCourseCalloutsBesideTheirTasks(t *testing.T) {
	c := loadCourse(t)
	steps := allSteps(c)
	cases := []struct {
		task, kind, phrase string
	}{
		{"1B.3", KindNote, "masks the Value"},
		{"1B.3", KindCritical, "exactly once"},
		{"1C.3", KindNote, "writes the new value back"},
		{"1C.6", KindNote, "three values"},
		{"1C.6", KindFact, "Correction to the guide"},
		{"1C.6", KindFact, "Object ID"},
		{"1A.1", KindFact, "Role Based Access Control Administrator"},
		{"2B.4", KindFact, "smallest scope"},
		{"2A.2", KindNote, "prove"},
		{"2B.4", KindTip, "Dropdown empty"},
		{"2B.4", KindNote, "filled dropdown"},
		{"3A.3", KindNote, "Prod-VM-Admin-Pass"},
		{"3B.1", KindNote, "always required"},
		{"3C.2", KindNote, "whole chain"},
	}
	for _, tc := range cases {
		st := steps[tc.task[:2]]
		found := false
		for _, task := range st.Tasks {
			if task.ID != tc.task {
				continue
			}
			for _, co := range task.Callouts {
				if co.Kind == tc.kind && strings.Contains(co.Text, tc.phrase) {
					found = true
				}
			}
		}
		if !found {
			t.Errorf("task %s: no %s callout containing %q", tc.task, tc.kind, tc.phrase)
		}
	}
}

func TestCourseFieldLists(t *testing.T) {
	c := loadCourse(t)
	steps := allSteps(c)
	cred := steps["2A"].Fields
	if cred == nil || len(cred.Rows) != 3 {
		t.Fatalf("2A needs a field list with the template's three fields, got %+v", cred)
	}
	for i, want := range []string{"Application (Client) ID", "Directory (Tenant) ID", "Client Secret Value"} {
		if cred.Rows[i].Name != want {
			t.Errorf("2A field %d = %q, want %q", i, cred.Rows[i].Name, want)
		}
	}
	mapping := steps["3B"].Fields
	if mapping == nil || len(mapping.Rows) != 2 {
		t.Fatalf("3B needs the two-row field mapping, got %+v", mapping)
	}
	if r := mapping.Rows[0]; r.Name != "Password" || r.Value != "Value" || !strings.Contains(r.Note, "always") {
		t.Errorf("3B row 1 = %+v, want Password -> Value (always)", r)
	}
	if r := mapping.Rows[1]; r.Name != "Username" || !strings.Contains(r.Value, "username") || !strings.Contains(r.Note, "optional") {
		t.Errorf("3B row 2 = %+v, want Username -> tag username (optional)", r)
	}
}

func TestCourseFacts(t *testing.T) {
	c := loadCourse(t)
	var facts []string
	for _, s := range c.Sections {
		for _, st := range s.Steps {
			for _, task := range st.Tasks {
				for _, co := range task.Callouts {
					if co.Kind == KindFact {
						facts = append(facts, co.Text)
					}
				}
			}
		}
	}
	// Each fact callout starts with its short basis tag.
	for _, f := range facts {
		ok := false
		for _, b := range factsTags() {
			ok = ok || strings.HasPrefix(f, b+": ")
		}
		if !ok {
			t.Errorf("fact callout does not start with its basis tag: %q", f)
		}
	}
	want := []struct {
		what string
		all  []string
	}{
		{"listing vaults may need Reader", []string{"Reader", "Microsoft.KeyVault/vaults/read", "vaults/*/read"}},
		{"the role needs the RBAC permission model", []string{"permission model", "access-policy"}},
		{"role assignments take time", []string{"10 minutes"}},
		{"client secret lifetime", []string{"In the portal", "24 months", "less than 12", "Microsoft Graph"}},
		{"access policies are supported", []string{"either RBAC or access policies"}},
		{"what an access policy needs", []string{"get, list, set and delete", "AccessDenied or ForbiddenByPolicy"}},
		{"Reader's least privilege", []string{"Reader at subscription scope", "Least privilege", "smallest scope"}},
		{"Secret ID vs Value", []string{"Secret ID", "AADSTS7000215"}},
		{"secret name rules", []string{"1-127", "case-insensitive", "Prod_VM"}},
		{"soft delete", []string{"soft delete", "recovered or purged"}},
		{"value size", []string{"25 KB"}},
		{"tag limits", []string{"15 tags", "256"}},
		{"sync on save is unverified", []string{"Not documented: ", "saving the external secret syncs it is the guide's description"}},
	}
	for _, w := range want {
		found := false
		for _, f := range facts {
			all := true
			for _, p := range w.all {
				all = all && strings.Contains(f, p)
			}
			found = found || all
		}
		if !found {
			t.Errorf("no fact callout on %s (wants %q)", w.what, w.all)
		}
	}
}

func TestCourseReview(t *testing.T) {
	c := loadCourse(t)
	r := c.Sections[3]
	if r.Troubleshooting.Kind != KindTip || r.Maintenance.Kind != KindNote {
		t.Errorf("troubleshooting kind %q, maintenance kind %q; want tip and note", r.Troubleshooting.Kind, r.Maintenance.Kind)
	}
	for _, p := range []string{"Tenant ID", "expired", "tenant", "Reader", "10 minutes", "2B.4"} {
		if !strings.Contains(r.Troubleshooting.Text, p) {
			t.Errorf("troubleshooting tip does not mention %q", p)
		}
	}
	for _, p := range []string{"1B", "AADSTS7000222", "reminder"} {
		if !strings.Contains(r.Maintenance.Text, p) {
			t.Errorf("maintenance note does not mention %q", p)
		}
	}
	var ids []string
	for _, a := range r.Acks {
		ids = append(ids, a.ID)
	}
	if got := strings.Join(ids, ","); got != "ack.flow,ack.role,ack.expiry" {
		t.Errorf("acknowledgements = %s", got)
	}
}

func TestCourseChecksUseCatalogue(t *testing.T) {
	c := loadCourse(t)
	catalogue := map[string]bool{}
	for _, id := range []string{"input.tenant-id", "input.client-id", "input.client-secret", "auth.token",
		"arm.subscriptions", "arm.vaults", "vault.permission-model", "vault.network", "rbac.secrets-write",
		"data.secrets", "mapping.name", "mapping.secret", "mapping.tag", "mapping.value", "credential.expiry",
		// Delinea's side, read through Secret Server's documented API.
		"delinea.auth", "delinea.credential-secret", "delinea.typed-values", "delinea.mapped-secret"} {
		catalogue[id] = true
	}
	for _, s := range c.Sections[:3] {
		for _, id := range s.Check.IDs {
			if !catalogue[id] {
				t.Errorf("section %s: check id %q is not in the catalogue (docs/CHECKS.md)", s.ID, id)
			}
		}
	}
}

// TestCourseText keeps the text plain: ASCII punctuation, no emoji, no
// trailing spaces, no leftovers from the guide's layout.
func TestCourseText(t *testing.T) {
	for i, line := range strings.Split(courseTOML, "\n") {
		for _, r := range line {
			if r > 0x7e && r != '→' {
				t.Errorf("course.toml line %d: non-ASCII rune %q", i+1, r)
			}
		}
		if strings.TrimRight(line, " \t") != line {
			t.Errorf("course.toml line %d: trailing whitespace", i+1)
		}
	}
}

func factsTags() []string { return facts.Tags }

// tagRank orders the basis tags from strongest to weakest.
func tagRank(tag string) int {
	for i, t := range facts.Tags {
		if t == tag {
			return i
		}
	}
	return -1
}

// A fact callout that joins shared facts leads with the weakest basis among them:
// a Verified tag must not lend its weight to an inference behind it.
func TestFactCalloutTagIsTheWeakest(t *testing.T) {
	var raw Course
	if _, err := toml.Decode(courseTOML, &raw); err != nil {
		t.Fatal(err)
	}
	for _, s := range raw.Sections {
		for _, st := range s.Steps {
			for _, task := range st.Tasks {
				for _, co := range task.Callouts {
					refs := facts.Refs(co.Text)
					if co.Kind != KindFact || len(refs) == 0 {
						if co.Kind != KindFact && strings.Contains(co.Text, "{fact+:") {
							t.Errorf("task %s: a %s callout carries a basis tag; make it a fact callout", task.ID, co.Kind)
						}
						continue
					}
					lead := strings.SplitN(co.Text, ":", 2)[0]
					if strings.HasPrefix(co.Text, "{fact+:") {
						lead = facts.Get(refs[0]).Basis
					}
					weakest := lead
					for _, id := range refs {
						if b := facts.Get(id).Basis; tagRank(b) > tagRank(weakest) {
							weakest = b
						}
					}
					if tagRank(lead) < 0 || weakest != lead {
						t.Errorf("task %s: callout leads with %q but refers to a fact marked %q: %s", task.ID, lead, weakest, co.Text)
					}
				}
			}
		}
	}
}

// TestCourseNoDoubledPunctuation reads every string of the course after its
// shared facts are filled in: a fact ends with its own full stop, and where it
// is inserted before the sentence's own punctuation the join must not show both.
func TestCourseNoDoubledPunctuation(t *testing.T) {
	c, err := LoadCourse()
	if err != nil {
		t.Fatal(err)
	}
	bad := regexp.MustCompile(`[.?!]\)?[.,;:?!]|\.\.|,[.,]`)
	n := 0
	var walk func(where string, v reflect.Value)
	walk = func(where string, v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer:
			if !v.IsNil() {
				walk(where, v.Elem())
			}
		case reflect.Struct:
			for i := range v.NumField() {
				if v.Type().Field(i).IsExported() {
					walk(where+"."+v.Type().Field(i).Name, v.Field(i))
				}
			}
		case reflect.Slice, reflect.Array:
			for i := range v.Len() {
				walk(fmt.Sprintf("%s[%d]", where, i), v.Index(i))
			}
		case reflect.String:
			n++
			s := v.String()
			if strings.Contains(s, "{fact") {
				t.Errorf("%s: placeholder left unfilled: %q", where, s)
			}
			for _, m := range bad.FindAllStringIndex(s, -1) {
				if strings.Contains(s[m[0]:m[1]], "...") || strings.HasPrefix(s[max(0, m[0]-1):], "...") {
					continue // an ellipsis is meant
				}
				lo, hi := max(0, m[0]-40), min(len(s), m[1]+10)
				t.Errorf("%s: doubled punctuation %q in %q", where, s[m[0]:m[1]], s[lo:hi])
			}
		}
	}
	walk("course", reflect.ValueOf(c))
	if n < 100 {
		t.Fatalf("walked only %d strings; the course did not load as expected", n)
	}
}
