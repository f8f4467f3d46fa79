package sandbox

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
)

// kvOp is a data-plane operation: the RBAC data action it needs and the access-policy
// permission that stands for it.
type kvOp struct{ action, perm string }

var (
	opGet     = kvOp{"secrets/getSecret/action", "get"}
	opSet     = kvOp{"secrets/setSecret/action", "set"}
	opList    = kvOp{"secrets/readMetadata/action", "list"}
	opDelete  = kvOp{"secrets/delete", "delete"}
	opPurge   = kvOp{"secrets/purge/action", "purge"}
	opRecover = kvOp{"secrets/recover/action", "recover"}
	opUpdate  = kvOp{"secrets/update/action", "set"}
)

var secretNameRE = regexp.MustCompile(`^[0-9a-zA-Z-]{1,127}$`)

// secretOps routes the secrets API. Collection names match case-insensitively and a
// trailing slash is accepted: azsecrets asks for /secrets/{name}/ when the version is "".
func (t *Tenant) secretOps(w http.ResponseWriter, r *http.Request, c *claims, vaultName string) {
	segs := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	coll := strings.ToLower(segs[0])
	m := r.Method
	var name, sub string
	if len(segs) > 1 {
		name = segs[1]
	}
	if len(segs) > 2 {
		sub = segs[2]
	}
	if len(segs) > 3 || (coll != "secrets" && coll != "deletedsecrets") {
		kvError(w, http.StatusNotFound, "NotFound", "The requested operation is not served by this practice vault.", "")
		return
	}
	if len(segs) > 1 && !secretNameRE.MatchString(name) {
		kvError(w, http.StatusBadRequest, "BadParameter", "The request URI contains an invalid name: "+name, "")
		return
	}
	x := &kvCall{t: t, w: w, r: r, c: c, vaultName: vaultName, name: name}
	switch {
	case coll == "secrets" && len(segs) == 1 && m == http.MethodGet:
		x.run(opList, x.listSecrets)
	case coll == "secrets" && len(segs) == 2 && m == http.MethodGet:
		x.run(opGet, func(v *vault) { x.getSecret(v, "") })
	case coll == "secrets" && len(segs) == 2 && m == http.MethodPut:
		x.run(opSet, x.setSecret)
	case coll == "secrets" && len(segs) == 2 && m == http.MethodDelete:
		x.run(opDelete, x.deleteSecret)
	case coll == "secrets" && len(segs) == 2 && m == http.MethodPatch:
		x.run(opUpdate, func(v *vault) { x.updateSecret(v, "") })
	case coll == "secrets" && len(segs) == 3 && strings.EqualFold(sub, "versions") && m == http.MethodGet:
		x.run(opList, x.listVersions)
	case coll == "secrets" && len(segs) == 3 && m == http.MethodGet:
		x.run(opGet, func(v *vault) { x.getSecret(v, sub) })
	case coll == "secrets" && len(segs) == 3 && m == http.MethodPatch:
		x.run(opUpdate, func(v *vault) { x.updateSecret(v, sub) })
	case coll == "deletedsecrets" && len(segs) == 1 && m == http.MethodGet:
		x.run(opList, x.listDeleted)
	case coll == "deletedsecrets" && len(segs) == 2 && m == http.MethodGet:
		x.run(opList, x.getDeleted)
	case coll == "deletedsecrets" && len(segs) == 2 && m == http.MethodDelete:
		x.run(opPurge, x.purgeDeleted)
	case coll == "deletedsecrets" && len(segs) == 3 && strings.EqualFold(sub, "recover") && m == http.MethodPost:
		x.run(opRecover, x.recoverDeleted)
	default:
		kvError(w, http.StatusMethodNotAllowed, "MethodNotAllowed",
			fmt.Sprintf("The requested resource does not support http method '%s'.", m), "")
	}
}

// kvCall carries one data-plane request through authorisation into its operation.
type kvCall struct {
	t         *Tenant
	w         http.ResponseWriter
	r         *http.Request
	c         *claims
	vaultName string
	name      string
}

// run authorises op under the vault's permission model and, if allowed, runs fn with
// the tenant locked.
func (x *kvCall) run(op kvOp, fn func(*vault)) {
	t := x.t
	t.mu.Lock()
	defer t.mu.Unlock()
	v := t.m.vault(x.vaultName)
	now := t.now()
	v.purgeExpired(now.Unix())
	resource := v.id() + "/secrets"
	if x.name != "" {
		resource += "/" + x.name
	}
	caller := fmt.Sprintf("appid=%s;oid=%s;iss=%s", x.c.AppID, x.c.OID, x.c.Iss)
	if v.RBAC {
		if !t.m.allowed(x.c.OID, "Microsoft.KeyVault/vaults/"+op.action, resource, now, true) {
			kvError(x.w, http.StatusForbidden, "Forbidden", fmt.Sprintf("Caller is not authorized to perform action on resource.\r\nIf role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\nCaller: %s\r\nAction: 'Microsoft.KeyVault/vaults/%s'\r\nResource: '%s'\r\nAssignment: (not found)\r\nDenyAssignmentId: null\r\nDecisionReason: null \r\nVault: %s;location=%s\r\n",
				caller, op.action, strings.ToLower(resource), v.Name, v.Location), "ForbiddenByRbac")
			return
		}
	} else if !v.policyAllows(x.c, op.perm) {
		kvError(x.w, http.StatusForbidden, "Forbidden", fmt.Sprintf("The user, group or application '%s' does not have secrets %s permission on key vault '%s;location=%s'. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287",
			caller, op.perm, v.Name, v.Location), "AccessDenied")
		return
	}
	fn(v)
}

// policyAllows looks the caller's token oid up in the access policies; the RBAC roles
// play no part on an access-policy vault.
func (v *vault) policyAllows(c *claims, perm string) bool {
	for _, p := range v.AccessPolicies {
		if strings.EqualFold(p.ObjectID, c.OID) && strings.EqualFold(p.TenantID, c.TID) &&
			slices.ContainsFunc(p.Secrets, func(s string) bool { return strings.EqualFold(s, perm) || strings.EqualFold(s, "all") }) {
			return true
		}
	}
	return false
}

func (x *kvCall) notFound(what string) {
	kvError(x.w, http.StatusNotFound, "SecretNotFound", fmt.Sprintf("A secret with (name/id) %s was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182", what), "")
}

func (x *kvCall) deletedNotFound() {
	kvError(x.w, http.StatusNotFound, "SecretNotFound", "Deleted Secret not found", "")
}

// base is the vault URL as the client reached it; object IDs are built on it so that
// azsecrets' ID.Name() and ID.Version() find their path segments.
func (x *kvCall) base() string { return "https://" + x.r.Host }
