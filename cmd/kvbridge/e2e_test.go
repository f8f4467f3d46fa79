//go:build !windows

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kvbridge/kvbridge/steps"
)

// TestE2ECompleteCourseByKeys completes the whole course by keystrokes in a
// real pseudo-terminal, with one wrong quiz answer first, sees 100% and the
// completion screen, quits, starts again and finds the progress.
func TestE2ECompleteCourseByKeys(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	m, err := loadMachine()
	if err != nil {
		t.Fatal(err)
	}
	env := []string{"XDG_STATE_HOME=" + t.TempDir()}
	tm := startTerm(t, 80, 24, env, "--offline")
	tm.waitFor("Managing External Secrets", "[1 Identity]", "0%")
	wrongGiven := false
	for i, sc := range m.Screens() {
		tm.waitFor(fmt.Sprintf("Section %d of 4 · screen %d/%d", sc.Section+1, sc.Ordinal, sc.OfSection))
		sec := m.Course.Sections[sc.Section]
		switch sc.Kind {
		case steps.ScreenStep:
			tasks := sec.Steps[sc.Step].Tasks
			for range tasks {
				tm.press("space")
			}
			tm.waitFor("[x] " + tasks[len(tasks)-1].ID) // the cursor keeps the last task in view
		case steps.ScreenQuiz:
			q, _ := m.Bank.Get(sc.QuestionID)
			right := q.Right()
			if !wrongGiven {
				wrong := (right + 1) % len(q.Options)
				for range wrong {
					tm.press("down")
				}
				tm.press("enter")
				tm.waitFor("✗ Not quite")
				for range len(q.Options) {
					tm.press("up")
				}
				wrongGiven = true
			}
			for range right {
				tm.press("j")
			}
			tm.press("enter")
			tm.waitFor("✓ Correct")
		case steps.ScreenAcks:
			for range sec.Acks {
				tm.press("space")
			}
			tm.waitFor("✓ all ticked")
		case steps.ScreenOverview:
			if i == len(m.Screens())/2 { // a resize mid-course re-lays out
				tm.resize(120, 40)
				tm.waitFor("this section builds")
				tm.resize(80, 24)
			}
		}
		if sc.Kind != steps.ScreenComplete {
			tm.press("right")
		}
	}
	screen := tm.waitFor("Training complete", "100%", "Quiz score, first try: 14/15")
	for _, tab := range []string{"1 Identity ✓", "2 Bridge ✓", "3 Sync ✓", "4 Review ✓"} {
		if !strings.Contains(screen, tab) {
			t.Errorf("tab %q not marked finished:\n%s", tab, screen)
		}
	}
	tm.press("q")
	if code := tm.wait(); code != 0 {
		t.Fatalf("exit code %d", code)
	}

	again := startTerm(t, 80, 24, env)
	again.waitFor("Section 4 of 4 · screen 4/4", "Training complete", "100%")
	again.press("ctrl+c")
	if code := again.wait(); code != 130 {
		t.Fatalf("exit code after ctrl+c: %d, want 130 as for an interrupted command", code)
	}
}

// TestE2ETooSmallThenResize shows the size message and recovers on resize.
func TestE2ETooSmallThenResize(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	tm := startTerm(t, 40, 10, []string{"XDG_STATE_HOME=" + t.TempDir()}, "--offline")
	tm.waitFor("too small")
	tm.resize(80, 24)
	tm.waitFor("[1 Identity]", "0%")
	tm.press("q")
	if code := tm.wait(); code != 0 {
		t.Fatalf("exit code %d", code)
	}
}

