package live

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

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

const reminderApp = "Delinea Secret Server (External Secrets)"

// ParseExpiry reads a typed expiry date, as midnight local time. It is the
// one parser of the date: the forms, plain mode and the checks' input use it.
func ParseExpiry(s string) (time.Time, error) {
	return time.ParseInLocation(ExpiryLayout, strings.TrimSpace(s), time.Local)
}

// ExpiryWords says how far off the expiry is, seen from now: "in 45 days",
// "in less than a day", or "expired" once the moment has passed (even by
// an hour: a secret that expired this morning has expired).
func ExpiryWords(exp, now time.Time) string {
	left := exp.Sub(now)
	switch {
	case left <= 0:
		return "expired"
	case left < 24*time.Hour:
		return "in less than a day"
	}
	return "in " + Plural(int(left.Hours()/24), "day")
}

// expiryRead is the client secret's expiry a credential.expiry result read
// in Microsoft Graph, when it should be kept: the connection has none yet.
// A date the trainee gave stays.
func expiryRead(res azure.Result, have *time.Time) (time.Time, bool) {
	if res.ID != "credential.expiry" || res.Evidence.SecretExpires == nil || have != nil || res.Cause == "unknown" {
		return time.Time{}, false
	}
	return *res.Evidence.SecretExpires, true
}

// WriteReminder writes the .ics reminder, 30 days before exp, as
// ReminderFile into the first of dirs that takes it ("" entries are
// skipped), and returns its absolute path.
func WriteReminder(exp time.Time, clientID string, now time.Time, dirs ...string) (string, error) {
	data, err := steps.Reminder(exp, reminderApp, clientID, now)
	if err != nil {
		return "", err
	}
	var errs []string
	for _, dir := range dirs {
		if dir == "" {
			continue
		}
		p := filepath.Join(dir, ReminderFile)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			errs = append(errs, err.Error())
			continue
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			errs = append(errs, err.Error())
			continue
		}
		if abs, aerr := filepath.Abs(p); aerr == nil {
			p = abs
		}
		return p, nil
	}
	if len(errs) == 0 {
		return "", errors.New("could not write the reminder: no directory to write it to")
	}
	return "", fmt.Errorf("could not write the reminder: %s", strings.Join(errs, "; "))
}

// Plural is "1 day", "2 days": the one plural of the project's words.
func Plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
