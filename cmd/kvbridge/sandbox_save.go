package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kvbridge/kvbridge/internal/safefile"
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
the practice tenant's credentials (practice values, public knowledge), fit to hand to
trainees: no client secret value the scenario withheld, no answer key. For the mystery
scenario the answer key goes to a file of its own beside FILE (NAME.answer-key.json),
for the trainer. An existing FILE is kept unless --force is given.`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("sandbox save needs one file name")
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			return runSandboxSave(f, args[0], c.OutOrStdout())
		},
	}
	fl := c.Flags()
	fl.StringVar(&f.scenario, "scenario", "healthy", "the practice `SCENARIO` ('kvbridge sandbox list')")
	fl.Int64Var(&f.seed, "seed", 0, "a seed `N` that picks the mystery scenario's fault (the same N, the same fault)")
	fl.BoolVar(&f.force, "force", false, "overwrite FILE if it exists")
	_ = c.RegisterFlagCompletionFunc("scenario", completeScenarios)
	return c
}

// runSandboxSave writes a scenario's starting state, for a trainer to edit or
// serve with --state. The file holds the practice credentials (practice values).
func runSandboxSave(f saveFlags, file string, stdout io.Writer) error {
	if err := checkScenario(f.scenario); err != nil {
		return usagef("sandbox save: %v", err)
	}
	if _, err := os.Lstat(file); err == nil && !f.force {
		return fmt.Errorf("sandbox save: %s exists; a prepared room is not overwritten without --force", file)
	}
	if _, err := os.Lstat(answerKeyPath(file)); err == nil && !f.force && f.scenario == "mystery" {
		return fmt.Errorf("sandbox save: %s exists; an answer key is not overwritten without --force", answerKeyPath(file))
	}
	t, err := sandbox.Start(sandbox.Options{Scenario: f.scenario, Seed: f.seed, Wiring: sandbox.Loopback})
	if err != nil {
		return err
	}
	defer t.Close()
	if err := saveState(t, file, f.force); err != nil {
		return err
	}
	if f.scenario != "mystery" {
		return nil
	}
	key := answerKeyPath(file)
	if err := writeAnswerKey(t.AnswerKey(), key, f.force); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Saved the practice tenant to %s (for trainees).\nThe answer key is in %s: keep it for the trainer.\n", file, key)
	return nil
}

// answerKeyPath is FILE's answer key file: room.json gives room.answer-key.json.
func answerKeyPath(file string) string {
	return strings.TrimSuffix(file, filepath.Ext(file)) + ".answer-key.json"
}

func writeAnswerKey(k sandbox.AnswerKey, path string, force bool) error {
	data, _ := json.MarshalIndent(k, "", "  ")
	if err := safefile.Write(path, append(data, '\n'), 0o600, force); err != nil {
		return fmt.Errorf("sandbox save: the answer key: %w", err)
	}
	return nil
}

// saveState writes the tenant's state to file: never over an existing one unless
// force, and then atomically.
func saveState(t *sandbox.Tenant, file string, force bool) error {
	if !force {
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
