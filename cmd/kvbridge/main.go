// Command kvbridge teaches, checks and troubleshoots the integration of
// Delinea Secret Server with Azure Key Vault. This package only parses the
// command line (with cobra and pflag), picks the mode and maps errors to exit
// codes.
//
// Adding a command: write one file with a func newXxxCmd(a *app) *cobra.Command
// and register it from that file's init (register(newXxxCmd)). Return
// usagef(...) for bad input (exit 2, pointing at the command's help), errFailed
// once the command has said what failed (exit 1), any other error for a
// failure to report as is (exit 1). Flags are pflag flags on cmd.Flags(); every
// flag may be given once (see refuseRepeats), and errors about them name the
// command's help.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
)

// Exit codes: 0 success, 1 failure (a check failed, an I/O error), 2 bad
// usage or the course's input ended before it was finished (progress is
// saved), 128+N when signal N interrupted the run (130 for ctrl+c, 143 for
// SIGTERM), as shells expect. `sandbox serve` runs until interrupted, so a
// signal is its ordinary end: exit 0.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
	// exitInterrupted is 128+SIGINT: ctrl+c in the full-screen wizard is a key,
	// not a signal, and ends it as the signal would.
	exitInterrupted = 130
)

// version is set at build time with -ldflags "-X main.version=v1.2.3";
// otherwise it comes from the module's build information.
var version = ""

func main() {
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 1)
	// SIGHUP (the terminal went away, or kill -HUP) and SIGQUIT (ctrl+\) end a
	// run as SIGINT and SIGTERM do: the wizard restores the terminal, serve
	// removes its folder (CA, answer key), progress is saved.
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
	go func() {
		s := <-sigs
		// A second signal ends the process at once (the default action): a
		// run that does not stop on the first must not trap the user.
		signal.Stop(sigs)
		cancel(interrupted{s})
	}()
	os.Exit(run(ctx, os.Args[1:], stdio{in: os.Stdin, out: os.Stdout, err: os.Stderr}, os.Getenv))
}

// interrupted is the context's cause when a signal ended the run.
type interrupted struct{ sig os.Signal }

func (i interrupted) Error() string { return "interrupted by " + i.sig.String() }

// exitCode is what a shell expects of a process a signal ended: 128+N.
func (i interrupted) exitCode() int {
	if s, ok := i.sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 128 + int(syscall.SIGINT)
}

type stdio struct {
	in       io.Reader
	out, err io.Writer
}

// app is what every command's constructor gets: the run's context, its
// standard streams and environment.
type app struct {
	ctx    context.Context
	io     stdio
	getenv func(string) string
	// signalEnds is set by a command whose ordinary end is a signal
	// (sandbox serve): it then exits 0, not 128+N.
	signalEnds bool
}

// commands are the constructors of kvbridge's subcommands, one per file,
// each added by its file's init.
var commands []func(*app) *cobra.Command

func register(newCmd func(*app) *cobra.Command) { commands = append(commands, newCmd) }

// usageError is bad input on the command line: exit 2 with the message and a
// pointer to the help of the command it was given to.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

// failed means the command already said what went wrong; exit 1 quietly.
var errFailed = errors.New("failed")

func run(ctx context.Context, args []string, io stdio, getenv func(string) string) int {
	a := &app{ctx: ctx, io: io, getenv: getenv}
	root := newRootCmd(a)
	root.SetIn(io.in)
	root.SetOut(io.out)
	root.SetErr(io.err)
	for _, newCmd := range commands {
		root.AddCommand(newCmd(a))
	}
	finishTree(root)
	if err := refuseSecretFlag(args); err != nil {
		return exitCode(a, root, err)
	}
	root.SetArgs(prepareArgs(root, args))
	cmd, err := root.ExecuteContextC(ctx)
	return exitCode(a, cmd, err)
}

func exitCode(a *app, cmd *cobra.Command, err error) int {
	var sig interrupted
	if errors.As(context.Cause(a.ctx), &sig) && !a.signalEnds {
		return sig.exitCode()
	}
	var ue usageError
	stderr := a.io.err
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "kvbridge: %s\nRun '%s --help' for usage.\n", clipEcho(ue.msg), cmd.CommandPath())
		return exitUsage
	case errors.Is(err, errInterrupted):
		return exitInterrupted
	case errors.Is(err, errAborted):
		return exitUsage
	case errors.Is(err, errFailed):
		return exitFail
	default:
		fmt.Fprintf(stderr, "kvbridge: %s\n", clipEcho(err.Error()))
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

// commit and built are set by make dist (-X main.commit=… -X main.built=…); a plain
// go build takes the commit from the module's VCS stamp.
var commit, built = "", ""

// buildDetails is the line under the version: commit, build date, Go version and
// platform, so a trainer can tell which file a laptop runs.
func buildDetails() string {
	c, dirty := commit, false
	if bi, ok := debug.ReadBuildInfo(); ok && c == "" {
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				c = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
	}
	if len(c) > 12 {
		c = c[:12]
	}
	if dirty {
		c += "+changes"
	}
	parts := []string{}
	if c != "" {
		parts = append(parts, "commit "+c)
	}
	if built != "" {
		parts = append(parts, "built "+built)
	}
	parts = append(parts, runtime.Version(), runtime.GOOS+"/"+runtime.GOARCH)
	return strings.Join(parts, ", ")
}
