package live

import (
	"crypto/sha256"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/azure"
	"github.com/kvbridge/kvbridge/steps/delinea"
)

// Delinea's side of the check pages. A page that lists delinea.* checks reads, with
// the documented Secret Server API, the credential secret (then its Azure checks run
// with the values as Delinea holds them) and the mapped secret (mapping.value and
// mapping.tag compare with its password and username). The URL, user name and the
// secrets' IDs or names are saved with the connection; the password only lives here.
// A practice tenant brings its own Secret Server and user; its secrets are read when
// the trainee names them (the hints give their IDs).

func init() {
	ownTenant := func(s *Session) bool { return s.st.Connection.Kind == steps.ConnTenant }
	fieldTable[steps.FieldDelineaURL] = fieldSpec{label: "Delinea URL", hint: "https://…/SecretServer; empty: not read", shows: ownTenant,
		get: func(s *Session) string { return s.st.Connection.DelineaURL },
		set: func(_ *Session, c *steps.Connection, v string) error {
			v = strings.TrimSpace(v)
			if v != "" {
				u, err := delinea.CheckURL(v)
				if err != nil {
					return &FieldError{Field: steps.FieldDelineaURL, Reason: err.Error()}
				}
				v = u
			}
			c.DelineaURL = v
			return nil
		},
		check: func(v string) azure.InputProblem {
			if strings.TrimSpace(v) == "" {
				return azure.InputProblem{}
			}
			if _, err := delinea.CheckURL(v); err != nil {
				return azure.InputProblem{Cause: "malformed", Status: azure.StatusFail, Detail: err.Error()}
			}
			return azure.InputProblem{}
		}}
	fieldTable[steps.FieldDelineaUsername] = fieldSpec{label: "Delinea user", hint: "the Secret Server user to sign in as", shows: ownTenant,
		get: func(s *Session) string { return s.st.Connection.DelineaUsername },
		set: func(_ *Session, c *steps.Connection, v string) error {
			c.DelineaUsername = strings.TrimSpace(v)
			return nil
		}}
	fieldTable[steps.FieldDelineaPassword] = fieldSpec{label: "Delinea password", hint: "kept in memory only", secret: true, shows: ownTenant,
		get: func(s *Session) string { return s.delineaPassword },
		set: func(s *Session, _ *steps.Connection, v string) error { s.delineaPassword = v; return nil }}
	fieldTable[steps.FieldCredentialSecret] = refField(steps.FieldCredentialSecret, "Credential secret", "its ID or name; empty: the typed values",
		func(c *steps.Connection) *string { return &c.CredentialSecret }, func(h Handout) int { return h.CredentialSecretID })
	fieldTable[steps.FieldMappedSecret] = refField(steps.FieldMappedSecret, "Mapped secret", "its ID or name; empty: the typed password",
		func(c *steps.Connection) *string { return &c.MappedSecret }, func(h Handout) int { return h.MappedSecretID })
	for name, f := range fieldTable {
		f.name = name
		fieldTable[name] = f
	}
}

// refField is a secret named by ID or name, saved with the connection; empty, it is
// not read. On a practice tenant the hint names the practice secret's ID.
func refField(name, label, hint string, at func(*steps.Connection) *string, practiceID func(Handout) int) fieldSpec {
	return fieldSpec{label: label, hint: hint, shows: always,
		get: func(s *Session) string { return *at(&s.st.Connection) },
		hintFor: func(s *Session) string {
			if s.practice != nil && s.handout.DelineaURL != "" {
				return "ID or name (practice: " + strconv.Itoa(practiceID(s.handout)) + "); empty: " + strings.TrimPrefix(hint, "its ID or name; empty: ")
			}
			return hint
		},
		set: func(_ *Session, c *steps.Connection, v string) error {
			v = strings.TrimSpace(v)
			if v != "" {
				if _, err := delinea.ParseRef(v); err != nil {
					return &FieldError{Field: name, Reason: err.Error()}
				}
			}
			*at(c) = v
			return nil
		},
		check: func(v string) azure.InputProblem {
			if strings.TrimSpace(v) == "" {
				return azure.InputProblem{}
			}
			if _, err := delinea.ParseRef(v); err != nil {
				return azure.InputProblem{Cause: "malformed", Status: azure.StatusFail, Detail: err.Error()}
			}
			return azure.InputProblem{}
		}}
}

// delineaLocked is what the checks read from Delinea, or nil: the practice tenant's
// Secret Server, or the own tenant's when its URL, user and password are given. The
// client is kept while they stay the same, so a re-run or a watch reuses its token.
func (s *Session) delineaLocked(cfg *azure.Config) *azure.DelineaSource {
	c := s.st.Connection
	dc := delinea.Config{URL: c.DelineaURL, Username: c.DelineaUsername, Password: s.delineaPassword, ExtraCAPEM: s.opts.Wiring.ExtraCA}
	cred, mapped := c.CredentialSecret, c.MappedSecret
	switch {
	case s.practice != nil && s.handout.DelineaURL != "":
		h := s.handout
		dc = delinea.Config{URL: h.DelineaURL, Username: h.DelineaUsername, Password: h.DelineaPassword, ExtraCAPEM: cfg.ExtraCAPEM}
		if hc, ok := cfg.Transport.(*http.Client); ok {
			dc.HTTPClient = hc
		}
	case c.Kind != steps.ConnTenant || dc.URL == "" || dc.Username == "" || dc.Password == "":
		return nil
	}
	credRef, _ := delinea.ParseRef(cred)
	mappedRef, _ := delinea.ParseRef(mapped)
	pw := sha256.Sum256([]byte(dc.Password))
	key := fmt.Sprintf("%s|%s|%x|%d", dc.URL, dc.Username, pw[:8], s.gen)
	if s.dl == nil || s.dlKey != key {
		cl, err := delinea.New(dc)
		if err != nil {
			return nil
		}
		s.dl, s.dlKey = cl, key
	}
	return &azure.DelineaSource{Client: s.dl, CredentialSecret: credRef, MappedSecret: mappedRef}
}

// delineaKey stands for the Delinea configuration in the engine session's cache key.
func (s *Session) delineaKey(src *azure.DelineaSource) string {
	if src == nil {
		return "-"
	}
	return s.dlKey + "|" + src.CredentialSecret.String() + "|" + src.MappedSecret.String()
}
