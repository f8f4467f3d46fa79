package sandbox

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"time"

	"github.com/kvbridge/kvbridge/internal/devca"
)

// Host names the Hostnames wiring answers for; the leaf certificate covers all of them
// and the loopback addresses, so one certificate serves both wirings.
const (
	loginHost = "login.microsoftonline.com"
	armHost   = "management.azure.com"
	vaultZone = "vault.azure.net"
)

type pki struct {
	caPEM []byte
	pool  *x509.CertPool
	leaf  tls.Certificate
}

// newPKI makes a throwaway CA and one server certificate, both for 30 days.
func newPKI(now time.Time) (*pki, error) {
	ca, err := devca.New("kvbridge practice tenant CA", "kvbridge sandbox", now, 30*24*time.Hour)
	if err != nil {
		return nil, err
	}
	leaf, err := ca.Issue(loginHost,
		[]string{loginHost, armHost, "management.core.windows.net", graphHost, "*." + vaultZone, dsHost, "localhost"},
		[]net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}, now, ca.Cert.NotAfter)
	if err != nil {
		return nil, err
	}
	return &pki{caPEM: ca.CertPEM(), pool: ca.Pool(), leaf: leaf}, nil
}
