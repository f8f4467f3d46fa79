//go:build !windows

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kvbridge/kvbridge/steps/azure/sandbox"
)

// secretShape matches an Entra client secret value as the portal shows them
// (and as the practice tenant makes them): four characters, "Q~", then 34 more.
var secretShape = regexp.MustCompile(`[A-Za-z0-9_~.-]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}`)

// TestWizardNeverLeaksTheSecret runs section 1 and its live checks in every
// practice scenario, through the built binary in plain mode, and searches
// stdout, stderr, the saved progress and both reports for a client secret.
// The practice secret is generated inside the process, so the test looks for
// its shape; doctor's tests search for the exact value.
func TestWizardNeverLeaksTheSecret(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	m, err := loadMachine()
	if err != nil {
		t.Fatal(err)
	}
	// Answers: Enter on the overview, y for every task of section 1, Enter for the
	// vault's default, then Enter to leave the results; input ends in the quiz.
	answers := []string{""}
	for _, st := range m.Course.Sections[0].Steps {
		for range st.Tasks {
			answers = append(answers, "y")
		}
	}
	answers = append(answers, "", "")
	for _, sc := range sandbox.Scenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			state := t.TempDir()
			env := []string{"XDG_STATE_HOME=" + state, "HOME=" + os.Getenv("HOME"), "NO_COLOR=1"}
			cmd := exec.Command(kvbridgeBinary(t), "--sandbox="+sc.Name)
			cmd.Env = env
			cmd.Stdin = strings.NewReader(strings.Join(answers, "\n") + "\n")
			out, _ := cmd.CombinedOutput()
			if code := cmd.ProcessState.ExitCode(); code != 2 {
				t.Fatalf("exit code %d, want 2 (input ended)\n%s", code, tail(out))
			}
			if !strings.Contains(string(out), "Running ") {
				t.Errorf("the run did not reach section 1's checks:\n%s", tail(out))
			}
			texts := map[string]string{"output": string(out)}
			data, err := os.ReadFile(filepath.Join(state, "kvbridge", "progress.json"))
			if err != nil {
				t.Fatal(err)
			}
			texts["progress.json"] = string(data)
			for _, args := range [][]string{{"report"}, {"report", "--json"}} {
				rep := exec.Command(kvbridgeBinary(t), args...)
				rep.Env = env
				b, err := rep.CombinedOutput()
				if err != nil {
					t.Fatalf("%v: %v\n%s", args, err, b)
				}
				texts[strings.Join(args, " ")] = string(b)
			}
			for name, text := range texts {
				if s := secretShape.FindString(text); s != "" {
					t.Errorf("%s holds a client secret (%.3s…)", name, s)
				}
			}
			if !strings.Contains(texts["progress.json"], `"scenario": "`+sc.Name+`"`) {
				t.Errorf("progress does not record the scenario:\n%s", texts["progress.json"])
			}
			if sc.ExpectCheck == "auth.token" || sc.ExpectCheck == "input.client-secret" {
				if !strings.Contains(texts["progress.json"], `"`+sc.ExpectCheck+`": {`) {
					t.Errorf("%s result not recorded:\n%s", sc.ExpectCheck, texts["progress.json"])
				}
			}
		})
	}
}
