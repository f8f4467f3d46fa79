package session

import (
	"time"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/azure"
	"github.com/kvbridge/kvbridge/steps/live"
)

// The client secret's expiry and its reminder now live in steps/live; these
// names remain for the front ends until they move onto it.

const (
	ExpiryLayout     = live.ExpiryLayout
	ExpiryFormatHelp = live.ExpiryFormatHelp
	ReminderFile     = live.ReminderFile
)

func ParseExpiry(s string) (time.Time, error) { return live.ParseExpiry(s) }
func ExpiryRead(res azure.Result, have *time.Time) (time.Time, bool) {
	return live.ExpiryRead(res, have)
}
func ExpiryReadByCheck(res azure.Result, ok bool) bool            { return live.ExpiryReadByCheck(res, ok) }
func ExpiryWords(exp, now time.Time) string                       { return live.ExpiryWords(exp, now) }
func WithExpiry(c steps.Connection, t time.Time) steps.Connection { return live.WithExpiry(c, t) }
func ReminderStateDir(store steps.Store) string                   { return live.ReminderStateDir(store) }
func WriteReminder(exp time.Time, clientID string, now time.Time, dirs ...string) (string, error) {
	return live.WriteReminder(exp, clientID, now, dirs...)
}
func ReplaceReminder(exp time.Time, clientID string, now time.Time, path string) error {
	return live.ReplaceReminder(exp, clientID, now, path)
}
