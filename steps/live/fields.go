package live

import (
	"strings"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/azure"
)

// DefaultSecretName is the guide's example Azure secret name.
const DefaultSecretName = "Prod-VM-Admin-Pass"

// Field is one input of a page as it stands now.
type Field struct {
	Name  string // steps.Field* name
	Label string // "Tenant ID"
	Hint  string // what goes in it, shown when empty
	// Question is how a line-by-line front end asks for it.
	Question string
	// Value is what the field holds; a secret's is masked (its first 3
	// characters, as Entra's hint shows them).
	Value  string
	Secret bool
	// Choices, for a field that cycles through fixed values (cloud, yes/no).
	Choices []string
	// Problem is what the input check says of the value now; a zero Status
	// means it is fine (or empty and optional).
	Problem azure.InputProblem
}

// fieldSpec is one entry of the field table. Saved fields live in the
// connection (steps.Connection, identifiers only); the others (secrets,
// a practice tenant's typed IDs) only in the session's memory.
type fieldSpec struct {
	name, label, hint string
	question          string
	secret            bool
	choices           []string
	// shows reports whether the field applies to the connection at hand.
	shows func(s *Session) bool
	// get reads the value; set checks and stores it (in c, or the session).
	get   func(s *Session) string
	set   func(s *Session, c *steps.Connection, v string) error
	check func(v string) azure.InputProblem
	// hintFor, when set, words the hint for the connection at hand.
	hintFor func(s *Session) string
}

var yesNo = []string{"yes", "no"}

func always(*Session) bool { return true }

// fieldTable is every field a course may declare. A capability that needs
// inputs of its own (Delinea's URL and user, say) adds entries here and the
// names to steps.KnownFields.
var fieldTable = map[string]fieldSpec{
	steps.FieldTenantID: {label: "Tenant ID", hint: "Directory (tenant) ID", question: "Tenant ID (Directory ID, or a verified domain)", shows: always,
		get: func(s *Session) string { return s.ids().TenantID },
		set: func(s *Session, c *steps.Connection, v string) error {
			if c.Kind == steps.ConnPractice {
				s.typedTenant = v
			} else {
				c.TenantID = v
			}
			return nil
		}, check: azure.CheckTenantID},
	steps.FieldClientID: {label: "Client ID", hint: "Application (client) ID", question: "Client ID (Application ID)", shows: always,
		get: func(s *Session) string { return s.ids().ClientID },
		set: func(s *Session, c *steps.Connection, v string) error {
			if c.Kind == steps.ConnPractice {
				s.typedClient = v
			} else {
				c.ClientID = v
			}
			return nil
		}, check: azure.CheckClientID},
	steps.FieldClientSecret: {label: "Client secret", hint: "the secret's Value", question: "Client secret (the Value; not shown, never saved)", secret: true, shows: always,
		get: func(s *Session) string { return s.secret },
		set: func(s *Session, _ *steps.Connection, v string) error {
			s.secretTrimmed = strings.TrimSpace(v) != v
			s.secret = strings.TrimSpace(v)
			return nil
		}, check: azure.CheckClientSecret},
	steps.FieldCloud: {label: "Cloud", question: "Cloud: public, china or usgov", choices: []string{"public", "china", "usgov"},
		shows: func(s *Session) bool { return s.st.Connection.Kind == steps.ConnTenant },
		get: func(s *Session) string {
			if c := s.st.Connection.Cloud; c != "" {
				return c
			}
			return "public"
		},
		set: func(_ *Session, c *steps.Connection, v string) error {
			cl, err := azure.ParseCloud(v)
			if err != nil {
				return &FieldError{Field: steps.FieldCloud, Reason: err.Error()}
			}
			c.Cloud = string(cl)
			return nil
		}},
	steps.FieldVault: {label: "Vault", hint: "name, URL or resource ID; none: list only", question: "Vault to check (name, URL or resource ID)", shows: always,
		get: func(s *Session) string {
			if v := s.st.Connection.Vault; v != "" || s.practice == nil {
				return v
			}
			return s.handout.VaultID
		},
		set:   func(_ *Session, c *steps.Connection, v string) error { c.Vault = v; return nil },
		check: azure.CheckVault},
	steps.FieldSecretName: {label: "Secret name", hint: "the Azure secret name mapped in Delinea", question: "Azure secret name mapped in Delinea", shows: always,
		get: func(s *Session) string {
			if n := s.st.Connection.SecretName; n != "" {
				return n
			}
			return DefaultSecretName
		},
		set:   func(_ *Session, c *steps.Connection, v string) error { c.SecretName = v; return nil },
		check: azure.CheckSecretName},
	steps.FieldMapUsername: {label: "Username mapped to the tag", question: `Is the Delinea Username mapped to the secret's tag "username"?`, choices: yesNo, shows: always,
		get: func(s *Session) string {
			if s.st.Connection.MapUsername {
				return "yes"
			}
			return "no"
		},
		set: func(s *Session, c *steps.Connection, v string) error {
			switch strings.ToLower(v) {
			case "y", "yes", "true", "on":
				c.MapUsername = true
				if c.Username == "" && s.practice != nil {
					c.Username = s.handout.SecretUsername
				}
			case "n", "no", "false", "off":
				c.MapUsername, c.Username = false, ""
			default:
				return &FieldError{Field: steps.FieldMapUsername, Reason: "type yes or no"}
			}
			return nil
		}},
	steps.FieldUsername: {label: "Username", hint: "the value the tag should hold; none: any", question: "Username the tag should hold",
		shows: func(s *Session) bool { return s.st.Connection.MapUsername },
		get:   func(s *Session) string { return s.st.Connection.Username },
		set:   func(_ *Session, c *steps.Connection, v string) error { c.Username = v; return nil }},
	steps.FieldPassword: {label: "Password", hint: "the Delinea password, compared by SHA-256; none: skip", question: "Delinea password to compare with the secret's value (optional, Enter skips; not shown, never saved)", secret: true, shows: always,
		get: func(s *Session) string { return s.password },
		set: func(s *Session, _ *steps.Connection, v string) error { s.password = v; return nil }},
	steps.FieldSecretExpiry: {label: "Client secret expires", hint: "YYYY-MM-DD", question: "When does the client secret expire? (YYYY-MM-DD, Enter to skip)", shows: always,
		get: func(s *Session) string {
			if e := s.st.Connection.SecretExpires; e != nil {
				return e.Format(ExpiryLayout)
			}
			return ""
		},
		set: func(_ *Session, c *steps.Connection, v string) error {
			if strings.TrimSpace(v) == "" {
				c.SecretExpires = nil
				return nil
			}
			t, err := ParseExpiry(v)
			if err != nil {
				return &FieldError{Field: steps.FieldSecretExpiry, Reason: ExpiryFormatHelp}
			}
			c.SecretExpires = &t
			return nil
		}},
}

func init() {
	for name, f := range fieldTable {
		f.name = name
		fieldTable[name] = f
	}
}

// Mask keeps the first 3 characters of a secret, as Entra's hint shows them.
func Mask(s string) string {
	if len(s) <= 3 {
		return strings.Repeat("*", len(s))
	}
	return s[:3] + strings.Repeat("*", min(len(s)-3, 12))
}
