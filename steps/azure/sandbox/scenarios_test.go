package sandbox

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"

	"github.com/kvbridge/kvbridge/steps/facts"
)

const setSecretAction = "Microsoft.KeyVault/vaults/secrets/setSecret/action"

var armScope = policy.TokenRequestOptions{Scopes: []string{"https://management.core.windows.net//.default"}, EnableCAE: true}

// outcomes asserts, per scenario, what the SDK sees: the evidence each expected check
// and cause rests on, and that the rest of the path is as healthy as it should be.
var outcomes = map[string]func(t *testing.T, e *env){
	"healthy": func(t *testing.T, e *env) { assertAllPass(t, e) },
	"throttled": func(t *testing.T, e *env) {
		assertAllPass(t, e)
		var n429 int
		for _, r := range e.ten.Requests() {
			if r.Status == 429 {
				n429++
			}
		}
		if n429 == 0 {
			t.Fatal("throttled scenario served no 429")
		}
	},
	"wrong-tenant": func(t *testing.T, e *env) {
		if isGUID(e.info.TenantID) == false {
			t.Fatalf("handed-out tenant %q should be a GUID", e.info.TenantID)
		}
		_, err := e.cred().GetToken(ctx(t), armScope)
		wantEntra(t, err, 400, 90002)
		for _, r := range e.ten.Requests() {
			if strings.HasSuffix(r.Path, "/token") {
				t.Fatalf("an unknown tenant must fail at discovery, before any token request: %+v", r)
			}
		}
	},
	"wrong-client": func(t *testing.T, e *env) {
		_, err := e.cred().GetToken(ctx(t), armScope)
		wantEntra(t, err, 400, 700016)
	},
	"secret-id-pasted": func(t *testing.T, e *env) {
		if e.info.ClientSecret != e.info.ClientSecretID || !isGUID(e.info.ClientSecret) {
			t.Fatalf("the handed-out secret should be the secret's ID")
		}
		_, err := e.cred().GetToken(ctx(t), armScope)
		got := wantEntra(t, err, 401, 7000215)
		if !strings.Contains(got.Message, "not the client secret ID") {
			t.Fatalf("7000215 should hint at the secret ID: %s", got.Message)
		}
	},
	"expired-secret": func(t *testing.T, e *env) {
		_, err := e.cred().GetToken(ctx(t), armScope)
		wantEntra(t, err, 401, 7000222)
	},
	"no-role": func(t *testing.T, e *env) {
		subs, err := e.listSubs(e.cred())
		must(t, err)
		if len(subs) != 0 {
			t.Fatalf("subscriptions = %v, want none", subs)
		}
		_, err = e.listVaults(e.cred())
		got := wantAz(t, err, 403, "AuthorizationFailed", "")
		if !strings.Contains(got.Message, "'Microsoft.KeyVault/vaults/read'") {
			t.Fatalf("AuthorizationFailed should name the action: %s", got.Message)
		}
		perms, err := e.permissions(e.cred())
		must(t, err)
		if len(perms) != 0 {
			t.Fatalf("permissions = %d entries, want 0", len(perms))
		}
	},
	"no-vault-read": func(t *testing.T, e *env) {
		subs, err := e.listSubs(e.cred())
		must(t, err)
		if len(subs) != 1 {
			t.Fatalf("subscriptions = %v, want the practice one", subs)
		}
		vaults, err := e.listVaults(e.cred())
		must(t, err)
		if len(vaults) != 0 {
			t.Fatalf("vault list = %v, want empty (the empty dropdown)", vaults)
		}
		_, err = e.vaultsClient(e.cred()).Get(ctx(t), e.info.ResourceGroup, e.info.VaultName, nil)
		got := wantAz(t, err, 403, "AuthorizationFailed", "")
		if !strings.Contains(got.Message, "'Microsoft.KeyVault/vaults/read'") || !strings.Contains(got.Message, e.info.VaultName) {
			t.Fatalf("message: %s", got.Message)
		}
		if !effectiveData(t, e, setSecretAction) {
			t.Fatal("Secrets Officer should still grant setSecret")
		}
		_, err = e.secretsClient(e.cred()).GetSecret(ctx(t), e.info.SecretName, "", nil)
		must(t, err)
	},
	"secrets-user-only": func(t *testing.T, e *env) {
		vaults, err := e.listVaults(e.cred())
		must(t, err)
		if !slices.Equal(vaults, []string{e.info.VaultName, readableVault}) {
			t.Fatalf("vaults = %v, want the target and the shared vault", vaults)
		}
		if effectiveData(t, e, setSecretAction) {
			t.Fatal("Secrets User must not grant setSecret")
		}
		if !effectiveData(t, e, "Microsoft.KeyVault/vaults/secrets/getSecret/action") {
			t.Fatal("Secrets User grants getSecret")
		}
		sc := e.secretsClient(e.cred())
		_, err = sc.GetSecret(ctx(t), e.info.SecretName, "", nil)
		must(t, err)
		before := e.snapshot()
		_, err = sc.SetSecret(ctx(t), e.info.SecretName, azsecrets.SetSecretParameters{Value: to.Ptr("x")}, nil)
		got := wantAz(t, err, 403, "Forbidden", "ForbiddenByRbac")
		for _, want := range []string{"Action: '" + setSecretAction + "'", "Assignment: (not found)", "oid="} {
			if !strings.Contains(got.Message, want) {
				t.Fatalf("ForbiddenByRbac message lacks %q: %s", want, got.Message)
			}
		}
		e.unchangedSince(before)
	},
	"access-policy-vault": func(t *testing.T, e *env) {
		v, err := e.vaultsClient(e.cred()).Get(ctx(t), e.info.ResourceGroup, e.info.VaultName, nil)
		must(t, err)
		if *v.Properties.EnableRbacAuthorization || len(v.Properties.AccessPolicies) != 1 {
			t.Fatalf("want an access-policy vault with one (foreign) policy: %+v", v.Properties)
		}
		perms, err := e.permissions(e.cred())
		must(t, err)
		if len(perms) == 0 {
			t.Fatal("the app's RBAC roles still show in the permissions API")
		}
		_, err = e.secretsClient(e.cred()).GetSecret(ctx(t), e.info.SecretName, "", nil)
		got := wantAz(t, err, 403, "Forbidden", "AccessDenied")
		if !strings.Contains(got.Message, "does not have secrets get permission") {
			t.Fatalf("message: %s", got.Message)
		}
	},
	"firewall": func(t *testing.T, e *env) {
		v, err := e.vaultsClient(e.cred()).Get(ctx(t), e.info.ResourceGroup, e.info.VaultName, nil)
		must(t, err)
		if string(*v.Properties.NetworkACLs.DefaultAction) != "Deny" || string(*v.Properties.PublicNetworkAccess) != "Enabled" {
			t.Fatalf("network = %+v %v", v.Properties.NetworkACLs, *v.Properties.PublicNetworkAccess)
		}
		_, err = e.secretsClient(e.cred()).GetSecret(ctx(t), e.info.SecretName, "", nil)
		got := wantAz(t, err, 403, "Forbidden", "ForbiddenByFirewall")
		if !strings.Contains(got.Message, "Client address: 127.0.0.1") {
			t.Fatalf("message: %s", got.Message)
		}
	},
	"soft-deleted-name": func(t *testing.T, e *env) {
		sc := e.secretsClient(e.cred())
		_, err := sc.GetSecret(ctx(t), e.info.SecretName, "", nil)
		wantAz(t, err, 404, "SecretNotFound", "")
		d, err := sc.GetDeletedSecret(ctx(t), e.info.SecretName, nil)
		must(t, err)
		if d.RecoveryID == nil || d.ScheduledPurgeDate.Sub(*d.DeletedDate) != 90*24*time.Hour {
			t.Fatalf("deleted = %+v", d)
		}
		before := e.snapshot()
		_, err = sc.SetSecret(ctx(t), e.info.SecretName, azsecrets.SetSecretParameters{Value: to.Ptr("new")}, nil)
		wantAz(t, err, 409, "Conflict", "ObjectIsDeletedButRecoverable")
		e.unchangedSince(before)
	},
	"propagation-delay": func(t *testing.T, e *env) {
		if !effectiveData(t, e, "Microsoft.KeyVault/vaults/secrets/getSecret/action") {
			t.Fatal("the permissions API shows a new assignment at once")
		}
		vaults, err := e.listVaults(e.cred())
		must(t, err)
		if !slices.Equal(vaults, []string{e.info.VaultName, readableVault}) {
			t.Fatalf("vaults = %v, want the target and the shared vault", vaults)
		}
		sc := e.secretsClient(e.cred())
		_, err = sc.GetSecret(ctx(t), e.info.SecretName, "", nil)
		got := wantAz(t, err, 403, "Forbidden", "ForbiddenByRbac")
		if !strings.Contains(got.Message, "propagation time") {
			t.Fatalf("message: %s", got.Message)
		}
		e.clock.Advance(propagationDelay - time.Second)
		_, err = sc.GetSecret(ctx(t), e.info.SecretName, "", nil)
		wantAz(t, err, 403, "Forbidden", "ForbiddenByRbac")
		e.clock.Advance(time.Second)
		_, err = sc.GetSecret(ctx(t), e.info.SecretName, "", nil)
		must(t, err)
	},
}

