package room

import (
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Report is the merged report for the debrief: {"seats":[...], "room":{...}}.
type Report struct {
	Seats []SeatReport `json:"seats"`
	Room  RoomSummary  `json:"room"`
}

// SeatReport is one seat's line. No secret: names, scenario, counts, check IDs, causes.
type SeatReport struct {
	Seat       int           `json:"seat"`
	Name       string        `json:"name"`
	Joined     bool          `json:"joined"`
	Scenario   string        `json:"scenario"` // the scenario dealt; a mystery's real one
	Mystery    bool          `json:"mystery,omitempty"`
	Percent    int           `json:"percent"`
	Finished   bool          `json:"finished"`
	Section    string        `json:"section,omitempty"`
	Quiz       QuizScore     `json:"quiz"`
	Checks     SeatChecks    `json:"checks"`
	TimeS      int           `json:"time_s"` // from joining to the last report
	Breaks     []BreakRecord `json:"breaks,omitempty"`
	LastReport time.Time     `json:"last_report,omitzero"`
}

// SeatChecks are a seat's live checks: which failed at some point, which of those pass
// now (fixed), which fail now (with cause), and the latest result of each.
type SeatChecks struct {
	Runs    int           `json:"runs"` // check results reported
	Failed  []string      `json:"failed"`
	Fixed   []string      `json:"fixed"`
	Failing []CheckResult `json:"failing"`
	Latest  []CheckResult `json:"latest"`
}

// RoomSummary is the room at a glance.
type RoomSummary struct {
	Seats           int            `json:"seats"`
	Joined          int            `json:"joined"`
	Finished        int            `json:"finished"`
	Plan            string         `json:"plan"`
	Seed            int64          `json:"seed"`
	MeanPercent     int            `json:"mean_percent"`
	MissedQuestions []CountedItem  `json:"missed_questions"` // most often missed first
	FailedChecks    []CountedItem  `json:"failed_checks"`    // most often failed first
	SectionTime     []SectionTimes `json:"section_time"`
}

// CountedItem is a question or check with the number of seats it concerned.
type CountedItem struct {
	ID    string `json:"id"`
	Seats int    `json:"seats"`
}

// SectionTimes is how long a section took, over the seats that spent time in it.
type SectionTimes struct {
	Section string `json:"section"`
	Seats   int    `json:"seats"`
	MeanS   int    `json:"mean_s"`
	MaxS    int    `json:"max_s"`
}

// Report merges the room's seats.
func (r *Room) Report() *Report {
	cp := *r.st
	cp.Seats = make([]*seatState, len(r.seats))
	for i, s := range r.seats {
		s.mu.Lock()
		st := *s.st
		st.Progress = s.st.Progress.clone()
		st.Breaks = append([]BreakRecord(nil), s.st.Breaks...)
		s.mu.Unlock()
		cp.Seats[i] = &st
	}
	return buildReport(&cp)
}

// ReportFromFile reads a room's state file (the trainer's) and merges its report; the
// room need not run.
func ReportFromFile(path string) (*Report, error) {
	st, err := readState(path)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return nil, fmt.Errorf("no room state at %s", path)
	}
	return buildReport(st), nil
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func counted(m map[string]int) []CountedItem {
	out := make([]CountedItem, 0, len(m))
	for k, n := range m {
		out = append(out, CountedItem{k, n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Seats != out[j].Seats {
			return out[i].Seats > out[j].Seats
		}
		return out[i].ID < out[j].ID
	})
	return out
}

func buildReport(st *roomState) *Report {
	rep := &Report{Seats: []SeatReport{}, Room: RoomSummary{Seats: len(st.Seats), Plan: st.Plan, Seed: st.Seed}}
	missed, failed := map[string]int{}, map[string]int{}
	secTotal, secMax, secN := map[string]time.Duration{}, map[string]time.Duration{}, map[string]int{}
	sumPct := 0
	for _, s := range st.Seats {
		p := &s.Progress
		sr := SeatReport{
			Seat: s.Seat, Name: s.Name, Joined: s.TokenHash != "", Scenario: s.Answer.Scenario,
			Mystery: s.Deal.Scenario == PlanMystery, Percent: p.Percent, Finished: p.Finished, Section: p.Section,
			Quiz: p.Quiz, Breaks: s.Breaks, LastReport: p.LastReport,
			Checks: SeatChecks{Failed: []string{}, Fixed: []string{}, Failing: []CheckResult{}, Latest: []CheckResult{}},
		}
		if sr.Scenario == "" {
			sr.Scenario = s.Deal.Scenario
		}
		if sr.Quiz.Missed == nil {
			sr.Quiz.Missed = []string{}
		}
		if !s.Joined.IsZero() && !p.LastReport.IsZero() {
			sr.TimeS = int(p.LastReport.Sub(s.Joined) / time.Second)
		}
		for _, id := range sortedKeys(p.Checks) {
			c := p.Checks[id]
			sr.Checks.Runs += c.Runs
			res := CheckResult{ID: id, Status: c.Status, Cause: c.Cause}
			sr.Checks.Latest = append(sr.Checks.Latest, res)
			if c.EverFail {
				sr.Checks.Failed = append(sr.Checks.Failed, id)
				failed[id]++
			}
			if c.Fixed && !isFail(c.Status) {
				sr.Checks.Fixed = append(sr.Checks.Fixed, id)
			}
			if isFail(c.Status) {
				sr.Checks.Failing = append(sr.Checks.Failing, res)
			}
		}
		for _, q := range p.Quiz.Missed {
			missed[q]++
		}
		for sec, d := range p.SectionTime {
			secTotal[sec] += d
			secN[sec]++
			if d > secMax[sec] {
				secMax[sec] = d
			}
		}
		if sr.Joined {
			rep.Room.Joined++
			sumPct += p.Percent
		}
		if p.Finished {
			rep.Room.Finished++
		}
		rep.Seats = append(rep.Seats, sr)
	}
	if rep.Room.Joined > 0 {
		rep.Room.MeanPercent = sumPct / rep.Room.Joined
	}
	rep.Room.MissedQuestions, rep.Room.FailedChecks = counted(missed), counted(failed)
	rep.Room.SectionTime = []SectionTimes{}
	for _, sec := range sortedKeys(secTotal) {
		rep.Room.SectionTime = append(rep.Room.SectionTime, SectionTimes{
			Section: sec, Seats: secN[sec], MeanS: int(secTotal[sec] / time.Duration(secN[sec]) / time.Second), MaxS: int(secMax[sec] / time.Second),
		})
	}
	return rep
}

// csvSafe keeps a spreadsheet from reading a cell as a formula (a name like "=1+1").
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// WriteCSV writes one line per seat, then the room's summary as comment-free rows of
// their own (kind "question", "check", "section") so a spreadsheet can sort them.
func (rep *Report) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"seat", "name", "scenario", "percent", "finished", "section", "quiz_correct", "quiz_answered", "quiz_total", "quiz_missed", "checks_failed", "checks_fixed", "failing_now", "time_s"})
	for _, s := range rep.Seats {
		var failing []string
		for _, f := range s.Checks.Failing {
			failing = append(failing, f.ID+":"+f.Cause)
		}
		_ = cw.Write([]string{
			strconv.Itoa(s.Seat), csvSafe(s.Name), s.Scenario, strconv.Itoa(s.Percent), strconv.FormatBool(s.Finished), csvSafe(s.Section),
			strconv.Itoa(s.Quiz.Correct), strconv.Itoa(s.Quiz.Answered), strconv.Itoa(s.Quiz.Total), csvSafe(strings.Join(s.Quiz.Missed, " ")),
			strings.Join(s.Checks.Failed, " "), strings.Join(s.Checks.Fixed, " "), csvSafe(strings.Join(failing, " ")), strconv.Itoa(s.TimeS),
		})
	}
	_ = cw.Write(nil)
	_ = cw.Write([]string{"kind", "id", "seats", "mean_s", "max_s"})
	for _, q := range rep.Room.MissedQuestions {
		_ = cw.Write([]string{"missed_question", csvSafe(q.ID), strconv.Itoa(q.Seats), "", ""})
	}
	for _, c := range rep.Room.FailedChecks {
		_ = cw.Write([]string{"failed_check", csvSafe(c.ID), strconv.Itoa(c.Seats), "", ""})
	}
	for _, t := range rep.Room.SectionTime {
		_ = cw.Write([]string{"section_time", csvSafe(t.Section), strconv.Itoa(t.Seats), strconv.Itoa(t.MeanS), strconv.Itoa(t.MaxS)})
	}
	cw.Flush()
	return cw.Error()
}
