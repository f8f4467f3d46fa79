package sandbox

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestAdminAPI(t *testing.T) {
	forWirings(t, func(t *testing.T, w Wiring) {
		e := start(t, w, "no-role")
		post := func(action, body string, key string) (int, []byte) {
			st, _, b := e.raw("POST", e.info.AdminURL+"/"+action, "", body, "X-Sandbox-Admin-Key", key, "Content-Type", "application/json")
			return st, b
		}
		if st, _ := post("assign-role", `{}`, "wrong"); st != 401 {
			t.Fatalf("no key: %d", st)
		}
		st, b := post("assign-role", `{"clientId":"`+e.info.ClientID+`","role":"Reader","scope":"vault"}`, e.info.AdminKey)
		if st != 200 {
			t.Fatalf("assign-role: %d %s", st, b)
		}
		vaults, err := e.listVaults(e.cred())
		must(t, err)
		if len(vaults) != 1 {
			t.Fatalf("after assigning Reader over the admin API: %v", vaults)
		}
		st, b = post("add-client-secret", `{"clientId":"`+e.info.ClientID+`","lifetime":"720h"}`, e.info.AdminKey)
		var ns struct {
			Value, ID string
			Expires   time.Time
		}
		must(t, json.Unmarshal(b, &ns))
		if st != 200 || ns.Value == "" || !isGUID(ns.ID) {
			t.Fatalf("add-client-secret: %d %s", st, b)
		}
		for _, c := range []struct {
			action, body string
			status       int
		}{
			{"set-firewall", `{"on":true}`, 200},
			{"set-firewall", `{}`, 400},
			{"assign-role", `{"clientId":"x","role":"Reader","scope":"vault"}`, 400},
			{"assign-role", `{not json`, 400},
			{"assign-role", `{"unknown":1}`, 400},
			{"fly", `{}`, 404},
			{"set-propagation-delay", `{"delay":"90s"}`, 200},
			{"set-vault-secret", `{"name":"bad_name","value":"v"}`, 400},
		} {
			if st, b := post(c.action, c.body, e.info.AdminKey); st != c.status {
				t.Errorf("%s %s: %d %s", c.action, c.body, st, b)
			} else if st >= 400 {
				decodeErr(t, st, nil, b)
			}
		}
		st, _, b = e.raw("GET", e.info.AdminURL+"/answer-key", "", "", "X-Sandbox-Admin-Key", e.info.AdminKey)
		if st != 200 || !strings.Contains(string(b), `"no-role"`) {
			t.Fatalf("answer key: %d %s", st, b)
		}
	})
}

func TestSaveLoadRoundTrip(t *testing.T) {
	e := start(t, Hostnames, "propagation-delay")
	var buf bytes.Buffer
	must(t, e.ten.Save(&buf))
	saved := buf.String()
	loaded, err := Load(strings.NewReader(saved), Options{Wiring: Loopback, Now: e.clock.Now})
	must(t, err)
	defer loaded.Close()
	e2 := envFor(t, loaded, e.clock)
	if e2.info.ClientSecret != e.info.ClientSecret || e2.info.VaultID != e.info.VaultID || e2.info.Scenario != "propagation-delay" {
		t.Fatal("handed-out credentials changed across save/load")
	}
	sc := e2.secretsClient(e2.cred())
	_, err = sc.GetSecret(ctx(t), e2.info.SecretName, "", nil)
	wantAz(t, err, 403, "Forbidden", "ForbiddenByRbac") // still propagating after the reload
	e.clock.Advance(propagationDelay)
	s, err := sc.GetSecret(ctx(t), e2.info.SecretName, "", nil)
	must(t, err)
	if *s.Value != e.info.SecretValue {
		t.Fatal("secret value lost")
	}
	for _, bad := range []string{
		`{}`, `not json`,
		strings.Replace(saved, saveFormat, "other/9", 1),
		strings.Replace(saved, `"versions": [`, `"versions": [null,`, 1),
		strings.Replace(saved, `"roleDefinitionId": "b86a8fe4-44ce-4948-aee5-eccb2c155cd7"`, `"roleDefinitionId": "nope"`, 1),
		strings.Replace(saved, `"name": "kv-contoso-practice"`, `"name": "-"`, 1),
	} {
		if bad == saved {
			t.Fatal("a corruption did not apply")
		}
		if _, err := Load(strings.NewReader(bad), Options{}); err == nil {
			t.Errorf("Load accepted a broken state: %.80s", bad)
		}
	}
}

