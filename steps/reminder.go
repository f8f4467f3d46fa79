package steps

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kvbridge/kvbridge/steps/shell"
)

// ReminderLeadDays is how long before the client secret's expiry the reminder falls.
const ReminderLeadDays = 30

// ReminderSummary is the reminder event's title.
const ReminderSummary = "Rotate the Delinea Key Vault client secret"

// Reminder returns an iCalendar file (RFC 5545) with one all-day event,
// ReminderLeadDays before expires (today when that day is past), saying how to
// rotate the app's client secret, with a display alarm at 09:00 that day. It
// holds identifiers only (app name, client ID), never a secret. Lines end in
// CRLF and are folded at 75 octets; text is escaped. The UID is derived from
// the client ID and expiry, so exporting again updates the same event.
func Reminder(expires time.Time, appName, clientID string, now time.Time) ([]byte, error) {
	return ReminderFor(expires, appName, "", clientID, now)
}

// ReminderFor is Reminder with the tenant too: its doctor command then runs
// as written (doctor needs the tenant and the app). Without both, the
// reminder says what to give instead of printing a command that fails.
func ReminderFor(expires time.Time, appName, tenantID, clientID string, now time.Time) ([]byte, error) {
	if expires.IsZero() {
		return nil, errors.New("reminder: the client secret's expiry is unknown")
	}
	if now.IsZero() {
		now = time.Now()
	}
	appName = strings.TrimSpace(appName)
	if appName == "" {
		appName = "the Delinea app registration"
	}
	clientID = strings.TrimSpace(clientID)

	day := reminderDay(expires, now)
	sum := sha256.Sum256([]byte(clientID + "|" + expires.UTC().Format(time.RFC3339)))
	uid := "kvbridge-rotate-" + hex.EncodeToString(sum[:8]) + "@kvbridge"

	who := appName
	if clientID != "" {
		who += " (client ID " + clientID + ")"
	}
	tenantID = strings.TrimSpace(tenantID)
	check := "3. Check with kvbridge doctor, giving it --tenant (the Directory (tenant) ID) and --client-id (the Application (client) ID), with the new Value in AZURE_CLIENT_SECRET or at its prompt."
	// The new secret ends 6 months after the renewal day: az's default of one year is
	// just outside Microsoft's advice of less than 12 months.
	reset := "az ad app credential reset --id <client-id> --append --display-name delinea --end-date " +
		day.AddDate(0, 6, 0).Format("2006-01-02") + " --query password -o tsv"
	if clientID != "" {
		reset = strings.Replace(reset, "<client-id>", clientID, 1)
	}
	if tenantID != "" && clientID != "" {
		check = "3. Check with: " + shell.Join("kvbridge", "doctor", "--tenant", tenantID, "--client-id", clientID) + " (the new Value in AZURE_CLIENT_SECRET or at its prompt)."
	}
	desc := strings.Join([]string{
		"The client secret of " + who + " expires on " + expires.Format("2006-01-02 15:04 MST") + ". When it expires, Delinea Secret Server can no longer sign in to Azure Key Vault and external secrets stop syncing.",
		"",
		"1. Create a new client secret in Microsoft Entra ID: App registrations > " + appName + " > Certificates & secrets > New client secret, and copy its Value (shown once; not the Secret ID). Or: " + reset,
		"2. In Delinea Secret Server, update the credential secret the Azure Key Vault external vault uses with the new Value.",
		check,
		"4. When everything passes, delete the old client secret in Entra ID.",
	}, "\n")

	var b strings.Builder
	line := func(name, value string) { b.WriteString(foldLine(name + ":" + value)) }
	line("BEGIN", "VCALENDAR")
	line("VERSION", "2.0")
	line("PRODID", "-//kvbridge//Delinea Key Vault course//EN")
	line("CALSCALE", "GREGORIAN")
	line("METHOD", "PUBLISH")
	line("BEGIN", "VEVENT")
	line("UID", uid)
	line("DTSTAMP", now.UTC().Format("20060102T150405Z"))
	line("DTSTART;VALUE=DATE", day.Format("20060102"))
	line("DTEND;VALUE=DATE", day.AddDate(0, 0, 1).Format("20060102"))
	line("SUMMARY", escapeText(ReminderSummary))
	line("DESCRIPTION", escapeText(desc))
	line("CATEGORIES", "kvbridge,Delinea,Azure Key Vault")
	line("TRANSP", "TRANSPARENT")
	line("BEGIN", "VALARM")
	line("ACTION", "DISPLAY")
	line("DESCRIPTION", escapeText(ReminderSummary))
	line("TRIGGER", "PT9H")
	line("END", "VALARM")
	line("END", "VEVENT")
	line("END", "VCALENDAR")
	return []byte(b.String()), nil
}

// dateOf is the calendar date of t in its own location, at midnight UTC (for
// comparing and formatting dates only).
func dateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// escapeText escapes an RFC 5545 TEXT value: backslash, semicolon, comma and
// newlines (CR dropped).
func escapeText(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `;`, `\;`, `,`, `\,`, "\r\n", `\n`, "\n", `\n`, "\r", "")
	return r.Replace(s)
}

// foldLine folds a content line at 75 octets (RFC 5545 3.1), never inside a
// UTF-8 sequence, continuation lines starting with one space, and ends it in
// CRLF.
func foldLine(s string) string {
	const limit = 75
	var b strings.Builder
	first := true
	for len(s) > 0 {
		width := limit
		if !first {
			width = limit - 1 // the leading space counts
		}
		if len(s) <= width {
			if !first {
				b.WriteString(" ")
			}
			b.WriteString(s)
			break
		}
		cut := width
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		if !first {
			b.WriteString(" ")
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n")
		s = s[cut:]
		first = false
	}
	b.WriteString("\r\n")
	return b.String()
}

// ReminderDay is the day Reminder puts the event on, as 2006-01-02, for UIs.
func ReminderDay(expires, now time.Time) string {
	return reminderDay(expires, now).Format("2006-01-02")
}

func reminderDay(expires, now time.Time) time.Time {
	day := dateOf(expires.AddDate(0, 0, -ReminderLeadDays))
	if today := dateOf(now); day.Before(today) {
		day = today
	}
	return day
}
