package live

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kvbridge/kvbridge/internal/safefile"
	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/azure"
)

// The reminder goes into the first directory that takes it: a "current
// directory" that cannot be written falls back to the state directory.
func TestWriteReminderFallsBack(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	blocked := filepath.Join(base, "a-file")
	if err := os.WriteFile(blocked, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(base, "state")
	exp := time.Date(2027, 5, 31, 0, 0, 0, 0, time.UTC)
	now := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	p, err := WriteReminder(exp, "8f7a2c1e-4b3d-4e5f-9a8b-7c6d5e4f3a2b", now, blocked, "", state)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(state, ReminderFile); p != want {
		t.Errorf("written to %s, want %s", p, want)
	}
	data, _ := os.ReadFile(p)
	if !strings.Contains(string(data), "DTSTART;VALUE=DATE:20270501\r\n") || !strings.Contains(string(data), "8f7a2c1e-4b3d-4e5f-9a8b-7c6d5e4f3a2b") {
		t.Errorf("reminder:\n%s", data)
	}
	if _, err := WriteReminder(exp, "", now, blocked); err == nil || !strings.Contains(err.Error(), "could not write the reminder") {
		t.Errorf("no directory took it, err = %v", err)
	}
	if got := ReminderStateDir(steps.Store{Path: filepath.Join(state, "progress.json")}); got != state {
		t.Errorf("ReminderStateDir = %q", got)
	}
}

// A date read in Graph is kept only when none is known; a typed date stays.
func TestExpiryRead(t *testing.T) {
	t.Parallel()
	d := time.Date(2027, 5, 31, 0, 0, 0, 0, time.UTC)
	res := azure.Result{ID: "credential.expiry", Status: azure.StatusPass, Evidence: azure.Evidence{SecretExpires: &d}}
	if got, ok := ExpiryRead(res, nil); !ok || !got.Equal(d) {
		t.Errorf("ExpiryRead = %v, %v", got, ok)
	}
	typed := d.AddDate(0, 1, 0)
	if _, ok := ExpiryRead(res, &typed); ok {
		t.Error("a typed date was overwritten")
	}
	if _, ok := ExpiryRead(azure.Result{ID: "credential.expiry", Cause: "unknown"}, nil); ok {
		t.Error("an unknown expiry was kept")
	}
	if !ExpiryReadByCheck(res, true) || ExpiryReadByCheck(res, false) {
		t.Error("ExpiryReadByCheck")
	}
	if _, err := ParseExpiry("2027-02-30"); err == nil {
		t.Error("2027-02-30 parsed")
	}
	if w := ExpiryWords(d, d.AddDate(0, 0, -45)); w != "in 45 days" {
		t.Errorf("ExpiryWords = %q", w)
	}
	if w := ExpiryWords(d, d.AddDate(0, 0, 2)); w != "expired" {
		t.Errorf("ExpiryWords = %q", w)
	}
}

// A reminder file planted as a symbolic link is neither followed nor
// replaced; a file already there is reported so the UI can ask, and replaced
// only through ReplaceReminder.
func TestWriteReminderRefusesLinksAndExistingFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	target := filepath.Join(dir, "bashrc")
	if err := os.WriteFile(target, []byte("keep"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, ReminderFile)
	if err := os.Symlink(target, link); err != nil {
		t.Skip("no symlinks:", err)
	}
	exp := time.Date(2027, 5, 31, 0, 0, 0, 0, time.UTC)
	now := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	p, err := WriteReminder(exp, "id", now, dir, t.TempDir())
	var ex *safefile.ExistsError
	if !errors.As(err, &ex) || !ex.Symlink || p != link {
		t.Fatalf("WriteReminder over a link = %q, %v", p, err)
	}
	if got, _ := os.ReadFile(target); string(got) != "keep" {
		t.Fatalf("link target overwritten: %q", got)
	}
	if err := ReplaceReminder(exp, "id", now, p); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(target); string(got) != "keep" {
		t.Fatalf("link target overwritten on replace: %q", got)
	}
	if data, _ := os.ReadFile(link); !strings.Contains(string(data), "BEGIN:VCALENDAR") {
		t.Fatalf("replaced file holds %q", data)
	}
	if _, err := WriteReminder(exp, "id", now, dir); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("second export over the file: %v", err)
	}
}
