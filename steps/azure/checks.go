package azure

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/golang-jwt/jwt/v5"

	"github.com/kvbridge/kvbridge/steps/facts"
)

// The check DAG. needs are hard (a prerequisite that fails or is skipped skips the
// check, naming it); after are soft (wait, then run whatever happened). Levels:
//
//	1  input.tenant-id, input.client-id, input.client-secret, mapping.name   (local, no I/O)
//	2  auth.token                                  needs input.*
//	3  arm.subscriptions, credential.expiry        need auth.token
//	4  arm.vaults                                  needs arm.subscriptions
//	5  vault.permission-model, rbac.secrets-write  need auth.token; after arm.vaults
//	6  data.secrets                                needs auth.token; after arm.vaults, rbac.secrets-write, vault.permission-model
//	7  vault.network (after data.secrets), mapping.secret (needs data.secrets, mapping.name)
//	8  mapping.tag, mapping.value                  need mapping.secret
//
// Depth 8. The network critical path is shorter than the levels: as soon as auth.token
// passes, the data-plane calls (the read-only listing, GetSecret) and the permissions
// API (when the vault's resource ID is known) start in the background, so the checks
// of levels 5-8 mostly interpret answers that have already arrived.
//
// The delinea.* checks sit beside the DAG: delinea.auth, then delinea.credential-secret
// and delinea.mapped-secret (after it), then delinea.typed-values. Their reads start
// when the run starts (see startDelinea); when the credential secret is read, Run waits
// for it before the DAG, whose checks then run with its values (credentialTarget).
var checkDefs = []*checkDef{
	{id: "delinea.auth", run: checkDelineaAuth},
	{id: "delinea.credential-secret", after: []string{"delinea.auth"}, run: checkDelineaCredential},
	{id: "delinea.typed-values", after: []string{"delinea.credential-secret"}, run: checkDelineaTyped},
	{id: "delinea.mapped-secret", after: []string{"delinea.auth"}, run: checkDelineaMapped},
	{id: "input.tenant-id", run: checkInputTenant},
	{id: "input.client-id", run: checkInputClient},
	{id: "input.client-secret", run: checkInputSecret},
	{id: "auth.token", needs: []string{"input.tenant-id", "input.client-id", "input.client-secret"}, run: checkToken},
	{id: "arm.subscriptions", needs: []string{"auth.token"}, run: checkSubscriptions},
	{id: "arm.vaults", needs: []string{"arm.subscriptions"}, run: checkVaults},
	{id: "vault.permission-model", needs: []string{"auth.token"}, after: []string{"arm.vaults"}, run: checkPermissionModel},
	{id: "rbac.secrets-write", needs: []string{"auth.token"}, after: []string{"arm.vaults"}, run: checkSecretsWrite},
	{id: "data.secrets", needs: []string{"auth.token"}, after: []string{"arm.vaults", "rbac.secrets-write", "vault.permission-model"}, run: checkDataSecrets},
	{id: "vault.network", needs: []string{"auth.token"}, after: []string{"arm.vaults", "data.secrets"}, run: checkNetwork},
	{id: "mapping.name", run: checkMappingName},
	{id: "mapping.secret", needs: []string{"data.secrets", "mapping.name"}, run: checkMappingSecret},
	{id: "mapping.tag", needs: []string{"mapping.secret"}, run: checkMappingTag},
	{id: "mapping.value", needs: []string{"mapping.secret"}, run: checkMappingValue},
	{id: "credential.expiry", needs: []string{"auth.token"}, run: checkExpiry},
}

// notAsked is a skip without a blocker: the input the check needs was not given.
func notAsked(id, what string) Result {
	return Result{ID: id, Status: StatusSkip, Cause: CauseNotAsked, Title: "Not asked", Detail: "Nothing to check: " + what + "."}
}

func pass(title, detail string) Result {
	return Result{Status: StatusPass, Title: title, Detail: detail}
}

// ---- inputs ----

func inputResult(p InputProblem, okTitle, failTitle string) Result {
	if p.Cause == "" {
		return pass(okTitle, "")
	}
	title := failTitle
	if t := strictTitle(p); t != "" {
		title = t
	}
	if p.Status == StatusWarn {
		title = okTitle + ", after a fix-up"
	}
	return Result{Status: p.Status, Cause: p.Cause, Title: title, Detail: p.Detail}
}

