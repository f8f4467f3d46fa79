package tui

import "charm.land/bubbles/v2/key"

// KeyMap is the one set of key bindings. The keys are a public contract
// (issue 2): other tools and the end-to-end tests drive the wizard with them.
type KeyMap struct {
	Up, Down                    key.Binding
	Choose                      key.Binding // space or enter: tick, answer, go to
	Next, Prev                  key.Binding
	Section                     key.Binding // 1-4
	PageUp, PageDown, Home, End key.Binding
	Help, Quit, ForceQuit       key.Binding
	Yes, No                     key.Binding // the start-over question

	// The live checks (only where they work).
	Rerun, Watch, Cancel key.Binding // check screens
	Practice, Connection key.Binding // p: practice actions (practice tenant); c: where checks run
	Export, Filter       key.Binding // e: .ics reminder (review); /: filter the vault list
	Copy                 key.Binding // y: copy the failed checks' az commands (OSC 52)
}

// DefaultKeyMap returns the wizard's bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:        key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:      key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Choose:    key.NewBinding(key.WithKeys("space", "enter"), key.WithHelp("space/enter", "choose")),
		Next:      key.NewBinding(key.WithKeys("right", "l", "tab"), key.WithHelp("→/l/tab", "next")),
		Prev:      key.NewBinding(key.WithKeys("left", "h", "shift+tab"), key.WithHelp("←/h", "back")),
		Section:   key.NewBinding(key.WithKeys("1", "2", "3", "4"), key.WithHelp("1-4", "section")),
		PageUp:    key.NewBinding(key.WithKeys("pgup", "b"), key.WithHelp("pgup", "page up")),
		PageDown:  key.NewBinding(key.WithKeys("pgdown", "f"), key.WithHelp("pgdn", "page down")),
		Home:      key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("home/g", "top")),
		End:       key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("end/G", "bottom")),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "more keys")),
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "save & quit")),
		ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit now")),
		Yes:       key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "yes, start over")),
		No:        key.NewBinding(key.WithKeys("n", "N", "enter", "esc"), key.WithHelp("n/enter", "no, resume")),

		Rerun:      key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "run")),
		Watch:      key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "watch")),
		Cancel:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "stop")),
		Practice:   key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "practice")),
		Connection: key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "connection")),
		Export:     key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "reminder")),
		Filter:     key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		Copy:       key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy fix")),
	}
}

// screenKeys is the help.KeyMap of one screen: only the keys that do
// something there.
type screenKeys struct {
	short []key.Binding
	full  [][]key.Binding
}

func (k screenKeys) ShortHelp() []key.Binding  { return k.short }
func (k screenKeys) FullHelp() [][]key.Binding { return k.full }

// forScreen builds the help for a screen. selectable says whether up/down
// move a cursor (else they scroll); scrolls says whether the body is taller
// than the space; choose names what space/enter does there ("" for nothing).
// The short help uses the shortest key names so it fits 60 columns; the
// full help lists every alternative.
func (k KeyMap) forScreen(choose string, selectable, scrolls, first, last bool, extra ...key.Binding) screenKeys {
	what := "scroll"
	if selectable {
		what = "move"
	}
	short := func(b key.Binding, keys, desc string) key.Binding {
		b.SetHelp(keys, desc)
		return b
	}
	next, prev := k.Next, k.Prev
	next.SetEnabled(!last)
	prev.SetEnabled(!first)
	prev.SetHelp("←/h/shift+tab", "back")
	var s []key.Binding
	if selectable || scrolls {
		s = append(s, short(key.NewBinding(key.WithKeys("up", "down")), "↑↓", what))
	}
	if choose != "" {
		s = append(s, short(k.Choose, "space", choose))
	}
	s = append(s, extra...)
	s = append(s, short(next, "→", "next"), short(prev, "←", "back"), k.Section,
		short(k.Help, "?", "keys"), short(k.Quit, "q", "quit"))

	var full [][]key.Binding
	var col []key.Binding
	if selectable || scrolls {
		col = append(col, short(k.Up, "↑/k", what+" up"), short(k.Down, "↓/j", what+" down"))
	}
	if choose != "" {
		col = append(col, short(k.Choose, "space/enter", choose))
	}
	if len(col) > 0 {
		full = append(full, col)
	}
	if len(extra) > 0 {
		full = append(full, extra)
	}
	full = append(full, []key.Binding{next, prev, k.Section})
	// Help and quitting before the scroll keys: on a narrow terminal the
	// last column is the one cut.
	full = append(full, []key.Binding{short(k.Help, "?", "fewer keys"), k.Quit, k.ForceQuit})
	if scrolls {
		full = append(full, []key.Binding{k.PageUp, k.PageDown, k.Home, k.End})
	}
	return screenKeys{short: s, full: full}
}
