//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package tty

import "golang.org/x/term"

// readHidden is term.ReadPassword where the terminal is not a Unix one.
func readHidden(fd int) ([]byte, error) { return term.ReadPassword(fd) }
