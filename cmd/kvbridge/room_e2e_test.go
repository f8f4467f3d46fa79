package main

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/live"
	"github.com/kvbridge/kvbridge/steps/room"
	"github.com/kvbridge/kvbridge/tui/dashboard"
)

const seatPassword = "Practice-Pa55word!x"

// courseKeys are the keystrokes that complete the course line by line in a room seat
// (the seat hands out the tenant's IDs and secret): every task y, each check page's
// fields (Enter keeps the handed-out value; the username mapping y; the password), s
// where the page syncs, every quiz answer right, every acknowledgement y.
func courseKeys(m *steps.Machine) string {
	var keys []string
	asked := map[string]bool{steps.FieldTenantID: true, steps.FieldClientID: true, steps.FieldClientSecret: true, steps.FieldCloud: true}
	expiry := false
	for _, sec := range m.Course.Sections {
		expiry = expiry || slices.Contains(sec.Check.IDs, "credential.expiry")
	}
	for _, sc := range m.Screens() {
		sec := m.Course.Sections[sc.Section]
		switch sc.Kind {
		case steps.ScreenStep:
			for range sec.Steps[sc.Step].Tasks {
				keys = append(keys, "y")
			}
		case steps.ScreenCheck:
			p, _ := live.PageOf(m, sc)
			for _, f := range p.Fields {
				if asked[f] {
					continue
				}
				asked[f] = true
				switch f {
				case steps.FieldMapUsername:
					keys = append(keys, "y")
				case steps.FieldPassword:
					keys = append(keys, seatPassword)
				default:
					keys = append(keys, "")
				}
			}
			if p.Sync {
				keys = append(keys, "s")
			}
			keys = append(keys, "")
		case steps.ScreenQuiz:
			q, _ := m.Bank.Get(sc.QuestionID)
			keys = append(keys, strconv.Itoa(q.Right()+1))
		case steps.ScreenAcks:
			for range sec.Acks {
				keys = append(keys, "y")
			}
		case steps.ScreenTroubleshooting:
			if expiry {
				keys = append(keys, "n", "")
			} else {
				keys = append(keys, "", "")
			}
		case steps.ScreenComplete:
		default:
			keys = append(keys, "")
		}
	}
	return strings.Join(keys, "\n") + "\n"
}

// dash is the trainer's dashboard driven by Update, as the Bubble Tea runtime would.
type dash struct {
	mu sync.Mutex
	m  dashboard.Model
}

func (d *dash) update(msg tea.Msg) {
	next, cmd := d.m.Update(msg)
	d.m = next.(dashboard.Model)
	for n := 0; cmd != nil && n < 20; n++ {
		out := cmd()
		if out == nil {
			return
		}
		next, cmd = d.m.Update(out)
		d.m = next.(dashboard.Model)
	}
}

func (d *dash) refresh() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.update(d.m.Init()())
	return d.m.Render()
}

func (d *dash) keys(ks ...string) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, k := range ks {
		switch k {
		case "down":
			d.update(tea.KeyPressMsg{Code: tea.KeyDown})
		case "enter":
			d.update(tea.KeyPressMsg{Code: tea.KeyEnter})
		default:
			d.update(tea.KeyPressMsg{Code: []rune(k)[0], Text: k})
		}
	}
	return d.m.Render()
}

// A trainee completes the course by keystrokes in a room seat (kvbridge join, line by
// line) while the trainer's dashboard, driven by Update, shows the seat's progress;
// then the trainer closes the seat's firewall from the dashboard and the seat's next
// check (doctor --room, rejoining the seat) fails with the fault's cause.
func TestE2ERoomSeatCourseAndTrainerFault(t *testing.T) {
	privateState(t)
	r, err := room.Start(room.Options{Seats: 2, Plan: "healthy", Seed: 1, StatePath: filepath.Join(t.TempDir(), "room.json")})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	d := &dash{m: dashboard.New(room.Local{R: r}, dashboard.Options{Title: "room", NoTick: true})}
	d.update(tea.WindowSizeMsg{Width: 120, Height: 30})
	m, err := loadMachine()
	if err != nil {
		t.Fatal(err)
	}

	// The trainer's screen while the trainee works: percentages seen on the seat's row.
	stop := make(chan struct{})
	seen := map[string]bool{}
	var watch sync.WaitGroup
	watch.Add(1)
	go func() {
		defer watch.Done()
		for {
			out := d.refresh()
			for _, l := range strings.Split(out, "\n") {
				if strings.Contains(l, "Keys") {
					f := strings.Fields(strings.SplitN(l, "Keys", 2)[1])
					if len(f) > 1 {
						seen[f[1]] = true
					}
				}
			}
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	code, out, errOut := runCLI(t, courseKeys(m), nil, "join", r.Join().String(), "--name", "Keys")
	close(stop)
	watch.Wait()
	if code != 0 || !strings.Contains(out, "Progress: 100%.") {
		t.Fatalf("join: exit %d\n%s\n...%s", code, errOut, out[max(0, len(out)-3000):])
	}
	screen := d.refresh()
	if !strings.Contains(screen, "Keys") || !strings.Contains(screen, "100%") || !strings.Contains(screen, "✓ finished") {
		t.Fatalf("the dashboard does not show the finished seat:\n%s", screen)
	}
	between := 0
	for pct := range seen {
		if pct != "0%" && pct != "100%" {
			between++
		}
	}
	if between == 0 {
		t.Errorf("the dashboard never showed the seat between 0%% and 100%% (saw %v)", seen)
	}
	rep := r.Report().Seats[0]
	// mapping.value fails before the sync writes the typed password, then passes: the
	// report keeps it as failed and fixed.
	if rep.Name != "Keys" || !rep.Finished || rep.Quiz.Correct != rep.Quiz.Total || rep.Checks.Runs == 0 ||
		len(rep.Checks.Failing) != 0 || !slices.Equal(rep.Checks.Failed, rep.Checks.Fixed) {
		t.Fatalf("the seat's report: %+v", rep)
	}

	// The trainer breaks it: b, down to close-firewall, enter.
	keys := []string{"b"}
	var brk room.Break
	for _, b := range room.Breaks() {
		if b.Name == "close-firewall" {
			brk = b
			break
		}
		keys = append(keys, "down")
	}
	if screen = d.keys(append(keys, "enter")...); !strings.Contains(screen, "Close the vault firewall on seat 1.") {
		t.Fatalf("after the break:\n%s", screen)
	}
	code, out, errOut = runCLI(t, "", nil, "doctor", "--room", r.Join().String(), "--name", "Keys", "--json")
	var doc struct {
		Checks []struct{ ID, Status, Cause string } `json:"checks"`
	}
	if err := json.Unmarshal([]byte(out), &doc); code != 1 || err != nil {
		t.Fatalf("doctor after the fault: exit %d, %v\n%s", code, err, errOut)
	}
	got := ""
	for _, c := range doc.Checks {
		if c.ID == brk.Check {
			got = c.Status + " " + c.Cause
		}
	}
	if got != "fail "+brk.Cause {
		t.Fatalf("after the trainer's fault, %s = %q, want fail %s", brk.Check, got, brk.Cause)
	}
	if r.NumSeats() != 2 || r.Seats()[1].Joined {
		t.Fatal("doctor took a second seat instead of rejoining")
	}
	if screen = d.refresh(); !strings.Contains(screen, brk.Check+" ("+brk.Cause+")") {
		t.Fatalf("the dashboard does not show the fault's failure:\n%s", screen)
	}
}
