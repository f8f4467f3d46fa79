package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	goio "io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kvbridge/kvbridge/internal/tty"
	"github.com/kvbridge/kvbridge/steps/azure"
	"github.com/kvbridge/kvbridge/steps/azure/sandbox"
	"github.com/kvbridge/kvbridge/tui/plain"
)

// doctorFlags are kvbridge doctor's options. The client secret is never a flag value:
// it comes from AZURE_CLIENT_SECRET, --client-secret-stdin or a masked prompt.
type doctorFlags struct {
	connFlags
	room                          roomDoctorFlags
	delinea                       delineaFlags
	secretName, username, sandbox string
	secretStdin, json             bool
	timeout                       time.Duration
	seed                          int64
}

func init() { register(newDoctorCmd) }

const doctorLong = `kvbridge doctor runs every live check against Azure (or a practice tenant) and says what
is wrong and how to fix it: why Delinea's vault dropdown is empty, why a secret does not sync.`

const doctorNotes = `The client secret is never a flag: it comes from $AZURE_CLIENT_SECRET, --client-secret-stdin
or a hidden prompt on a terminal.

Exit status: 0 no check failed, 1 a check failed, 2 bad usage, 130 interrupted (ctrl+c).`

func newDoctorCmd(a *app) *cobra.Command {
	var f doctorFlags
	c := &cobra.Command{
		Use:   "doctor [flags]",
		Short: "diagnose the integration (why is Delinea's vault dropdown empty?)",
		Long:  doctorLong,
		Example: `  AZURE_CLIENT_SECRET=... kvbridge doctor --tenant contoso.onmicrosoft.com \
      --client-id APP-ID --vault kv-delinea
  kvbridge doctor --sandbox no-vault-read`,
		Annotations: map[string]string{"notes": doctorNotes + "\n\n" + delineaNotes},
		Args:        noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if f.room.join != "" {
				return runRoomDoctor(a.ctx, c, f, a.io, a.getenv)
			}
			if err := f.check(c, a.getenv); err != nil {
				return err
			}
			return runDoctor(a.ctx, f, a.io, a.getenv)
		},
	}
	fl := c.Flags()
	f.register(fl)
	fl.BoolVar(&f.secretStdin, "client-secret-stdin", false, "read the client secret from standard input (otherwise $AZURE_CLIENT_SECRET, or a hidden prompt)")
	fl.StringVar(&f.secretName, "secret-name", "", "the Azure secret `NAME` mapped in Delinea (checks mapping.*)")
	fl.StringVar(&f.username, "username", "", "the Delinea Username (`NAME`) mapped to the secret's tag \"username\"")
	fl.DurationVar(&f.timeout, "timeout", azure.DefaultCheckTimeout, "time allowed for each check")
	fl.BoolVar(&f.json, "json", false, "print one JSON object instead of text")
	f.delinea.register(fl)
	fl.StringVar(&f.sandbox, "sandbox", "", "run against an in-process practice tenant, in `SCENARIO` (bare: healthy; 'kvbridge sandbox list')")
	fl.Lookup("sandbox").NoOptDefVal = "healthy"
	f.room.register(fl)
	fl.Int64Var(&f.seed, "seed", 0, "with --sandbox mystery: the seed `N` that picks its fault (the same N, the same fault)")
	_ = c.RegisterFlagCompletionFunc("sandbox", completeScenarios)
	_ = c.RegisterFlagCompletionFunc("cloud", cobra.FixedCompletions([]cobra.Completion{"public", "china", "usgov"}, cobra.ShellCompDirectiveNoFileComp))
	return c
}

// check validates the parsed flags and fills the connection from the environment.
func (f *doctorFlags) check(c *cobra.Command, getenv func(string) string) error {
	if f.timeout <= 0 {
		return usagef("doctor: --timeout must be positive")
	}
	if f.seed != 0 && f.sandbox == "" {
		return usagef("doctor: --seed picks the practice tenant's mystery; give it with --sandbox mystery")
	}
	if f.sandbox != "" {
		// The practice tenant hands out its own IDs; AZURE_* are for a real tenant.
		if f.endpointsGiven() {
			return usagef("doctor: --sandbox runs its own practice tenant, a public-cloud one; it does not take --cloud, --authority-host, --arm-endpoint, --graph-endpoint or --ca-file (for a served tenant, use those without --sandbox)")
		}
		f.idsGiven = c.Flags().Changed("tenant") || c.Flags().Changed("client-id")
		return f.delinea.check(f, true)
	}
	if err := f.finish(c.Flags(), getenv); err != nil {
		return usagef("doctor: %v", err)
	}
	return f.delinea.check(f, false)
}

