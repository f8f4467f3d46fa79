package sandbox

import (
	"fmt"
	"strings"
)

// Portal is what the Azure portal's pages would show of the practice directory: the
// Microsoft Entra ID Overview (tenant ID, primary domain) and App registrations (each
// app's client ID and object ID, and its enterprise application's object ID). With it
// a trainee can finish wrong-tenant and wrong-client inside kvbridge, by reading the
// right value where the portal shows it. It holds no secret.
type Portal struct {
	TenantName, TenantID, PrimaryDomain string
	Apps                                []PortalApp
}

// PortalApp is one row of App registrations › All applications, with its Overview.
type PortalApp struct {
	DisplayName string `json:"displayName"`
	ClientID    string `json:"appId"`                    // Application (client) ID
	ObjectID    string `json:"objectId"`                 // Object ID (the app registration's, not the one Delinea needs)
	SPObjectID  string `json:"servicePrincipalObjectId"` // Enterprise applications › Object ID (the service principal)
	Secrets     int    `json:"clientSecrets"`            // Certificates & secrets › Client secrets
}

// Portal reads the practice directory as the portal shows it: the tenant's first
// directory, whatever IDs the scenario handed out.
func (t *Tenant) Portal() Portal {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.m.Directories) == 0 {
		return Portal{}
	}
	d := t.m.Directories[0]
	p := Portal{TenantName: "Contoso Practice", TenantID: d.ID, PrimaryDomain: d.Domain}
	for _, a := range d.Apps {
		p.Apps = append(p.Apps, PortalApp{DisplayName: a.DisplayName, ClientID: a.ClientID, ObjectID: a.ObjectID, SPObjectID: a.SPObjectID, Secrets: len(a.Secrets)})
	}
	return p
}

// Lines renders the pages as a trainee would read them, one fact a line.
func (p Portal) Lines() []string {
	out := []string{
		"Microsoft Entra ID › Overview",
		fmt.Sprintf("  Tenant ID: %s", p.TenantID),
		fmt.Sprintf("  Primary domain: %s", p.PrimaryDomain),
		"Microsoft Entra ID › App registrations › All applications",
	}
	for _, a := range p.Apps {
		out = append(out,
			fmt.Sprintf("  %s", a.DisplayName),
			fmt.Sprintf("    Application (client) ID: %s", a.ClientID),
			fmt.Sprintf("    Object ID: %s (the registration's; not the client ID)", a.ObjectID),
			fmt.Sprintf("    Directory (tenant) ID: %s", p.TenantID),
		)
	}
	return out
}

// Text is the pages in one paragraph, for a status line that wraps.
func (p Portal) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "The portal shows: Microsoft Entra ID › Overview: Tenant ID %s, primary domain %s.", p.TenantID, p.PrimaryDomain)
	for _, a := range p.Apps {
		fmt.Fprintf(&b, " App registrations › %s › Overview: Application (client) ID %s, Object ID %s (not the client ID), Directory (tenant) ID %s.",
			a.DisplayName, a.ClientID, a.ObjectID, p.TenantID)
	}
	return b.String()
}
