package safefile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestWriteNewFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "r.ics")
	if err := Write(p, []byte("hello"), 0o644, false); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(p)
	if err != nil || string(got) != "hello" {
		t.Fatalf("read back %q, %v", got, err)
	}
	if runtime.GOOS != "windows" {
		if info, _ := os.Stat(p); info.Mode().Perm() != 0o644 {
			t.Errorf("mode %v, want 0644", info.Mode().Perm())
		}
	}
	assertNoTemp(t, dir)
}

func TestWriteNeverFollowsASymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "precious")
	if err := os.WriteFile(target, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "r.ics")
	if err := os.Symlink(target, p); err != nil {
		t.Skip("no symlinks here:", err)
	}
	err := Write(p, []byte("overwritten"), 0o644, false)
	var ex *ExistsError
	if !errors.As(err, &ex) || !ex.Symlink || !errors.Is(err, fs.ErrExist) {
		t.Fatalf("Write over a symlink: %v, want an ExistsError for a link", err)
	}
	if got, _ := os.ReadFile(target); string(got) != "keep me" {
		t.Fatalf("link target changed to %q", got)
	}
	// Even when the user agrees to replace, the link is replaced, not its target.
	if err := Write(p, []byte("new"), 0o644, true); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(target); string(got) != "keep me" {
		t.Fatalf("link target changed to %q", got)
	}
	info, err := os.Lstat(p)
	if err != nil || info.Mode()&fs.ModeSymlink != 0 {
		t.Fatalf("destination is still a link: %v %v", info.Mode(), err)
	}
	if got, _ := os.ReadFile(p); string(got) != "new" {
		t.Fatalf("destination holds %q", got)
	}
	assertNoTemp(t, dir)
}

func TestWriteDanglingSymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "created-by-attacker")
	p := filepath.Join(dir, "r.ics")
	if err := os.Symlink(target, p); err != nil {
		t.Skip("no symlinks here:", err)
	}
	if err := Write(p, []byte("x"), 0o644, false); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("Write over a dangling link: %v", err)
	}
	if _, err := os.Lstat(target); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("the write created the link's target")
	}
}

func TestWriteAsksBeforeReplacing(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "r.ics")
	if err := os.WriteFile(p, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := Write(p, []byte("new"), 0o644, false)
	var ex *ExistsError
	if !errors.As(err, &ex) || ex.Symlink || ex.Dir || ex.Path != p {
		t.Fatalf("Write over a file: %v", err)
	}
	if got, _ := os.ReadFile(p); string(got) != "old" {
		t.Fatalf("replaced without asking: %q", got)
	}
	if err := Write(p, []byte("new"), 0o644, true); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(p); string(got) != "new" {
		t.Fatalf("after replace: %q", got)
	}
	assertNoTemp(t, dir)
}

func TestWriteNeverReplacesADirectory(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "r.ics")
	if err := os.Mkdir(p, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, replace := range []bool{false, true} {
		var ex *ExistsError
		if err := Write(p, []byte("x"), 0o644, replace); !errors.As(err, &ex) || !ex.Dir {
			t.Fatalf("replace=%v: %v", replace, err)
		}
	}
	assertNoTemp(t, dir)
}

func TestWriteUnwritableDirectory(t *testing.T) {
	if runtime.GOOS == "windows" || os.Geteuid() == 0 {
		t.Skip("permissions do not bind here")
	}
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o700) })
	if err := Write(filepath.Join(dir, "r.ics"), []byte("x"), 0o644, false); err == nil || errors.Is(err, fs.ErrExist) {
		t.Fatalf("write into a read-only directory: %v", err)
	}
}

func assertNoTemp(t *testing.T, dir string) {
	t.Helper()
	matches, _ := filepath.Glob(filepath.Join(dir, ".*.tmp"))
	if len(matches) > 0 {
		t.Errorf("temporary files left: %v", matches)
	}
}
