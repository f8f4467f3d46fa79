//go:build !windows

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kvbridge/kvbridge/steps/azure"
	"github.com/kvbridge/kvbridge/steps/azure/sandbox"
)

// savedState is a scenario's saved state with every occurrence of the
// practice resource group renamed to rg.
func savedState(t *testing.T, scenario, rg string) []byte {
	t.Helper()
	file := filepath.Join(t.TempDir(), "state.json")
	if code, _, errOut := runCLI(t, "", nil, "sandbox", "save", "--scenario", scenario, file); code != 0 {
		t.Fatalf("save: %s", errOut)
	}
	data, _ := os.ReadFile(file)
	name, _ := json.Marshal(rg)
	return bytes.ReplaceAll(data, []byte(`"rg-delinea-practice"`), name) // the JSON string whole
}

// serveState serves a state in process (as `sandbox serve --state` does, but
// without its name check, so hostile names reach the printed commands).
func serveState(t *testing.T, data []byte) sandbox.ServeInfo {
	t.Helper()
	ten, err := sandbox.Load(bytes.NewReader(data), sandbox.Options{Wiring: sandbox.Loopback})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw, _ := os.Pipe()
	done := make(chan error, 1)
	go func() { done <- sandbox.ServeTenant(ctx, ten, pw, true); pw.Close() }()
	t.Cleanup(func() { cancel(); <-done; pr.Close() })
	line, err := bufio.NewReader(pr).ReadBytes('\n')
	var si sandbox.ServeInfo
	if err != nil || json.Unmarshal(line, &si) != nil {
		t.Fatalf("serve announced %q (%v)", line, err)
	}
	return si
}

// fakeAz is a directory holding an `az` that only records its arguments,
// NUL-separated, one command per line, in the file log.
func fakeAz(t *testing.T) (dir, log string) {
	dir = t.TempDir()
	log = filepath.Join(t.TempDir(), "az.log")
	script := "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\0' \"$a\"; done >> " + azure.Cmd(log).String() + "\nprintf '\\n' >> " + azure.Cmd(log).String() + "\n"
	if err := os.WriteFile(filepath.Join(dir, "az"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir, log
}

// A resource group name crafted to run a command, and a real one with
// parentheses and periods, from a served state file: every az command
// doctor prints, pasted into real shells, runs only az, and az receives
// the name whole, as one argument.
func TestPrintedCommandsPasteHarmlessly(t *testing.T) {
	for _, rg := range []string{"rg$(touch${IFS}PWNED)", "rg`touch PWNED`;touch PWNED", "rg-(prod).east", "rg'quote"} {
		for _, scenario := range []string{"no-role", "secrets-user-only"} {
			t.Run(rg+"/"+scenario, func(t *testing.T) {
				si := serveState(t, savedState(t, scenario, rg))
				if !strings.Contains(si.VaultID, "/resourceGroups/"+rg+"/") {
					t.Fatalf("the served vault is not in the resource group: %s", si.VaultID)
				}
				// The vault by its resource ID, as serve's printed command names it; text output.
				args := []string{"--tenant", si.TenantID, "--client-id", si.ClientID, "--authority-host", si.AuthorityHost,
					"--arm-endpoint", si.ARMEndpoint, "--ca-file", si.CAFile, "--vault", si.VaultID, "--vault-url", si.VaultURLs[0]}
				_, out, _ := doctorCLI(t, "", map[string]string{"AZURE_CLIENT_SECRET": si.ClientSecret}, args...)
				var script strings.Builder
				for _, l := range strings.Split(out, "\n") {
					if c, ok := strings.CutPrefix(strings.TrimSpace(l), "$ "); ok {
						script.WriteString(c + "\n")
					}
				}
				if !strings.Contains(script.String(), "--scope") {
					t.Fatalf("no command with the vault's scope was printed:\n%s", out)
				}
				for _, sh := range []string{"sh", "bash", "dash", "zsh"} {
					path, err := exec.LookPath(sh)
					if err != nil {
						continue
					}
					if out, err := exec.Command(path, "-n", "-c", script.String()).CombinedOutput(); err != nil {
						t.Fatalf("%s -n refuses the commands: %v %s\n%s", sh, err, out, script.String())
					}
					bin, log := fakeAz(t)
					work := t.TempDir()
					cmd := exec.Command(path, "-c", script.String())
					cmd.Dir, cmd.Env = work, []string{"PATH=" + bin + ":/usr/bin:/bin"}
					if out, err := cmd.CombinedOutput(); err != nil {
						t.Fatalf("%s: %v %s", sh, err, out)
					}
					if ents, _ := os.ReadDir(work); len(ents) > 0 {
						t.Fatalf("%s: pasting the commands made files: %v", sh, ents)
					}
					calls, _ := os.ReadFile(log)
					if !bytes.Contains(calls, []byte("\x00--scope\x00"+si.VaultID+"\x00")) {
						t.Errorf("%s: az did not get the vault's ID as one argument:\n%q", sh, calls)
					}
				}
			})
		}
	}
}

// sandbox serve --state refuses names no Azure tenant can hold, and takes
// the real ones.
func TestServeStateChecksNames(t *testing.T) {
	for _, tc := range []struct{ rg, want string }{
		{"rg$(touch${IFS}PWNED)", `resource group "rg$(touch${IFS}PWNED)": a resource group name holds letters, digits`},
		{"rg-east.", "does not end with '.'"},
		{strings.Repeat("r", 91), "at most 90 characters"},
	} {
		file := filepath.Join(t.TempDir(), "state.json")
		os.WriteFile(file, savedState(t, "healthy", tc.rg), 0o600)
		code, _, errOut := runCLI(t, "", nil, "sandbox", "serve", "--state", file)
		if code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%s: exit %d, %s", tc.rg, code, errOut)
		}
	}
	for _, rg := range []string{"rg-(prod).east", "Ресурсы_01"} {
		if p := azure.ResourceGroupNameProblem(rg); p != "" {
			t.Errorf("%s refused: %s", rg, p)
		}
		if err := checkStateNames(savedState(t, "healthy", rg)); err != nil {
			t.Errorf("%s: %v", rg, err)
		}
	}
}

// The doctor command sandbox serve prints pastes as it is into a shell, even
// with a space and a quote in the temporary folder's path (the CA file's), and
// with --graph-endpoint it reads the client secret's expiry from the served Graph.
func TestServePrintedCommandRuns(t *testing.T) {
	bin := binary(t)
	tmp := filepath.Join(t.TempDir(), "a b'c")
	os.Mkdir(tmp, 0o700)
	serve := exec.Command(bin, "sandbox", "serve")
	serve.Env = []string{"TMPDIR=" + tmp, "PATH=/usr/bin:/bin"}
	stdout, _ := serve.StdoutPipe()
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { serve.Process.Signal(os.Interrupt); serve.Wait() }()
	var script strings.Builder
	in := false
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "Serving until interrupted") {
			break
		}
		if in {
			script.WriteString(line + "\n")
		}
		in = in || strings.HasPrefix(line, "Diagnose it from another terminal")
	}
	if !strings.Contains(script.String(), "--ca-file '"+filepath.Dir(tmp)+"/a b'\\''c/kvbridge-sandbox-") {
		t.Fatalf("the CA file's path is not quoted:\n%s", script.String())
	}
	cmd := exec.Command("sh", "-c", script.String())
	cmd.Env = []string{"PATH=" + filepath.Dir(bin) + ":/usr/bin:/bin", "LANG=C.UTF-8"}
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "pass  credential.expiry") {
		t.Fatalf("the printed command: %v\n%s\n%s", err, script.String(), out)
	}
}
