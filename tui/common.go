package tui

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"charm.land/lipgloss/v2/table"
	"github.com/charmbracelet/x/ansi"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/tui/internal/wrap"
)

// Common is handed to every component, as in soft-serve's UI: the size of
// the body, the styles, the key map, and read access to the course and its
// state. Components never change the state themselves: they ask the root
// through Apply, the one place it changes.
type Common struct {
	Width, Height int // the whole terminal
	Styles        *Styles
	Keys          *KeyMap
	Mach          *steps.Machine
	State         *steps.State // the root's state; read only here
	Now           func() time.Time

	// Apply runs one event through the state machine (the root's apply).
	Apply func(steps.Event) tea.Cmd
	// Say puts a one-shot message in the footer.
	Say func(string)
	// Select moves the screen's selection to item i.
	Select func(i int)
}

// maxContentWidth keeps lines short enough to read on a wide terminal.
const maxContentWidth = 110

// ContentWidth is the width a body is drawn at.
func (c *Common) ContentWidth() int { return max(10, min(maxContentWidth, c.Width-2*bodyPad)) }

// Current is the screen the state is on.
func (c *Common) Current() steps.Screen {
	cur, _ := c.Mach.Current(*c.State)
	return cur
}

// Section is the course section of the current screen.
func (c *Common) Section() steps.Section { return c.Mach.Course.Sections[c.Current().Section] }

// component is one kind of screen or overlay. It draws its body from the
// state (view derives from state: nothing is rendered ahead), handles the
// keys that are its own, and names them for the help.
type component interface {
	// view draws the body at the content width; sel is the selected item.
	view(sel int) body
	// update handles a key; handled=false lets the root's keys apply.
	update(msg tea.KeyPressMsg, sel int) (cmd tea.Cmd, handled bool)
	// keys are the component's own keys, shown in the footer's help.
	keys() []key.Binding
	// start is the item selected when the component is shown.
	start() int
}

// span is a range of body lines [start, end] belonging to one selectable item.
type span struct{ start, end int }

// body is a drawn component: its lines, where its selectable items are, and
// what space/enter does there.
type body struct {
	lines  []string
	items  []span
	focus  *span  // keep this visible (quiz feedback)
	choose string // help text of space/enter, "" when it does nothing
}

// lineBuf collects the lines of a body.
type lineBuf struct {
	lines []string
}

func (b *lineBuf) add(ls ...string) { b.lines = append(b.lines, ls...) }
func (b *lineBuf) blank()           { b.lines = append(b.lines, "") }
func (b *lineBuf) n() int           { return len(b.lines) }

// styled wraps text to width and styles every line.
func styled(s string, width int, st lipgloss.Style) []string {
	ls := wrap.Text(s, width)
	for i := range ls {
		ls[i] = st.Render(ls[i])
	}
	return ls
}

// item renders a checklist-like line: prefix (already styled, of width pw)
// then the text wrapped under itself.
func item(prefix string, pw int, text string, width int, st lipgloss.Style) []string {
	ls := wrap.Text(text, width-pw)
	out := make([]string, len(ls))
	for i, l := range ls {
		if i == 0 {
			out[i] = prefix + st.Render(l)
		} else {
			out[i] = strings.Repeat(" ", pw) + st.Render(l)
		}
	}
	return out
}

// heading puts a bold title on the left and a dim note on the right.
func (c *Common) heading(left, right string, width int) []string {
	st := c.Styles
	lw, rw := ansi.StringWidth(left), ansi.StringWidth(right)
	if right == "" || lw+2+rw > width {
		out := styled(left, width, st.Heading)
		if right != "" {
			out = append(out, st.Dim.Render(truncate(right, width)))
		}
		return out
	}
	return []string{st.Heading.Render(left) + strings.Repeat(" ", width-lw-rw) + st.Dim.Render(right)}
}

func (c *Common) cursorMark(on bool) string {
	if on {
		return c.Styles.Cursor.Render("›") + " "
	}
	return "  "
}

func (c *Common) checkbox(on bool) string {
	if on {
		return c.Styles.Checked.Render("[x]")
	}
	return c.Styles.Box.Render("[ ]")
}

// row is "prefix title ......... right" on one line; when both do not fit, the
// right note is left out if that keeps the title whole, else the title is cut.
func (c *Common) row(prefix, title, right string, w int) string {
	pw, rw := ansi.StringWidth(prefix), ansi.StringWidth(right)
	if tw := ansi.StringWidth(title); pw+tw+2+rw > w && pw+tw+2 <= w {
		// The note on the right is a hint the footer or the page repeats;
		// the title is what the row does, so on a narrow screen the note
		// gives way rather than cut the title.
		right, rw = "", 0
	}
	title = truncate(title, max(1, w-pw-rw-2))
	gap := max(2, w-pw-ansi.StringWidth(title)-rw)
	return prefix + c.Styles.Text.Render(title) + strings.Repeat(" ", gap) + c.Styles.Dim.Render(right)
}