func checkInputTenant(_ context.Context, rs *runState) Result {
	r := inputResult(rs.s.strictTenant, "The tenant ID is well formed", "The tenant ID is not a GUID or a domain name")
	if r.Status == StatusFail {
		r.Fix = fixWith("Copy the Directory (tenant) ID from the app's Overview page. "+facts.Text("cli-tenant"), "Microsoft Entra ID › App registrations › (your app) › Overview › Directory (tenant) ID",
			cliTenantCmd)
	}
	return r
}

func checkInputClient(_ context.Context, rs *runState) Result {
	r := inputResult(rs.s.strictClient, "The client ID is a GUID", "The client ID is not a GUID")
	if r.Status == StatusFail {
		r.Fix = fixWith("Copy the Application (client) ID, not the Object ID beside it on the same page.", "Microsoft Entra ID › App registrations › (your app) › Overview › Application (client) ID",
			Cmd("az", "ad", "app", "list", "--display-name", "<app name>", "--query", "[].appId", "-o", "tsv"))
	}
	return r
}

func checkInputSecret(_ context.Context, rs *runState) Result {
	r := inputResult(rs.s.secretCheck, "A client secret value was given", "The client secret is not a usable Value")
	if r.Status == StatusFail {
		r.Fix = fixWith("Give the client secret's Value, not its Secret ID; if the Value is lost, create a new client secret.",
			"Microsoft Entra ID › App registrations › (your app) › Certificates & secrets › Client secrets › New client secret (copy the Value column at once)",
			rs.newSecretCmd())
	}
	return r
}

func checkMappingName(_ context.Context, rs *runState) Result {
	name := rs.s.cfg.SecretName
	if name == "" {
		return notAsked("mapping.name", "no secret name was given (--secret-name)")
	}
	r := inputResult(CheckSecretName(name), "The secret name follows Key Vault's rules", "Key Vault would refuse this secret name")
	if r.Status == StatusFail {
		r.Fix = &Fix{Summary: "In Delinea's external secret, use a name of 1-127 letters, digits and dashes, for example Prod-VM-Admin-Pass."}
	}
	return r
}

// ---- auth.token ----

func checkToken(ctx context.Context, rs *runState) Result {
	s := rs.s
	if s.cred == nil {
		r := Result{Status: StatusFail, Cause: "malformed", Title: "No credential could be made"}
		if s.credErr != nil {
			r.Detail = firstLine(s.credErr.Error())
		}
		return r
	}
	armScope := s.cloudCfg.Services[cloud.ResourceManager].Audience + "/.default"
	vaultScope := s.cfg.cloud().params().vaultScope
	// The Key Vault token is fetched at the same time, so the data-plane calls that
	// follow find it cached. Both are CAE requests, as the SDK's bearer policies make,
	// so they share one MSAL cache.
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, _ = s.cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{vaultScope}, EnableCAE: true})
	}()
	tok, err := s.cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{armScope}, EnableCAE: true})
	wg.Wait()
	if err != nil {
		return authFailure(ctx, rs, err)
	}
	ti := parseToken(tok.Token)
	if ti.Expires.IsZero() {
		ti.Expires = tok.ExpiresOn
	}
	rs.mu.Lock()
	rs.token = ti
	rs.mu.Unlock()
	rs.startEarly()
	exp := ti.Expires
	r := pass(fmt.Sprintf("Entra ID issued a token (tenant %s)", orPlaceholder(ti.TenantID, s.cfg.TenantID)),
		fmt.Sprintf("The app %s signed in as service principal %s; the token expires at %s.",
			orPlaceholder(ti.AppID, s.cfg.ClientID), orPlaceholder(ti.ObjectID, "(unknown)"), exp.Local().Format("15:04 MST")))
	r.Evidence = Evidence{TokenTenant: ti.TenantID, AppID: ti.AppID, ObjectID: ti.ObjectID, TokenExpires: &exp}
	return r
}

// parseToken reads tid, appid, oid and exp from an access token without verifying it
// (the token is only read, never trusted or shown).
func parseToken(tok string) tokenInfo {
	var ti tokenInfo
	claims := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(tok, claims); err != nil {
		return ti
	}
	str := func(k string) string { v, _ := claims[k].(string); return v }
	ti.TenantID, ti.AppID, ti.ObjectID = str("tid"), str("appid"), str("oid")
	if ti.AppID == "" {
		ti.AppID = str("azp")
	}
	if e, err := claims.GetExpirationTime(); err == nil && e != nil {
		ti.Expires = e.Time
	}
	return ti
}

