package sandbox

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	mrand "math/rand/v2"
	"strings"
	"time"

	"github.com/kvbridge/kvbridge/steps/facts"
)

// Scenario describes one starting state and what the live checks must find in it.
type Scenario struct {
	Name        string
	Title       string
	Teaches     string
	ExpectCheck string // the check of the catalogue (docs/CHECKS.md) that fails; "" when all pass
	ExpectCause string
}

// AnswerKey tells a trainer what a tenant was built as (the point of "mystery").
type AnswerKey struct {
	Scenario string `json:"scenario"`
	Check    string `json:"check"`
	Cause    string `json:"cause"`
	Seed     int64  `json:"seed,omitempty"`
	Teaches  string `json:"teaches"`
}

// Names of the practice objects every scenario shares.
const (
	practiceDomain   = "contoso-practice.onmicrosoft.com"
	practiceAppName  = "Delinea Secret Server - Key Vault sync"
	practiceSubName  = "Contoso Practice"
	practiceRG       = "rg-delinea-practice"
	practiceVault    = "kv-contoso-practice"
	sharedRG         = "rg-contoso-shared"
	exampleSecret    = "Prod-VM-Admin-Pass"
	exampleUsername  = "vmadmin"
	propagationDelay = 3 * time.Minute
)

type scenarioDef struct {
	Scenario
	// apply shapes the base state with practice actions; base holds what was made.
	apply func(t *Tenant, b *base) error
}

// base is what every scenario starts from.
type base struct {
	tenantID, clientID string
	secret             NewSecret
	vault              string
}

// otherVaults are the tenant's vaults besides the target, over two resource groups, so
// the vault list has something to pick from: the app may read readableVault (another
// team gave it Reader there), and none of the others.
var otherVaults = []struct{ rg, name string }{
	{practiceRG, "kv-contoso-staging"},
	{sharedRG, readableVault},
	{sharedRG, "kv-contoso-hr"},
}

const readableVault = "kv-contoso-shared"

// officerAndReader is the healthy grant: Key Vault Secrets Officer for the data plane and
// Reader so the vault appears in ARM lists (the Delinea dropdown).
func officerAndReader(t *Tenant, b *base) error {
	if err := t.AssignRole(b.clientID, "Key Vault Secrets Officer", "vault"); err != nil {
		return err
	}
	if err := t.AssignRole(b.clientID, "Reader", "vault"); err != nil {
		return err
	}
	return readsSharedVault(t, b)
}

// readsSharedVault gives the app Reader on the shared vault: with it the vault list holds
// the target and one vault that is not the target. Scenarios where the app holds no
// read on any vault (no-role, no-vault-read) go without it, so their list stays empty.
func readsSharedVault(t *Tenant, b *base) error {
	t.mu.Lock()
	v := t.m.vault(readableVault)
	t.mu.Unlock()
	if v == nil {
		return fmt.Errorf("sandbox: no vault %s", readableVault)
	}
	return t.AssignRole(b.clientID, "Reader", v.id())
}

func (t *Tenant) handout(fn func(h *handout)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	fn(&t.m.Handout)
}

