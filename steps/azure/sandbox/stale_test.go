package sandbox

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// A serve killed with SIGKILL leaves its folder (CA, answer key); the next
// serve removes it, and leaves a live process's folder and anything else.
func TestStaleServeDirsAreRemoved(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("process IDs checked with signals")
	}
	tmp := t.TempDir()
	dead := exec.Command(os.Args[0], "-test.run=^$")
	must(t, dead.Run()) // a process that has ended: its ID is free
	mk := func(name string) string {
		p := filepath.Join(tmp, name)
		must(t, os.MkdirAll(p, 0o700))
		must(t, os.WriteFile(filepath.Join(p, "ca.pem"), []byte("x"), 0o644))
		return p
	}
	stale := mk(fmt.Sprintf("kvbridge-sandbox-%d-123", dead.Process.Pid))
	live := mk(fmt.Sprintf("kvbridge-sandbox-%d-456", os.Getppid()))
	old := mk("kvbridge-sandbox-789") // no process ID: an older kvbridge's, left alone
	other := mk("unrelated-1-2")
	removeStaleServeDirs(tmp)
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the dead process's folder is still there: %v", err)
	}
	for _, p := range []string{live, old, other} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s was removed: %v", p, err)
		}
	}
}
