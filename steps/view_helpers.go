package steps

// Pure helpers for the views (TUI and plain runner). They read a State and
// never change it.

// TodoScreens returns, for each line of Missing(s) and in the same order, the
// key of the screen where that item can be done: the first step with an
// unticked task, the check screen, the first unsolved question, the
// acknowledgements. A view can then offer "go there" next to each line.
func (m *Machine) TodoScreens(s State) []string {
	var out []string
	first := func(match func(Screen) bool) string {
		for _, sc := range m.screens {
			if match(sc) {
				return sc.Key
			}
		}
		return m.screens[0].Key
	}
	for i, sec := range m.Course.Sections {
		undoneStep := -1
		for si, st := range sec.Steps {
			for _, t := range st.Tasks {
				if !s.Tasks[t.ID] && undoneStep < 0 {
					undoneStep = si
				}
			}
		}
		if undoneStep >= 0 {
			out = append(out, first(func(sc Screen) bool {
				return sc.Section == i && sc.Kind == ScreenStep && sc.Step == undoneStep
			}))
		}
		if sec.Kind == SectionLesson && m.LiveChecks {
			failing := false
			for _, id := range sec.Check.IDs {
				if !s.Checks[id].Passed() {
					failing = true
				}
			}
			if failing {
				out = append(out, first(func(sc Screen) bool { return sc.Section == i && sc.Kind == ScreenCheck }))
			}
		}
		if m.Bank != nil && sec.Kind == SectionLesson {
			for _, q := range m.Bank.Section(i + 1) {
				if !s.Quiz[q.ID].Solved {
					id := q.ID
					out = append(out, first(func(sc Screen) bool { return sc.Kind == ScreenQuiz && sc.QuestionID == id }))
					break
				}
			}
		}
		for _, a := range sec.Acks {
			if !s.Acks[a.ID] {
				out = append(out, first(func(sc Screen) bool { return sc.Section == i && sc.Kind == ScreenAcks }))
				break
			}
		}
	}
	return out
}
