package tui

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/azure"
	"github.com/kvbridge/kvbridge/steps/azure/sandbox"
)

// The rules of the live part that both front ends follow: the full-screen
// model and the plain runner call these, so each lives once.

// expiryLayout is how the client secret's expiry is typed and shown.
const expiryLayout = "2006-01-02"

// expiryFormatHelp says how to type the expiry, after a date that does not read.
const expiryFormatHelp = "The expiry date reads as YYYY-MM-DD, for example 2027-05-31."

// reminderApp names the app in the exported reminder.
const reminderApp = "Delinea Secret Server (External Secrets)"

// parseExpiry reads a typed expiry date, as midnight local time.
func parseExpiry(s string) (time.Time, error) {
	return time.ParseInLocation(expiryLayout, strings.TrimSpace(s), time.Local)
}

// expiryRead is the client secret's expiry a credential.expiry result read
// in Microsoft Graph, when it should be kept: the connection has none yet
// (have is nil). A date the trainee gave stays.
func expiryRead(res azure.Result, have *time.Time) (time.Time, bool) {
	if res.ID != "credential.expiry" || res.Evidence.SecretExpires == nil || have != nil {
		return time.Time{}, false
	}
	return *res.Evidence.SecretExpires, true
}

// expiryReadByCheck reports whether a credential.expiry result read the date
// itself (Graph answered), as opposed to one given by hand.
func expiryReadByCheck(res azure.Result, ok bool) bool {
	return ok && res.Evidence.SecretExpires != nil && res.Cause != "unknown"
}

// expiryWords says how far off the expiry is, seen from now: "in 45 days" or
// "expired".
func expiryWords(exp, now time.Time) string {
	days := int(exp.Sub(now).Hours() / 24)
	if days < 0 {
		return "expired"
	}
	return fmt.Sprintf("in %d days", days)
}

// withExpiry is c with the client secret's expiry set.
func withExpiry(c steps.Connection, t time.Time) steps.Connection {
	c.SecretExpires = &t
	return c
}

// reminderStateDir is the state directory, where the reminder goes when the
// current directory is not writable ("" without a store path).
func reminderStateDir(store steps.Store) string {
	if store.Path == "" {
		return ""
	}
	return filepath.Dir(store.Path)
}

// writeReminder writes the .ics reminder, 30 days before exp, as
// reminderFile into the first of dirs that takes it ("" entries are
// skipped), and returns its absolute path.
func writeReminder(exp time.Time, clientID string, now time.Time, dirs ...string) (string, error) {
	data, err := steps.Reminder(exp, reminderApp, clientID, now)
	if err != nil {
		return "", err
	}
	var errs []string
	for _, dir := range dirs {
		if dir == "" {
			continue
		}
		p := filepath.Join(dir, reminderFile)
		if err := os.MkdirAll(dir, 0o700); err == nil {
			if err = os.WriteFile(p, data, 0o644); err == nil {
				if abs, aerr := filepath.Abs(p); aerr == nil {
					p = abs
				}
				return p, nil
			}
			errs = append(errs, err.Error())
		} else {
			errs = append(errs, err.Error())
		}
	}
	if len(errs) == 0 {
		return "", errors.New("could not write the reminder: no directory to write it to")
	}
	return "", fmt.Errorf("could not write the reminder: %s", strings.Join(errs, "; "))
}

// practiceMenuFor lists the practice actions, those the screen (by its key)
// asks for first.
func practiceMenuFor(screenKey string) []practiceAction {
	var near, rest []practiceAction
	for _, a := range practiceActions {
		hit := false
		for _, k := range a.near {
			if k == screenKey {
				hit = true
			}
		}
		if hit {
			near = append(near, a)
		} else {
			rest = append(rest, a)
		}
	}
	return append(near, rest...)
}

// practiceRefusal says why the practice tenant refused an action, as the
// portal would.
func practiceRefusal(err error) string {
	return "The portal would refuse: " + strings.TrimPrefix(err.Error(), "sandbox: ")
}

// practiceTarget is the app and vault a practice action works on: the
// client ID given (the form's, in the wizard) or else the tenant's own app,
// and the tenant's vault.
func practiceTarget(in sandbox.Info, clientID string) (client, vault string) {
	client = strings.TrimSpace(clientID)
	if client == "" {
		client = in.ClientID
	}
	return client, in.VaultName
}

// runTally counts a run of a page's checks: those that passed (or had
// nothing to compare), those that failed, and whether every one passed
// (what ends a watch).
func runTally(ids []string, result func(id string) (azure.Result, bool)) (passed, failed int, all bool) {
	all = true
	for _, id := range ids {
		r, ok := result(id)
		switch {
		case ok && (steps.CheckMark{Status: string(r.Status), Cause: r.Cause}).Passed():
			passed++
		case ok && r.Status == azure.StatusFail:
			failed++
			all = false
		default:
			all = false
		}
	}
	return passed, failed, all
}
