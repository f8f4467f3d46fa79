package live_test

import (
	"encoding/json"
	"net/url"
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

// In every scenario, with both secrets read from the practice Secret Server on
// sections 2 and 3: no row, saved state or report holds the Delinea password, the
// client secret or the password Delinea holds, raw, URL-encoded or JSON-escaped.
func TestDelineaNeverLeaks(t *testing.T) {
	t.Parallel()
	for _, sc := range sandbox.Scenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			s := practiceSession(t, sc.Name)
			ten := live.Tenant(practiceOf(t, s))
			in := ten.Info()
			var texts []string
			for _, f := range [][2]string{{steps.FieldCredentialSecret, strconv.Itoa(in.CredentialSecretID)}, {steps.FieldMappedSecret, in.MappedSecretName}} {
				if err := s.SetField(f[0], f[1]); err != nil {
					t.Fatal(live.Words(err))
				}
			}
			for _, section := range []int{1, 2} {
				livetest.Goto(t, s, livetest.CheckScreen(s.Machine(), section))
				for _, r := range livetest.Run(t, s) {
					if (r.ID == "delinea.auth" && r.Status != steps.StatusPass) || (r.ID == "delinea.mapped-secret" && r.Status != steps.StatusPass) {
						t.Errorf("%s = %s %s", r.ID, r.Status, r.CauseDetail())
					}
					b, _ := json.Marshal(r)
					texts = append(texts, string(b), r.Title, r.CauseDetail())
				}
			}
			st := s.State()
			b, _ := json.Marshal(st)
			texts = append(texts, string(b))
			rep := s.Machine().Report(st)
			rb, _ := json.Marshal(rep)
			var md strings.Builder
			_ = rep.WriteMarkdown(&md)
			texts = append(texts, string(rb), md.String())
			for _, secret := range []string{in.DelineaPassword, in.ClientSecret, in.SecretValue} {
				j, _ := json.Marshal(secret)
				for _, form := range []string{secret, url.QueryEscape(secret), strings.Trim(string(j), `"`)} {
					for _, text := range texts {
						if strings.Contains(text, form) {
							t.Fatalf("a secret (%.3s…) reached a row, the state or the report", secret)
						}
					}
				}
			}
			if !strings.Contains(string(b), `"credential_secret":"`+strconv.Itoa(in.CredentialSecretID)+`"`) {
				t.Errorf("the saved state lacks the credential secret's ID")
			}
		})
	}
}

// The Delinea-side practice actions fix what only Delinea's side shows: the Client
// ID's space (delinea-typo) and the password changed without a push (value-drift).
func TestDelineaPracticeActions(t *testing.T) {
	t.Parallel()
	act := func(t *testing.T, s *live.Session, id string) {
		t.Helper()
		j, err := s.Act(id)
		if err != nil {
			t.Fatal(live.Words(err))
		}
		s.Drive(j, nil)
	}
	s := practiceSession(t, "delinea-typo")
	livetest.Goto(t, s, livetest.CheckScreen(s.Machine(), 1))
	if err := s.SetField(steps.FieldCredentialSecret, "11"); err != nil {
		t.Fatal(err)
	}
	_ = livetest.Run(t, s)
	var state string
	for _, a := range s.Actions() {
		if a.ID == "delinea.client-id.trim" {
			state = a.State
		}
	}
	if state != "Client ID in Delinea: has a stray space" {
		t.Errorf("action state %q", state)
	}
	act(t, s, "delinea.client-id.trim")
	for _, r := range livetest.Run(t, s) {
		if r.Status == steps.StatusFail {
			t.Errorf("after the fix: %s %s", r.ID, r.CauseDetail())
		}
	}

	s = practiceSession(t, "value-drift")
	livetest.Goto(t, s, livetest.CheckScreen(s.Machine(), 2))
	if err := s.SetField(steps.FieldMappedSecret, "12"); err != nil {
		t.Fatal(err)
	}
	if r := rowByID(livetest.Run(t, s), "mapping.value"); r.Status != steps.StatusFail {
		t.Fatalf("value-drift: mapping.value = %s", r.Status)
	}
	act(t, s, "delinea.save")
	if r := rowByID(livetest.Run(t, s), "mapping.value"); r.Status != steps.StatusPass {
		t.Fatalf("after Save: mapping.value = %s %s", r.Status, r.CauseDetail())
	}
	act(t, s, "delinea.password.change")
	if r := rowByID(livetest.Run(t, s), "mapping.value"); r.Status != steps.StatusFail {
		t.Fatalf("after a change without Save: mapping.value = %s", r.Status)
	}
}
