package room

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/kvbridge/kvbridge/steps/azure/sandbox"
)

const stateFormat = "kvbridge-room/1"

// roomState is everything a restarted room needs. It holds the trainer key, the CA key
// and the seats' practice tenants (their throwaway practice secrets included), which is
// why the file is the trainer's alone (mode 0600). Seat tokens are kept as SHA-256.
type roomState struct {
	Format     string       `json:"format"`
	Created    time.Time    `json:"created"`
	Plan       string       `json:"plan"`
	Seed       int64        `json:"seed"`
	Addr       string       `json:"addr"` // the address served, reused on restart so join strings stay valid
	Code       string       `json:"code"`
	TrainerKey string       `json:"trainer_key"`
	CACert     string       `json:"ca_cert"`
	CAKey      string       `json:"ca_key"`
	Seats      []*seatState `json:"seats"`
}

type seatState struct {
	Seat         int               `json:"seat"`
	Name         string            `json:"name,omitempty"`
	TokenHash    string            `json:"token_sha256,omitempty"`
	Joined       time.Time         `json:"joined,omitzero"`
	LastActivity time.Time         `json:"last_activity,omitzero"`
	Deal         Deal              `json:"deal"`
	Answer       sandbox.AnswerKey `json:"answer"`
	Revealed     bool              `json:"revealed,omitempty"`
	Generation   int               `json:"generation"`
	Breaks       []BreakRecord     `json:"breaks,omitempty"`
	Tenant       json.RawMessage   `json:"tenant,omitempty"` // the sandbox's saved state
	Progress     seatProgress      `json:"progress"`
}

// BreakRecord is one fault the trainer put on a seat.
type BreakRecord struct {
	Action string    `json:"action"`
	At     time.Time `json:"at"`
}

// writeFileAtomic writes data to path through a temporary file in the same directory,
// renamed over it, so a crash of the room leaves the old file or the new one, never half
// of it. With sync, the data reaches the disk before the rename (power loss too).
func writeFileAtomic(path string, data []byte, mode os.FileMode, sync bool) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // a no-op after the rename
	if err := f.Chmod(mode); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if sync {
		if err := f.Sync(); err != nil {
			f.Close()
			return err
		}
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// readState reads a state file; (nil, nil) when it does not exist or is empty.
func readState(path string) (*roomState, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size() == 0 {
		return nil, nil
	}
	var st roomState
	if err := json.NewDecoder(io.LimitReader(f, 1<<30)).Decode(&st); err != nil {
		return nil, fmt.Errorf("the room state %s is not readable: %w", path, err)
	}
	if st.Format != stateFormat {
		return nil, fmt.Errorf("the room state %s has format %q, not %q", path, st.Format, stateFormat)
	}
	if len(st.Seats) == 0 || st.Code == "" || st.TrainerKey == "" {
		return nil, fmt.Errorf("the room state %s is incomplete (no seats, code or trainer key)", path)
	}
	for i, s := range st.Seats {
		if s == nil || s.Seat != i+1 || len(s.Tenant) == 0 {
			return nil, fmt.Errorf("the room state %s: seat %d is damaged", path, i+1)
		}
	}
	return &st, nil
}

// saver writes the room's state after every change. Changes that must survive a crash
// of the room before they are acknowledged (a join, a trainer's action) wait for their
// save; progress reports do not, and saves that pile up while one is written become one.
// The file is synced to disk at most once a second (and at close): a synced write costs
// tens of milliseconds on a busy laptop, which thirty joins at once would queue behind,
// and a trainer's laptop that restarts cleanly flushes what was written anyway.
type saver struct {
	mu       sync.Mutex
	cond     *sync.Cond
	want     uint64 // generation of the latest change
	done     uint64 // generation of the latest save
	err      error
	closed   bool
	snap     func() ([]byte, uint64, error)
	path     string
	saves    uint64
	lastSync time.Time
	stopped  chan struct{}
}

func newSaver(path string, snap func() ([]byte, uint64, error)) *saver {
	s := &saver{path: path, snap: snap, stopped: make(chan struct{})}
	s.cond = sync.NewCond(&s.mu)
	go s.loop()
	return s
}

func (s *saver) loop() {
	defer close(s.stopped)
	for {
		s.mu.Lock()
		for s.done >= s.want && !s.closed {
			s.cond.Wait()
		}
		if s.done >= s.want && s.closed {
			s.mu.Unlock()
			return
		}
		s.mu.Unlock()
		data, gen, err := s.snap()
		s.mu.Lock()
		sync := s.closed || time.Since(s.lastSync) >= time.Second
		s.mu.Unlock()
		if err == nil {
			err = writeFileAtomic(s.path, data, StateFileMode, sync)
		}
		if err == nil && sync {
			s.lastSync = time.Now()
		}
		s.mu.Lock()
		s.err = err
		if gen > s.done {
			s.done = gen
		}
		if err != nil && s.done < s.want && s.closed {
			s.done = s.want // give up: the error is reported to the waiters
		}
		s.saves++
		s.cond.Broadcast()
		s.mu.Unlock()
		if err != nil {
			time.Sleep(100 * time.Millisecond) // a full disk is not retried in a hot loop
		}
	}
}

// changed records change number gen; with wait, it returns once a save covers it.
func (s *saver) changed(gen uint64, wait bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if gen > s.want {
		s.want = gen
	}
	s.cond.Broadcast()
	for wait && s.done < gen && !s.closed {
		s.cond.Wait()
	}
	if wait && s.done >= gen {
		return s.err
	}
	return nil
}

// close writes what is pending and stops.
func (s *saver) close() error {
	s.mu.Lock()
	s.closed = true
	s.cond.Broadcast()
	s.mu.Unlock()
	<-s.stopped
	return s.err
}
