package session

import (
	"strings"

	"github.com/kvbridge/kvbridge/steps/azure/sandbox"
)

// PracticeAction is what a trainee would do in the Azure portal, done on the
// practice tenant.
type PracticeAction struct {
	Title, Does string
	near        []string // screen keys where the guide asks for it (listed first there)
	// Run does it on the tenant: what was done, and a new client secret
	// when one was made.
	Run func(t *sandbox.Tenant, clientID, vault string) (string, *sandbox.NewSecret, error)
}

func roleAction(assign bool, name string) func(t *sandbox.Tenant, clientID, vault string) (string, *sandbox.NewSecret, error) {
	return func(t *sandbox.Tenant, clientID, vault string) (string, *sandbox.NewSecret, error) {
		if assign {
			return "Assigned " + name + " to the app on " + vault + ".", nil, t.AssignRole(clientID, name, "vault")
		}
		return "Removed " + name + " from the app on " + vault + ".", nil, t.RemoveRole(clientID, name, "vault")
	}
}

// PracticeActions are the portal's actions the practice tenant offers, in
// the order of the full list.
var PracticeActions = []PracticeAction{
	{"Create a new client secret", "Certificates & secrets › New client secret: adds a secret (180 days) to the app. The portal shows its Value once; kvbridge takes it straight in as the client secret the checks use (masked, never saved).",
		[]string{"1/step/1B", "1/check"},
		func(t *sandbox.Tenant, clientID, _ string) (string, *sandbox.NewSecret, error) {
			ns, err := t.AddClientSecret(clientID, 0)
			if err != nil {
				return "", nil, err
			}
			return "", &ns, nil
		}},
	{"Assign Key Vault Secrets Officer on the vault", "Access control (IAM) › Add role assignment: Key Vault Secrets Officer for the app, scope the practice vault. Lets Delinea read and write secrets (data plane).",
		[]string{"1/step/1C", "1/check"}, roleAction(true, "Key Vault Secrets Officer")},
	{"Assign Reader on the vault", "Access control (IAM) › Add role assignment: Reader for the app, scope the practice vault. Lets ARM list the vault to the app, which Delinea's dropdown most likely needs.",
		[]string{"1/step/1C", "2/check", "2/step/2B"}, roleAction(true, "Reader")},
	{"Assign Key Vault Secrets User on the vault", "Adds the read-only data role: secrets can be read but not written, so Delinea's sync would fail.",
		[]string{"1/step/1C"}, roleAction(true, "Key Vault Secrets User")},
	{"Remove Key Vault Secrets Officer from the vault", "Deletes that role assignment. Key Vault keeps honouring it for the propagation delay, as Azure's caches do.",
		[]string{"1/check"}, roleAction(false, "Key Vault Secrets Officer")},
	{"Remove Reader from the vault", "Deletes that role assignment: ARM no longer lists the vault to the app.",
		[]string{"2/check"}, roleAction(false, "Reader")},
	{"Remove Key Vault Secrets User from the vault", "Deletes that role assignment.",
		nil, roleAction(false, "Key Vault Secrets User")},
	{"Switch the vault to Azure RBAC", "Access configuration › Permission model: Azure role-based access control. Key Vault then honours the app's roles.",
		[]string{"1/check", "2/check"},
		func(t *sandbox.Tenant, _, vault string) (string, *sandbox.NewSecret, error) {
			return "The vault now uses Azure RBAC.", nil, t.SetPermissionModel(vault, true)
		}},
	{"Switch the vault to access policies", "Access configuration › Permission model: Vault access policy. Key Vault then ignores RBAC data roles.",
		nil,
		func(t *sandbox.Tenant, _, vault string) (string, *sandbox.NewSecret, error) {
			return "The vault now uses access policies.", nil, t.SetPermissionModel(vault, false)
		}},
	{"Add an access policy for the app (get, list, set, delete)", "Access policies › Create: secret permissions Get, List, Set and Delete for the app's service principal. Key Vault reads it only while the vault uses access policies; the course teaches Azure RBAC instead.",
		[]string{"1/check", "2/check"},
		func(t *sandbox.Tenant, clientID, vault string) (string, *sandbox.NewSecret, error) {
			return "The app's access policy on " + vault + " now allows get, list, set and delete on secrets.", nil,
				t.AddAccessPolicy(vault, clientID, []string{"get", "list", "set", "delete"})
		}},
	{"Open the vault firewall (allow public access from all networks)", "Networking › Firewalls and virtual networks › Allow public access from all networks.",
		[]string{"2/check"},
		func(t *sandbox.Tenant, _, vault string) (string, *sandbox.NewSecret, error) {
			if err := t.SetPublicAccess(vault, true); err != nil {
				return "", nil, err
			}
			return "The vault's firewall now allows all networks.", nil, t.SetFirewall(vault, false)
		}},
	{"Recover the deleted secret", "Key vaults › Secrets › Manage deleted secrets › Recover: brings the soft-deleted example secret back, versions and tags included, so its name can be used again.",
		[]string{"3/check", "3/step/3A"},
		func(t *sandbox.Tenant, _, vault string) (string, *sandbox.NewSecret, error) {
			name := t.Info().SecretName
			return "Recovered " + name + " in " + vault + ".", nil, t.RecoverVaultSecret(vault, name)
		}},
	{"Close the vault firewall (selected networks only)", "Networking › Firewalls and virtual networks › Allow public access from specific virtual networks and IP addresses, with none listed: data-plane calls from here are refused.",
		nil,
		func(t *sandbox.Tenant, _, vault string) (string, *sandbox.NewSecret, error) {
			return "The vault's firewall now denies this network.", nil, t.SetFirewall(vault, true)
		}},
}

// PracticeMenuFor lists the practice actions, those the screen (by its key)
// asks for first.
func PracticeMenuFor(screenKey string) []PracticeAction {
	var near, rest []PracticeAction
	for _, a := range PracticeActions {
		hit := false
		for _, k := range a.near {
			if k == screenKey {
				hit = true
			}
		}
		if hit {
			near = append(near, a)
		} else {
			rest = append(rest, a)
		}
	}
	return append(near, rest...)
}

// PracticeRefusal says why the practice tenant refused an action, as the
// portal would.
func PracticeRefusal(err error) string {
	return "The portal would refuse: " + strings.TrimPrefix(err.Error(), "sandbox: ")
}

// PracticeTarget is the app and vault a practice action works on: the
// client ID given (the form's, in the wizard) or else the tenant's own app,
// and the tenant's vault.
func PracticeTarget(in sandbox.Info, clientID string) (client, vault string) {
	client = strings.TrimSpace(clientID)
	if client == "" {
		client = in.ClientID
	}
	return client, in.VaultName
}
