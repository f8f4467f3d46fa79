package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kvbridge/kvbridge/steps/azure"
	"github.com/kvbridge/kvbridge/steps/azure/sandbox"
)

// doctorCLI runs doctor in process as run() would dispatch it, with the exit code
// mapping of main.go.
func doctorCLI(t *testing.T, stdin string, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := func(k string) string { return env[k] }
	code := run(context.Background(), append([]string{"doctor"}, args...), stdio{in: strings.NewReader(stdin), out: &out, err: &errb}, getenv)
	return code, out.String(), errb.String()
}

type doctorOut struct {
	OK     bool              `json:"ok"`
	Checks []azure.Result    `json:"checks"`
	Vaults []json.RawMessage `json:"vaults"`
}

func parseDoctor(t *testing.T, stdout string) doctorOut {
	t.Helper()
	var d doctorOut
	if err := json.Unmarshal([]byte(stdout), &d); err != nil {
		t.Fatalf("doctor --json output is not JSON: %v\n%s", err, stdout)
	}
	return d
}

func (d doctorOut) check(id string) azure.Result {
	for _, c := range d.Checks {
		if c.ID == id {
			return c
		}
	}
	return azure.Result{}
}

// verifyScenario checks doctor's verdict against the scenario's expectation.
func verifyScenario(t *testing.T, sc sandbox.Scenario, code int, d doctorOut) {
	t.Helper()
	if len(d.Checks) != len(azure.Catalogue) {
		t.Errorf("%d checks, want %d", len(d.Checks), len(azure.Catalogue))
	}
	if sc.ExpectCheck == "" {
		if code != 0 || !d.OK {
			t.Errorf("exit %d ok=%v, want 0 true", code, d.OK)
		}
		for _, c := range d.Checks {
			// A skip without a blocker is a check with nothing to compare (no password
			// given against a served tenant): not a failure.
			if c.Status == azure.StatusFail || (c.Status == azure.StatusSkip && c.BlockedBy != "") {
				t.Errorf("%s ended %s/%s: %s", c.ID, c.Status, c.Cause, c.Detail)
			}
		}
		return
	}
	c := d.check(sc.ExpectCheck)
	ok := c.Cause == sc.ExpectCause
	if c.Status != azure.StatusFail || !ok {
		t.Errorf("%s = %s/%s, want fail/%s (%s)", sc.ExpectCheck, c.Status, c.Cause, sc.ExpectCause, c.Detail)
	}
	if code != 1 || d.OK {
		t.Errorf("exit %d ok=%v, want 1 false", code, d.OK)
	}
}

func scenarios() []sandbox.Scenario {
	var out []sandbox.Scenario
	for _, s := range sandbox.Scenarios() {
		if s.Name != "mystery" {
			out = append(out, s)
		}
	}
	return out
}

func scenarioArgs(sc sandbox.Scenario) []string {
	args := []string{"--sandbox", sc.Name, "--json", "--timeout", "10s"}
	if sc.Name == "soft-deleted-name" {
		args = append(args, "--secret-name", "Prod-VM-Admin-Pass")
	}
	return args
}

func TestDoctorScenariosInProcess(t *testing.T) {
	for _, sc := range scenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			code, out, errs := doctorCLI(t, "", nil, scenarioArgs(sc)...)
			if errs != "" {
				t.Errorf("stderr: %s", errs)
			}
			verifyScenario(t, sc, code, parseDoctor(t, out))
		})
	}
}

func TestDoctorMysteryHasAFinding(t *testing.T) {
	code, out, _ := doctorCLI(t, "", nil, "--sandbox", "mystery", "--json")
	if d := parseDoctor(t, out); code != 1 || d.OK {
		t.Errorf("mystery: exit %d ok=%v, want a failure", code, d.OK)
	}
}

// startServed runs a practice tenant the way `kvbridge sandbox serve --json` does and
// returns what it announced.
func startServed(t *testing.T, scenario string, latency time.Duration) sandbox.ServeInfo {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw, _ := os.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- sandbox.Serve(ctx, sandbox.Options{Scenario: scenario, Latency: latency}, pw, true)
		pw.Close()
	}()
	t.Cleanup(func() { cancel(); <-done; pr.Close() })
	line, err := bufio.NewReader(pr).ReadBytes('\n')
	if err != nil {
		t.Fatalf("serve: %v", err)
	}
	var si sandbox.ServeInfo
	if err := json.Unmarshal(line, &si); err != nil {
		t.Fatal(err)
	}
	return si
}

