package main

import (
	"slices"

	"github.com/spf13/cobra"
)

func init() { register(newCompletionCmd) }

// newCompletionCmd prints a shell's completion script. Commands, flags,
// scenario names and clouds complete; the scripts call back into kvbridge
// (its hidden __complete command) so they follow the installed version.
func newCompletionCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:       "completion bash|zsh|fish|powershell",
		Short:     "print the shell completion script for bash, zsh, fish or PowerShell",
		ValidArgs: []string{"bash", "zsh", "fish", "powershell"},
		Example: `  bash (needs the bash-completion package; add the line to ~/.bashrc):
    source <(kvbridge completion bash)
  zsh (then start a new shell):
    kvbridge completion zsh > "${fpath[1]}/_kvbridge"
  fish:
    kvbridge completion fish > ~/.config/fish/completions/kvbridge.fish
  PowerShell (add the line to $PROFILE):
    kvbridge completion powershell | Out-String | Invoke-Expression`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("completion needs one shell: bash, zsh, fish or powershell")
			}
			if !slices.Contains(c.ValidArgs, args[0]) {
				return usagef("completion: no shell %q; say bash, zsh, fish or powershell", args[0])
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			root, w := c.Root(), a.io.out
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(w, true)
			case "zsh":
				return root.GenZshCompletion(w)
			case "fish":
				return root.GenFishCompletion(w, true)
			default:
				return root.GenPowerShellCompletionWithDesc(w)
			}
		},
	}
}
