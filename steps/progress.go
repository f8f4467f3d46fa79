package steps

import (
	"fmt"
	"strings"
	"time"
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
// the trainee is connected to a tenant) and acknowledgements.
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
			if s.Live() {
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

// Todo is one thing that stands between the trainee and the completion
// screen, with the screen where it can be done.
type Todo struct {
	Text   string // e.g. "Section 1: 2 tasks not ticked (1A.2, 1B.1)"
	Screen string // key of the first screen where it can be done
}

// Todos lists, in course order and in words, what is still to do.
func (m *Machine) Todos(s State) []Todo {
	var out []Todo
	add := func(text string, match func(Screen) bool) {
		key := m.screens[0].Key
		for _, sc := range m.screens {
			if match(sc) {
				key = sc.Key
				break
			}
		}
		out = append(out, Todo{Text: text, Screen: key})
	}
	for i, sec := range m.Course.Sections {
		var tasks []string
		firstStep := -1
		for si, st := range sec.Steps {
			for _, t := range st.Tasks {
				if !s.Tasks[t.ID] {
					tasks = append(tasks, t.ID)
					if firstStep < 0 {
						firstStep = si
					}
				}
			}
		}
		if len(tasks) > 0 {
			add(fmt.Sprintf("Section %s: %s not ticked (%s)", sec.ID, Plural(len(tasks), "task"), strings.Join(tasks, ", ")),
				func(sc Screen) bool { return sc.Section == i && sc.Kind == ScreenStep && sc.Step == firstStep })
		}
		if sec.Kind == SectionLesson && s.Live() {
			var checks []string
			for _, id := range sec.Check.IDs {
				if !s.Checks[id].Passed() {
					checks = append(checks, id)
				}
			}
			if len(checks) > 0 {
				add(fmt.Sprintf("Section %s: %s not passed (%s)", sec.ID, Plural(len(checks), "live check"), strings.Join(checks, ", ")),
					func(sc Screen) bool { return sc.Section == i && sc.Kind == ScreenCheck })
			}
		}
		if m.Bank != nil && sec.Kind == SectionLesson {
			var qs []string
			firstQ := ""
			for n, q := range m.Bank.Section(i + 1) {
				if !s.Quiz[q.ID].Solved {
					qs = append(qs, fmt.Sprint(n+1))
					if firstQ == "" {
						firstQ = q.ID
					}
				}
			}
			if len(qs) > 0 {
				add(fmt.Sprintf("Section %s: quiz %s not answered correctly yet (%s)", sec.ID, pluralWord(len(qs), "question"), strings.Join(qs, ", ")),
					func(sc Screen) bool { return sc.Kind == ScreenQuiz && sc.QuestionID == firstQ })
			}
		}
		var acks []string
		for n, a := range sec.Acks {
			if !s.Acks[a.ID] {
				acks = append(acks, fmt.Sprint(n+1))
			}
		}
		if len(acks) > 0 {
			add(fmt.Sprintf("Section %s: %s not ticked (%s)", sec.ID, Plural(len(acks), "acknowledgement"), strings.Join(acks, ", ")),
				func(sc Screen) bool { return sc.Section == i && sc.Kind == ScreenAcks })
		}
	}
	return out
}

// Missing is the text of Todos, for reports and the plain runner.
func (m *Machine) Missing(s State) []string {
	var out []string
	for _, t := range m.Todos(s) {
		out = append(out, t.Text)
	}
	return out
}

// Plural is "1 day", "2 days": the one plural of the project's words.
func Plural(n int, word string) string {
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

// DurationWords says how long something took, in the words every front end
// uses: "under a minute", "12 minutes", "1 hour 5 minutes".
func DurationWords(d time.Duration) string {
	d = d.Round(time.Minute)
	if d < time.Minute {
		return "under a minute"
	}
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case h == 0:
		return Plural(m, "minute")
	case m == 0:
		return Plural(h, "hour")
	}
	return Plural(h, "hour") + " " + Plural(m, "minute")
}
