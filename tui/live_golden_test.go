package tui

import (
	"fmt"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/azure"
	"github.com/kvbridge/kvbridge/tui/session"
)

// Fixed identifiers, so the goldens do not depend on a practice tenant's
// random ones. Live results are injected as messages: no network here.
const (
	gTenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"
	gClient = "0c5b5d1e-6a2f-4c3e-9d7a-1b2c3d4e5f60"
	gObject = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
	gSub    = "11111111-2222-4333-8444-555555555555"
	gVault  = "/subscriptions/" + gSub + "/resourceGroups/rg-delinea/providers/Microsoft.KeyVault/vaults/kv-prod"
)

// liveGolden is a wizard connected to "your tenant" with the forms filled,
// on the given screen, with no run yet.
func liveGolden(t testing.TB, w, h int, screen string) *Model {
	t.Helper()
	l := testLive(steps.Connection{Kind: steps.ConnTenant, TenantID: gTenant, ClientID: gClient, Vault: "kv-prod"})
	l.Secret = "Qx8~abcdefghijklmnopqrstuvwxyz0123456789"
	m := newTest(t, w, h, func(o *session.Options) { o.Live = l })
	return gotoScreen(t, m, screen)
}

// inject feeds one result of the current attempt, as the engine would.
func inject(t *testing.T, m *Model, rs ...azure.Result) *Model {
	t.Helper()
	for _, r := range rs {
		m = update(t, m, liveResultMsg{attempt: m.live.attempt, res: r})
	}
	return m
}

// startFakeRun marks a run as started (as runChecks does) without running it.
func startFakeRun(m *Model, ids []string) *Model {
	m.live.attempt++
	m.live.running, m.live.runIDs = true, ids
	return refresh(m)
}

func endFakeRun(t *testing.T, m *Model, vaults []azure.VaultInfo) *Model {
	t.Helper()
	rep := &azure.Report{Vaults: vaults}
	for _, id := range m.live.runIDs {
		if r, ok := m.live.results[id]; ok {
			rep.Results = append(rep.Results, r)
		}
	}
	return update(t, m, liveDoneMsg{attempt: m.live.attempt, report: rep})
}

var (
	tokenExp = time.Date(2026, 5, 4, 10, 15, 0, 0, time.UTC)
	pass     = func(id, title string) azure.Result {
		return azure.Result{ID: id, Status: azure.StatusPass, Title: title}
	}
	tokenOK = azure.Result{ID: "auth.token", Status: azure.StatusPass, Title: "Entra ID issued a token (tenant " + gTenant + ")",
		Evidence: azure.Evidence{TokenTenant: gTenant, AppID: gClient, ObjectID: gObject, TokenExpires: &tokenExp}}
	writeFail = azure.Result{ID: "rbac.secrets-write", Status: azure.StatusFail, Cause: "missing-write",
		Title:    "The app may read secrets but not write them",
		Detail:   "Its effective data actions on kv-prod lack Microsoft.KeyVault/vaults/secrets/setSecret/action, which Delinea's sync needs: Key Vault Secrets User reads only.",
		Evidence: azure.Evidence{Action: "Microsoft.KeyVault/vaults/secrets/setSecret/action", Scope: gVault, DataActions: []string{"Microsoft.KeyVault/vaults/secrets/getSecret/action", "Microsoft.KeyVault/vaults/secrets/readMetadata/action"}},
		Fix: &azure.Fix{Summary: "Assign Key Vault Secrets Officer to the app on the vault.",
			Portal: "Key vaults › kv-prod › Access control (IAM) › Add role assignment › Key Vault Secrets Officer",
			Az:     []string{`az role assignment create --role "Key Vault Secrets Officer" --assignee ` + gClient + ` --scope ` + gVault}}}
	vaultsEmpty = azure.Result{ID: "arm.vaults", Status: azure.StatusFail, Cause: "none-listed", Title: "Delinea's vault dropdown will be empty",
		Detail:   "ARM lists no vault in the 1 subscription the app can see. The permissions API on the vault shows secret data actions but no Microsoft.KeyVault/vaults/read: add Reader on the vault.",
		Evidence: azure.Evidence{Action: "Microsoft.KeyVault/vaults/read", Subscriptions: 1},
		Fix: &azure.Fix{Summary: "Assign Reader to the app on the vault (or its resource group), so ARM lists it.",
			Az: []string{`az role assignment create --role "Reader" --assignee ` + gClient + ` --scope ` + gVault}}}
)

