package steps

import (
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kvbridge/kvbridge/internal/termsafe"
	"github.com/kvbridge/kvbridge/quiz"
)

// FormatVersion is the version of the saved progress format. Bump it when a
// field changes meaning; older files are then moved aside, never misread.
const FormatVersion = 1

// Check statuses, as the live checks report them.
const (
	StatusPass = "pass"
	StatusWarn = "warn"
	StatusFail = "fail"
	StatusSkip = "skip"
)

// State is everything the trainee has done. It holds no secret by construction:
// no field can carry a client secret or a password.
type State struct {
	Version    int                    `json:"version"`
	Screen     string                 `json:"screen"`
	StartedAt  time.Time              `json:"started_at"`
	UpdatedAt  time.Time              `json:"updated_at"`
	FinishedAt *time.Time             `json:"finished_at,omitempty"`
	Tasks      map[string]bool        `json:"tasks"`
	Quiz       map[string]quiz.Record `json:"quiz"`
	Acks       map[string]bool        `json:"acks"`
	Checks     map[string]CheckMark   `json:"checks"`
	Connection Connection             `json:"connection"`
	// Name is the trainee's name for the trainer's report (kvbridge report
	// --name); checked by CheckName.
	Name string `json:"name,omitempty"`
}

// MaxNameLen bounds a trainee's name, in characters.
const MaxNameLen = 100

// CheckName says what is wrong with a trainee's name, if anything: empty,
// longer than MaxNameLen characters, or holding control characters (it is
// printed in reports).
func CheckName(name string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return errors.New("the name is empty")
	case utf8.RuneCountInString(name) > MaxNameLen:
		return fmt.Errorf("the name has %d characters; at most %d", utf8.RuneCountInString(name), MaxNameLen)
	case !utf8.ValidString(name) || termsafe.Clean(name) != name:
		return errors.New("the name holds control characters or invalid text")
	}
	return nil
}

// Connection kinds.
const (
	ConnNone     = ""         // not chosen yet
	ConnOffline  = "offline"  // the course without live checks
	ConnPractice = "practice" // the built-in practice tenant
	ConnTenant   = "tenant"   // the trainee's own Azure tenant
)

// Connection says where the live checks run and what they look at. It holds
// identifiers only: the client secret is asked for (or read from
// AZURE_CLIENT_SECRET) every run and never saved.
type Connection struct {
	Kind          string     `json:"kind"`
	Scenario      string     `json:"scenario,omitempty"` // practice tenant scenario
	Seed          int64      `json:"seed,omitempty"`     // the seed that picked the mystery scenario's fault
	TenantID      string     `json:"tenant_id,omitempty"`
	ClientID      string     `json:"client_id,omitempty"`
	Cloud         string     `json:"cloud,omitempty"`
	AuthorityHost string     `json:"authority_host,omitempty"`
	ARMEndpoint   string     `json:"arm_endpoint,omitempty"`
	GraphEndpoint string     `json:"graph_endpoint,omitempty"`
	Vault         string     `json:"vault,omitempty"`       // name, URL or resource ID
	VaultURL      string     `json:"vault_url,omitempty"`   // data-plane URL when ARM cannot tell it
	SecretName    string     `json:"secret_name,omitempty"` // the Azure secret name mapped in Delinea
	MapUsername   bool       `json:"map_username,omitempty"`
	Username      string     `json:"username,omitempty"`
	SecretExpires *time.Time `json:"secret_expires,omitempty"` // the client secret's expiry, when the trainee gave it

	// Delinea Secret Server: its URL, the user, and the two secrets by ID or name.
	// The password is never saved (it lives in the live session's memory).
	DelineaURL       string `json:"delinea_url,omitempty"`
	DelineaUsername  string `json:"delinea_username,omitempty"`
	CredentialSecret string `json:"credential_secret,omitempty"`
	MappedSecret     string `json:"mapped_secret,omitempty"`
}

// Describe says in words where the live checks run.
func (c Connection) Describe() string {
	switch c.Kind {
	case ConnPractice:
		scenario := c.Scenario
		if scenario == "" {
			scenario = "healthy"
		}
		return "the practice tenant, scenario " + scenario
	case ConnTenant:
		if c.TenantID == "" {
			return "your Azure tenant"
		}
		return "Azure tenant " + c.TenantID + ", app " + c.ClientID
	case ConnOffline:
		return "none (the course only)"
	}
	return "not chosen yet"
}

// Live reports whether the trainee checks against a tenant, which makes the
// lessons' live checks part of progress and completion.
func (s State) Live() bool {
	return s.Connection.Kind == ConnPractice || s.Connection.Kind == ConnTenant
}

// Longest values a connection keeps, from what Azure accepts: a tenant is a
// GUID or a domain name (at most 253 characters), a client ID a GUID, a Key
// Vault secret name at most 127 characters, a tag value (the username) at most
// 256, and a URL or a resource ID a few hundred (2048 is generous). Anything
// longer is a paste gone wrong; saving it would rewrite it on every change.
const (
	MaxTenantIDLen   = 253
	MaxClientIDLen   = 64
	MaxURLLen        = 2048
	MaxSecretNameLen = 127
	MaxUsernameLen   = 256
	maxShortLen      = 64 // cloud and scenario names
)