var scenarioDefs = []scenarioDef{
	{Scenario{"healthy", "Everything in order", "What a working integration looks like: the app signs in, sees the subscription and the vault, holds Key Vault Secrets Officer and Reader on the vault, and Prod-VM-Admin-Pass is synced with its username tag. (In every scenario the app may also read its own secret's expiry in Microsoft Graph, a workshop convenience real tenants often do not grant.)", "", ""},
		officerAndReader},
	{Scenario{"wrong-tenant", "A tenant ID that does not exist", "The tenant ID is the Directory (tenant) ID of the app's own directory. Entra answers an unknown one with AADSTS90002 already at discovery, before any secret is checked.", "auth.token", "tenant-not-found"},
		func(t *Tenant, b *base) error {
			t.handout(func(h *handout) { h.TenantID, h.TenantDomain = newGUID(), "" })
			return officerAndReader(t, b)
		}},
	{Scenario{"wrong-client", "A client ID that is not registered", "The client ID is the Application (client) ID of the app registration, not its object ID. Entra answers AADSTS700016 for an app it cannot find in the directory.", "auth.token", "app-not-found"},
		func(t *Tenant, b *base) error {
			t.handout(func(h *handout) { h.ClientID = newGUID() })
			return officerAndReader(t, b)
		}},
	{Scenario{"secret-id-pasted", "The secret's ID instead of its value", "Certificates & secrets shows a Value (once) and a Secret ID; Delinea needs the Value. A GUID in the secret field is almost always the ID, and Entra refuses it with AADSTS7000215.", "input.client-secret", "looks-like-secret-id"},
		func(t *Tenant, b *base) error {
			t.handout(func(h *handout) { h.ClientSecret = b.secret.ID })
			return officerAndReader(t, b)
		}},
	{Scenario{"expired-secret", "An expired client secret", "Client secrets expire. " + facts.Text("secret-lifetime") + " Entra answers an expired one with AADSTS7000222; the fix is a new secret, its Value put in the Delinea credential secret.", "auth.token", "secret-expired"},
		func(t *Tenant, b *base) error {
			if err := t.ExpireClientSecret(b.clientID, b.secret.ID); err != nil {
				return err
			}
			return officerAndReader(t, b)
		}},
	{Scenario{"no-role", "No role assignment at all", "Signing in proves only identity. Without any role assignment ARM shows the app no subscription and no vault, so Delinea's dropdown most likely has nothing to list.", "arm.subscriptions", "none-visible"},
		func(t *Tenant, b *base) error { return nil }},
	{Scenario{"no-vault-read", "A data role without read on the vault (the empty dropdown)", "The app holds Key Vault Secrets Officer on the vault and nothing else. " + facts.Text("vault-list-read") + " This practice tenant reads the wildcard as not including it, so ARM lists no vault to the app until Reader is assigned on the vault.", "arm.vaults", "none-listed"},
		func(t *Tenant, b *base) error { return t.AssignRole(b.clientID, "Key Vault Secrets Officer", "vault") }},
	{Scenario{"secrets-user-only", "Read-only data role", "Key Vault Secrets User can read secret values but not write them; Delinea's sync needs setSecret, which Secrets Officer grants.", "rbac.secrets-write", "missing-write"},
		func(t *Tenant, b *base) error {
			if err := t.AssignRole(b.clientID, "Key Vault Secrets User", "vault"); err != nil {
				return err
			}
			if err := t.AssignRole(b.clientID, "Reader", "vault"); err != nil {
				return err
			}
			return readsSharedVault(t, b)
		}},
	{Scenario{"access-policy-vault", "A vault on the access-policy model", "With enableRbacAuthorization off, Key Vault ignores RBAC data roles and reads only access policies. The app holds Key Vault Secrets Officer, but no access policy names it, so Key Vault answers 403 AccessDenied. Delinea supports either model on the data plane: add an access policy for the app (get, list, set, delete), or switch the vault to Azure RBAC.", "data.secrets", "forbidden-by-access-policy"},
		func(t *Tenant, b *base) error {
			if err := officerAndReader(t, b); err != nil {
				return err
			}
			other, err := t.RegisterApp(b.tenantID, "Backup automation")
			if err != nil {
				return err
			}
			if err := t.AddAccessPolicy(b.vault, other, []string{"get", "list"}); err != nil {
				return err
			}
			return t.SetPermissionModel(b.vault, false)
		}},
	{Scenario{"firewall", "The vault firewall denies this network", "Networking › Firewalls and virtual networks set to selected networks, none listed: ARM still lists the vault, but every data-plane call is refused with ForbiddenByFirewall until the caller's address is allowed.", "vault.network", "firewall"},
		func(t *Tenant, b *base) error {
			if err := officerAndReader(t, b); err != nil {
				return err
			}
			return t.SetFirewall(b.vault, true)
		}},
	{Scenario{"soft-deleted-name", "The mapped name is soft-deleted", "Deleting a secret keeps its name for the retention period (90 days here). Writing it again fails with 409 ObjectIsDeletedButRecoverable; recover it, or purge it first.", "mapping.secret", "deleted-but-recoverable"},
		func(t *Tenant, b *base) error {
			if err := officerAndReader(t, b); err != nil {
				return err
			}
			return t.DeleteVaultSecret(b.vault, exampleSecret)
		}},
	{Scenario{"propagation-delay", "A role granted a moment ago", "Role assignments show in ARM and the permissions API at once but take minutes to reach Key Vault (Azure says up to 10; here 3). Until then the data plane answers ForbiddenByRbac although the permissions look right: wait and retry.", "data.secrets", "propagating"},
		func(t *Tenant, b *base) error {
			if err := t.SetPropagationDelay(propagationDelay); err != nil {
				return err
			}
			return officerAndReader(t, b)
		}},
	{Scenario{"throttled", "A busy service that throttles", "Azure answers 429 with Retry-After when a caller is too fast. Here each distinct call is refused once (Retry-After: 1, retry-after-ms: 5); clients that retry, as the Azure SDK does, see everything pass.", "", ""},
		func(t *Tenant, b *base) error {
			t.SetThrottling(true)
			return officerAndReader(t, b)
		}},
	{Scenario{"delinea-typo", "A space after the Client ID in Delinea", "Azure is in order and the values typed into kvbridge work, but the Client ID stored in the Delinea credential secret ends with a space. Entra ID matches client IDs exactly, so Delinea's sign-in fails while every check with typed values passes: only reading the credential secret from Delinea shows it.", "delinea.credential-secret", "whitespace"},
		officerAndReader},
	{Scenario{"value-drift", "The password changed in Delinea, not in Key Vault", "Someone changed the example secret's password in Secret Server and the push to Key Vault did not happen (Save was not pressed, or the push failed). Prod-VM-Admin-Pass still holds the old value: compared by SHA-256 with what Delinea holds, it differs. Save in Delinea pushes it again.", "mapping.value", "mismatch"},
		officerAndReader},
	{Scenario{"mystery", "A mystery", "One of the broken scenarios, chosen by a seed. Diagnose it with the checks; the trainer has the answer key.", "", ""}, nil},
}

