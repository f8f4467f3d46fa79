//go:build !unix && !windows

package steps

import "os"

// Without file locks (js, wasip1, plan9) there is one process anyway.
func lockFile(*os.File) error   { return nil }
func unlockFile(*os.File) error { return nil }
