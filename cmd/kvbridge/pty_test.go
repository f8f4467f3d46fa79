//go:build !windows

package main

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/vt"
	"github.com/creack/pty"
)

// The end-to-end tests build the real binary and drive it through a real
// pseudo-terminal, reading the screen through a VT emulator the way a user
// would see it.

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

func kvbridgeBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "kvbridge-e2e-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "kvbridge")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = err
			binPath = string(out)
		}
	})
	if buildErr != nil {
		t.Fatalf("building kvbridge: %v\n%s", buildErr, binPath)
	}
	return binPath
}

// ptyTerm is a running kvbridge in a pseudo-terminal.
type ptyTerm struct {
	t     testing.TB
	cmd   *exec.Cmd
	pty   *os.File
	mu    sync.Mutex
	emu   *vt.Emulator
	done  chan struct{}
	start time.Time
	first time.Duration // time until the first non-blank screen
}

func startTerm(t testing.TB, cols, rows int, env []string, args ...string) *ptyTerm {
	t.Helper()
	cmd := exec.Command(kvbridgeBinary(t), args...)
	cmd.Env = append([]string{"TERM=xterm-256color", "HOME=" + os.Getenv("HOME"), "PATH=" + os.Getenv("PATH")}, env...)
	tm := &ptyTerm{t: t, cmd: cmd, emu: vt.NewEmulator(cols, rows), done: make(chan struct{}), start: time.Now()}
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: uint16(cols), Rows: uint16(rows)})
	if err != nil {
		t.Fatal(err)
	}
	tm.pty = f
	go func() { // program output -> emulator
		defer close(tm.done)
		buf := make([]byte, 32*1024)
		for {
			n, err := f.Read(buf)
			if n > 0 {
				tm.mu.Lock()
				tm.emu.Write(buf[:n])
				if tm.first == 0 && strings.TrimSpace(tm.emu.String()) != "" {
					tm.first = time.Since(tm.start)
				}
				tm.mu.Unlock()
			}
			if err != nil {
				return
			}
		}
	}()
	go io.Copy(f, tm.emu) // the emulator's answers to terminal queries -> program
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		f.Close()
	})
	return tm
}

func (tm *ptyTerm) screen() string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return tm.emu.String()
}

// waitFor polls the emulated screen until it contains every want string.
func (tm *ptyTerm) waitFor(want ...string) string {
	tm.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := tm.screen()
		ok := true
		for _, w := range want {
			if !strings.Contains(s, w) {
				ok = false
				break
			}
		}
		if ok {
			return s
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("screen never showed %q; last screen:\n%s", want, s)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// press sends keys as a terminal would encode them.
func (tm *ptyTerm) press(keys ...string) {
	tm.t.Helper()
	for _, k := range keys {
		seq, ok := keySeqs[k]
		if !ok {
			seq = k
		}
		if _, err := tm.pty.WriteString(seq); err != nil {
			tm.t.Fatalf("sending %q: %v", k, err)
		}
	}
}

var keySeqs = map[string]string{
	"enter": "\r", "space": " ", "tab": "\t", "shift+tab": "\x1b[Z",
	"up": "\x1b[A", "down": "\x1b[B", "right": "\x1b[C", "left": "\x1b[D",
	"ctrl+c": "\x03", "esc": "\x1b",
}

func (tm *ptyTerm) resize(cols, rows int) {
	tm.mu.Lock()
	tm.emu.Resize(cols, rows)
	tm.mu.Unlock()
	pty.Setsize(tm.pty, &pty.Winsize{Cols: uint16(cols), Rows: uint16(rows)})
}

// wait waits for the program to exit and returns its exit code.
func (tm *ptyTerm) wait() int {
	tm.t.Helper()
	errc := make(chan error, 1)
	go func() { errc <- tm.cmd.Wait() }()
	select {
	case err := <-errc:
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		if err != nil {
			tm.t.Fatal(err)
		}
		return 0
	case <-time.After(10 * time.Second):
		tm.t.Fatalf("kvbridge did not exit; screen:\n%s", tm.screen())
		return -1
	}
}
