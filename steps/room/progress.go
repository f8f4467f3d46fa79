package room

import (
	"errors"
	"fmt"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/kvbridge/kvbridge/steps/azure"
)

// Progress is what a trainee's kvbridge reports: where the trainee is and what the
// latest checks said. It carries identifiers, counts and check causes only, never a
// secret. Every field is optional; a report replaces the fields it sets.
type Progress struct {
	// Section is the current section's ID ("1".."4"), SectionTitle its title.
	Section      string `json:"section,omitempty"`
	SectionTitle string `json:"section_title,omitempty"`
	// Percent is the course's completion (steps.Progress.Percent); -1 or absent: unknown.
	Percent *int `json:"percent,omitempty"`
	// Quiz is the quiz so far: answered and correct-at-first-try counts out of the
	// questions, and the IDs of the questions whose first answer was wrong.
	Quiz *QuizScore `json:"quiz,omitempty"`
	// Checks are the results of one run of live checks (one or more IDs).
	Checks []CheckResult `json:"checks,omitempty"`
	// Finished says the course is complete.
	Finished bool `json:"finished,omitempty"`
}

// QuizScore is the quiz as one trainee answered it.
type QuizScore struct {
	Correct  int      `json:"correct"`
	Answered int      `json:"answered"`
	Total    int      `json:"total"`
	Missed   []string `json:"missed,omitempty"`
}

// CheckResult is one live check's outcome as the room keeps it.
type CheckResult struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Cause  string `json:"cause,omitempty"`
}

// Limits on a progress report, so a bad or hostile client cannot grow the room.
const (
	maxProgressBytes = 64 << 10
	maxListItems     = 200
	maxShortText     = 120
)

func checkText(what, s string) error {
	if len(s) > maxShortText || !utf8.ValidString(s) {
		return fmt.Errorf("%s is longer than %d bytes or not UTF-8", what, maxShortText)
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return fmt.Errorf("%s holds a control character", what)
		}
	}
	return nil
}