// pick is the text style of a row, bold under the cursor.
func (c *Common) pick(on bool) lipgloss.Style {
	if on {
		return c.Styles.Selected
	}
	return c.Styles.Text
}

// Callout labels: a symbol and a word, the same width, so they read without
// colour and their texts line up.
var calloutLabels = map[string]string{
	steps.KindCritical: "! CRITICAL",
	steps.KindNote:     "i NOTE",
	steps.KindTip:      "* TIP",
	steps.KindFact:     "> FACT",
}

const calloutLabelWidth = 10

// callout renders "! CRITICAL  text" indented, the text hanging under itself.
func (c *Common) callout(co steps.Callout, indent, w int) []string {
	label := calloutLabels[co.Kind]
	prefix := strings.Repeat(" ", indent) + c.Styles.Callout[co.Kind].Render(padRight(label, calloutLabelWidth)) + "  "
	return item(prefix, indent+calloutLabelWidth+2, co.Text, w, c.Styles.Text)
}

// table renders a lipgloss table that fits width. Cells are wrapped here,
// to column widths shared out by need, and rows get separators once any
// cell wraps, so a wrapped row still reads as one.
func (c *Common) table(headers []string, rows [][]string, w int) string {
	cols := len(headers)
	nat := make([]int, cols)
	word := make([]int, cols) // the longest word: a column narrower breaks words
	measure := func(col int, cell string) {
		nat[col] = max(nat[col], ansi.StringWidth(cell))
		for _, wd := range strings.Fields(cell) {
			word[col] = max(word[col], ansi.StringWidth(wd))
		}
	}
	for col, h := range headers {
		measure(col, h)
	}
	for _, r := range rows {
		for col, cell := range r {
			measure(col, cell)
		}
	}
	avail := w - (cols + 1) - 2*cols // borders and cell padding
	widths := shareWidths(nat, word, avail)
	wrapped := false
	fit := func(cells []string) []string {
		out := make([]string, len(cells))
		for col, cell := range cells {
			ls := wrap.Text(cell, widths[col])
			wrapped = wrapped || len(ls) > 1
			out[col] = strings.Join(ls, "\n")
		}
		return out
	}
	hs := fit(headers)
	rs := make([][]string, len(rows))
	for i, r := range rows {
		rs[i] = fit(r)
	}
	st := c.Styles
	return table.New().
		Border(lipgloss.RoundedBorder()).
		BorderStyle(st.TableBorder).
		BorderRow(wrapped).
		Headers(hs...).
		Rows(rs...).
		StyleFunc(func(row, col int) lipgloss.Style {
			if row == table.HeaderRow {
				return st.TableHeader
			}
			return st.TableCell
		}).String()
}

// shareWidths gives each column its natural width if all fit. Otherwise
// every column gets at least its longest word (so no word is broken) and
// the rest goes to the columns that still need it, in proportion to that
// need. Only when even the longest words do not fit are they broken.
func shareWidths(nat, word []int, avail int) []int {
	out := make([]int, len(nat))
	sum, words := 0, 0
	for i, n := range nat {
		sum += n
		words += min(word[i], n)
	}
	if sum <= avail {
		copy(out, nat)
		return out
	}
	if words > avail {
		// Too narrow for whole words: share evenly, at least 4 each.
		for i := range out {
			out[i] = max(4, avail/len(out))
		}
		return out
	}
	left, need := avail-words, 0
	for i := range nat {
		out[i] = min(word[i], nat[i])
		need += nat[i] - out[i]
	}
	given, last := 0, -1
	for i := range nat {
		if extra := nat[i] - out[i]; extra > 0 {
			g := left * extra / max(1, need)
			out[i] += g
			given += g
			last = i
		}
	}
	if last >= 0 {
		out[last] = min(nat[last], out[last]+left-given)
	}
	return out
}

// truncate cuts s to width cells with an ellipsis.
func truncate(s string, width int) string {
	if width <= 0 {
		return ""
	}
	return ansi.Truncate(s, width, "…")
}

// padRight pads s with spaces to width cells.
func padRight(s string, width int) string {
	if n := width - ansi.StringWidth(s); n > 0 {
		return s + strings.Repeat(" ", n)
	}
	return s
}
