package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

const saveFormat = "kvbridge-sandbox/1"

type saveFile struct {
	Format  string    `json:"format"`
	SavedAt time.Time `json:"savedAt"`
	State   *model    `json:"state"`
}

// Save writes the tenant's state as JSON, fit to hand to trainees: it holds what the
// scenario handed out (the credentials a trainee would have typed) and the vault's
// secret values, all throwaway practice values valid only against a practice tenant,
// which is why writing them is acceptable here and nowhere else in kvbridge. It does
// not hold the answer key (AnswerKey gives it to the trainer) nor any client secret's
// value: the app's secrets are kept hashed, as Entra keeps them, so a secret the
// scenario withheld cannot be read out of the file. Keys and certificates are not
// saved; a loaded tenant makes new ones, so tokens issued before a restart are refused.
func (t *Tenant) Save(w io.Writer) error {
	t.mu.Lock()
	m := *t.m
	m.Answer = nil // the trainer's; it goes to them apart from the state (AnswerKey)
	data, err := json.MarshalIndent(saveFile{Format: saveFormat, SavedAt: t.now().UTC(), State: &m}, "", "  ")
	t.mu.Unlock()
	if err != nil {
		return fmt.Errorf("sandbox: saving state: %w", err)
	}
	_, err = w.Write(append(data, '\n'))
	return err
}

// Load starts a tenant from a saved state. opts.Scenario and opts.Seed are ignored: the
// state says what it is.
func Load(r io.Reader, opts Options) (*Tenant, error) {
	var f saveFile
	dec := json.NewDecoder(io.LimitReader(r, 64<<20))
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("sandbox: reading state: %w", err)
	}
	if f.Format != saveFormat {
		return nil, fmt.Errorf("sandbox: state format %q, want %q", f.Format, saveFormat)
	}
	if err := f.State.validate(); err != nil {
		return nil, fmt.Errorf("sandbox: state is inconsistent: %w", err)
	}
	t, err := newTenant(opts)
	if err != nil {
		return nil, err
	}
	t.m = f.State
	if err := t.listen(); err != nil {
		return nil, err
	}
	return t, nil
}

// validate checks what the handlers rely on, so a hand-edited file fails here and not
// in the middle of a request.
func (m *model) validate() error {
	if m == nil {
		return errors.New("no state")
	}
	if len(m.Directories) == 0 || len(m.Subscriptions) == 0 || len(m.Vaults) == 0 {
		return errors.New("a tenant needs at least one directory, subscription and vault")
	}
	if m.Delinea != nil {
		if err := m.Delinea.validate(); err != nil {
			return err
		}
	}
	seen := map[string]bool{}
	for _, d := range m.Directories {
		if d == nil || !isGUID(d.ID) || !isDomainName(d.Domain) {
			return errors.New("a directory needs a GUID id and a domain name")
		}
		for _, a := range d.Apps {
			if a == nil || !isGUID(a.ClientID) || !isGUID(a.SPObjectID) {
				return errors.New("an app needs GUID appId and servicePrincipalObjectId")
			}
			for _, s := range a.Secrets {
				if s == nil {
					return errors.New("empty client secret")
				}
				if s.Legacy != "" {
					s.Hash, s.Legacy = hashSecret(s.Legacy), ""
				}
				if !validSecretHash(s.Hash) {
					return errors.New("a client secret needs its secretHash")
				}
			}
		}
	}
	for _, s := range m.Subscriptions {
		if s == nil || !isGUID(s.ID) || m.directory(s.TenantID) == nil {
			return errors.New("a subscription needs a GUID id and a known tenant")
		}
	}
	for _, v := range m.Vaults {
		if v == nil || m.subscription(v.SubscriptionID) == nil || seen[strings.ToLower(v.Name)] {
			return errors.New("a vault needs a known subscription and a unique name")
		}
		if _, ok := m.subscription(v.SubscriptionID).resourceGroup(v.ResourceGroup); !ok || !vaultNameRE.MatchString(v.Name) {
			return fmt.Errorf("vault %q: bad name or unknown resource group", v.Name)
		}
		seen[strings.ToLower(v.Name)] = true
		if v.Secrets == nil {
			v.Secrets = map[string]*secret{}
		}
		if v.Deleted == nil {
			v.Deleted = map[string]*deletedEntry{}
		}
		for k, s := range v.Secrets {
			if s == nil || len(s.Versions) == 0 || !strings.EqualFold(k, s.Name) || slicesHasNil(s.Versions) {
				return fmt.Errorf("vault %q: secret %q has no versions or a mismatched key", v.Name, k)
			}
		}
		for k, d := range v.Deleted {
			if d == nil || d.Secret == nil || len(d.Secret.Versions) == 0 || !strings.EqualFold(k, d.Secret.Name) || slicesHasNil(d.Secret.Versions) {
				return fmt.Errorf("vault %q: deleted secret %q is incomplete", v.Name, k)
			}
		}
		for _, p := range v.AccessPolicies {
			if p == nil {
				return fmt.Errorf("vault %q: empty access policy", v.Name)
			}
		}
	}
	for _, a := range m.Assignments {
		if a == nil || roleByID(a.RoleID) == nil {
			return errors.New("a role assignment names an unknown role")
		}
	}
	m.invalidate()
	return nil
}

func slicesHasNil(vs []*secretVersion) bool {
	for _, v := range vs {
		if v == nil {
			return true
		}
	}
	return false
}