// TestE2EPlainPiped runs the binary with answers piped in, no terminal at all.
func TestE2EPlainPiped(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	m, err := loadMachine()
	if err != nil {
		t.Fatal(err)
	}
	var answers []string
	wrongGiven := false
	for _, sc := range m.Screens() {
		sec := m.Course.Sections[sc.Section]
		switch sc.Kind {
		case steps.ScreenStep:
			for range sec.Steps[sc.Step].Tasks {
				answers = append(answers, "y")
			}
		case steps.ScreenQuiz:
			q, _ := m.Bank.Get(sc.QuestionID)
			if !wrongGiven {
				answers = append(answers, fmt.Sprint((q.Right()+1)%len(q.Options)+1))
				wrongGiven = true
			}
			answers = append(answers, fmt.Sprint(q.Right()+1))
		case steps.ScreenAcks:
			for range sec.Acks {
				answers = append(answers, "y")
			}
		case steps.ScreenTroubleshooting:
			answers = append(answers, "", "") // Enter skips the secret's expiry, then continues
		case steps.ScreenComplete:
		default:
			answers = append(answers, "") // Enter on a page that asks nothing
		}
	}
	state := t.TempDir()
	cmd := exec.Command(kvbridgeBinary(t), "--offline")
	cmd.Env = []string{"XDG_STATE_HOME=" + state, "HOME=" + os.Getenv("HOME"), "NO_COLOR=1"}
	cmd.Stdin = strings.NewReader(strings.Join(answers, "\n") + "\n")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("plain run failed: %v\n%s", err, tail(out))
	}
	text := string(out)
	for _, want := range []string{"Section 1 of 4 - 0%", "Section 2 of 4 -", "Not quite: ", "Correct, on try 2.", "14 of 15"} {
		if !strings.Contains(text, want) {
			t.Errorf("plain output lacks %q", want)
		}
	}
	if strings.Contains(text, "\x1b") {
		t.Error("NO_COLOR output contains escape sequences")
	}
	data, err := os.ReadFile(filepath.Join(state, "kvbridge", "progress.json"))
	if err != nil || !strings.Contains(string(data), `"finished_at"`) {
		t.Fatalf("saved progress not finished: %v\n%s", err, data)
	}

	// End of input part-way: exit 2, progress kept.
	cmd = exec.Command(kvbridgeBinary(t), "--accessible", "--offline")
	cmd.Env = []string{"XDG_STATE_HOME=" + t.TempDir(), "HOME=" + os.Getenv("HOME")}
	cmd.Stdin = strings.NewReader("\ny\n")
	out, _ = cmd.CombinedOutput()
	if cmd.ProcessState.ExitCode() != 2 || !strings.Contains(string(out), "progress saved") {
		t.Fatalf("EOF run: exit %d\n%s", cmd.ProcessState.ExitCode(), tail(out))
	}
}

func tail(b []byte) string {
	if len(b) > 3000 {
		return "..." + string(b[len(b)-3000:])
	}
	return string(b)
}

// BenchmarkStartToFirstFrame measures process start to the first painted
// frame in a pseudo-terminal.
func BenchmarkStartToFirstFrame(b *testing.B) {
	env := []string{"XDG_STATE_HOME=" + b.TempDir()}
	kvbridgeBinary(b)
	var first time.Duration
	for b.Loop() {
		tm := startTerm(b, 80, 24, env, "--offline")
		tm.waitFor("[1 Identity]")
		tm.mu.Lock()
		first += tm.first
		tm.mu.Unlock()
		tm.press("ctrl+c")
		tm.wait()
	}
	b.ReportMetric(float64(first.Milliseconds())/float64(b.N), "ms-to-first-frame")
}

