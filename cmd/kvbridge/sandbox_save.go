package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/kvbridge/kvbridge/steps/azure/sandbox"
)

type saveFlags struct {
	scenario string
	seed     int64
	force    bool
}

func newSandboxSaveCmd(a *app) *cobra.Command {
	var f saveFlags
	c := &cobra.Command{
		Use:   "save [flags] FILE",
		Short: "write a scenario's starting state to FILE, to edit or serve with --state",
		Long: `kvbridge sandbox save writes a practice scenario's starting state to FILE (JSON, mode 0600),
for a trainer to edit and serve with 'kvbridge sandbox serve --state FILE'. The file holds
the practice tenant's credentials (practice values, public knowledge). An existing FILE is
kept unless --force is given.`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("sandbox save needs one file name")
			}
			return nil
		},
		RunE: func(_ *cobra.Command, args []string) error {
			return runSandboxSave(f, args[0])
		},
	}
	fl := c.Flags()
	fl.StringVar(&f.scenario, "scenario", "healthy", "the practice `SCENARIO` ('kvbridge sandbox list')")
	fl.Int64Var(&f.seed, "seed", 0, "a seed `N` that fixes the random choices (the mystery scenario's fault, generated IDs)")
	fl.BoolVar(&f.force, "force", false, "overwrite FILE if it exists")
	_ = c.RegisterFlagCompletionFunc("scenario", completeScenarios)
	return c
}

// runSandboxSave writes a scenario's starting state, for a trainer to edit or
// serve with --state. The file holds the practice credentials (practice values).
func runSandboxSave(f saveFlags, file string) error {
	if err := checkScenario(f.scenario); err != nil {
		return usagef("sandbox save: %v", err)
	}
	if _, err := os.Lstat(file); err == nil && !f.force {
		return fmt.Errorf("sandbox save: %s exists; a prepared room is not overwritten without --force", file)
	}
	t, err := sandbox.Start(sandbox.Options{Scenario: f.scenario, Seed: f.seed, Wiring: sandbox.Loopback})
	if err != nil {
		return err
	}
	defer t.Close()
	if !f.force {
		// O_EXCL: never overwrite, even a FILE that appeared meanwhile; a
		// failed save removes only what it created.
		out, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return fmt.Errorf("sandbox save: %w", err)
		}
		if err := errors.Join(t.Save(out), out.Close()); err != nil {
			os.Remove(file)
			return fmt.Errorf("sandbox save: %w", err)
		}
		return nil
	}
	// Written beside FILE and renamed over it, so FILE is replaced only by a
	// complete save (and a symlink named FILE is replaced, not followed).
	tmp, err := os.CreateTemp(filepath.Dir(file), "."+filepath.Base(file)+".*.tmp")
	if err != nil {
		return fmt.Errorf("sandbox save: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := errors.Join(tmp.Chmod(0o600), t.Save(tmp), tmp.Close()); err != nil {
		return fmt.Errorf("sandbox save: %w", err)
	}
	if err := os.Rename(tmp.Name(), file); err != nil {
		return fmt.Errorf("sandbox save: %w", err)
	}
	return nil
}
