package sandbox

import (
	"net/http"
	"strings"
)

// armMetadata answers GET {arm}/metadata/endpoints: the cloud's endpoints, served
// without a token, as ARM serves them to clients that have none yet (`az cloud
// register --endpoint-resource-manager URL` reads the login endpoint and the ARM
// audience from here). api-version 2015-01-01 gets the original single-cloud object;
// 2019-05-01 and later the list of clouds, which also names Microsoft Graph and the
// Key Vault DNS suffix.
func (t *Tenant) armMetadata(w http.ResponseWriter, r *http.Request) {
	if !checkARMAPIVersion(w, r) {
		return
	}
	if r.Method != http.MethodGet {
		armError(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "The requested resource does not support http method '"+r.Method+"'.")
		return
	}
	login := t.authority
	arm := strings.TrimSuffix(t.armURL, "/") + "/"
	graph := strings.TrimSuffix(t.graphURL, "/") + "/"
	name := "AzureCloud"
	if t.opts.Wiring == Loopback {
		name = "KvbridgePractice"
	}
	auth := map[string]any{
		"loginEndpoint": login,
		"audiences":     []string{"https://management.core.windows.net/", "https://management.azure.com/"},
		"tenant":        "common", "identityProvider": "AAD",
	}
	if r.URL.Query().Get("api-version") < "2019-05-01" {
		writeJSON(w, http.StatusOK, map[string]any{
			"galleryEndpoint": "https://gallery.azure.com/", "graphEndpoint": "https://graph.windows.net/",
			"graphAudience": "https://graph.windows.net/", "portalEndpoint": "https://portal.azure.com/",
			"authentication": auth,
		})
		return
	}
	writeJSON(w, http.StatusOK, []any{map[string]any{
		"name": name, "portal": "https://portal.azure.com", "authentication": auth,
		"resourceManager": arm, "microsoftGraphResourceId": graph,
		"graph": "https://graph.windows.net/", "graphAudience": "https://graph.windows.net/",
		"suffixes": map[string]string{"keyVaultDns": vaultZone, "mhsmDns": "managedhsm.azure.net"},
	}})
}

// listManagedHSMs answers the managed HSM list, which `az keyvault list` asks for
// next to the vaults: a practice tenant has none, so 200 with an empty list, after
// the same authorisation as the vault list.
func (t *Tenant) listManagedHSMs(w http.ResponseWriter, r *http.Request, c *claims, s *subscription) {
	scope := "/subscriptions/" + s.ID
	if !t.holdsAnyWithin(c, scope) {
		authorizationFailed(w, c, "Microsoft.KeyVault/managedHSMs/read", scope)
		return
	}
	t.armPage(w, r, nil, false)
}
