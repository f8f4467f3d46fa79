package room

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"strings"
)

// JoinScheme starts every join string: kvbridge://HOST:PORT/CODE/PIN. It has no
// character a shell treats specially, so it can be pasted unquoted.
const JoinScheme = "kvbridge://"

// Join is what a trainee needs to reach a room: its address, the join code and the pin
// (the room CA certificate's fingerprint, which the trainee's kvbridge trusts instead of
// any installed CA).
type Join struct {
	Addr string // host:port
	Code string // normalised: lower case, groups of four joined by '-'
	Pin  []byte // PinBytes bytes
}

// String is the join string.
func (j Join) String() string {
	return JoinScheme + j.Addr + "/" + j.Code + "/" + PinString(j.Pin)
}

// URL is the room's base URL.
func (j Join) URL() string { return "https://" + j.Addr }

// PinBytes is the pin's length: the first 128 bits of the certificate's SHA-256. Forging
// a CA certificate with a given 128-bit fingerprint is a second preimage, out of reach;
// the shorter pin keeps a LAN join string within 80 columns, so it can be read off a
// projector and copied from a terminal whole.
const PinBytes = 16

// PinString formats a pin: unpadded base64url, 22 characters.
func PinString(pin []byte) string { return base64.RawURLEncoding.EncodeToString(pin) }

// Fingerprint is the pin of a certificate (its DER).
func Fingerprint(der []byte) []byte {
	s := sha256.Sum256(der)
	return s[:PinBytes]
}

var codeAlphabet = base32.NewEncoding("abcdefghijkmnpqrstuvwxyz23456789").WithPadding(base32.NoPadding)

// codeBits is the join code's entropy: 80 bits, 16 characters.
const codeBits = 80

// newCode makes a join code: 80 random bits as four groups of four characters from an
// alphabet without look-alikes (no l, o, 0, 1), so it can also be read out.
func newCode() string {
	b := make([]byte, codeBits/8)
	if _, err := rand.Read(b); err != nil {
		panic("room: no randomness: " + err.Error())
	}
	return groupCode(codeAlphabet.EncodeToString(b))
}

func groupCode(s string) string {
	var parts []string
	for len(s) > 4 {
		parts = append(parts, s[:4])
		s = s[4:]
	}
	return strings.Join(append(parts, s), "-")
}

// normCode puts a typed code in canonical form (case and dashes do not matter), or
// says what is wrong with it.
func normCode(s string) (string, error) {
	s = strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), "-", ""))
	if len(s) != codeBits/5 {
		return "", fmt.Errorf("the join code has %d characters, not %d", len(s), codeBits/5)
	}
	if _, err := codeAlphabet.DecodeString(s); err != nil {
		return "", errors.New("the join code has characters a code never has")
	}
	return groupCode(s), nil
}

// ParseJoin reads a join string as `room serve` prints it. Its errors say which part is
// wrong, so a trainee who copied half of it knows.
func ParseJoin(s string) (Join, error) {
	s = strings.TrimSpace(s)
	const help = "a join string looks like kvbridge://192.168.1.20:8443/abcd-efgh-ijkm-npqr/<pin>; ask the trainer for it again"
	rest, ok := strings.CutPrefix(s, JoinScheme)
	if !ok {
		return Join{}, fmt.Errorf("not a join string (it must start with %s): %s", JoinScheme, help)
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 3 {
		return Join{}, fmt.Errorf("the join string must have an address, a code and a pin separated by '/': %s", help)
	}
	host, port, err := net.SplitHostPort(parts[0])
	if err != nil || host == "" || port == "" {
		return Join{}, fmt.Errorf("the join string's address %q is not HOST:PORT: %s", parts[0], help)
	}
	code, err := normCode(parts[1])
	if err != nil {
		return Join{}, fmt.Errorf("%v: %s", err, help)
	}
	pin, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || len(pin) != PinBytes {
		return Join{}, fmt.Errorf("the join string's pin is not a certificate fingerprint (22 characters): %s", help)
	}
	return Join{Addr: net.JoinHostPort(host, port), Code: code, Pin: pin}, nil
}
