package sandbox

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
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
			if i == 0 && j == 0 {
				continue // the practice vault
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