func authFailure(ctx context.Context, rs *runState, err error) Result {
	d := decodeError(ctx, err)
	r := genericFailure(d, rs)
	if d.Kind != KindEntra {
		return r
	}
	cause, detail := entraCause(d.AADSTS)
	if cause == "" {
		switch d.EntraError {
		case "invalid_client":
			cause, detail = "secret-invalid", "Entra ID refused the client credentials."
		case "unauthorized_client":
			cause, detail = "app-not-found", "Entra ID does not accept this client ID in this tenant."
		case "invalid_tenant":
			cause, detail = "tenant-not-found", "Entra ID does not know this tenant."
		default:
			cause, detail = "refused", "Entra ID refused the sign-in with a code kvbridge does not know; the evidence has it."
		}
	}
	r.Cause, r.Detail = cause, detail+" (Entra said: "+d.Message+")"
	r.Title = "Entra ID refused the sign-in"
	if d.AADSTS != 0 {
		r.Title = fmt.Sprintf("Entra ID refused the sign-in (AADSTS%d)", d.AADSTS)
	}
	r.Fix = authFix(cause, rs)
	return r
}

func authFix(cause string, rs *runState) *Fix {
	c := rs.s.cfg
	client := orPlaceholder(c.ClientID, "<client-id>")
	switch cause {
	case "tenant-not-found":
		return fixWith("Use the Directory (tenant) ID of the tenant the app is registered in, in the right cloud (--cloud). "+facts.Text("cli-tenant"),
			"Microsoft Entra ID › App registrations › (your app) › Overview › Directory (tenant) ID",
			cliTenantCmd, Cmd("az", "cloud", "set", "--name", c.cloud().params().azCloud))
	case "app-not-found":
		return fixWith("Use the Application (client) ID of an app registered in this tenant. "+facts.Text("object-id-not-client-id"),
			"Microsoft Entra ID › App registrations › All applications › (your app) › Overview",
			Cmd("az", "ad", "app", "show", "--id", client, "--query", "appId", "-o", "tsv"))
	case "secret-invalid", "secret-expired":
		return fixWith("Create a new client secret, copy its Value (not the Secret ID) and update the Delinea credential secret. The command below ends it in 6 months, inside Microsoft's advice of less than 12.",
			"Microsoft Entra ID › App registrations › (your app) › Certificates & secrets › New client secret",
			rs.newSecretCmd())
	case "blocked-by-policy":
		return &Fix{Summary: "Ask an admin to exclude this service principal from the Conditional Access policy, or run from an allowed location.",
			Portal: "Microsoft Entra ID › Security › Conditional Access › Policies (and Sign-in logs › Service principal sign-ins)"}
	case "app-disabled":
		return fixWith("Enable the app's service principal for sign-in.",
			"Microsoft Entra ID › Enterprise applications › (your app) › Properties › Enabled for users to sign-in? Yes",
			Cmd("az", "ad", "sp", "update", "--id", client, "--set", "accountEnabled=true"))
	}
	return nil
}

// genericFailure turns a decoded error into a failed result: timeout, unreachable
// (naming --ca-file for an untrusted certificate), throttled, or the service's answer.
func genericFailure(d Decoded, rs *runState) Result {
	r := Result{Status: StatusFail, Evidence: evidenceOf(d)}
	switch d.Kind {
	case KindTimeout:
		return timeoutResult("", rs.s.checkTimeout())
	case KindNetwork:
		r.Cause, r.Title = CauseUnreachable, "No answer from the service"
		r.Detail = "The network call failed before any service answered: " + d.Message + "."
		if d.Untrusted {
			r.Title = "The server's certificate is not trusted"
			r.Fix = &Fix{Summary: "Pass the CA certificate (PEM) of your TLS-inspecting proxy, or of the practice tenant, with --ca-file PATH."}
		} else {
			r.Fix = &Fix{Summary: "Check DNS, proxy and firewall rules for the Azure endpoints (login, management and vault hosts) from this machine."}
		}
	case KindService:
		if d.HTTPStatus == 429 {
			r.Cause, r.Title = CauseThrottled, "Azure is throttling the calls"
			r.Detail = "Azure answered 429 Too Many Requests and asked to wait longer than kvbridge waits. Try again in a minute."
			return r
		}
		r.Cause, r.Title = CauseServiceError, fmt.Sprintf("The service answered %d %s", d.HTTPStatus, d.Code)
		r.Detail = d.Message
	case KindEntra:
		r.Cause, r.Title, r.Detail = "refused", "Entra ID refused a token", d.Message
	case KindWrongTenant:
		r.Cause, r.Title = "wrong-tenant", "The vault belongs to another tenant"
		r.Detail = "Key Vault asked for a token from tenant " + d.RequestedTenant + ", but the app signs in to " + rs.s.cfg.TenantID + "."
	default:
		r.Cause, r.Title, r.Detail = CauseServiceError, "The call failed", d.Message
	}
	return r
}

