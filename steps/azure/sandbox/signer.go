package sandbox

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
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
	// The key set's JSON, made once with the key: it never changes, so no
	// request marshals it again.
	jwksBody []byte
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

// The claims as golang-jwt reads them. Their validation (lifetime, audience,
// issuer) is left to the caller, which answers each failure as ARM, Key Vault
// or Graph would, so these only report the values.
func (c *claims) GetExpirationTime() (*jwt.NumericDate, error) { return unix(c.Exp), nil }
func (c *claims) GetIssuedAt() (*jwt.NumericDate, error)       { return unix(c.Iat), nil }
func (c *claims) GetNotBefore() (*jwt.NumericDate, error)      { return unix(c.Nbf), nil }
func (c *claims) GetIssuer() (string, error)                   { return c.Iss, nil }
func (c *claims) GetSubject() (string, error)                  { return c.Sub, nil }
func (c *claims) GetAudience() (jwt.ClaimStrings, error)       { return jwt.ClaimStrings{c.Aud}, nil }

func unix(s int64) *jwt.NumericDate {
	if s == 0 {
		return nil
	}
	return jwt.NewNumericDate(time.Unix(s, 0))
}

// signToken signs an RS256 access token with the process's key, its header
// naming the key (kid, and x5t as Entra's v1 tokens do).
func signToken(c *claims) (string, error) {
	k, kid, err := key()
	if err != nil {
		return "", err
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, c)
	tok.Header["kid"] = kid
	tok.Header["x5t"] = kid
	return tok.SignedString(k)
}

var errBadToken = errors.New("malformed or unsigned token")

// tokenParser accepts RS256 only (so alg "none" and HMAC tricks fail) and
// leaves claim validation to the caller.
var tokenParser = jwt.NewParser(jwt.WithValidMethods([]string{jwt.SigningMethodRS256.Alg()}), jwt.WithoutClaimsValidation())

// verifyToken checks the format and RS256 signature against the published key and
// returns the claims. Lifetime, audience and tenant are the caller's business, because
// ARM and Key Vault answer each failure differently.
func verifyToken(raw string) (*claims, error) {
	if len(raw) > 16<<10 {
		return nil, errBadToken
	}
	k, kid, err := key()
	if err != nil {
		return nil, errBadToken
	}
	var c claims
	_, err = tokenParser.ParseWithClaims(raw, &c, func(t *jwt.Token) (any, error) {
		if h, _ := t.Header["kid"].(string); h != kid {
			return nil, errBadToken
		}
		return &k.PublicKey, nil
	})
	if err != nil {
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