// servedArgs reach a served tenant through the flags, Delinea's side included (the
// password in $DELINEA_PASSWORD): the credential secret's values are the ones the
// checks use, the typed ones are compared.
func servedArgs(si sandbox.ServeInfo) []string {
	return []string{"--tenant", si.TenantID, "--client-id", si.ClientID, "--authority-host", si.AuthorityHost,
		"--arm-endpoint", si.ARMEndpoint, "--ca-file", si.CAFile, "--vault", si.VaultURLs[0],
		"--secret-name", "Prod-VM-Admin-Pass", "--username", "vmadmin",
		"--delinea-url", si.DelineaURL, "--delinea-username", si.DelineaUsername,
		"--credential-secret", strconv.Itoa(si.CredentialSecretID), "--mapped-secret", strconv.Itoa(si.MappedSecretID),
		"--json", "--timeout", "10s"}
}

// Every scenario, served on loopback and reached through the flags, with its known
// secret in AZURE_CLIENT_SECRET: the verdict matches, and neither the client secret
// nor anything derived from it appears on stdout or stderr, in JSON or text.
func TestDoctorServedScenariosNeverEchoTheSecret(t *testing.T) {
	for _, sc := range scenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			si := startServed(t, sc.Name, 0)
			env := map[string]string{"AZURE_CLIENT_SECRET": si.ClientSecret, "DELINEA_PASSWORD": si.DelineaPassword}
			args := servedArgs(si)
			code, out, errs := doctorCLI(t, "", env, args...)
			verifyScenario(t, sc, code, parseDoctor(t, out))
			_, text, terr := doctorCLI(t, "", env, args[:len(args)-3]...) // text mode
			piped := si.ClientSecret + "\n"
			_, sout, serr := doctorCLI(t, piped, map[string]string{"DELINEA_PASSWORD": si.DelineaPassword}, append(args, "--client-secret-stdin")...)
			for _, s := range []string{out, errs, text, terr, sout, serr} {
				for _, secret := range []string{si.ClientSecret, si.DelineaPassword} {
					if strings.Contains(s, secret) {
						t.Fatalf("a secret appeared in the output:\n%s", s)
					}
				}
			}
		})
	}
}

// The command `kvbridge sandbox serve` prints for trainees: the vault by resource ID
// plus its loopback URL. On no-vault-read exactly one check fails, the dropdown,
// while the permission and data-plane checks still run and pass.
func TestDoctorServedVaultByIDAndURL(t *testing.T) {
	si := startServed(t, "no-vault-read", 0)
	env := map[string]string{"AZURE_CLIENT_SECRET": si.ClientSecret}
	args := []string{"--tenant", si.TenantID, "--client-id", si.ClientID, "--authority-host", si.AuthorityHost,
		"--arm-endpoint", si.ARMEndpoint, "--ca-file", si.CAFile, "--vault", si.VaultID, "--vault-url", si.VaultURLs[0],
		"--secret-name", "Prod-VM-Admin-Pass", "--json"}
	code, out, errs := doctorCLI(t, "", env, args...)
	d := parseDoctor(t, out)
	var failed []string
	for _, c := range d.Checks {
		if c.Status == azure.StatusFail {
			failed = append(failed, c.ID+"/"+c.Cause)
		}
	}
	if code != 1 || strings.Join(failed, " ") != "arm.vaults/none-listed" {
		t.Fatalf("exit %d, failed %v\n%s", code, failed, errs)
	}
	for _, id := range []string{"rbac.secrets-write", "data.secrets", "mapping.secret"} {
		if c := d.check(id); c.Status != azure.StatusPass {
			t.Errorf("%s = %s/%s: %s", id, c.Status, c.Cause, c.Detail)
		}
	}
	code, _, errs = doctorCLI(t, "", env, "--sandbox", "healthy", "--vault-url", "http://plain.example")
	if code != 2 || !strings.Contains(errs, "vault URL") {
		t.Errorf("an http vault URL: exit %d, %s", code, errs)
	}
}

func TestDoctorWithoutAnAppSaysWhatToGive(t *testing.T) {
	code, _, errs := doctorCLI(t, "", map[string]string{"AZURE_CLIENT_SECRET": "x"})
	if code != 2 || !strings.Contains(errs, "--tenant and --client-id") || !strings.Contains(errs, "--sandbox") {
		t.Errorf("exit %d: %s", code, errs)
	}
}

func TestDoctorServedHealthyText(t *testing.T) {
	si := startServed(t, "healthy", 0)
	env := map[string]string{"AZURE_CLIENT_SECRET": si.ClientSecret, "DELINEA_PASSWORD": si.DelineaPassword, "LANG": "en_US.UTF-8"}
	args := servedArgs(si)
	code, out, errs := doctorCLI(t, "", env, args[:len(args)-3]...)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	if !strings.Contains(out, "✓ pass  auth.token") || strings.Contains(out, "\x1b[") {
		t.Errorf("text output:\n%s", out)
	}
	delete(env, "LANG")
	_, out, _ = doctorCLI(t, "", env, args[:len(args)-3]...)
	if !strings.Contains(out, "[ok] pass  auth.token") {
		t.Errorf("ASCII output:\n%s", out)
	}
}

