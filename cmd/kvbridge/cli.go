package main

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// The rules every command shares, applied once to the whole command tree by
// finishTree: help on -h/--help and `help CMD` (exit 0), errors that spell
// flags with two dashes and point at the command's own help (exit 2), a flag
// given twice refused, and the same help layout everywhere.

// finishTree applies the shared rules to root and every command under it.
func finishTree(root *cobra.Command) {
	root.SilenceErrors, root.SilenceUsage = true, true
	root.CompletionOptions.DisableDefaultCmd = true // ours is completion.go
	root.SetFlagErrorFunc(flagError)
	root.SetHelpFunc(func(c *cobra.Command, _ []string) { writeHelp(c.OutOrStdout(), c) })
	root.SetUsageFunc(func(c *cobra.Command) error { writeHelp(c.OutOrStderr(), c); return nil })
	root.SetHelpCommand(newHelpCmd(root))
	root.SuggestionsMinimumDistance = 2
	walk(root, func(c *cobra.Command) {
		// Ours, so the help reads "-h, --help" (pflag marks plain bools "[=true|false]").
		c.Flags().BoolP("help", "h", false, "show this help")
		c.Flags().VisitAll(func(f *pflag.Flag) {
			if _, ok := f.Value.(*onceValue); !ok {
				f.Value = &onceValue{Value: f.Value, name: f.Name}
			}
		})
		// Bad arguments are bad usage (exit 2), whichever validator found them.
		if check := c.Args; check != nil {
			c.Args = func(c *cobra.Command, args []string) error {
				if err := check(c, args); err != nil {
					var ue usageError
					if errors.As(err, &ue) {
						return err
					}
					return usageError{err.Error()}
				}
				return nil
			}
		}
	})
}

func walk(c *cobra.Command, f func(*cobra.Command)) {
	f(c)
	for _, sub := range c.Commands() {
		walk(sub, f)
	}
}

// noArgs refuses positional arguments, naming the first one.
func noArgs(c *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("%s takes no arguments, got %q", name(c), args[0])
	}
	return nil
}

// name is the command's path without "kvbridge ", for messages ("sandbox save").
func name(c *cobra.Command) string {
	p := c.CommandPath()
	if i := strings.IndexByte(p, ' '); i >= 0 {
		return p[i+1:]
	}
	return p
}

// errRepeated: a flag given twice. The last value winning silently hides a
// mistake (which tenant did doctor check?), so it is refused.
var errRepeated = errors.New("given more than once")

// onceValue refuses a second Set of the flag it wraps.
type onceValue struct {
	pflag.Value
	name  string
	set   bool
	first string
}

func (o *onceValue) Set(s string) error {
	if o.set {
		return fmt.Errorf("%w (first %q, then %q)", errRepeated, o.first, s)
	}
	o.set, o.first = true, s
	return o.Value.Set(s)
}

// flagError turns pflag's parse errors into usage errors that name the
// command ("report: unknown flag: --bogus").
func flagError(c *cobra.Command, err error) error {
	prefix := name(c) + ": "
	if !c.HasParent() {
		prefix = ""
	}
	var inv *pflag.InvalidValueError
	if errors.As(err, &inv) && errors.Is(err, errRepeated) {
		return usagef("%s--%s %v: give it once", prefix, inv.GetFlag().Name, errors.Unwrap(err))
	}
	var ne *pflag.NotExistError
	if errors.As(err, &ne) && len(ne.GetSpecifiedShortnames()) > 1 {
		// "-bogus": pflag reads it as the short flags b, o, g...; say what was meant.
		return usagef("%sunknown flag: -%s (flags are spelled with two dashes, --NAME)", prefix, ne.GetSpecifiedShortnames())
	}
	return usagef("%s%v", prefix, err)
}

