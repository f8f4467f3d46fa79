package tui

import (
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/azure"
	"github.com/kvbridge/kvbridge/steps/azure/sandbox"
)

// testLive is a Live on the in-process practice tenant with short retries,
// wired as cmd/kvbridge wires it (public cloud, the tenant's transport).
func testLive(initial steps.Connection) *Live {
	return &Live{
		Initial: initial,
		StartPractice: func(s string) (*sandbox.Tenant, error) {
			return sandbox.Start(sandbox.Options{Scenario: s, Wiring: sandbox.Hostnames, Seed: 7})
		},
		Config: func(c steps.Connection, secret string, p *sandbox.Tenant) azure.Config {
			cfg := azure.Config{TenantID: c.TenantID, ClientID: c.ClientID, ClientSecret: secret, Vault: c.Vault,
				SecretName: c.SecretName, ExpectUsernameTag: c.MapUsername, Username: c.Username,
				Retry: policy.RetryOptions{MaxRetries: 1, RetryDelay: 10 * time.Millisecond, MaxRetryDelay: 50 * time.Millisecond}}
			if c.SecretExpires != nil {
				cfg.SecretExpires = *c.SecretExpires
			}
			if p != nil {
				in := p.Info()
				cfg.Transport = p.HTTPClient()
				if cfg.Vault == "" || strings.EqualFold(cfg.Vault, in.VaultName) {
					cfg.Vault = in.VaultID
				}
			}
			return cfg
		},
	}
}

// newLiveTest is newTest with a Live; it runs the start-up commands (the
// practice tenant starts) and closes the tenant at the end.
func newLiveTest(t testing.TB, w, h int, l *Live, mut ...func(*Options)) Model {
	t.Helper()
	m := newTest(t, w, h, append([]func(*Options){func(o *Options) { o.Live = l }}, mut...)...)
	m = drain(t, m, m.initCmd)
	t.Cleanup(func() { m.live.closeLive() })
	return m
}

// drain runs commands the way the program would, feeding their messages
// back, until none is left. Spinner frames are skipped (they would tick
// forever); nothing here waits on a timer.
func drain(t testing.TB, m Model, cmd tea.Cmd) Model {
	t.Helper()
	queue := []tea.Cmd{cmd}
	deadline := time.Now().Add(30 * time.Second)
	for len(queue) > 0 {
		if time.Now().After(deadline) {
			t.Fatal("commands did not settle")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case nil, spinner.TickMsg, tea.QuitMsg, watchTickMsg:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		default:
			nm, next := m.Update(msg)
			m = nm.(Model)
			queue = append(queue, next)
		}
	}
	// Keep the tenant of the final model for the cleanup.
	return m
}

// keys presses keys and runs what they start to the end.
func keys(t testing.TB, m Model, ks ...string) Model {
	t.Helper()
	for _, k := range ks {
		nm, cmd := m.Update(keyMsg(k))
		m = drain(t, nm.(Model), cmd)
	}
	return m
}

func typeText(t testing.TB, m Model, s string) Model {
	t.Helper()
	for _, r := range s {
		m = keys(t, m, string(r))
	}
	return m
}

func TestLiveHealthySection1(t *testing.T) {
	m := newLiveTest(t, 100, 40, testLive(steps.Connection{Kind: steps.ConnPractice, Scenario: "healthy"}))
	m = gotoScreen(t, m, "1/check")
	m = keys(t, m, "r")
	v := view(m)
	t.Log("\n" + v)
	for _, id := range m.sectionIDs(0) {
		if !m.state.Checks[id].Passed() {
			t.Errorf("%s: %+v", id, m.state.Checks[id])
		}
	}
}
