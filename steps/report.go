package steps

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/kvbridge/kvbridge/internal/termsafe"
)

// Report is the saved progress as other tools read it (kvbridge report --json).
// Its JSON keys are a public contract: extend, never rename.
type Report struct {
	FormatVersion int    `json:"format_version"`
	Course        string `json:"course"`
	Name          string `json:"name"` // the trainee's, "" when none was given

	StartedAt      time.Time       `json:"started_at"`
	UpdatedAt      time.Time       `json:"updated_at"`
	FinishedAt     *time.Time      `json:"finished_at"`
	ElapsedSeconds int64           `json:"elapsed_seconds"`
	Percent        int             `json:"percent"`
	Complete       bool            `json:"complete"`
	Screen         string          `json:"screen"`
	Connection     Connection      `json:"connection"` // where the live checks ran; identifiers only
	Sections       []ReportSection `json:"sections"`
	Quiz           ReportQuiz      `json:"quiz"`
	Acks           []ReportAck     `json:"acknowledgements"`
	Checks         []ReportCheck   `json:"checks"`
	Missing        []string        `json:"missing"`
}

// ReportSection is one section's progress.
type ReportSection struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Done     int    `json:"done"`
	Total    int    `json:"total"`
	Complete bool   `json:"complete"`
}

// ReportQuiz is the quiz score; first_try is the score that counts.
type ReportQuiz struct {
	FirstTry  int              `json:"first_try"`
	Solved    int              `json:"solved"`
	Total     int              `json:"total"`
	Percent   int              `json:"percent"`
	Questions []ReportQuestion `json:"questions"`
}

// ReportQuestion is what the trainee did with one question.
type ReportQuestion struct {
	ID       string `json:"id"`
	Section  int    `json:"section"`
	Attempts int    `json:"attempts"`
	FirstTry bool   `json:"first_try"`
	Solved   bool   `json:"solved"`
}

// ReportAck is one final acknowledgement.
type ReportAck struct {
	ID     string `json:"id"`
	Text   string `json:"text"`
	Ticked bool   `json:"ticked"`
}

// ReportCheck is the last result of one live check.
type ReportCheck struct {
	ID     string    `json:"id"`
	Status string    `json:"status"`
	At     time.Time `json:"at"`
}

// Report builds the report of a state.
func (m *Machine) Report(s State) Report {
	p := m.Progress(s)
	r := Report{
		FormatVersion: FormatVersion, Course: m.Course.Title,
		StartedAt: s.StartedAt, UpdatedAt: s.UpdatedAt, FinishedAt: s.FinishedAt,
		ElapsedSeconds: int64(s.Elapsed().Seconds()), Percent: p.Percent(), Complete: p.Complete(),
		Screen: s.Screen, Connection: s.Connection, Missing: m.Missing(s), Name: s.Name,
		Acks: []ReportAck{}, Checks: []ReportCheck{},
	}
	if r.Missing == nil {
		r.Missing = []string{}
	}
	for i, sec := range m.Course.Sections {
		sp := p.Sections[i]
		r.Sections = append(r.Sections, ReportSection{ID: sec.ID, Title: sec.Title, Done: sp.Done, Total: sp.Total, Complete: sp.Complete()})
		for _, a := range sec.Acks {
			r.Acks = append(r.Acks, ReportAck{ID: a.ID, Text: a.Text, Ticked: s.Acks[a.ID]})
		}
		for _, id := range sec.Check.IDs {
			// A check several sections run (auth.token) is listed once.
			if c, ok := s.Checks[id]; ok && !slices.ContainsFunc(r.Checks, func(rc ReportCheck) bool { return rc.ID == id }) {
				r.Checks = append(r.Checks, ReportCheck{ID: id, Status: c.Status, At: c.At})
			}
		}
	}
	r.Quiz.Questions = []ReportQuestion{}
	if m.Bank != nil {
		sc := m.Bank.Score(s.Quiz)
		r.Quiz.FirstTry, r.Quiz.Solved, r.Quiz.Total, r.Quiz.Percent = sc.FirstTry, sc.Solved, sc.Total, sc.Percent()
		for n := 1; n <= 3; n++ {
			for _, q := range m.Bank.Section(n) {
				rec := s.Quiz[q.ID]
				r.Quiz.Questions = append(r.Quiz.Questions, ReportQuestion{ID: q.ID, Section: n, Attempts: rec.Attempts, FirstTry: rec.FirstTry(q), Solved: rec.Solved})
			}
		}
	}
	return r
}

