// Package wrap breaks text into lines by terminal cells, for both front ends
// (the wizard's screens, the plain runner's doctor output).
package wrap

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Text breaks plain text into lines of at most width cells, at spaces where
// it can and inside a word only when the word alone is too long (then after
// a slash first, else at a hyphen). Hyphens do not break a word that fits (ansi.Wrap would):
// GUIDs and secret names such as Prod-VM-Admin-Pass stay whole, so they read
// and copy as one.
func Text(s string, width int) []string {
	if width < 1 {
		width = 1
	}
	var out []string
	for _, para := range strings.Split(s, "\n") {
		words := strings.Split(para, " ")
		for i, word := range words {
			if ansi.StringWidth(word) <= width {
				words[i] = protect.Replace(word)
				continue
			}
			// A longer one (a path, a resource ID) breaks best after a slash,
			// so that the names and GUIDs between slashes stay whole; a
			// piece still too long breaks at its hyphens.
			parts := strings.SplitAfter(word, "/")
			for j, p := range parts {
				if ansi.StringWidth(p) <= width {
					parts[j] = strings.ReplaceAll(p, "-", nbHyphen)
				}
			}
			words[i] = strings.Join(parts, "")
		}
		w := ansi.Wrap(strings.Join(words, " "), width, "/")
		out = append(out, strings.Split(w, "\n")...)
	}
	for i, l := range out {
		out[i] = restore.Replace(strings.TrimRight(l, " "))
	}
	return out
}

// nbHyphen (U+2011) and nbSlash (U+2215), one cell wide like "-" and "/",
// stand in for them while wrapping where no break is wanted.
const (
	nbHyphen = "\u2011"
	nbSlash  = "\u2215"
)

var (
	protect = strings.NewReplacer("-", nbHyphen, "/", nbSlash)
	restore = strings.NewReplacer(nbHyphen, "-", nbSlash, "/")
)

// Hanging fills text into lines of at most width columns. The first line
// starts with first, the others with rest (a hanging indent). Line breaks in
// text start new paragraphs; a word longer than a line stays whole.
func Hanging(text string, width int, first, rest string) []string {
	var out []string
	prefix := first
	for _, para := range strings.Split(strings.TrimSpace(text), "\n") {
		words := strings.Fields(para)
		if len(words) == 0 {
			out = append(out, strings.TrimRight(prefix, " "))
			prefix = rest
			continue
		}
		var b strings.Builder
		b.WriteString(prefix)
		n, empty := ansi.StringWidth(prefix), true
		for _, w := range words {
			ww := ansi.StringWidth(w)
			if !empty && n+1+ww > width {
				out = append(out, b.String())
				b.Reset()
				b.WriteString(rest)
				n, empty = ansi.StringWidth(rest), true
			}
			if !empty {
				b.WriteByte(' ')
				n++
			}
			b.WriteString(w)
			n += ww
			empty = false
		}
		out = append(out, b.String())
		prefix = rest
	}
	return out
}
