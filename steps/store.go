package steps

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/kvbridge/kvbridge/internal/termsafe"
)

// Store keeps the progress in one JSON file.
type Store struct {
	Path string
}

// DefaultStateDir is the user's state directory for kvbridge:
// $XDG_STATE_HOME/kvbridge, else ~/.local/state/kvbridge on Unix,
// ~/Library/Application Support/kvbridge on macOS and %LocalAppData%\kvbridge on Windows.
func DefaultStateDir() (string, error) {
	if d := os.Getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "kvbridge"), nil
	}
	switch runtime.GOOS {
	case "windows":
		if d := os.Getenv("LocalAppData"); d != "" {
			return filepath.Join(d, "kvbridge"), nil
		}
	case "darwin":
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, "Library", "Application Support", "kvbridge"), nil
		}
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("cannot find a place for saved progress: set XDG_STATE_HOME (%w)", err)
	}
	return filepath.Join(home, ".local", "state", "kvbridge"), nil
}

// DefaultStore is the store in the user's state directory.
func DefaultStore() (Store, error) {
	dir, err := DefaultStateDir()
	if err != nil {
		return Store{}, err
	}
	return Store{Path: filepath.Join(dir, "progress.json")}, nil
}

// Load reads the saved progress. A missing file is a fresh start. A damaged
// file, or one of another format version, is moved aside: the trainee gets a
// fresh start and a notice saying where the old file went. err is only for
// failures the caller must report (the file cannot be read or moved).
func (st Store) Load(m *Machine, now time.Time) (s State, notice string, err error) {
	s, err = st.Peek(m, now)
	var bad *UnusableError
	if !errors.As(err, &bad) {
		return s, "", err
	}
	aside := fmt.Sprintf("%s.%s.bad", st.Path, now.UTC().Format("20060102T150405Z"))
	if err := os.Rename(st.Path, aside); err != nil {
		return m.Start(now), "", fmt.Errorf("saved progress at %s is unusable and could not be moved aside: %w", st.Path, err)
	}
	return m.Start(now), fmt.Sprintf("Saved progress could not be used because %s. It was moved to %s and the course starts afresh.", bad.Reason, aside), nil
}

// UnusableError says why a progress file cannot be used.
type UnusableError struct {
	Path, Reason string
}

func (e *UnusableError) Error() string {
	return fmt.Sprintf("saved progress at %s cannot be used because %s", e.Path, e.Reason)
}

// Peek reads the saved progress without changing anything on disk, for
// read-only commands such as kvbridge report. A missing file is a fresh start;
// an unusable one is an *UnusableError.
func (st Store) Peek(m *Machine, now time.Time) (State, error) {
	data, err := readProgress(st.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return m.Start(now), nil
	}
	var bad *UnusableError
	if errors.As(err, &bad) {
		return m.Start(now), err
	}
	if err != nil {
		return m.Start(now), fmt.Errorf("reading saved progress: %w", err)
	}
	var probe struct {
		Version int `json:"version"`
	}
	var s State
	reason := ""
	if err := json.Unmarshal(data, &probe); err != nil {
		reason = "it is damaged (" + err.Error() + ")"
	} else if probe.Version != FormatVersion {
		reason = fmt.Sprintf("it has format version %d and this kvbridge reads version %d", probe.Version, FormatVersion)
	} else if err := json.Unmarshal(data, &s); err != nil {
		reason = "it is damaged (" + err.Error() + ")"
	}
	if reason != "" {
		return m.Start(now), &UnusableError{Path: st.Path, Reason: reason}
	}
	return m.sanitize(s, now), nil
}

// MaxProgressSize bounds what is read of a progress file. A finished course
// saves a few KiB; a file of megabytes was not written by kvbridge, and
// reading it whole (the attack tried 1 GB) would only cost memory.
const MaxProgressSize = 1 << 20

// readProgress reads the progress file, refusing anything that is not a
// regular file (a FIFO would block the read forever, a device never end) or
// that is larger than MaxProgressSize, as an *UnusableError. It opens without
// blocking and checks what it opened, so nothing swapped in between a check
// and the open can block it either.
func readProgress(path string) ([]byte, error) {
	f, err := openNoBlock(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, &UnusableError{Path: path, Reason: fmt.Sprintf("it is not a regular file (%s)", kindOf(info.Mode()))}
	}
	if info.Size() > MaxProgressSize {
		return nil, &UnusableError{Path: path, Reason: fmt.Sprintf("it is %d bytes long, far more than progress takes (at most %d)", info.Size(), MaxProgressSize)}
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxProgressSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxProgressSize { // it grew while being read
		return nil, &UnusableError{Path: path, Reason: fmt.Sprintf("it is more than %d bytes long", MaxProgressSize)}
	}
	return data, nil
}

func kindOf(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return m.Type().String()
}

// sanitize drops what the current course does not know (a task renamed in a
// newer version) so stale IDs cannot count toward progress.
func (m *Machine) sanitize(s State, now time.Time) State {
	fresh := m.Start(now)
	if s.StartedAt.IsZero() {
		s.StartedAt = now
	}
	fresh.StartedAt, fresh.UpdatedAt, fresh.FinishedAt = s.StartedAt, s.UpdatedAt, s.FinishedAt
	if s.Connection.Validate() == nil {
		fresh.Connection = s.Connection
	}
	if CheckName(s.Name) == nil {
		fresh.Name = s.Name
	}
	if _, ok := m.byKey[s.Screen]; ok {
		fresh.Screen = s.Screen
	}
	for id, on := range s.Tasks {
		if _, ok := m.tasks[id]; ok && on {
			fresh.Tasks[id] = true
		}
	}
	for id, on := range s.Acks {
		if m.acks[id] && on {
			fresh.Acks[id] = true
		}
	}
	for id, c := range s.Checks {
		switch c.Status {
		case StatusPass, StatusWarn, StatusFail, StatusSkip:
		default:
			continue // a status no run writes: the file was edited
		}
		if m.checks[id] {
			// The cause is printed (report, wizard); a catalogue cause is a short slug.
			c.Cause = termsafe.Clean(clip(c.Cause, 64))
			fresh.Checks[id] = c
		}
	}
	for id, r := range s.Quiz {
		if m.Bank == nil {
			break
		}
		if q, ok := m.Bank.Get(id); ok && r.First >= 0 && r.First < len(q.Options) && r.Attempts > 0 {
			fresh.Quiz[id] = r
		}
	}
	if fresh.FinishedAt != nil && !m.Progress(fresh).Complete() {
		fresh.FinishedAt = nil
	}
	return fresh
}

// Save writes the state atomically: a temp file in the same directory, fsync,
// rename, so a crash leaves either the old file or the new one, never half.
func (st Store) Save(s State) error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding progress: %w", err)
	}
	data = append(data, '\n')
	dir := filepath.Dir(st.Path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("saving progress: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".progress-*.tmp")
	if err != nil {
		return fmt.Errorf("saving progress: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("saving progress: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("saving progress: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("saving progress: %w", err)
	}
	if err := os.Rename(tmp.Name(), st.Path); err != nil {
		return fmt.Errorf("saving progress: %w", err)
	}
	if d, err := os.Open(dir); err == nil { // make the rename durable too
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// Reset removes the saved progress.
func (st Store) Reset() error {
	if err := os.Remove(st.Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("removing saved progress: %w", err)
	}
	return nil
}
