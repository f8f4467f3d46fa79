package room

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"time"
)

// The Azure host names the seats' tenants answer for; the room's server certificate
// covers them next to the room's own addresses.
var azureHosts = []string{"login.microsoftonline.com", "management.azure.com", "management.core.windows.net", "graph.microsoft.com", "*.vault.azure.net"}

// ca is the room's certificate authority. It is made once per room and kept in the
// state file, so the pin in a join string stays valid across restarts.
type ca struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

func newCA(now time.Time) (*ca, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "kvbridge room CA", Organization: []string{"kvbridge room"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(90 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &ca{cert: cert, key: key}, nil
}

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 126))
	return n
}

func (c *ca) pemCert() string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.cert.Raw}))
}

func (c *ca) pemKey() (string, error) {
	der, err := x509.MarshalPKCS8PrivateKey(c.key)
	if err != nil {
		return "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), nil
}

func loadCA(certPEM, keyPEM string) (*ca, error) {
	cb, _ := pem.Decode([]byte(certPEM))
	kb, _ := pem.Decode([]byte(keyPEM))
	if cb == nil || kb == nil {
		return nil, errors.New("the room CA in the state file is not PEM")
	}
	cert, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		return nil, fmt.Errorf("the room CA certificate: %w", err)
	}
	k, err := x509.ParsePKCS8PrivateKey(kb.Bytes)
	if err != nil {
		return nil, fmt.Errorf("the room CA key: %w", err)
	}
	key, ok := k.(*ecdsa.PrivateKey)
	if !ok || !key.PublicKey.Equal(cert.PublicKey) {
		return nil, errors.New("the room CA key does not belong to its certificate")
	}
	return &ca{cert: cert, key: key}, nil
}

// leaf issues the server certificate for the addresses the room serves and the Azure
// host names of the seats' tenants. Issued at every start, so a changed address only
// needs a restart.
func (c *ca) leaf(now time.Time, ips []net.IP, names []string) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: "kvbridge room"},
		DNSNames:     append(append([]string{"localhost"}, names...), azureHosts...),
		IPAddresses:  ips,
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     c.cert.NotAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, c.cert, &key.PublicKey, c.key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der, c.cert.Raw}, PrivateKey: key}, nil
}

// ErrPin is the error of a TLS connection whose certificate does not match the pin.
var ErrPin = errors.New("the room's certificate does not match the join string's pin: check the join string with the trainer (a wrong pin, or something between you and the room)")

// PinnedTLS is the client side of the room's trust: it accepts a server only when the
// chain it sends holds a certificate whose SHA-256 is pin and the server certificate
// verifies against that certificate for the name dialled (fallbackName when the
// connection carries none, as with an IP address). No CA is installed anywhere.
func PinnedTLS(pin []byte, fallbackName string) *tls.Config {
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		// The standard verification is replaced, not dropped: VerifyConnection below
		// verifies the chain against the pinned CA alone.
		InsecureSkipVerify: true,
		VerifyConnection: func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return ErrPin
			}
			roots := x509.NewCertPool()
			found := false
			for _, c := range cs.PeerCertificates {
				if bytes.Equal(Fingerprint(c.Raw), pin) {
					roots.AddCert(c)
					found = true
				}
			}
			if !found {
				return ErrPin
			}
			name := cs.ServerName
			if name == "" {
				name = fallbackName
			}
			if _, err := cs.PeerCertificates[0].Verify(x509.VerifyOptions{Roots: roots, DNSName: name}); err != nil {
				return fmt.Errorf("the room's certificate is not valid for %s: %w", name, err)
			}
			return nil
		},
	}
}
