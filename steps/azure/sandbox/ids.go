package sandbox

import (
	"crypto/rand"
	"encoding/hex"
	"regexp"

	"github.com/google/uuid"
)

var guidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func isGUID(s string) bool { return guidRE.MatchString(s) }

func newGUID() string { return uuid.NewString() }

// newVersion returns a Key Vault object version: 32 lower-case hex characters.
func newVersion() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}

const secretAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-~"

// newClientSecretValue mimics the shape of an Entra client secret: 40 characters with
// "Q~" after the first four, as the portal shows them. Only the shape is imitated.
func newClientSecretValue() string {
	b := []byte(randomString(40, secretAlphabet))
	b[3] = "0123456789"[int(b[3])%10]
	b[4], b[5] = 'Q', '~'
	return string(b)
}

// newPassword makes the example vault secret's value.
func newPassword() string {
	return randomString(20, "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789!#%+=")
}

func randomString(n int, alphabet string) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
