package delinea

import (
	"crypto/sha256"
	"fmt"
	"strconv"
	"strings"
)

// Value is a field's value as Secret Server holds it. Every way of printing it (String,
// GoString, every fmt verb, JSON) shows "[hidden]"; Reveal returns the text for the one
// place that needs it (an Azure credential), Sum256 a digest to compare with.
type Value struct{ s string }

// NewValue wraps a text (the practice tenant and tests build values with it).
func NewValue(s string) Value { return Value{s} }

// Reveal returns the text. Callers must not print, log or save it.
func (v Value) Reveal() string { return v.s }

// Sum256 is the SHA-256 of the text, for comparisons that never show it.
func (v Value) Sum256() [32]byte { return sha256.Sum256([]byte(v.s)) }

// Empty reports whether the value is the empty string.
func (v Value) Empty() bool { return v.s == "" }

// Len is the text's length in bytes.
func (v Value) Len() int { return len(v.s) }

// Shape says what the text looks like without showing it: whitespace at either end,
// whitespace inside, and whether the trimmed text is a GUID.
func (v Value) Shape() Shape {
	t := strings.TrimSpace(v.s)
	sh := Shape{Empty: t == "", LeadingSpace: len(v.s) > 0 && t != "" && strings.TrimLeft(v.s, " \t\r\n\v\f\u00a0") != v.s,
		TrailingSpace: len(v.s) > 0 && t != "" && strings.TrimRight(v.s, " \t\r\n\v\f\u00a0") != v.s, GUID: isGUID(t)}
	sh.InnerSpace = strings.ContainsAny(t, " \t\r\n")
	return sh
}

// Shape is what Value.Shape reports.
type Shape struct {
	Empty, LeadingSpace, TrailingSpace, InnerSpace, GUID bool
}

func (Value) String() string   { return "[hidden]" }
func (Value) GoString() string { return "delinea.Value{[hidden]}" }

// Format makes every verb (%v, %+v, %q, %x, %s) print "[hidden]".
func (Value) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte("[hidden]")) }

// MarshalJSON writes "[hidden]".
func (Value) MarshalJSON() ([]byte, error) { return []byte(strconv.Quote("[hidden]")), nil }

func isGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return false
			}
		}
	}
	return true
}
