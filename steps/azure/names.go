package azure

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// Azure's naming rules for the resources kvbridge prints in commands. They
// are checked where names come from a file someone wrote (a served practice
// tenant's --state), so a name no real tenant can hold is refused there; the
// printed commands quote every value anyway.

// ResourceGroupNameProblem says what is wrong with a resource group name by
// ARM's rule: 1-90 characters, letters or digits (any script), '-', '_',
// '.', '(' and ')', not ending with '.'. "" when it is fine.
func ResourceGroupNameProblem(s string) string {
	switch n := utf8.RuneCountInString(s); {
	case n == 0:
		return "a resource group name is empty"
	case n > 90:
		return fmt.Sprintf("a resource group name has at most 90 characters, this one %d", n)
	case s[len(s)-1] == '.':
		return "a resource group name does not end with '.'"
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '_' && r != '.' && r != '(' && r != ')' {
			return fmt.Sprintf("a resource group name holds letters, digits, '-', '_', '.', '(' and ')' only, not %q", r)
		}
	}
	return ""
}

// VaultNameProblem says what is wrong with a key vault name (3-24 letters,
// digits and '-', starting with a letter, not ending with '-', no "--").
func VaultNameProblem(s string) string { return vaultNameProblem(s) }

// SecretNameProblem says what is wrong with a Key Vault secret name (1-127
// letters, digits and '-'); "" when it is fine.
func SecretNameProblem(s string) string { return CheckSecretName(s).Detail }

// NameError is a name that breaks Azure's naming rules: what it names, the
// name, and the rule.
type NameError struct{ What, Name, Problem string }

func (e *NameError) Error() string {
	name := e.Name
	if utf8.RuneCountInString(name) > 60 {
		name = string([]rune(name)[:60]) + "…"
	}
	return fmt.Sprintf("%s %q: %s", e.What, name, e.Problem)
}
