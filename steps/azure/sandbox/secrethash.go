package sandbox

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"strings"
)

// hashSecret returns "sha256$SALT$HASH" (hex) for a client secret value. A practice
// secret is random and 40 characters long, so one salted SHA-256 is enough to keep it
// from being read out of a save file; it is not a password store.
func hashSecret(v string) string {
	var salt [16]byte
	_, _ = rand.Read(salt[:])
	return "sha256$" + hex.EncodeToString(salt[:]) + "$" + digest(salt[:], v)
}

func digest(salt []byte, v string) string {
	h := sha256.New()
	h.Write(salt)
	h.Write([]byte(v))
	return hex.EncodeToString(h.Sum(nil))
}

func validSecretHash(s string) bool {
	p := strings.Split(s, "$")
	if len(p) != 3 || p[0] != "sha256" || len(p[1]) != 32 || len(p[2]) != 64 {
		return false
	}
	_, e1 := hex.DecodeString(p[1])
	_, e2 := hex.DecodeString(p[2])
	return e1 == nil && e2 == nil
}

// matches reports, in constant time, whether v is this secret's value.
func (s *clientSecret) matches(v string) bool {
	p := strings.Split(s.Hash, "$")
	if len(p) != 3 {
		return false
	}
	salt, err := hex.DecodeString(p[1])
	if err != nil {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(digest(salt, v)), []byte(p[2])) == 1
}
