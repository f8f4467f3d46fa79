package sandbox

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// adminPrefix is where the practice actions are served over HTTP, on the authority
// host. "_sandbox" cannot be a tenant (Entra tenant names have no underscore), so the
// admin API never shadows an Entra path. Calls need the X-Sandbox-Admin-Key header.
const adminPrefix = "/_sandbox"

// adminRequest is the union of the admin actions' JSON bodies.
type adminRequest struct {
	ClientID string            `json:"clientId"`
	Role     string            `json:"role"`
	Scope    string            `json:"scope"`
	SecretID string            `json:"secretId"`
	Lifetime string            `json:"lifetime"` // Go duration, e.g. "4320h"
	Delay    string            `json:"delay"`
	Vault    string            `json:"vault"`
	Name     string            `json:"name"`
	Value    string            `json:"value"`
	Tags     map[string]string `json:"tags"`
	Secrets  []string          `json:"secrets"`
	On       *bool             `json:"on"`

	// The practice Secret Server's actions.
	Field       string   `json:"field"`
	DelineaID   int      `json:"delineaSecretId"`
	Restriction string   `json:"restriction"`
	Users       []string `json:"users"`

	Permission     string `json:"permission"`
	TenantID       string `json:"tenantId"`
	SubscriptionID string `json:"subscriptionId"`
	ResourceGroup  string `json:"resourceGroup"`
}

func (a *adminRequest) flag() (bool, error) {
	if a.On == nil {
		return false, fmt.Errorf(`"on" (true or false) is required`)
	}
	return *a.On, nil
}

func (a *adminRequest) vault() string {
	if a.Vault == "" {
		return practiceVault
	}
	return a.Vault
}

func (t *Tenant) serveAdmin(w http.ResponseWriter, r *http.Request) {
	if subtle.ConstantTimeCompare([]byte(r.Header.Get("X-Sandbox-Admin-Key")), []byte(t.adminKey)) != 1 {
		armError(w, http.StatusUnauthorized, "Unauthorized", "The admin API needs the X-Sandbox-Admin-Key header printed by kvbridge sandbox serve.")
		return
	}
	action := strings.Trim(strings.TrimPrefix(r.URL.Path, adminPrefix), "/")
	if r.Method == http.MethodGet {
		t.adminGet(w, action)
		return
	}
	if r.Method != http.MethodPost {
		armError(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "Admin actions are POST requests with a JSON body.")
		return
	}
	var req adminRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil && err != io.EOF {
		armError(w, http.StatusBadRequest, "InvalidRequestContent", "The body is not valid JSON for an admin action.")
		return
	}
	result, err := t.adminAction(action, &req)
	switch {
	case err == errUnknownAction:
		armError(w, http.StatusNotFound, "NotFound", "No admin action '"+action+"'.")
	case err != nil:
		armError(w, http.StatusBadRequest, "BadRequest", err.Error())
	default:
		if result == nil {
			result = map[string]any{"ok": true}
		}
		writeJSON(w, http.StatusOK, result)
	}
}

var errUnknownAction = fmt.Errorf("unknown admin action")

