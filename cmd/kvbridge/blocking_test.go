//go:build !windows

package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/term"
)

// ttyRun is kvbridge on a pseudo-terminal whose slave side the test keeps, so
// it can read the terminal's modes after the process has gone.
type ttyRun struct {
	cmd  *exec.Cmd
	tty  *os.File // slave: the terminal the process sees
	ptm  *os.File // master: what the test types and reads
	mu   sync.Mutex
	out  bytes.Buffer
	done chan error
}

func startOnTTY(t *testing.T, env []string, args ...string) *ttyRun {
	t.Helper()
	ptm, tty, err := pty.Open()
	if err != nil {
		t.Skip("no pseudo-terminals:", err)
	}
	_ = pty.Setsize(ptm, &pty.Winsize{Cols: 100, Rows: 30})
	cmd := exec.Command(kvbridgeBinary(t), args...)
	cmd.Env = append([]string{"TERM=xterm-256color", "HOME=" + os.Getenv("HOME"), "PATH=" + os.Getenv("PATH")}, env...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	r := &ttyRun{cmd: cmd, tty: tty, ptm: ptm, done: make(chan error, 1)}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := ptm.Read(buf)
			r.mu.Lock()
			r.out.Write(buf[:n])
			r.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	go func() { r.done <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		ptm.Close()
		tty.Close()
	})
	return r
}

func (r *ttyRun) output() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.out.String()
}

func (r *ttyRun) waitOutput(t *testing.T, want string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(r.output(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("never printed %q; output:\n%q", want, r.output())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// exit waits for the process and returns its exit code (or fails after 10 s).
func (r *ttyRun) exit(t *testing.T) int {
	t.Helper()
	select {
	case <-r.done:
	case <-time.After(10 * time.Second):
		t.Fatalf("still running 10 s later; output:\n%q", r.output())
	}
	return r.cmd.ProcessState.ExitCode()
}

// The hidden client-secret prompt of doctor ends on ctrl+c (130), SIGTERM
// (143), SIGHUP (129) and ctrl+d (2, nothing typed), and leaves echo on.
func TestDoctorSecretPromptEndsOnSignals(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	args := []string{"doctor", "--tenant", "8f7a2c1e-4b3d-4e5f-9a8b-7c6d5e4f3a2b", "--client-id", "1b2c3d4e-5f60-4718-9a2b-3c4d5e6f7a8b"}
	for _, tc := range []struct {
		name string
		send func(r *ttyRun)
		code int
	}{
		{"ctrl+c", func(r *ttyRun) { r.ptm.Write([]byte{3}) }, 130},
		{"SIGTERM", func(r *ttyRun) { r.cmd.Process.Signal(syscall.SIGTERM) }, 143},
		{"SIGHUP", func(r *ttyRun) { r.cmd.Process.Signal(syscall.SIGHUP) }, 129},
		{"ctrl+d", func(r *ttyRun) { r.ptm.Write([]byte{4}) }, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := startOnTTY(t, []string{"XDG_STATE_HOME=" + t.TempDir()}, args...)
			before, err := term.GetState(int(r.tty.Fd()))
			if err != nil {
				t.Fatal(err)
			}
			r.waitOutput(t, "input hidden")
			time.Sleep(100 * time.Millisecond) // ReadPassword has turned echo off
			tc.send(r)
			if code := r.exit(t); code != tc.code {
				t.Errorf("exit %d, want %d; output:\n%q", code, tc.code, r.output())
			}
			after, err := term.GetState(int(r.tty.Fd()))
			if err != nil {
				t.Fatal(err)
			}
			if *after != *before {
				t.Errorf("the terminal was left changed (echo off?)")
			}
		})
	}
}

// --client-secret-stdin on a stdin that never closes ends on a signal.
func TestDoctorSecretStdinEndsOnSignals(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	for _, tc := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}} {
		cmd := exec.Command(kvbridgeBinary(t), "doctor", "--client-secret-stdin", "--tenant", "8f7a2c1e-4b3d-4e5f-9a8b-7c6d5e4f3a2b", "--client-id", "1b2c3d4e-5f60-4718-9a2b-3c4d5e6f7a8b")
		cmd.Env = []string{"XDG_STATE_HOME=" + t.TempDir(), "HOME=" + os.Getenv("HOME")}
		stdin, _ := cmd.StdinPipe() // open, and never written: a blocked stdin
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(300 * time.Millisecond)
		cmd.Process.Signal(tc.sig)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("%v: still reading stdin 10 s later", tc.sig)
		}
		stdin.Close()
		if code := cmd.ProcessState.ExitCode(); code != tc.code {
			t.Errorf("%v: exit %d, want %d\n%s", tc.sig, code, tc.code, out.String())
		}
	}
}

