package tui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// wrap breaks plain text into lines of at most width cells, at spaces where
// it can and inside a word only when the word alone is too long.
func wrap(s string, width int) []string {
	if width < 1 {
		width = 1
	}
	var out []string
	for _, para := range strings.Split(s, "\n") {
		w := ansi.Wrap(para, width, "")
		out = append(out, strings.Split(w, "\n")...)
	}
	for i, l := range out {
		out[i] = strings.TrimRight(l, " ")
	}
	return out
}

// hang wraps s to width with a first-line prefix and a continuation prefix
// of the same display width (a hanging indent).
func hang(s string, width int, first, rest string) []string {
	lines := wrap(s, width-ansi.StringWidth(first))
	for i := range lines {
		if i == 0 {
			lines[i] = first + lines[i]
		} else {
			lines[i] = rest + lines[i]
		}
	}
	return lines
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
