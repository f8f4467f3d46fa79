package facts

import (
	"fmt"
	"regexp"
	"strings"
)

// contradictions are wordings found in earlier versions of the course, the quiz,
// doctor and the practice tenant that contradict a shared fact. Each names the fact
// that says it right.
var contradictions = []struct {
	re   *regexp.Regexp
	fact string
	why  string
}{
	{regexp.MustCompile(`(?i)\(or Key Vault Reader\)|\bor Key Vault Reader\b|Key Vault Reader\)? (?:to|so) (?:ARM )?lists?`), "vault-list-read",
		"Key Vault Reader has the same control-plane actions as Secrets Officer, so it is no fix for listing vaults"},
	{regexp.MustCompile(`(?i)does not cover`), "vault-list-read",
		"whether vaults/*/read covers vaults/read is not documented: do not state it as fact"},
	{regexp.MustCompile(`--years 1\b`), "secret-lifetime",
		"a 12-month secret is outside Microsoft's advice: give --end-date"},
	{regexp.MustCompile(`(?i)Networking\s*(?:›|->|>)\s*(?:Public access|Allow public access)`), "",
		"the documented portal path is Networking › Firewalls and virtual networks"},
	{regexp.MustCompile(`set-attributes[^"\n]*--tags`), "tags-from-mapping",
		"tags set by hand are replaced at the next sync: the fix is in Delinea's mapping"},
	{regexp.MustCompile(`(?i)\bor (?:a )?higher(?: role)?\b`), "portal-value-roles",
		"Owner and Contributor are not higher for data: name the roles"},
	{regexp.MustCompile(`(?i)Delinea lists only|Delinea finds vaults|Does what the dropdown does|dropdown will (?:list|show|not show|be empty)|will be empty|What Delinea's vault dropdown shows|as Delinea does\b|dropdown shows it|drops out of Delinea's dropdown`), "delinea-listing",
		"how Delinea lists vaults is undocumented: say what ARM shows the app"},
	{regexp.MustCompile(`(?i)updated by the sync`), "updated-not-author",
		"a timestamp does not say who wrote the secret"},
	{regexp.MustCompile(`(?i)6 recommended|at its edge`), "secret-lifetime",
		"Microsoft recommends less than 12 months; '6 recommended' is not Microsoft's wording"},
	{regexp.MustCompile(`(?i)access polic(?:y|ies) (?:alone )?gives? no right to list`), "listing-control-plane",
		"the permission model plays no part in listing vaults"},
	{regexp.MustCompile(`(?i)holds no Azure role anywhere`), "subscriptions-visible",
		"whether a role below subscription scope makes a subscription visible is not documented"},
	{regexp.MustCompile(`(?i)gather (?:these|them|the three values)[^."]*overview`), "overview-two-values",
		"the Value is not on the Overview page"},
	{regexp.MustCompile(`(?i)Save the secret in Delinea to sync|as Delinea does when|External Secrets › Sync\b`), "delinea-sync",
		"Delinea's sync behaviour and menu paths are undocumented: hedge them"},
}

// Contradictions reports the known wordings in text that contradict a shared fact,
// each with the fact that says it right. Tests run it over the sources and over
// what the checks, the course, the quiz and the practice tenant actually show.
func Contradictions(text string) []string {
	var out []string
	for _, c := range contradictions {
		if m := c.re.FindString(text); m != "" {
			out = append(out, fmt.Sprintf("%q contradicts %s: %s", m, orFact(c.fact), c.why))
		}
	}
	// Said without the portal, "24 months" reads as a limit Graph does not have.
	if strings.Contains(text, "24 months") && !strings.Contains(strings.ToLower(text), "portal") {
		out = append(out, `"24 months" without "portal": the limit is the portal's (fact secret-lifetime)`)
	}
	// An access-policy refusal has two codes; naming one alone misleads.
	if strings.Contains(text, "ForbiddenByPolicy") && !strings.Contains(text, "AccessDenied") {
		out = append(out, "ForbiddenByPolicy without AccessDenied (fact access-policy-403)")
	}
	return out
}

func orFact(id string) string {
	if id == "" {
		return "Microsoft's docs"
	}
	return "fact " + id
}
