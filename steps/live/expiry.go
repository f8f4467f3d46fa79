package live

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kvbridge/kvbridge/internal/safefile"
	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/azure"
)

// The client secret's expiry and its calendar reminder, as every front end
// asks for, shows and exports them.

// ExpiryLayout is how the client secret's expiry is typed and shown.
const ExpiryLayout = "2006-01-02"

// ExpiryFormatHelp says how to type the expiry, after a date that does not read.
const ExpiryFormatHelp = "The expiry date reads as YYYY-MM-DD, for example 2027-05-31."

// ReminderFile is the name of the exported calendar reminder.
const ReminderFile = "kvbridge-client-secret-reminder.ics"

// reminderApp names the app in the exported reminder.
const reminderApp = "Delinea Secret Server (External Secrets)"

// ParseExpiry reads a typed expiry date, as midnight local time.
func ParseExpiry(s string) (time.Time, error) {
	return time.ParseInLocation(ExpiryLayout, strings.TrimSpace(s), time.Local)
}

// ExpiryRead is the client secret's expiry a credential.expiry result read
// in Microsoft Graph, when it should be kept: the connection has none yet
// (have is nil). A date the trainee gave stays.
func ExpiryRead(res azure.Result, have *time.Time) (time.Time, bool) {
	if res.ID != "credential.expiry" || res.Evidence.SecretExpires == nil || have != nil || res.Cause == "unknown" {
		return time.Time{}, false
	}
	return *res.Evidence.SecretExpires, true
}

// ExpiryReadByCheck reports whether a credential.expiry result read the date
// itself (Graph answered), as opposed to one given by hand.
func ExpiryReadByCheck(res azure.Result, ok bool) bool {
	return ok && res.Evidence.SecretExpires != nil && res.Cause != "unknown"
}

// ExpiryWords says how far off the expiry is, seen from now: "in 45 days",
// "in less than a day", or "expired" once the moment has passed (even by an
// hour: a secret that expired this morning has expired).
func ExpiryWords(exp, now time.Time) string {
	left := exp.Sub(now)
	switch {
	case left <= 0:
		return "expired"
	case left < 24*time.Hour:
		return "in less than a day"
	}
	return "in " + steps.Plural(int(left.Hours()/24), "day")
}

// WithExpiry is c with the client secret's expiry set.
func WithExpiry(c steps.Connection, t time.Time) steps.Connection {
	c.SecretExpires = &t
	return c
}

// ReminderStateDir is the state directory, where the reminder goes when the
// current directory is not writable ("" without a store path).
func ReminderStateDir(store steps.Store) string {
	if store.Path == "" {
		return ""
	}
	return filepath.Dir(store.Path)
}

// WriteReminder writes the .ics reminder, 30 days before exp, as
// ReminderFile into the first of dirs that takes it ("" entries are
// skipped), and returns its absolute path. It never follows a symbolic link
// and never replaces anything: when the name is taken in a directory, it
// returns a *safefile.ExistsError (errors.Is fs.ErrExist) naming the path, so
// the UI can ask and then call ReplaceReminder with that path.
func WriteReminder(exp time.Time, clientID string, now time.Time, dirs ...string) (string, error) {
	return WriteReminderFor(exp, "", clientID, now, dirs...)
}

// WriteReminderFor is WriteReminder with the tenant, so that the doctor
// command in the reminder runs as written.
func WriteReminderFor(exp time.Time, tenantID, clientID string, now time.Time, dirs ...string) (string, error) {
	data, err := steps.ReminderFor(exp, reminderApp, tenantID, clientID, now)
	if err != nil {
		return "", err
	}
	var errs []string
	for _, dir := range dirs {
		if dir == "" {
			continue
		}
		p := filepath.Join(dir, ReminderFile)
		if abs, aerr := filepath.Abs(p); aerr == nil {
			p = abs
		}
		err := os.MkdirAll(dir, 0o700)
		if err == nil {
			err = safefile.Write(p, data, 0o644, false)
		}
		var ex *safefile.ExistsError
		switch {
		case err == nil:
			return p, nil
		case errors.As(err, &ex):
			return p, fmt.Errorf("could not write the reminder: %w and is left as it is (move it away and export again)", err)
		}
		errs = append(errs, err.Error())
	}
	if len(errs) == 0 {
		return "", errors.New("could not write the reminder: no directory to write it to")
	}
	return "", fmt.Errorf("could not write the reminder: %s", strings.Join(errs, "; "))
}

// ReplaceReminder writes the reminder at path (one WriteReminder reported as
// existing) after the user agreed to replace it: atomically, and replacing a
// symbolic link there rather than writing to its target.
func ReplaceReminder(exp time.Time, clientID string, now time.Time, path string) error {
	return ReplaceReminderFor(exp, "", clientID, now, path)
}

// ReplaceReminderFor is ReplaceReminder with the tenant.
func ReplaceReminderFor(exp time.Time, tenantID, clientID string, now time.Time, path string) error {
	data, err := steps.ReminderFor(exp, reminderApp, tenantID, clientID, now)
	if err != nil {
		return err
	}
	if err := safefile.Write(path, data, 0o644, true); err != nil {
		return fmt.Errorf("could not write the reminder: %w", err)
	}
	return nil
}