func evidenceOf(d Decoded) Evidence {
	return Evidence{HTTPStatus: d.HTTPStatus, AADSTS: d.AADSTS, EntraError: d.EntraError, TraceID: d.TraceID,
		CorrelationID: d.CorrelationID, RequestID: d.RequestID, ErrorCode: d.Code, InnerCode: d.InnerCode,
		Action: d.Action, Scope: d.Scope, ClientIP: d.ClientIP}
}

// ---- vault resolution ----

// vaultName is the target vault's name, from the configuration or the listing.
func (rs *runState) vaultName() string {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.target != nil {
		return rs.target.Name
	}
	return rs.s.vault.Name
}

// vaultID is the target vault's ARM ID: given, or learned from the listing.
func (rs *runState) vaultID() string {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.target != nil && rs.target.ID != "" {
		return rs.target.ID
	}
	return rs.s.vault.ResourceID
}

// targetInfo returns the listed target vault, or nil.
func (rs *runState) targetInfo() *VaultInfo {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return rs.target
}

// dataURL is the vault URL for data-plane calls: the user's URL, the vaultUri ARM
// lists, or the URL Azure gives a vault of that name in the cloud.
func (rs *runState) dataURL() string {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	v := rs.s.vault
	switch {
	case v.urlGiven:
		return v.URL
	case rs.target != nil && rs.target.URL != "":
		return rs.target.URL
	}
	return v.URL
}

// urlKnownEarly reports whether the data-plane URL is certain before ARM answers.
func (rs *runState) urlKnownEarly() bool {
	v := rs.s.vault
	return v.urlGiven || (v.Name != "" && !rs.s.cfg.customEndpoints())
}

// startEarly starts the background calls whose inputs are known once a token exists.
func (rs *runState) startEarly() {
	if rs.urlKnownEarly() {
		rs.startProbe()
		rs.startSecret()
	}
	if rs.s.vault.ResourceID != "" {
		rs.startPerms()
	}
}

// ---- mapping.value, mapping.tag ----

func checkMappingTag(ctx context.Context, rs *runState) Result {
	sr, ok := rs.secret.wait(ctx)
	if !ok {
		return timeoutResult("", rs.s.checkTimeout())
	}
	c := rs.s.cfg
	tag, has := sr.tags["username"]
	ev := Evidence{Vault: rs.vaultName(), Scope: c.SecretName}
	if m, ok := rs.dl.mappedHashes(ctx); ok && m.hasUser && (has || c.ExpectUsernameTag) {
		// Delinea's Username, compared by SHA-256 (case ignored, as user names are).
		ev.DelineaSecretID = m.secretID
		if !has {
			r := Result{Status: StatusFail, Cause: "missing-tag", Title: "The secret has no tag \"username\"", Evidence: ev,
				Detail: fmt.Sprintf("The Username of Delinea's secret %d is mapped to the tag \"username\", but the secret in Key Vault does not carry it. Check the field mapping of the external secret in Delinea and save it again.", m.secretID)}
			r.Fix = &Fix{Summary: "In Delinea, map Username to the secret tag \"username\" and save (which pushes it)."}
			return r
		}
		if sha256.Sum256([]byte(strings.ToLower(tag))) != m.user {
			r := Result{Status: StatusFail, Cause: "tag-mismatch", Title: "The tag \"username\" holds another user than Delinea", Evidence: ev,
				Detail: fmt.Sprintf("Compared by SHA-256 with the Username Delinea holds in secret %d: they differ. The username changed in Delinea and was not pushed, or the tag was edited in Azure.", m.secretID)}
			r.Fix = &Fix{Summary: "Save the secret in Delinea to push it again; do not edit synced secrets in the portal."}
			return r
		}
		r := pass("The tag \"username\" holds Delinea's Username", fmt.Sprintf("Compared by SHA-256 with the Username Delinea holds in secret %d.", m.secretID))
		r.Evidence = ev
		return r
	}
	switch {
	case !c.ExpectUsernameTag && !has:
		return notAsked("mapping.tag", "the Username is not mapped to a tag, and the secret has no tag \"username\"")
	case !has:
		r := Result{Status: StatusFail, Cause: "missing-tag", Title: "The secret has no tag \"username\"", Evidence: ev,
			Detail: "The Delinea Username is mapped to the tag \"username\", but the secret in Key Vault does not carry it. Check the field mapping of the external secret in Delinea and sync again."}
		r.Fix = fixWith("In Delinea's field mapping of the external secret, map Username to the secret tag \"username\", then "+syncAgain+". "+facts.Text("tags-from-mapping"),
			"Delinea: the secret's external secret settings, field mapping (the guide's description; Delinea does not document the menus). To look in Azure: Key vaults › "+rs.vaultName()+" › Secrets › "+c.SecretName+" › (current version) › Tags",
			Cmd("az", "keyvault", "secret", "show", "--vault-name", rs.vaultName(), "--name", c.SecretName, "--query", "tags"))
		return r
	case c.Username != "" && !strings.EqualFold(tag, c.Username):
		r := Result{Status: StatusFail, Cause: "tag-mismatch", Title: "The tag \"username\" holds another user", Evidence: ev,
			Detail: fmt.Sprintf("The tag holds %q, the Delinea secret's Username is %q. Sync the secret again from Delinea.", tag, c.Username)}
		r.Fix = &Fix{Summary: "Correct the Username in Delinea if it is wrong, then " + syncAgain + "."}
		return r
	}
	r := pass("The secret carries the tag \"username\"", fmt.Sprintf("The tag holds %q.", tag))
	r.Evidence = ev
	return r
}

