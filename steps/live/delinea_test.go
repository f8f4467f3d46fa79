package live_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/azure/sandbox"
	"github.com/kvbridge/kvbridge/steps/live"
	"github.com/kvbridge/kvbridge/steps/live/livetest"
)

// On a practice tenant, section 2 reads the credential secret once it is named (the
// hint gives its ID): delinea-typo's trailing space is a row of its own, the saved
// state keeps the secret's ID, and the Azure rows say they used Delinea's values.
func TestPracticeReadsDelinea(t *testing.T) {
	t.Parallel()
	s := practiceSession(t, "delinea-typo")
	livetest.Goto(t, s, livetest.CheckScreen(s.Machine(), 1))
	p, _ := s.Page()
	var hint string
	for _, f := range s.Fields(p) {
		if f.Name == steps.FieldDelineaURL || f.Name == steps.FieldDelineaPassword {
			t.Errorf("%s is shown on a practice tenant (it brings its own Secret Server)", f.Name)
		}
		if f.Name == steps.FieldCredentialSecret {
			hint = f.Hint
		}
	}
	if !strings.Contains(hint, "practice: 11") {
		t.Fatalf("credential-secret hint %q does not name the practice secret", hint)
	}
	rows := livetest.Run(t, s)
	if r := rowByID(rows, "delinea.credential-secret"); r.Status != steps.StatusSkip {
		t.Fatalf("not named yet: delinea.credential-secret = %s", r.Status)
	}
	if err := s.SetField(steps.FieldCredentialSecret, "11"); err != nil {
		t.Fatal(err)
	}
	rows = livetest.Run(t, s)
	if r := rowByID(rows, "delinea.credential-secret"); r.Status != steps.StatusFail || !strings.Contains(r.Title, "Client ID") {
		t.Fatalf("delinea.credential-secret = %s %q", r.Status, r.Title)
	}
	if c := s.State().Connection; c.CredentialSecret != "11" {
		t.Errorf("saved connection %+v", c)
	}
	if err := s.SetField(steps.FieldCredentialSecret, "0"); err == nil {
		t.Error("secret ID 0 accepted")
	}
}

// An own tenant (here a served practice tenant reached through its endpoints): the
// Delinea URL, user and secret IDs are saved; the password stays in memory; section
// 3 compares with the password Delinea holds.
func TestOwnTenantDelineaFields(t *testing.T) {
	t.Parallel()
	ten, err := sandbox.Start(sandbox.Options{Scenario: "value-drift", Wiring: sandbox.Loopback})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ten.Close() })
	in := ten.Info()
	w := livetest.Wiring()
	w.ExtraCA = in.CAPEM
	s, sv := livetest.Session(t, live.Options{Wiring: w, Secret: in.ClientSecret, Given: steps.Connection{Kind: steps.ConnTenant,
		TenantID: in.TenantID, ClientID: in.ClientID, AuthorityHost: in.AuthorityHost, ARMEndpoint: in.ARMEndpoint,
		Vault: in.VaultID, VaultURL: in.VaultURLs[0]}})
	s.Begin()
	livetest.Goto(t, s, livetest.CheckScreen(s.Machine(), 2))
	if err := s.SetField(steps.FieldDelineaURL, "http://ss.example.com"); err == nil || !strings.Contains(live.Words(err), "https") {
		t.Errorf("an http URL: %v", err)
	}
	for f, v := range map[string]string{steps.FieldDelineaURL: in.DelineaURL, steps.FieldDelineaUsername: in.DelineaUsername,
		steps.FieldDelineaPassword: in.DelineaPassword, steps.FieldMappedSecret: strconv.Itoa(in.MappedSecretID)} {
		if err := s.SetField(f, v); err != nil {
			t.Fatalf("%s: %s", f, live.Words(err))
		}
	}
	rows := livetest.Run(t, s)
	if r := rowByID(rows, "delinea.mapped-secret"); r.Status != steps.StatusPass {
		t.Fatalf("delinea.mapped-secret = %s %s", r.Status, r.CauseDetail())
	}
	if r := rowByID(rows, "mapping.value"); r.Status != steps.StatusFail {
		t.Fatalf("value-drift: mapping.value = %s %s", r.Status, r.CauseDetail())
	}
	last, _ := sv.Last()
	b, _ := json.Marshal(last)
	if !strings.Contains(string(b), in.DelineaURL) || !strings.Contains(string(b), `"mapped_secret":"`+strconv.Itoa(in.MappedSecretID)+`"`) {
		t.Errorf("the saved connection lacks the Delinea URL or the secret's ID: %s", last.Connection.DelineaURL)
	}
	for _, secret := range []string{in.DelineaPassword, in.SecretValue, in.ClientSecret} {
		if strings.Contains(string(b), secret) {
			t.Fatal("a secret reached the saved state")
		}
		for _, r := range rows {
			if strings.Contains(r.Title+r.CauseDetail(), secret) {
				t.Fatal("a secret reached a row")
			}
		}
	}
	for _, f := range s.Fields(live.Page{Fields: []string{steps.FieldDelineaPassword}}) {
		if strings.Contains(f.Value, in.DelineaPassword[3:]) || !f.Secret {
			t.Errorf("the password field shows %q", f.Value)
		}
	}
}