// assertAllPass is the healthy path every check relies on.
func assertAllPass(t *testing.T, e *env) {
	t.Helper()
	subs, err := e.listSubs(e.cred())
	must(t, err)
	vaults, err := e.listVaults(e.cred())
	must(t, err)
	if len(subs) != 1 || !slices.Contains(vaults, e.info.VaultName) {
		t.Fatalf("subs %v vaults %v", subs, vaults)
	}
	v, err := e.vaultsClient(e.cred()).Get(ctx(t), e.info.ResourceGroup, e.info.VaultName, nil)
	must(t, err)
	if !*v.Properties.EnableRbacAuthorization || string(*v.Properties.NetworkACLs.DefaultAction) != "Allow" {
		t.Fatalf("vault %+v", v.Properties)
	}
	if !effectiveData(t, e, setSecretAction) {
		t.Fatal("want setSecret")
	}
	s, err := e.secretsClient(e.cred()).GetSecret(ctx(t), e.info.SecretName, "", nil)
	must(t, err)
	if *s.Value != e.info.SecretValue || *s.Tags["username"] != "vmadmin" || !*s.Attributes.Enabled {
		t.Fatalf("secret %+v", s)
	}
}

func TestEveryScenarioHasAnOutcome(t *testing.T) {
	for _, s := range Scenarios() {
		if _, ok := outcomes[s.Name]; !ok && s.Name != "mystery" {
			t.Errorf("scenario %s has no outcome test", s.Name)
		}
		if s.Teaches == "" || s.Title == "" {
			t.Errorf("scenario %s lacks a description", s.Name)
		}
	}
}