// prepareArgs rewrites the two spellings Go's flag package accepted and
// pflag does not, so older scripts keep working: a known long flag with one
// dash (-json) gets two, and an optional-value --sandbox (the wizard's,
// doctor's) takes the next word as its scenario (--sandbox firewall).
func prepareArgs(root *cobra.Command, args []string) []string {
	long := map[string]bool{"help": true}
	walk(root, func(c *cobra.Command) {
		c.Flags().VisitAll(func(f *pflag.Flag) { long[f.Name] = true })
	})
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(out, args[i:]...)
		}
		if len(a) > 2 && a[0] == '-' && a[1] != '-' {
			if n, _, _ := strings.Cut(a[1:], "="); long[n] {
				a = "-" + a
			}
		}
		out = append(out, a)
	}
	if target, _, err := root.Find(out); err == nil {
		if f := target.Flags().Lookup("sandbox"); f != nil && f.NoOptDefVal != "" {
			out = joinSandboxValue(out)
		}
	}
	return out
}

// joinSandboxValue turns "--sandbox SCENARIO" into "--sandbox=SCENARIO":
// --sandbox's value is optional (bare, it means healthy), and pflag gives an
// optional value only after "=".
func joinSandboxValue(args []string) []string {
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(out, args[i:]...)
		}
		if a == "--sandbox" && i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
			out = append(out, a+"="+args[i+1])
			i++
			continue
		}
		out = append(out, a)
	}
	return out
}

// refuseSecretFlag rejects --client-secret (any number of dashes) before
// parsing, so not even a parse error can echo it: a secret on the command
// line lands in shell history and process lists.
func refuseSecretFlag(args []string) error {
	for _, a := range args {
		if a == "--" {
			break
		}
		n := strings.TrimLeft(a, "-")
		if strings.HasPrefix(a, "-") && (n == "client-secret" || strings.HasPrefix(n, "client-secret=")) {
			return usageError{"--client-secret is not accepted: a secret on the command line lands in shell history and process lists. Set AZURE_CLIENT_SECRET; doctor also reads it with --client-secret-stdin, the wizard from its form (it is never saved)"}
		}
		if strings.HasPrefix(a, "-") && (n == "delinea-password" || strings.HasPrefix(n, "delinea-password=")) {
			return usageError{"--delinea-password is not accepted: a password on the command line lands in shell history and process lists. Set DELINEA_PASSWORD, pipe it with --delinea-password-stdin, or type it when doctor asks"}
		}
	}
	return nil
}

