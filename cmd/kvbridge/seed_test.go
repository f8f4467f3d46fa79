package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kvbridge/kvbridge/steps/azure/sandbox"
)

// --seed fixes the mystery: the same seed, the same fault, in doctor, and doctor's text
// says which seed it was.
func TestDoctorSeedPicksTheMystery(t *testing.T) {
	failing := func(args ...string) string {
		_, out, _ := doctorCLI(t, "", nil, append([]string{"--sandbox", "mystery", "--json"}, args...)...)
		for _, c := range parseDoctor(t, out).Checks {
			if c.Status == "fail" {
				return c.ID + "/" + c.Cause
			}
		}
		return ""
	}
	a, b := failing("--seed", "7"), failing("--seed", "7")
	if a == "" || a != b {
		t.Fatalf("seed 7 gave %q, then %q", a, b)
	}
	seen := map[string]bool{}
	for _, s := range []string{"1", "2", "3", "4", "5", "6", "8"} {
		seen[failing("--seed", s)] = true
	}
	if len(seen) < 2 {
		t.Errorf("seven seeds picked one fault: %v", seen)
	}
	_, text, _ := doctorCLI(t, "", nil, "--sandbox", "mystery", "--seed", "7")
	if !strings.Contains(text, "scenario \"mystery\".\nIt runs inside kvbridge; nothing leaves this machine.\n--seed 7 brings the same one back.") {
		t.Errorf("doctor's text does not name the seed:\n%s", text)
	}
	if code, _, stderr := doctorCLI(t, "", nil, "--seed", "7"); code != 2 || !strings.Contains(stderr, "--sandbox mystery") {
		t.Errorf("--seed without --sandbox: exit %d: %s", code, stderr)
	}
}

// sandbox save --scenario mystery: the state for trainees holds neither the answer key
// nor the seed; the answer key goes to its own file, for the trainer.
func TestSandboxSaveMysteryKeepsTheAnswerApart(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "room.json")
	var out, errb bytes.Buffer
	std := stdio{in: strings.NewReader(""), out: &out, err: &errb}
	if code := sandboxCLI(context.Background(), std, "save", "--scenario", "mystery", "--seed", "7", file); code != 0 {
		t.Fatalf("save: exit %d: %s", code, errb.String())
	}
	keyFile := filepath.Join(dir, "room.answer-key.json")
	if !strings.Contains(out.String(), keyFile) {
		t.Errorf("save did not say where the answer key is:\n%s", out.String())
	}
	raw, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	if info, _ := os.Stat(keyFile); info.Mode().Perm() != 0o600 {
		t.Errorf("answer key mode %v", info.Mode().Perm())
	}
	var key sandbox.AnswerKey
	if err := json.Unmarshal(raw, &key); err != nil || key.Seed != 7 || key.Scenario == "" || key.Scenario == "mystery" {
		t.Fatalf("answer key %s (%v)", raw, err)
	}
	state, _ := os.ReadFile(file)
	for _, s := range []string{`"answerKey"`, `"` + key.Scenario + `"`, `"seed"`, `"secretText"`} {
		if strings.Contains(string(state), s) {
			t.Errorf("the trainees' file holds %s", s)
		}
	}
	// A second save keeps both files unless --force.
	if code := sandboxCLI(context.Background(), std, "save", "--scenario", "mystery", file); code != 1 {
		t.Errorf("save over a prepared room: exit %d", code)
	}
	os.Remove(file)
	errb.Reset()
	if code := sandboxCLI(context.Background(), std, "save", "--scenario", "mystery", file); code != 1 || !strings.Contains(errb.String(), "answer key") {
		t.Errorf("save over an answer key: exit %d: %s", code, errb.String())
	}
	if code := sandboxCLI(context.Background(), std, "save", "--force", "--scenario", "mystery", "--seed", "8", file); code != 0 {
		t.Errorf("save --force: exit %d", code)
	}
}

// sandbox list says what doctor finds for no-vault-read: none-listed.
func TestSandboxListAgreesWithDoctorOnNoVaultRead(t *testing.T) {
	var out, errb bytes.Buffer
	if code := sandboxCLI(context.Background(), stdio{in: strings.NewReader(""), out: &out, err: &errb}, "list"); code != 0 {
		t.Fatalf("list: exit %d", code)
	}
	s := out.String()
	i := strings.Index(s, "no-vault-read")
	j := strings.Index(s[i:], "expect:")
	if i < 0 || j < 0 || !strings.HasPrefix(s[i+j:], "expect: arm.vaults fails: none-listed") {
		t.Fatalf("sandbox list, no-vault-read:\n%s", s[i:])
	}
	_, jsonOut, _ := doctorCLI(t, "", nil, "--sandbox", "no-vault-read", "--json")
	if c := parseDoctor(t, jsonOut).check("arm.vaults"); c.Cause != "none-listed" {
		t.Fatalf("doctor says %s", c.Cause)
	}
}
