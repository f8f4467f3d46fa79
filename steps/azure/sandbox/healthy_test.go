package sandbox

import (
	"slices"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"
)

// TestHealthyHappyPath walks the whole path the wizard takes, over real HTTPS with the
// real SDK clients, in both wirings.
func TestHealthyHappyPath(t *testing.T) {
	forWirings(t, func(t *testing.T, w Wiring) {
		e := start(t, w, "healthy")
		cred := e.cred()
		tok, err := cred.GetToken(ctx(t), policy.TokenRequestOptions{Scopes: []string{"https://management.core.windows.net//.default"}, EnableCAE: true})
		must(t, err)
		if tok.Token == "" {
			t.Fatal("empty token")
		}

		subs, err := e.listSubs(cred)
		must(t, err)
		if len(subs) != 1 || subs[0] != e.info.SubscriptionID {
			t.Fatalf("subscriptions = %v, want [%s]", subs, e.info.SubscriptionID)
		}
		vaults, err := e.listVaults(cred)
		must(t, err)
		if !slices.Equal(vaults, []string{e.info.VaultName, readableVault}) {
			t.Fatalf("vaults = %v", vaults)
		}
		vc := e.vaultsClient(cred)
		got, err := vc.Get(ctx(t), e.info.ResourceGroup, e.info.VaultName, nil)
		must(t, err)
		if *got.Properties.VaultURI != e.info.VaultURLs[0] || !*got.Properties.EnableRbacAuthorization || *got.Properties.TenantID != e.info.TenantID || *got.ID != e.info.VaultID {
			t.Fatalf("vault = %+v", got.Properties)
		}

		perms, err := e.permissions(cred)
		must(t, err)
		if len(perms) != 2 {
			t.Fatalf("permissions entries = %d, want 2 (Officer + Reader)", len(perms))
		}

		sc := e.secretsClient(cred)
		s, err := sc.GetSecret(ctx(t), e.info.SecretName, "", nil)
		must(t, err)
		if *s.Value != e.info.SecretValue || *s.Tags["username"] != e.info.SecretUsername || s.ID.Name() != e.info.SecretName {
			t.Fatalf("secret = %+v", s)
		}

		set, err := sc.SetSecret(ctx(t), "wizard-check", azsecrets.SetSecretParameters{Value: to.Ptr("v1"), ContentType: to.Ptr("text/plain"),
			SecretAttributes: &azsecrets.SecretAttributes{Enabled: to.Ptr(true)}, Tags: map[string]*string{"managed-by": to.Ptr("test")}}, nil)
		must(t, err)
		if len(set.ID.Version()) != 32 || *set.Attributes.RecoveryLevel != "Recoverable+Purgeable" || set.Attributes.Created == nil {
			t.Fatalf("set = %+v", set.Attributes)
		}
		byVersion, err := sc.GetSecret(ctx(t), "wizard-check", set.ID.Version(), nil)
		must(t, err)
		if *byVersion.Value != "v1" || *byVersion.ContentType != "text/plain" {
			t.Fatalf("by version = %+v", byVersion)
		}
		n := 0
		for p := sc.NewListSecretPropertiesPager(nil); p.More(); {
			page, err := p.NextPage(ctx(t))
			must(t, err)
			n += len(page.Value)
		}
		if n != 2 {
			t.Fatalf("listed %d secrets, want 2", n)
		}
		_, err = sc.DeleteSecret(ctx(t), "wizard-check", nil)
		must(t, err)
		_, err = sc.PurgeDeletedSecret(ctx(t), "wizard-check", nil)
		must(t, err)

		// The SDK's own sequence, as the reference records it.
		var vaultTrailing bool
		for _, r := range e.ten.Requests() {
			if r.Service == "vault" && r.Method == "GET" && r.Path == "/secrets/"+e.info.SecretName+"/" && r.Status == 200 {
				vaultTrailing = true
			}
			if r.Status >= 500 {
				t.Errorf("5xx in log: %+v", r)
			}
		}
		if !vaultTrailing {
			t.Error("GetSecret with version \"\" should have asked for /secrets/{name}/ and got 200")
		}
	})
}
