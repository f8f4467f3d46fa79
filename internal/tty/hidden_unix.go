//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package tty

import (
	"io"

	"golang.org/x/sys/unix"
)

// readHidden reads one line from the terminal fd with echo off, as
// term.ReadPassword does, but ends on ctrl+d: ReadPassword reads the terminal
// with a raw read(2) and takes its 0 bytes at end of input for "nothing yet",
// spinning forever. Signals stay on (ctrl+c sends SIGINT), and the terminal's
// modes are put back on return.
func readHidden(fd int) ([]byte, error) {
	old, err := unix.IoctlGetTermios(fd, ioctlGetTermios)
	if err != nil {
		return nil, err
	}
	t := *old
	t.Lflag &^= unix.ECHO
	t.Lflag |= unix.ICANON | unix.ISIG
	t.Iflag |= unix.ICRNL
	if err := unix.IoctlSetTermios(fd, ioctlSetTermios, &t); err != nil {
		return nil, err
	}
	defer unix.IoctlSetTermios(fd, ioctlSetTermios, old)
	var line []byte
	buf := make([]byte, 256)
	for {
		n, err := unix.Read(fd, buf)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, err
		}
		if n == 0 { // ctrl+d on an empty line, or the terminal hung up
			if len(line) == 0 {
				return nil, io.EOF
			}
			return line, nil
		}
		for _, c := range buf[:n] {
			if c == '\n' {
				return line, nil
			}
			line = append(line, c)
		}
		if len(line) > MaxLine { // a paste gone wrong; refused by the caller
			return line, nil
		}
	}
}