// Scenarios lists the scenarios in order.
func Scenarios() []Scenario {
	out := make([]Scenario, len(scenarioDefs))
	for i, d := range scenarioDefs {
		out[i] = d.Scenario
	}
	return out
}

func findScenario(name string) *scenarioDef {
	for i := range scenarioDefs {
		if scenarioDefs[i].Name == name {
			return &scenarioDefs[i]
		}
	}
	return nil
}

// mysteryPick chooses among the scenarios with something to find.
func mysteryPick(seed int64) *scenarioDef {
	var pool []*scenarioDef
	for i := range scenarioDefs {
		// A finding only Delinea's side shows is no mystery to someone checking typed values.
		if d := &scenarioDefs[i]; d.ExpectCheck != "" && d.apply != nil && !strings.HasPrefix(d.ExpectCheck, "delinea.") {
			pool = append(pool, d)
		}
	}
	r := mrand.New(mrand.NewPCG(uint64(seed), 0x6b76627269646765)) // "kvbridge"
	return pool[r.IntN(len(pool))]
}

// build makes the base state, then applies the scenario.
func (t *Tenant) build(name string, seed int64) error {
	def := findScenario(name)
	if def == nil {
		return fmt.Errorf("sandbox: unknown scenario %q (kvbridge sandbox list shows them)", name)
	}
	var answer *AnswerKey
	if def.apply == nil { // mystery
		if seed == 0 {
			var b [8]byte
			_, _ = rand.Read(b[:])
			seed = int64(binary.LittleEndian.Uint64(b[:]) >> 1)
		}
		pick := mysteryPick(seed)
		answer = &AnswerKey{Scenario: pick.Name, Check: pick.ExpectCheck, Cause: pick.ExpectCause, Seed: seed, Teaches: pick.Teaches}
		def = pick
	}
	b, err := t.buildBase()
	if err != nil {
		return err
	}
	if err := def.apply(t, b); err != nil {
		return fmt.Errorf("sandbox: building scenario %s: %w", def.Name, err)
	}
	if err := t.finishDelinea(def.Name); err != nil {
		return fmt.Errorf("sandbox: building scenario %s: %w", def.Name, err)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.m.Scenario, t.m.Answer = name, answer
	if answer != nil {
		t.m.Seed = answer.Seed
	}
	if answer == nil {
		t.m.Answer = &AnswerKey{Scenario: def.Name, Check: def.ExpectCheck, Cause: def.ExpectCause, Teaches: def.Teaches}
	}
	return nil
}

// buildBase makes what every scenario has: one directory with the app registration and
// a client secret, one subscription with two resource groups, the practice vault among
// three others, and the guide's example secret as Delinea would have synced it.
func (t *Tenant) buildBase() (*base, error) {
	tid, err := t.AddDirectory(practiceDomain)
	if err != nil {
		return nil, err
	}
	clientID, err := t.RegisterApp(tid, practiceAppName)
	if err != nil {
		return nil, err
	}
	sec, err := t.AddClientSecret(clientID, 0)
	if err != nil {
		return nil, err
	}
	// A workshop choice: the app may read its own registration in Microsoft Graph, so
	// credential.expiry shows the secret's real expiry date instead of "unknown". Real
	// tenants often do not grant this (Application.Read.All reads every app, more than
	// the sync needs); RevokeGraphPermission shows what the check says then.
	if err := t.GrantGraphPermission(clientID, "Application.Read.All"); err != nil {
		return nil, err
	}
	sub := t.addSubscription(tid, practiceSubName, practiceRG, sharedRG)
	// The target comes first: Info, the practice actions' "vault" scope and the admin
	// API's default vault all mean the tenant's first vault.
	if err := t.addVault(sub, practiceRG, practiceVault); err != nil {
		return nil, err
	}
	for _, o := range otherVaults {
		if err := t.addVault(sub, o.rg, o.name); err != nil {
			return nil, err
		}
	}
	password := newPassword()
	if err := t.SetVaultSecret(practiceVault, exampleSecret, password, map[string]string{"username": exampleUsername}); err != nil {
		return nil, err
	}
	t.handout(func(h *handout) {
		*h = handout{TenantID: tid, TenantDomain: practiceDomain, ClientID: clientID, ClientSecret: sec.Value, ClientSecretID: sec.ID,
			SecretName: exampleSecret, SecretUsername: exampleUsername, SecretValue: password}
	})
	t.buildDelinea()
	return &base{tenantID: tid, clientID: clientID, secret: sec, vault: practiceVault}, nil
}

// AnswerKey says what the tenant was built as: for mystery, the hidden scenario.
func (t *Tenant) AnswerKey() AnswerKey {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.m.Answer == nil {
		return AnswerKey{Scenario: t.m.Scenario}
	}
	return *t.m.Answer
}
