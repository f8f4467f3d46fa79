// Package dashboard is the trainer's full-screen view of a room: one row per seat
// (name, progress, section, quiz, the failing check and its cause, time since the last
// activity, a stuck mark) with the scenario hidden until the trainer reveals it, and
// keys to reveal, break, reset and export. It reads the room through room.Trainer, so
// the same model serves `room serve` (in process) and `room watch` (remote).
package dashboard

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kvbridge/kvbridge/internal/termsafe"
	"github.com/kvbridge/kvbridge/steps/room"
)

// Refresh is how often the seats are fetched again.
const Refresh = time.Second

// callTimeout bounds each call to the room.
const callTimeout = 10 * time.Second

// Options configure the dashboard.
type Options struct {
	Title     string // the first line: the room and how to join it
	ExportDir string // where e writes the report ("" = current directory)
	Now       func() time.Time
	NoTick    bool // tests drive refreshes by hand
}

type mode int

const (
	modeSeats mode = iota
	modeBreak
	modeConfirmReset
)

// Model is the dashboard's Bubble Tea model.
type Model struct {
	src    room.Trainer
	opts   Options
	seats  []room.SeatView
	loaded bool
	err    string
	status string
	cursor int
	mode   mode
	brk    int // cursor in the break menu
	breaks []room.Break
	width  int
	height int
	quit   bool
}

// New makes a dashboard over src.
func New(src room.Trainer, opts Options) Model {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return Model{src: src, opts: opts, breaks: room.Breaks(), width: 80, height: 24}
}

// Messages.
type (
	seatsMsg struct {
		seats []room.SeatView
		err   error
	}
	tickMsg   struct{}
	actionMsg struct {
		text string
		err  error
	}
)

func (m Model) fetch() tea.Cmd {
	src := m.src
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
		defer cancel()
		s, err := src.Seats(ctx)
		return seatsMsg{s, err}
	}
}

func tick() tea.Cmd { return tea.Tick(Refresh, func(time.Time) tea.Msg { return tickMsg{} }) }

// Init fetches the seats.
func (m Model) Init() tea.Cmd { return m.fetch() }

// Update handles keys, refreshes and the answers of the trainer's actions.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
	case seatsMsg:
		if msg.err != nil {
			m.err = "The room did not answer: " + termsafe.Clean(msg.err.Error())
		} else {
			m.seats, m.loaded, m.err = msg.seats, true, ""
			if m.cursor >= len(m.seats) {
				m.cursor = max(0, len(m.seats)-1)
			}
		}
		if !m.opts.NoTick {
			return m, tick()
		}
	case tickMsg:
		return m, m.fetch()
	case actionMsg:
		if msg.err != nil {
			m.status = termsafe.Clean(msg.err.Error())
		} else {
			m.status = termsafe.Clean(msg.text)
		}
		return m, m.fetch()
	case tea.KeyPressMsg:
		return m.key(msg)
	}
	return m, nil
}

func (m Model) selected() (room.SeatView, bool) {
	if m.cursor < 0 || m.cursor >= len(m.seats) {
		return room.SeatView{}, false
	}
	return m.seats[m.cursor], true
}

func (m Model) key(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	key := k.String()
	if key == "ctrl+c" {
		m.quit = true
		return m, tea.Quit
	}
	switch m.mode {
	case modeBreak:
		switch key {
		case "up", "k":
			m.brk = max(0, m.brk-1)
		case "down", "j":
			m.brk = min(len(m.breaks)-1, m.brk+1)
		case "esc", "q":
			m.mode, m.status = modeSeats, "No fault put."
		case "enter":
			m.mode = modeSeats
			s, ok := m.selected()
			if !ok {
				return m, nil
			}
			b := m.breaks[m.brk]
			m.status = fmt.Sprintf("Putting %q on seat %d…", b.Title, s.Seat)
			return m, m.action(func(ctx context.Context) (string, error) { return m.src.Break(ctx, s.Seat, b.Name) })
		}
		return m, nil
	case modeConfirmReset:
		m.mode = modeSeats
		s, ok := m.selected()
		if key != "y" || !ok {
			m.status = "Seat not reset."
			return m, nil
		}
		m.status = fmt.Sprintf("Resetting seat %d…", s.Seat)
		return m, m.action(func(ctx context.Context) (string, error) {
			return fmt.Sprintf("Seat %d has a fresh tenant; the trainee's kvbridge picks it up at its next report.", s.Seat), m.src.Reset(ctx, s.Seat)
		})
	}
	switch key {
	case "q", "esc":
		m.quit = true
		return m, tea.Quit
	case "up", "k":
		m.cursor = max(0, m.cursor-1)
	case "down", "j":
		m.cursor = min(max(0, len(m.seats)-1), m.cursor+1)
	case "home", "g":
		m.cursor = 0
	case "end", "G":
		m.cursor = max(0, len(m.seats)-1)
	case "r":
		s, ok := m.selected()
		if !ok {
			return m, nil
		}
		return m, m.action(func(ctx context.Context) (string, error) {
			a, err := m.src.Reveal(ctx, s.Seat)
			if err != nil {
				return "", err
			}
			text := fmt.Sprintf("Seat %d: %s", s.Seat, a.Scenario)
			if a.Check != "" {
				text += fmt.Sprintf(" (%s fails: %s)", a.Check, a.Cause)
			}
			return text, nil
		})
	case "b":
		if _, ok := m.selected(); ok {
			m.mode, m.brk = modeBreak, 0
		}
	case "x":
		if s, ok := m.selected(); ok {
			m.mode = modeConfirmReset
			m.status = fmt.Sprintf("Reset seat %d (%s)? Its tenant is built anew and its progress cleared. y to reset, any other key to keep.", s.Seat, termsafe.Clean(s.Name))
		}
	case "e":
		return m, m.export()
	}
	return m, nil
}

