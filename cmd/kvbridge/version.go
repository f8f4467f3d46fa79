package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func init() { register(newVersionCmd) }

func newVersionCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "print the version",
		Args:  noArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := fmt.Fprintf(a.io.out, "kvbridge %s\n%s\n", buildVersion(), buildDetails())
			return err
		},
	}
}
