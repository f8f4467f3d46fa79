// Package sandbox is the practice tenant: a small model of Entra ID, Azure Resource
// Manager and Key Vault, served over HTTPS on loopback, that Microsoft's Go SDK clients
// talk to unchanged except for endpoints and trust.
//
// It models the tenant instead of scripting answers: directories, app registrations with
// client secrets (readable through a small read-only Microsoft Graph, authorised by the
// Graph application permissions granted to the app), service principals, role definitions with their real IDs and actions,
// role assignments at scopes with wildcard matching and propagation delay, vaults with a
// permission model, access policies, network rules and soft-deleted secrets. A scenario is
// only a starting state, built with the same practice actions a trainee uses.
//
// Two wirings: Hostnames (one TLS server whose certificate covers the public Azure host
// names, graph.microsoft.com included, reached through HTTPClient, which dials only the
// tenant) keeps the production cloud configuration; Loopback serves
// https://127.0.0.1:PORT endpoints that any client trusting the CA can reach (kvbridge
// sandbox serve): Entra, ARM, one port per vault and one for Graph (Info.GraphEndpoint).
// Vaults cost one port each in Loopback (at most 1,000); Hostnames routes every vault by
// Host header on its one listener, so AddVault there scales to thousands.
//
// Every value in a practice tenant is a throwaway: keys are made at start, credentials
// are random and only valid against this server.
package sandbox
