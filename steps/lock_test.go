package steps_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/stepstest"
)

func TestLockRefusesASecondHolderNamingTheFirst(t *testing.T) {
	st := steps.Store{Path: filepath.Join(t.TempDir(), "state", "progress.json")}
	first, err := st.Lock()
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.Lock()
	var le *steps.LockedError
	if !errors.As(err, &le) {
		t.Fatalf("second Lock: %v, want a LockedError", err)
	}
	if le.PID != os.Getpid() || !strings.Contains(err.Error(), fmt.Sprintf("process %d", os.Getpid())) {
		t.Errorf("the message does not name the holder: %v", err)
	}
	first.Unlock()
	first.Unlock() // twice is fine
	second, err := st.Lock()
	if err != nil {
		t.Fatalf("after Unlock: %v", err)
	}
	second.Unlock()
}

// A save killed mid-write leaves a .progress-*.tmp file; the next process to
// take the lock removes it, and leaves everything else alone.
func TestLockRemovesTempFilesOfDeadWriters(t *testing.T) {
	dir := t.TempDir()
	st := steps.Store{Path: filepath.Join(dir, "progress.json")}
	for _, name := range []string{".progress-123.tmp", ".progress-456.tmp", "keep.txt", "progress.json.20260101T000000Z.bad"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("{"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	l, err := st.Lock()
	if err != nil {
		t.Fatal(err)
	}
	defer l.Unlock()
	left, _ := filepath.Glob(filepath.Join(dir, "*"))
	hidden, _ := filepath.Glob(filepath.Join(dir, ".progress-*"))
	if len(hidden) != 0 {
		t.Errorf("temp files left: %v", hidden)
	}
	if len(left) != 3 { // keep.txt, the .bad file, the lock
		t.Errorf("files after Lock: %v", left)
	}
}

// TestKillDuringSave kills a process with SIGKILL while it saves progress over
// and over: the file left is always a whole state (the old or the new one),
// and the next holder of the lock cleans the temporary files.
func TestKillDuringSave(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("SIGKILL")
	}
	if p := os.Getenv("KVBRIDGE_TEST_SAVE_LOOP"); p != "" {
		m := stepstest.Machine(t)
		s := m.Start(t0)
		st := steps.Store{Path: p}
		for i := 0; ; i++ {
			s.Screen = []string{"1/overview", "1/step-1A"}[i%2]
			if err := st.Save(s); err != nil {
				t.Fatal(err)
			}
		}
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "progress.json")
	rounds := 20
	if testing.Short() {
		rounds = 5
	}
	for i := 0; i < rounds; i++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestKillDuringSave$")
		cmd.Env = append(os.Environ(), "KVBRIDGE_TEST_SAVE_LOOP="+p)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(30+i*7) * time.Millisecond)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
		if data, err := os.ReadFile(p); err == nil {
			var probe map[string]any
			if err := json.Unmarshal(data, &probe); err != nil {
				t.Fatalf("round %d: half-written progress: %v\n%s", i, err, data)
			}
		}
	}
	tmps, _ := filepath.Glob(filepath.Join(dir, ".progress-*.tmp"))
	t.Logf("%d kills left %d temp files", rounds, len(tmps))
	l, err := steps.Store{Path: p}.Lock()
	if err != nil {
		t.Fatal(err)
	}
	l.Unlock()
	if tmps, _ := filepath.Glob(filepath.Join(dir, ".progress-*.tmp")); len(tmps) != 0 {
		t.Errorf("temp files of killed writers left: %v", tmps)
	}
	m := stepstest.Machine(t)
	if _, notice, err := (steps.Store{Path: p}).Load(m, t0); err != nil || notice != "" {
		t.Errorf("after the kills: notice %q, err %v", notice, err)
	}
}
