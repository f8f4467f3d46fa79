// Package steps holds the course as data, the state machine that walks it,
// the progress meter derived from that state, and the saved progress.
// It never imports a terminal UI library: the TUI and the plain runner both
// drive it through Apply.
package steps

import (
	_ "embed"
	"fmt"
	"reflect"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/kvbridge/kvbridge/steps/facts"
)

//go:embed course.toml
var courseTOML string

// Callout kinds. The UI marks each with words and a symbol, never colour alone.
const (
	KindNote     = "note"     // background a task needs
	KindCritical = "critical" // a mistake here breaks the integration
	KindTip      = "tip"      // a shortcut or good habit
	KindFact     = "fact"     // where the guide and Microsoft's documentation differ, or the guide is unverified
)

// Section kinds: the three lessons and the closing review.
const (
	SectionLesson = "lesson"
	SectionReview = "review"
)

// Course is the whole training, loaded once from the embedded course.toml.
type Course struct {
	Title    string    `toml:"title"`
	Subtitle string    `toml:"subtitle"`
	Parties  []string  `toml:"parties"` // the three parties the diagrams draw, in order
	Sections []Section `toml:"section"`
}

// Section is one of the four tabs.
type Section struct {
	ID       string  `toml:"id"`   // "1".."4"
	Kind     string  `toml:"kind"` // SectionLesson or SectionReview
	Title    string  `toml:"title"`
	Short    string  `toml:"short"` // tab label, at most 12 runes
	Overview string  `toml:"overview"`
	Diagram  Diagram `toml:"diagram"`
	Steps    []Step  `toml:"step"`

	// Lessons only.
	Check Check `toml:"check"`

	// Review only.
	Summary         []SummaryRow `toml:"summary"`
	Troubleshooting Callout      `toml:"troubleshooting"`
	// TroubleshootingFields are the inputs the troubleshooting page asks
	// for (FieldSecretExpiry: the client secret's expiry and its reminder).
	TroubleshootingFields []string   `toml:"troubleshooting_fields"`
	Maintenance           Callout    `toml:"maintenance"`
	Acks                  []Ack      `toml:"ack"`
	Completion            Completion `toml:"completion"`
}

// Diagram highlights the link a lesson builds between two of the course's parties.
type Diagram struct {
	From  int    `toml:"from"` // index into Course.Parties
	To    int    `toml:"to"`
	Label string `toml:"label"` // what the link is, e.g. "RBAC: Key Vault Secrets Officer"
}

// Step is a sub-step of a lesson, such as 1A.
type Step struct {
	ID     string     `toml:"id"` // "1A"
	Title  string     `toml:"title"`
	Intro  string     `toml:"intro"`
	Tasks  []Task     `toml:"task"`
	Fields *FieldList `toml:"fields"`
	// Practice names the practice actions the step asks the trainee to do
	// in the portal; a practice menu opened here lists them first.
	Practice []string `toml:"practice"`
}

// Task is one checkbox of a step.
type Task struct {
	ID       string    `toml:"id"` // "1A.1"
	Text     string    `toml:"text"`
	Callouts []Callout `toml:"callout"`
}

// Callout is a note, warning, tip or fact shown beside the task it belongs to.
type Callout struct {
	Kind string `toml:"kind"`
	Text string `toml:"text"`
}

// FieldList is a small two-column table the guide gives, such as the
// credential secret's fields or the field mapping.
type FieldList struct {
	Title   string     `toml:"title"`
	Columns [2]string  `toml:"columns"`
	Rows    []FieldRow `toml:"row"`
}

// FieldRow is one row of a FieldList; Note is optional.
type FieldRow struct {
	Name  string `toml:"name"`
	Value string `toml:"value"`
	Note  string `toml:"note"`
}

// Check describes a lesson's live check page: what it proves, which
// catalogue checks it runs, and what the page asks for. It is the only place
// that ties a page to its inputs: the front ends draw whatever it declares.
type Check struct {
	Title    string   `toml:"title"`
	Explains string   `toml:"explains"`
	IDs      []string `toml:"ids"`
	// Fields are the inputs the page asks for, in order (Field* names).
	Fields []string `toml:"fields"`
	// VaultPicker shows what Delinea's vault dropdown would list, with a filter.
	VaultPicker bool `toml:"vault_picker"`
	// Sync offers the practice tenant's "Save in Delinea": writing the typed
	// password to the mapped secret, only when the trainee picks it.
	Sync bool `toml:"sync"`
	// Practice names the practice actions a menu on this page lists first.
	Practice []string `toml:"practice"`
}

