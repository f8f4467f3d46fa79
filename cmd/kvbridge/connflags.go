package main

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/spf13/pflag"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/azure"
)

// connFlags say which tenant, app and vault to check. The wizard and doctor
// share them, with the Azure SDK's environment names as defaults.
type connFlags struct {
	tenant, clientID, cloud, authorityHost, armEndpoint, graphEndpoint string
	vault, vaultURL, caFile                                            string
	// idsGiven: --tenant and --client-id came from flags, not the environment.
	idsGiven bool
}

func (c *connFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&c.tenant, "tenant", "", "your tenant's `ID` or domain (default $AZURE_TENANT_ID)")
	fs.StringVar(&c.clientID, "client-id", "", "the app's application (client) `ID` (default $AZURE_CLIENT_ID)")
	fs.StringVar(&c.cloud, "cloud", "", "the Azure cloud by `NAME`: public, china or usgov (default public)")
	fs.StringVar(&c.authorityHost, "authority-host", "", "Entra ID authority host `URL` (default $AZURE_AUTHORITY_HOST or the cloud's)")
	fs.StringVar(&c.armEndpoint, "arm-endpoint", "", "Azure Resource Manager endpoint `URL` (default the cloud's)")
	fs.StringVar(&c.graphEndpoint, "graph-endpoint", "", "Microsoft Graph `URL` when it is not the cloud's (a served practice tenant prints it); used to read the client secret's expiry")
	fs.StringVar(&c.vault, "vault", "", "the vault Delinea should use, by `NAME|URL|ID` (resource ID)")
	fs.StringVar(&c.vaultURL, "vault-url", "", "the vault's `URL` when ARM cannot tell it (a private cloud, a served practice tenant); goes with --vault NAME or ID")
	fs.StringVar(&c.caFile, "ca-file", "", "a PEM file (`PATH`) of extra trusted CA certificates: TLS proxies, a served practice tenant")
}

// finish validates the cloud and fills what the flags left empty from
// AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_AUTHORITY_HOST. fs must be parsed.
func (c *connFlags) finish(fs *pflag.FlagSet, getenv func(string) string) error {
	c.idsGiven = fs.Changed("tenant") || fs.Changed("client-id")
	for _, u := range []struct{ flag, v string }{{"vault-url", c.vaultURL}, {"authority-host", c.authorityHost}, {"arm-endpoint", c.armEndpoint}, {"graph-endpoint", c.graphEndpoint}} {
		if err := checkURLSize(u.flag, u.v); err != nil {
			return err
		}
	}
	if c.cloud != "" {
		if _, err := azure.ParseCloud(c.cloud); err != nil {
			return err
		}
	}
	// The bounds the saved connection keeps (Azure's lengths, no control
	// characters): refused here, by name, rather than met later.
	if err := c.connection().Validate(); err != nil {
		return err
	}
	if c.tenant == "" {
		c.tenant = getenv("AZURE_TENANT_ID")
	}
	if c.clientID == "" {
		c.clientID = getenv("AZURE_CLIENT_ID")
	}
	if c.authorityHost == "" {
		c.authorityHost = getenv("AZURE_AUTHORITY_HOST")
	}
	return nil
}

// endpointsGiven reports flags that point at a tenant of one's own; the
// in-process practice tenant takes none of them.
func (c *connFlags) endpointsGiven() bool {
	return c.authorityHost != "" || c.armEndpoint != "" || c.graphEndpoint != "" || c.caFile != "" || (c.cloud != "" && c.cloud != string(azure.CloudPublic))
}

func (c *connFlags) connection() steps.Connection {
	return steps.Connection{TenantID: c.tenant, ClientID: c.clientID, Cloud: c.cloud,
		AuthorityHost: c.authorityHost, ARMEndpoint: c.armEndpoint, GraphEndpoint: c.graphEndpoint, Vault: c.vault, VaultURL: c.vaultURL}
}

// checkURLSize refuses a URL no DNS name allows, by its size alone and
// without echoing it (a 120 KB value would bury the message); its form is
// the checks' to judge.
func checkURLSize(flag, v string) error {
	if v == "" {
		return nil
	}
	if len(v) > 2048 {
		return fmt.Errorf("--%s is %d characters long; an Azure endpoint URL is a few dozen (https://NAME.vault.azure.net/)", flag, len(v))
	}
	u, err := url.Parse(v)
	if err != nil {
		return nil
	}
	host := u.Hostname()
	if len(host) > 253 {
		return fmt.Errorf("--%s: its host name has %d characters; a DNS name has at most 253", flag, len(host))
	}
	for _, label := range strings.Split(host, ".") {
		if len(label) > 63 {
			return fmt.Errorf("--%s: a part of its host name has %d characters; a DNS label has at most 63 (a vault name at most 24)", flag, len(label))
		}
	}
	return nil
}
