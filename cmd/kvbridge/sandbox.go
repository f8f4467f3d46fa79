package main

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/kvbridge/kvbridge/steps/azure/sandbox"
	"github.com/kvbridge/kvbridge/steps/live"
	"github.com/kvbridge/kvbridge/tui/plain"
)

func init() { register(newSandboxCmd) }

// newSandboxCmd is the practice tenant's commands: serve, save and list, one
// file each.
func newSandboxCmd(a *app) *cobra.Command {
	c := &cobra.Command{
		Use:   "sandbox",
		Short: "the practice tenant: serve it, save a scenario, list the scenarios",
		Long: `kvbridge sandbox runs the practice tenant (simulated Entra ID, ARM, Key Vault and Graph)
as a server on loopback, saves a scenario's starting state for a trainer to edit, or lists
the scenarios and what each teaches.`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("sandbox: say serve, save or list")
			}
			return usagef("sandbox: unknown command %q (serve, save or list)", args[0])
		},
		RunE: func(*cobra.Command, []string) error { return nil }, // Args has refused already
	}
	c.AddCommand(newSandboxServeCmd(a), newSandboxSaveCmd(a), newSandboxListCmd(a))
	return c
}

func newSandboxListCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "list the practice scenarios and what each teaches",
		Args:  noArgs,
		RunE: func(*cobra.Command, []string) error {
			plain.WriteScenarios(a.io.out, live.Scenarios())
			return nil
		},
	}
}

// completeScenarios completes a practice scenario's name, with what it teaches.
func completeScenarios(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
	var out []cobra.Completion
	for _, s := range sandbox.Scenarios() {
		summary, _, _ := strings.Cut(s.Title, "\n")
		out = append(out, cobra.CompletionWithDesc(s.Name, summary))
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}