func TestDoctorWrongSecretOnStdinIsNotEchoed(t *testing.T) {
	const known = "kvb9Q~known-secret-value-for-this-test.xyz"
	code, out, errs := doctorCLI(t, known+"\n", nil, "--sandbox", "healthy", "--client-secret-stdin", "--json")
	d := parseDoctor(t, out)
	if c := d.check("auth.token"); code != 1 || c.Cause != "secret-invalid" {
		t.Errorf("exit %d, auth.token %s/%s", code, c.Status, c.Cause)
	}
	if strings.Contains(out+errs, known) {
		t.Fatal("the secret appeared in the output")
	}
}

func TestDoctorUsage(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"secret flag", nil, []string{"--client-secret", "abc123secretvalue"}, "AZURE_CLIENT_SECRET"},
		{"secret flag =", nil, []string{"--client-secret=abc123secretvalue"}, "--client-secret-stdin"},
		{"no secret, no tty", map[string]string{"AZURE_TENANT_ID": "contoso.onmicrosoft.com", "AZURE_CLIENT_ID": "00000000-0000-0000-0000-000000000001"}, nil, "no client secret"},
		{"bad timeout", nil, []string{"--timeout", "-1s"}, "--timeout"},
		{"bad cloud", nil, []string{"--cloud", "mars"}, "unknown cloud"},
		{"unknown scenario", nil, []string{"--sandbox", "nope"}, "unknown scenario"},
		{"sandbox and endpoints", nil, []string{"--sandbox", "healthy", "--arm-endpoint", "https://127.0.0.1:1"}, "--sandbox"},
		{"bad ca file", map[string]string{"AZURE_CLIENT_SECRET": "x"}, []string{"--ca-file", "/nonexistent/ca.pem"}, "--ca-file"},
		{"bad vault", map[string]string{"AZURE_CLIENT_SECRET": "x"}, []string{"--vault", "a_b"}, "vault"},
		{"arguments", nil, []string{"extra"}, "no arguments"},
		{"no app", nil, nil, "which app?"},
		{"tenant only", nil, []string{"--tenant", "contoso.onmicrosoft.com"}, "add --client-id"},
		{"client ID only", map[string]string{"AZURE_CLIENT_ID": "00000000-0000-0000-0000-000000000001"}, nil, "add --tenant"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := doctorCLI(t, "", c.env, c.args...)
			if code != 2 || !strings.Contains(errs, c.want) {
				t.Errorf("exit %d, stderr %q, want 2 and %q (stdout %q)", code, errs, c.want, out)
			}
			if strings.Contains(errs, "abc123secretvalue") {
				t.Error("the refused secret was echoed")
			}
		})
	}
}

// sandboxCLI runs `kvbridge sandbox ARGS...` in process.
func sandboxCLI(ctx context.Context, std stdio, args ...string) int {
	return run(ctx, append([]string{"sandbox"}, args...), std, os.Getenv)
}

func TestSandboxCommand(t *testing.T) {
	var out, errb bytes.Buffer
	std := stdio{in: strings.NewReader(""), out: &out, err: &errb}
	if code := sandboxCLI(context.Background(), std, "list"); code != 0 || !strings.Contains(out.String(), "no-vault-read") {
		t.Errorf("list: exit %d\n%s", code, out.String())
	}
	for _, args := range [][]string{{"serve", "--addr", "0.0.0.0:8443"}, {"serve", "--addr", "192.168.1.2:0"}, {"serve", "--scenario", "nope"}, {"frobnicate"}, {}} {
		errb.Reset()
		if code := sandboxCLI(context.Background(), std, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, errb.String())
		}
	}
	// serve: announces itself as JSON and stops when the context ends.
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw, _ := os.Pipe()
	done := make(chan int, 1)
	go func() {
		var eb bytes.Buffer
		done <- sandboxCLI(ctx, stdio{in: strings.NewReader(""), out: pw, err: &eb}, "serve", "--json", "--scenario", "firewall")
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadBytes('\n')
	var si sandbox.ServeInfo
	if err != nil || json.Unmarshal(line, &si) != nil || si.Scenario != "firewall" || !strings.HasPrefix(si.ARMEndpoint, "https://127.0.0.1:") {
		t.Fatalf("serve announced %q (%v)", line, err)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("serve exit %d", code)
	}
}

// ---- the built binary ----

var (
	doctorBinOnce sync.Once
	doctorBin     string
	doctorBinErr  error
)

