//go:build !windows

package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// waitFile waits until the file at p holds want.
func waitFile(t *testing.T, p, want string) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		data, _ := os.ReadFile(p)
		if strings.Contains(string(data), want) {
			return string(data)
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never held %q; it holds:\n%s", p, want, data)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestE2ETwoProcessesOnOneState is the lost-progress race: A ticks 1A.1-3,
// B starts on the same state directory, A ticks more. B must be refused with
// A's process ID and change nothing; every tick of A's must be in the file;
// once A has ended, B may run.
func TestE2ETwoProcessesOnOneState(t *testing.T) {
	bin := kvbridgeBinary(t)
	state := t.TempDir()
	env := []string{"XDG_STATE_HOME=" + state, "HOME=" + os.Getenv("HOME"), "NO_COLOR=1"}
	progress := filepath.Join(state, "kvbridge", "progress.json")

	a := exec.Command(bin, "--offline")
	a.Env = env
	aIn, err := a.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	a.Stdout, a.Stderr = io.Discard, io.Discard
	if err := a.Start(); err != nil {
		t.Fatal(err)
	}
	defer a.Process.Kill()
	fmt.Fprint(aIn, "\ny\ny\ny\n") // past the overview, then tick 1A.1, 1A.2, 1A.3
	waitFile(t, progress, `"1A.3": true`)

	b := exec.Command(bin, "--offline")
	b.Env = env
	b.Stdin = strings.NewReader("\ny\ny\n")
	out, _ := b.CombinedOutput()
	if code := b.ProcessState.ExitCode(); code != 1 {
		t.Errorf("second process: exit %d, want 1\n%s", code, out)
	}
	if want := fmt.Sprintf("process %d", a.Process.Pid); !strings.Contains(string(out), want) || !strings.Contains(string(out), "XDG_STATE_HOME") {
		t.Errorf("second process does not name the first (%s) and the way out:\n%s", want, out)
	}

	fmt.Fprint(aIn, "y\n") // A goes on: the next task
	aIn.Close()            // then its input ends: exit 2, progress saved
	_ = a.Wait()
	data := waitFile(t, progress, `"1A.1": true`)
	for _, id := range []string{"1A.1", "1A.2", "1A.3"} {
		if !strings.Contains(data, `"`+id+`": true`) {
			t.Errorf("A's tick %s was lost:\n%s", id, data)
		}
	}

	c := exec.Command(bin, "--offline")
	c.Env = env
	c.Stdin = strings.NewReader("\n")
	out, _ = c.CombinedOutput()
	if strings.Contains(string(out), "another kvbridge") {
		t.Errorf("the lock outlived its process:\n%s", out)
	}
}
