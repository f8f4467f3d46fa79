package devca

import (
	"crypto/x509"
	"net"
	"strings"
	"testing"
	"time"
)

// A certificate the CA issues verifies against the CA alone, for its names and
// addresses and for nothing else; a CA written out and read back is the same CA.
func TestIssueVerifiesAndRoundTrips(t *testing.T) {
	now := time.Now()
	ca, err := New("test CA", "kvbridge test", now, 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := ca.Issue("srv", []string{"login.microsoftonline.com", "*.vault.azure.net"}, []net.IP{net.IPv4(127, 0, 0, 1)}, now, ca.Cert.NotAfter)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(leaf.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"login.microsoftonline.com", "kv1.vault.azure.net", "127.0.0.1"} {
		if _, err := cert.Verify(x509.VerifyOptions{Roots: ca.Pool(), DNSName: name}); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := cert.Verify(x509.VerifyOptions{Roots: ca.Pool(), DNSName: "example.com"}); err == nil {
		t.Error("verified for a name it does not carry")
	}
	other, _ := New("other", "x", now, time.Hour)
	if _, err := cert.Verify(x509.VerifyOptions{Roots: other.Pool(), DNSName: "127.0.0.1"}); err == nil {
		t.Error("verified against another CA")
	}

	keyPEM, err := ca.KeyPEM()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Load(string(ca.CertPEM()), string(keyPEM))
	if err != nil || !back.Cert.Equal(ca.Cert) || !back.Key.Equal(ca.Key) {
		t.Fatalf("round trip: %v", err)
	}
	otherKey, _ := other.KeyPEM()
	if _, err := Load(string(ca.CertPEM()), string(otherKey)); err == nil || !strings.Contains(err.Error(), "does not belong") {
		t.Errorf("a foreign key was accepted: %v", err)
	}
	if _, err := Load("junk", "junk"); err == nil {
		t.Error("junk was accepted")
	}
}
