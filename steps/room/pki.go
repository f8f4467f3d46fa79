package room

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/kvbridge/kvbridge/internal/devca"
)

// The Azure host names the seats' tenants answer for; the room's server certificate
// covers them next to the room's own addresses.
var azureHosts = []string{"login.microsoftonline.com", "management.azure.com", "management.core.windows.net", "graph.microsoft.com", "*.vault.azure.net"}

// The room's CA is made once per room and kept in the state file, so the pin in a
// join string stays valid across restarts; its server certificate is issued at every
// start, so a changed address only needs a restart.
const caLife = 90 * 24 * time.Hour

func loadCA(certPEM, keyPEM string) (*devca.CA, error) {
	c, err := devca.Load(certPEM, keyPEM)
	if err != nil {
		return nil, fmt.Errorf("the room CA in the state file: %w", err)
	}
	return c, nil
}

// serverCert covers the addresses the room serves and the Azure host names of the seats'
// tenants.
func serverCert(c *devca.CA, now time.Time, ips []net.IP, names []string) (tls.Certificate, error) {
	return c.Issue("kvbridge room", append(append([]string{"localhost"}, names...), azureHosts...), ips, now, c.Cert.NotAfter)
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
