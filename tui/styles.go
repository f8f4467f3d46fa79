package tui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"
)

// Styles is the one set of styles of the wizard, built once per background
// (dark by default, light when the terminal says so). Nothing relies on
// colour alone: every state also has a word or a symbol, so the screens read
// the same under NO_COLOR.
type Styles struct {
	isDark bool

	Title     lipgloss.Style // course title
	Tab       lipgloss.Style
	TabActive lipgloss.Style
	TabDone   lipgloss.Style
	Position  lipgloss.Style
	Percent   lipgloss.Style
	Rule      lipgloss.Style

	Heading  lipgloss.Style // screen heading
	StepID   lipgloss.Style
	Text     lipgloss.Style
	Dim      lipgloss.Style
	Emph     lipgloss.Style
	Cursor   lipgloss.Style // the "›" marker
	Selected lipgloss.Style // the line under the cursor
	Checked  lipgloss.Style
	Box      lipgloss.Style // unticked checkbox

	Callout map[string]lipgloss.Style // by steps.Kind*

	Right lipgloss.Style // quiz: right answer
	Wrong lipgloss.Style // quiz: wrong answer
	Warn  lipgloss.Style

	TableHeader lipgloss.Style
	TableCell   lipgloss.Style
	TableBorder lipgloss.Style

	Party       lipgloss.Style // diagram box
	Link        lipgloss.Style // diagram link, not built here
	LinkActive  lipgloss.Style // diagram link this section builds
	PartyActive lipgloss.Style

	Status    lipgloss.Style
	StatusErr lipgloss.Style
	Notice    lipgloss.Style
	Modal     lipgloss.Style
	Trophy    lipgloss.Style
	Spinner   lipgloss.Style

	Help help.Styles
	Bar  barColors
}

type barColors struct{ full, empty lipgloss.Style }

// NewStyles builds the palette for a dark or light background.
func NewStyles(isDark bool) *Styles {
	ld := lipgloss.LightDark(isDark)
	var (
		accent = ld(lipgloss.Color("#5A3FC0"), lipgloss.Color("#A78BFA"))
		green  = ld(lipgloss.Color("#1A7F37"), lipgloss.Color("#3FB950"))
		red    = ld(lipgloss.Color("#CF222E"), lipgloss.Color("#FF7B72"))
		amber  = ld(lipgloss.Color("#9A6700"), lipgloss.Color("#E3B341"))
		blue   = ld(lipgloss.Color("#0969DA"), lipgloss.Color("#79C0FF"))
		dim    = ld(lipgloss.Color("#6E7781"), lipgloss.Color("#8B949E"))
		faint  = ld(lipgloss.Color("#D0D7DE"), lipgloss.Color("#30363D"))
		text   = ld(lipgloss.Color("#1F2328"), lipgloss.Color("#E6EDF3"))
		onAcc  = ld(lipgloss.Color("#FFFFFF"), lipgloss.Color("#1B1530"))
	)
	st := lipgloss.NewStyle
	s := &Styles{isDark: isDark}
	s.Title = st().Bold(true).Foreground(accent)
	s.Tab = st().Foreground(dim)
	s.TabActive = st().Bold(true).Reverse(false).Foreground(onAcc).Background(accent)
	s.TabDone = st().Foreground(green)
	s.Position = st().Foreground(dim)
	s.Percent = st().Bold(true).Foreground(text)
	s.Rule = st().Foreground(faint)

	s.Heading = st().Bold(true).Foreground(text)
	s.StepID = st().Bold(true).Foreground(accent)
	s.Text = st().Foreground(text)
	s.Dim = st().Foreground(dim)
	s.Emph = st().Bold(true)
	s.Cursor = st().Bold(true).Foreground(accent)
	s.Selected = st().Bold(true).Foreground(text)
	s.Checked = st().Foreground(green)
	s.Box = st().Foreground(dim)

	s.Callout = map[string]lipgloss.Style{
		"critical": st().Bold(true).Foreground(red),
		"note":     st().Bold(true).Foreground(blue),
		"tip":      st().Bold(true).Foreground(green),
		"fact":     st().Bold(true).Foreground(amber),
	}
	s.Right = st().Bold(true).Foreground(green)
	s.Wrong = st().Bold(true).Foreground(red)
	s.Warn = st().Bold(true).Foreground(amber)

	s.TableHeader = st().Bold(true).Foreground(accent).Padding(0, 1)
	s.TableCell = st().Foreground(text).Padding(0, 1)
	s.TableBorder = st().Foreground(dim)

	s.Party = st().Foreground(text)
	s.PartyActive = st().Bold(true).Foreground(text)
	s.Link = st().Foreground(dim)
	s.LinkActive = st().Bold(true).Foreground(accent)

	s.Status = st().Foreground(dim)
	s.StatusErr = st().Bold(true).Foreground(red)
	s.Notice = st().Bold(true).Foreground(amber)
	s.Modal = st().Border(lipgloss.RoundedBorder()).BorderForeground(accent).Padding(1, 3)
	s.Trophy = st().Bold(true).Foreground(amber)
	s.Spinner = st().Bold(true).Foreground(accent)

	s.Help = help.DefaultStyles(isDark)
	s.Bar = barColors{full: st().Foreground(accent), empty: st().Foreground(faint)}
	return s
}
