package room

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/azure"
)

// The load test runs a room in a child process (so its memory is the room's alone) and
// simulated trainees in this one: each joins, runs every section's live checks five
// times with the real SDK clients and reports progress after each run. `make load` runs
// it with 30 and 60 trainees (KVBRIDGE_ROOM_LOAD=1); the default suite runs a small room.

const loadChildEnv = "KVBRIDGE_ROOM_LOAD_CHILD"

// TestLoadChild is the room's process; it does nothing unless the load test started it.
func TestLoadChild(t *testing.T) {
	dir := os.Getenv(loadChildEnv)
	if dir == "" {
		t.Skip("the load test's room process")
	}
	seats, _ := strconv.Atoi(os.Getenv(loadChildEnv + "_SEATS"))
	r, err := Start(Options{Seats: seats, Plan: "healthy", Seed: 1, StatePath: filepath.Join(dir, "room.json"), SchedProbe: true})
	if err != nil {
		fmt.Println("ERR", err)
		os.Exit(1)
	}
	line, _ := json.Marshal(map[string]string{"join": r.Join().String(), "key": r.TrainerKey()})
	fmt.Println(string(line))
	// Serve until the parent closes stdin.
	_, _ = bufio.NewReader(os.Stdin).ReadString('\n')
	r.Close()
}

type loadResult struct {
	trainees, runs int
	wall           time.Duration
	stats          Stats
	rssMB          float64
	stateKB        int64
	errors         []string
}

func runLoad(t *testing.T, trainees, runsPerSection int) loadResult {
	t.Helper()
	dir := t.TempDir()
	args := []string{"-test.run=^TestLoadChild$", "-test.v=false"}
	if p := os.Getenv("KVBRIDGE_ROOM_LOAD_PROFILE"); p != "" {
		args = append(args, "-test.cpuprofile="+p)
	}
	// In a workshop the trainees run on their own laptops; here they share two cores with
	// the room. The room process runs at a higher priority (nice -5, when allowed) so the
	// figures measure the room's work rather than the simulated trainees' queue for CPU.
	cmd := exec.Command(os.Args[0], args...)
	if nice, err := exec.LookPath("nice"); err == nil && os.Geteuid() == 0 {
		cmd = exec.Command(nice, append([]string{"-n", "-5", os.Args[0]}, args...)...)
	}
	cmd.Env = append(os.Environ(), loadChildEnv+"="+dir, loadChildEnv+"_SEATS="+strconv.Itoa(trainees))
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { stdin.Close(); _ = cmd.Wait() }()
	var hello struct{ Join, Key string }
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if json.Unmarshal(sc.Bytes(), &hello) == nil && hello.Join != "" {
			break
		}
		t.Log(sc.Text())
	}
	j, err := ParseJoin(hello.Join)
	if err != nil {
		t.Fatalf("room process: %v", err)
	}
	course, err := steps.LoadCourse()
	if err != nil {
		t.Fatal(err)
	}
	var sections [][]string
	var secIDs []string
	for _, s := range course.Sections {
		if len(s.Check.IDs) > 0 {
			sections = append(sections, s.Check.IDs)
			secIDs = append(secIDs, s.ID)
		}
	}
	res := loadResult{trainees: trainees}
	var mu sync.Mutex
	fail := func(format string, a ...any) {
		mu.Lock()
		defer mu.Unlock()
		if len(res.errors) < 20 {
			res.errors = append(res.errors, fmt.Sprintf(format, a...))
		}
	}
	start := time.Now()
	var wg sync.WaitGroup
	for i := 0; i < trainees; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := context.Background()
			name := fmt.Sprintf("t%d", i+1)
			seat, err := JoinRoom(ctx, j, name, "")
			if err != nil {
				fail("%s join: %v", name, err)
				return
			}
			defer seat.Close()
			cfg := seat.Config()
			fastRetry(&cfg)
			sess, err := azure.NewSession(cfg)
			if err != nil {
				fail("%s session: %v", name, err)
				return
			}
			for si, ids := range sections {
				for run := 0; run < runsPerSection; run++ {
					rep := sess.Run(ctx, ids, nil)
					if !rep.OK() {
						id, cause := failing(rep)
						fail("%s section %s run %d: %s failed (%s)", name, secIDs[si], run+1, id, cause)
					}
					pct := (si*runsPerSection + run + 1) * 100 / (len(sections) * runsPerSection)
					if _, err := seat.Report(ctx, Progress{Section: secIDs[si], Percent: &pct, Checks: ChecksOf(rep)}); err != nil {
						fail("%s report: %v", name, err)
					}
					mu.Lock()
					res.runs++
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	res.wall = time.Since(start)
	tc := DialTrainer(j, hello.Key)
	defer tc.Close()
	if res.stats, err = tc.Stats(context.Background()); err != nil {
		t.Fatal(err)
	}
	rep, err := tc.Report(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range rep.Seats {
		if want := fmt.Sprintf("t%d", i+1); !s.Joined || s.Percent != 100 || s.Checks.Runs == 0 || len(s.Checks.Failed) > 0 || !strings.HasPrefix(s.Name, "t") {
			fail("seat %d in the report: %+v (want a joined %s at 100%% with results)", s.Seat, s, want)
		}
	}
	if status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", cmd.Process.Pid)); err == nil {
		for _, l := range strings.Split(string(status), "\n") {
			if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmHWM:" {
				kb, _ := strconv.Atoi(f[1])
				res.rssMB = float64(kb) / 1024
			}
		}
	}
	if fi, err := os.Stat(filepath.Join(dir, "room.json")); err == nil {
		res.stateKB = fi.Size() >> 10
	}
	return res
}

func (r loadResult) String() string {
	return fmt.Sprintf("%d trainees: %d check runs in %v; %d requests, server time p50 %.2f ms, p99 %.2f ms, max %.1f ms (a 1 ms timer's lateness p99 %.2f ms); room peak RSS %.0f MB (heap %.0f MB); %d state saves, state file %d KB",
		r.trainees, r.runs, r.wall.Round(time.Millisecond), r.stats.Requests, r.stats.P50Ms, r.stats.P99Ms, r.stats.MaxMs, r.stats.SchedP99Ms, r.rssMB, r.stats.HeapMB, r.stats.SavesDone, r.stateKB)
}

func TestLoad(t *testing.T) {
	sizes, runs := []int{3}, 1
	if os.Getenv("KVBRIDGE_ROOM_LOAD") != "" {
		sizes, runs = []int{30, 60}, 5
	}
	for _, n := range sizes {
		res := runLoad(t, n, runs)
		t.Log(res)
		for _, e := range res.errors {
			t.Error(e)
		}
		// The goal is judged when the machine let the room run: on a machine so loaded
		// that a 1 ms timer fires 10 ms late, every request waits for a core too.
		if n == 30 && res.stats.P99Ms > 20 {
			if res.stats.SchedP99Ms < 10 {
				t.Errorf("p99 server time %.2f ms for 30 trainees, goal ≤ 20 ms", res.stats.P99Ms)
			} else {
				t.Logf("p99 goal not judged: the machine delayed the room's timers by %.1f ms (p99); load %s", res.stats.SchedP99Ms, loadAvg())
			}
		}
		if res.rssMB > 200 {
			t.Errorf("room peak RSS %.0f MB, goal ≤ 200 MB", res.rssMB)
		}
	}
}

func loadAvg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	return strings.TrimSpace(string(b))
}
