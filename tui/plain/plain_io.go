package plain

import (
	"bufio"
	"context"
	"io"
	"strconv"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/kvbridge/kvbridge/internal/tty"
	"github.com/kvbridge/kvbridge/tui/internal/wrap"
)

// This file holds the plain runner's input and output plumbing: a line reader
// that honours the context, word wrapping, and the colour decision.

// plainLineReader reads lines in its own goroutine so that a cancelled context
// (ctrl+c through signal.NotifyContext) ends a prompt at once, even while the
// read itself is still blocked on a terminal. It reads only when asked for a
// line, so between prompts nothing is pending on the input and a hidden
// prompt can read the terminal itself (term.ReadPassword).
type plainLineReader struct {
	req     chan struct{}
	lines   chan plainLineResult
	done    chan struct{}
	pending bool // a line was asked for and has not been taken yet
	ended   bool // an error was returned; later calls return io.EOF
}

type plainLineResult struct {
	line string
	err  error
}

func newPlainLineReader(r io.Reader) *plainLineReader {
	lr := &plainLineReader{req: make(chan struct{}), lines: make(chan plainLineResult, 1), done: make(chan struct{})}
	go func() {
		br := bufio.NewReader(r)
		var later error // the error that ended a last line without a newline
		for {
			select {
			case <-lr.req:
			case <-lr.done:
				return
			}
			if later != nil {
				lr.lines <- plainLineResult{err: later}
				return
			}
			s, err := br.ReadString('\n')
			if s != "" {
				// A last line without a newline still counts as an answer.
				lr.lines <- plainLineResult{line: strings.TrimRight(s, "\r\n")}
				later = err
				continue
			}
			lr.lines <- plainLineResult{err: err}
			return
		}
	}()
	return lr
}

// next returns the next line, io.EOF (or the read error) when input ends, or
// the context's error when it is cancelled first. After an error every call
// returns an error.
func (lr *plainLineReader) next(ctx context.Context) (string, error) {
	line, _, err := lr.nextOr(ctx, nil)
	return line, err
}

// nextOr is next, but it also returns when tick fires before a line comes
// (ticked is true). The line asked for stays pending: the next call returns
// it. A nil tick never fires.
func (lr *plainLineReader) nextOr(ctx context.Context, tick <-chan time.Time) (line string, ticked bool, err error) {
	if lr.ended {
		return "", false, io.EOF
	}
	if !lr.pending {
		select {
		case lr.req <- struct{}{}:
			lr.pending = true
		case <-ctx.Done():
			return "", false, ctx.Err()
		}
	}
	select {
	case <-ctx.Done():
		return "", false, ctx.Err()
	case <-tick:
		return "", true, nil
	case r := <-lr.lines:
		lr.pending = false
		if r.err != nil {
			lr.ended = true
			return "", false, r.err
		}
		return r.line, false, nil
	}
}

// stop releases the reader goroutine. A read blocked on a terminal ends with
// the process.
func (lr *plainLineReader) stop() { close(lr.done) }

// plainIsTTY reports whether f is a terminal.
func plainIsTTY(f any) bool { return tty.IsTerminal(f) }

// plainGetenv returns the value of key in an os.Environ-style list.
func plainGetenv(environ []string, key string) string {
	val := ""
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			val = v // the last one wins, as in the shell
		}
	}
	return val
}

// plainWidth is the wrap width: $COLUMNS when it is a sensible number, else 80.
func plainWidth(environ []string) int {
	if n, err := strconv.Atoi(strings.TrimSpace(plainGetenv(environ, "COLUMNS"))); err == nil && n > 0 {
		return max(n, 20)
	}
	return 80
}

// plainProfile is how much ANSI the plain runner may write (tty.ColorProfile).
func plainProfile(out io.Writer, environ []string, noColor bool) colorprofile.Profile {
	return tty.ColorProfile(out, environ, noColor)
}

// plainStyles colours a few words: headings, callout labels, quiz feedback.
// Meaning never rests on colour: every styled word is also a word.
type plainStyles struct {
	on                          bool
	heading, critical, label    lipgloss.Style
	good, bad, dim, warningNote lipgloss.Style
}

func newPlainStyles(on bool) plainStyles {
	return plainStyles{
		on:          on,
		heading:     lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("#5FAFFF")),
		critical:    lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("#FF5F5F")),
		label:       lipgloss.NewStyle().Bold(true),
		good:        lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("#5FD75F")),
		bad:         lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("#FFAF00")),
		dim:         lipgloss.NewStyle().Faint(true),
		warningNote: lipgloss.NewStyle().Foreground(lipgloss.Color("#FFAF00")),
	}
}

func (s plainStyles) render(st lipgloss.Style, text string) string {
	if !s.on || text == "" {
		return text
	}
	return st.Render(text)
}

// plainWrap fills text into lines of at most width columns, with first and
// rest as prefixes (wrap.Hanging).
func plainWrap(text string, width int, first, rest string) []string {
	return wrap.Hanging(text, width, first, rest)
}
