// Package tty holds what kvbridge asks of a terminal, once for every front
// end and command: whether a stream is one, the colour profile to write
// with, and a line read with echo off.
package tty

import (
	"context"
	"io"
	"os"
	"strings"

	"github.com/charmbracelet/colorprofile"
	"golang.org/x/term"
)

// MaxLine bounds a hidden line: a client secret's Value is about 40
// characters, so anything near this is a paste gone wrong.
const MaxLine = 64 << 10

// IsTerminal reports whether v is an *os.File on a terminal.
func IsTerminal(v any) bool {
	f, ok := v.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// Width is the column count of the terminal v is on, or 0 when v is not an
// *os.File on a terminal or the terminal does not say.
func Width(v any) int {
	f, ok := v.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return 0
	}
	w, _, err := term.GetSize(int(f.Fd()))
	if err != nil || w < 0 {
		return 0
	}
	return w
}

// ColorProfile is how much colour to write to out: none with NO_COLOR (any
// non-empty value, not only what strconv.ParseBool takes), noColor, or
// TERM=dumb, and none to a pipe or a file; otherwise what colorprofile detects
// from the environment (os.Environ style).
func ColorProfile(out io.Writer, environ []string, noColor bool) colorprofile.Profile {
	if noColor || getenv(environ, "NO_COLOR") != "" || getenv(environ, "TERM") == "dumb" {
		return colorprofile.NoTTY
	}
	return colorprofile.Detect(out, environ)
}

func getenv(environ []string, key string) string {
	val := ""
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			val = v // the last one wins, as in the shell
		}
	}
	return val
}

// ReadHidden reads one line from the terminal f with echo off (no newline in
// it). ctrl+d on an empty line is io.EOF. A cancelled ctx (a signal) ends the
// wait at once and puts the terminal's modes back; the read itself ends
// with the process.
func ReadHidden(ctx context.Context, f *os.File) ([]byte, error) {
	fd := int(f.Fd())
	before, _ := term.GetState(fd)
	type result struct {
		b   []byte
		err error
	}
	ch := make(chan result, 1)
	go func() {
		b, err := readHidden(fd)
		ch <- result{b, err}
	}()
	select {
	case r := <-ch:
		return r.b, r.err
	case <-ctx.Done():
		if before != nil {
			_ = term.Restore(fd, before)
		}
		return nil, context.Cause(ctx)
	}
}
