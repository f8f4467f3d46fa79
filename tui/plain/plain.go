// Package plain runs the course as line-by-line prompts (Run), for screen
// readers, pipes and terminals where the full-screen wizard (package tui)
// cannot run, and writes kvbridge doctor's and sandbox list's line output
// (ResultWriter, WriteScenarios) with the same styles. It shares
// session.Options and the live rules with the wizard, and imports neither
// Bubble Tea nor Bubbles: Lip Gloss styles its few coloured words.
package plain

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/kvbridge/kvbridge/quiz"
	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/live"
	"github.com/kvbridge/kvbridge/tui/session"
)

// Run runs the course as line-by-line prompts, for screen readers, pipes
// and terminals where the full-screen UI cannot run. It reads answers from
// opts.In and writes to opts.Out; nothing is redrawn and the cursor never moves.
//
// It shows every screen of opts.Machine in order, starting where opts.State
// left off, and saves to opts.Store after every change. It returns:
//   - nil once the course is complete (the completion screen was shown), or
//     when the trainee typed q (progress saved; the state says how far they got);
//   - session.ErrAborted when the input ended first (progress saved, cmd exits 2), also
//     wrapping the context's error when ctx was cancelled;
//   - another error only when the saved progress could not be reset.
func Run(ctx context.Context, opts session.Options) (steps.State, error) {
	return runPlain(ctx, opts, plainEnv{environ: os.Environ(), now: time.Now})
}

// plainEnv is what Run takes from the process; tests supply their own.
type plainEnv struct {
	environ []string
	now     func() time.Time
	// dir is where the .ics reminder goes first ("": the current directory),
	// before the state directory.
	dir string
	// after starts a watch's wait (nil: time.After); tests fire it themselves.
	after func(time.Duration) <-chan time.Time
}

var (
	errPlainQuit     = errors.New("quit")
	errPlainFinished = errors.New("finished")
)

type plainRunner struct {
	ctx   context.Context
	m     *steps.Machine
	store steps.Store
	st    steps.State
	in    *plainLineReader
	out   io.Writer
	echo  bool // input is not a terminal: repeat each answer so the transcript reads like a dialogue
	width int
	now   func() time.Time
	sty   plainStyles

	saveErr string // the last save failure already reported, so it is said once

	rawIn io.Reader // the input itself, for hidden prompts on a terminal
	// s is the live session: it holds the state and every live rule. The
	// runner reads st back from it after each change.
	s  *live.Session
	lv plainLiveState
	// liveOn: the run was given live checks (even if it then ran offline), so
	// section 4 asks for the client secret's expiry, as the wizard does.
	liveOn bool
	saveMu sync.Mutex
	dir    string                               // where the reminder goes first
	after  func(time.Duration) <-chan time.Time // the watch's timer
}

func runPlain(ctx context.Context, opts session.Options, env plainEnv) (steps.State, error) {
	if opts.Machine == nil {
		return opts.State, errors.New("plain: Run needs a Machine")
	}
	in, out := opts.In, opts.Out
	if in == nil {
		in = os.Stdin
	}
	if out == nil {
		out = os.Stdout
	}
	if env.now == nil {
		env.now = time.Now
	}
	if env.dir == "" {
		env.dir = "."
	}
	if env.after == nil {
		env.after = time.After
	}
	profile := plainProfile(out, env.environ, opts.NoColor)
	r := &plainRunner{
		ctx:   ctx,
		m:     opts.Machine,
		store: opts.Store,
		st:    opts.State,
		in:    newPlainLineReader(in),
		out:   &colorprofile.Writer{Forward: out, Profile: profile},
		echo:  !plainIsTTY(in),
		width: plainWidth(env.environ),
		now:   env.now,
		sty:   newPlainStyles(profile > colorprofile.NoTTY),
		rawIn: in,
		dir:   env.dir,
		after: env.after,
	}
	defer r.in.stop()
	r.lv.asked = map[string]bool{}
	if r.st.Screen == "" && r.st.Version == 0 {
		r.st = r.m.Start(r.now())
	}

	if opts.Notice != "" {
		r.para("", "", opts.Notice)
		r.blank()
	}
	if opts.ConfirmReset {
		if err := r.confirmReset(); err != nil {
			return r.finish(err)
		}
	}
	lo := live.Options{Machine: r.m, State: r.st, Save: r.saveState, Now: r.now, After: env.after}
	if opts.Live != nil {
		r.liveOn = true
		lo.Given, lo.Secret, lo.Wiring, lo.Observe = opts.Live.Initial, opts.Live.Secret, opts.Live.Wiring, opts.Live.Observe
	}
	s, err := live.New(lo)
	if err != nil {
		return r.st, err
	}
	r.s = s
	defer s.Close()
	r.intro()
	if r.liveOn {
		if err := r.connect(); err != nil {
			return r.finish(err)
		}
	}
	return r.finish(r.loop())
}