func (m Model) action(fn func(ctx context.Context) (string, error)) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
		defer cancel()
		text, err := fn(ctx)
		return actionMsg{text, err}
	}
}

// export writes the merged report as JSON and CSV side by side.
func (m Model) export() tea.Cmd {
	src, dir, now := m.src, m.opts.ExportDir, m.opts.Now()
	return m.action(func(ctx context.Context) (string, error) {
		rep, err := src.Report(ctx)
		if err != nil {
			return "", err
		}
		if dir == "" {
			dir = "."
		}
		base := filepath.Join(dir, "room-report-"+now.Format("20060102-150405"))
		data, _ := json.MarshalIndent(rep, "", "  ")
		if err := os.WriteFile(base+".json", append(data, '\n'), 0o644); err != nil {
			return "", fmt.Errorf("exporting the report: %w", err)
		}
		f, err := os.OpenFile(base+".csv", os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
		if err != nil {
			return "", fmt.Errorf("exporting the report: %w", err)
		}
		if err := rep.WriteCSV(f); err != nil {
			f.Close()
			return "", fmt.Errorf("exporting the report: %w", err)
		}
		if err := f.Close(); err != nil {
			return "", fmt.Errorf("exporting the report: %w", err)
		}
		return "Report written: " + base + ".json and .csv", nil
	})
}

// View draws the dashboard.
func (m Model) View() tea.View {
	v := tea.NewView(m.Render())
	v.AltScreen = true
	v.WindowTitle = "kvbridge room"
	return v
}

// Render is the screen as text (the tests read it). The title (the join string, which
// trainees copy) and the messages wrap rather than lose their ends; the table gets the
// lines left.
func (m Model) Render() string {
	w := max(40, m.width)
	var top, bottom []string
	wrapped := func(dst *[]string, s string, hard bool) {
		if hard {
			s = ansi.Hardwrap(s, w, false)
		} else {
			s = ansi.Wrap(s, w, " ")
		}
		*dst = append(*dst, strings.Split(s, "\n")...)
	}
	joined, stuck := 0, 0
	for _, s := range m.seats {
		if s.Joined {
			joined++
		}
		if s.Stuck != "" {
			stuck++
		}
	}
	for _, l := range strings.Split(m.opts.Title, "\n") {
		wrapped(&top, l, true)
	}
	summary := fmt.Sprintf("%d of %d seats joined", joined, len(m.seats))
	if stuck > 0 {
		summary += fmt.Sprintf(" · %d stuck", stuck)
	}
	if !m.loaded {
		summary = "Reading the room…"
	}
	top = append(top, summary, "")
	cols := layout(w)
	top = append(top, cols.header())
	if m.mode == modeBreak {
		s, _ := m.selected()
		wrapped(&bottom, fmt.Sprintf("Break seat %d (%s): the trainer breaks it, the trainee fixes it. Enter puts it, Esc cancels.", s.Seat, termsafe.Clean(s.Name)), false)
		for i, br := range m.breaks {
			mark := "  "
			if i == m.brk {
				mark = "▸ "
			}
			bottom = append(bottom, fmt.Sprintf("%s%-16s %s", mark, br.Name, br.Title))
		}
	}
	bottom = append(bottom, "")
	wrapped(&bottom, m.detail(), false)
	if m.err != "" {
		wrapped(&bottom, m.err, false)
	} else {
		wrapped(&bottom, m.status, false)
	}
	bottom = append(bottom, "↑↓ seat · r reveal scenario · b break · x reset · e export report · q quit")
	rows := max(1, m.height-len(top)-len(bottom))
	first := 0
	if m.cursor >= rows {
		first = m.cursor - rows + 1
	}
	var table []string
	for i := first; i < len(m.seats) && i < first+rows; i++ {
		table = append(table, cols.row(m.seats[i], i == m.cursor, m.opts.Now()))
	}
	var b strings.Builder
	for _, l := range append(append(top, table...), bottom...) {
		b.WriteString(ansi.Truncate(l, w, "…") + "\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// detail is the selected seat in full: what the row may have cut short.
func (m Model) detail() string {
	s, ok := m.selected()
	if !ok || !s.Joined {
		return ""
	}
	parts := []string{fmt.Sprintf("Seat %d, %s", s.Seat, termsafe.Clean(s.Name))}
	if s.SectionTitle != "" {
		parts = append(parts, "in "+termsafe.Clean(s.SectionTitle))
	}
	if s.FailingCheck != "" {
		parts = append(parts, "failing "+termsafe.Clean(s.FailingCheck)+" ("+termsafe.Clean(s.FailingCause)+")")
	}
	if s.Stuck != "" {
		parts = append(parts, "stuck: "+termsafe.Clean(s.Stuck))
	}
	if n := len(s.Breaks); n > 0 {
		parts = append(parts, fmt.Sprintf("%d fault(s) put by you", n))
	}
	return strings.Join(parts, " · ")
}

// columns are the table's widths for a screen width; the failing check gets the rest.
type columns struct{ name, fail, scen int }

func layout(w int) columns {
	c := columns{name: 10, scen: 12}
	if w >= 120 {
		c.name, c.scen = 18, 22
	}
	// mark+# name progress sec quiz fail idle stuck scenario, one space between.
	fixed := 3 + c.name + 10 + 3 + 5 + 4 + 2 + c.scen + 8
	c.fail = max(10, w-fixed)
	return c
}

func pad(s string, n int) string {
	s = ansi.Truncate(s, n, "…")
	if gap := n - ansi.StringWidth(s); gap > 0 {
		s += strings.Repeat(" ", gap)
	}
	return s
}

func (c columns) header() string {
	return strings.Join([]string{" " + pad("#", 2), pad("Name", c.name), pad("Progress", 10), pad("Sec", 3), pad("Quiz", 5), pad("Failing check (cause)", c.fail), pad("Idle", 4), pad("!", 2), "Scenario"}, " ")
}

// bar is a five-cell progress bar and the percentage, ten cells in all.
func bar(pct int) string {
	pct = min(100, max(0, pct))
	full := pct / 20
	return strings.Repeat("█", full) + strings.Repeat("░", 5-full) + fmt.Sprintf("%4d%%", pct)
}

func idle(sec int) string {
	switch {
	case sec < 60:
		return fmt.Sprintf("%ds", sec)
	case sec < 3600:
		return fmt.Sprintf("%dm", sec/60)
	}
	return fmt.Sprintf("%dh", sec/3600)
}

func (c columns) row(s room.SeatView, sel bool, now time.Time) string {
	mark := " "
	if sel {
		mark = "▸"
	}
	num := fmt.Sprintf("%2d", s.Seat)
	if !s.Joined {
		free := []string{mark + num, pad("(free)", c.name)}
		if s.Revealed {
			free = append(free, pad("", 10), pad("", 3), pad("", 5), pad("", c.fail), pad("", 4), pad("", 2), termsafe.Clean(s.Answer.Scenario))
		}
		return strings.TrimRight(strings.Join(free, " "), " ")
	}
	quiz := "-"
	if s.Quiz.Total > 0 {
		quiz = fmt.Sprintf("%d/%d", s.Quiz.Correct, s.Quiz.Total)
	}
	fail := "-"
	if s.FailingCheck != "" {
		fail = termsafe.Clean(s.FailingCheck)
		if s.FailingCause != "" {
			fail += " (" + termsafe.Clean(s.FailingCause) + ")"
		}
	} else if s.Finished {
		fail = "✓ finished"
	}
	idleText := "-"
	if !s.LastActivity.IsZero() {
		idleText = idle(int(now.Sub(s.LastActivity) / time.Second))
	}
	stuck := ""
	if s.Stuck != "" {
		stuck = "⚠"
	}
	scen := "•••• hidden"
	if s.Revealed {
		scen = termsafe.Clean(s.Answer.Scenario)
	}
	return strings.Join([]string{mark + num, pad(termsafe.Clean(s.Name), c.name), pad(bar(s.Percent), 10), pad(termsafe.Clean(s.Section), 3),
		pad(quiz, 5), pad(fail, c.fail), pad(idleText, 4), pad(stuck, 2), scen}, " ")
}

// Quit reports whether the trainer asked to leave.
func (m Model) Quit() bool { return m.quit }