// The inputs a page may declare. Each is one entry of steps/live's field
// table; a new one is added there and here.
const (
	FieldTenantID     = "tenant-id"     // Directory (tenant) ID
	FieldClientID     = "client-id"     // Application (client) ID
	FieldClientSecret = "client-secret" // the secret's Value, memory only
	FieldCloud        = "cloud"         // public, china, usgov (own tenant only)
	FieldVault        = "vault"         // name, URL or resource ID
	FieldSecretName   = "secret-name"   // the Azure secret name mapped in Delinea
	FieldMapUsername  = "map-username"  // is Username mapped to the tag "username"
	FieldUsername     = "username"      // the tag's expected value (shown when mapped)
	FieldPassword     = "password"      // the Delinea password to compare, memory only
	FieldSecretExpiry = "secret-expiry" // the client secret's expiry, YYYY-MM-DD

	// Delinea Secret Server, read with the documented REST API (own tenant; the
	// practice tenant brings its own Secret Server and user).
	FieldDelineaURL       = "delinea-url"       // Secret Server's https base URL
	FieldDelineaUsername  = "delinea-username"  // the user kvbridge signs in as
	FieldDelineaPassword  = "delinea-password"  // that user's password, memory only
	FieldCredentialSecret = "credential-secret" // the credential secret, ID or name
	FieldMappedSecret     = "mapped-secret"     // the secret synced to Key Vault, ID or name
)

// KnownFields lists every field name a course may declare, in a sensible
// default order.
var KnownFields = []string{FieldTenantID, FieldClientID, FieldClientSecret, FieldCloud, FieldVault,
	FieldSecretName, FieldMapUsername, FieldUsername, FieldPassword, FieldSecretExpiry,
	FieldDelineaURL, FieldDelineaUsername, FieldDelineaPassword, FieldCredentialSecret, FieldMappedSecret}

func knownField(f string) bool {
	for _, k := range KnownFields {
		if k == f {
			return true
		}
	}
	return false
}

// validateFields reports unknown or repeated field names, and fields that
// only make sense with another one.
func validateFields(where string, fields []string, bad func(string, ...any)) {
	seen := map[string]bool{}
	for _, f := range fields {
		if !knownField(f) {
			bad("%s: field %q is not one of %s", where, f, strings.Join(KnownFields, ", "))
		}
		if seen[f] {
			bad("%s: field %q is listed twice", where, f)
		}
		seen[f] = true
	}
	if seen[FieldUsername] && !seen[FieldMapUsername] {
		bad("%s: field %q needs %q", where, FieldUsername, FieldMapUsername)
	}
	if (seen[FieldPassword] || seen[FieldMapUsername]) && !seen[FieldSecretName] {
		bad("%s: fields %q and %q need %q", where, FieldPassword, FieldMapUsername, FieldSecretName)
	}
}

func validateNames(where string, names []string, bad func(string, ...any)) {
	seen := map[string]bool{}
	for _, n := range names {
		if strings.TrimSpace(n) == "" || seen[n] {
			bad("%s: practice action %q is empty or listed twice", where, n)
		}
		seen[n] = true
	}
}

// SummaryRow is one line of the review's summary table.
type SummaryRow struct {
	Step   string `toml:"step"`
	Action string `toml:"action"`
	Detail string `toml:"detail"`
}

// Ack is a final acknowledgement the trainee ticks.
type Ack struct {
	ID   string `toml:"id"`
	Text string `toml:"text"`
}

// Completion is the text of the completion screen.
type Completion struct {
	Title string `toml:"title"`
	Text  string `toml:"text"`
}

// LoadCourse parses and validates the embedded course.
func LoadCourse() (*Course, error) { return ParseCourse(courseTOML) }

