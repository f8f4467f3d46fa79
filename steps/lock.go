package steps

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Two kvbridge processes on one progress file would each save their own
// state over the other's: one trainee's ticks silently gone. So the process
// that saves holds a lock for as long as it runs, and a second one is refused
// with the first one's process ID. (Waiting would leave a second window
// hanging without a word; merging cannot tell an untick from a tick the other
// process never saw.)

// Lock is the hold on a store's progress; Unlock releases it. The operating
// system releases it too when the process ends, however it ends, so a crash
// never leaves a stale lock behind.
type Lock struct {
	f *os.File
}

// LockedError says another process holds the progress.
type LockedError struct {
	Path string // the progress file
	PID  int    // the other process, 0 when it could not be read
}

func (e *LockedError) Error() string {
	who := "another kvbridge"
	if e.PID > 0 {
		who = fmt.Sprintf("another kvbridge (process %d)", e.PID)
	}
	return fmt.Sprintf("%s is using the saved progress at %s; finish or quit it first (two at once would overwrite each other's progress), or give this one its own state directory with XDG_STATE_HOME", who, e.Path)
}

// lockPath is the lock file beside the progress file.
func (st Store) lockPath() string { return st.Path + ".lock" }

// Lock takes the progress for this process, or returns a *LockedError naming
// the process that has it. It also removes the temporary files of saves that
// never finished (a process killed mid-save): with the lock held, no other
// process can be writing one.
func (st Store) Lock() (*Lock, error) {
	dir := filepath.Dir(st.Path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("saved progress: %w", err)
	}
	f, err := os.OpenFile(st.lockPath(), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("locking saved progress: %w", err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		if errors.Is(err, errLocked) {
			return nil, &LockedError{Path: st.Path, PID: readPID(st.lockPath())}
		}
		if errors.Is(err, errNoLocks) {
			return &Lock{}, nil
		}
		return nil, fmt.Errorf("locking saved progress: %w", err)
	}
	// Say who holds it, for the message a second process shows.
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	st.removeStaleTemps()
	return &Lock{f: f}, nil
}

// Unlock releases the progress. It is safe on a nil Lock and more than once.
func (l *Lock) Unlock() {
	if l == nil || l.f == nil {
		return
	}
	_ = l.f.Truncate(0)
	_ = unlockFile(l.f)
	l.f.Close()
	l.f = nil
}

// readPID reads the holder's process ID from a lock file (0 if there is none
// yet: the holder has not written it).
func readPID(path string) int {
	b, err := os.ReadFile(path)
	if err != nil || len(b) > 32 {
		return 0
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || n <= 0 {
		return 0
	}
	return n
}

// removeStaleTemps removes .progress-*.tmp files left by saves that did not
// finish. Only the lock holder calls it.
func (st Store) removeStaleTemps() {
	matches, _ := filepath.Glob(filepath.Join(filepath.Dir(st.Path), ".progress-*.tmp"))
	for _, m := range matches {
		if info, err := os.Lstat(m); err == nil && info.Mode().IsRegular() {
			_ = os.Remove(m)
		}
	}
}

var (
	errLocked  = errors.New("locked by another process")
	errNoLocks = errors.New("the file system does not lock files")
)
