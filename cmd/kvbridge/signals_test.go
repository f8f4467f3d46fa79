//go:build !windows

package main

import (
	"bufio"
	"io"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A signal ends a run with 128+N, as shells expect (130 for ctrl+c), and the
// progress is saved; sandbox serve, which runs until interrupted, exits 0.
func TestSignalExitCodes(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	bin := kvbridgeBinary(t)
	for _, tc := range []struct {
		name string
		args []string
		sig  syscall.Signal
		wait string // a line of stdout that says the command is running
		code int
	}{
		{"wizard SIGINT", []string{"--offline"}, syscall.SIGINT, "", 130},
		{"wizard SIGTERM", []string{"--offline"}, syscall.SIGTERM, "", 143},
		{"serve SIGINT", []string{"sandbox", "serve"}, syscall.SIGINT, "Authority host", 0},
		{"serve SIGTERM", []string{"sandbox", "serve"}, syscall.SIGTERM, "Authority host", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(bin, tc.args...)
			cmd.Env = []string{"XDG_STATE_HOME=" + t.TempDir(), "TMPDIR=" + t.TempDir(), "PATH=/usr/bin:/bin"}
			stdin, _ := cmd.StdinPipe() // kept open: the wizard waits for an answer
			defer stdin.Close()
			stdout, _ := cmd.StdoutPipe()
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Wait until it is running: the first line of the wizard or serve's endpoints.
			br := bufio.NewReader(stdout)
			deadline := time.Now().Add(20 * time.Second)
			for time.Now().Before(deadline) {
				line, err := br.ReadString('\n')
				if err != nil {
					t.Fatalf("output ended early: %v", err)
				}
				if tc.wait == "" || strings.Contains(line, tc.wait) {
					break
				}
			}
			time.Sleep(100 * time.Millisecond)
			cmd.Process.Signal(tc.sig)
			go io.Copy(io.Discard, br)
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case <-done:
			case <-time.After(15 * time.Second):
				cmd.Process.Kill()
				t.Fatal("still running 15 s after the signal")
			}
			if got := cmd.ProcessState.ExitCode(); got != tc.code {
				t.Errorf("exit code %d, want %d", got, tc.code)
			}
		})
	}
}