func runDoctor(ctx context.Context, f doctorFlags, io stdio, getenv func(string) string) error {
	extraCA, err := readCAFile(f.caFile)
	if err != nil {
		return usagef("doctor: %v", err)
	}
	conn := f.connection()
	conn.SecretName, conn.MapUsername, conn.Username = f.secretName, f.username != "", f.username

	var practice *sandbox.Tenant
	if f.sandbox != "" {
		if err := checkScenario(f.sandbox); err != nil {
			return usagef("doctor: --sandbox: %v", err)
		}
		practice, err = startPractice(f.sandbox, f.seed)
		if err != nil {
			return usagef("doctor: --sandbox: %v", err)
		}
		defer practice.Close()
	}
	cfg := checksConfig(conn, "", practice, extraCA)
	cfg.CheckTimeout = f.timeout
	if practice != nil {
		in := practice.Info()
		if cfg.SecretName == "" {
			cfg.SecretName = in.SecretName
		}
		if strings.EqualFold(cfg.SecretName, in.SecretName) {
			cfg.ExpectUsernameTag, cfg.Username = true, in.SecretUsername
			cfg.SetComparePassword(in.SecretValue) // what Delinea holds; only its hash is kept
		}
		if !f.secretStdin {
			cfg.ClientSecret = in.ClientSecret
		}
	}
	fromDelinea := f.delinea.used(practice != nil)
	if fromDelinea {
		src, err := delineaSource(f, io, getenv, practice, extraCA, &cfg)
		if err != nil {
			return err
		}
		cfg.Delinea = src
		if src != nil && !src.CredentialSecret.Zero() && practice != nil && !typedCredentials(f) {
			// The practice handout stands in for typed values only when Delinea is not read.
			cfg.TenantID, cfg.ClientID, cfg.ClientSecret = "", "", ""
		}
	}
	readsCredential := cfg.Delinea != nil && !cfg.Delinea.CredentialSecret.Zero()
	if practice == nil && !readsCredential && (f.tenant == "") != (f.clientID == "") {
		// Half an app named: say which half is missing rather than asking for both.
		if f.tenant == "" {
			return usagef("doctor: --client-id is given but not the tenant: add --tenant (or set AZURE_TENANT_ID), the app's Directory (tenant) ID or a verified domain")
		}
		return usagef("doctor: --tenant is given but not the client ID: add --client-id (or set AZURE_CLIENT_ID), the app's Application (client) ID")
	}
	if practice == nil && !readsCredential && (f.tenant == "" || f.clientID == "") {
		return usagef("doctor: which app? Give --tenant and --client-id (or set AZURE_TENANT_ID and AZURE_CLIENT_ID), with the secret in AZURE_CLIENT_SECRET; or try the practice tenant: kvbridge doctor --sandbox no-vault-read")
	}
	if readsCredential && cfg.ClientSecret == "" {
		// Delinea's client secret is used; a typed one is only compared, never asked for.
		if f.secretStdin {
			sec, err := readSecret(ctx, f, io, getenv, practice != nil)
			if err != nil {
				return err
			}
			cfg.ClientSecret = sec
		} else if practice == nil {
			cfg.ClientSecret = getenv("AZURE_CLIENT_SECRET")
		}
	} else if cfg.ClientSecret == "" {
		sec, err := readSecret(ctx, f, io, getenv, practice != nil)
		if err != nil {
			return err
		}
		cfg.ClientSecret = sec
	}

	s, err := azure.NewSession(cfg)
	if err != nil {
		return usagef("doctor: %v", err)
	}
	pr := plain.NewResultWriter(io.out, getenv)
	if !f.json && practice != nil {
		in := practice.Info()
		seed := ""
		if in.Seed != 0 {
			seed = fmt.Sprintf("\n--seed %d brings the same one back.", in.Seed)
		}
		// Short lines rather than one that an 80-column terminal breaks.
		pr.Line(fmt.Sprintf("Practice tenant: scenario %q.\nIt runs inside kvbridge; nothing leaves this machine.%s\n", in.Scenario, seed))
	}
	start := time.Now()
	rep := s.Run(ctx, nil, func(r azure.Result) {
		if !f.json {
			pr.Result(r)
		}
	})
	if f.json {
		if err := writeDoctorJSON(io.out, rep); err != nil {
			return err
		}
	} else {
		pr.NotRun(rep)
		pr.Vaults(rep)
		pr.Fixes(rep)
		pr.Summary(rep, time.Since(start), ctx.Err() != nil)
	}
	if ctx.Err() != nil || !rep.OK() {
		return errFailed
	}
	return nil
}

