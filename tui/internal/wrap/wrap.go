// Package wrap breaks text into lines by terminal cells, for both front ends
// (the wizard's screens, the plain runner's doctor output).
package wrap

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Text breaks plain text into lines of at most width cells, at spaces where
// it can and inside a word only when the word alone is too long (then at its
// hyphens first). Hyphens do not break a word that fits (ansi.Wrap would):
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
			if ansi.StringWidth(word) <= width { // a longer one breaks best at its hyphens
				words[i] = strings.ReplaceAll(word, "-", nbHyphen)
			}
		}
		w := ansi.Wrap(strings.Join(words, " "), width, "")
		out = append(out, strings.Split(w, "\n")...)
	}
	for i, l := range out {
		out[i] = strings.ReplaceAll(strings.TrimRight(l, " "), nbHyphen, "-")
	}
	return out
}

// nbHyphen (U+2011, one cell wide like "-") stands in for "-" while wrapping.
const nbHyphen = "\u2011"
