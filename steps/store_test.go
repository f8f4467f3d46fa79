package steps_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/stepstest"
)

func TestStoreRoundTrip(t *testing.T) {
	m := stepstest.Machine(t)
	st := steps.Store{Path: filepath.Join(t.TempDir(), "nested", "progress.json")}
	s := complete(t, m, false)
	if err := st.Save(s); err != nil {
		t.Fatal(err)
	}
	got, notice, err := st.Load(m, t0.Add(time.Hour))
	if err != nil || notice != "" {
		t.Fatalf("load: notice=%q err=%v", notice, err)
	}
	if got.Screen != "4/complete" || got.FinishedAt == nil || !got.StartedAt.Equal(t0) ||
		len(got.Tasks) != 5 || len(got.Quiz) != 9 || len(got.Acks) != 2 {
		t.Fatalf("reloaded state differs: %+v", got)
	}
	if m.Progress(got).Percent() != 100 {
		t.Error("progress lost in the round trip")
	}
	entries, _ := os.ReadDir(filepath.Dir(st.Path))
	if len(entries) != 1 {
		t.Errorf("temp files left behind: %v", entries)
	}
	info, _ := os.Stat(st.Path)
	if info.Mode().Perm()&0o077 != 0 {
		t.Errorf("progress file mode = %v, want private", info.Mode().Perm())
	}
}

func TestStoreMissingFileStartsFresh(t *testing.T) {
	m := stepstest.Machine(t)
	s, notice, err := steps.Store{Path: filepath.Join(t.TempDir(), "none.json")}.Load(m, t0)
	if err != nil || notice != "" || s.Screen != "1/overview" || !s.StartedAt.Equal(t0) {
		t.Fatalf("fresh start: %+v %q %v", s, notice, err)
	}
}

func TestStoreMovesUnusableFilesAside(t *testing.T) {
	m := stepstest.Machine(t)
	for name, content := range map[string]string{
		"damaged":        `{"version": 1, "screen": `,
		"not json":       "hello",
		"newer format":   `{"version": 99, "screen": "1/overview"}`,
		"no version":     `{"screen": "1/overview"}`,
		"wrong type":     `{"version": 1, "tasks": ["1A.1"]}`,
		"binary garbage": "\x00\x01\x02",
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			st := steps.Store{Path: filepath.Join(dir, "progress.json")}
			os.WriteFile(st.Path, []byte(content), 0o600)
			s, notice, err := st.Load(m, t0)
			if err != nil {
				t.Fatal(err)
			}
			if s.Screen != "1/overview" || len(s.Tasks) != 0 {
				t.Errorf("not a fresh start: %+v", s)
			}
			if !strings.Contains(notice, "moved to") || !strings.Contains(notice, ".bad") {
				t.Errorf("notice = %q", notice)
			}
			if _, err := os.Stat(st.Path); !os.IsNotExist(err) {
				t.Error("the unusable file is still in place")
			}
			aside, _ := filepath.Glob(filepath.Join(dir, "progress.json.*.bad"))
			if len(aside) != 1 {
				t.Fatalf("moved-aside files = %v", aside)
			}
			if b, _ := os.ReadFile(aside[0]); string(b) != content {
				t.Error("the moved-aside file lost its content")
			}
		})
	}
}

func TestStoreDropsUnknownIDs(t *testing.T) {
	m := stepstest.Machine(t)
	st := steps.Store{Path: filepath.Join(t.TempDir(), "progress.json")}
	os.WriteFile(st.Path, []byte(`{"version":1,"screen":"7/gone","started_at":"2026-11-28T09:00:00Z",
		"tasks":{"1A.1":true,"old.task":true},"acks":{"ack.one":true,"ack.old":true},
		"quiz":{"q1":{"first":0,"attempts":1,"solved":true},"q1b":{"first":9,"attempts":1},"gone":{"first":0,"attempts":1}},
		"checks":{"auth.token":{"status":"pass"},"nope":{"status":"pass"}},
		"finished_at":"2026-11-28T10:00:00Z"}`), 0o600)
	s, _, err := st.Load(m, t0)
	if err != nil {
		t.Fatal(err)
	}
	if s.Screen != "1/overview" || len(s.Tasks) != 1 || len(s.Acks) != 1 || len(s.Quiz) != 1 || len(s.Checks) != 1 {
		t.Errorf("sanitised state = %+v", s)
	}
	if s.FinishedAt != nil {
		t.Error("an incomplete state kept its finish time")
	}
}

func TestStoreReset(t *testing.T) {
	st := steps.Store{Path: filepath.Join(t.TempDir(), "progress.json")}
	if err := st.Reset(); err != nil {
		t.Fatalf("reset without a file: %v", err)
	}
	os.WriteFile(st.Path, []byte("{}"), 0o600)
	if err := st.Reset(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(st.Path); !os.IsNotExist(err) {
		t.Error("file still there after reset")
	}
}

func TestDefaultStateDir(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", "/tmp/xdg-state")
	if d, _ := steps.DefaultStateDir(); d != "/tmp/xdg-state/kvbridge" {
		t.Errorf("with XDG_STATE_HOME: %s", d)
	}
	t.Setenv("XDG_STATE_HOME", "relative/path") // the XDG spec says to ignore relative paths
	t.Setenv("HOME", "/home/trainee")
	if d, _ := steps.DefaultStateDir(); !strings.HasPrefix(d, "/home/trainee/") {
		t.Errorf("relative XDG_STATE_HOME not ignored: %s", d)
	}
}

func BenchmarkApply(b *testing.B) {
	m := stepstest.Machine(b)
	s, _, _ := m.Apply(m.Start(t0), steps.Event{Type: steps.EvGoto, ID: "1/step/1A"}, t0)
	ev := steps.Event{Type: steps.EvToggleTask, ID: "1A.1"}
	for b.Loop() {
		s, _, _ = m.Apply(s, ev, t0)
	}
}

func TestPeekChangesNothing(t *testing.T) {
	m := stepstest.Machine(t)
	st := steps.Store{Path: filepath.Join(t.TempDir(), "progress.json")}
	os.WriteFile(st.Path, []byte(`{"version": 7}`), 0o600)
	_, err := st.Peek(m, t0)
	var bad *steps.UnusableError
	if !errors.As(err, &bad) || !strings.Contains(bad.Reason, "format version 7") {
		t.Fatalf("err = %v", err)
	}
	if b, _ := os.ReadFile(st.Path); string(b) != `{"version": 7}` {
		t.Error("Peek changed the file")
	}
	if s, err := (steps.Store{Path: filepath.Join(t.TempDir(), "none.json")}).Peek(m, t0); err != nil || s.Screen != "1/overview" {
		t.Errorf("missing file: %+v, %v", s.Screen, err)
	}
}
