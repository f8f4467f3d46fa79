package main

import (
	"encoding/json"
	"fmt"

	"github.com/kvbridge/kvbridge/internal/termsafe"
	"github.com/kvbridge/kvbridge/steps/azure"
)

// stateNames is what checkStateNames reads of a saved practice tenant: the
// names that reach printed commands and screens.
type stateNames struct {
	State struct {
		Directories []struct {
			Domain string `json:"domain"`
			Apps   []struct {
				DisplayName string `json:"displayName"`
			} `json:"apps"`
		} `json:"directories"`
		Subscriptions []struct {
			DisplayName    string   `json:"displayName"`
			ResourceGroups []string `json:"resourceGroups"`
		} `json:"subscriptions"`
		Vaults []struct {
			Name          string                     `json:"name"`
			ResourceGroup string                     `json:"resourceGroup"`
			Location      string                     `json:"location"`
			Secrets       map[string]json.RawMessage `json:"secrets"`
		} `json:"vaults"`
	} `json:"state"`
}

// checkStateNames refuses a state file whose names no Azure tenant could
// hold: resource groups, vaults and secrets by Azure's naming rules, display
// names and locations without control characters. A trainer's typo is
// caught at once, and a file crafted to smuggle shell or terminal syntax
// into printed commands is refused (they are quoted regardless).
func checkStateNames(data []byte) error {
	var st stateNames
	if err := json.Unmarshal(data, &st); err != nil {
		return nil // the loader reports what is wrong with the file's shape
	}
	s := st.State
	for _, sub := range s.Subscriptions {
		if err := printable("subscription display name", sub.DisplayName, 64); err != nil {
			return err
		}
		for _, rg := range sub.ResourceGroups {
			if p := azure.ResourceGroupNameProblem(rg); p != "" {
				return &azure.NameError{What: "resource group", Name: rg, Problem: p}
			}
		}
	}
	for _, v := range s.Vaults {
		if p := azure.VaultNameProblem(v.Name); p != "" {
			return &azure.NameError{What: "vault", Name: v.Name, Problem: p}
		}
		if p := azure.ResourceGroupNameProblem(v.ResourceGroup); p != "" {
			return &azure.NameError{What: "vault " + v.Name + "'s resource group", Name: v.ResourceGroup, Problem: p}
		}
		if err := printable("location", v.Location, 64); err != nil {
			return err
		}
		for name := range v.Secrets {
			if p := azure.SecretNameProblem(name); p != "" {
				return &azure.NameError{What: "secret in " + v.Name, Name: name, Problem: p}
			}
		}
	}
	for _, d := range s.Directories {
		for _, a := range d.Apps {
			if err := printable("app display name", a.DisplayName, 120); err != nil {
				return err
			}
		}
	}
	return nil
}

// printable refuses control characters and lengths past max characters.
func printable(what, v string, max int) error {
	if termsafe.Clean(v) != v {
		return &azure.NameError{What: what, Name: v, Problem: "it holds control characters"}
	}
	if n := len([]rune(v)); n > max {
		return &azure.NameError{What: what, Name: v, Problem: fmt.Sprintf("at most %d characters, this one %d", max, n)}
	}
	return nil
}
