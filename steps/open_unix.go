//go:build unix

package steps

import (
	"os"
	"syscall"
)

// openNoBlock opens for reading with O_NONBLOCK, which makes opening a FIFO
// return at once instead of waiting for a writer; reads of a regular file are
// unaffected.
func openNoBlock(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
