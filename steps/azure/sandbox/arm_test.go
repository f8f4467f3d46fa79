package sandbox

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/keyvault/armkeyvault"
)

func TestARMAuthentication(t *testing.T) {
	forWirings(t, func(t *testing.T, w Wiring) {
		e := start(t, w, "healthy")
		subsURL := e.armURL("/subscriptions/" + e.info.SubscriptionID + "/providers/Microsoft.KeyVault/vaults?api-version=2024-11-01")

		got := e.rawErr("GET", subsURL, "", "")
		wantRaw(t, got, 401, "AuthenticationFailed", "")
		if !strings.Contains(got.Header.Get("WWW-Authenticate"), `error="invalid_token"`) {
			t.Fatalf("ARM 401 challenge: %q", got.Header.Get("WWW-Authenticate"))
		}
		wantRaw(t, e.rawErr("GET", subsURL, "not.a.jwt", ""), 401, "InvalidAuthenticationToken", "")
		// A well-formed token whose signature was tampered with.
		tok := e.armToken()
		wantRaw(t, e.rawErr("GET", subsURL, tok[:len(tok)-4]+"AAAA", ""), 401, "InvalidAuthenticationToken", "")
		wantRaw(t, e.rawErr("GET", subsURL, e.vaultToken(), ""), 401, "InvalidAuthenticationTokenAudience", "")

		st, _, _ := e.raw("GET", subsURL, tok, "")
		if st != 200 {
			t.Fatalf("valid token: %d", st)
		}
		e.clock.Advance(61 * time.Minute)
		wantRaw(t, e.rawErr("GET", subsURL, tok, ""), 401, "ExpiredAuthenticationToken", "")
	})
}

func TestARMForeignTenantToken(t *testing.T) {
	forWirings(t, func(t *testing.T, w Wiring) {
		e := start(t, w, "healthy")
		tid, err := e.ten.AddDirectory("fabrikam.onmicrosoft.com")
		must(t, err)
		app, err := e.ten.RegisterApp(tid, "fabrikam app")
		must(t, err)
		s, err := e.ten.AddClientSecret(app, 0)
		must(t, err)
		foreign := e.credFor(tid, app, s.Value)
		subs, err := e.listSubs(foreign)
		must(t, err)
		if len(subs) != 0 {
			t.Fatalf("a foreign tenant's app sees %v", subs)
		}
		tok := e.tokenFor(foreign, "https://management.core.windows.net//.default")
		wantRaw(t, e.rawErr("GET", e.armURL("/subscriptions/"+e.info.SubscriptionID+"/providers/Microsoft.KeyVault/vaults?api-version=2024-11-01"), tok, ""),
			401, "InvalidAuthenticationTokenTenant", "")
		// Key Vault answers a token of another tenant with AKV10032.
		kv := e.tokenFor(foreign, "https://vault.azure.net/.default")
		got := e.rawErr("GET", e.vaultURL("/secrets?api-version=2026-04-01"), kv, "")
		wantRaw(t, got, 401, "Unauthorized", "")
		if !strings.HasPrefix(got.Message, "AKV10032: Invalid issuer. Expected one of https://sts.windows.net/"+e.info.TenantID+"/") {
			t.Fatalf("message: %s", got.Message)
		}
	})
}

func TestARMAPIVersion(t *testing.T) {
	e := start(t, Loopback, "healthy")
	tok := e.armToken()
	wantRaw(t, e.rawErr("GET", e.armURL("/subscriptions"), tok, ""), 400, "MissingApiVersionParameter", "")
	wantRaw(t, e.rawErr("GET", e.armURL("/subscriptions?api-version=7.4"), tok, ""), 400, "InvalidApiVersionParameter", "")
	st, _, _ := e.raw("GET", e.armURL("/subscriptions?api-version=2099-01-01-preview"), tok, "")
	if st != 200 {
		t.Fatalf("any date-shaped api-version is accepted, got %d", st)
	}
	for _, r := range e.ten.Requests() {
		if r.Service == "arm" && r.APIVersion == "2022-12-01" {
			return
		}
	}
}

