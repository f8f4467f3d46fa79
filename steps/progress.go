package steps

import (
	"fmt"
	"strings"
)

// Progress is derived from a State every time it is needed; it is never stored.
type Progress struct {
	Done, Total int
	Sections    []SectionProgress
}

// SectionProgress counts one section's required items.
type SectionProgress struct {
	Done, Total int
}

// Complete reports whether every required item of the section is done.
func (p SectionProgress) Complete() bool { return p.Total > 0 && p.Done == p.Total }

// Complete reports whether the whole course is done.
func (p Progress) Complete() bool { return p.Total > 0 && p.Done == p.Total }

// Percent rounds down, so 100 means everything, never "almost".
func (p Progress) Percent() int {
	if p.Total == 0 {
		return 0
	}
	return p.Done * 100 / p.Total
}

// Fraction is Done/Total for progress bars.
func (p Progress) Fraction() float64 {
	if p.Total == 0 {
		return 0
	}
	return float64(p.Done) / float64(p.Total)
}

// Progress counts ticked tasks, solved questions, passed live checks (when
// they are on) and acknowledgements.
func (m *Machine) Progress(s State) Progress {
	var p Progress
	p.Sections = make([]SectionProgress, len(m.Course.Sections))
	for i, sec := range m.Course.Sections {
		sp := &p.Sections[i]
		count := func(done bool) {
			sp.Total++
			if done {
				sp.Done++
			}
		}
		for _, st := range sec.Steps {
			for _, t := range st.Tasks {
				count(s.Tasks[t.ID])
			}
		}
		if sec.Kind == SectionLesson {
			if m.LiveChecks {
				for _, id := range sec.Check.IDs {
					count(s.Checks[id].Passed())
				}
			}
			if m.Bank != nil {
				for _, q := range m.Bank.Section(i + 1) {
					count(s.Quiz[q.ID].Solved)
				}
			}
		}
		for _, a := range sec.Acks {
			count(s.Acks[a.ID])
		}
		p.Done += sp.Done
		p.Total += sp.Total
	}
	return p
}

// Missing lists, in course order and in words, what stands between the
// trainee and the completion screen.
func (m *Machine) Missing(s State) []string {
	var out []string
	for i, sec := range m.Course.Sections {
		var tasks []string
		for _, st := range sec.Steps {
			for _, t := range st.Tasks {
				if !s.Tasks[t.ID] {
					tasks = append(tasks, t.ID)
				}
			}
		}
		if len(tasks) > 0 {
			out = append(out, fmt.Sprintf("Section %s: %s not ticked (%s)", sec.ID, plural(len(tasks), "task"), strings.Join(tasks, ", ")))
		}
		if sec.Kind == SectionLesson && m.LiveChecks {
			var checks []string
			for _, id := range sec.Check.IDs {
				if !s.Checks[id].Passed() {
					checks = append(checks, id)
				}
			}
			if len(checks) > 0 {
				out = append(out, fmt.Sprintf("Section %s: live %s not passed (%s)", sec.ID, plural(len(checks), "check"), strings.Join(checks, ", ")))
			}
		}
		if m.Bank != nil && sec.Kind == SectionLesson {
			var qs []string
			for n, q := range m.Bank.Section(i + 1) {
				if !s.Quiz[q.ID].Solved {
					qs = append(qs, fmt.Sprint(n+1))
				}
			}
			if len(qs) > 0 {
				out = append(out, fmt.Sprintf("Section %s: quiz %s not answered correctly yet (%s)", sec.ID, pluralWord(len(qs), "question"), strings.Join(qs, ", ")))
			}
		}
		var acks []string
		for n, a := range sec.Acks {
			if !s.Acks[a.ID] {
				acks = append(acks, fmt.Sprint(n+1))
			}
		}
		if len(acks) > 0 {
			out = append(out, fmt.Sprintf("Section %s: %s not ticked (%s)", sec.ID, plural(len(acks), "acknowledgement"), strings.Join(acks, ", ")))
		}
	}
	return out
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func pluralWord(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
