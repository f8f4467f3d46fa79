package tui

import (
	"charm.land/bubbles/v2/key"
	"github.com/kvbridge/kvbridge/steps"
)

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
		ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit now (saved)")),
		Yes:       key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "yes, start over")),
		No:        key.NewBinding(key.WithKeys("n", "N", "enter", "esc"), key.WithHelp("n/enter", "no, resume")),
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
func (k KeyMap) forScreen(kind steps.ScreenKind, choose string, selectable, scrolls, first, last bool) screenKeys {
	var short []key.Binding
	up, down := k.Up, k.Down
	if selectable {
		up.SetHelp("↑/k", "up")
		down.SetHelp("↓/j", "down")
	} else {
		up.SetHelp("↑/k", "scroll up")
		down.SetHelp("↓/j", "scroll down")
	}
	move := key.NewBinding(key.WithKeys("up", "down", "k", "j"))
	if selectable {
		move.SetHelp("↑↓/jk", "move")
	} else {
		move.SetHelp("↑↓/jk", "scroll")
	}
	ch := k.Choose
	if choose != "" {
		ch.SetHelp("space/enter", choose)
	}
	next, prev := k.Next, k.Prev
	next.SetEnabled(!last)
	prev.SetEnabled(!first)
	if selectable || scrolls {
		short = append(short, move)
	}
	if choose != "" {
		short = append(short, ch)
	}
	short = append(short, next, prev, k.Section, k.Help, k.Quit)

	col1 := []key.Binding{}
	if selectable || scrolls {
		col1 = append(col1, up, down)
	}
	if choose != "" {
		col1 = append(col1, ch)
	}
	full := [][]key.Binding{}
	if len(col1) > 0 {
		full = append(full, col1)
	}
	full = append(full, []key.Binding{next, prev, k.Section})
	if scrolls {
		full = append(full, []key.Binding{k.PageUp, k.PageDown, k.Home, k.End})
	}
	help := k.Help
	help.SetHelp("?", "fewer keys")
	full = append(full, []key.Binding{help, k.Quit, k.ForceQuit})
	_ = kind
	return screenKeys{short: short, full: full}
}