// finish turns how the run ended into what Run returns.
func (r *plainRunner) finish(err error) (steps.State, error) {
	switch {
	case err == nil, errors.Is(err, errPlainFinished):
		return r.st, nil
	case errors.Is(err, errPlainQuit):
		if serr := r.store.Save(r.st); serr != nil {
			r.line(r.sty.render(r.sty.warningNote, "Progress could not be saved: "+serr.Error()))
			return r.st, serr
		}
		r.line("Progress saved. Run kvbridge again to continue.")
		return r.st, nil
	case errors.Is(err, io.EOF), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		what := "Input ended"
		if r.ctx.Err() != nil {
			what = "Interrupted"
		}
		abort := session.ErrAborted
		if !errors.Is(err, io.EOF) {
			abort = fmt.Errorf("%w: %w", session.ErrAborted, err)
		}
		if serr := r.store.Save(r.st); serr != nil {
			r.line(r.sty.render(r.sty.warningNote, what+"; progress could not be saved: "+serr.Error()))
			return r.st, errors.Join(abort, serr)
		}
		r.line(what + "; progress saved. Run kvbridge again to continue.")
		return r.st, abort
	default:
		if errors.Is(err, errPlainReset) {
			r.line(r.sty.render(r.sty.warningNote, err.Error()))
		}
		return r.st, err
	}
}

var errPlainReset = errors.New("saved progress could not be erased")

func (r *plainRunner) confirmReset() error {
	for {
		ans, _, err := r.ask(askConfirm, "Start over and erase saved progress? [y/N] ")
		if err != nil {
			return err
		}
		switch ans {
		case "y", "yes":
			if err := r.store.Reset(); err != nil {
				return fmt.Errorf("%w: %w", errPlainReset, err)
			}
			r.st = r.m.Start(r.now())
			r.line("Saved progress erased. The course starts from the beginning.")
			r.blank()
			return nil
		case "", "n", "no":
			r.line("Keeping your progress.")
			r.blank()
			return nil
		default:
			r.line("Please type y to start over or n to keep your progress.")
		}
	}
}

func (r *plainRunner) intro() {
	c := r.m.Course
	r.line(r.sty.render(r.sty.heading, c.Title))
	if c.Subtitle != "" {
		r.para("", "", c.Subtitle)
	}
	r.blank()
	r.para("", "", "This is the plain mode of kvbridge: the course as one question at a time, "+
		"for screen readers and pipes. Pages where nothing is asked wait for Enter; "+
		"pages with questions go on by themselves after the last answer.")
	r.blank()
	r.help()
	if first := r.m.Screens()[0].Key; r.st.Screen != first || r.m.Progress(r.st).Done > 0 {
		r.blank()
		r.line("Welcome back: resuming where you left off.")
	}
}

func (r *plainRunner) help() {
	n := len(r.m.Course.Sections)
	r.line("Commands (type one at any question, then press Enter):")
	rows := [][2]string{
		{"Enter", "continue, on a page where nothing is asked"},
		{"y or n", "answer a [y/n] question; n leaves the item open"},
		{"1 to 4", "answer a quiz question by the number of an option"},
		{"next", "go to the next page (n also works where no [y/n] question is asked)"},
		{"back or b", "go back one page"},
		{fmt.Sprintf(":1 to :%d", n), fmt.Sprintf("jump to section 1 to %d (goto 2 also works)", n)},
	}
	if r.liveOn {
		rows = append(rows,
			[2]string{"r", "on a live check page: run the checks again"},
			[2]string{"w", fmt.Sprintf("on a live check page: watch, running the checks every %d s until all pass (Enter stops)", int(live.WatchInterval.Seconds()))},
			[2]string{"e", "on a live check page: change the values the checks use"},
			[2]string{"s", "on the synced secret's page, in the practice tenant: sync the password to the vault, as Delinea's Save does"},
			[2]string{"p", "practice actions, in the practice tenant: what you would do in the Azure portal (assign or remove a role, create a client secret, firewall, permission model)"})
	}
	rows = append(rows,
		[2]string{"t or g", "the glossary: every term the course uses; t and a word (t RBAC) shows one"},
		[2]string{"q or quit", "save and quit; run kvbridge again to continue"},
		[2]string{"? or help", "show this list again"})
	for _, row := range rows {
		r.para(fmt.Sprintf("  %-10s ", row[0]), strings.Repeat(" ", 13), row[1])
	}
	r.line("Progress is saved after every answer.")
}

