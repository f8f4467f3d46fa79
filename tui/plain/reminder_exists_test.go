package plain

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/live"
	"github.com/kvbridge/kvbridge/tui/session"
)

// A reminder planted as a symbolic link is neither followed nor replaced
// without asking: n leaves the link and its target alone; y replaces the link
// itself with the reminder, still leaving the target alone.
func TestPlainReminderAsksBeforeReplacing(t *testing.T) {
	t.Parallel()
	for _, answer := range []string{"n", "y"} {
		m := plainFixtureMachine(t)
		dir := t.TempDir()
		target := filepath.Join(t.TempDir(), "bashrc")
		if err := os.WriteFile(target, []byte("keep"), 0o600); err != nil {
			t.Fatal(err)
		}
		link := filepath.Join(dir, live.ReminderFile)
		if err := os.Symlink(target, link); err != nil {
			t.Skip("no symlinks:", err)
		}
		lv := plainTestLive(t, steps.Connection{Kind: steps.ConnPractice}, nil)
		in := plainLines(":4", "", "2027-05-31", "y", "maybe", answer, "q")
		res := runPlainFixtureEnv(t, m, plainStore(t), m.Start(time.Now()), in, plainEnv{environ: plainEnvNoTTY, now: plainClock(), dir: dir},
			func(o *session.Options) { o.Live = lv })
		if res.err != nil {
			t.Fatalf("plain.Run: %v\n%s", res.err, plainTail(res.out, 30))
		}
		for _, want := range []string{"A symbolic link of that name is already there", link, "Replace it? [y/n]", "Please type y to replace it, or n to leave it."} {
			if !plainContains(res.out, want) {
				t.Errorf("%s: output lacks %q\n%s", answer, want, plainTail(res.out, 30))
			}
		}
		if got, _ := os.ReadFile(target); string(got) != "keep" {
			t.Fatalf("%s: the link's target was written: %q", answer, got)
		}
		info, err := os.Lstat(link)
		if err != nil {
			t.Fatal(err)
		}
		isLink := info.Mode()&os.ModeSymlink != 0
		switch answer {
		case "n":
			if !isLink || !plainContains(res.out, "Left as it is; no reminder written.") {
				t.Errorf("n: link replaced or not said\n%s", plainTail(res.out, 20))
			}
		case "y":
			data, _ := os.ReadFile(link)
			if isLink || !strings.Contains(string(data), "BEGIN:VCALENDAR") || !plainContains(res.out, "Reminder for 2027-05-01 saved") {
				t.Errorf("y: the link was not replaced by the reminder\n%s", plainTail(res.out, 20))
			}
		}
	}
}