// newHelpCmd is `kvbridge help [COMMAND...]`: the command's help, exit 0;
// a command that does not exist is bad usage (exit 2).
func newHelpCmd(root *cobra.Command) *cobra.Command {
	return &cobra.Command{
		Use:   "help [COMMAND]",
		Short: "show help for kvbridge or one of its commands",
		Args:  cobra.ArbitraryArgs,
		ValidArgsFunction: func(c *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
			target, _, _ := root.Find(args)
			var names []cobra.Completion
			for _, sub := range target.Commands() {
				if sub.IsAvailableCommand() {
					names = append(names, cobra.CompletionWithDesc(sub.Name(), sub.Short))
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(c *cobra.Command, args []string) error {
			target, rest, err := root.Find(args)
			if err != nil || len(rest) > 0 || target == nil {
				return usagef("help: no command %q; the commands are listed by 'kvbridge --help'", strings.Join(args, " "))
			}
			writeHelp(c.OutOrStdout(), target)
			return nil
		},
	}
}

// writeHelp prints a command's help: what it does, how to call it, its
// commands (for the top level, every command at any depth), its flags and
// its closing notes (Annotations["notes"]).
func writeHelp(w io.Writer, c *cobra.Command) {
	var b strings.Builder
	if c.Long != "" {
		b.WriteString(fill(c.Long, helpWidth) + "\n\n")
	} else if c.Short != "" {
		b.WriteString(fill(c.CommandPath()+": "+c.Short, helpWidth) + "\n\n")
	}
	b.WriteString("Usage:\n")
	if c.Runnable() && (!c.HasAvailableSubCommands() || !c.HasParent()) {
		b.WriteString("  " + c.UseLine() + "\n")
	}
	if c.HasAvailableSubCommands() {
		b.WriteString("  " + c.CommandPath() + " COMMAND [flags]\n")
	}
	if c.Example != "" {
		b.WriteString("\nExamples:\n" + strings.TrimRight(c.Example, "\n") + "\n")
	}
	if subs := listed(c); len(subs) > 0 {
		b.WriteString("\nCommands:\n")
		width := 0
		for _, s := range subs {
			width = max(width, len(s.CommandPath()))
		}
		for _, s := range subs {
			lines := strings.Split(fill(s.Short, helpWidth-width-4), "\n")
			fmt.Fprintf(&b, "  %-*s  %s\n", width, s.CommandPath(), lines[0])
			for _, l := range lines[1:] {
				fmt.Fprintf(&b, "  %-*s  %s\n", width, "", l)
			}
		}
	}
	if c.HasAvailableLocalFlags() {
		b.WriteString("\nFlags:\n" + c.LocalFlags().FlagUsagesWrapped(helpWidth))
	}
	if notes := c.Annotations["notes"]; notes != "" {
		// Prose is re-wrapped; a paragraph with indented lines (a table) is kept as written.
		var paras []string
		for _, p := range strings.Split(strings.TrimSpace(notes), "\n\n") {
			if !strings.Contains(p, "\n ") {
				p = fill(p, helpWidth)
			}
			paras = append(paras, p)
		}
		b.WriteString("\n" + strings.Join(paras, "\n\n") + "\n")
	}
	if c.HasAvailableSubCommands() {
		fmt.Fprintf(&b, "\nRun '%s COMMAND --help' for a command's flags.\n", c.CommandPath())
	}
	io.WriteString(w, b.String())
}

// helpWidth is the width help is written for: an 80-column terminal.
const helpWidth = 80

// fill re-wraps text to width columns, paragraph by paragraph (paragraphs
// are separated by a blank line); a word longer than width stands alone.
func fill(text string, width int) string {
	var paras []string
	for _, p := range strings.Split(strings.TrimSpace(text), "\n\n") {
		var lines []string
		line := ""
		for _, w := range strings.Fields(p) {
			switch {
			case line == "":
				line = w
			case len([]rune(line))+1+len([]rune(w)) <= width:
				line += " " + w
			default:
				lines = append(lines, line)
				line = w
			}
		}
		paras = append(paras, strings.Join(append(lines, line), "\n"))
	}
	return strings.Join(paras, "\n\n")
}

// listed are the commands a help page lists: the top level lists every
// runnable command at any depth (sandbox save too), others their children.
func listed(c *cobra.Command) []*cobra.Command {
	var out []*cobra.Command
	var add func(*cobra.Command, bool)
	add = func(p *cobra.Command, deep bool) {
		for _, s := range p.Commands() {
			if !s.IsAvailableCommand() && s.Name() != "help" {
				continue
			}
			if s.Runnable() && (!deep || !s.HasAvailableSubCommands()) {
				out = append(out, s)
			}
			if deep {
				add(s, true)
			}
		}
	}
	add(c, !c.HasParent())
	slices.SortStableFunc(out, func(a, b *cobra.Command) int { return strings.Compare(a.CommandPath(), b.CommandPath()) })
	return out
}

// A quoted value longer than this is shortened in messages: a 120 KB
// --vault-url echoed whole buries the message.
const maxEcho = 80

var quotedRE = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|\S{200,}`)

// clipEcho shortens long quoted values and very long words in a message.
func clipEcho(msg string) string {
	return quotedRE.ReplaceAllStringFunc(msg, func(q string) string {
		if len(q) <= maxEcho {
			return q
		}
		r := []rune(q)
		if len(r) <= maxEcho {
			return q
		}
		cut := string(r[:maxEcho/2])
		tail := ""
		if strings.HasPrefix(q, `"`) {
			tail = `"`
		}
		return fmt.Sprintf("%s…%s (%d bytes)", cut, tail, len(q))
	})
}