// loop shows screens until the course is complete or the run ends.
func (r *plainRunner) loop() error {
	for {
		if err := r.ctx.Err(); err != nil {
			return err
		}
		cur, _ := r.m.Current(r.st)
		r.heading(cur)
		var err error
		switch cur.Kind {
		case steps.ScreenOverview:
			err = r.overview(cur)
		case steps.ScreenStep:
			err = r.step(cur)
		case steps.ScreenCheck:
			err = r.check(cur)
		case steps.ScreenQuiz:
			err = r.quiz(cur)
		case steps.ScreenSummary:
			err = r.summary(cur)
		case steps.ScreenTroubleshooting:
			err = r.troubleshooting(cur)
		case steps.ScreenAcks:
			err = r.acks(cur)
		case steps.ScreenComplete:
			err = r.complete(cur)
		default:
			r.line("This page cannot be shown in plain mode.")
			err = r.pause()
		}
		if err != nil {
			return err
		}
	}
}

func (r *plainRunner) section(cur steps.Screen) steps.Section {
	return r.m.Course.Sections[cur.Section]
}

// heading prints the two lines that open every page: where the trainee is
// and how far through the course, then what the page is.
func (r *plainRunner) heading(cur steps.Screen) {
	sec := r.section(cur)
	p := r.m.Progress(r.st)
	r.blank()
	for _, l := range plainWrap(fmt.Sprintf("Section %d of %d - %d%% - %s", cur.Section+1, len(r.m.Course.Sections), p.Percent(), sec.Title), r.width, "", "  ") {
		r.write(r.sty.render(r.sty.heading, l) + "\n")
	}
	r.para("", "  ", fmt.Sprintf("Page %d of %d: %s", cur.Ordinal, cur.OfSection, r.pageTitle(cur)))
	r.blank()
}

func (r *plainRunner) pageTitle(cur steps.Screen) string {
	sec := r.section(cur)
	switch cur.Kind {
	case steps.ScreenOverview:
		return "Overview"
	case steps.ScreenStep:
		st := sec.Steps[cur.Step]
		return fmt.Sprintf("Step %s, %s", st.ID, st.Title)
	case steps.ScreenCheck:
		return sec.Check.Title
	case steps.ScreenQuiz:
		n, of := r.questionPos(cur)
		return fmt.Sprintf("Quiz, question %d of %d", n, of)
	case steps.ScreenSummary:
		return "Summary"
	case steps.ScreenTroubleshooting:
		return "Troubleshooting and maintenance"
	case steps.ScreenAcks:
		return "Final acknowledgements"
	case steps.ScreenComplete:
		if sec.Completion.Title != "" {
			return sec.Completion.Title
		}
		return "Completion"
	}
	return string(cur.Kind)
}

func (r *plainRunner) questionPos(cur steps.Screen) (n, of int) {
	if r.m.Bank == nil {
		return 1, 1
	}
	qs := r.m.Bank.Section(cur.Section + 1)
	for i, q := range qs {
		if q.ID == cur.QuestionID {
			return i + 1, len(qs)
		}
	}
	return 1, len(qs)
}

