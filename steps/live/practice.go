package live

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kvbridge/kvbridge/steps/azure"
	"github.com/kvbridge/kvbridge/steps/azure/sandbox"
)

// Practice is a practice tenant as the session uses it: what it hands out,
// how the checks reach it, what it looks like now, and the portal's actions
// done on it. Local wraps the in-process sandbox; a remote tenant (a
// trainer's room) implements the same five methods over its admin API.
type Practice interface {
	// Handout is what the trainee would have typed: IDs, the secret, the vault.
	Handout() Handout
	// Reach points the checks' configuration at the tenant (its transport,
	// or its endpoints and CA).
	Reach(cfg *azure.Config)
	// Look reads the app's roles on the vault and the vault's settings.
	Look(clientID, vault string) (sandbox.Look, error)
	// Do does one practice action (an ActionSpec ID) for the app on the vault.
	// A refusal is a *sandbox.Refusal.
	Do(action, clientID, vault string) (Outcome, error)
	// Sync writes a secret value as Delinea's Save would, with the app's own
	// credentials: done through the checks' session, so it is not here.
	Close() error
}

// Handout is what a practice tenant gives the trainee.
type Handout struct {
	Scenario                         string
	TenantID, ClientID, ClientSecret string
	VaultName, VaultID               string
	SecretName, SecretUsername       string
	SubscriptionID, ResourceGroup    string
	Mystery                          bool  // the scenario hides its problem
	Seed                             int64 // the seed that picked a mystery (0 otherwise)
	// Where says where the tenant runs when it is not in this process (a
	// trainer's room: "in the trainer's room, seat 3"); "" for in-process.
	Where string

	// The practice Secret Server: its URL, the handed-out user and password
	// (memory only), and the IDs of the credential secret and the mapped secret.
	// An empty DelineaURL: this practice tenant has none.
	DelineaURL, DelineaUsername, DelineaPassword string
	CredentialSecretID, MappedSecretID           int
}

// Outcome is what a practice action did, and what it hands out.
type Outcome struct {
	Text      string     // "Assigned Reader to the app on kv-practice."
	NewSecret *NewSecret // a new client secret's Value, memory only
}

// NewSecret is a client secret as the portal shows it once.
type NewSecret struct {
	Value   string
	Expires time.Time
}

// ActionSpec is one portal action the practice tenant offers.
type ActionSpec struct {
	ID, Title, Does string
	// state says the tenant's current state that the action changes.
	state func(l sandbox.Look, h Handout) string
	do    func(t *sandbox.Tenant, clientID, vault string) (Outcome, error)
}

// Action is an ActionSpec as a menu shows it: with the tenant's state now,
// and whether the page asks for it.
type Action struct {
	ID, Title, Does string
	State           string // "Reader: assigned"; "" when it could not be read
	Near            bool   // the current page lists it
}

func roleState(name string) func(sandbox.Look, Handout) string {
	return func(l sandbox.Look, _ Handout) string {
		if slices.Contains(l.Roles, name) {
			return name + ": assigned"
		}
		return name + ": not assigned"
	}
}

func roleDo(assign bool, name string) func(*sandbox.Tenant, string, string) (Outcome, error) {
	return func(t *sandbox.Tenant, clientID, vault string) (Outcome, error) {
		if assign {
			return Outcome{Text: "Assigned " + name + " to the app on " + vault + "."}, t.AssignRole(clientID, name, "vault")
		}
		return Outcome{Text: "Removed " + name + " from the app on " + vault + "."}, t.RemoveRole(clientID, name, "vault")
	}
}

func modelState(l sandbox.Look, _ Handout) string {
	if l.RBAC {
		return "Permission model: Azure RBAC"
	}
	return "Permission model: access policies"
}

func networkState(l sandbox.Look, _ Handout) string {
	switch {
	case !l.PublicAccess:
		return "Network: public access disabled"
	case l.FirewallDeny:
		return "Network: selected networks only"
	}
	return "Network: all networks"
}

func delineaSyncState(l sandbox.Look, h Handout) string {
	switch {
	case !l.DelineaKnown:
		return ""
	case l.PasswordSynced:
		return h.SecretName + ": holds Delinea's password"
	}
	return h.SecretName + ": differs from Delinea's password"
}

