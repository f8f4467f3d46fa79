package sandbox

import "strings"

// roleDefinition is a built-in Azure role, copied from Microsoft's published definitions
// (IDs, actions, notActions, dataActions) so the permissions API answers as Azure would.
type roleDefinition struct {
	ID, Name       string
	Actions        []string
	NotActions     []string
	DataActions    []string
	NotDataActions []string

	// The same patterns lower-cased and split at '*', made once (init), so checking a
	// role allocates nothing.
	cActions, cNotActions, cDataActions, cNotDataActions [][]string
}

func compilePatterns(ps []string) [][]string {
	out := make([][]string, len(ps))
	for i, p := range ps {
		out[i] = strings.Split(strings.ToLower(p), "*")
	}
	return out
}

func init() {
	for i := range builtinRoles {
		r := &builtinRoles[i]
		r.cActions, r.cNotActions = compilePatterns(r.Actions), compilePatterns(r.NotActions)
		r.cDataActions, r.cNotDataActions = compilePatterns(r.DataActions), compilePatterns(r.NotDataActions)
	}
}

// matchCompiled is actionMatches for a pattern already lower-cased and split at '*',
// and a lower-case action. The parts are matched left to right without overlap, so
// "microsoft.keyvault/vaults/*/read" needs a segment between "vaults/" and "/read".
func matchCompiled(parts []string, a string) bool {
	if len(parts) == 1 {
		return parts[0] == a
	}
	if !strings.HasPrefix(a, parts[0]) {
		return false
	}
	a = a[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, mid := range parts[1 : len(parts)-1] {
		i := strings.Index(a, mid)
		if i < 0 {
			return false
		}
		a = a[i+len(mid):]
	}
	return strings.HasSuffix(a, last)
}

func anyCompiled(ps [][]string, a string) bool {
	for _, p := range ps {
		if matchCompiled(p, a) {
			return true
		}
	}
	return false
}

// grantsLower is grants for a lower-case action.
func (r *roleDefinition) grantsLower(action string, data bool) bool {
	if r.cActions == nil && r.cDataActions == nil && (len(r.Actions) > 0 || len(r.DataActions) > 0) {
		return r.grants(action, data) // not a built-in (tests): the slow path
	}
	if data {
		return anyCompiled(r.cDataActions, action) && !anyCompiled(r.cNotDataActions, action)
	}
	return anyCompiled(r.cActions, action) && !anyCompiled(r.cNotActions, action)
}

// kvControlPlane is the control-plane part shared by the Key Vault data roles.
var kvControlPlane = []string{
	"Microsoft.Authorization/*/read",
	"Microsoft.Insights/alertRules/*",
	"Microsoft.Resources/deployments/*",
	"Microsoft.Resources/subscriptions/resourceGroups/read",
	"Microsoft.Support/*",
	"Microsoft.KeyVault/checkNameAvailability/read",
	"Microsoft.KeyVault/deletedVaults/read",
	"Microsoft.KeyVault/locations/*/read",
	"Microsoft.KeyVault/vaults/*/read",
	"Microsoft.KeyVault/operations/read",
}

var builtinRoles = []roleDefinition{
	{ID: "acdd72a7-3385-48ef-bd42-f606fba81ae7", Name: "Reader", Actions: []string{"*/read"}},
	{ID: "b24988ac-6180-42a0-ab88-20f7382dd24c", Name: "Contributor", Actions: []string{"*"}, NotActions: []string{
		"Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write", "Microsoft.Authorization/elevateAccess/Action",
		"Microsoft.Blueprint/blueprintAssignments/write", "Microsoft.Blueprint/blueprintAssignments/delete",
		"Microsoft.Compute/galleries/share/action", "Microsoft.Purview/consents/write", "Microsoft.Purview/consents/delete",
		"Microsoft.Resources/deploymentStacks/manageDenySetting/action",
		"Microsoft.Subscription/cancel/action", "Microsoft.Subscription/enable/action",
	}},
	{ID: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", Name: "Owner", Actions: []string{"*"}},
	{ID: "21090545-7ca7-4776-b22c-e363652d74d2", Name: "Key Vault Reader", Actions: kvControlPlane,
		DataActions: []string{"Microsoft.KeyVault/vaults/*/read", "Microsoft.KeyVault/vaults/secrets/readMetadata/action"}},
	{ID: "4633458b-17de-408a-b874-0445c86b69e6", Name: "Key Vault Secrets User",
		DataActions: []string{"Microsoft.KeyVault/vaults/secrets/getSecret/action", "Microsoft.KeyVault/vaults/secrets/readMetadata/action"}},
	{ID: "b86a8fe4-44ce-4948-aee5-eccb2c155cd7", Name: "Key Vault Secrets Officer", Actions: kvControlPlane,
		DataActions: []string{"Microsoft.KeyVault/vaults/secrets/*"}},
	{ID: "00482a5a-887f-4fb3-b363-3b7fe8e74483", Name: "Key Vault Administrator", Actions: kvControlPlane,
		DataActions: []string{"Microsoft.KeyVault/vaults/*"}},
	{ID: "f25e0fa2-a7c8-4377-a976-54943a77a395", Name: "Key Vault Contributor",
		Actions: []string{
			"Microsoft.Authorization/*/read", "Microsoft.Insights/alertRules/*", "Microsoft.KeyVault/*",
			"Microsoft.Resources/deployments/*", "Microsoft.Resources/subscriptions/resourceGroups/read", "Microsoft.Support/*",
		},
		NotActions: []string{"Microsoft.KeyVault/locations/deletedVaults/purge/action", "Microsoft.KeyVault/hsmPools/*", "Microsoft.KeyVault/managedHsms/*"}},
}

// roleByName finds a built-in role by display name, GUID or full role definition ID,
// ignoring case, as the portal and az accept all three.
func roleByName(s string) *roleDefinition {
	s = strings.TrimSpace(s)
	if i := strings.LastIndex(s, "/"); i >= 0 {
		s = s[i+1:]
	}
	for i := range builtinRoles {
		if strings.EqualFold(builtinRoles[i].Name, s) || strings.EqualFold(builtinRoles[i].ID, s) {
			return &builtinRoles[i]
		}
	}
	return nil
}

func roleByID(id string) *roleDefinition { return roleByName(id) }

// actionMatches applies Azure's action wildcard: "*" stands for any run of characters,
// '/' included, and the comparison ignores case. Microsoft does not document whether
// "Microsoft.KeyVault/vaults/*/read" covers "Microsoft.KeyVault/vaults/read"; taken
// literally it does not (there is no segment between "vaults/" and "/read"), and field
// reports agree that the Key Vault data roles alone do not let a principal read the vault
// resource. That choice is what makes the no-vault-read scenario's dropdown empty.
func actionMatches(pattern, action string) bool {
	return matchCompiled(strings.Split(strings.ToLower(pattern), "*"), strings.ToLower(action))
}

func anyMatch(patterns []string, action string) bool {
	for _, p := range patterns {
		if actionMatches(p, action) {
			return true
		}
	}
	return false
}

// grants reports whether the role allows the action. NotActions only subtract from the
// same role's Actions, as in Azure: another role can still grant what one excludes.
func (r *roleDefinition) grants(action string, data bool) bool {
	if data {
		return anyMatch(r.DataActions, action) && !anyMatch(r.NotDataActions, action)
	}
	return anyMatch(r.Actions, action) && !anyMatch(r.NotActions, action)
}
