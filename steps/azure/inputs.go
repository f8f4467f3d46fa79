package azure

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
)

var guidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// IsGUID reports whether s is a GUID (8-4-4-4-12 hex digits).
func IsGUID(s string) bool { return guidRE.MatchString(s) }

// isDomainName reports whether s is a DNS name with at least two labels.
func isDomainName(s string) bool {
	if len(s) > 253 || !strings.Contains(s, ".") {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// InputProblem is what an input check found: a cause code, a status and plain words.
// A zero Cause means the input is fine.
type InputProblem struct {
	Cause  string
	Status Status // StatusFail or StatusWarn
	Detail string
}

// CheckTenantID checks a tenant ID as typed: a GUID or a verified domain name.
func CheckTenantID(s string) InputProblem {
	t := strings.TrimSpace(s)
	switch {
	case t == "":
		return InputProblem{"malformed", StatusFail, "No tenant ID was given. It is the Directory (tenant) ID on the app registration's Overview page."}
	case IsGUID(t):
	case isDomainName(t):
	default:
		return InputProblem{"malformed", StatusFail, "The tenant ID is neither a GUID (8-4-4-4-12 hex digits) nor a domain name such as contoso.onmicrosoft.com."}
	}
	if t != s {
		return InputProblem{"malformed", StatusWarn, "The tenant ID had spaces around it; they were removed."}
	}
	return InputProblem{}
}

// CheckClientID checks an application (client) ID as typed: a GUID.
func CheckClientID(s string) InputProblem {
	t := strings.TrimSpace(s)
	switch {
	case t == "":
		return InputProblem{"malformed", StatusFail, "No client ID was given. It is the Application (client) ID on the app registration's Overview page."}
	case !IsGUID(t):
		return InputProblem{"malformed", StatusFail, "The client ID is not a GUID (8-4-4-4-12 hex digits). Copy the Application (client) ID from the app registration's Overview page."}
	case t != s:
		return InputProblem{"malformed", StatusWarn, "The client ID had spaces around it; they were removed."}
	}
	return InputProblem{}
}

// CheckClientSecret checks a client secret as typed, without ever echoing it: empty,
// GUID-shaped (the Secret ID was copied instead of the Value), or surrounded by
// whitespace (trimmed, with a warning; a secret value never contains whitespace).
func CheckClientSecret(s string) InputProblem {
	t := strings.TrimSpace(s)
	switch {
	case t == "":
		return InputProblem{"empty", StatusFail, "No client secret was given. Set AZURE_CLIENT_SECRET, pipe it with --client-secret-stdin, or type it when asked."}
	case IsGUID(t):
		return InputProblem{"looks-like-secret-id", StatusFail, "The client secret looks like a GUID: that is the secret's Secret ID, not its Value. In Certificates & secrets, the Value column is shown only right after the secret is created; if it is gone, create a new secret and copy its Value."}
	case strings.IndexFunc(t, unicode.IsSpace) >= 0:
		return InputProblem{"whitespace", StatusFail, "The client secret has whitespace inside it; a secret value never does. Copy it again."}
	case t != s:
		return InputProblem{"whitespace", StatusWarn, "The client secret had whitespace around it (a stray space or newline from copying); it was removed."}
	}
	return InputProblem{}
}

var secretNameRE = regexp.MustCompile(`^[0-9A-Za-z-]+$`)

// CheckSecretName checks a Key Vault secret name: 1-127 characters of 0-9, a-z, A-Z
// and '-'. Names compare case-insensitively in Key Vault.
func CheckSecretName(s string) InputProblem {
	switch {
	case s == "":
		return InputProblem{"invalid-name", StatusFail, "The secret name is empty."}
	case len(s) > 127:
		return InputProblem{"too-long", StatusFail, fmt.Sprintf("The secret name has %d characters; Key Vault allows at most 127.", len(s))}
	case !secretNameRE.MatchString(s):
		bad := []string{}
		seen := map[rune]bool{}
		for _, r := range s {
			if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-') && !seen[r] {
				seen[r] = true
				bad = append(bad, fmt.Sprintf("%q", r))
			}
		}
		return InputProblem{"invalid-name", StatusFail, "Key Vault secret names may hold only letters, digits and '-'; this one has " + strings.Join(bad, ", ") + ". For example Prod-VM-Admin-Pass."}
	}
	return InputProblem{}
}

// vaultNameProblem checks a vault name: 3-24 characters of letters, digits and '-',
// starting with a letter, not ending with '-', without "--".
func vaultNameProblem(s string) string {
	switch {
	case len(s) < 3 || len(s) > 24:
		return "a vault name has 3 to 24 characters"
	case !secretNameRE.MatchString(s):
		return "a vault name holds only letters, digits and '-'"
	case !(s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z'):
		return "a vault name starts with a letter"
	case strings.HasSuffix(s, "-") || strings.Contains(s, "--"):
		return "a vault name neither ends with '-' nor holds \"--\""
	}
	return ""
}

// CheckVault checks a target vault as typed: a vault name (3-24 letters, digits and
// '-'), an https URL, or an ARM resource ID. Empty is fine: no target vault.
func CheckVault(s string) InputProblem {
	t := strings.TrimSpace(s)
	if t == "" {
		return InputProblem{}
	}
	c := Config{Vault: t}
	if _, err := c.parseVault(); err != nil {
		return InputProblem{"malformed", StatusFail, strings.TrimPrefix(err.Error(), fmt.Sprintf("vault %q: ", t))}
	}
	return InputProblem{}
}
