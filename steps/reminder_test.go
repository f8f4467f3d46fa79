package steps

import (
	"strings"
	"testing"
	"time"
)

// unfold undoes RFC 5545 folding.
func unfold(s string) string { return strings.ReplaceAll(s, "\r\n ", "") }

func prop(t *testing.T, ics, name string) string {
	t.Helper()
	for _, l := range strings.Split(unfold(ics), "\r\n") {
		if strings.HasPrefix(l, name+":") {
			return strings.TrimPrefix(l, name+":")
		}
	}
	t.Fatalf("no %s in\n%s", name, ics)
	return ""
}

func TestReminder(t *testing.T) {
	now := time.Date(2026, 3, 10, 14, 0, 0, 0, time.UTC)
	const client = "8f7a2c1e-4b3d-4e5f-9a8b-7c6d5e4f3a2b"
	cases := []struct {
		name         string
		expires      time.Time
		app          string
		wantStart    string
		wantEnd      string
		wantInSum    string
		wantInDesc   []string
		notInUnfold  []string
		wantErr      bool
		checkFolding bool
	}{
		{name: "30 days before", expires: time.Date(2026, 9, 1, 8, 0, 0, 0, time.UTC), app: "Delinea-KV-Connector",
			wantStart: "20260802", wantEnd: "20260803",
			wantInDesc: []string{"Delinea-KV-Connector (client ID " + client + ")", "New client secret", "update the credential secret",
				`kvbridge doctor\, giving it --tenant`, "2026-09-01"}},
		{name: "past reminder day is today", expires: time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC), app: "app",
			wantStart: "20260310", wantEnd: "20260311"},
		{name: "already expired is today", expires: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), app: "app",
			wantStart: "20260310", wantEnd: "20260311"},
		{name: "month boundary", expires: time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC), app: "app",
			wantStart: "20261201", wantEnd: "20261202"},
		{name: "escaping", expires: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), app: `Kv; sync, app\prod`,
			wantStart: "20260802", wantEnd: "20260803", wantInDesc: []string{`Kv\; sync\, app\\prod`, `\n\n1. Create`}},
		{name: "long unicode app name folds on rune boundaries", expires: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC),
			app: strings.Repeat("Schlüssel-Tresor-Übergabe ", 8), wantStart: "20260802", wantEnd: "20260803", checkFolding: true},
		{name: "no app name", expires: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC),
			wantStart: "20260802", wantEnd: "20260803", wantInDesc: []string{"the Delinea app registration"}},
		{name: "zero expiry", wantErr: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := Reminder(c.expires, c.app, client, now)
			if c.wantErr {
				if err == nil {
					t.Fatal("no error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			ics := string(b)
			// CRLF everywhere, no bare LF or CR.
			if strings.Count(ics, "\n") != strings.Count(ics, "\r\n") || strings.Count(ics, "\r") != strings.Count(ics, "\r\n") || !strings.HasSuffix(ics, "\r\n") {
				t.Errorf("line endings are not all CRLF")
			}
			// Every physical line at most 75 octets, valid UTF-8 after folding.
			for _, l := range strings.Split(strings.TrimSuffix(ics, "\r\n"), "\r\n") {
				if len(l) > 75 {
					t.Errorf("line of %d octets: %q", len(l), l)
				}
				if !isValidUTF8(l) {
					t.Errorf("folding split a character: %q", l)
				}
			}
			for _, want := range []string{"BEGIN:VCALENDAR", "VERSION:2.0", "BEGIN:VEVENT", "BEGIN:VALARM", "ACTION:DISPLAY", "END:VALARM", "END:VEVENT", "END:VCALENDAR"} {
				if !strings.Contains(ics, want+"\r\n") {
					t.Errorf("missing %s", want)
				}
			}
			if !strings.HasPrefix(ics, "BEGIN:VCALENDAR\r\n") || !strings.HasSuffix(ics, "END:VCALENDAR\r\n") {
				t.Error("not wrapped in VCALENDAR")
			}
			if !strings.HasPrefix(prop(t, ics, "PRODID"), "-//kvbridge//") || !strings.HasSuffix(prop(t, ics, "UID"), "@kvbridge") {
				t.Error("PRODID or UID")
			}
			if got := prop(t, ics, "DTSTAMP"); got != "20260310T140000Z" {
				t.Errorf("DTSTAMP %s", got)
			}
			if got := prop(t, ics, "DTSTART;VALUE=DATE"); got != c.wantStart {
				t.Errorf("DTSTART %s, want %s", got, c.wantStart)
			}
			if got := prop(t, ics, "DTEND;VALUE=DATE"); got != c.wantEnd {
				t.Errorf("DTEND %s, want %s", got, c.wantEnd)
			}
			if got := prop(t, ics, "SUMMARY"); got != "Rotate the Delinea Key Vault client secret" {
				t.Errorf("SUMMARY %q", got)
			}
			desc := prop(t, ics, "DESCRIPTION")
			for _, w := range c.wantInDesc {
				if !strings.Contains(desc, w) {
					t.Errorf("DESCRIPTION lacks %q:\n%s", w, desc)
				}
			}
			if strings.ContainsAny(strings.NewReplacer(`\\`, "", `\;`, "", `\,`, "", `\n`, "").Replace(desc), ";,\n") {
				t.Errorf("unescaped text in DESCRIPTION: %s", desc)
			}
			if c.checkFolding && !strings.Contains(ics, "\r\n ") {
				t.Error("a long description was not folded")
			}
			if got := ReminderDay(c.expires, now); strings.ReplaceAll(got, "-", "") != c.wantStart {
				t.Errorf("ReminderDay %s", got)
			}
		})
	}
}

