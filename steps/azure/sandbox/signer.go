package sandbox

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"strings"
	"sync"
)

// The token signing key is RSA-2048, as Entra's. Generating one costs 50-100 ms, more
// than a whole Start may take, so one key is made per process, in the background from
// the first Start, and shared by every tenant: each tenant only accepts tokens carrying
// its own tenant ID, so sharing a key lets no token cross tenants.
var (
	signingOnce sync.Once
	signingDone = make(chan struct{})
	signingKey  *rsa.PrivateKey
	signingKID  string
	signingErr  error
	// Made once with the key: the token header, base64url-encoded, and the key set's
	// JSON. Neither changes per request, so no request marshals them again.
	signingHdr string
	jwksBody   []byte
)

func warmSigningKey() {
	signingOnce.Do(func() {
		go func() {
			defer close(signingDone)
			signingKey, signingErr = rsa.GenerateKey(rand.Reader, 2048)
			if signingErr == nil {
				der, _ := x509.MarshalPKIXPublicKey(&signingKey.PublicKey)
				sum := sha256.Sum256(der)
				signingKID = b64(sum[:20])
				// Field order as json.Marshal of a map gives (sorted), as before.
				hdr, _ := json.Marshal(struct {
					Alg string `json:"alg"`
					Kid string `json:"kid"`
					Typ string `json:"typ"`
					X5t string `json:"x5t"`
				}{"RS256", signingKID, "JWT", signingKID})
				signingHdr = b64(hdr)
				set := map[string]any{"keys": []map[string]any{{
					"kty": "RSA", "use": "sig", "alg": "RS256", "kid": signingKID, "x5t": signingKID,
					"n": b64(signingKey.N.Bytes()),
					"e": b64(big.NewInt(int64(signingKey.E)).Bytes()),
				}}}
				var buf bytes.Buffer
				enc := json.NewEncoder(&buf)
				enc.SetEscapeHTML(false)
				_ = enc.Encode(set)
				jwksBody = buf.Bytes()
			}
		}()
	})
}

func key() (*rsa.PrivateKey, string, error) {
	warmSigningKey()
	<-signingDone
	return signingKey, signingKID, signingErr
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// claims are the access token claims Entra puts in an app-only v1 token, the kind ARM and
// Key Vault receive for client credentials.
type claims struct {
	Aud      string   `json:"aud"`
	Iss      string   `json:"iss"`
	Iat      int64    `json:"iat"`
	Nbf      int64    `json:"nbf"`
	Exp      int64    `json:"exp"`
	AppID    string   `json:"appid"`
	AppIDAcr string   `json:"appidacr"`
	Azp      string   `json:"azp"`
	IDType   string   `json:"idtyp"`
	OID      string   `json:"oid"`
	Sub      string   `json:"sub"`
	TID      string   `json:"tid"`
	Ver      string   `json:"ver"`
	XmsCC    []string `json:"xms_cc,omitempty"`
	Roles    []string `json:"roles,omitempty"` // app roles of the resource: Graph application permissions
}

func signToken(c *claims) (string, error) {
	k, _, err := key()
	if err != nil {
		return "", err
	}
	body, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	signing := signingHdr + "." + b64(body)
	sum := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(nil, k, crypto.SHA256, sum[:])
	if err != nil {
		return "", err
	}
	return signing + "." + b64(sig), nil
}

var errBadToken = errors.New("malformed or unsigned token")

// verifyToken checks the format and RS256 signature against the published key and
// returns the claims. Lifetime, audience and tenant are the caller's business, because
// ARM and Key Vault answer each failure differently.
func verifyToken(raw string) (*claims, error) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 || len(raw) > 16<<10 {
		return nil, errBadToken
	}
	k, kid, err := key()
	if err != nil {
		return nil, errBadToken
	}
	if parts[0] != signingHdr { // a header of our own making is known; others are read
		hdrJSON, err := base64.RawURLEncoding.DecodeString(parts[0])
		if err != nil {
			return nil, errBadToken
		}
		var hdr struct{ Alg, Kid string }
		if json.Unmarshal(hdrJSON, &hdr) != nil || hdr.Alg != "RS256" || hdr.Kid != kid {
			return nil, errBadToken
		}
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return nil, errBadToken
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(&k.PublicKey, crypto.SHA256, sum[:], sig) != nil {
		return nil, errBadToken
	}
	body, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, errBadToken
	}
	var c claims
	if json.Unmarshal(body, &c) != nil {
		return nil, errBadToken
	}
	return &c, nil
}

// jwks is the key set published at the tenant's jwks_uri, as JSON made once.
func jwks() ([]byte, error) {
	if _, _, err := key(); err != nil {
		return nil, err
	}
	return jwksBody, nil
}
