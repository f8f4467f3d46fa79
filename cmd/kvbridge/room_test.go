package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// serveRoom runs `kvbridge room serve ... --json` in process and returns its first line.
func serveRoom(t *testing.T, args ...string) roomServeJSON {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"room", "serve", "--json", "--state", filepath.Join(t.TempDir(), "room.json")}, args...), stdio{in: strings.NewReader(""), out: pw, err: io.Discard}, func(string) string { return "" })
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("room serve ended with %d", code)
		}
	})
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("room serve printed nothing: %v", err)
	}
	go io.Copy(io.Discard, pr)
	var info roomServeJSON
	if err := json.Unmarshal([]byte(line), &info); err != nil {
		t.Fatalf("first line %q: %v", line, err)
	}
	for _, k := range []string{"join", "url", "code", "pin", "trainer_key", "state_file"} {
		if !strings.Contains(line, `"`+k+`":`) {
			t.Errorf("first line lacks %q: %s", k, line)
		}
	}
	return info
}

// The issue's own end-to-end: trainees run doctor against their seats at once, every
// one passes, and the report lists them by name with their results; a wrong code is
// refused.
func TestRoomDoctorAndReport(t *testing.T) {
	privateState(t)
	info := serveRoom(t, "--seats", "4", "--scenario", "healthy", "--addr", "127.0.0.1:0")
	var wg sync.WaitGroup
	codes := make([]int, 3)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i], _, _ = runCLI(t, "", nil, "doctor", "--room", info.Join, "--name", fmt.Sprintf("t%d", i+1), "--json")
		}()
	}
	wg.Wait()
	for i, c := range codes {
		if c != 0 {
			t.Errorf("doctor for t%d exited %d", i+1, c)
		}
	}
	code, out, errOut := runCLI(t, "", nil, "room", "report", info.Join, "--trainer-key", info.TrainerKey, "--json")
	if code != 0 {
		t.Fatalf("room report: %d %s", code, errOut)
	}
	var rep struct {
		Seats []struct {
			Name   string `json:"name"`
			Checks struct {
				Runs int `json:"runs"`
			} `json:"checks"`
		} `json:"seats"`
		Room map[string]any `json:"room"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	named := 0
	for _, s := range rep.Seats {
		if strings.HasPrefix(s.Name, "t") && s.Checks.Runs > 0 {
			named++
		}
	}
	if len(rep.Seats) != 4 || named != 3 || rep.Room == nil {
		t.Fatalf("report: %s", out)
	}
	// Again with the same name: the same seat, not a new one.
	if code, _, e := runCLI(t, "", nil, "doctor", "--room", info.Join, "--name", "t1"); code != 0 {
		t.Fatalf("second doctor as t1: %d %s", code, e)
	}
	code, out, _ = runCLI(t, "", nil, "room", "report", info.Join, "--trainer-key", info.TrainerKey)
	if code != 0 || strings.Count(out, " t1 ") != 1 || !strings.Contains(out, "3 of 4 seats joined") {
		t.Fatalf("text report after a rejoin:\n%s", out)
	}
	bad := strings.Replace(info.Join, "/"+info.Code+"/", "/aaaa-aaaa-aaaa-aaaa/", 1)
	code, _, errOut = runCLI(t, "", nil, "doctor", "--room", bad, "--name", "x")
	if code != 2 || !strings.Contains(errOut, "not this room's") {
		t.Fatalf("wrong code: %d %s", code, errOut)
	}
	if code, _, errOut = runCLI(t, "", nil, "room", "report", info.Join, "--trainer-key", "wrong"); code != 1 || !strings.Contains(errOut, "trainer key") {
		t.Fatalf("wrong trainer key: %d %s", code, errOut)
	}
}

func TestRoomMysterySeedDealsTheSame(t *testing.T) {
	privateState(t)
	var deals [2]string
	for i := range deals {
		info := serveRoom(t, "--seats", "5", "--scenario", "mystery", "--seed", "7")
		code, out, e := runCLI(t, "", nil, "room", "report", info.Join, "--trainer-key", info.TrainerKey, "--csv")
		if code != 0 {
			t.Fatal(e)
		}
		for _, l := range strings.Split(out, "\n")[1:6] {
			deals[i] += strings.Split(l, ",")[2] + " "
		}
	}
	if deals[0] != deals[1] || strings.Contains(deals[0], "mystery") {
		t.Fatalf("seed 7 dealt %q, then %q", deals[0], deals[1])
	}
	_ = time.Second
}

// join takes a seat and runs the course there (line by line without a terminal); the
// room sees the trainee by name. Joining again rejoins the same seat.
func TestJoinTakesASeat(t *testing.T) {
	privateState(t)
	info := serveRoom(t, "--seats", "2", "--scenario", "healthy")
	for range 2 {
		code, out, errOut := runCLI(t, "q\n", nil, "join", info.Join, "--name", "Ada")
		if code != 0 || !strings.Contains(errOut, "seat 1 in the trainer's room, as Ada") || !strings.Contains(out, "in the trainer's room, seat 1") {
			t.Fatalf("join: %d\n%s\n%s", code, errOut, out)
		}
	}
	code, out, _ := runCLI(t, "", nil, "room", "report", info.Join, "--trainer-key", info.TrainerKey)
	if code != 0 || !strings.Contains(out, "1 of 2 seats joined") || !strings.Contains(out, "Ada") {
		t.Fatalf("report after join:\n%s", out)
	}
}

// A room that cannot be reached: kvbridge says so and goes on with the course on this
// machine, asking where to check (a practice tenant of one's own first).
func TestJoinUnreachableRoomGoesOnLocally(t *testing.T) {
	privateState(t)
	join := "kvbridge://127.0.0.1:1/abcd-efgh-ijkm-npqr/XJCo1rTNaihwoiXY9aj0nA"
	code, out, errOut := runCLI(t, "q\n", nil, "join", join, "--name", "Ada")
	if code != 0 || !strings.Contains(errOut, "cannot be reached") || !strings.Contains(errOut, "progress is kept") ||
		!strings.Contains(out, "Where should kvbridge check your work?") {
		t.Fatalf("unreachable room: %d\n%s\n%s", code, errOut, out)
	}
	if code, _, errOut := runCLI(t, "", nil, "join", "kvbridge://nope"); code != 2 || !strings.Contains(errOut, "join string") {
		t.Fatalf("malformed join string: %d %s", code, errOut)
	}
}
