package tui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/kvbridge/kvbridge/tui/internal/wrap"
)

// diagram draws the course's three parties in a row (or a column when the
// row does not fit) and marks the link a section builds: a double line and a
// "▲ this section" label under it, so it reads without colour.
func diagram(parties []string, from, to int, label string, width int, st *Styles) string {
	if len(parties) != 3 {
		return ""
	}
	if s, ok := diagramRow(parties, from, to, label, width, st); ok {
		return s
	}
	return diagramColumn(parties, from, to, label, width, st)
}

type dbox struct {
	lines []string
	w     int // outer width
}

func makeBoxes(parties []string, inner int) ([]dbox, int) {
	boxes := make([]dbox, len(parties))
	h := 0
	for i, p := range parties {
		ls := wrap.Text(p, inner)
		w := 0
		for _, l := range ls {
			w = max(w, ansi.StringWidth(l))
		}
		boxes[i] = dbox{lines: ls, w: w + 4}
		h = max(h, len(ls))
	}
	return boxes, h
}

func diagramRow(parties []string, from, to int, label string, width int, st *Styles) (string, bool) {
	boxes, h := makeBoxes(parties, 40)
	sum := 0
	for _, b := range boxes {
		sum += b.w
	}
	if sum+2*8 > width {
		boxes, h = makeBoxes(parties, 19)
		sum = 0
		for _, b := range boxes {
			sum += b.w
		}
	}
	link := min((width-sum)/2, 16)
	if link < 6 {
		return "", false
	}
	lo, hi := min(from, to), max(from, to)
	skip := hi-lo == 2 // the link bypasses the middle party
	active := func(i int) bool { return !skip && lo == i }

	var rows []string
	// Top borders.
	var b strings.Builder
	for i, bx := range boxes {
		b.WriteString(st.partyStyle(i, lo, hi).Render("┌" + strings.Repeat("─", bx.w-2) + "┐"))
		if i < 2 {
			b.WriteString(strings.Repeat(" ", link))
		}
	}
	rows = append(rows, b.String())
	markCol := -1
	for r := 0; r < h; r++ {
		b.Reset()
		col := 0
		for i, bx := range boxes {
			line := ""
			if r < len(bx.lines) {
				line = bx.lines[r]
			}
			ps := st.partyStyle(i, lo, hi)
			b.WriteString(ps.Render("│ " + padRight(line, bx.w-4) + " │"))
			col += bx.w
			if i < 2 {
				switch {
				case r == 0 && active(i):
					if from < to {
						b.WriteString(st.LinkActive.Render(" " + strings.Repeat("═", link-3) + "▶ "))
					} else {
						b.WriteString(st.LinkActive.Render(" ◀" + strings.Repeat("═", link-3) + " "))
					}
					markCol = col + link/2
				case r == 0:
					b.WriteString(st.Link.Render(" " + strings.Repeat("─", link-2) + " "))
				default:
					b.WriteString(strings.Repeat(" ", link))
				}
				col += link
			}
		}
		rows = append(rows, b.String())
	}
	// Bottom borders; a link that bypasses the middle hangs below them.
	b.Reset()
	centers := make([]int, 3)
	col := 0
	for i, bx := range boxes {
		centers[i] = col + bx.w/2
		border := "└" + strings.Repeat("─", bx.w-2) + "┘"
		if skip && (i == lo || i == hi) {
			mid := bx.w / 2
			border = "└" + strings.Repeat("─", mid-1) + "╥" + strings.Repeat("─", bx.w-mid-2) + "┘"
		}
		b.WriteString(st.partyStyle(i, lo, hi).Render(border))
		col += bx.w
		if i < 2 {
			b.WriteString(strings.Repeat(" ", link))
			col += link
		}
	}
	rows = append(rows, b.String())
	if skip {
		a, z := centers[lo], centers[hi]
		var line string
		if from < to {
			line = "╚" + strings.Repeat("═", z-a-2) + "▶╝"
		} else {
			line = "╚◀" + strings.Repeat("═", z-a-2) + "╝"
		}
		rows = append(rows, strings.Repeat(" ", a)+st.LinkActive.Render(line))
		markCol = (a + z) / 2
	}
	total := col
	rows = append(rows, markerLines(markCol, total, label, st)...)
	return strings.Join(rows, "\n"), true
}

// markerLines puts "▲" under the active link and the label centred under it.
func markerLines(col, total int, label string, st *Styles) []string {
	text := "this section builds: " + label
	out := []string{strings.Repeat(" ", max(0, col)) + st.LinkActive.Render("▲")}
	lw := ansi.StringWidth(text)
	if lw <= total {
		start := min(max(0, col-lw/2), total-lw)
		out = append(out, strings.Repeat(" ", start)+st.LinkActive.Render(text))
		return out
	}
	for _, l := range wrap.Text(text, total) {
		out = append(out, st.LinkActive.Render(l))
	}
	return out
}

func diagramColumn(parties []string, from, to int, label string, width int, st *Styles) string {
	inner := max(8, min(36, width-12))
	boxes, _ := makeBoxes(parties, inner)
	bw := 0
	for _, b := range boxes {
		bw = max(bw, b.w)
	}
	lo, hi := min(from, to), max(from, to)
	skip := hi-lo == 2
	var rows []string
	rail := func(i, r, n int) string { // right-hand rail for a link that bypasses the middle
		if !skip {
			return ""
		}
		mid := n / 2
		switch {
		case i == lo && r == mid:
			return st.LinkActive.Render(" ══╗")
		case i == hi && r == mid:
			return st.LinkActive.Render(" ◀═╝")
		case (i == lo && r > mid) || i == 1 || (i == hi && r < mid):
			return st.LinkActive.Render("   ║")
		}
		return ""
	}
	for i, bx := range boxes {
		ps := st.partyStyle(i, lo, hi)
		n := len(bx.lines) + 2
		rows = append(rows, ps.Render("┌"+strings.Repeat("─", bw-2)+"┐")+rail(i, 0, n))
		for r, l := range bx.lines {
			rows = append(rows, ps.Render("│ "+padRight(l, bw-4)+" │")+rail(i, r+1, n))
		}
		rows = append(rows, ps.Render("└"+strings.Repeat("─", bw-2)+"┘")+rail(i, n-1, n))
		if i < 2 {
			connector := st.Link.Render("      │")
			if !skip && i == lo {
				arrow := "▼"
				if from > to {
					arrow = "▲"
				}
				connector = st.LinkActive.Render("      ║ " + arrow + " this section builds: ")
				lines := wrap.Text(label, max(8, width-29))
				connector += st.LinkActive.Render(lines[0])
				rows = append(rows, connector+railLine(skip, st))
				for _, l := range lines[1:] {
					rows = append(rows, st.LinkActive.Render("      ║   "+l))
				}
				continue
			}
			rows = append(rows, padRight(connector, bw)+railLine(skip, st))
		}
	}
	if skip {
		// The caption wraps (the safety cut below would hide its end).
		for _, l := range wrap.Text("the ═ line is what this section builds: "+label, max(8, width)) {
			rows = append(rows, st.LinkActive.Render(l))
		}
	}
	for i, r := range rows {
		if ansi.StringWidth(r) > width {
			rows[i] = ansi.Truncate(r, width, "…")
		}
	}
	return strings.Join(rows, "\n")
}

func railLine(skip bool, st *Styles) string {
	if !skip {
		return ""
	}
	return st.LinkActive.Render("   ║")
}

func (s *Styles) partyStyle(i, lo, hi int) interface{ Render(...string) string } {
	if i == lo || i == hi {
		return s.PartyActive
	}
	return s.Party
}