// binary builds kvbridge once; it skips when main.go does not dispatch the doctor and
// sandbox commands yet.
func binary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	doctorBinOnce.Do(func() {
		dir, err := os.MkdirTemp("", "kvbridge-doctor-bin-")
		if err != nil {
			doctorBinErr = err
			return
		}
		doctorBin = filepath.Join(dir, "kvbridge")
		if out, err := exec.Command("go", "build", "-o", doctorBin, ".").CombinedOutput(); err != nil {
			doctorBinErr = &buildError{string(out)}
		}
	})
	if doctorBinErr != nil {
		t.Fatalf("building kvbridge: %v", doctorBinErr)
	}
	out, _ := exec.Command(doctorBin, "doctor", "--help").CombinedOutput()
	if !strings.Contains(string(out), "kvbridge doctor") {
		t.Skip("main.go does not dispatch `doctor` yet")
	}
	return doctorBin
}

type buildError struct{ out string }

func (e *buildError) Error() string { return e.out }

func TestDoctorBinaryScenarios(t *testing.T) {
	bin := binary(t)
	for _, sc := range scenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(bin, append([]string{"doctor"}, scenarioArgs(sc)...)...)
			cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
			var out, errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			err := cmd.Run()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			verifyScenario(t, sc, code, parseDoctor(t, out.String()))
		})
	}
}

// The binary's own `sandbox serve --json`, reached by the binary's doctor through
// --authority-host, --arm-endpoint and --ca-file.
func TestDoctorBinaryAgainstServedTenant(t *testing.T) {
	bin := binary(t)
	serve := exec.Command(bin, "sandbox", "serve", "--json")
	stdout, _ := serve.StdoutPipe()
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = serve.Process.Signal(os.Interrupt); _ = serve.Wait() }()
	line, err := bufio.NewReader(stdout).ReadBytes('\n')
	if err != nil {
		t.Fatal(err)
	}
	var si sandbox.ServeInfo
	if err := json.Unmarshal(line, &si); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, append([]string{"doctor"}, servedArgs(si)...)...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "AZURE_CLIENT_SECRET=" + si.ClientSecret, "DELINEA_PASSWORD=" + si.DelineaPassword}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("doctor: %v\n%s\n%s", err, out.String(), errb.String())
	}
	d := parseDoctor(t, out.String())
	verifyScenario(t, sandbox.Scenario{Name: "healthy"}, 0, d)
	if strings.Contains(out.String()+errb.String(), si.ClientSecret) || strings.Contains(out.String()+errb.String(), si.DelineaPassword) {
		t.Fatal("a secret appeared in the output")
	}
}

// doctor --json keeps its keys and adds the fix's ways (with their cost) and,
// in the vault list, the subscription's name and the target; text output
// names each fix once with the checks it fixes, alternatives after Either/or.
func TestDoctorFixWaysAndVaultList(t *testing.T) {
	code, out, _ := doctorCLI(t, "", nil, "--sandbox", "access-policy-vault", "--json")
	var d struct {
		Checks []struct {
			ID  string `json:"id"`
			Fix *struct {
				Summary string   `json:"summary"`
				Az      []string `json:"az"`
				Ways    []struct {
					Text, Cost string
					Az         []string
				} `json:"ways"`
			} `json:"fix"`
		} `json:"checks"`
		Vaults []struct {
			Name             string `json:"name"`
			SubscriptionName string `json:"subscription_name"`
			Target           bool   `json:"target"`
		} `json:"vaults"`
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil || code != 1 {
		t.Fatalf("exit %d, %v", code, err)
	}
	ways := 0
	for _, c := range d.Checks {
		if c.Fix != nil && len(c.Fix.Ways) > 1 {
			ways++
			for _, w := range c.Fix.Ways {
				if w.Text == "" || w.Cost == "" || len(w.Az) == 0 {
					t.Errorf("%s: a way without text, cost or command: %+v", c.ID, w)
				}
			}
		}
	}
	targets := 0
	for _, v := range d.Vaults {
		if v.SubscriptionName == "" {
			t.Errorf("vault %s without its subscription's name", v.Name)
		}
		if v.Target {
			targets++
		}
	}
	if ways == 0 || targets != 1 {
		t.Errorf("%d fixes with alternatives, %d target vaults", ways, targets)
	}

	_, text, _ := doctorCLI(t, "", map[string]string{"LANG": "C.UTF-8"}, "--sandbox", "access-policy-vault")
	for _, want := range []string{"     Fixes ", "     Either: ", "     or: ", "       Cost: ", "← the vault checked", "Vaults ARM lists to this app"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	if n := strings.Count(text, "$ az keyvault update --name kv-contoso-practice --enable-rbac-authorization true"); n != 1 {
		t.Errorf("the RBAC switch is printed %d times:\n%s", n, text)
	}
}