func TestScenarios(t *testing.T) {
	for _, s := range Scenarios() {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			forWirings(t, func(t *testing.T, w Wiring) {
				e := start(t, w, s.Name)
				if e.info.Scenario != s.Name {
					t.Fatalf("Info.Scenario = %q", e.info.Scenario)
				}
				key := e.ten.AnswerKey()
				if s.Name != "mystery" && (key.Scenario != s.Name || key.Check != s.ExpectCheck || key.Cause != s.ExpectCause) {
					t.Fatalf("answer key %+v", key)
				}
				outcomes[key.Scenario](t, e)
				for _, r := range e.ten.Requests() {
					if r.Status >= 500 {
						t.Errorf("server error: %+v", r)
					}
				}
			})
		})
	}
}

func TestMysteryIsSeededAndBroken(t *testing.T) {
	picks := map[string]bool{}
	for seed := int64(1); seed <= 40; seed++ {
		p := mysteryPick(seed)
		if p.ExpectCheck == "" || p.Name == "mystery" {
			t.Fatalf("seed %d picked %s, which has nothing to find", seed, p.Name)
		}
		if mysteryPick(seed).Name != p.Name {
			t.Fatal("the same seed must pick the same scenario")
		}
		picks[p.Name] = true
	}
	if len(picks) < 5 {
		t.Fatalf("40 seeds picked only %v", picks)
	}
	e := startOpts(t, Options{Scenario: "mystery", Seed: 7})
	key := e.ten.AnswerKey()
	if key.Seed != 7 || key.Scenario != mysteryPick(7).Name || key.Check == "" {
		t.Fatalf("answer key %+v", key)
	}
	e0 := startOpts(t, Options{Scenario: "mystery"})
	if k := e0.ten.AnswerKey(); k.Seed == 0 || k.Scenario != mysteryPick(k.Seed).Name {
		t.Fatalf("seed 0 should draw a seed and record it: %+v", k)
	}
}

// What sandbox list shows (each scenario's title and lesson) and the practice
// actions' results are free of the wordings that contradict the shared facts.
func TestScenarioTextsAgreeWithFacts(t *testing.T) {
	for _, sc := range Scenarios() {
		for _, s := range []string{sc.Title, sc.Teaches} {
			for _, c := range facts.Contradictions(s) {
				t.Errorf("%s: %s\n  in %q", sc.Name, c, s)
			}
		}
	}
	if !strings.Contains(findScenario("no-vault-read").Teaches, facts.Text("vault-list-read")) {
		t.Error("no-vault-read does not tell the shared vault-list-read fact")
	}
	if !strings.Contains(findScenario("expired-secret").Teaches, facts.Text("secret-lifetime")) {
		t.Error("expired-secret does not tell the shared secret-lifetime fact")
	}
}
