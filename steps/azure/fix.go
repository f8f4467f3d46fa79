package azure

import (
	"fmt"
	"strings"

	"github.com/kvbridge/kvbridge/steps/shell"
)

// Fix is what to do about a failed or warned check: a sentence, the portal
// path, and the az commands with the real names and IDs filled in.
//
// Ways holds the ways to do it. One way is a list of steps, run in order. Two
// or more are alternatives: do one of them, and each says what it costs
// (what else it changes). Az is every command of every way, quoted for a POSIX
// shell, in order: the JSON key readers had before alternatives existed. A
// front end prints Ways (with "or" between them), never Az whole, since
// pasting all of Az would run the alternatives one after the other.
//
// JSON: {"summary","portal","az":[…],"ways":[{"text","cost","az":[…]}]}.
type Fix struct {
	Summary string   `json:"summary"`
	Portal  string   `json:"portal,omitempty"`
	Az      []string `json:"az,omitempty"`
	Ways    []Way    `json:"ways,omitempty"`
}

// Way is one way to fix: what it does, what it costs when it is one of
// several, and its commands, quoted for a POSIX shell.
type Way struct {
	Text string   `json:"text,omitempty"`
	Cost string   `json:"cost,omitempty"`
	Az   []string `json:"az,omitempty"`
}

// Alternatives reports whether the fix offers a choice (print "or" between its ways).
func (f *Fix) Alternatives() bool { return f != nil && len(f.Ways) > 1 }

// fixWith builds a fix of one way: these commands, in order.
func fixWith(summary, portal string, cmds ...Command) *Fix {
	return fixOf(summary, portal, way("", "", cmds...))
}

// fixOf builds a fix from its ways (two or more: alternatives), filling Az.
func fixOf(summary, portal string, ways ...Way) *Fix {
	f := &Fix{Summary: summary, Portal: portal, Ways: ways}
	for _, w := range ways {
		f.Az = append(f.Az, w.Az...)
	}
	if len(f.Ways) == 1 && f.Ways[0].Text == "" && f.Ways[0].Cost == "" {
		// One plain list of steps says nothing Az does not.
		f.Ways = nil
	}
	return f
}

// way is one way to fix: text says what it does, cost what else it changes.
func way(text, cost string, cmds ...Command) Way {
	w := Way{Text: text, Cost: cost}
	for _, c := range cmds {
		w.Az = append(w.Az, c.String())
	}
	return w
}

// Command is one command a fix suggests, as its arguments. Values are quoted
// only when it is printed (String), for a POSIX shell, by shell.Quote: a
// resource group called rg$(touch x), read from a server, stays one inert
// word when the command is pasted.
type Command []Arg

// Arg is one argument: a literal value, or (Sub) the output of another
// command, printed as "$(…)" (the same in PowerShell).
type Arg struct {
	Lit string
	Sub Command
}

// Cmd builds a command from strings (literal values) and Commands (each the
// output of that command, one argument).
func Cmd(args ...any) Command {
	c := make(Command, 0, len(args))
	for _, a := range args {
		switch v := a.(type) {
		case string:
			c = append(c, Arg{Lit: v})
		case Command:
			c = append(c, Arg{Sub: v})
		case Arg:
			c = append(c, v)
		default:
			panic(fmt.Sprintf("azure.Cmd: argument of type %T", a))
		}
	}
	return c
}

// String is the command for a POSIX shell, every value quoted as needed.
func (c Command) String() string {
	parts := make([]string, len(c))
	for i, a := range c {
		if a.Sub != nil {
			parts[i] = `"$(` + a.Sub.String() + `)"`
		} else {
			parts[i] = shell.Quote(a.Lit)
		}
	}
	return strings.Join(parts, " ")
}

// FixGroup is one fix and the checks it answers (in catalogue order): the
// same fix found by several checks is printed once, naming them all.
type FixGroup struct {
	Fix    *Fix
	Checks []string
}

// GroupFixes gathers the fixes of the failed and warned results, each fix
// once (equal summary, portal and commands), in the order of their first
// check.
func GroupFixes(results []Result) []FixGroup {
	var out []FixGroup
	index := map[string]int{}
	for _, r := range results {
		if r.Fix == nil || (r.Status != StatusFail && r.Status != StatusWarn) {
			continue
		}
		key := r.Fix.Summary + "\x00" + r.Fix.Portal + "\x00" + strings.Join(r.Fix.Az, "\n")
		if i, ok := index[key]; ok {
			out[i].Checks = append(out[i].Checks, r.ID)
			continue
		}
		index[key] = len(out)
		out = append(out, FixGroup{Fix: r.Fix, Checks: []string{r.ID}})
	}
	return out
}
