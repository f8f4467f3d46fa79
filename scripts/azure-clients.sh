#!/usr/bin/env bash
# Runs Microsoft's own clients (the Azure CLI and the Python SDK) against a practice
# tenant, as a trainee would: az cloud register + az login, then the commands the course
# names. Needs az and python3-azure (or pip's azure-identity, azure-keyvault-secrets,
# azure-mgmt-keyvault, azure-mgmt-authorization). Not part of go test: `make clients`.
#   scripts/azure-clients.sh [KVBRIDGE_BINARY]
set -euo pipefail
KVB=${1:-./bin/kvbridge}
command -v az >/dev/null || { echo "azure-clients: the Azure CLI (az) is not installed" >&2; exit 2; }
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
"$KVB" sandbox serve --json >"$work/serve.json" &
pid=$!
for _ in $(seq 100); do grep -q "}$" "$work/serve.json" 2>/dev/null && break; sleep 0.1; done
j() { python3 -c "import json,sys; print(json.load(open('$work/serve.json'))['$1'])"; }
TENANT=$(j tenant_id); CLIENT=$(j client_id); SECRET=$(j client_secret); CA=$(j ca_file)
ARM=$(j arm_endpoint); GRAPH=$(j graph_endpoint); PROXY=$(j https_proxy); SUB=$(j subscription_id)
VAULT=$(j vault_name); VAULTID=$(j vault_id); VAULTURL=$(python3 -c "import json; print(json.load(open('$work/serve.json'))['vault_urls'][0])")
export AZURE_CONFIG_DIR="$work/az" REQUESTS_CA_BUNDLE="$CA" HTTPS_PROXY="$PROXY" AZURE_CORE_COLLECT_TELEMETRY=0 AZURE_CORE_ONLY_SHOW_ERRORS=1
unset NO_PROXY no_proxy
fails=0
run() { echo "\$ $*"; if "$@" >"$work/out" 2>&1; then head -c 1500 "$work/out"; echo; else echo "FAILED:"; cat "$work/out"; fails=$((fails+1)); fi; }
# Debian's azure-cli 2.45 breaks before sending anything in two places: role assignment
# lists ('RoleDefinitionsOperations' object has no attribute 'config', an SDK version
# mismatch) and Key Vault's data plane (No module named 'azure.keyvault.v7_0'). Those are
# reported, not counted; the Python SDK below sends the same requests.
known='RoleDefinitionsOperations. object has no attribute .config|No module named .azure.keyvault.v7_0'
run_az() { echo "\$ $*"; if "$@" >"$work/out" 2>&1; then head -c 1500 "$work/out"; echo
  elif grep -Eq "$known" "$work/out"; then echo "(this az build fails before sending a request: $(grep -Eo "$known" "$work/out" | head -1))"
  else echo "FAILED:"; cat "$work/out"; fails=$((fails+1)); fi; }
# ARM's metadata/endpoints gives the login endpoint and ARM audience; Graph and the Key
# Vault suffix are added after (az reads no metadata when --cloud-config is given).
run az cloud register -n KvbridgePractice --endpoint-resource-manager "$ARM/"
run az cloud update -n KvbridgePractice \
  --cloud-config "{\"endpoints\":{\"microsoftGraphResourceId\":\"$GRAPH/\"},\"suffixes\":{\"keyvaultDns\":\".vault.azure.net\"}}"
run az cloud set -n KvbridgePractice
run az login --service-principal -u "$CLIENT" -p "$SECRET" --tenant "$TENANT" -o table
run az account show -o table
run az keyvault list -o table
run_az az role assignment list --assignee "$CLIENT" --all -o table
run_az az role assignment list --assignee "$CLIENT" --scope "$VAULTID" -o table
run az ad app show --id "$CLIENT" --query "{appId:appId,id:id,displayName:displayName}" -o table
run az ad sp show --id "$CLIENT" --query "{appId:appId,id:id,displayName:displayName}" -o table
run az ad app credential list --id "$CLIENT" -o table
run az keyvault show --name "$VAULT" --query "{name:name,rbac:properties.enableRbacAuthorization,uri:properties.vaultUri}" -o table
run_az az keyvault secret show --id "${VAULTURL}secrets/Prod-VM-Admin-Pass" --query "{name:name,tags:tags}" -o json
run_az az keyvault secret list --vault-name "$VAULT" -o table
echo "== Python SDK"
cat >"$work/sdk.py" <<PY
import os
from azure.identity import ClientSecretCredential
from azure.keyvault.secrets import SecretClient
from azure.mgmt.keyvault import KeyVaultManagementClient
from azure.mgmt.authorization import AuthorizationManagementClient
cred = ClientSecretCredential("$TENANT", "$CLIENT", "$SECRET", authority="$(j authority_host)")
arm = dict(base_url="$ARM", credential_scopes=["https://management.core.windows.net/.default"])
kv = KeyVaultManagementClient(cred, "$SUB", **arm)
print("vaults:", [v.name for v in kv.vaults.list_by_subscription()])
az = AuthorizationManagementClient(cred, "$SUB", **arm)
me = next(iter(az.role_assignments.list_for_scope("$VAULTID", filter="atScope()"))).principal_id
print("assignments of the app:", len(list(az.role_assignments.list_for_subscription(filter="principalId eq '%s'" % me))))
print("Reader:", [d.id.rsplit("/", 1)[-1] for d in az.role_definitions.list("/subscriptions/$SUB", filter="roleName eq 'Reader'")])
print("assignments at the vault:", [(a.role_definition_id.rsplit("/", 1)[-1], a.scope.rsplit("/", 1)[-1]) for a in az.role_assignments.list_for_scope("$VAULTID", filter="atScope()")])
# By its Azure name, through the proxy: the challenge's resource check passes unchanged.
s = SecretClient("https://$VAULT.vault.azure.net/", cred).get_secret("Prod-VM-Admin-Pass")
print("secret:", s.name, s.properties.tags, "value of", len(s.value), "characters")
PY
run "${PYTHON:-/usr/bin/python3}" "$work/sdk.py"
echo "azure-clients: $fails command(s) failed"
[ "$fails" -eq 0 ]