func liveGoldenCases() []stateCase {
	return []stateCase{
		{"chooser", func(t *testing.T, w, h int) *Model {
			return newTest(t, w, h, func(o *session.Options) { o.Live = testLive(steps.Connection{}) })
		}},
		{"s1-form-errors", func(t *testing.T, w, h int) *Model {
			m := liveGolden(t, w, h, "1/check")
			m.live.fields[fTenant].set("contoso")
			m.live.fields[fClient].set("not-a-guid")
			m.live.secret("5f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f")
			m.live.fields[fVault].set("kv")
			return refresh(m)
		}},
		{"s1-editing-secret", func(t *testing.T, w, h int) *Model {
			m := liveGolden(t, w, h, "1/check")
			return press(t, m, "down", "down", "enter")
		}},
		{"s1-running", func(t *testing.T, w, h int) *Model {
			m := liveGolden(t, w, h, "1/check")
			m = startFakeRun(m, m.sectionIDs(0))
			return inject(t, m, pass("input.tenant-id", "The tenant ID is well formed"), pass("input.client-id", "The client ID is a GUID"),
				pass("input.client-secret", "A client secret value was given"))
		}},
		{"s1-results", func(t *testing.T, w, h int) *Model {
			m := liveGolden(t, w, h, "1/check")
			m = startFakeRun(m, m.sectionIDs(0))
			exp := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
			m = inject(t, m, pass("input.tenant-id", "The tenant ID is well formed"), pass("input.client-id", "The client ID is a GUID"),
				pass("input.client-secret", "A client secret value was given"), tokenOK,
				pass("vault.permission-model", "The vault uses Azure RBAC"), writeFail,
				azure.Result{ID: "credential.expiry", Status: azure.StatusPass, Title: "The client secret expires on 2026-11-01, in 181 days", Evidence: azure.Evidence{SecretExpires: &exp}})
			m = endFakeRun(t, m, nil)
			return press(t, m, "end")
		}},
		{"s2-picker", func(t *testing.T, w, h int) *Model {
			m := liveGolden(t, w, h, "2/check")
			m = startFakeRun(m, m.sectionIDs(1))
			m = inject(t, m, tokenOK, pass("arm.subscriptions", "2 subscriptions visible"),
				pass("arm.vaults", "Delinea's dropdown will list 3 vaults, including kv-prod"),
				pass("vault.network", "The vault accepts calls from this network"), pass("data.secrets", "Key Vault answered a read-only call"))
			rbac := true
			m = endFakeRun(t, m, []azure.VaultInfo{
				{Name: "kv-prod", ResourceGroup: "rg-delinea", Location: "westeurope", RBAC: &rbac},
				{Name: "kv-dev", ResourceGroup: "rg-dev", Location: "westeurope", RBAC: &rbac},
				{Name: "kv-legacy", ResourceGroup: "rg-old", Location: "northeurope", RBAC: new(bool)},
			})
			return press(t, m, "down", "down")
		}},
		{"s2-diagnosis", func(t *testing.T, w, h int) *Model {
			m := liveGolden(t, w, h, "2/check")
			m = startFakeRun(m, m.sectionIDs(1))
			m = inject(t, m, tokenOK, pass("arm.subscriptions", "1 subscription visible"), vaultsEmpty,
				pass("vault.network", "The vault accepts calls from this network"), pass("data.secrets", "Key Vault answered a read-only call"))
			return endFakeRun(t, m, nil)
		}},
		{"s3-sync", func(t *testing.T, w, h int) *Model {
			m := newTest(t, w, h, func(o *session.Options) {
				o.Live = testLive(steps.Connection{Kind: steps.ConnPractice, Scenario: "healthy", Vault: "kv-contoso-practice"})
			})
			m.live.starting = false
			m = gotoScreen(t, m, "3/check")
			m.live.attempt++
			m.live.syncing = true
			m = update(t, m, syncDoneMsg{attempt: m.live.attempt, res: azure.SyncResult{Result: azure.Result{ID: azure.SyncCheckID, Status: azure.StatusFail,
				Cause: "forbidden-by-rbac", Title: "Key Vault refused to write Prod-VM-Admin-Pass (ForbiddenByRbac)",
				Detail:   "The app's roles on kv-contoso-practice do not include Microsoft.KeyVault/vaults/secrets/setSecret/action. Delinea would show the sync as failed.",
				Evidence: azure.Evidence{HTTPStatus: 403, ErrorCode: "Forbidden", InnerCode: "ForbiddenByRbac", Action: "Microsoft.KeyVault/vaults/secrets/setSecret/action"},
				Fix:      &azure.Fix{Summary: "Assign Key Vault Secrets Officer to the app on the vault."}}}})
			return m
		}},
		{"s3-verified", func(t *testing.T, w, h int) *Model {
			m := liveGolden(t, w, h, "3/check")
			m = press(t, m, "down", "space")
			m = startFakeRun(m, m.sectionIDs(2))
			m = inject(t, m, pass("mapping.name", "The secret name follows Key Vault's rules"),
				pass("mapping.secret", "The secret Prod-VM-Admin-Pass exists and is enabled"),
				pass("mapping.tag", "The secret carries the tag \"username\""),
				azure.Result{ID: "mapping.value", Status: azure.StatusSkip, Cause: azure.CauseNotAsked, Title: "Not asked", Detail: "Nothing to check: no password was given."})
			return endFakeRun(t, m, nil)
		}},
		{"s4-expiry", func(t *testing.T, w, h int) *Model {
			m := liveGolden(t, w, h, "4/troubleshooting")
			m = press(t, m, "enter")
			m = typeText(t, m, "2026-09-30")
			return press(t, m, "enter")
		}},
		{"practice-menu", func(t *testing.T, w, h int) *Model {
			m := newTest(t, w, h, func(o *session.Options) {
				o.Live = testLive(steps.Connection{Kind: steps.ConnPractice, Scenario: "no-vault-read"})
			})
			m.live.starting = false
			m = gotoScreen(t, m, "2/check")
			return press(t, m, "p")
		}},
	}
}

// TestGoldenLive renders the live screens at 80x24 and 120x40.
func TestGoldenLive(t *testing.T) {
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			for _, c := range liveGoldenCases() {
				t.Run(c.name, func(t *testing.T) {
					m := c.build(t, sz.w, sz.h)
					checkFrame(t, m)
					golden.RequireEqual(t, view(m))
				})
			}
		})
	}
}