func (r *plainRunner) overview(cur steps.Screen) error {
	sec := r.section(cur)
	c := r.m.Course
	r.para("", "", sec.Overview)
	if len(c.Parties) == 3 {
		r.blank()
		r.para("", "  ", fmt.Sprintf("The three parties: %s, %s and %s.", c.Parties[0], c.Parties[1], c.Parties[2]))
		d := sec.Diagram
		if d.From >= 0 && d.From < 3 && d.To >= 0 && d.To < 3 && d.From != d.To {
			r.para("", "  ", fmt.Sprintf("This step builds: %s -> %s (%s)", c.Parties[d.From], c.Parties[d.To], d.Label))
		}
	}
	if len(sec.Steps) > 0 {
		names := make([]string, len(sec.Steps))
		for i, st := range sec.Steps {
			names[i] = st.ID + " " + st.Title
		}
		r.blank()
		r.para("", "  ", "Steps in this section: "+strings.Join(names, "; ")+".")
	}
	r.blank()
	return r.pause()
}

// callout prints one note, warning, tip or fact, labelled in words.
func (r *plainRunner) callout(indent string, co steps.Callout) {
	label := plainCalloutLabel(co.Kind)
	styled := r.sty.render(r.sty.label, label)
	if co.Kind == steps.KindCritical {
		styled = r.sty.render(r.sty.critical, label)
	}
	lines := plainWrap(label+" "+co.Text, r.width, indent, indent+"  ")
	if len(lines) > 0 {
		lines[0] = strings.Replace(lines[0], label, styled, 1)
	}
	for _, l := range lines {
		r.write(l + "\n")
	}
}

func plainCalloutLabel(kind string) string {
	switch kind {
	case steps.KindCritical:
		return "Critical:"
	case steps.KindNote:
		return "Note:"
	case steps.KindTip:
		return "Tip:"
	case steps.KindFact:
		return "Fact:"
	}
	if kind == "" {
		return "Note:"
	}
	return strings.ToUpper(kind[:1]) + kind[1:] + ":"
}

func (r *plainRunner) fields(f *steps.FieldList) {
	r.para("", "  ", fmt.Sprintf("%s (%s: %s):", f.Title, f.Columns[0], f.Columns[1]))
	for _, row := range f.Rows {
		text := row.Name + ": " + row.Value
		if row.Note != "" {
			text += " (" + row.Note + ")"
		}
		r.para("  ", "    ", text)
	}
}

func (r *plainRunner) step(cur steps.Screen) error {
	st := r.section(cur).Steps[cur.Step]
	if st.Intro != "" {
		r.para("", "", st.Intro)
		r.blank()
	}
	if st.Fields != nil {
		r.fields(st.Fields)
		r.blank()
	}
	asked := false
	for i, t := range st.Tasks {
		if i > 0 {
			r.blank()
		}
		pos := fmt.Sprintf("Task %s (%d of %d)", t.ID, i+1, len(st.Tasks))
		if r.st.Tasks[t.ID] {
			r.para("", "  ", pos+", done: "+t.Text)
			for _, co := range t.Callouts {
				r.callout("  ", co)
			}
			continue
		}
		r.para("", "  ", pos+": "+t.Text)
		for _, co := range t.Callouts {
			r.callout("  ", co)
		}
		ev := steps.Event{Type: steps.EvToggleTask, ID: t.ID}
		if moved, err := r.tick("Done? [y/n] ", "Please type y if you have done this, or n to leave it open (? for help).", ev); err != nil || moved {
			return err
		}
		asked = true
	}
	if !asked {
		r.blank()
		r.line("Every task on this page is done.")
		r.blank()
		return r.pause()
	}
	return r.advance()
}

func (r *plainRunner) check(cur steps.Screen) error {
	p, _ := live.PageOf(r.m, cur)
	r.para("", "", p.Explains)
	r.blank()
	r.line("What it checks:")
	for _, row := range r.s.Rows(p.IDs) {
		title := row.Title
		if row.Status != live.NotRun {
			title += " - last result: " + live.StatusWords(row.Status)
		}
		r.para("  - ", "    ", title)
	}
	r.blank()
	if r.liveOn && r.st.Live() {
		return r.liveCheck(p)
	}
	r.para("", "", "No tenant is connected, so these checks do not run here: confirm these points by hand in the Azure portal. "+
		"To run them, start kvbridge with --sandbox (the practice tenant, no Azure needed) or with --tenant and --client-id (your own tenant).")
	r.blank()
	return r.pause()
}

