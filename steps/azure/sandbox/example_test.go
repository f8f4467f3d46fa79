package sandbox_test

import (
	"context"
	"fmt"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"

	"github.com/kvbridge/kvbridge/steps/azure/sandbox"
)

// The Hostnames wiring keeps the production configuration (the public cloud); only the
// transport changes.
func Example() {
	ten, err := sandbox.Start(sandbox.Options{Scenario: "healthy"})
	if err != nil {
		panic(err)
	}
	defer ten.Close()
	info := ten.Info()
	opts := azcore.ClientOptions{
		Cloud:     cloud.AzurePublic,
		Transport: ten.HTTPClient(),
		Retry:     policy.RetryOptions{MaxRetries: 1, RetryDelay: time.Millisecond, MaxRetryDelay: 10 * time.Millisecond},
	}
	cred, _ := azidentity.NewClientSecretCredential(info.TenantID, info.ClientID, info.ClientSecret,
		&azidentity.ClientSecretCredentialOptions{ClientOptions: opts})
	client, _ := azsecrets.NewClient(info.VaultURLs[0], cred, &azsecrets.ClientOptions{ClientOptions: opts})
	s, err := client.GetSecret(context.Background(), info.SecretName, "", nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(info.VaultURLs[0], *s.Tags["username"], *s.Value == info.SecretValue)
	// Output: https://kv-contoso-practice.vault.azure.net/ vmadmin true
}