// ParseCourse parses and validates a course document.
func ParseCourse(src string) (*Course, error) {
	var c Course
	md, err := toml.Decode(src, &c)
	if err != nil {
		return nil, fmt.Errorf("course: %w", err)
	}
	if undec := md.Undecoded(); len(undec) > 0 {
		return nil, fmt.Errorf("course: unknown keys %v", undec)
	}
	if err := ExpandFacts(&c); err != nil {
		return nil, fmt.Errorf("course: %w", err)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// Validate reports the first problem that would make the course unusable:
// missing text, duplicate IDs, lessons without tasks, bad references.
func (c *Course) Validate() error {
	var errs []string
	bad := func(format string, a ...any) { errs = append(errs, fmt.Sprintf(format, a...)) }
	blank := func(s string) bool { return strings.TrimSpace(s) == "" }
	if blank(c.Title) {
		bad("course title is empty")
	}
	if len(c.Parties) != 3 {
		bad("course needs exactly 3 parties, has %d", len(c.Parties))
	}
	for i, p := range c.Parties {
		if blank(p) {
			bad("party %d is empty", i)
		}
	}
	if len(c.Sections) != 4 {
		bad("course needs 4 sections, has %d", len(c.Sections))
	}
	ids := map[string]bool{}
	unique := func(id, what string) {
		if blank(id) {
			bad("%s has an empty id", what)
			return
		}
		if ids[id] {
			bad("id %q is used twice", id)
		}
		ids[id] = true
	}
	callouts := func(where string, cs []Callout) {
		for _, co := range cs {
			switch co.Kind {
			case KindNote, KindCritical, KindTip, KindFact:
			default:
				bad("%s: callout kind %q is not one of note, critical, tip, fact", where, co.Kind)
			}
			if blank(co.Text) {
				bad("%s: callout text is empty", where)
			}
		}
	}
	for i, s := range c.Sections {
		where := fmt.Sprintf("section %d", i+1)
		if s.ID != fmt.Sprint(i+1) {
			bad("%s: id is %q, want %q", where, s.ID, fmt.Sprint(i+1))
		}
		if blank(s.Title) || blank(s.Short) || blank(s.Overview) {
			bad("%s: title, short and overview must be set", where)
		}
		if len([]rune(s.Short)) > 12 {
			bad("%s: short label %q is longer than 12", where, s.Short)
		}
		switch s.Kind {
		case SectionLesson:
			if len(s.Steps) == 0 {
				bad("%s: a lesson needs steps", where)
			}
			if blank(s.Check.Title) || blank(s.Check.Explains) || len(s.Check.IDs) == 0 {
				bad("%s: the live check needs a title, an explanation and check ids", where)
			}
			validateFields(where+" check", s.Check.Fields, bad)
			validateNames(where+" check", s.Check.Practice, bad)
			if s.Check.Sync && !contains(s.Check.Fields, FieldSecretName) {
				bad("%s check: sync needs the field %q", where, FieldSecretName)
			}
			if len(s.TroubleshootingFields) > 0 {
				bad("%s: troubleshooting_fields belong to the review", where)
			}
			if blank(s.Diagram.Label) || s.Diagram.From == s.Diagram.To ||
				s.Diagram.From < 0 || s.Diagram.From > 2 || s.Diagram.To < 0 || s.Diagram.To > 2 {
				bad("%s: the diagram needs a label and two different parties", where)
			}
		case SectionReview:
			if len(s.Summary) == 0 || len(s.Acks) == 0 {
				bad("%s: the review needs summary rows and acknowledgements", where)
			}
			for _, r := range s.Summary {
				if blank(r.Step) || blank(r.Action) || blank(r.Detail) {
					bad("%s: a summary row has an empty cell", where)
				}
			}
			callouts(where+" troubleshooting", []Callout{s.Troubleshooting})
			validateFields(where+" troubleshooting", s.TroubleshootingFields, bad)
			callouts(where+" maintenance", []Callout{s.Maintenance})
			for _, a := range s.Acks {
				unique(a.ID, where+" acknowledgement")
				if blank(a.Text) {
					bad("%s: acknowledgement %q has no text", where, a.ID)
				}
			}
			if blank(s.Completion.Title) || blank(s.Completion.Text) {
				bad("%s: the completion screen needs a title and text", where)
			}
		default:
			bad("%s: kind %q is not lesson or review", where, s.Kind)
		}
		for _, st := range s.Steps {
			unique(st.ID, where+" step")
			validateNames("step "+st.ID, st.Practice, bad)
			if blank(st.Title) || len(st.Tasks) == 0 {
				bad("step %s: needs a title and tasks", st.ID)
			}
			for _, t := range st.Tasks {
				unique(t.ID, "step "+st.ID+" task")
				if blank(t.Text) {
					bad("task %s: text is empty", t.ID)
				}
				callouts("task "+t.ID, t.Callouts)
			}
			if f := st.Fields; f != nil {
				if blank(f.Title) || blank(f.Columns[0]) || blank(f.Columns[1]) || len(f.Rows) == 0 {
					bad("step %s: field list needs a title, two column names and rows", st.ID)
				}
				for _, r := range f.Rows {
					if blank(r.Name) || blank(r.Value) {
						bad("step %s: a field row has an empty name or value", st.ID)
					}
				}
			}
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("course is invalid:\n  %s", strings.Join(errs, "\n  "))
	}
	return nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// ExpandFacts fills every {fact:id} and {fact+:id} placeholder in the strings of v
// (a pointer to a struct such as Course) with the shared fact's wording, so a fact
// the course shares with the quiz, doctor and the practice tenant is worded once.
func ExpandFacts(v any) error {
	var errs []string
	var walk func(reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.Struct:
			for i := range v.NumField() {
				if v.Type().Field(i).IsExported() {
					walk(v.Field(i))
				}
			}
		case reflect.Slice, reflect.Array:
			for i := range v.Len() {
				walk(v.Index(i))
			}
		case reflect.String:
			if !strings.Contains(v.String(), "{fact") {
				return
			}
			out, err := facts.Expand(v.String())
			if err != nil {
				errs = append(errs, err.Error())
				return
			}
			if v.CanSet() {
				v.SetString(out)
			}
		}
	}
	walk(reflect.ValueOf(v))
	if len(errs) > 0 {
		return fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return nil
}