func (r *plainRunner) quiz(cur steps.Screen) error {
	if r.m.Bank == nil {
		return r.pause()
	}
	q, ok := r.m.Bank.Get(cur.QuestionID)
	if !ok {
		r.line("This question is missing from the question bank.")
		return r.pause()
	}
	r.para("", "", q.Prompt)
	for i, o := range q.Options {
		r.para(fmt.Sprintf("  %d) ", i+1), "     ", o.Text)
	}
	r.blank()
	if rec := r.st.Quiz[q.ID]; rec.Solved {
		right := q.Right()
		r.para("", "  ", fmt.Sprintf("You have answered this correctly: %d) %s", right+1, q.Options[right].Text))
		r.para("", "", q.Options[right].Explain)
		r.blank()
		return r.pause()
	}
	prompt := fmt.Sprintf("Your answer [1-%d]: ", len(q.Options))
	for {
		ans, moved, err := r.ask(askChoice, prompt)
		if err != nil || moved {
			return err
		}
		n, convErr := strconv.Atoi(ans)
		if convErr != nil || n < 1 || n > len(q.Options) {
			r.line(fmt.Sprintf("Type a number from 1 to %d (? for help).", len(q.Options)))
			continue
		}
		eff, err := r.apply(steps.Event{Type: steps.EvAnswer, ID: q.ID, Choice: n - 1})
		if err != nil || eff.Feedback == nil {
			r.line(fmt.Sprintf("That answer could not be taken (%v). Type a number from 1 to %d.", err, len(q.Options)))
			continue
		}
		verdict := quiz.Verdict(*eff.Feedback, r.st.Quiz[q.ID], false, strconv.Itoa(n))
		if eff.Feedback.Correct {
			r.para("", "", r.sty.render(r.sty.good, verdict))
			r.para("", "", eff.Feedback.Explain)
			return r.advance()
		}
		r.para("", "", r.sty.render(r.sty.bad, verdict))
		r.para("", "", eff.Feedback.Explain)
		r.line(quiz.NextHint(false))
	}
}

func (r *plainRunner) summary(cur steps.Screen) error {
	sec := r.section(cur)
	if sec.Overview != "" {
		r.para("", "", sec.Overview)
		r.blank()
	}
	r.line(fmt.Sprintf("Summary of the %d steps:", len(sec.Summary)))
	for _, row := range sec.Summary {
		r.blank()
		r.para("", "  ", row.Step)
		r.para("  Action: ", "    ", row.Action)
		r.para("  Key detail: ", "    ", row.Detail)
	}
	r.blank()
	return r.pause()
}

func (r *plainRunner) troubleshooting(cur steps.Screen) error {
	sec := r.section(cur)
	r.line("Troubleshooting:")
	r.callout("  ", sec.Troubleshooting)
	r.blank()
	r.line("Maintenance:")
	r.callout("  ", sec.Maintenance)
	r.blank()
	if p, ok := live.PageOf(r.m, cur); ok && r.liveOn && p.Has(steps.FieldSecretExpiry) {
		if err := r.expiry(); err != nil {
			return err
		}
		r.blank()
	}
	return r.pause()
}

func (r *plainRunner) acks(cur steps.Screen) error {
	sec := r.section(cur)
	r.para("", "", "Answer y to each statement that is true for you.")
	asked := false
	for i, a := range sec.Acks {
		r.blank()
		pos := fmt.Sprintf("Statement %d of %d", i+1, len(sec.Acks))
		if r.st.Acks[a.ID] {
			r.para("", "  ", pos+", agreed: "+a.Text)
			continue
		}
		r.para("", "  ", pos+": "+a.Text)
		ev := steps.Event{Type: steps.EvToggleAck, ID: a.ID}
		if moved, err := r.tick("Agreed? [y/n] ", "Please type y to agree, or n to leave it open (? for help).", ev); err != nil || moved {
			return err
		}
		asked = true
	}
	if !asked {
		r.blank()
		r.line("Every statement on this page is ticked.")
		r.blank()
		return r.pause()
	}
	return r.advance()
}

// glossary prints the course's glossary, or the one term asked for.
func (r *plainRunner) glossary(word string) {
	r.blank()
	show := func(t steps.Term) {
		head := t.Word
		if len(t.Aliases) > 0 {
			head += " (also " + strings.Join(t.Aliases, ", ") + ")"
		}
		r.para("", "  ", head+": "+t.Definition+" ["+t.Basis+"]")
	}
	if word != "" {
		t, ok := steps.LookupTerm(word)
		if !ok {
			r.line(fmt.Sprintf("The glossary has no entry for %q; g alone lists every term.", word))
			r.blank()
			return
		}
		show(t)
		r.blank()
		return
	}
	terms := steps.Glossary()
	r.line(fmt.Sprintf("Glossary (%d terms; g and a word shows one):", len(terms)))
	for _, t := range terms {
		show(t)
	}
	r.blank()
}

