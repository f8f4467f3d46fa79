package tui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/tui/internal/wrap"
)

// The header (title, tabs, progress) and the footer (rule, message, keys)
// around every component.

// header is four lines: title and position, the section tabs, the
// progress bar, a rule.
func (m *Model) header() string {
	c, st := m.com, m.com.Styles
	w := c.Width
	course := c.Mach.Course
	cur := c.Current()
	prog := c.Mach.Progress(m.state)

	pos := fmt.Sprintf("Section %d of %d · screen %d/%d", cur.Section+1, len(course.Sections), cur.Ordinal, cur.OfSection)
	title := truncate(course.Title, w-2-ansi.StringWidth(pos)-2)
	line1 := " " + st.Title.Render(title)
	line1 += strings.Repeat(" ", max(1, w-1-ansi.StringWidth(title)-ansi.StringWidth(pos)-1)) + st.Position.Render(pos) + " "

	line2 := " " + m.tabs(prog, cur.Section, w-2)

	pct := fmt.Sprintf("%3d%%", prog.Percent())
	label := "Progress "
	sp := prog.Sections[cur.Section]
	right := fmt.Sprintf("this section %d/%d", sp.Done, sp.Total)
	if sp.Complete() {
		right = "this section ✓ done"
	}
	// The bar keeps one width on every screen: its room is what is left
	// beside the widest "this section" label any section can show.
	rightW := ansi.StringWidth("this section ✓ done")
	for _, s := range prog.Sections {
		rightW = max(rightW, len(fmt.Sprintf("this section %d/%d", s.Total, s.Total)))
	}
	barW := min(50, w-2-len(label)-len(pct)-1-rightW-3)
	bar := m.bar
	bar.SetWidth(max(5, barW))
	line3 := " " + st.Dim.Render(label) + bar.ViewAs(prog.Fraction()) + " " + st.Percent.Render(pct)
	line3 += strings.Repeat(" ", max(1, w-1-ansi.StringWidth(line3)-ansi.StringWidth(right))) + st.Position.Render(right) + " "

	rule := st.Rule.Render(strings.Repeat("─", w))
	return strings.Join([]string{line1, line2, line3, rule}, "\n")
}

// tabs draws the sections: the current one in brackets (and highlighted),
// a ✓ on each finished one; numbers only when the names do not fit.
func (m *Model) tabs(prog steps.Progress, current, width int) string {
	st := m.com.Styles
	secs := m.com.Mach.Course.Sections
	render := func(short bool) (string, int) {
		var parts []string
		w := 0
		for i, s := range secs {
			label := fmt.Sprintf("%d %s", i+1, s.Short)
			if short {
				label = fmt.Sprintf("%d", i+1)
			}
			if prog.Sections[i].Complete() {
				label += " ✓"
			}
			var t string
			switch {
			case i == current:
				t = st.TabActive.Render("[" + label + "]")
			case prog.Sections[i].Complete():
				t = st.TabDone.Render(" " + label + " ")
			default:
				t = st.Tab.Render(" " + label + " ")
			}
			parts = append(parts, t)
			w += ansi.StringWidth(label) + 2
		}
		return strings.Join(parts, st.Rule.Render(" │ ")), w + 3*(len(secs)-1)
	}
	s, w := render(false)
	if w > width {
		s, _ = render(true)
	}
	return s
}

// message is the footer's one message, most urgent first.
func (m *Model) message() (string, lipgloss.Style) {
	st := m.com.Styles
	switch {
	case m.saveErr != "":
		return "⚠ Progress NOT saved: " + m.saveErr, st.StatusErr
	case m.status != "":
		return m.status, st.Status
	case m.notice != "":
		return "⚠ " + m.notice, st.Notice
	}
	return "", st.Status
}

// maxMessageLines bounds the footer's message: a long notice (where a
// damaged progress file was moved) is read whole, and still leaves the
// body at least half of the space.
func (m *Model) maxMessageLines() int {
	return max(3, (m.com.Height-headerHeight-2)/2)
}