func TestARMPagingFollowsNextLink(t *testing.T) {
	forWirings(t, func(t *testing.T, w Wiring) {
		e := startOpts(t, Options{Wiring: w, PageSize: 1})
		for i := 0; i < 3; i++ {
			sub := e.ten.addSubscription(e.info.TenantID, "extra", "rg")
			must(t, e.ten.AssignRole(e.info.ClientID, "Reader", "/subscriptions/"+sub))
		}
		subs, err := e.listSubs(e.cred())
		must(t, err)
		if len(subs) != 4 {
			t.Fatalf("paged subscriptions = %d, want 4", len(subs))
		}
		var pages int
		for _, r := range e.ten.Requests() {
			if r.Service == "arm" && r.Path == "/subscriptions" && r.Status == 200 {
				pages++
				if r.APIVersion != "2022-12-01" {
					t.Errorf("nextLink lost api-version: %+v", r)
				}
			}
		}
		if pages != 4 {
			t.Fatalf("pages = %d, want 4", pages)
		}
		// $top from the SDK pages the vault list too.
		p := e.vaultsClient(e.cred()).NewListBySubscriptionPager(&armkeyvault.VaultsClientListBySubscriptionOptions{Top: ptr[int32](1)})
		var names []string
		for p.More() {
			page, err := p.NextPage(ctx(t))
			must(t, err)
			if len(page.Value) != 1 {
				t.Fatalf("$top=1 gave a page of %d vaults", len(page.Value))
			}
			names = append(names, *page.Value[0].Name)
		}
		if !slices.Equal(names, []string{e.info.VaultName, readableVault}) {
			t.Fatalf("paged vaults = %v, want the target, then the shared vault", names)
		}
	})
}

func ptr[T any](v T) *T { return &v }

func TestARMVaultListsFollowRoles(t *testing.T) {
	forWirings(t, func(t *testing.T, w Wiring) {
		e := start(t, w, "no-role")
		cred := e.cred()
		generic := func() int {
			n := 0
			for p := e.vaultsClient(cred).NewListPager(nil); p.More(); {
				page, err := p.NextPage(ctx(t))
				must(t, err)
				for _, r := range page.Value {
					if !strings.Contains(*r.ID, "/providers/Microsoft.KeyVault/vaults/kv-contoso-") || *r.Type != "Microsoft.KeyVault/vaults" {
						t.Fatalf("generic resource %+v", r)
					}
				}
				n += len(page.Value)
			}
			return n
		}
		byRG := func() int {
			n := 0
			for p := e.vaultsClient(cred).NewListByResourceGroupPager(e.info.ResourceGroup, nil); p.More(); {
				page, err := p.NextPage(ctx(t))
				must(t, err)
				n += len(page.Value)
			}
			return n
		}
		// Key Vault Reader alone: its vaults/*/read does not cover vaults/read (see roles.go).
		must(t, e.ten.AssignRole(e.info.ClientID, "Key Vault Reader", "vault"))
		if n, m := generic(), byRG(); n != 0 || m != 0 {
			t.Fatalf("Key Vault Reader alone lists %d/%d vaults", n, m)
		}
		// Reader at subscription scope covers the vaults below it: all four, two of
		// them in the practice resource group.
		must(t, e.ten.AssignRole(e.info.ClientID, "Reader", "subscription"))
		if n, m := generic(), byRG(); n != 4 || m != 2 {
			t.Fatalf("Reader at the subscription lists %d/%d vaults", n, m)
		}
		// A vault that does not exist: 404 once the caller may read at that scope.
		_, err := e.vaultsClient(cred).Get(ctx(t), e.info.ResourceGroup, "kv-missing", nil)
		wantAz(t, err, 404, "ResourceNotFound", "")
		_, err = e.vaultsClient(cred).Get(ctx(t), "rg-missing", "kv-missing", nil)
		wantAz(t, err, 404, "ResourceGroupNotFound", "")
		// Permissions at the resource group include the subscription's Reader, not the vault's role.
		n := 0
		for p := e.permsClient(cred).NewListForResourceGroupPager(e.info.ResourceGroup, nil); p.More(); {
			page, err := p.NextPage(ctx(t))
			must(t, err)
			n += len(page.Value)
		}
		if n != 1 {
			t.Fatalf("permissions at the RG: %d entries, want 1", n)
		}
		must(t, e.ten.RemoveRole(e.info.ClientID, "Reader", "subscription"))
		if n := generic(); n != 0 {
			t.Fatalf("after removing Reader the vault still lists (%d)", n)
		}
	})
}

func TestARMUnknownSubscriptionAndReadOnly(t *testing.T) {
	e := start(t, Hostnames, "healthy")
	tok := e.armToken()
	wantRaw(t, e.rawErr("GET", e.armURL("/subscriptions/"+newGUID()+"/providers/Microsoft.KeyVault/vaults?api-version=2024-11-01"), tok, ""), 404, "SubscriptionNotFound", "")
	before := e.snapshot()
	wantRaw(t, e.rawErr("PUT", e.armURL(e.info.VaultID+"?api-version=2024-11-01"), tok, `{}`), 405, "MethodNotAllowed", "")
	e.unchangedSince(before)
}