// tick asks a y/n question until it gets an answer; yes applies ev (ticking a
// task or an acknowledgement). moved says a navigation command came instead.
func (r *plainRunner) tick(prompt, retry string, ev steps.Event) (moved bool, err error) {
	for {
		ans, moved, err := r.ask(askYesNo, prompt)
		if err != nil || moved {
			return moved, err
		}
		yes, ok := plainYesNo(ans)
		switch {
		case !ok:
			r.line(retry)
			continue
		case !yes:
			r.line("Left open.")
			return false, nil
		}
		if _, err := r.apply(ev); err != nil {
			r.line("That did not work: " + err.Error())
			continue
		}
		r.line("Ticked.")
		return false, nil
	}
}

func (r *plainRunner) complete(cur steps.Screen) error {
	sec := r.section(cur)
	if !r.m.Progress(r.st).Complete() {
		r.line("Not finished yet. Still to do:")
		for _, miss := range r.m.Missing(r.st) {
			r.para("  - ", "    ", miss)
		}
		r.blank()
		r.para("", "", fmt.Sprintf("Type :1 to :%d to go to a section, or back, to finish these; q saves and quits.", len(r.m.Course.Sections)))
		return r.pause()
	}
	if r.st.FinishedAt == nil {
		// Complete but never marked (e.g. resumed here): arriving marks it.
		if _, err := r.apply(steps.Event{Type: steps.EvGoto, ID: cur.Key}); err != nil {
			return err
		}
	}
	r.para("", "", sec.Completion.Text)
	r.blank()
	if r.m.Bank != nil {
		sc := r.m.Bank.Score(r.st.Quiz)
		r.line(fmt.Sprintf("Quiz score: %d of %d right on the first try (%d%%).", sc.FirstTry, sc.Total, sc.Percent()))
	}
	r.line("Time taken: " + steps.DurationWords(r.st.Elapsed()) + ".")
	r.line("Progress: 100%. Your progress is saved; kvbridge report prints it.")
	return errPlainFinished
}

func plainYesNo(ans string) (yes, ok bool) {
	switch ans {
	case "y", "yes":
		return true, true
	case "n", "no":
		return false, true
	}
	return false, false
}

// plainPromptKind says how a prompt reads the commands that overlap with answers.
type plainPromptKind int

const (
	askPause   plainPromptKind = iota // Enter continues; n means next page
	askYesNo                          // n means no
	askChoice                         // a quiz number; n means next page
	askConfirm                        // no commands at all (the reset question)
	askLive                           // a live check page: as askPause, but p (practice actions) is returned
)

// ask prints a prompt and reads one answer, lower-cased and trimmed. It runs
// the commands itself: help prints the list and asks again; a navigation
// command moves and returns moved; quit returns errPlainQuit. End of input returns
// io.EOF, a cancelled context its error.
func (r *plainRunner) ask(kind plainPromptKind, prompt string) (ans string, moved bool, err error) {
	for {
		r.write(prompt)
		line, err := r.in.next(r.ctx)
		if err != nil {
			r.write("\n")
			return "", false, err
		}
		if r.echo {
			r.write(line + "\n")
		}
		a := strings.ToLower(strings.TrimSpace(line))
		if kind == askConfirm {
			return a, false, nil
		}
		switch {
		case a == "?" || a == "help":
			r.blank()
			r.help()
			r.blank()
			continue
		case a == "q" || a == "quit" || a == "exit":
			return "", false, errPlainQuit
		case a == "g" || a == "t" || a == "glossary" || strings.HasPrefix(a, "g ") || strings.HasPrefix(a, "t ") || strings.HasPrefix(a, "glossary "):
			// t is the wizard's key for the glossary; g was plain mode's first spelling.
			r.glossary(strings.TrimSpace(a[strings.IndexAny(a+" ", " "):]))
			continue
		case a == "p" || a == "practice":
			if kind == askLive {
				return "p", false, nil
			}
			if _, err := r.practice(); err != nil {
				return "", false, err
			}
			continue
		case a == "next" || (a == "n" && kind != askYesNo) || (a == "" && (kind == askPause || kind == askLive)):
			if r.move(steps.Event{Type: steps.EvNext}) {
				return "", true, nil
			}
			continue
		case a == "back" || a == "b":
			if r.move(steps.Event{Type: steps.EvPrev}) {
				return "", true, nil
			}
			continue
		}
		if sec, ok := plainJumpTarget(a); ok {
			if sec < 1 || sec > len(r.m.Course.Sections) {
				r.line(fmt.Sprintf("There is no section %q; type :1 to :%d.", strings.TrimPrefix(strings.TrimPrefix(a, "goto"), ":"), len(r.m.Course.Sections)))
				continue
			}
			if r.move(steps.Event{Type: steps.EvJump, Section: sec - 1}) {
				return "", true, nil
			}
			continue
		}
		return a, false, nil
	}
}

