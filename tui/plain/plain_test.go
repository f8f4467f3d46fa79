package plain

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kvbridge/kvbridge/quiz"
	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/tui/session"
)

// The fixture course (testdata/plain_course.toml) has 23 screens:
// section 1: overview, 1A (2 tasks), 1B (1 task), check, 3 questions;
// sections 2 and 3: overview, one step of one task, check, 3 questions;
// section 4: summary, troubleshooting, acks (2), complete.
// The right option of question qS.N is option N.

func plainFixtureMachine(t *testing.T) *steps.Machine {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", "plain_course.toml"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := steps.ParseCourse(string(src))
	if err != nil {
		t.Fatal(err)
	}
	qsrc, err := os.ReadFile(filepath.Join("testdata", "plain_questions.toml"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := quiz.Parse(string(qsrc))
	if err != nil {
		t.Fatal(err)
	}
	return steps.NewMachine(c, b)
}

// plainClock starts at a fixed time and moves one minute per reading, so
// transcripts and durations are the same on every run.
func plainClock() func() time.Time {
	t := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	return func() time.Time {
		t = t.Add(time.Minute)
		return t
	}
}

// plainEnvNoTTY is a typical environment of a pipe: a colour terminal is
// named, but the output is a buffer, so no ANSI may appear.
var plainEnvNoTTY = []string{"TERM=xterm-256color"}

type plainResult struct {
	state steps.State
	out   string
	err   error
}

func runPlainFixture(t *testing.T, m *steps.Machine, store steps.Store, state steps.State, input string, env []string, mod func(*session.Options)) plainResult {
	t.Helper()
	return runPlainFixtureEnv(t, m, store, state, input, plainEnv{environ: env, now: plainClock(), dir: t.TempDir()}, mod)
}

// runPlainFixtureEnv is runPlainFixture with the whole environment given
// (the reminder's directory, the watch's timer).
func runPlainFixtureEnv(t *testing.T, m *steps.Machine, store steps.Store, state steps.State, input string, env plainEnv, mod func(*session.Options)) plainResult {
	t.Helper()
	var out bytes.Buffer
	opts := session.Options{Machine: m, Store: store, State: state, In: strings.NewReader(input), Out: &out}
	if mod != nil {
		mod(&opts)
	}
	st, err := runPlain(context.Background(), opts, env)
	return plainResult{st, out.String(), err}
}

func plainStore(t *testing.T) steps.Store {
	return steps.Store{Path: filepath.Join(t.TempDir(), "state", "progress.json")}
}

func plainLines(ls ...string) string { return strings.Join(ls, "\n") + "\n" }

// plainFixtureAnswers completes the fixture course from its first screen, with one
// wrong first answer (q1.1).
var plainFixtureAnswers = plainLines(
	"",       // 1 overview
	"y", "y", // 1A
	"y",      // 1B
	"",       // 1 check
	"2", "1", // q1.1: wrong, then right
	"2", "3", // q1.2, q1.3
	"",  // 2 overview
	"y", // 2A
	"",  // 2 check
	"1", "2", "3",
	"",  // 3 overview
	"y", // 3A
	"",  // 3 check
	"1", "2", "3",
	"",       // summary
	"",       // troubleshooting
	"y", "y", // acks
)

func TestPlainFullRunFixture(t *testing.T) {
	t.Parallel()
	m := plainFixtureMachine(t)
	store := plainStore(t)
	res := runPlainFixture(t, m, store, m.Start(time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)), plainFixtureAnswers, plainEnvNoTTY, nil)
	if res.err != nil {
		t.Fatalf("plain.Run: %v\n%s", res.err, res.out)
	}
	st := res.state
	for _, id := range []string{"1A.1", "1A.2", "1B.1", "2A.1", "3A.1"} {
		if !st.Tasks[id] {
			t.Errorf("task %s not ticked", id)
		}
	}
	for _, id := range []string{"ack.flow", "ack.expiry"} {
		if !st.Acks[id] {
			t.Errorf("ack %s not ticked", id)
		}
	}
	if got := st.Quiz["q1.1"]; got != (quiz.Record{First: 1, Attempts: 2, Solved: true}) {
		t.Errorf("q1.1 record = %+v, want first 1 (wrong), 2 attempts, solved", got)
	}
	for _, id := range []string{"q1.2", "q1.3", "q2.1", "q2.2", "q2.3", "q3.1", "q3.2", "q3.3"} {
		if r := st.Quiz[id]; !r.Solved || r.Attempts != 1 {
			t.Errorf("%s record = %+v, want solved at the first attempt", id, r)
		}
	}
	if st.FinishedAt == nil {
		t.Error("FinishedAt not set")
	}
	if st.Screen != "4/complete" {
		t.Errorf("screen = %q, want 4/complete", st.Screen)
	}
	for _, want := range []string{
		"Section 1 of 4 - 0% - Identity",
		"Section 4 of 4 - 100% - Review",
		"This step builds: App Registration -> Azure Key Vault (RBAC: Key Vault Secrets Officer)",
		"  Critical: You see the Value once.",
		"  Note: The portal masks it later.",
		"  Tip: Search for the app by name.",
		"  Fact: Verified (Microsoft): roles take up to 10 minutes.",
		"  Client ID: a GUID (from the Overview page)",
		"  - Entra ID issues a token for the app",
		"  1) Answer A to 1.1",
		"Not quite: 2 is not the answer.\nNo: explanation B for 1.1.\nTry another option.",
		"Correct, on try 2. The score counts first tries only.\nYes: explanation A for 1.1.",
		"  Key detail: This directory only",
		"Training complete",
		"Quiz score: 8 of 9 right on the first try (88%).",
		"Time taken: ",
	} {
		if !plainContains(res.out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.ContainsRune(res.out, '\x1b') {
		t.Error("output to a non-terminal contains ANSI escapes")
	}
	// The saved file is the final state.
	loaded, notice, err := store.Load(m, time.Now())
	if err != nil || notice != "" {
		t.Fatalf("Load: %v %q", err, notice)
	}
	if loaded.FinishedAt == nil || loaded.Screen != "4/complete" || len(loaded.Tasks) != 5 {
		t.Errorf("saved state = %+v", loaded)
	}
	plainGolden(t, "plain_fixture.golden", res.out)
}

func TestPlainEOFSavesAndResumes(t *testing.T) {
	t.Parallel()
	m := plainFixtureMachine(t)
	store := plainStore(t)
	// Overview, then tick 1A.1, then input ends at 1A.2's question.
	res := runPlainFixture(t, m, store, m.Start(time.Now()), plainLines("", "y"), plainEnvNoTTY, nil)
	if !errors.Is(res.err, session.ErrAborted) {
		t.Fatalf("err = %v, want ErrAborted", res.err)
	}
	if !strings.HasSuffix(res.out, "Done? [y/n] \nInput ended; progress saved. Run kvbridge again to continue.\n") {
		t.Errorf("output does not end with the EOF note:\n%s", plainTail(res.out, 5))
	}
	loaded, notice, err := store.Load(m, time.Now())
	if err != nil || notice != "" {
		t.Fatalf("Load: %v %q", err, notice)
	}
	if loaded.Screen != "1/step/1A" || !loaded.Tasks["1A.1"] || loaded.Tasks["1A.2"] {
		t.Fatalf("saved state: screen %q tasks %v, want 1/step/1A with 1A.1 only", loaded.Screen, loaded.Tasks)
	}

	// The next run resumes on the same screen and does not ask about 1A.1 again.
	rest := strings.SplitN(plainFixtureAnswers, "\n", 3)[2] // drop the overview's Enter and 1A.1's y
	res = runPlainFixture(t, m, store, loaded, rest, plainEnvNoTTY, nil)
	if res.err != nil {
		t.Fatalf("resumed run: %v\n%s", res.err, res.out)
	}
	if !strings.Contains(res.out, "Welcome back") ||
		!strings.Contains(res.out, "Page 2 of 7: Step 1A, Register the app") ||
		!strings.Contains(res.out, "Task 1A.1 (1 of 2), done: Open App registrations.") {
		t.Errorf("resumed run did not start at 1A with 1A.1 done:\n%s", plainHead(res.out, 30))
	}
	if strings.Contains(res.out, "Page 1 of 7: Overview") {
		t.Error("resumed run showed the first page")
	}
	if res.state.FinishedAt == nil {
		t.Error("resumed run did not finish")
	}
}

func TestPlainEOFAtEveryPrompt(t *testing.T) {
	t.Parallel()
	m := plainFixtureMachine(t)
	all := strings.SplitAfter(plainFixtureAnswers, "\n")
	for n := 0; n < len(all)-1; n += 3 {
		store := plainStore(t)
		res := runPlainFixture(t, m, store, m.Start(time.Now()), strings.Join(all[:n], ""), plainEnvNoTTY, nil)
		if !errors.Is(res.err, session.ErrAborted) {
			t.Fatalf("after %d answers: err = %v, want ErrAborted", n, res.err)
		}
		loaded, _, err := store.Load(m, time.Now())
		if err != nil || loaded.Screen != res.state.Screen {
			t.Fatalf("after %d answers: saved screen %q, returned %q (%v)", n, loaded.Screen, res.state.Screen, err)
		}
	}
}

func TestPlainInvalidInputReprompts(t *testing.T) {
	t.Parallel()
	m := plainFixtureMachine(t)
	in := plainLines(
		"xyz",        // not a command on the overview
		"",           // on to 1A
		"maybe", "y", // not y or n
		"y", "y", "", // 1A.2, 1B.1, check
		"7", "abc", "0", ":x", "2", "1", // q1.1: three invalid, a bad jump, then wrong, right
	)
	res := runPlainFixture(t, m, plainStore(t), m.Start(time.Now()), in, plainEnvNoTTY, nil)
	if !errors.Is(res.err, session.ErrAborted) {
		t.Fatalf("err = %v", res.err)
	}
	if got := strings.Count(res.out, "Type a number from 1 to 4 (? for help)."); got != 3 {
		t.Errorf("number hint shown %d times, want 3", got)
	}
	for _, want := range []string{
		`"xyz" is not a command here.`,
		"Please type y if you have done this, or n to leave it open",
		`There is no section "x"; type :1 to :4.`,
	} {
		if !strings.Contains(res.out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if got := res.state.Quiz["q1.1"]; got != (quiz.Record{First: 1, Attempts: 2, Solved: true}) {
		t.Errorf("q1.1 = %+v: invalid input must not count as an attempt", got)
	}
	if !res.state.Tasks["1A.1"] || !res.state.Tasks["1A.2"] || !res.state.Tasks["1B.1"] {
		t.Errorf("tasks = %v", res.state.Tasks)
	}
	if res.state.Screen != "1/quiz/q1.2" {
		t.Errorf("screen = %q, want 1/quiz/q1.2", res.state.Screen)
	}
}

func TestPlainNavigation(t *testing.T) {
	t.Parallel()
	m := plainFixtureMachine(t)
	store := plainStore(t)
	in := plainLines(
		"b",      // first page: nothing before it
		"?",      // help again
		":3",     // section 3 overview
		"back",   // section 2, last question
		"n",      // next page (not a y/n question): section 3 overview
		"goto 4", // summary
		"next",   // troubleshooting
		":9",     // no such section
		"n",      // acks
		"n", "n", // leave both open: n is "no" at a y/n question
		"",       // complete page: nothing after it
		"goto 1", // section 1 overview
		"",       // 1A
		"n",      // 1A.1 left open
		"q",      // quit at 1A.2
	)
	res := runPlainFixture(t, m, store, m.Start(time.Now()), in, plainEnvNoTTY, nil)
	if res.err != nil {
		t.Fatalf("quit should return nil, got %v", res.err)
	}
	pages := plainHeadings(res.out)
	want := []string{
		"Section 1 of 4 - 0% - Identity / Page 1 of 7: Overview",
		"Section 3 of 4 - 0% - Sync / Page 1 of 6: Overview",
		"Section 2 of 4 - 0% - Bridge / Page 6 of 6: Quiz, question 3 of 3",
		"Section 3 of 4 - 0% - Sync / Page 1 of 6: Overview",
		"Section 4 of 4 - 0% - Review / Page 1 of 4: Summary",
		"Section 4 of 4 - 0% - Review / Page 2 of 4: Troubleshooting and maintenance",
		"Section 4 of 4 - 0% - Review / Page 3 of 4: Final acknowledgements",
		"Section 4 of 4 - 0% - Review / Page 4 of 4: Training complete",
		"Section 1 of 4 - 0% - Identity / Page 1 of 7: Overview",
		"Section 1 of 4 - 0% - Identity / Page 2 of 7: Step 1A, Register the app",
	}
	if strings.Join(pages, "\n") != strings.Join(want, "\n") {
		t.Errorf("pages visited:\n%s\nwant:\n%s", strings.Join(pages, "\n"), strings.Join(want, "\n"))
	}
	for _, w := range []string{
		"This is the first page; there is nothing before it.",
		`There is no section "9"; type :1 to :4.`,
		"Not finished yet. Still to do:",
		"Section 1: 3 tasks not ticked (1A.1, 1A.2, 1B.1)",
		"Section 4: 2 acknowledgements not ticked (1, 2)",
		"This is the last page.",
		"Left open.",
		"Progress saved. Run kvbridge again to continue.",
	} {
		if !strings.Contains(res.out, w) {
			t.Errorf("output lacks %q", w)
		}
	}
	if got := strings.Count(res.out, "Commands (type one at any question"); got != 2 {
		t.Errorf("help shown %d times, want 2 (start and ?)", got)
	}
	if len(res.state.Tasks) != 0 || len(res.state.Acks) != 0 {
		t.Errorf("nothing should be ticked: %v %v", res.state.Tasks, res.state.Acks)
	}
	loaded, _, err := store.Load(m, time.Now())
	if err != nil || loaded.Screen != "1/step/1A" {
		t.Errorf("saved screen = %q (%v), want 1/step/1A", loaded.Screen, err)
	}
}

// plainContains reports whether want is in out once line breaks and runs of
// spaces are ignored, so wrapped text still matches; leading spaces of want
// must still be at the start of a line.
func plainContains(out, want string) bool {
	if strings.Contains(out, want) {
		return true
	}
	flat := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	return strings.Contains(flat(out), flat(want))
}

// plainHeadings lists each page's two heading lines joined by " / ".
func plainHeadings(out string) []string {
	ls := strings.Split(out, "\n")
	var hs []string
	for i := 0; i+1 < len(ls); i++ {
		if strings.HasPrefix(ls[i], "Section ") && strings.Contains(ls[i], " of ") && strings.HasPrefix(ls[i+1], "Page ") {
			hs = append(hs, ls[i]+" / "+ls[i+1])
		}
	}
	return hs
}

func TestPlainColour(t *testing.T) {
	t.Parallel()
	m := plainFixtureMachine(t)
	// A forced colour terminal: colorprofile would give TrueColor.
	colourEnv := []string{"TERM=xterm-256color", "COLORTERM=truecolor", "TTY_FORCE=1"}
	cases := []struct {
		name    string
		env     []string
		noColor bool
		wantESC bool
	}{
		{"colour terminal", colourEnv, false, true},
		{"NoColor option", colourEnv, true, false},
		{"NO_COLOR=yes in the environment", append(colourEnv[:3:3], "NO_COLOR=yes"), false, false},
		{"not a terminal", plainEnvNoTTY, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := runPlainFixture(t, m, plainStore(t), m.Start(time.Now()), plainFixtureAnswers, tc.env, func(o *session.Options) { o.NoColor = tc.noColor })
			if res.err != nil {
				t.Fatal(res.err)
			}
			if got := strings.ContainsRune(res.out, '\x1b'); got != tc.wantESC {
				t.Errorf("output contains ESC = %v, want %v", got, tc.wantESC)
			}
			if !strings.Contains(res.out, "Correct, on the first try.") || !strings.Contains(res.out, "Critical:") {
				t.Error("styled words must still be there as words")
			}
		})
	}
}

func TestPlainConfirmReset(t *testing.T) {
	t.Parallel()
	m := plainFixtureMachine(t)
	saved := func(t *testing.T) (steps.Store, steps.State) {
		store := plainStore(t)
		res := runPlainFixture(t, m, store, m.Start(time.Now()), plainLines("", "y", "y"), plainEnvNoTTY, nil)
		if !errors.Is(res.err, session.ErrAborted) || len(res.state.Tasks) != 2 {
			t.Fatalf("setup: %v %v", res.err, res.state.Tasks)
		}
		return store, res.state
	}
	notice := "Saved progress could not be used because it is damaged."
	t.Run("yes", func(t *testing.T) {
		t.Parallel()
		store, st := saved(t)
		res := runPlainFixture(t, m, store, st, plainLines("perhaps", "y"), plainEnvNoTTY, func(o *session.Options) {
			o.ConfirmReset, o.Notice = true, notice
		})
		if !errors.Is(res.err, session.ErrAborted) {
			t.Fatalf("err = %v", res.err)
		}
		if !strings.HasPrefix(res.out, notice+"\n") {
			t.Errorf("the notice must come first:\n%s", plainHead(res.out, 3))
		}
		if !strings.Contains(res.out, "Start over and erase saved progress? [y/N] perhaps\nPlease type y") ||
			!strings.Contains(res.out, "Saved progress erased.") {
			t.Errorf("reset dialogue missing:\n%s", plainHead(res.out, 8))
		}
		if len(res.state.Tasks) != 0 || res.state.Screen != "1/overview" {
			t.Errorf("state after reset: %v at %q", res.state.Tasks, res.state.Screen)
		}
		loaded, _, _ := store.Load(m, time.Now())
		if len(loaded.Tasks) != 0 || loaded.Screen != "1/overview" {
			t.Errorf("saved state after reset: %v at %q", loaded.Tasks, loaded.Screen)
		}
	})
	t.Run("no", func(t *testing.T) {
		t.Parallel()
		store, st := saved(t)
		res := runPlainFixture(t, m, store, st, plainLines("n"), plainEnvNoTTY, func(o *session.Options) { o.ConfirmReset = true })
		if !errors.Is(res.err, session.ErrAborted) {
			t.Fatalf("err = %v", res.err)
		}
		if !strings.Contains(res.out, "Keeping your progress.") || !res.state.Tasks["1A.1"] || !res.state.Tasks["1A.2"] {
			t.Errorf("progress lost: %v\n%s", res.state.Tasks, plainHead(res.out, 5))
		}
	})
	t.Run("end of input", func(t *testing.T) {
		t.Parallel()
		store, st := saved(t)
		res := runPlainFixture(t, m, store, st, "", plainEnvNoTTY, func(o *session.Options) { o.ConfirmReset = true })
		if !errors.Is(res.err, session.ErrAborted) || len(res.state.Tasks) != 2 {
			t.Errorf("err = %v, tasks %v", res.err, res.state.Tasks)
		}
	})
}

func TestPlainContextCancelled(t *testing.T) {
	t.Parallel()
	m := plainFixtureMachine(t)
	store := plainStore(t)
	pr, pw := io.Pipe() // input that never comes, like an idle terminal
	t.Cleanup(func() { pw.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	var out bytes.Buffer
	done := make(chan error, 1)
	go func() {
		_, err := runPlain(ctx, session.Options{Machine: m, Store: store, State: m.Start(time.Now()), In: pr, Out: &out},
			plainEnv{environ: plainEnvNoTTY, now: plainClock()})
		done <- err
	}()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, session.ErrAborted) || !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want ErrAborted wrapping context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("plain.Run did not return after cancel")
	}
	if !strings.Contains(out.String(), "Interrupted; progress saved.") {
		t.Errorf("output:\n%s", plainTail(out.String(), 3))
	}
	if _, err := os.Stat(store.Path); err != nil {
		t.Errorf("progress not saved: %v", err)
	}
}

func TestPlainWrapsToColumns(t *testing.T) {
	t.Parallel()
	m := plainFixtureMachine(t)
	res := runPlainFixture(t, m, plainStore(t), m.Start(time.Now()), plainFixtureAnswers, []string{"COLUMNS=40"}, nil)
	if res.err != nil {
		t.Fatal(res.err)
	}
	for _, l := range strings.Split(res.out, "\n") {
		// Prompts are followed by the echoed answer; a prompt itself is short.
		if len([]rune(l)) > 40 && !strings.Contains(l, "? [") && !strings.HasPrefix(l, "Press Enter") && !strings.HasPrefix(l, "Your answer") {
			t.Errorf("line longer than 40: %q", l)
		}
	}
}

func TestPlainWrap(t *testing.T) {
	t.Parallel()
	got := plainWrap("one two three four five six", 12, "- ", "  ")
	want := []string{"- one two", "  three four", "  five six"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("plainWrap = %q, want %q", got, want)
	}
	if got := plainWrap("averyveryverylongword x", 8, "", ""); got[0] != "averyveryverylongword" || got[1] != "x" {
		t.Errorf("long word: %q", got)
	}
	if got := plainWrap("a\n\nb", 80, "", ""); strings.Join(got, "|") != "a||b" {
		t.Errorf("paragraphs: %q", got)
	}
}

// plainCourseAnswers answers every screen of m from its first screen: Enter on
// pages without questions, y to every task and acknowledgement, and the right
// option to every question, after one wrong answer to each section's first.
func plainCourseAnswers(m *steps.Machine) (answers []string, wrong int) {
	for _, sc := range m.Screens() {
		sec := m.Course.Sections[sc.Section]
		switch sc.Kind {
		case steps.ScreenStep:
			for range sec.Steps[sc.Step].Tasks {
				answers = append(answers, "y")
			}
		case steps.ScreenQuiz:
			q, _ := m.Bank.Get(sc.QuestionID)
			right := q.Right()
			if sc.Ordinal == plainFirstQuizOrdinal(m, sc) {
				answers = append(answers, strconv.Itoa((right+1)%len(q.Options)+1))
				wrong++
			}
			answers = append(answers, strconv.Itoa(right+1))
		case steps.ScreenAcks:
			for range sec.Acks {
				answers = append(answers, "y")
			}
		case steps.ScreenComplete:
		default:
			answers = append(answers, "")
		}
	}
	return answers, wrong
}

func plainFirstQuizOrdinal(m *steps.Machine, sc steps.Screen) int {
	for _, s := range m.Screens() {
		if s.Section == sc.Section && s.Kind == steps.ScreenQuiz {
			return s.Ordinal
		}
	}
	return -1
}

func TestPlainRealCourse(t *testing.T) {
	t.Parallel()
	c, err := steps.LoadCourse()
	if err != nil {
		t.Skipf("the course is not written yet: %v", err)
	}
	b, err := quiz.Load()
	if err != nil {
		t.Skipf("the question bank is not written yet: %v", err)
	}
	m := steps.NewMachine(c, b)
	answers, wrong := plainCourseAnswers(m)
	store := plainStore(t)
	res := runPlainFixture(t, m, store, m.Start(time.Now()), plainLines(answers...), plainEnvNoTTY, func(o *session.Options) { o.NoColor = true })
	if res.err != nil {
		t.Fatalf("plain.Run: %v\n%s", res.err, plainTail(res.out, 30))
	}
	if res.state.FinishedAt == nil || !m.Progress(res.state).Complete() {
		t.Fatalf("course not complete; missing: %v", m.Missing(res.state))
	}
	sc := b.Score(res.state.Quiz)
	if sc.FirstTry != sc.Total-wrong || sc.Solved != sc.Total {
		t.Errorf("score = %+v, want %d first-try of %d", sc, sc.Total-wrong, sc.Total)
	}
	if !strings.Contains(res.out, " - 100% - ") || !strings.Contains(res.out, "right on the first try") {
		t.Error("output lacks 100% or the score")
	}
	if strings.ContainsRune(res.out, '\x1b') {
		t.Error("ANSI escape in NO_COLOR output")
	}
	// Every task, callout, question and summary row of the course appears.
	seen := func(s string) {
		if !plainContains(res.out, s) {
			t.Errorf("output lacks %q", s)
		}
	}
	for _, sec := range c.Sections {
		for _, st := range sec.Steps {
			for _, task := range st.Tasks {
				seen(task.Text)
				for _, co := range task.Callouts {
					seen(co.Text)
				}
			}
		}
		for _, row := range sec.Summary {
			seen(row.Action)
		}
		for _, a := range sec.Acks {
			seen(a.Text)
		}
	}
	for _, q := range b.Questions {
		seen(q.Prompt)
	}
}

// plainGolden compares got with testdata/name. KVBRIDGE_UPDATE_GOLDEN=1, or
// the package's -update flag when one is defined, rewrites the file.
func plainGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	update := os.Getenv("KVBRIDGE_UPDATE_GOLDEN") != ""
	if f := flag.Lookup("update"); f != nil && f.Value.String() == "true" {
		update = true
	}
	if update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with KVBRIDGE_UPDATE_GOLDEN=1 to create it)", err)
	}
	if string(want) != got {
		t.Errorf("output differs from %s (KVBRIDGE_UPDATE_GOLDEN=1 rewrites it); first difference near:\n%s", path, plainFirstDiff(string(want), got))
	}
}

func plainFirstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d:\n want %q\n got  %q", i+1, w, g)
		}
	}
	return ""
}

