package main

import (
	"flag"
	"strings"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/azure"
)

// connFlags say which tenant, app and vault to check. The wizard and doctor
// share them, with the Azure SDK's environment names as defaults.
type connFlags struct {
	tenant, clientID, cloud, authorityHost, armEndpoint string
	vault, vaultURL, caFile                             string
	// idsGiven: --tenant and --client-id came from flags, not the environment.
	idsGiven bool
}

func (c *connFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.tenant, "tenant", "", "")
	fs.StringVar(&c.clientID, "client-id", "", "")
	fs.StringVar(&c.cloud, "cloud", "", "")
	fs.StringVar(&c.authorityHost, "authority-host", "", "")
	fs.StringVar(&c.armEndpoint, "arm-endpoint", "", "")
	fs.StringVar(&c.vault, "vault", "", "")
	fs.StringVar(&c.vaultURL, "vault-url", "", "")
	fs.StringVar(&c.caFile, "ca-file", "", "")
}

// finish validates the cloud and fills what the flags left empty from
// AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_AUTHORITY_HOST. fs must be parsed.
func (c *connFlags) finish(fs *flag.FlagSet, getenv func(string) string) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	c.idsGiven = given["tenant"] || given["client-id"]
	if c.cloud != "" {
		if _, err := azure.ParseCloud(c.cloud); err != nil {
			return err
		}
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
	return c.authorityHost != "" || c.armEndpoint != "" || c.caFile != "" || (c.cloud != "" && c.cloud != string(azure.CloudPublic))
}

func (c *connFlags) connection() steps.Connection {
	return steps.Connection{TenantID: c.tenant, ClientID: c.clientID, Cloud: c.cloud,
		AuthorityHost: c.authorityHost, ARMEndpoint: c.armEndpoint, Vault: c.vault, VaultURL: c.vaultURL}
}

// refuseSecretFlag rejects --client-secret before parsing: a secret on the
// command line lands in shell history and process lists.
func refuseSecretFlag(args []string, prefix, instead string) error {
	for _, a := range args {
		if a == "--" {
			break
		}
		name := strings.TrimLeft(a, "-")
		if strings.HasPrefix(a, "-") && (name == "client-secret" || strings.HasPrefix(name, "client-secret=")) {
			return usagef("%s--client-secret is not accepted: a secret on the command line lands in shell history and process lists. Set AZURE_CLIENT_SECRET, or %s", prefix, instead)
		}
	}
	return nil
}