// Validate rejects a connection of an unknown kind, a field longer than Azure
// accepts, and a field holding a control character (it would reach a terminal
// when the connection is shown; no Azure identifier has one).
func (c Connection) Validate() error {
	switch c.Kind {
	case ConnNone, ConnOffline, ConnPractice, ConnTenant:
	default:
		return fmt.Errorf("connection kind %q is not offline, practice or tenant", termsafe.Clean(clip(c.Kind, 40)))
	}
	for _, f := range []struct {
		name, v string
		max     int
	}{
		{"scenario", c.Scenario, maxShortLen},
		{"tenant ID", c.TenantID, MaxTenantIDLen},
		{"client ID", c.ClientID, MaxClientIDLen},
		{"cloud", c.Cloud, maxShortLen},
		{"authority host", c.AuthorityHost, MaxURLLen},
		{"ARM endpoint", c.ARMEndpoint, MaxURLLen},
		{"Graph endpoint", c.GraphEndpoint, MaxURLLen},
		{"vault", c.Vault, MaxURLLen},
		{"vault URL", c.VaultURL, MaxURLLen},
		{"secret name", c.SecretName, MaxSecretNameLen},
		{"username", c.Username, MaxUsernameLen},
		{"Delinea URL", c.DelineaURL, MaxURLLen},
		{"Delinea user name", c.DelineaUsername, MaxUsernameLen},
		{"credential secret", c.CredentialSecret, MaxUsernameLen},
		{"mapped secret", c.MappedSecret, MaxUsernameLen},
	} {
		if n := utf8.RuneCountInString(f.v); n > f.max {
			return fmt.Errorf("the %s is %d characters long; Azure's are at most %d", f.name, n, f.max)
		}
		if termsafe.Clean(f.v) != f.v {
			return fmt.Errorf("the %s holds control characters (%q)", f.name, clip(f.v, 40))
		}
	}
	return nil
}

// clip shortens s to at most n bytes, at a rune boundary, for messages.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// Invalidates reports whether moving from c to next makes the saved result of
// check id meaningless.
func (c Connection) Invalidates(next Connection, id string) bool {
	if c.Kind != next.Kind || c.Scenario != next.Scenario || c.Seed != next.Seed || c.TenantID != next.TenantID ||
		c.ClientID != next.ClientID || c.Cloud != next.Cloud ||
		c.AuthorityHost != next.AuthorityHost || c.ARMEndpoint != next.ARMEndpoint || c.GraphEndpoint != next.GraphEndpoint {
		return true
	}
	vaultBound := strings.HasPrefix(id, "arm.vaults") || strings.HasPrefix(id, "vault.") ||
		strings.HasPrefix(id, "rbac.") || strings.HasPrefix(id, "data.") || strings.HasPrefix(id, "mapping.")
	if vaultBound && (!strings.EqualFold(c.Vault, next.Vault) || !strings.EqualFold(c.VaultURL, next.VaultURL)) {
		return true
	}
	mapping := strings.HasPrefix(id, "mapping.")
	if mapping && (c.SecretName != next.SecretName || c.MapUsername != next.MapUsername || c.Username != next.Username || c.MappedSecret != next.MappedSecret) {
		return true
	}
	// Delinea's side: its results, and those of checks that ran with the values the
	// credential secret held.
	delineaChanged := c.DelineaURL != next.DelineaURL || c.DelineaUsername != next.DelineaUsername
	if strings.HasPrefix(id, "delinea.") && (delineaChanged || c.CredentialSecret != next.CredentialSecret || c.MappedSecret != next.MappedSecret) {
		return true
	}
	return !strings.HasPrefix(id, "delinea.") && (delineaChanged || c.CredentialSecret != next.CredentialSecret) && c.CredentialSecret+next.CredentialSecret != ""
}

// CauseNotAsked is the cause of a check skipped because the trainee chose
// not to give what it compares (an optional tag mapping, the password).
const CauseNotAsked = "not-asked"

// CheckMark is the last result of one live check.
type CheckMark struct {
	Status string    `json:"status"`
	Cause  string    `json:"cause,omitempty"`
	At     time.Time `json:"at"`
}

// Passed reports whether the check ended well enough to count as done: a pass,
// a warning, or a skip because there was nothing the trainee asked to compare.
func (c CheckMark) Passed() bool {
	return c.Status == StatusPass || c.Status == StatusWarn || (c.Status == StatusSkip && c.Cause == CauseNotAsked)
}

func (s State) clone() State {
	c := s
	c.Tasks = cloneMap(s.Tasks)
	c.Quiz = cloneMap(s.Quiz)
	c.Acks = cloneMap(s.Acks)
	c.Checks = cloneMap(s.Checks)
	if s.FinishedAt != nil {
		t := *s.FinishedAt
		c.FinishedAt = &t
	}
	if s.Connection.SecretExpires != nil {
		t := *s.Connection.SecretExpires
		c.Connection.SecretExpires = &t
	}
	return c
}

func cloneMap[K comparable, V any](m map[K]V) map[K]V {
	if m == nil {
		return map[K]V{}
	}
	return maps.Clone(m)
}

// Elapsed is the time from start to finish, or to the last change if unfinished.
func (s State) Elapsed() time.Duration {
	end := s.UpdatedAt
	if s.FinishedAt != nil {
		end = *s.FinishedAt
	}
	return end.Sub(s.StartedAt)
}
