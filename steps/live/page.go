package live

import (
	"fmt"

	"github.com/kvbridge/kvbridge/steps"
)

// Page is what one screen of the course declares for the live part, read
// from course.toml: a lesson's check page (its checks, fields, vault picker,
// sync), a step (the practice actions it asks for) or the review's
// troubleshooting page (the client secret's expiry).
type Page struct {
	Key      string   // the screen's key
	Check    bool     // a check page: IDs run here
	Title    string   // the check page's title
	Explains string   // what its checks prove
	IDs      []string // the catalogue checks it runs
	// Fields are the inputs declared, in order (steps.Field* names); Session.Fields
	// says which of them show for the connection at hand.
	Fields      []string
	VaultPicker bool     // what Delinea's vault dropdown lists, with a filter
	Sync        bool     // the practice tenant's Save in Delinea
	Practice    []string // practice actions this page lists first
	Reminder    bool     // the expiry's calendar reminder can be exported here
}

// Has reports whether the page declares a field.
func (p Page) Has(field string) bool {
	for _, f := range p.Fields {
		if f == field {
			return true
		}
	}
	return false
}

// PageOf is the live side of a screen; ok is false for a screen with none.
func PageOf(m *steps.Machine, sc steps.Screen) (Page, bool) {
	if sc.Section < 0 || sc.Section >= len(m.Course.Sections) {
		return Page{}, false
	}
	sec := m.Course.Sections[sc.Section]
	p := Page{Key: sc.Key}
	switch sc.Kind {
	case steps.ScreenCheck:
		c := sec.Check
		p.Check, p.Title, p.Explains = true, c.Title, c.Explains
		p.IDs, p.Fields, p.VaultPicker, p.Sync, p.Practice = c.IDs, c.Fields, c.VaultPicker, c.Sync, c.Practice
		return p, true
	case steps.ScreenStep:
		if sc.Step < len(sec.Steps) && len(sec.Steps[sc.Step].Practice) > 0 {
			p.Practice = sec.Steps[sc.Step].Practice
			return p, true
		}
	case steps.ScreenTroubleshooting:
		if len(sec.TroubleshootingFields) > 0 {
			p.Fields = sec.TroubleshootingFields
			p.Reminder = true
			return p, true
		}
	}
	return Page{}, false
}

// ValidateCourse checks what steps' loader cannot: every practice action a
// course names exists.
func ValidateCourse(c *steps.Course) error {
	check := func(where string, names []string) error {
		for _, n := range names {
			if _, ok := actionSpec(n); !ok {
				return fmt.Errorf("course: %s names practice action %q, which does not exist", where, n)
			}
		}
		return nil
	}
	for _, s := range c.Sections {
		if err := check("section "+s.ID+" check", s.Check.Practice); err != nil {
			return err
		}
		for _, st := range s.Steps {
			if err := check("step "+st.ID, st.Practice); err != nil {
				return err
			}
		}
	}
	return nil
}
