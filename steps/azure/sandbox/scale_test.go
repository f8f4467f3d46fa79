package sandbox

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/keyvault/armkeyvault"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"
)

// largeTenant grows the healthy tenant to subs subscriptions of vaultsPer vaults each
// (the practice subscription included), with a Reader assignment at each subscription
// and extra assignments up to assignments in all, through the practice actions.
func largeTenant(tb testing.TB, subs, vaultsPer, assignments int) (*Tenant, []string) {
	tb.Helper()
	ten, err := Start(Options{Wiring: Hostnames})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ten.Close() })
	info := ten.Info()
	ids := []string{info.SubscriptionID}
	for i := 1; i < subs; i++ {
		id, err := ten.AddSubscription(fmt.Sprintf("Practice %03d", i))
		if err != nil {
			tb.Fatal(err)
		}
		ids = append(ids, id)
	}
	n := 0
	for i, id := range ids {
		for j := range vaultsPer {
			if i == 0 && j < 1+len(otherVaults) {
				continue // the practice vault and the scenario's other vaults
			}
			if _, err := ten.AddVault(id, "rg-bulk", fmt.Sprintf("kv-bulk-%03d-%02d", i, j)); err != nil {
				tb.Fatal(err)
			}
		}
		if n < assignments {
			if err := ten.AssignRole(info.ClientID, "Reader", "/subscriptions/"+id); err != nil {
				tb.Fatal(err)
			}
			n++
		}
	}
	ten.mu.Lock()
	have := len(ten.m.Assignments)
	ten.mu.Unlock()
	if have < assignments {
		tb.Fatalf("%d assignments, want at least %d", have, assignments)
	}
	return ten, ids
}

// BenchmarkListVaultsLarge is one op = listing the vaults of every subscription (200
// ARM calls), as kvbridge's arm.vaults does, over 2,000 vaults and 200 assignments.
func BenchmarkListVaultsLarge(b *testing.B) {
	ten, ids := largeTenant(b, 200, 10, 200)
	info := ten.Info()
	tok, err := signToken(&claims{Aud: "https://management.core.windows.net/", Iss: "https://sts.windows.net/" + info.TenantID + "/",
		TID: info.TenantID, OID: spOID(ten, info.ClientID), AppID: info.ClientID, Exp: ten.now().Unix() + 3600})
	if err != nil {
		b.Fatal(err)
	}
	h := ten.handler(svcARM, "")
	b.ReportAllocs()
	for b.Loop() {
		for _, id := range ids {
			req := httptest.NewRequest("GET", "/subscriptions/"+id+"/providers/Microsoft.KeyVault/vaults?api-version=2023-07-01", nil)
			req.Host = armHost
			req.Header.Set("Authorization", "Bearer "+tok)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatal(rec.Code, rec.Body)
			}
		}
	}
}

// A vault added to a running tenant is served at once, in both wirings, and the SDK
// reaches it: ARM lists it once the app may read it, and its data plane answers.
func TestAddVaultWhileServing(t *testing.T) {
	forWirings(t, func(t *testing.T, w Wiring) {
		e := start(t, w, "healthy")
		sub, err := e.ten.AddSubscription("Contoso Extra")
		must(t, err)
		v, err := e.ten.AddVault(sub, "rg-extra", "kv-extra-01")
		must(t, err)
		if v.ID != "/subscriptions/"+sub+"/resourceGroups/rg-extra/providers/Microsoft.KeyVault/vaults/kv-extra-01" || v.URL == "" {
			t.Fatalf("VaultInfo %+v", v)
		}
		if w == Hostnames && v.URL != "https://kv-extra-01.vault.azure.net/" {
			t.Errorf("URL %s", v.URL)
		}
		if got := e.ten.Info().VaultURLs; len(got) != 5 || got[4] != v.URL {
			t.Errorf("Info().VaultURLs = %v", got)
		}
		// No role there yet: the subscription is not even listed.
		subs, err := e.listSubs(e.cred())
		must(t, err)
		if len(subs) != 1 {
			t.Fatalf("subscriptions %v before any role", subs)
		}
		must(t, e.ten.AssignRole(e.info.ClientID, "Reader", v.ID))
		must(t, e.ten.AssignRole(e.info.ClientID, "Key Vault Secrets Officer", v.ID))
		vc, err := armkeyvault.NewVaultsClient(sub, e.cred(), e.armOpts())
		must(t, err)
		p := vc.NewListBySubscriptionPager(nil)
		var names []string
		for p.More() {
			page, err := p.NextPage(ctx(t))
			must(t, err)
			for _, x := range page.Value {
				names = append(names, *x.Name)
				if *x.Properties.VaultURI != v.URL {
					t.Errorf("vaultUri %s, want %s", *x.Properties.VaultURI, v.URL)
				}
			}
		}
		if len(names) != 1 || names[0] != "kv-extra-01" {
			t.Fatalf("listed %v", names)
		}
		sc, err := azsecrets.NewClient(v.URL, e.cred(), &azsecrets.ClientOptions{ClientOptions: e.opts, DisableChallengeResourceVerification: e.loop})
		must(t, err)
		_, err = sc.SetSecret(ctx(t), "extra", azsecrets.SetSecretParameters{Value: to.Ptr("v1")}, nil)
		must(t, err)
		got, err := sc.GetSecret(ctx(t), "extra", "", nil)
		must(t, err)
		if *got.Value != "v1" {
			t.Errorf("value %q", *got.Value)
		}
	})
}

func TestAddVaultRefusals(t *testing.T) {
	e := start(t, Hostnames, "healthy")
	for _, c := range []struct{ sub, rg, name string }{
		{e.info.SubscriptionID, "rg", "kv"},                              // too short
		{e.info.SubscriptionID, "rg", "kv--double"},                      // consecutive dashes
		{e.info.SubscriptionID, "rg.", "kv-fine"},                        // resource group ends with a period
		{newGUID(), "rg", "kv-fine"},                                     // no such subscription
		{e.info.SubscriptionID, "rg", e.info.VaultName},                  // names are global
		{e.info.SubscriptionID, "rg", strings.ToUpper(e.info.VaultName)}, // ignoring case
	} {
		if _, err := e.ten.AddVault(c.sub, c.rg, c.name); err == nil {
			t.Errorf("AddVault(%q, %q, %q) succeeded", c.sub, c.rg, c.name)
		}
	}
	if _, err := e.ten.AddSubscription(" "); err == nil {
		t.Error("AddSubscription with a blank name succeeded")
	}
}

// The large tenant of BenchmarkListVaultsLarge, checked for correctness: every vault is
// listed through the index, and an assignment's removal takes effect.
func TestLargeTenantListing(t *testing.T) {
	ten, ids := largeTenant(t, 200, 10, 200)
	e := envFor(t, ten, nil)
	cred := e.cred()
	total := 0
	for _, id := range ids {
		vc, err := armkeyvault.NewVaultsClient(id, cred, e.armOpts())
		must(t, err)
		for p := vc.NewListBySubscriptionPager(nil); p.More(); {
			page, err := p.NextPage(ctx(t))
			must(t, err)
			total += len(page.Value)
		}
	}
	if total != 2000 {
		t.Fatalf("listed %d vaults, want 2000", total)
	}
	must(t, ten.RemoveRole(e.info.ClientID, "Reader", "/subscriptions/"+ids[7]))
	vc, err := armkeyvault.NewVaultsClient(ids[7], cred, e.armOpts())
	must(t, err)
	_, err = vc.NewListBySubscriptionPager(nil).NextPage(ctx(t))
	wantAz(t, err, 403, "AuthorizationFailed", "")
}
