package sandbox

import (
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

func TestConditionalAccessBlock(t *testing.T) {
	forWirings(t, func(t *testing.T, w Wiring) {
		e := start(t, w, "healthy")
		must(t, e.ten.SetConditionalAccessBlock(e.info.ClientID, true))
		_, err := e.cred().GetToken(ctx(t), policy.TokenRequestOptions{Scopes: []string{"https://management.core.windows.net//.default"}})
		got := wantEntra(t, err, 400, 53003)
		if got.Code != "invalid_grant" || !strings.Contains(got.Message, "Conditional Access") {
			t.Errorf("%s: %s", got.Code, got.Message)
		}
		// The secret is checked first: a wrong one is still AADSTS7000215.
		_, err = e.credFor(e.info.TenantID, e.info.ClientID, "wrong"+e.info.ClientSecret).GetToken(ctx(t), policy.TokenRequestOptions{Scopes: []string{"https://vault.azure.net/.default"}})
		wantEntra(t, err, 401, 7000215)
		must(t, e.ten.SetConditionalAccessBlock(e.info.ClientID, false))
		e.armToken()
	})
}

func TestPurgeProtection(t *testing.T) {
	forWirings(t, func(t *testing.T, w Wiring) {
		e := start(t, w, "healthy")
		must(t, e.ten.EnablePurgeProtection(e.info.VaultName))
		vc := e.vaultsClient(e.cred())
		v, err := vc.Get(ctx(t), e.info.ResourceGroup, e.info.VaultName, nil)
		must(t, err)
		if v.Properties.EnablePurgeProtection == nil || !*v.Properties.EnablePurgeProtection {
			t.Errorf("enablePurgeProtection = %v", v.Properties.EnablePurgeProtection)
		}
		sc := e.secretsClient(e.cred())
		_, err = sc.DeleteSecret(ctx(t), e.info.SecretName, nil)
		must(t, err)
		_, err = sc.PurgeDeletedSecret(ctx(t), e.info.SecretName, nil)
		got := wantAz(t, err, 403, "Forbidden", "")
		if !strings.Contains(got.Message, "purge protection is enabled") {
			t.Errorf("message %q", got.Message)
		}
		d, err := sc.GetDeletedSecret(ctx(t), e.info.SecretName, nil)
		must(t, err)
		if d.Attributes == nil || d.Attributes.RecoveryLevel == nil || *d.Attributes.RecoveryLevel != "Recoverable" {
			t.Errorf("recoveryLevel %v", d.Attributes)
		}
		_, err = sc.RecoverDeletedSecret(ctx(t), e.info.SecretName, nil)
		must(t, err)
	})
}

func TestVaultInAnotherTenant(t *testing.T) {
	forWirings(t, func(t *testing.T, w Wiring) {
		e := start(t, w, "healthy")
		other, err := e.ten.AddDirectory("fabrikam-practice.onmicrosoft.com")
		must(t, err)
		must(t, e.ten.MoveVaultToTenant(e.info.VaultName, other))
		got := e.rawErr("GET", e.vaultURL("/secrets/"+e.info.SecretName+"?api-version=2026-04-01"), e.vaultToken(), "")
		wantRaw(t, got, 401, "Unauthorized", "")
		if !strings.HasPrefix(got.Message, "AKV10032: Invalid issuer. Expected one of https://sts.windows.net/"+other+"/") {
			t.Errorf("message %q", got.Message)
		}
		if ch := got.Header.Get("WWW-Authenticate"); !strings.Contains(ch, other) {
			t.Errorf("challenge %q does not name the vault's tenant", ch)
		}
		vc := e.vaultsClient(e.cred())
		v, err := vc.Get(ctx(t), e.info.ResourceGroup, e.info.VaultName, nil)
		must(t, err)
		if *v.Properties.TenantID != other {
			t.Errorf("ARM tenantId %s, want %s", *v.Properties.TenantID, other)
		}
		// azsecrets follows the challenge to the other tenant, which the credential refuses.
		sc := e.secretsClient(e.cred())
		if _, err := sc.GetSecret(ctx(t), e.info.SecretName, "", nil); err == nil || !strings.Contains(err.Error(), other) {
			t.Errorf("azsecrets: %v", err)
		}
		if err := e.ten.MoveVaultToTenant(e.info.VaultName, newGUID()); err == nil {
			t.Error("moved to a directory that does not exist")
		}
	})
}