// readSecret takes the client secret from --client-secret-stdin, AZURE_CLIENT_SECRET or
// a masked prompt on a terminal; without any of them it is a usage error. Both reads
// end on a signal (ctx): a stdin that never closes or a prompt nobody answers must not
// hold the process.
func readSecret(ctx context.Context, f doctorFlags, io stdio, getenv func(string) string, practice bool) (string, error) {
	if f.secretStdin {
		b, err := readCtx(ctx, func() ([]byte, error) { return readAllLimited(io.in, maxSecretStdin+1) })
		if ctx.Err() != nil {
			return "", context.Cause(ctx)
		}
		if err != nil {
			return "", fmt.Errorf("doctor: reading the client secret from stdin: %w", err)
		}
		if len(b) > maxSecretStdin {
			// Cut, it would be sent as a wrong secret and come back as a puzzling AADSTS error.
			return "", usagef("doctor: --client-secret-stdin: standard input holds more than %d KiB; a client secret's Value is about 40 characters: pipe only the secret", maxSecretStdin>>10)
		}
		s := strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r") // the pipe's newline
		if s == "" {
			return "", usagef("doctor: --client-secret-stdin: standard input was empty")
		}
		return s, nil
	}
	if s := getenv("AZURE_CLIENT_SECRET"); s != "" && !practice {
		return s, nil
	}
	if file, ok := io.in.(*os.File); ok && tty.IsTerminal(file) {
		fmt.Fprint(io.err, "Client secret (the Value; input hidden): ")
		b, err := tty.ReadHidden(ctx, file) // a signal ends it, the terminal put back
		fmt.Fprintln(io.err)
		if ctx.Err() != nil {
			return "", context.Cause(ctx)
		}
		if errors.Is(err, goio.EOF) {
			return "", usagef("doctor: no client secret: the input ended (ctrl+d) before a line was typed")
		}
		if err != nil {
			return "", fmt.Errorf("doctor: reading the client secret: %w", err)
		}
		return string(b), nil
	}
	return "", usagef("doctor: no client secret: set AZURE_CLIENT_SECRET, or pipe it with --client-secret-stdin")
}

// maxSecretStdin bounds --client-secret-stdin; far above any client secret.
const maxSecretStdin = tty.MaxLine

func readAllLimited(r io.Reader, n int64) ([]byte, error) {
	if r == nil {
		return nil, nil
	}
	return io.ReadAll(bufio.NewReader(io.LimitReader(r, n)))
}

// doctorJSON is doctor --json's object. "checks" are azure.Result (see its JSON shape:
// id, status, cause, title, detail, blocked_by, evidence, fix, duration_ms); "vaults"
// are azure.VaultInfo, the list Delinea's dropdown would show.
type doctorJSON struct {
	OK       bool              `json:"ok"`
	Checks   []azure.Result    `json:"checks"`
	Vaults   []azure.VaultInfo `json:"vaults"`
	DAGDepth int               `json:"dag_depth"`
}

func writeDoctorJSON(w io.Writer, rep *azure.Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	vs := rep.Vaults
	if vs == nil {
		vs = []azure.VaultInfo{}
	}
	return enc.Encode(doctorJSON{OK: rep.OK(), Checks: rep.Results, Vaults: vs, DAGDepth: azure.Depth()})
}
