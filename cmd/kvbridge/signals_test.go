//go:build !windows

package main

import (
	"bufio"
	"io"
	"os/exec"
	"path/filepath"
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

// Through the built binary: help and usage errors exit as documented, and
// bash loads the completion script and completes from it.
func TestBinaryUsageAndCompletion(t *testing.T) {
	bin := binary(t)
	run := func(args ...string) (int, string) {
		cmd := exec.Command(bin, args...)
		cmd.Env = []string{"XDG_STATE_HOME=" + t.TempDir(), "PATH=/usr/bin:/bin"}
		out, _ := cmd.CombinedOutput()
		return cmd.ProcessState.ExitCode(), string(out)
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"sandbox", "save", "--help"}, 0, "--force"},
		{[]string{"sandbox", "list", "--help"}, 0, "kvbridge sandbox list"},
		{[]string{"report", "--help"}, 0, "--name NAME"},
		{[]string{"--help"}, 0, "kvbridge sandbox save"},
		{[]string{"report", "--bogus"}, 2, "kvbridge: report: unknown flag: --bogus\nRun 'kvbridge report --help' for usage.\n"},
		{[]string{"help", "extra"}, 2, `no command "extra"`},
		{[]string{"version", "extra"}, 2, "takes no arguments"},
		{[]string{"doctor", "--sandbox", "healthy", "--sandbox", "wrong-tenant"}, 2, "given more than once"},
	} {
		code, out := run(tc.args...)
		if code != tc.code || !strings.Contains(out, tc.want) || strings.Count(out, "unknown flag") > 1 {
			t.Errorf("%q: exit %d, want %d and %q:\n%s", tc.args, code, tc.code, tc.want, out)
		}
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	// Load the script as a user would, then ask it for doctor's --sandbox values.
	// The script relies on the bash-completion package; where it is missing, a
	// stand-in for its one function the script calls.
	script := `if [ -r /usr/share/bash-completion/bash_completion ]; then . /usr/share/bash-completion/bash_completion; else
_get_comp_words_by_ref() { cur="${COMP_WORDS[COMP_CWORD]}"; prev="${COMP_WORDS[COMP_CWORD-1]}"; words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD; }
fi
source <("$KVB" completion bash)
COMP_WORDS=(kvbridge doctor --sandbox no-); COMP_CWORD=3; COMP_LINE="kvbridge doctor --sandbox no-"; COMP_POINT=${#COMP_LINE}
__start_kvbridge kvbridge no- --sandbox
printf '%s\n' "${COMPREPLY[@]}"`
	cmd := exec.Command(bash, "-c", script)
	cmd.Env = []string{"KVB=" + bin, "PATH=" + filepath.Dir(bin) + ":/usr/bin:/bin"}
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "no-vault-read") || !strings.Contains(string(out), "no-role") {
		t.Errorf("bash completion of --sandbox no-: %v\n%s", err, out)
	}
}
