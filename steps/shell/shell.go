// Package shell quotes values for the commands kvbridge prints for a user to
// paste (az commands in fixes, the environment of a served practice tenant).
// Every value in every printed command passes through Quote, so a name that
// comes from a server or a file (a resource group called rg$(touch x), a
// temporary folder with a space) is one inert word when pasted.
//
// The quoting is for POSIX shells (sh, bash, zsh, and the Azure Cloud Shell's
// bash). PowerShell differs in one case only: inside single quotes it writes
// a quote as two quotes, where POSIX closes the quoted part, escapes the
// quote and opens a new part. Values without a single quote, which covers
// every Azure resource name, ID and URL, are quoted identically for both, so
// the printed commands paste into either.
package shell

import "strings"

// safe reports whether b needs no quoting anywhere in a word: letters,
// digits and punctuation that no POSIX shell (nor PowerShell) treats
// specially there.
func safe(b byte) bool {
	switch {
	case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9':
		return true
	}
	return strings.IndexByte("-_./:,+@%=", b) >= 0
}

// Quote returns s as one word for a POSIX shell: unchanged when every byte is
// safe, otherwise in single quotes (inside which nothing is special), with a
// single quote itself written as '\”. The empty string is ”.
//
// A word starting with '=' or '@' is quoted too: zsh expands a leading '='
// (=cmd is the path of cmd) and PowerShell a leading '@' (splatting).
func Quote(s string) string {
	if s == "" {
		return "''"
	}
	plain := s[0] != '=' && s[0] != '@'
	for i := 0; plain && i < len(s); i++ {
		plain = safe(s[i])
	}
	if plain {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Join quotes each argument and joins them with spaces: one command line.
func Join(args ...string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = Quote(a)
	}
	return strings.Join(q, " ")
}

// Assign is NAME=value for a POSIX shell (export it, or put it before a
// command); name must be a valid variable name and is not quoted.
func Assign(name, value string) string { return name + "=" + Quote(value) }
