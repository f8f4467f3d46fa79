package delinea_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kvbridge/kvbridge/steps/azure/sandbox"
	"github.com/kvbridge/kvbridge/steps/delinea"
)

// These tests run the client against the practice Secret Server over real HTTPS.

func practice(t *testing.T, opts sandbox.Options) (*sandbox.Tenant, sandbox.Info) {
	t.Helper()
	if opts.Scenario == "" {
		opts.Scenario = "healthy"
	}
	ten, err := sandbox.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ten.Close() })
	return ten, ten.Info()
}

func client(t *testing.T, ten *sandbox.Tenant, cfg delinea.Config) *delinea.Client {
	t.Helper()
	in := ten.Info()
	if cfg.URL == "" {
		cfg.URL = in.DelineaURL
	}
	if cfg.Username == "" {
		cfg.Username, cfg.Password = in.DelineaUsername, in.DelineaPassword
	}
	if cfg.HTTPClient == nil && cfg.ExtraCAPEM == nil {
		cfg.HTTPClient = ten.HTTPClient()
	}
	c, err := delinea.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

func wantKind(t *testing.T, err error, k delinea.Kind) *delinea.Error {
	t.Helper()
	var e *delinea.Error
	if !errors.As(err, &e) || e.Kind != k {
		t.Fatalf("error %v, want kind %s", err, k)
	}
	return e
}

// The credential secret read by ID, its template found by name and its fields matched
// by the template's field names: the values are the scenario's, and print hidden.
func TestReadCredentialSecretByIDAndTemplateByName(t *testing.T) {
	for _, w := range []sandbox.Wiring{sandbox.Loopback, sandbox.Hostnames} {
		t.Run(w.String(), func(t *testing.T) {
			ten, in := practice(t, sandbox.Options{Wiring: w})
			c := client(t, ten, delinea.Config{})
			s, err := c.Secret(ctx(t), in.CredentialSecretID)
			if err != nil {
				t.Fatal(err)
			}
			tpl, err := c.FindTemplate(ctx(t), "azure app registration")
			if err != nil {
				t.Fatal(err)
			}
			if tpl.ID != s.TemplateID || s.TemplateName != "Azure App Registration" {
				t.Fatalf("template %d %q, secret's %d %q", tpl.ID, tpl.Name, s.TemplateID, s.TemplateName)
			}
			want := map[string]string{"Tenant ID": in.TenantID, "Client ID": in.ClientID, "Client Secret": in.ClientSecret}
			for name, v := range want {
				f, ok := tpl.FieldByName(name)
				if !ok {
					t.Fatalf("template has no field %q", name)
				}
				item, ok := s.FieldBySlug(f.Slug)
				if !ok || item.Value.Reveal() != v {
					t.Errorf("%s: slug %q item %v ok=%v", name, f.Slug, item.FieldName, ok)
				}
				if name == "Client Secret" && !f.IsPassword {
					t.Errorf("Client Secret is not a password field")
				}
			}
			// Nothing prints a value.
			for _, out := range []string{fmt.Sprint(s), fmt.Sprintf("%+v", s), fmt.Sprintf("%#v", s.Items), fmt.Sprintf("%q", s.Items[2].Value)} {
				if strings.Contains(out, in.ClientSecret) {
					t.Fatalf("a value printed: %s", out)
				}
			}
			if b, _ := json.Marshal(s); strings.Contains(string(b), in.ClientSecret) {
				t.Fatal("a value in JSON")
			}
			// A second template lookup is answered from memory.
			n := len(ten.Requests())
			if _, err := c.FindTemplate(ctx(t), "Azure App Registration"); err != nil || len(ten.Requests()) != n {
				t.Errorf("second FindTemplate: err %v, %d new requests", err, len(ten.Requests())-n)
			}
		})
	}
}

func TestFindSecretByName(t *testing.T) {
	ten, in := practice(t, sandbox.Options{Wiring: sandbox.Hostnames})
	c := client(t, ten, delinea.Config{})
	ref, err := delinea.ParseRef(in.MappedSecretName)
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.SecretByRef(ctx(t), ref)
	if err != nil {
		t.Fatal(err)
	}
	pw, ok := s.FieldByName("Password")
	user, _ := s.FieldBySlug("username")
	if s.ID != in.MappedSecretID || !ok || pw.Value.Reveal() != in.SecretValue || user.Value.Reveal() != "vmadmin" || !pw.IsPassword || pw.Slug != "password" {
		t.Fatalf("secret %d, password ok=%v", s.ID, ok)
	}
	_, err = c.SecretByRef(ctx(t), delinea.Ref{Name: "No such secret"})
	wantKind(t, err, delinea.KindNotFound)
}

func TestRefusals(t *testing.T) {
	ten, in := practice(t, sandbox.Options{Wiring: sandbox.Hostnames})
	c := client(t, ten, delinea.Config{})
	_, err := c.Secret(ctx(t), 9999)
	wantKind(t, err, delinea.KindNotFound)
	hidden, err := c.FindSecretID(ctx(t), "HR Payroll Database")
	wantKind(t, err, delinea.KindNotFound) // a secret the user may not view is not in its search
	_ = hidden
	_, err = c.Secret(ctx(t), in.MappedSecretID+2) // HR Payroll Database by ID
	wantKind(t, err, delinea.KindForbidden)
	for _, r := range []string{"comment", "checkout", "double-lock"} {
		if err := ten.SetSecretRestriction(in.MappedSecretID, r); err != nil {
			t.Fatal(err)
		}
		_, err = c.Secret(ctx(t), in.MappedSecretID)
		if e := wantKind(t, err, delinea.KindRestricted); e.Restriction != r {
			t.Errorf("restriction %q, want %q", e.Restriction, r)
		}
	}
	// A restricted secret is found by name (the search includes restricted ones) but
	// not opened: kvbridge never posts the comment or checks it out.
	id, err := c.FindSecretID(ctx(t), "Break-glass Domain Admin")
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Secret(ctx(t), id)
	wantKind(t, err, delinea.KindRestricted)
	for _, r := range ten.Requests() {
		if r.Service == "delinea" && strings.HasPrefix(r.Path, "/api/") && r.Method != "GET" {
			t.Errorf("kvbridge wrote to Secret Server: %s %s", r.Method, r.Path)
		}
		if strings.Contains(strings.ToLower(r.Path), "external") || strings.Contains(r.Path, "/restricted") {
			t.Errorf("an undocumented or forcing route was called: %s", r.Path)
		}
	}
}

func TestSignInFailures(t *testing.T) {
	ten, in := practice(t, sandbox.Options{Wiring: sandbox.Hostnames})
	_, err := client(t, ten, delinea.Config{Username: in.DelineaUsername, Password: "wrong-password"}).Secret(ctx(t), in.CredentialSecretID)
	e := wantKind(t, err, delinea.KindBadCredentials)
	if strings.Contains(e.Error(), "wrong-password") {
		t.Fatal("the password is in the error")
	}
	// The domain goes with the form: the AD account signs in with it, not without.
	_, err = client(t, ten, delinea.Config{Username: in.DelineaDomainUsername, Password: in.DelineaDomainPassword}).Secret(ctx(t), in.CredentialSecretID)
	wantKind(t, err, delinea.KindBadCredentials)
	if _, err := client(t, ten, delinea.Config{Username: in.DelineaDomainUsername, Password: in.DelineaDomainPassword, Domain: in.DelineaDomain}).Secret(ctx(t), in.CredentialSecretID); err != nil {
		t.Fatal(err)
	}

	// One-time code: none asked, a wrong one, the right one (asked only when needed).
	otp := delinea.Config{Username: in.DelineaOTPUsername, Password: in.DelineaOTPPassword}
	wantKind(t, client(t, ten, otp).SignIn(ctx(t)), delinea.KindOTPNeeded)
	otp.OTP = func(context.Context) (string, error) { return "000000x", nil }
	e = wantKind(t, client(t, ten, otp).SignIn(ctx(t)), delinea.KindOTPNeeded)
	if !strings.Contains(e.Message, "refused") {
		t.Errorf("message %q should say the code was refused", e.Message)
	}
	asked := 0
	otp.OTP = func(context.Context) (string, error) { asked++; return in.DelineaOTP, nil }
	if err := client(t, ten, otp).SignIn(ctx(t)); err != nil || asked != 1 {
		t.Fatalf("sign-in with the code: %v (asked %d times)", err, asked)
	}
	if _, err := client(t, ten, delinea.Config{}).Secret(ctx(t), in.CredentialSecretID); err != nil {
		t.Fatal(err)
	}
	for _, r := range ten.Requests() {
		if r.Service == "delinea" && r.Status >= 500 {
			t.Errorf("server error %+v", r)
		}
	}
}

func TestDisabledAPIAnswersHTML(t *testing.T) {
	ten, in := practice(t, sandbox.Options{Wiring: sandbox.Hostnames})
	c := client(t, ten, delinea.Config{})
	if err := c.SignIn(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if err := ten.SetDelineaAPIEnabled(false); err != nil {
		t.Fatal(err)
	}
	_, err := c.Secret(ctx(t), in.CredentialSecretID)
	if e := wantKind(t, err, delinea.KindAPIDisabled); e.HTTPStatus != 200 {
		t.Errorf("status %d: the trap is an HTML page with 200", e.HTTPStatus)
	}
	wantKind(t, client(t, ten, delinea.Config{}).SignIn(ctx(t)), delinea.KindAPIDisabled)
	ok, err := c.Health(ctx(t))
	wantKind(t, err, delinea.KindAPIDisabled)
	if ok {
		t.Error("healthy while disabled")
	}
	_ = ten.SetDelineaAPIEnabled(true)
	if ok, err := c.Health(ctx(t)); !ok || err != nil {
		t.Errorf("health %v %v", ok, err)
	}
}

func TestThrottled(t *testing.T) {
	ten, _ := practice(t, sandbox.Options{Wiring: sandbox.Hostnames})
	ten.SetDelineaThrottling(true)
	start := time.Now()
	wantKind(t, client(t, ten, delinea.Config{}).SignIn(ctx(t)), delinea.KindThrottled)
	if time.Since(start) > 2*time.Second {
		t.Error("a 30 s Retry-After was waited for")
	}
}

// The token lives in memory and is reused; near expiry it is refreshed (refresh token,
// used once), without refresh tokens the client signs in again, and a token the server
// no longer accepts (401) makes it sign in again once.
func TestTokenLifecycle(t *testing.T) {
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	ten, in := practice(t, sandbox.Options{Wiring: sandbox.Hostnames, Now: clock})
	c := client(t, ten, delinea.Config{Now: clock})
	grants := func() (pw, refresh int) {
		for _, r := range ten.Requests() {
			if r.Path == "/oauth2/token" && r.Status == 200 {
				pw++
			}
		}
		return
	}
	read := func() {
		t.Helper()
		if _, err := c.Secret(ctx(t), in.CredentialSecretID); err != nil {
			t.Fatal(err)
		}
	}
	read()
	read()
	if n, _ := grants(); n != 1 {
		t.Fatalf("%d token grants for two reads, want 1", n)
	}
	advance(19 * time.Minute) // within the last tenth of 20 minutes: refresh
	read()
	if n, _ := grants(); n != 2 {
		t.Fatalf("%d grants after expiry, want 2 (a refresh)", n)
	}
	if err := ten.SetDelineaTokenLifetime(60, false); err != nil {
		t.Fatal(err)
	}
	advance(25 * time.Minute)
	read() // the refresh token has expired too: sign in again
	advance(2 * time.Minute)
	read() // no refresh token now: sign in again
	if n, _ := grants(); n != 4 {
		t.Fatalf("%d grants, want 4", n)
	}
	// The server forgets tokens (a restart): 401, one new sign-in, the read succeeds.
	ten2, err := sandbox.Start(sandbox.Options{Wiring: sandbox.Hostnames})
	if err != nil {
		t.Fatal(err)
	}
	defer ten2.Close()
	in2 := ten2.Info()
	c2 := client(t, ten2, delinea.Config{})
	if _, err := c2.Secret(ctx(t), in2.CredentialSecretID); err != nil {
		t.Fatal(err)
	}
	if err := ten2.SetDelineaTokenLifetime(1, false); err != nil {
		t.Fatal(err)
	}
	if err := c2.SignIn(ctx(t)); err != nil { // a 1-second token the client still holds
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond)
	if _, err := c2.Secret(ctx(t), in2.CredentialSecretID); err != nil {
		t.Fatalf("after the server dropped the token: %v", err)
	}
}

func TestPlatformThroughVaultBroker(t *testing.T) {
	ten, in := practice(t, sandbox.Options{Wiring: sandbox.Hostnames})
	c := client(t, ten, delinea.Config{URL: in.DelineaPlatformURL, Platform: true, Username: in.DelineaPlatformClientID, Password: in.DelineaPlatformSecret})
	s, err := c.Secret(ctx(t), in.CredentialSecretID)
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseURL() != in.DelineaURL || s.ID != in.CredentialSecretID {
		t.Fatalf("base %q", c.BaseURL())
	}
	// A Platform service user is not a Secret Server local user.
	bad := client(t, ten, delinea.Config{Username: in.DelineaPlatformClientID, Password: in.DelineaPlatformSecret})
	wantKind(t, bad.SignIn(ctx(t)), delinea.KindBadCredentials)
	paths := map[string]bool{}
	for _, r := range ten.Requests() {
		paths[r.Path] = true
	}
	if !paths["/platform/identity/api/oauth2/token/xpmplatform"] || !paths["/platform/vaultbroker/api/vaults"] {
		t.Fatalf("paths %v", paths)
	}
}

func TestTimeoutAndCancel(t *testing.T) {
	ten, in := practice(t, sandbox.Options{Wiring: sandbox.Hostnames, Latency: 400 * time.Millisecond})
	c := client(t, ten, delinea.Config{Timeout: 100 * time.Millisecond})
	start := time.Now()
	wantKind(t, c.SignIn(ctx(t)), delinea.KindTimeout)
	if d := time.Since(start); d > 350*time.Millisecond {
		t.Errorf("took %v with a 100 ms timeout", d)
	}
	c2 := client(t, ten, delinea.Config{})
	cx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	_, err := c2.Secret(cx, in.CredentialSecretID)
	e := wantKind(t, err, delinea.KindTimeout)
	if !errors.Is(e, context.Canceled) {
		t.Errorf("%v does not unwrap to context.Canceled", e)
	}
}

// TLS with the same extra-CA option as the Azure side: without the practice CA the
// certificate is untrusted (and says so); with it, the call goes through.
func TestTLSExtraCA(t *testing.T) {
	ten, in := practice(t, sandbox.Options{Wiring: sandbox.Loopback})
	bare, err := delinea.New(delinea.Config{URL: in.DelineaURL, Username: in.DelineaUsername, Password: in.DelineaPassword})
	if err != nil {
		t.Fatal(err)
	}
	if e := wantKind(t, bare.SignIn(ctx(t)), delinea.KindTLS); e.TLSProblem != "untrusted" {
		t.Errorf("TLS problem %q", e.TLSProblem)
	}
	withCA := client(t, ten, delinea.Config{ExtraCAPEM: in.CAPEM})
	if _, err := withCA.Secret(ctx(t), in.CredentialSecretID); err != nil {
		t.Fatal(err)
	}
	ten.Close()
	wantKind(t, withCA.SignIn(ctx(t)), delinea.KindUnreachable)
}