// plainJumpTarget parses ":2" or "goto 2"; ok reports that a jump was meant, and
// sec is 0 when the number is missing or not a number.
func plainJumpTarget(a string) (sec int, ok bool) {
	var rest string
	switch {
	case strings.HasPrefix(a, ":"):
		rest = a[1:]
	case a == "goto" || strings.HasPrefix(a, "goto "):
		rest = strings.TrimPrefix(a, "goto")
	default:
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(rest))
	if err != nil {
		return 0, true
	}
	return n, true
}

// move applies a navigation event; when the machine refuses it, it says why
// in words and reports false so the prompt asks again.
func (r *plainRunner) move(ev steps.Event) bool {
	if _, err := r.apply(ev); err != nil {
		_, idx := r.m.Current(r.st)
		switch {
		case ev.Type == steps.EvNext && idx == len(r.m.Screens())-1:
			r.line(fmt.Sprintf("This is the last page. Type back or :1 to :%d to go elsewhere, or q to quit.", len(r.m.Course.Sections)))
		case ev.Type == steps.EvPrev && idx == 0:
			r.line("This is the first page; there is nothing before it.")
		default:
			r.line("That is not possible here (" + err.Error() + ").")
		}
		return false
	}
	return true
}

// advance goes on to the next page after the last question of a page.
func (r *plainRunner) advance() error {
	if r.move(steps.Event{Type: steps.EvNext}) {
		return nil
	}
	return r.pause()
}

// pause waits for Enter (or a command) on a page where nothing is asked.
func (r *plainRunner) pause() error {
	for {
		ans, moved, err := r.ask(askPause, "Press Enter to continue (? for help): ")
		if err != nil || moved {
			return err
		}
		r.line(fmt.Sprintf("%q is not a command here. Press Enter to continue, or type ? for the list.", ans))
	}
}

// apply runs one event through the session (which saves) and reads the
// state back.
func (r *plainRunner) apply(ev steps.Event) (steps.Effect, error) {
	eff, err := r.s.Apply(ev)
	r.refresh()
	return eff, err
}

// saveState is the session's Save: a failure is reported once and the course
// goes on, since the next save may well work. A watch saves from its own
// goroutine, hence the lock.
func (r *plainRunner) saveState(st steps.State) error {
	err := r.store.Save(st)
	r.saveMu.Lock()
	defer r.saveMu.Unlock()
	if err != nil {
		if msg := err.Error(); msg != r.saveErr {
			r.saveErr = msg
			r.line(r.sty.render(r.sty.warningNote, "Warning: progress could not be saved: "+msg))
		}
		return err
	}
	r.saveErr = ""
	return nil
}

func (r *plainRunner) write(s string) { _, _ = io.WriteString(r.out, s) }

// line writes one line, wrapped to the width when it is too long; its
// leading indent, if any, is kept and continuation lines get two more spaces.
func (r *plainRunner) line(s string) {
	if lipgloss.Width(s) <= r.width {
		r.write(s + "\n")
		return
	}
	indent := s[:len(s)-len(strings.TrimLeft(s, " "))]
	r.para(indent, indent+"  ", s)
}

func (r *plainRunner) blank() { r.write("\n") }

// para writes text wrapped to the width, with first and rest as prefixes.
func (r *plainRunner) para(first, rest, text string) {
	for _, l := range plainWrap(text, r.width, first, rest) {
		r.write(l + "\n")
	}
}