// messageLines wraps the message to the width: one line at least, so the
// body does not jump when a message comes and goes.
func (m *Model) messageLines() []string {
	text, _ := m.message()
	w := max(1, m.com.Width-2)
	lines := wrap.Text(text, w)
	if len(lines) == 0 {
		return []string{""}
	}
	if n := m.maxMessageLines(); len(lines) > n {
		lines = lines[:n]
		lines[n-1] = truncate(lines[n-1]+" …", w)
	}
	return lines
}

func (m *Model) footerHeight() int { return 1 + len(m.messageLines()) + 1 }

// footer is the rule (with the scroll position at its right), the message
// and one line of keys.
func (m *Model) footer(top, h, total int) string {
	st := m.com.Styles
	w := m.com.Width
	right := ""
	if total > h {
		right = fmt.Sprintf(" lines %d-%d of %d", top+1, min(total, top+h), total)
		switch {
		case top == 0:
			right += " · more below ↓ "
		case top+h >= total:
			right += " · ↑ more above "
		default:
			right += " · ↑↓ more "
		}
	}
	rw := ansi.StringWidth(right)
	rule := st.Rule.Render(strings.Repeat("─", w))
	if rw > 0 && rw <= w-2 {
		rule = st.Rule.Render(strings.Repeat("─", w-rw-1)) + st.Dim.Render(right) + st.Rule.Render("─")
	}
	_, style := m.message()
	msg := m.messageLines()
	for i, l := range msg {
		msg[i] = " " + style.Render(l)
	}
	return rule + "\n" + strings.Join(msg, "\n") + "\n " + m.shortHelp()
}

// screenKeys is a help.KeyMap of one line of keys.
type screenKeys []key.Binding

func (k screenKeys) ShortHelp() []key.Binding  { return k }
func (k screenKeys) FullHelp() [][]key.Binding { return [][]key.Binding{k} }

// footerKeys are the keys of the active component, then those every screen
// shares, with the shortest names, so that they fit 60 columns.
func (m *Model) footerKeys() []key.Binding {
	k := m.keys
	c, _ := m.active()
	lb := m.laid()
	short := func(b key.Binding, keys, desc string) key.Binding {
		b.SetHelp(keys, desc)
		return b
	}
	var s []key.Binding
	if m.over == nil && m.live != nil && m.live.edit != "" {
		return m.live.editKeys()
	}
	if m.over != nil {
		if _, asking := m.over.(*confirmPage); asking {
			return c.keys()
		}
		if len(lb.items) > 0 {
			s = append(s, short(key.NewBinding(key.WithKeys("up", "down")), "↑↓", "move"))
		} else if m.scrolls() {
			s = append(s, short(key.NewBinding(key.WithKeys("up", "down")), "↑↓", "scroll"))
		}
		if lb.choose != "" {
			s = append(s, short(k.Choose, "enter", lb.choose))
		}
		s = append(s, c.keys()...)
		return append(s, short(k.Close, "esc", "close"), short(k.Quit, "q", "quit"))
	}
	switch {
	case len(lb.items) > 0:
		s = append(s, short(key.NewBinding(key.WithKeys("up", "down")), "↑↓", "move"))
	case m.scrolls():
		s = append(s, short(key.NewBinding(key.WithKeys("up", "down")), "↑↓", "scroll"))
	}
	if lb.choose != "" {
		s = append(s, short(k.Choose, "space", lb.choose))
	}
	s = append(s, c.keys()...)
	_, idx := m.com.Mach.Current(m.state)
	next, prev := short(k.Next, "→", "next"), short(k.Prev, "←", "back")
	next.SetEnabled(idx < len(m.com.Mach.Screens())-1)
	prev.SetEnabled(idx > 0)
	return append(s, next, prev, k.Section, short(k.Help, "?", "keys"), short(k.Quit, "q", "quit"))
}

