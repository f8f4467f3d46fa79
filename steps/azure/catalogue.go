// Package azure runs the live checks of the course against Azure (or the
// practice tenant) with Microsoft's SDK clients, and holds the catalogue of
// checks and their causes. Check IDs and cause codes are a public contract:
// JSON output, docs and other tools rely on them, so extend, never rename.
package azure

import "github.com/kvbridge/kvbridge/steps"

// CheckInfo describes one check of the catalogue.
type CheckInfo struct {
	ID     string
	Title  string   // what it proves, in a few words
	Causes []string // cause codes it can end with besides timeout and unreachable
}

// Causes any check can end with.
//
//   - timeout: no answer within the check's time (Config.CheckTimeout, doctor --timeout).
//   - unreachable: no service answered: DNS, connect or TLS failure; an untrusted
//     certificate says to pass --ca-file.
//   - throttled: Azure answered 429 and asked to wait longer than the retry cap
//     (Retry-After above Config.Retry.MaxRetryDelay); added because a 429 is neither a
//     refusal nor a network failure.
//   - service-error: the service answered with an error no cause of the check explains
//     (a 5xx after retries, an unexpected 4xx); the evidence holds status and codes.
//   - internal: the check itself failed (a kvbridge bug).
//   - not-asked (with status skip): there was nothing to compare, because the user gave
//     no secret name, no password or no tag mapping; the wizard counts it as done for
//     the optional comparisons.
const (
	CauseTimeout      = "timeout"
	CauseUnreachable  = "unreachable"
	CauseThrottled    = "throttled"
	CauseServiceError = "service-error"
	CauseInternal     = "internal"
	CauseNotAsked     = "not-asked"
)

// GenericCauses are the causes every check may end with, besides its own.
var GenericCauses = []string{CauseTimeout, CauseUnreachable, CauseThrottled, CauseServiceError, CauseInternal, CauseNotAsked}

// Catalogue lists every check in the order a diagnosis reads them.
var Catalogue = []CheckInfo{
	// The Delinea checks run only with a Delinea URL (not-asked otherwise). delinea.auth's
	// tls names the certificate problem in its title and detail (untrusted, expired,
	// name mismatch).
	{"delinea.auth", "kvbridge signs in to Delinea Secret Server", []string{"tls", "bad-credentials", "one-time-code-needed", "api-disabled", "throttled"}},
	// Each of the credential secret's values can end with an input check's cause:
	// empty, whitespace (at either end: Delinea sends it as stored), looks-like-secret-id
	// (the Client Secret), malformed (not a GUID or a domain); the evidence's field names
	// which. restricted: it needs a comment, checkout or double lock, which kvbridge
	// does not give. api-disabled (here and for the mapped secret): the read, after a
	// good sign-in, got Secret Server's HTML page instead of JSON.
	{"delinea.credential-secret", "The credential secret can be read, uses the Azure App Registration template, and its values are well formed", []string{"not-found", "forbidden", "restricted", "wrong-template", "field-missing", "empty", "whitespace", "looks-like-secret-id", "malformed", "api-disabled"}},
	// differs (a warning): a value typed besides the credential secret is not the one
	// Delinea holds; the checks ran with Delinea's.
	{"delinea.typed-values", "The values typed match what Delinea holds", []string{"differs"}},
	{"delinea.mapped-secret", "The secret synced to Key Vault can be read and has a password field", []string{"not-found", "forbidden", "no-password-field", "restricted", "api-disabled"}},
	{"input.tenant-id", "The tenant ID is a GUID or a verified domain name", []string{"malformed"}},
	{"input.client-id", "The client ID is a GUID", []string{"malformed"}},
	{"input.client-secret", "A secret value was given, not the secret's ID, with no stray whitespace", []string{"empty", "looks-like-secret-id", "whitespace"}},
	// auth.token also ends "refused" when Entra ID answers with an AADSTS code not listed
	// here (the evidence holds it), and "malformed" when the SDK refuses the inputs locally.
	{"auth.token", "Entra ID issues a token for the app", []string{"tenant-not-found", "app-not-found", "secret-invalid", "secret-expired", "blocked-by-policy", "app-disabled", "unreachable", "refused", "malformed"}},
	{"arm.subscriptions", "At least one subscription is visible to the app", []string{"none-visible"}},
	{"arm.vaults", "ARM lists vaults to the app, the target vault among them", []string{"none-listed", "target-not-listed"}},
	// vault.permission-model passes on an Azure RBAC vault. On an access-policy vault,
	// which Delinea supports for the data plane, it reads the vault's access policies
	// (ARM vault GET) for the app's object ID: "access-policies" is then a warning (the
	// app's policy grants get, list, set and delete, or no policy names the app and
	// data.secrets reports Key Vault's refusal, or the policies could not be read), and
	// "access-policy-incomplete" a failure naming the permissions the app's policy lacks.
	{"vault.permission-model", "The app's grant applies under the vault's permission model", []string{"access-policies", "access-policy-incomplete"}},
	{"vault.network", "The vault accepts calls from this network", []string{"firewall", "private-only"}},
	{"rbac.secrets-write", "The app's effective data actions on the vault include writing secrets", []string{"missing-write", "no-role"}},
	{"data.secrets", "A read-only data-plane call succeeds", []string{"forbidden-by-rbac", "forbidden-by-access-policy", "forbidden-by-firewall", "forbidden-by-connection", "wrong-tenant", "propagating"}},
	{"mapping.name", "The Azure secret name follows Key Vault's rules", []string{"invalid-name", "too-long"}},
	// mapping.secret ends with one of data.secrets' forbidden-* causes when reading the
	// secret itself is refused (a role with readMetadata but not getSecret).
	{"mapping.secret", "The mapped secret exists, is enabled and was updated recently", []string{"not-found", "deleted-but-recoverable", "disabled", "stale", "forbidden-by-rbac", "forbidden-by-access-policy", "forbidden-by-firewall", "forbidden-by-connection"}},
	// tag-mismatch: the tag is there but holds another user than the one given.
	{"mapping.tag", "The username tag is there when it is mapped", []string{"missing-tag", "tag-mismatch"}},
	{"mapping.value", "The value matches the Delinea password (compared by SHA-256, never shown)", []string{"mismatch"}},
	{"credential.expiry", "The client secret is not about to expire", []string{"expires-soon", "unknown"}},
}

// Lookup returns the catalogue entry for a check ID.
func Lookup(id string) (CheckInfo, bool) {
	for _, c := range Catalogue {
		if c.ID == id {
			return c, true
		}
	}
	return CheckInfo{}, false
}

// counted writes a count with its noun: "1 vault", "3 vaults" (steps.Plural).
func counted(n int, noun string) string { return steps.Plural(n, noun) }