func (t *Tenant) adminAction(action string, q *adminRequest) (any, error) {
	switch action {
	case "assign-role":
		return nil, t.AssignRole(q.ClientID, q.Role, q.Scope)
	case "remove-role":
		return nil, t.RemoveRole(q.ClientID, q.Role, q.Scope)
	case "add-client-secret":
		var d time.Duration
		if q.Lifetime != "" {
			var err error
			if d, err = time.ParseDuration(q.Lifetime); err != nil {
				return nil, fmt.Errorf("lifetime: %w", err)
			}
		}
		s, err := t.AddClientSecret(q.ClientID, d)
		if err != nil {
			return nil, err
		}
		return map[string]any{"value": s.Value, "id": s.ID, "expires": s.Expires}, nil
	case "expire-client-secret":
		return nil, t.ExpireClientSecret(q.ClientID, q.SecretID)
	case "delete-client-secret":
		return nil, t.DeleteClientSecret(q.ClientID, q.SecretID)
	case "set-app-enabled":
		on, err := q.flag()
		if err != nil {
			return nil, err
		}
		return nil, t.SetAppEnabled(q.ClientID, on)
	case "set-permission-model":
		on, err := q.flag() // on = Azure RBAC
		if err != nil {
			return nil, err
		}
		return nil, t.SetPermissionModel(q.vault(), on)
	case "add-access-policy":
		return nil, t.AddAccessPolicy(q.vault(), q.ClientID, q.Secrets)
	case "set-firewall":
		on, err := q.flag() // on = deny
		if err != nil {
			return nil, err
		}
		return nil, t.SetFirewall(q.vault(), on)
	case "set-public-access":
		on, err := q.flag()
		if err != nil {
			return nil, err
		}
		return nil, t.SetPublicAccess(q.vault(), on)
	case "set-vault-secret":
		return nil, t.SetVaultSecret(q.vault(), q.Name, q.Value, q.Tags)
	case "delete-vault-secret":
		return nil, t.DeleteVaultSecret(q.vault(), q.Name)
	case "recover-vault-secret":
		return nil, t.RecoverVaultSecret(q.vault(), q.Name)
	case "set-propagation-delay":
		d, err := time.ParseDuration(q.Delay)
		if err != nil {
			return nil, fmt.Errorf("delay: %w", err)
		}
		return nil, t.SetPropagationDelay(d)
	case "grant-graph-permission":
		return nil, t.GrantGraphPermission(q.ClientID, q.Permission)
	case "revoke-graph-permission":
		return nil, t.RevokeGraphPermission(q.ClientID, q.Permission)
	case "add-subscription":
		id, err := t.AddSubscription(q.Name)
		if err != nil {
			return nil, err
		}
		return map[string]any{"subscriptionId": id}, nil
	case "add-vault":
		v, err := t.AddVault(q.SubscriptionID, q.ResourceGroup, q.Name)
		if err != nil {
			return nil, err
		}
		return map[string]any{"name": v.Name, "id": v.ID, "vaultUri": v.URL, "subscriptionId": v.SubscriptionID, "resourceGroup": v.ResourceGroup}, nil
	case "set-conditional-access-block":
		on, err := q.flag() // on = blocked
		if err != nil {
			return nil, err
		}
		return nil, t.SetConditionalAccessBlock(q.ClientID, on)
	case "enable-purge-protection":
		return nil, t.EnablePurgeProtection(q.vault())
	case "add-directory":
		id, err := t.AddDirectory(q.Name)
		if err != nil {
			return nil, err
		}
		return map[string]any{"tenantId": id}, nil
	case "move-vault-to-tenant":
		return nil, t.MoveVaultToTenant(q.vault(), q.TenantID)
	case "delinea-set-credential-field":
		return nil, t.SetCredentialField(q.Field, q.Value)
	case "delinea-set-example-password":
		return nil, t.SetExamplePassword(q.Value)
	case "delinea-save-example-secret":
		return nil, t.SaveExampleSecret()
	case "delinea-set-api-enabled":
		on, err := q.flag()
		if err != nil {
			return nil, err
		}
		return nil, t.SetDelineaAPIEnabled(on)
	case "delinea-set-throttling":
		on, err := q.flag()
		if err != nil {
			return nil, err
		}
		t.SetDelineaThrottling(on)
		return nil, nil
	case "delinea-set-restriction":
		return nil, t.SetSecretRestriction(q.DelineaID, q.Restriction)
	case "delinea-set-viewers":
		return nil, t.SetSecretViewers(q.DelineaID, q.Users)
	case "set-throttling":
		on, err := q.flag()
		if err != nil {
			return nil, err
		}
		t.SetThrottling(on)
		return nil, nil
	}
	return nil, errUnknownAction
}

// adminActions and adminResources are what GET {admin} lists; docs/PRACTICE-TENANT.md
// describes each.
var (
	adminActions = []string{"assign-role", "remove-role", "add-client-secret", "expire-client-secret", "delete-client-secret",
		"set-app-enabled", "set-conditional-access-block", "grant-graph-permission", "revoke-graph-permission",
		"set-permission-model", "add-access-policy", "set-firewall", "set-public-access", "enable-purge-protection",
		"set-vault-secret", "delete-vault-secret", "recover-vault-secret", "set-propagation-delay", "set-throttling",
		"add-directory", "add-subscription", "add-vault", "move-vault-to-tenant",
		"delinea-set-credential-field", "delinea-set-example-password", "delinea-save-example-secret",
		"delinea-set-api-enabled", "delinea-set-throttling", "delinea-set-restriction", "delinea-set-viewers"}
	adminResources = []string{"state", "portal", "answer-key", "requests"}
)

func (t *Tenant) adminGet(w http.ResponseWriter, what string) {
	switch what {
	case "":
		writeJSON(w, http.StatusOK, map[string]any{
			"actions":   adminActions, // POST {admin}/{action} with a JSON body
			"resources": adminResources,
			"docs":      "docs/PRACTICE-TENANT.md in the kvbridge source",
		})
	case "state":
		var buf bytes.Buffer
		if err := t.Save(&buf); err != nil {
			armError(w, http.StatusInternalServerError, "InternalServerError", "Saving the state failed.")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(buf.Bytes())
	case "portal":
		p := t.Portal()
		writeJSON(w, http.StatusOK, map[string]any{"tenantId": p.TenantID, "primaryDomain": p.PrimaryDomain, "apps": p.Apps, "text": p.Text()})
	case "answer-key":
		writeJSON(w, http.StatusOK, t.AnswerKey())
	case "requests":
		writeJSON(w, http.StatusOK, t.Requests())
	default:
		armError(w, http.StatusNotFound, "NotFound", "No admin resource '"+what+"'.")
	}
}
