// Command kvbridge teaches, checks and troubleshoots the integration of
// Delinea Secret Server with Azure Key Vault. This package only parses the
// command line, picks the mode and maps errors to exit codes.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// Exit codes: 0 success, 1 failure (a check failed, an I/O error),
// 2 bad usage, or the course ended early: its input ended or a signal
// interrupted it (progress is saved either way).
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

// version is set at build time with -ldflags "-X main.version=v1.2.3";
// otherwise it comes from the module's build information.
var version = ""

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], stdio{in: os.Stdin, out: os.Stdout, err: os.Stderr}, os.Getenv))
}

type stdio struct {
	in       io.Reader
	out, err io.Writer
}

// usageError is bad input on the command line: exit 2 with the message.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

// failed means the command already said what went wrong; exit 1 quietly.
var errFailed = errors.New("failed")

func run(ctx context.Context, args []string, io stdio, getenv func(string) string) int {
	var err error
	switch cmd, rest := subcommand(args); cmd {
	case "report":
		err = runReport(rest, io, getenv)
	case "doctor":
		err = runDoctor(ctx, rest, io, getenv)
	case "sandbox":
		err = runSandbox(ctx, rest, io, getenv)
	case "help":
		printUsage(io.out)
	case "version":
		fmt.Fprintln(io.out, "kvbridge", buildVersion())
	default:
		err = runWizard(ctx, args, io, getenv)
	}
	return exitCode(err, io.err)
}

func subcommand(args []string) (string, []string) {
	if len(args) > 0 {
		switch args[0] {
		case "report", "doctor", "sandbox", "help", "version":
			return args[0], args[1:]
		}
	}
	return "", args
}

func exitCode(err error, stderr io.Writer) int {
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "kvbridge: %s\nRun 'kvbridge --help' for usage.\n", ue.msg)
		return exitUsage
	case errors.Is(err, errAborted):
		return exitUsage
	case errors.Is(err, errFailed):
		return exitFail
	default:
		fmt.Fprintf(stderr, "kvbridge: %v\n", err)
		return exitFail
	}
}

func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

func printUsage(w io.Writer) {
	fmt.Fprint(w, `kvbridge: learn, check and troubleshoot Delinea Secret Server External Secrets with Azure Key Vault.

Usage:
  kvbridge [flags]              run the course wizard (resumes saved progress)
  kvbridge doctor [flags]       diagnose the integration (why is Delinea's vault dropdown empty?);
                                'kvbridge doctor --help' lists its flags
  kvbridge sandbox serve|list   run the practice tenant as a server, or list its scenarios
  kvbridge report [--json]      print the saved progress as Markdown or JSON
  kvbridge help                 show this help
  kvbridge version              print the version

Flags:
  --sandbox[=SCENARIO]  check against the built-in practice tenant (default healthy;
                        'kvbridge sandbox list' shows the scenarios). With no flag the
                        wizard asks where to check, the practice tenant first
  --offline             the course only, without live checks
  --tenant ID           your tenant's ID or domain (default $AZURE_TENANT_ID)
  --client-id ID        the app's client ID (default $AZURE_CLIENT_ID); with --tenant,
                        the wizard checks your own tenant without asking
  --cloud NAME          public, china or usgov
  --authority-host URL  Entra ID authority host (default $AZURE_AUTHORITY_HOST)
  --arm-endpoint URL    Azure Resource Manager endpoint
  --vault NAME|URL|ID   the vault Delinea should use
  --vault-url URL       the vault's URL when ARM cannot tell it (private clouds)
  --ca-file PATH        extra trusted CA certificates (PEM)
                        The client secret comes from $AZURE_CLIENT_SECRET or the
                        wizard's form; it is never a flag and never saved.
  --accessible          line-by-line prompts for screen readers (also ACCESSIBLE=1);
                        used automatically when stdin or stdout is not a terminal
  --reset               start the course over (asks first; without a terminal add --yes)
  --yes                 answer yes to --reset without asking
  -h, --help            show this help
  --version             print the version

Keys in the wizard:
  up/down, k/j       move            space/enter   tick or choose
  right, l, tab      next screen     left, h, shift+tab   previous screen
  1-4                jump to section ?             all keys
  q                  quit (progress is saved)      ctrl+c  quit at once
  r                  run the live checks           w       watch: re-run every 15 s
  esc                stop a run                    c       choose where checks run
  p                  practice actions (practice)   /       filter the vault list
  e                  export the expiry reminder (.ics, section 4)
  y                  copy the failed checks' az commands to the clipboard
  enter on a field edits it; enter, tab or esc ends the edit

Environment:
  NO_COLOR        any value turns colour off
  ACCESSIBLE      any value other than 0/false turns on line-by-line prompts
  XDG_STATE_HOME  where progress is saved (default ~/.local/state), in kvbridge/progress.json
`)
}