func checkMappingValue(ctx context.Context, rs *runState) Result {
	want, from := rs.s.cfg.pwHash, ""
	if m, ok := rs.dl.mappedHashes(ctx); ok {
		want, from = &m.pw, fmt.Sprintf(" Delinea holds in secret %d", m.secretID)
	}
	if want == nil {
		return notAsked("mapping.value", "no Delinea password was given to compare")
	}
	sr, ok := rs.secret.wait(ctx)
	if !ok {
		return timeoutResult("", rs.s.checkTimeout())
	}
	ev := Evidence{Vault: rs.vaultName(), Scope: rs.s.cfg.SecretName}
	if from != "" {
		ev.Note = "compared with the password" + from
	}
	if !sr.hasValue {
		return Result{Status: StatusSkip, BlockedBy: "mapping.secret", Title: "The value could not be read", Evidence: ev,
			Detail: "Key Vault did not return the secret's value, so there is nothing to compare."}
	}
	if subtle.ConstantTimeCompare(sr.valueHash[:], want[:]) == 1 {
		r := pass("The value matches the Delinea password", "Compared by SHA-256 with the password"+orPlaceholder(from, " given")+"; neither value was shown or stored.")
		r.Evidence = ev
		return r
	}
	r := Result{Status: StatusFail, Cause: "mismatch", Title: "The value differs from the Delinea password", Evidence: ev,
		Detail: "Compared by SHA-256 (never shown) with the password" + orPlaceholder(from, " given") + ": the secret in Key Vault does not hold it. The password changed in Delinea and the push did not happen, or someone changed the secret in Azure."}
	r.Fix = &Fix{Summary: "In Delinea, " + syncAgain + "; do not edit synced secrets in the portal, the next sync overwrites them."}
	return r
}

// hashValue hashes a secret value at once; the value itself is not kept.
func hashValue(v *string) ([32]byte, bool) {
	if v == nil {
		return [32]byte{}, false
	}
	return sha256.Sum256([]byte(*v)), true
}

func orPlaceholder(v, ph string) string {
	if strings.TrimSpace(v) == "" {
		return ph
	}
	return v
}

func ago(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d minutes ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d hours ago", int(d.Hours()))
	}
	return fmt.Sprintf("%d days ago", int(d.Hours()/24))
}

// syncAgain is how every fix words a new sync. Delinea documents neither when it
// syncs nor where its UI starts one; the guide says saving the external secret does.
const syncAgain = "sync the secret again (by the guide, saving the external secret does it)"

// cliTenantCmd prints the Azure CLI's current tenant; fixes that offer it say that
// this need not be the app's (fact cli-tenant).
var cliTenantCmd = Cmd("az", "account", "show", "--query", "tenantId", "-o", "tsv")

// newSecretCmd creates a client secret that ends in 6 months: az's default of one year
// would make a 12-month secret, just outside Microsoft's advice of less than 12 months.
func (rs *runState) newSecretCmd() Command {
	end := rs.s.cfg.now().AddDate(0, 6, 0).Format("2006-01-02")
	return Cmd("az", "ad", "app", "credential", "reset", "--id", orPlaceholder(rs.s.cfg.ClientID, "<client-id>"), "--append",
		"--display-name", "delinea", "--end-date", end, "--query", "password", "-o", "tsv")
}