// Validate refuses a report the room would not show as sent.
func (p *Progress) Validate() error {
	if err := checkText("section", p.Section); err != nil {
		return err
	}
	if err := checkText("section_title", p.SectionTitle); err != nil {
		return err
	}
	if p.Percent != nil && (*p.Percent < -1 || *p.Percent > 100) {
		return errors.New("percent must be 0 to 100")
	}
	if len(p.Checks) > maxListItems {
		return fmt.Errorf("at most %d check results in one report", maxListItems)
	}
	for _, c := range p.Checks {
		if c.ID == "" {
			return errors.New("a check result needs an id")
		}
		for _, f := range []string{c.ID, c.Status, c.Cause} {
			if err := checkText("a check result", f); err != nil {
				return err
			}
		}
	}
	if q := p.Quiz; q != nil {
		if q.Correct < 0 || q.Answered < q.Correct || q.Total < 0 || q.Total > 1000 || q.Answered > q.Total {
			return errors.New("quiz counts are inconsistent (0 ≤ correct ≤ answered ≤ total)")
		}
		if len(q.Missed) > maxListItems {
			return fmt.Errorf("at most %d missed questions", maxListItems)
		}
		for _, id := range q.Missed {
			if err := checkText("a question id", id); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkRecord is one check's history on one seat.
type checkRecord struct {
	Status    string    `json:"status"`
	Cause     string    `json:"cause,omitempty"`
	At        time.Time `json:"at"`
	Runs      int       `json:"runs"`
	Fails     int       `json:"fails"`
	EverFail  bool      `json:"ever_failed,omitempty"`
	Fixed     bool      `json:"fixed,omitempty"`      // passed after having failed
	SameFails int       `json:"same_fails,omitempty"` // consecutive runs failing with the same cause
}

// seatProgress is what the room knows of one seat's work.
type seatProgress struct {
	Section      string                  `json:"section,omitempty"`
	SectionTitle string                  `json:"section_title,omitempty"`
	Percent      int                     `json:"percent"`
	Quiz         QuizScore               `json:"quiz"`
	Checks       map[string]*checkRecord `json:"checks,omitempty"`
	Finished     bool                    `json:"finished,omitempty"`
	// SectionTime is the time spent per section: between two reports, the time goes
	// to the section of the earlier one (capped, so a lunch break is not a lesson).
	SectionTime map[string]time.Duration `json:"section_time,omitempty"`
	LastReport  time.Time                `json:"last_report"`
	LastChange  time.Time                `json:"last_change"` // the last report that changed something
	Reports     int                      `json:"reports"`
}

// maxGap caps the time one report interval can add to a section.
const maxGap = 10 * time.Minute

func isFail(status string) bool { return status == "fail" || status == "error" }

// apply merges a report into the seat's progress.
func (sp *seatProgress) apply(p *Progress, now time.Time) {
	changed := false
	if !sp.LastReport.IsZero() && sp.Section != "" {
		gap := now.Sub(sp.LastReport)
		if gap > maxGap {
			gap = maxGap
		}
		if gap > 0 {
			if sp.SectionTime == nil {
				sp.SectionTime = map[string]time.Duration{}
			}
			sp.SectionTime[sp.Section] += gap
		}
	}
	if p.Section != "" && p.Section != sp.Section {
		sp.Section, changed = p.Section, true
	}
	if p.SectionTitle != "" {
		sp.SectionTitle = p.SectionTitle
	}
	if p.Percent != nil && *p.Percent >= 0 && *p.Percent != sp.Percent {
		sp.Percent, changed = *p.Percent, true
	}
	if p.Quiz != nil {
		if p.Quiz.Answered != sp.Quiz.Answered || p.Quiz.Correct != sp.Quiz.Correct {
			changed = true
		}
		sp.Quiz = *p.Quiz
		sp.Quiz.Missed = append([]string(nil), p.Quiz.Missed...)
	}
	if p.Finished && !sp.Finished {
		sp.Finished, changed = true, true
	}
	for _, c := range p.Checks {
		if sp.Checks == nil {
			sp.Checks = map[string]*checkRecord{}
		}
		r := sp.Checks[c.ID]
		if r == nil {
			r = &checkRecord{}
			sp.Checks[c.ID] = r
		}
		fail := isFail(c.Status)
		if c.Status != r.Status || c.Cause != r.Cause {
			changed = true
		}
		switch {
		case fail && isFail(r.Status) && c.Cause == r.Cause:
			r.SameFails++
		case fail:
			r.SameFails = 1
		default:
			r.SameFails = 0
		}
		if fail {
			r.Fails++
			r.EverFail = true
		} else if r.EverFail && (c.Status == "pass" || c.Status == "warn") {
			r.Fixed = true
		}
		r.Status, r.Cause, r.At = c.Status, c.Cause, now
		r.Runs++
	}
	sp.LastReport = now
	sp.Reports++
	if changed || sp.LastChange.IsZero() {
		sp.LastChange = now
	}
}

// checkRank orders checks as the catalogue does: upstream first (a closed firewall
// shows as vault.network, not as the data call it then refuses).
func checkRank(id string) int {
	for i, c := range azure.Catalogue {
		if c.ID == id {
			return i
		}
	}
	return len(azure.Catalogue)
}

// failing is the most upstream check failing now and its cause: the one to fix first.
func (sp *seatProgress) failing() (id, cause string, same int) {
	var best *checkRecord
	bestRank := 0
	for cid, r := range sp.Checks {
		if !isFail(r.Status) {
			continue
		}
		if rk := checkRank(cid); best == nil || rk < bestRank || rk == bestRank && cid < id {
			best, id, bestRank = r, cid, rk
		}
	}
	if best == nil {
		return "", "", 0
	}
	return id, best.Cause, best.SameFails
}

// Stuck rules: no change for StuckAfter, or the same failure this many runs in a row.
const (
	DefaultStuckAfter = 5 * time.Minute
	stuckSameFails    = 3
)

// stuck says whether a seat looks stuck, and why.
func (sp *seatProgress) stuck(now time.Time, after time.Duration) string {
	if sp.Finished || sp.Reports == 0 {
		return ""
	}
	if id, cause, same := sp.failing(); same >= stuckSameFails {
		return fmt.Sprintf("%s failed %d times in a row (%s)", id, same, cause)
	}
	if idle := now.Sub(sp.LastChange); idle >= after {
		return fmt.Sprintf("no progress for %d min", int(idle.Minutes()))
	}
	return ""
}

// clone copies the progress deeply (the report is built from copies, outside the locks).
func (sp seatProgress) clone() seatProgress {
	c := sp
	c.Quiz.Missed = append([]string(nil), sp.Quiz.Missed...)
	c.Checks = make(map[string]*checkRecord, len(sp.Checks))
	for k, v := range sp.Checks {
		cr := *v
		c.Checks[k] = &cr
	}
	c.SectionTime = make(map[string]time.Duration, len(sp.SectionTime))
	for k, v := range sp.SectionTime {
		c.SectionTime[k] = v
	}
	return c
}