// Nothing the tenant records or reports as an error may hold a secret or a token.
func TestNoSecretsInRecordsOrErrors(t *testing.T) {
	e := start(t, Loopback, "healthy")
	tok := e.armToken()
	_, err := e.secretsClient(e.cred()).GetSecret(ctx(t), e.info.SecretName, "", nil)
	must(t, err)
	e.raw("GET", e.armURL("/subscriptions?api-version=2022-12-01&x="+tok), tok, "")
	for _, r := range e.ten.Requests() {
		s := strings.Join([]string{r.Path, r.Host, r.APIVersion, r.Method}, " ")
		for _, secret := range []string{e.info.ClientSecret, e.info.SecretValue, tok} {
			if strings.Contains(s, secret) {
				t.Fatalf("request record holds a secret: %+v", r)
			}
		}
	}
	errs := []error{
		e.ten.SetVaultSecret(e.info.VaultName, "bad_name", e.info.SecretValue, nil),
		e.ten.AssignRole(e.info.ClientSecret, "Reader", "vault"),
		e.ten.ExpireClientSecret(e.info.ClientID, e.info.ClientSecret),
	}
	for _, err := range errs {
		if err == nil || strings.Contains(err.Error(), e.info.SecretValue) || strings.Contains(err.Error(), e.info.ClientSecret) {
			t.Fatalf("action error %v", err)
		}
	}
}

func TestAdminAPINewActions(t *testing.T) {
	e := start(t, Loopback, "healthy")
	post := func(action, body string) (int, map[string]any) {
		st, _, b := e.raw("POST", e.info.AdminURL+"/"+action, "", body, "X-Sandbox-Admin-Key", e.info.AdminKey, "Content-Type", "application/json")
		var out map[string]any
		_ = json.Unmarshal(b, &out)
		return st, out
	}
	cid := `"clientId":"` + e.info.ClientID + `"`
	for _, c := range []struct {
		action, body string
		status       int
	}{
		{"revoke-graph-permission", `{` + cid + `,"permission":"Application.Read.All"}`, 200},
		{"revoke-graph-permission", `{` + cid + `,"permission":"Application.Read.All"}`, 400},
		{"grant-graph-permission", `{` + cid + `,"permission":"Application.Read.All"}`, 200},
		{"grant-graph-permission", `{` + cid + `,"permission":"Mail.Send"}`, 400},
		{"set-conditional-access-block", `{` + cid + `,"on":false}`, 200},
		{"enable-purge-protection", `{}`, 200},
		{"move-vault-to-tenant", `{"tenantId":"nowhere.example"}`, 400},
	} {
		if st, out := post(c.action, c.body); st != c.status {
			t.Errorf("%s %s: %d %v, want %d", c.action, c.body, st, out, c.status)
		}
	}
	st, out := post("add-subscription", `{"name":"Extra"}`)
	sub, _ := out["subscriptionId"].(string)
	if st != 200 || !isGUID(sub) {
		t.Fatalf("add-subscription: %d %v", st, out)
	}
	st, out = post("add-vault", `{"subscriptionId":"`+sub+`","resourceGroup":"rg-x","name":"kv-admin-added"}`)
	if uri, _ := out["vaultUri"].(string); st != 200 || !strings.HasPrefix(uri, "https://127.0.0.1:") {
		t.Fatalf("add-vault: %d %v", st, out)
	}
	st, out = post("add-directory", `{"name":"fabrikam.example"}`)
	tid, _ := out["tenantId"].(string)
	if st != 200 || !isGUID(tid) {
		t.Fatalf("add-directory: %d %v", st, out)
	}
	if st, out := post("move-vault-to-tenant", `{"vault":"kv-admin-added","tenantId":"`+tid+`"}`); st != 200 {
		t.Errorf("move-vault-to-tenant: %d %v", st, out)
	}
}

// GET {admin} lists the actions and resources, and every listed action exists.
func TestAdminIndexListsEveryAction(t *testing.T) {
	e := start(t, Loopback, "healthy")
	key := []string{"X-Sandbox-Admin-Key", e.info.AdminKey}
	var idx struct{ Actions, Resources []string }
	st, _, b := e.raw("GET", e.info.AdminURL, "", "", key...)
	if st != 200 || json.Unmarshal(b, &idx) != nil || len(idx.Actions) < 25 {
		t.Fatalf("GET admin: %d %s", st, b)
	}
	for _, a := range idx.Actions {
		if _, err := e.ten.adminAction(a, &adminRequest{}); err == errUnknownAction {
			t.Errorf("listed action %s is unknown", a)
		}
	}
	for _, r := range idx.Resources {
		if st, _, _ := e.raw("GET", e.info.AdminURL+"/"+r, "", "", key...); st != 200 {
			t.Errorf("GET %s: %d", r, st)
		}
	}
	if st, _, _ := e.raw("GET", e.info.AdminURL, "", ""); st != 401 {
		t.Errorf("GET admin without the key: %d", st)
	}
}
