//go:build !unix

package sandbox

import (
	"io/fs"
	"os"
)

// processAlive: os.FindProcess opens the process on Windows and fails when
// there is none; elsewhere nothing is known, so the folder is kept.
func processAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	p.Release()
	return true
}

// ownedByMe: the user's temporary folder is the user's own on Windows.
func ownedByMe(fs.FileInfo) bool { return true }
