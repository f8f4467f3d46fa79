package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/azure"
	"github.com/kvbridge/kvbridge/steps/live"
	"github.com/kvbridge/kvbridge/steps/live/livetest"
	"github.com/kvbridge/kvbridge/tui/session"
)

// Fixed identifiers, so the goldens do not depend on a practice tenant's
// random ones.
const (
	gTenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"
	gClient = "0c5b5d1e-6a2f-4c3e-9d7a-1b2c3d4e5f60"
	gObject = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
)

// widths are the component goldens' widths: the smallest terminal, the
// classic one, a wide one.
var widths = []int{MinWidth, 80, 120}

// tenantWizard is a wizard connected to "your tenant" with the IDs given,
// on a screen; nothing is run (no network).
func tenantWizard(t testing.TB, w, h int, screen string) *Model {
	t.Helper()
	l := testLive(steps.Connection{Kind: steps.ConnTenant, TenantID: gTenant, ClientID: gClient, Vault: "kv-prod"})
	l.Secret = "Qx8~abcdefghijklmnopqrstuvwxyz0123456789"
	m := newLiveTest(t, w, h, l)
	return gotoScreen(t, m, screen)
}

var (
	tokenExp = time.Date(2026, 5, 4, 10, 15, 0, 0, time.UTC)
	scope    = "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg-delinea-practice/providers/Microsoft.KeyVault/vaults/kv-prod"
)

// goldenRows are result rows of every kind: a pass, a fail with evidence
// and a fix in two ways (alternatives, each with its cost), a warning, a
// skip with why, one from an earlier run, one not run.
func goldenRows() []live.Row {
	fail := azure.Result{ID: "rbac.secrets-write", Status: azure.StatusFail, Cause: "missing-write",
		Title:    "The app may read secrets but not write them",
		Detail:   "Its data actions on kv-prod lack Microsoft.KeyVault/vaults/secrets/setSecret/action, which Delinea's sync needs.",
		Evidence: azure.Evidence{HTTPStatus: 403, InnerCode: "ForbiddenByRbac", Scope: scope, RequestID: "1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b"},
		Fix: &azure.Fix{Summary: "Give the app a role that writes secrets on the vault.",
			Portal: "Key vaults › kv-prod › Access control (IAM) › Add role assignment",
			Ways: []azure.Way{
				{Text: "Assign Key Vault Secrets Officer on the vault", Cost: "none beyond the fix", Az: []string{`az role assignment create --role "Key Vault Secrets Officer" --assignee ` + gClient + ` --scope ` + scope}},
				{Text: "Assign it on the resource group", Cost: "every vault in rg-delinea-practice", Az: []string{`az role assignment create --role "Key Vault Secrets Officer" --assignee ` + gClient + ` --scope /subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg-delinea-practice`}},
			}}}
	warn := azure.Result{ID: "credential.expiry", Status: azure.StatusWarn, Cause: "expires-soon",
		Title: "The client secret expires in 12 days", Detail: "Renew it before 2026-05-16: Delinea stops syncing when it expires."}
	skip := azure.Result{ID: "vault.permission-model", Status: azure.StatusSkip, Cause: "skipped",
		Title: "Not checked", Detail: "The vault was not named: give it in the Vault field to check its permission model."}
	pass := azure.Result{ID: "auth.token", Status: azure.StatusPass, Title: "Entra ID issued a token (tenant " + gTenant + ")",
		Evidence: azure.Evidence{TokenTenant: gTenant, AppID: gClient, ObjectID: gObject, TokenExpires: &tokenExp}}
	return []live.Row{
		live.RowOf(pass), live.RowOf(fail), live.RowOf(warn), live.RowOf(skip),
		{ID: "arm.vaults", Status: steps.StatusPass, Title: "ARM lists 3 vaults to the app, kv-prod among them", Earlier: true},
		{ID: "data.secrets", Status: live.NotRun, Title: "Key Vault answers a read-only call"},
	}
}

// goldenFields are field rows of every kind.
func goldenFields() []live.Field {
	return []live.Field{
		{Name: steps.FieldTenantID, Label: "Tenant ID", Hint: "Directory (tenant) ID", Value: gTenant},
		{Name: steps.FieldClientID, Label: "Client ID", Hint: "Application (client) ID", Value: "not-a-guid",
			Problem: azure.InputProblem{Status: azure.StatusFail, Cause: "not a GUID", Detail: "The client ID is a GUID: copy the Application (client) ID from the app's Overview page."}},
		{Name: steps.FieldClientSecret, Label: "Client secret", Hint: "the secret's Value", Value: "Qx8************", Secret: true},
		{Name: steps.FieldCloud, Label: "Cloud", Value: "public", Choices: []string{"public", "china", "usgov"}},
		{Name: steps.FieldVault, Label: "Vault", Hint: "name, URL or resource ID; none: list only", Value: scope},
		{Name: steps.FieldPassword, Label: "Password", Hint: "the Delinea password, compared by SHA-256; none: skip", Secret: true},
	}
}