// shortHelpDrop is the order in which the footer's keys give way when they
// do not all fit: ↑↓, space, r (run), ? and q stay, so a narrow terminal
// still shows how to move, run the checks, quit and see the rest (? lists
// every key); the keys of the page go after those that are the same
// everywhere.
var shortHelpDrop = []string{"1-4", "←", "c", "→", "p", "/", "e", "w", "esc", "y"}

// shortHelp is the footer's one line of keys, cut to fit the width.
func (m *Model) shortHelp() string {
	keys := m.footerKeys()
	width := max(0, m.com.Width-2)
	h := m.help
	h.SetWidth(0) // measures without cutting
	for _, drop := range shortHelpDrop {
		if ansi.StringWidth(h.ShortHelpView(keys)) <= width {
			break
		}
		keys = slices.DeleteFunc(slices.Clone(keys), func(b key.Binding) bool { return b.Help().Key == drop })
	}
	return truncate(h.ShortHelpView(keys), width)
}

// keysPage is the ? overlay: every key of the wizard, grouped, the groups
// flowed into as many columns as the width holds.
type keysPage struct {
	noKeys
	c *Common
}

func (p *keysPage) update(msg tea.KeyPressMsg, _ int) (tea.Cmd, bool) { return nil, false }

func (p *keysPage) view(int) body {
	c, st := p.c, p.c.Styles
	w := c.ContentWidth()
	var b lineBuf
	b.add(c.heading("All keys", "? or esc closes", w)...)
	b.add(styled("Keys a screen does not use do nothing there; the footer shows those that work where you are.", w, st.Dim)...)
	b.blank()
	var blocks [][]string
	colW := 0
	for _, g := range c.Keys.allKeys() {
		keyW := 0
		for _, kb := range g.keys {
			keyW = max(keyW, ansi.StringWidth(kb.Help().Key))
		}
		block := []string{st.Emph.Render(g.title)}
		colW = max(colW, ansi.StringWidth(g.title))
		for _, kb := range g.keys {
			h := kb.Help()
			block = append(block, st.StepID.Render(padRight(h.Key, keyW))+"  "+st.Text.Render(h.Desc))
			colW = max(colW, keyW+2+ansi.StringWidth(h.Desc))
		}
		blocks = append(blocks, block)
	}
	cols := max(1, min(3, (w+3)/(colW+3)))
	for i := 0; i < len(blocks); i += cols {
		row := blocks[i:min(len(blocks), i+cols)]
		height := 0
		for _, bl := range row {
			height = max(height, len(bl))
		}
		for l := range height {
			var line strings.Builder
			for j, bl := range row {
				cell := ""
				if l < len(bl) {
					cell = bl[l]
				}
				if j < len(row)-1 {
					cell = padRight(cell, colW+3)
				}
				line.WriteString(cell)
			}
			b.add(truncate(line.String(), w))
		}
		b.blank()
	}
	return body{lines: b.lines}
}

// glossaryPage is the g overlay: the course's words and what they mean,
// with how each definition is known.
type glossaryPage struct {
	noKeys
	c *Common
}

func (p *glossaryPage) update(tea.KeyPressMsg, int) (tea.Cmd, bool) { return nil, false }

func (p *glossaryPage) view(int) body {
	c, st := p.c, p.c.Styles
	w := c.ContentWidth()
	var b lineBuf
	b.add(c.heading("Glossary", "t or esc closes", w)...)
	b.blank()
	for _, t := range steps.Glossary() {
		head := st.Emph.Render(t.Word)
		if len(t.Aliases) > 0 {
			head += st.Dim.Render("  (also " + strings.Join(t.Aliases, ", ") + ")")
		}
		b.add(head)
		def := t.Definition
		if t.Basis != "" {
			def += " [" + t.Basis + "]"
		}
		b.add(item("  ", 2, def, w, st.Text)...)
		b.blank()
	}
	return body{lines: b.lines}
}