// Actions are the portal's actions the practice tenant offers, in the order
// of the full list. Their IDs are what course.toml's practice lists name.
var Actions = []ActionSpec{
	{"portal.show", "Show the portal's Overview and App registrations", "Microsoft Entra ID › Overview and App registrations › (the app) › Overview: the Tenant ID, the primary domain, and the app's Application (client) ID and Object ID, as the portal shows them. Changes nothing.",
		func(sandbox.Look, Handout) string { return "" }, // it reads; there is no state to show
		func(t *sandbox.Tenant, _, _ string) (Outcome, error) {
			return Outcome{Text: t.Portal().Text()}, nil
		}},
	{"client-secret.new", "Create a new client secret", "Certificates & secrets › New client secret: adds a secret (180 days) to the app. The portal shows its Value once; kvbridge takes it straight in as the client secret the checks use (masked, never saved).",
		func(l sandbox.Look, _ Handout) string { return fmt.Sprintf("Client secrets: %d", l.ClientSecrets) },
		func(t *sandbox.Tenant, clientID, _ string) (Outcome, error) {
			ns, err := t.AddClientSecret(clientID, 0)
			if err != nil {
				return Outcome{}, err
			}
			return Outcome{Text: fmt.Sprintf("New client secret created (expires %s).", ns.Expires.Format(ExpiryLayout)),
				NewSecret: &NewSecret{Value: ns.Value, Expires: ns.Expires}}, nil
		}},
	{"role.secrets-officer.assign", "Assign Key Vault Secrets Officer on the vault", "Access control (IAM) › Add role assignment: Key Vault Secrets Officer for the app, scope the practice vault. Lets Delinea read and write secrets (data plane).",
		roleState("Key Vault Secrets Officer"), roleDo(true, "Key Vault Secrets Officer")},
	{"role.reader.assign", "Assign Reader on the vault", "Access control (IAM) › Add role assignment: Reader for the app, scope the practice vault. Lets ARM list the vault to the app, which Delinea's dropdown most likely needs.",
		roleState("Reader"), roleDo(true, "Reader")},
	{"role.secrets-user.assign", "Assign Key Vault Secrets User on the vault", "Adds the read-only data role: secrets can be read but not written, so Delinea's sync would fail.",
		roleState("Key Vault Secrets User"), roleDo(true, "Key Vault Secrets User")},
	{"role.secrets-officer.remove", "Remove Key Vault Secrets Officer from the vault", "Deletes that role assignment. Key Vault keeps honouring it for the propagation delay, as Azure's caches do.",
		roleState("Key Vault Secrets Officer"), roleDo(false, "Key Vault Secrets Officer")},
	{"role.reader.remove", "Remove Reader from the vault", "Deletes that role assignment: ARM no longer lists the vault to the app.",
		roleState("Reader"), roleDo(false, "Reader")},
	{"role.secrets-user.remove", "Remove Key Vault Secrets User from the vault", "Deletes that role assignment.",
		roleState("Key Vault Secrets User"), roleDo(false, "Key Vault Secrets User")},
	{"vault.rbac", "Switch the vault to Azure RBAC", "Access configuration › Permission model: Azure role-based access control. Key Vault then honours the app's roles.",
		modelState,
		func(t *sandbox.Tenant, _, vault string) (Outcome, error) {
			return Outcome{Text: "The vault now uses Azure RBAC."}, t.SetPermissionModel(vault, true)
		}},
	{"vault.access-policies", "Switch the vault to access policies", "Access configuration › Permission model: Vault access policy. Key Vault then ignores RBAC data roles.",
		modelState,
		func(t *sandbox.Tenant, _, vault string) (Outcome, error) {
			return Outcome{Text: "The vault now uses access policies."}, t.SetPermissionModel(vault, false)
		}},
	{"access-policy.add", "Add an access policy for the app (get, list, set, delete)", "Access policies › Create: secret permissions Get, List, Set and Delete for the app's service principal. Key Vault reads it only while the vault uses access policies; the course teaches Azure RBAC instead.",
		func(l sandbox.Look, _ Handout) string {
			if len(l.Policy) == 0 {
				return "Access policy: none for the app"
			}
			return "Access policy: " + strings.Join(l.Policy, ", ")
		},
		func(t *sandbox.Tenant, clientID, vault string) (Outcome, error) {
			return Outcome{Text: "The app's access policy on " + vault + " now allows get, list, set and delete on secrets."},
				t.AddAccessPolicy(vault, clientID, []string{"get", "list", "set", "delete"})
		}},
	{"firewall.open", "Open the vault firewall (allow public access from all networks)", "Networking › Firewalls and virtual networks › Allow public access from all networks.",
		networkState,
		func(t *sandbox.Tenant, _, vault string) (Outcome, error) {
			if err := t.SetPublicAccess(vault, true); err != nil {
				return Outcome{}, err
			}
			return Outcome{Text: "The vault's firewall now allows all networks."}, t.SetFirewall(vault, false)
		}},
	{"secret.recover", "Recover the deleted secret", "Key vaults › Secrets › Manage deleted secrets › Recover: brings the soft-deleted example secret back, versions and tags included, so its name can be used again.",
		func(l sandbox.Look, h Handout) string {
			if l.SecretDeleted {
				return h.SecretName + ": deleted, recoverable"
			}
			return h.SecretName + ": not deleted"
		},
		func(t *sandbox.Tenant, _, vault string) (Outcome, error) {
			name := t.Info().SecretName
			return Outcome{Text: "Recovered " + name + " in " + vault + "."}, t.RecoverVaultSecret(vault, name)
		}},
	{"delinea.client-id.trim", "Correct the Client ID in Delinea's credential secret", "Secret Server › the credential secret › Edit: the Client ID without the space around it. Delinea sends the field exactly as stored.",
		func(l sandbox.Look, _ Handout) string {
			switch {
			case !l.DelineaKnown:
				return ""
			case l.ClientIDSpaced:
				return "Client ID in Delinea: has a stray space"
			}
			return "Client ID in Delinea: no stray space"
		},
		func(t *sandbox.Tenant, _, _ string) (Outcome, error) {
			return Outcome{Text: "The credential secret's Client ID no longer has a space around it."}, t.TrimCredentialField("Client ID")
		}},
	{"delinea.password.change", "Change the example secret's password in Delinea (no Save)", "Secret Server › the example secret › Edit › Password: a new random password, not pushed to Key Vault until Save.",
		delineaSyncState,
		func(t *sandbox.Tenant, _, _ string) (Outcome, error) {
			return Outcome{Text: "The example secret has a new password in Delinea; Key Vault still holds the old one."}, t.SetExamplePassword("")
		}},
	{"delinea.save", "Save the example secret in Delinea (push to Key Vault)", "Secret Server › the example secret › Save: Delinea pushes the password as the value and the username as the tag \"username\", signing in with the credential secret as stored.",
		delineaSyncState,
		func(t *sandbox.Tenant, _, _ string) (Outcome, error) {
			if err := t.SaveExampleSecret(); err != nil {
				return Outcome{}, &sandbox.Refusal{Reason: strings.TrimPrefix(err.Error(), "sandbox: ")}
			}
			return Outcome{Text: "Delinea pushed the password and the username tag to " + t.Info().SecretName + "."}, nil
		}},
	{"firewall.close", "Close the vault firewall (selected networks only)", "Networking › Firewalls and virtual networks › Allow public access from specific virtual networks and IP addresses, with none listed: data-plane calls from here are refused.",
		networkState,
		func(t *sandbox.Tenant, _, vault string) (Outcome, error) {
			return Outcome{Text: "The vault's firewall now denies this network."}, t.SetFirewall(vault, true)
		}},
}

