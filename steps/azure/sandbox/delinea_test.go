package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"
)

func init() {
	outcomes["delinea-typo"] = func(t *testing.T, e *env) {
		assertAllPass(t, e) // Azure and the typed values are in order
		cred := e.credentialValues(t)
		if cred["Client ID"] != e.info.ClientID+" " || cred["Tenant ID"] != e.info.TenantID || cred["Client Secret"] != e.info.ClientSecret {
			t.Fatalf("the credential secret should hold the client ID with a trailing space")
		}
		// Delinea's push, with the value as stored, fails.
		if err := e.ten.SaveExampleSecret(); err == nil || !strings.Contains(err.Error(), "AADSTS700016") {
			t.Fatalf("Save with a spaced client ID: %v", err)
		}
	}
	outcomes["value-drift"] = func(t *testing.T, e *env) {
		s, err := e.secretsClient(e.cred()).GetSecret(ctx(t), e.info.SecretName, "", nil)
		must(t, err)
		if *s.Value == e.info.SecretValue || e.exampleValues(t)["Password"] != e.info.SecretValue {
			t.Fatal("the vault should hold the old password, Delinea the new one")
		}
		must(t, e.ten.SaveExampleSecret())
		assertAllPass(t, e)
	}
}

// credentialValues reads the credential secret's values by field name.
func (e *env) credentialValues(t *testing.T) map[string]string {
	return e.delineaValues(t, func(d *delineaState) int { return d.CredentialSecretID })
}

func (e *env) exampleValues(t *testing.T) map[string]string {
	return e.delineaValues(t, func(d *delineaState) int { return d.MappedSecretID })
}

func (e *env) delineaValues(t *testing.T, which func(*delineaState) int) map[string]string {
	t.Helper()
	e.ten.mu.Lock()
	defer e.ten.mu.Unlock()
	d := e.ten.m.Delinea
	s := d.secret(which(d))
	out := map[string]string{}
	for _, f := range d.template(s.TemplateID).Fields {
		out[f.Name] = s.Values[f.Slug]
	}
	return out
}

// Every scenario's credential secret holds the handed-out values (delinea-typo apart),
// and the example secret the synced password and the username vmadmin.
func TestDelineaHoldsTheHandout(t *testing.T) {
	for _, s := range Scenarios() {
		if s.Name == "mystery" {
			continue
		}
		e := start(t, Hostnames, s.Name)
		cred, ex := e.credentialValues(t), e.exampleValues(t)
		wantClient := e.info.ClientID
		if s.Name == "delinea-typo" {
			wantClient += " "
		}
		if cred["Tenant ID"] != e.info.TenantID || cred["Client ID"] != wantClient || cred["Client Secret"] != e.info.ClientSecret {
			t.Errorf("%s: the credential secret does not hold the handout", s.Name)
		}
		if ex["Password"] != e.info.SecretValue || ex["Username"] != "vmadmin" {
			t.Errorf("%s: the example secret does not hold the handout", s.Name)
		}
		switch s.Name {
		case "secret-id-pasted":
			if cred["Client Secret"] != e.info.ClientSecretID {
				t.Errorf("secret-id-pasted: the Client Secret field should hold the secret's ID")
			}
		case "wrong-tenant":
			if e.ten.m.directory(cred["Tenant ID"]) != nil {
				t.Errorf("wrong-tenant: the Tenant ID field names a real directory")
			}
		}
	}
}

func TestDelineaPracticeActions(t *testing.T) {
	e := start(t, Hostnames, "healthy")
	must(t, e.ten.SetExamplePassword("N3w-Passw0rd!"))
	if e.ten.Info().SecretValue != "N3w-Passw0rd!" {
		t.Fatal("the handout should follow what Delinea holds")
	}
	s, err := e.secretsClient(e.cred()).GetSecret(ctx(t), e.info.SecretName, "", nil)
	must(t, err)
	if *s.Value == "N3w-Passw0rd!" {
		t.Fatal("changing the password in Delinea should not sync it")
	}
	must(t, e.ten.SaveExampleSecret())
	s, err = e.secretsClient(e.cred()).GetSecret(ctx(t), e.info.SecretName, "", nil)
	must(t, err)
	if *s.Value != "N3w-Passw0rd!" || *s.Tags["username"] != "vmadmin" {
		t.Fatal("Save should push the password and the username tag")
	}
	// A broken credential secret makes the push fail and write nothing.
	must(t, e.ten.SetCredentialField("Client Secret", e.info.ClientSecretID))
	must(t, e.ten.SetExamplePassword("Other-Passw0rd!"))
	if err := e.ten.SaveExampleSecret(); err == nil {
		t.Fatal("Save with the secret's ID as Client Secret should fail")
	}
	if err := e.ten.SetCredentialField("Application ID", "x"); err == nil {
		t.Fatal("an unknown field should be refused")
	}
	must(t, e.ten.SetCredentialField("Client Secret", e.info.ClientSecret))
	must(t, e.ten.SaveExampleSecret())
	// Without setSecret (Secrets User), the push fails as Delinea's would.
	e2 := start(t, Hostnames, "secrets-user-only")
	if err := e2.ten.SaveExampleSecret(); err == nil || !strings.Contains(err.Error(), "setSecret") {
		t.Fatalf("secrets-user-only Save: %v", err)
	}
}

// The Delinea state survives save and load; tokens do not.
func TestDelineaSaveLoad(t *testing.T) {
	e := start(t, Hostnames, "delinea-typo")
	var buf bytes.Buffer
	must(t, e.ten.Save(&buf))
	saved := append([]byte(nil), buf.Bytes()...)
	l, err := Load(&buf, Options{Wiring: Hostnames})
	must(t, err)
	defer l.Close()
	in := l.Info()
	if in.CredentialSecretID != e.info.CredentialSecretID || in.DelineaPassword != e.info.DelineaPassword || in.DelineaURL == "" {
		t.Fatalf("loaded %+v", in.CredentialSecretID)
	}
	// A state saved before the Secret Server existed still loads, without one.
	var f saveFile
	must(t, json.Unmarshal(saved, &f))
	f.State.Delinea = nil
	old, _ := json.Marshal(f)
	l2, err := Load(bytes.NewReader(old), Options{Wiring: Hostnames})
	must(t, err)
	defer l2.Close()
	if l2.Info().DelineaUsername != "" {
		t.Fatal("no Secret Server, no user")
	}
}

func TestServeJSONHasDelinea(t *testing.T) {
	var buf syncBuffer
	c, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(c, Options{Scenario: "healthy"}, &buf, true) }()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(buf.String(), "\n") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	var m map[string]any
	must(t, json.Unmarshal([]byte(strings.SplitN(buf.String(), "\n", 2)[0]), &m))
	for _, k := range []string{"delinea_url", "delinea_username", "delinea_password", "credential_secret_id", "mapped_secret_id"} {
		if v, ok := m[k]; !ok || v == "" || v == float64(0) {
			t.Errorf("serve --json lacks %s", k)
		}
	}
	if u, _ := m["delinea_url"].(string); !strings.HasPrefix(u, "https://127.0.0.1:") {
		t.Errorf("delinea_url %q", u)
	}
}

// syncBuffer is a bytes.Buffer safe to read while Serve writes it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