// TestE2ESandboxCourse completes the whole course against the healthy
// practice tenant (--sandbox): every lesson's live check run by keys, step 3's
// Save (the sync Delinea would do) and its verification included, to 100%.
// The password typed never reaches the saved progress or the report.
func TestE2ESandboxCourse(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	m, err := loadMachine()
	if err != nil {
		t.Fatal(err)
	}
	const password = "Pr4ctice-Only-Passw0rd"
	state := t.TempDir()
	env := []string{"XDG_STATE_HOME=" + state}
	tm := startTerm(t, 80, 24, env, "--sandbox")
	tm.waitFor("[1 Identity]", "0%")
	for _, sc := range m.Screens() {
		tm.waitFor(fmt.Sprintf("Section %d of 4 · screen %d/%d", sc.Section+1, sc.Ordinal, sc.OfSection))
		sec := m.Course.Sections[sc.Section]
		switch sc.Kind {
		case steps.ScreenStep:
			tasks := sec.Steps[sc.Step].Tasks
			for range tasks {
				tm.press("space")
			}
			tm.waitFor("[x] " + tasks[len(tasks)-1].ID)
		case steps.ScreenCheck:
			n := len(sec.Check.IDs)
			switch sc.Section {
			case 0, 1:
				tm.press("r")
			case 2:
				// Secret name, username mapping, then the password: enter
				// ends the edit; Save, the row below, syncs.
				tm.press("down", "down", "enter")
				tm.waitFor("stop editing")
				tm.press(password, "enter")
				tm.waitFor("r run")
				tm.press("down", "down", "enter") // past Delinea's mapped secret, left empty
				tm.waitFor("Sync: ")
				tm.press("r") // the sync is verified by the page's checks
			}
			screen := tm.waitFor(fmt.Sprintf("Checks done. %d checks: ", n))
			if strings.Contains(screen, "failed") || strings.Contains(screen, "not run.") {
				t.Fatalf("section %d's checks did not all pass:\n%s", sc.Section+1, screen)
			}
		case steps.ScreenQuiz:
			q, _ := m.Bank.Get(sc.QuestionID)
			for range q.Right() {
				tm.press("j")
			}
			tm.press("enter")
			tm.waitFor("✓ Correct")
		case steps.ScreenAcks:
			for range sec.Acks {
				tm.press("space")
			}
			tm.waitFor("✓ all ticked")
		}
		if sc.Kind != steps.ScreenComplete {
			tm.press("right")
		}
	}
	tm.waitFor("Training complete", "100%")
	tm.press("q")
	if code := tm.wait(); code != 0 {
		t.Fatalf("exit code %d", code)
	}
	data, err := os.ReadFile(filepath.Join(state, "kvbridge", "progress.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"kind": "practice"`, `"auth.token"`, `"mapping.value"`, `"finished_at"`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("saved progress lacks %s:\n%s", want, data)
		}
	}
	cmd := exec.Command(kvbridgeBinary(t), "report", "--json")
	cmd.Env = []string{"XDG_STATE_HOME=" + state, "HOME=" + os.Getenv("HOME")}
	rep, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("report: %v\n%s", err, rep)
	}
	for _, out := range [][]byte{data, rep} {
		if strings.Contains(string(out), password) {
			t.Errorf("the practice password leaked:\n%s", out)
		}
	}
}

// TestE2ESandboxNoVaultRead shows the empty-dropdown diagnosis on section 2,
// then fixes it with a practice action and sees the vault listed.
func TestE2ESandboxNoVaultRead(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	tm := startTerm(t, 100, 40, []string{"XDG_STATE_HOME=" + t.TempDir()}, "--sandbox=no-vault-read")
	tm.waitFor("[1 Identity]", "practice")
	tm.press("2")
	tm.waitFor("Section 2 of 4 · screen 1/")
	tm.press("right", "right", "right")
	tm.waitFor("the vaults ARM lists to the app")
	tm.press("r")
	tm.waitFor("✗ fail     arm.vaults", "1 failed")
	tm.press("p")
	tm.waitFor("Assign Reader on the vault")
	tm.press("enter")
	tm.waitFor("Checks done. 8 checks: 6 passed, 2 skipped (not asked).", "(•) kv-contoso-practice")
	tm.press("q")
	if code := tm.wait(); code != 0 {
		t.Fatalf("exit code %d", code)
	}
}