// WriteMarkdown renders the report for people. Everything in it that came
// from the progress file (connection, IDs, statuses) passes through
// termsafe.Clean on the way out, as the file may have been edited by anyone.
func (r Report) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	r = r.cleaned()
	fmt.Fprintf(&b, "# %s: progress report\n\n", r.Course)
	if r.Name != "" {
		fmt.Fprintf(&b, "- Trainee: %s\n", r.Name)
	}
	status := "in progress"
	if r.Complete {
		status = "complete"
	}
	fmt.Fprintf(&b, "- Overall: %d%% (%s)\n", r.Percent, status)
	fmt.Fprintf(&b, "- Started: %s\n", stamp(&r.StartedAt))
	fmt.Fprintf(&b, "- Finished: %s\n", stamp(r.FinishedAt))
	fmt.Fprintf(&b, "- Time taken: %s\n", time.Duration(r.ElapsedSeconds)*time.Second)
	fmt.Fprintf(&b, "- Live checks: %s\n", r.Connection.Describe())
	fmt.Fprintf(&b, "- Quiz score (first attempts): %d of %d (%d%%); solved in the end: %d\n\n", r.Quiz.FirstTry, r.Quiz.Total, r.Quiz.Percent, r.Quiz.Solved)
	b.WriteString("## Sections\n\n| Section | Done | Status |\n|---|---|---|\n")
	for _, s := range r.Sections {
		mark := "open"
		if s.Complete {
			mark = "done"
		}
		fmt.Fprintf(&b, "| %s %s | %d/%d | %s |\n", s.ID, s.Title, s.Done, s.Total, mark)
	}
	b.WriteString("\n## Acknowledgements\n\n")
	for _, a := range r.Acks {
		box := "[ ]"
		if a.Ticked {
			box = "[x]"
		}
		fmt.Fprintf(&b, "- %s %s\n", box, a.Text)
	}
	if len(r.Checks) > 0 {
		b.WriteString("\n## Live checks\n\n| Check | Result | When |\n|---|---|---|\n")
		for _, c := range r.Checks {
			fmt.Fprintf(&b, "| %s | %s | %s |\n", c.ID, c.Status, stamp(&c.At))
		}
	}
	if len(r.Missing) > 0 {
		b.WriteString("\n## Still to do\n\n")
		for _, m := range r.Missing {
			fmt.Fprintf(&b, "- %s\n", m)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func stamp(t *time.Time) string {
	if t == nil || t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// cleaned is r with every string that could have come from the progress file
// made safe for a terminal. The course's own texts pass through too: it costs
// nothing for inert text, and no field is then left out by mistake.
func (r Report) cleaned() Report {
	c := termsafe.Clean
	r.Course, r.Screen, r.Name = c(r.Course), c(r.Screen), c(r.Name)
	conn := r.Connection
	conn.Kind, conn.Scenario, conn.TenantID, conn.ClientID = c(conn.Kind), c(conn.Scenario), c(conn.TenantID), c(conn.ClientID)
	conn.Cloud, conn.AuthorityHost, conn.ARMEndpoint, conn.GraphEndpoint = c(conn.Cloud), c(conn.AuthorityHost), c(conn.ARMEndpoint), c(conn.GraphEndpoint)
	conn.Vault, conn.VaultURL, conn.SecretName, conn.Username = c(conn.Vault), c(conn.VaultURL), c(conn.SecretName), c(conn.Username)
	r.Connection = conn
	r.Sections = slices.Clone(r.Sections)
	for i := range r.Sections {
		r.Sections[i].ID, r.Sections[i].Title = c(r.Sections[i].ID), c(r.Sections[i].Title)
	}
	r.Acks = slices.Clone(r.Acks)
	for i := range r.Acks {
		r.Acks[i].ID, r.Acks[i].Text = c(r.Acks[i].ID), c(r.Acks[i].Text)
	}
	r.Checks = slices.Clone(r.Checks)
	for i := range r.Checks {
		r.Checks[i].ID, r.Checks[i].Status = c(r.Checks[i].ID), c(r.Checks[i].Status)
	}
	r.Missing = slices.Clone(r.Missing)
	for i := range r.Missing {
		r.Missing[i] = c(r.Missing[i])
	}
	return r
}
