//go:build unix

package steps_test

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/stepstest"
)

// The damaged-state cases that are not JSON content: what sits at the
// progress path is not a file kvbridge wrote. Each must give a fresh start and
// a notice (Load), or a clear error (Peek, for kvbridge report), at once:
// never a hang, never memory in proportion to the file.
func TestStoreDamagedPaths(t *testing.T) {
	m := stepstest.Machine(t)
	good := `{"version": 1, "screen": "1/overview", "tasks": {"1A.1": true}}`
	cases := []struct {
		name  string
		make  func(t *testing.T, p string)
		fresh bool   // Peek gives a fresh start without error (nothing there)
		kept  bool   // the saved ticks are read
		why   string // in the UnusableError
	}{
		{"directory", func(t *testing.T, p string) { must(t, os.Mkdir(p, 0o700)) }, false, false, "not a regular file (a directory)"},
		{"fifo", func(t *testing.T, p string) {
			if runtime.GOOS == "windows" {
				t.Skip("no FIFOs")
			}
			must(t, syscall.Mkfifo(p, 0o600))
		}, false, false, "a named pipe"},
		{"oversized", func(t *testing.T, p string) {
			f, err := os.Create(p)
			must(t, err)
			must(t, f.Truncate(1<<30)) // 1 GB, sparse
			f.Close()
		}, false, false, "far more than progress takes"},
		{"symlink to a good file", func(t *testing.T, p string) {
			target := p + ".real"
			must(t, os.WriteFile(target, []byte(good), 0o600))
			if err := os.Symlink(target, p); err != nil {
				t.Skip(err)
			}
		}, false, true, ""},
		{"dangling symlink", func(t *testing.T, p string) {
			if err := os.Symlink(p+".nowhere", p); err != nil {
				t.Skip(err)
			}
		}, true, false, ""},
		{"symlink to a fifo", func(t *testing.T, p string) {
			if runtime.GOOS == "windows" {
				t.Skip("no FIFOs")
			}
			must(t, syscall.Mkfifo(p+".fifo", 0o600))
			must(t, os.Symlink(p+".fifo", p))
		}, false, false, "a named pipe"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "progress.json")
			c.make(t, p)
			done := make(chan struct{})
			go func() {
				defer close(done)
				s, err := steps.Store{Path: p}.Peek(m, t0)
				var bad *steps.UnusableError
				switch {
				case c.fresh || c.kept:
					if err != nil {
						t.Errorf("Peek: %v", err)
					}
					if c.kept != s.Tasks["1A.1"] {
						t.Errorf("ticks read = %v, want %v", s.Tasks["1A.1"], c.kept)
					}
				case !errors.As(err, &bad) || !strings.Contains(err.Error(), c.why):
					t.Errorf("Peek: %v, want an UnusableError saying %q", err, c.why)
				}
				if c.fresh || c.kept {
					return
				}
				s, notice, err := steps.Store{Path: p}.Load(m, t0)
				if err != nil || !strings.Contains(notice, "moved to") || len(s.Tasks) != 0 {
					t.Errorf("Load: notice %q, err %v", notice, err)
				}
			}()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("reading the progress hung")
			}
		})
	}
}

// Saving where it cannot be saved says so, and leaves the old progress as it
// was: a read-only state directory, a progress path that is a directory.
func TestStoreSaveFailures(t *testing.T) {
	m := stepstest.Machine(t)
	s := m.Start(t0)
	t.Run("progress path is a directory", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "progress.json")
		must(t, os.Mkdir(p, 0o700))
		if err := (steps.Store{Path: p}).Save(s); err == nil || !strings.Contains(err.Error(), "saving progress") {
			t.Errorf("Save over a directory: %v", err)
		}
	})
	t.Run("read-only directory", func(t *testing.T) {
		if runtime.GOOS == "windows" || os.Geteuid() == 0 {
			t.Skip("permissions do not bind here")
		}
		dir := t.TempDir()
		p := filepath.Join(dir, "progress.json")
		must(t, os.WriteFile(p, []byte(`{"version":1}`), 0o600))
		must(t, os.Chmod(dir, 0o500))
		t.Cleanup(func() { os.Chmod(dir, 0o700) })
		if err := (steps.Store{Path: p}).Save(s); err == nil {
			t.Error("Save into a read-only directory succeeded")
		}
		if b, _ := os.ReadFile(p); string(b) != `{"version":1}` {
			t.Errorf("old progress changed: %q", b)
		}
	})
	t.Run("unreadable progress", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("permissions do not bind for root")
		}
		p := filepath.Join(t.TempDir(), "progress.json")
		must(t, os.WriteFile(p, []byte(`{"version":1,"tasks":{"1A.1":true}}`), 0o000))
		_, _, err := steps.Store{Path: p}.Load(m, t0)
		var bad *steps.UnusableError
		if err == nil || errors.As(err, &bad) || !strings.Contains(err.Error(), "permission denied") {
			t.Errorf("Load of an unreadable file: %v, want a plain error (the file is kept, not moved aside)", err)
		}
		if _, err := os.Lstat(p); err != nil {
			t.Errorf("the unreadable file was moved: %v", err)
		}
	})
	t.Run("state directory is a file", func(t *testing.T) {
		f := filepath.Join(t.TempDir(), "kvbridge")
		must(t, os.WriteFile(f, nil, 0o600))
		if err := (steps.Store{Path: filepath.Join(f, "progress.json")}).Save(s); err == nil {
			t.Error("Save under a file succeeded")
		}
		if _, err := (steps.Store{Path: filepath.Join(f, "progress.json")}).Lock(); err == nil {
			t.Error("Lock under a file succeeded")
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
