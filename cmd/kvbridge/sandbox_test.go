package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kvbridge/kvbridge/steps/azure"
	"github.com/kvbridge/kvbridge/steps/azure/sandbox"
)

// A trainer saves a scenario's starting state, then serves it with --state:
// the served tenant is that scenario (doctor finds its fault), with the
// saved credentials.
func TestSandboxSaveThenServeState(t *testing.T) {
	file := filepath.Join(t.TempDir(), "room.json")
	var out, errb bytes.Buffer
	std := stdio{in: strings.NewReader(""), out: &out, err: &errb}
	if code := sandboxCLI(context.Background(), std, "save", "--scenario", "no-role", file); code != 0 {
		t.Fatalf("save: exit %d: %s", code, errb.String())
	}
	if info, err := os.Stat(file); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("saved file: %v, %v", info, err)
	}
	// Saving over an existing file is refused: a prepared room is not lost.
	if code := sandboxCLI(context.Background(), std, "save", file); code != 1 {
		t.Errorf("save over an existing file: exit %d", code)
	}

	ctx, cancel := context.WithCancel(context.Background())
	pr, pw, _ := os.Pipe()
	done := make(chan int, 1)
	go func() {
		var eb bytes.Buffer
		done <- sandboxCLI(ctx, stdio{in: strings.NewReader(""), out: pw, err: &eb}, "serve", "--json", "--state", file)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadBytes('\n')
	var si sandbox.ServeInfo
	if err != nil || json.Unmarshal(line, &si) != nil {
		t.Fatalf("serve --state announced %q (%v)", line, err)
	}
	saved, _ := os.ReadFile(file)
	if !strings.Contains(string(saved), si.ClientID) || !strings.Contains(string(saved), si.TenantID) {
		t.Errorf("served tenant does not have the saved IDs")
	}
	env := map[string]string{"AZURE_CLIENT_SECRET": si.ClientSecret, "DELINEA_PASSWORD": si.DelineaPassword}
	code, stdout, _ := doctorCLI(t, "", env, servedArgs(si)...)
	if c := parseDoctor(t, stdout).check("arm.subscriptions"); code != 1 || c.Status != azure.StatusFail || c.Cause != "none-visible" {
		t.Errorf("doctor against the served state: exit %d, arm.subscriptions %s/%s", code, c.Status, c.Cause)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("serve exit %d", code)
	}

	for _, args := range [][]string{{"serve", "--state", filepath.Join(t.TempDir(), "missing.json")}, {"save"}, {"save", "--scenario", "nope", "x.json"}} {
		errb.Reset()
		if code := sandboxCLI(context.Background(), std, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, errb.String())
		}
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte(`{"format":"something else"}`), 0o600)
	errb.Reset()
	if code := sandboxCLI(context.Background(), std, "serve", "--state", bad); code != 2 || !strings.Contains(errb.String(), "format") {
		t.Errorf("bad state: exit %d: %s", code, errb.String())
	}
}