// TestGoldenComponents draws each component alone at three widths: the
// header, the footer, result rows and field rows.
func TestGoldenComponents(t *testing.T) {
	for _, w := range widths {
		t.Run(fmt.Sprint(w), func(t *testing.T) {
			m := tenantWizard(t, w, 24, "1/check")
			m = press(t, m, "down") // a selection on the form
			c := m.com
			cw := c.ContentWidth()
			t.Run("header", func(t *testing.T) {
				golden.RequireEqual(t, ansi.Strip(m.header()))
			})
			t.Run("footer", func(t *testing.T) {
				m.status = "Checks done. 7 checks: 5 passed, 1 warned, 1 failed."
				defer func() { m.status = "" }()
				golden.RequireEqual(t, ansi.Strip(m.footer(0, 17, 40)))
			})
			t.Run("result-rows", func(t *testing.T) {
				var b lineBuf
				c.resultRows(&b, goldenRows(), false, cw)
				checkWidth(t, b.lines, cw)
				golden.RequireEqual(t, ansi.Strip(strings.Join(b.lines, "\n")))
			})
			t.Run("field-rows", func(t *testing.T) {
				var b lineBuf
				fs := goldenFields()
				for i, f := range fs {
					c.fieldRow(&b, f, nil, i == 1, false, labelWidth(fs, cw), cw)
				}
				editing := newField()
				editing.set("密钥-" + strings.Repeat("x", 60))
				c.fieldRow(&b, live.Field{Name: steps.FieldSecretName, Label: "Secret name", Value: editing.value()}, editing, true, true, labelWidth(fs, cw), cw)
				checkWidth(t, b.lines, cw)
				golden.RequireEqual(t, ansi.Strip(strings.Join(b.lines, "\n")))
			})
		})
	}
}

func checkWidth(t *testing.T, lines []string, w int) {
	t.Helper()
	for i, l := range lines {
		if lw := ansi.StringWidth(l); lw > w {
			t.Errorf("line %d is %d wide, the width is %d: %q", i+1, lw, w, ansi.Strip(l))
		}
	}
}

// TestGoldenLive draws whole frames of the live pages at 80x24 and 120x40.
func TestGoldenLive(t *testing.T) {
	cases := []stateCase{
		{"chooser", func(t *testing.T, w, h int) *Model {
			return newLiveTest(t, w, h, testLive(steps.Connection{}))
		}},
		{"s1-form", func(t *testing.T, w, h int) *Model {
			return tenantWizard(t, w, h, "1/check")
		}},
		{"s1-editing-secret", func(t *testing.T, w, h int) *Model {
			m := tenantWizard(t, w, h, "1/check")
			for screenItem(m) != steps.FieldClientSecret {
				m = press(t, m, "down")
			}
			return press(t, m, "enter")
		}},
		{"s1-form-errors", func(t *testing.T, w, h int) *Model {
			m := tenantWizard(t, w, h, "1/check")
			for screenItem(m) != steps.FieldClientID {
				m = press(t, m, "down")
			}
			m = keys(t, m, "enter", "ctrl+u")
			m = typeText(t, m, "not-a-guid")
			return keys(t, m, "enter")
		}},
		{"s4-expiry", func(t *testing.T, w, h int) *Model {
			m := tenantWizard(t, w, h, "4/troubleshooting")
			m = keys(t, m, "enter")
			m = typeText(t, m, "2026-09-30")
			return keys(t, m, "enter")
		}},
		{"practice-menu", func(t *testing.T, w, h int) *Model {
			m := newLiveTest(t, w, h, testLive(steps.Connection{Kind: steps.ConnPractice, Scenario: "no-vault-read"}))
			m = gotoScreen(t, m, livetest.CheckScreen(m.com.Mach, 1))
			return keys(t, m, "p")
		}},
	}
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					m := c.build(t, sz.w, sz.h)
					checkFrame(t, m)
					golden.RequireEqual(t, view(m))
				})
			}
		})
	}
}

var _ = session.Options{}