// report on a progress path that is a FIFO does not wait for a writer: it
// says the file is unusable at once.
func TestReportOnAFIFO(t *testing.T) {
	state := t.TempDir()
	p := filepath.Join(state, "kvbridge", "progress.json")
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skip(err)
	}
	cmd := exec.Command(kvbridgeBinary(t), "report")
	cmd.Env = []string{"XDG_STATE_HOME=" + state, "HOME=" + os.Getenv("HOME")}
	done := make(chan []byte, 1)
	go func() { out, _ := cmd.CombinedOutput(); done <- out }()
	select {
	case out := <-done:
		if code := cmd.ProcessState.ExitCode(); code != 1 || !strings.Contains(string(out), "named pipe") {
			t.Errorf("report on a FIFO: exit %d\n%s", code, out)
		}
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatal("report blocked on a FIFO")
	}
}

// SIGHUP restores the terminal as SIGINT and SIGTERM do: main screen, cursor
// shown, the modes the terminal had before (cooked, echo).
func TestWizardSIGHUPRestoresTheTerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	r := startOnTTY(t, []string{"XDG_STATE_HOME=" + t.TempDir()}, "--offline")
	before, err := term.GetState(int(r.tty.Fd()))
	if err != nil {
		t.Fatal(err)
	}
	r.waitOutput(t, "Identity")
	time.Sleep(200 * time.Millisecond)
	r.cmd.Process.Signal(syscall.SIGHUP)
	if code := r.exit(t); code != 129 {
		t.Errorf("exit %d, want 129", code)
	}
	time.Sleep(100 * time.Millisecond) // the last bytes reach the reader
	out := r.output()
	if !strings.Contains(out, "\x1b[?1049h") {
		t.Fatal("the wizard never entered the alternate screen: the test proves nothing")
	}
	last := strings.LastIndex(out, "\x1b[?1049")
	if !strings.HasPrefix(out[last:], "\x1b[?1049l") {
		t.Error("left on the alternate screen")
	}
	if strings.LastIndex(out, "\x1b[?25l") > strings.LastIndex(out, "\x1b[?25h") {
		t.Error("cursor left hidden")
	}
	after, err := term.GetState(int(r.tty.Fd()))
	if err != nil {
		t.Fatal(err)
	}
	if *after != *before {
		t.Error("terminal modes not restored (left raw)")
	}
}

// sandbox serve removes its folder (CA file, answer key) on SIGHUP and
// SIGQUIT as on SIGINT; one left by a serve killed with SIGKILL is removed by
// the next serve.
func TestServeRemovesItsFolder(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	tmp := t.TempDir()
	serve := func(sig syscall.Signal) (dir string, code int) {
		cmd := exec.Command(kvbridgeBinary(t), "sandbox", "serve", "--json", "--scenario", "mystery")
		cmd.Env = []string{"TMPDIR=" + tmp, "HOME=" + os.Getenv("HOME")}
		stdout, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		line, err := readLine(stdout, 20*time.Second)
		if err != nil {
			cmd.Process.Kill()
			t.Fatalf("serve printed nothing: %v", err)
		}
		_, after, _ := strings.Cut(line, `"ca_file":"`)
		caFile, _, _ := strings.Cut(after, `"`)
		dir = filepath.Dir(caFile)
		if _, err := os.Stat(filepath.Join(dir, "answer-key.json")); err != nil {
			t.Errorf("no answer key in %s: %v", dir, err)
		}
		cmd.Process.Signal(sig)
		go io.Copy(io.Discard, stdout)
		cmd.Wait()
		return dir, cmd.ProcessState.ExitCode()
	}
	for _, sig := range []syscall.Signal{syscall.SIGHUP, syscall.SIGQUIT} {
		dir, code := serve(sig)
		if code != 0 {
			t.Errorf("%v: exit %d, want 0", sig, code)
		}
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("%v: %s left behind", sig, dir)
		}
	}
	killed, _ := serve(syscall.SIGKILL)
	if _, err := os.Stat(killed); err != nil {
		t.Fatalf("SIGKILL cannot clean up, yet %s is gone: %v", killed, err)
	}
	serve(syscall.SIGINT)
	if _, err := os.Stat(killed); !os.IsNotExist(err) {
		t.Errorf("the killed serve's folder %s survived the next serve", killed)
	}
}

func readLine(r io.Reader, d time.Duration) (string, error) {
	ch := make(chan string, 1)
	errc := make(chan error, 1)
	go func() {
		var b []byte
		one := make([]byte, 1)
		for {
			n, err := r.Read(one)
			if n == 1 {
				if one[0] == '\n' {
					ch <- string(b)
					return
				}
				b = append(b, one[0])
			}
			if err != nil {
				errc <- err
				return
			}
		}
	}()
	select {
	case l := <-ch:
		return l, nil
	case err := <-errc:
		return "", err
	case <-time.After(d):
		return "", io.ErrNoProgress
	}
}