func TestReminderStableUIDAndNoSecret(t *testing.T) {
	exp := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	a, _ := Reminder(exp, "app", "c1", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	b, _ := Reminder(exp, "app", "c1", time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC))
	c, _ := Reminder(exp.AddDate(1, 0, 0), "app", "c1", time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC))
	uid := func(b []byte) string { return prop(t, string(b), "UID") }
	if uid(a) != uid(b) || uid(a) == uid(c) {
		t.Errorf("UIDs: %s %s %s", uid(a), uid(b), uid(c))
	}
	// The signature takes no secret; make sure nothing secret-shaped sneaks in either.
	if strings.Contains(string(a), "password") && !strings.Contains(string(a), "--query password") {
		t.Error("unexpected password text")
	}
}

func TestFoldLine(t *testing.T) {
	for _, n := range []int{0, 1, 74, 75, 76, 149, 150, 151, 400} {
		s := "X:" + strings.Repeat("a", n)
		got := foldLine(s)
		if unfold(strings.TrimSuffix(got, "\r\n")) != s {
			t.Errorf("n=%d: fold/unfold changed the line", n)
		}
		for _, l := range strings.Split(strings.TrimSuffix(got, "\r\n"), "\r\n") {
			if len(l) > 75 {
				t.Errorf("n=%d: %d octets", n, len(l))
			}
		}
	}
	if got := escapeText("a\\b;c,d\r\ne\nf"); got != `a\\b\;c\,d\ne\nf` {
		t.Errorf("escapeText = %q", got)
	}
}

func isValidUTF8(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

// With the tenant and the app known, the reminder's doctor command is whole:
// it runs as written (doctor refuses to run without both).
func TestReminderDoctorRunsAsWritten(t *testing.T) {
	const tenant, client = "72f988bf-86f1-41af-91ab-2d7cd011db47", "8f7a2c1e-4b3d-4e5f-9a8b-7c6d5e4f3a2b"
	b, err := ReminderFor(time.Date(2026, 9, 1, 8, 0, 0, 0, time.UTC), "app", tenant, client, time.Date(2026, 3, 10, 14, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	desc := strings.ReplaceAll(strings.ReplaceAll(string(b), "\r\n ", ""), `\n`, "\n")
	i := strings.Index(desc, "Check with: ")
	if i < 0 {
		t.Fatalf("no doctor command:\n%s", desc)
	}
	cmd := desc[i+len("Check with: "):]
	cmd = cmd[:strings.Index(cmd, " (")]
	want := "kvbridge doctor --tenant " + tenant + " --client-id " + client
	if cmd != want {
		t.Errorf("doctor command %q, want %q", cmd, want)
	}
}
