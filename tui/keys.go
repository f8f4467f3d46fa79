package tui

import "charm.land/bubbles/v2/key"

// KeyMap is the one set of key bindings: every key the wizard answers is
// here, matched with key.Matches, never by its raw name. The keys are a
// public contract: other tools and the end-to-end tests drive the wizard
// with them, so they are extended, never renamed.
type KeyMap struct {
	Up, Down                    key.Binding
	Choose                      key.Binding // space or enter: tick, answer, go to
	Next, Prev                  key.Binding
	Section                     key.Binding // 1-4
	PageUp, PageDown, Home, End key.Binding
	Help, Quit, ForceQuit       key.Binding
	Yes, No                     key.Binding // the start-over question
	Close                       key.Binding // esc: close an overlay
	Glossary                    key.Binding // t: the course's terms, from every screen (g stays top, as in less and vim)

	// The live checks (only where they work).
	Rerun, Watch, Cancel key.Binding // check screens
	Practice, Connection key.Binding // p: practice actions (practice tenant); c: where checks run
	Export, Filter       key.Binding // e: .ics reminder (review); /: filter the vault list
	Copy                 key.Binding // y: copy the failed checks' az commands (OSC 52)

	// Editing a field: the field's own keys (cursor, delete) are the text
	// input's; these end or leave the edit.
	EditDone, EditNext, EditPrev, EditStop key.Binding
	EditUp, EditDown                       key.Binding // the arrows only: j and k are text
}

// DefaultKeyMap returns the wizard's bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:        key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:      key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Choose:    key.NewBinding(key.WithKeys("space", "enter"), key.WithHelp("space/enter", "choose")),
		Next:      key.NewBinding(key.WithKeys("right", "l", "tab"), key.WithHelp("→/l/tab", "next")),
		Prev:      key.NewBinding(key.WithKeys("left", "h", "shift+tab"), key.WithHelp("←/h/shift+tab", "back")),
		Section:   key.NewBinding(key.WithKeys("1", "2", "3", "4"), key.WithHelp("1-4", "section")),
		PageUp:    key.NewBinding(key.WithKeys("pgup", "b"), key.WithHelp("pgup/b", "page up")),
		PageDown:  key.NewBinding(key.WithKeys("pgdown", "f"), key.WithHelp("pgdn/f", "page down")),
		Home:      key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("home/g", "top")),
		End:       key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("end/G", "bottom")),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "all keys")),
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "save & quit")),
		ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit now")),
		Yes:       key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "yes, start over")),
		No:        key.NewBinding(key.WithKeys("n", "N", "enter", "esc"), key.WithHelp("n/enter", "no, resume")),
		Close:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close")),
		Glossary:  key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "terms (glossary)")),

		Rerun:      key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "run")),
		Watch:      key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "watch")),
		Cancel:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "stop")),
		Practice:   key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "practice")),
		Connection: key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "connection")),
		Export:     key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "reminder")),
		Filter:     key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		Copy:       key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy fix")),

		EditDone: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "done")),
		EditNext: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next field")),
		EditPrev: key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous field")),
		EditUp:   key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", "end edit, move up")),
		EditDown: key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "end edit, move down")),
		EditStop: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "stop editing")),
	}
}

// keyGroup is a titled list of keys in the full key list.
type keyGroup struct {
	title string
	keys  []key.Binding
}

// allKeys is every key of the wizard, grouped, for the ? page: it lists
// the keys of every screen, so none is a secret of the screen it works on.
func (k KeyMap) allKeys() []keyGroup {
	fieldKeys := []key.Binding{
		k.EditDone, k.EditNext, k.EditPrev, k.EditStop, k.EditUp, k.EditDown,
		key.NewBinding(key.WithKeys("ctrl+u"), key.WithHelp("ctrl+u", "clear before cursor")),
		key.NewBinding(key.WithKeys("ctrl+k"), key.WithHelp("ctrl+k", "clear after cursor")),
	}
	return []keyGroup{
		{"Anywhere", []key.Binding{k.Help, k.Glossary, k.Close, k.Quit, k.ForceQuit}},
		{"Moving", []key.Binding{k.Up, k.Down, k.Choose, k.Next, k.Prev, k.Section}},
		{"Scrolling a long screen", []key.Binding{k.PageUp, k.PageDown, k.Home, k.End}},
		{"Live check pages", []key.Binding{k.Rerun, k.Watch, k.Cancel, k.Filter, k.Copy, k.Practice, k.Connection}},
		{"Review page", []key.Binding{k.Export}},
		{"Editing a field", fieldKeys},
	}
}