func plainHead(s string, n int) string {
	ls := strings.SplitN(s, "\n", n+1)
	return strings.Join(ls[:min(n, len(ls))], "\n")
}

func plainTail(s string, n int) string {
	ls := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(ls[max(0, len(ls)-n):], "\n")
}

func TestPlainRevisitAndResumeFinished(t *testing.T) {
	t.Parallel()
	m := plainFixtureMachine(t)
	store := plainStore(t)
	done := runPlainFixture(t, m, store, m.Start(time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)), plainFixtureAnswers, plainEnvNoTTY, nil)
	if done.err != nil || done.state.FinishedAt == nil {
		t.Fatalf("setup: %v", done.err)
	}

	// A finished course shows the completion page again and ends at once.
	res := runPlainFixture(t, m, store, done.state, "", plainEnvNoTTY, nil)
	if res.err != nil || !strings.Contains(res.out, "Quiz score: 8 of 9 right on the first try (88%).") {
		t.Errorf("resuming a finished course: %v\n%s", res.err, plainTail(res.out, 5))
	}

	// Going back shows what is done without asking again: a solved question
	// and a page of ticked tasks wait for Enter.
	st := done.state
	st.Screen = "1/quiz/q1.3"
	st.FinishedAt = nil // as if resumed from a file written before finishing
	res = runPlainFixture(t, m, store, st, plainLines("back", "back", "back", "back", "q"), plainEnvNoTTY, nil)
	if res.err != nil {
		t.Fatal(res.err)
	}
	for _, want := range []string{
		"You have answered this correctly: 3) Answer C to 1.3",
		"You have answered this correctly: 1) Answer A to 1.1",
		"Task 1B.1 (1 of 1), done: Assign Key Vault Secrets Officer.",
		"Every task on this page is done.",
	} {
		if !strings.Contains(res.out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Contains(res.out, "Your answer [") || strings.Contains(res.out, "Done? [y/n]") {
		t.Error("a solved question or ticked task was asked again")
	}
	if got := res.state.Quiz["q1.1"]; got.Attempts != 2 {
		t.Errorf("revisiting changed the record: %+v", got)
	}

	// Complete but never marked finished (resumed on the last page): arriving marks it.
	st.Screen = "4/complete"
	res = runPlainFixture(t, m, store, st, "", plainEnvNoTTY, nil)
	if res.err != nil || res.state.FinishedAt == nil {
		t.Errorf("complete state on the last page: err %v, finished %v", res.err, res.state.FinishedAt)
	}
}

func TestPlainSaveFailure(t *testing.T) {
	t.Parallel()
	m := plainFixtureMachine(t)
	blocker := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	store := steps.Store{Path: filepath.Join(blocker, "progress.json")} // its directory is a file
	res := runPlainFixture(t, m, store, m.Start(time.Now()), plainLines("", "y", "y", "q"), plainEnvNoTTY, nil)
	if res.err == nil {
		t.Error("quitting with unsaved progress must report the error")
	}
	if got := strings.Count(res.out, "Warning: progress could not be saved"); got != 1 {
		t.Errorf("save warning shown %d times, want once", got)
	}
	if !res.state.Tasks["1A.1"] || !res.state.Tasks["1A.2"] {
		t.Error("the course must go on when saving fails")
	}
	if !strings.Contains(res.out, "Progress could not be saved") {
		t.Errorf("quit message:\n%s", plainTail(res.out, 3))
	}
}