// Menu is the practice actions in the order a menu on page p lists them:
// those the page names first (in the course's order of Actions), then the rest.
func Menu(p Page) []ActionSpec {
	var near, rest []ActionSpec
	for _, a := range Actions {
		if slices.Contains(p.Practice, a.ID) {
			near = append(near, a)
		} else {
			rest = append(rest, a)
		}
	}
	return append(near, rest...)
}

// actionSpec finds an action by ID.
func actionSpec(id string) (ActionSpec, bool) {
	for _, a := range Actions {
		if a.ID == id {
			return a, true
		}
	}
	return ActionSpec{}, false
}

// Local is the in-process practice tenant behind the Practice interface.
func Local(t *sandbox.Tenant) Practice { return &local{t: t} }

// StartLocal starts an in-process practice tenant for a scenario, wired to
// keep the public cloud's configuration (only the transport differs).
func StartLocal(scenario string, seed int64) (Practice, error) {
	t, err := sandbox.Start(sandbox.Options{Scenario: scenario, Seed: seed, Wiring: sandbox.Hostnames})
	if err != nil {
		return nil, err
	}
	return Local(t), nil
}

type local struct{ t *sandbox.Tenant }

func (l *local) Handout() Handout {
	in := l.t.Info()
	return Handout{Scenario: in.Scenario, TenantID: in.TenantID, ClientID: in.ClientID, ClientSecret: in.ClientSecret,
		VaultName: in.VaultName, VaultID: in.VaultID, SecretName: in.SecretName, SecretUsername: in.SecretUsername,
		SubscriptionID: in.SubscriptionID, ResourceGroup: in.ResourceGroup, Mystery: in.Scenario == "mystery", Seed: in.Seed,
		DelineaURL: in.DelineaURL, DelineaUsername: in.DelineaUsername, DelineaPassword: in.DelineaPassword,
		CredentialSecretID: in.CredentialSecretID, MappedSecretID: in.MappedSecretID}
}

func (l *local) Reach(cfg *azure.Config) { cfg.Transport = l.t.HTTPClient() }

func (l *local) Look(clientID, vault string) (sandbox.Look, error) { return l.t.Look(clientID, vault) }

func (l *local) Do(action, clientID, vault string) (Outcome, error) {
	a, ok := actionSpec(action)
	if !ok {
		return Outcome{}, &sandbox.Refusal{Reason: "there is no practice action " + action}
	}
	return a.do(l.t, clientID, vault)
}

func (l *local) Close() error { return l.t.Close() }

// Tenant is the sandbox behind a Local practice tenant (nil for another
// kind), for tests and the sandbox command.
func Tenant(p Practice) *sandbox.Tenant {
	if l, ok := p.(*local); ok {
		return l.t
	}
	return nil
}

// RefusedError is a practice action the tenant would not do.
type RefusedError struct {
	Action string // the ActionSpec ID
	Reason string // as the portal would say it
}

func (e *RefusedError) Error() string { return "practice action " + e.Action + " refused: " + e.Reason }

// refused turns a practice tenant's error into a RefusedError.
func refused(action string, err error) error {
	var r *sandbox.Refusal
	if errors.As(err, &r) {
		return &RefusedError{Action: action, Reason: r.Reason}
	}
	return &RefusedError{Action: action, Reason: strings.TrimSpace(err.Error())}
}
