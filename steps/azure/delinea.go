package azure

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/kvbridge/kvbridge/steps/delinea"
)

// DelineaSource says what to read from Delinea Secret Server. With a credential secret,
// every Azure check runs with the tenant, client and client secret as Delinea holds
// them (values typed in Config are then only compared, by delinea.typed-values); with
// a mapped secret, mapping.value and mapping.tag compare with its password and
// username. Nothing read is ever shown: values are hashed or used as credentials only.
type DelineaSource struct {
	Client           *delinea.Client
	CredentialSecret delinea.Ref // zero: the credential secret is not read
	MappedSecret     delinea.Ref // zero: the mapped secret is not read
}

// errNotRead stands for a secret this run does not read.
var errNotRead = errors.New("not read in this run")

// AppTemplateName is the template Delinea's Azure Key Vault link expects for its
// credential secret, found on the server by this name.
const AppTemplateName = "Azure App Registration"

// credFields are the credential secret's three values, each found by the names a
// template may give the field (the names, never guessed slugs): the guide's template
// says Tenant ID, Client ID and Client Secret; the portal's wording is accepted too.
var credFields = [3]struct {
	label string
	names []string
}{
	{"Tenant ID", []string{"Tenant ID", "Directory (Tenant) ID", "Directory ID", "TenantId"}},
	{"Client ID", []string{"Client ID", "Application (Client) ID", "Application ID", "ClientId"}},
	{"Client Secret", []string{"Client Secret", "Client Secret Value", "Secret Value", "ClientSecret"}},
}

// delineaRun is one run's reads from Delinea, started together as soon as the run
// starts: sign-in first, then, in parallel, the credential secret, the template and the
// mapped secret. Only the credential secret is on the Azure checks' critical path.
type delineaRun struct {
	src             *DelineaSource
	readsCredential bool
	signIn          *future[error]
	cred            *future[secretRead]
	tpl             *future[templateRead]
	mapped          *future[secretRead]
}

type secretRead struct {
	secret *delinea.Secret
	err    error
	auth   bool // err is the sign-in's
}

type templateRead struct {
	tpl *delinea.Template
	err error
}

// startDelinea starts the reads the run's checks need; nil when Delinea is not
// configured. The credential secret is read (and its values used by the Azure
// checks) only when delinea.credential-secret is part of the run, the mapped secret
// only with delinea.mapped-secret: a page that checks typed values keeps them.
func (s *Session) startDelinea(ctx context.Context, defs []*checkDef) *delineaRun {
	src := s.cfg.Delinea
	if src == nil || src.Client == nil || !defByIDIn(defs, "delinea.auth") {
		return nil
	}
	d := &delineaRun{src: src, signIn: newFuture[error](), cred: newFuture[secretRead](), tpl: newFuture[templateRead](), mapped: newFuture[secretRead]()}
	d.readsCredential = !src.CredentialSecret.Zero() && defByIDIn(defs, "delinea.credential-secret")
	readsMapped := !src.MappedSecret.Zero() && defByIDIn(defs, "delinea.mapped-secret")
	bound := func() (context.Context, context.CancelFunc) { return context.WithTimeout(ctx, s.checkTimeout()) }
	d.signIn.start(func() error {
		c, cancel := bound()
		defer cancel()
		return src.Client.Connect(c)
	})
	read := func(ref delinea.Ref) func() secretRead {
		return func() secretRead {
			c, cancel := bound()
			defer cancel()
			if err, ok := d.signIn.wait(c); !ok {
				return secretRead{err: c.Err()}
			} else if err != nil {
				return secretRead{err: err, auth: true}
			}
			sec, err := src.Client.SecretByRef(c, ref)
			return secretRead{secret: sec, err: err}
		}
	}
	if d.readsCredential {
		d.cred.start(read(src.CredentialSecret))
		d.tpl.start(func() templateRead {
			c, cancel := bound()
			defer cancel()
			if err, ok := d.signIn.wait(c); !ok || err != nil {
				return templateRead{err: err}
			}
			t, err := src.Client.FindTemplate(c, AppTemplateName)
			return templateRead{tpl: t, err: err}
		})
	}
	if readsMapped {
		d.mapped.start(read(src.MappedSecret))
	} else {
		d.mapped.start(func() secretRead { return secretRead{err: errNotRead} })
	}
	if !d.readsCredential {
		d.cred.start(func() secretRead { return secretRead{err: errNotRead} })
		d.tpl.start(func() templateRead { return templateRead{err: errNotRead} })
	}
	return d
}

// credValues finds the three values in the credential secret: through the template's
// fields when the template was read (by field name, then the item with that slug or
// field ID), else by the items' own field names. missing lists the labels not found.
func credValues(sec *delinea.Secret, tpl *delinea.Template) (vals [3]delinea.Value, fields [3]string, missing []string) {
	for i, cf := range credFields {
		found := false
		for _, n := range cf.names {
			var item delinea.Field
			ok := false
			if tpl != nil {
				if tf, tok := tpl.FieldByName(n); tok {
					if item, ok = sec.FieldBySlug(tf.Slug); !ok {
						item, ok = sec.FieldByID(tf.ID)
					}
				}
			} else {
				item, ok = sec.FieldByName(n)
			}
			if ok {
				vals[i], fields[i], found = item.Value, item.FieldName, true
				break
			}
		}
		if !found {
			missing = append(missing, cf.label)
		}
	}
	return vals, fields, missing
}

// credSource says where a run's Azure credentials came from.
type credSource int

const (
	credTyped    credSource = iota // typed values; no credential secret asked
	credDelinea                    // read from the credential secret
	credFallback                   // a credential secret was asked but not usable: typed values
	credBlocked                    // neither: the Azure checks are skipped
)

// credentialTarget waits for the credential secret and returns the session that runs
// the Azure checks with its values (made once per set of values and kept, so re-runs
// reuse its clients and token cache), or this session with the typed values.
func (s *Session) credentialTarget(ctx context.Context, d *delineaRun) (*Session, credSource) {
	fallback := credBlocked
	if s.cfg.TenantID != "" || s.cfg.ClientID != "" || s.secret != "" {
		fallback = credFallback
	}
	r, ok := d.cred.wait(ctx)
	if !ok || r.err != nil || r.secret == nil || !strings.EqualFold(strings.TrimSpace(r.secret.TemplateName), AppTemplateName) {
		return s, fallback
	}
	vals, _, missing := credValues(r.secret, nil)
	if len(missing) > 0 {
		return s, fallback
	}
	key := sha256.Sum256([]byte(vals[0].Reveal() + "\x00" + vals[1].Reveal() + "\x00" + vals[2].Reveal()))
	s.mu.Lock()
	defer s.mu.Unlock()
	if in := s.inner[key]; in != nil {
		return in, credDelinea
	}
	cfg := s.cfg
	cfg.TenantID, cfg.ClientID, cfg.ClientSecret = vals[0].Reveal(), vals[1].Reveal(), vals[2].Reveal()
	cfg.Delinea, cfg.strict = nil, true
	in, err := NewSession(cfg)
	if err != nil {
		return s, fallback
	}
	in.alsoScrub = append(in.alsoScrub, s.secret)
	if s.inner == nil || len(s.inner) >= 4 { // a few recent sets of values, not an unbounded history
		s.inner = map[[32]byte]*Session{}
	}
	s.inner[key] = in
	return in, credDelinea
}

const strictPrefix = "Delinea holds the "

// strictTitle is the title of an input check failed by strictInput, "" otherwise.
func strictTitle(p InputProblem) string {
	rest, ok := strings.CutPrefix(p.Detail, strictPrefix)
	if !ok || p.Status != StatusFail {
		return ""
	}
	what, _, _ := strings.Cut(rest, " with whitespace")
	return "The " + what + " has whitespace at one end"
}

// strictInput turns a fixed-up input into a failure: Delinea sends what it holds, so a
// space kvbridge would trim is a space Entra ID receives.
func strictInput(p InputProblem, what string) InputProblem {
	if p.Status != StatusWarn {
		return p
	}
	return InputProblem{p.Cause, StatusFail, strictPrefix + what + " with whitespace at one end. Delinea sends it as stored and Entra ID compares it exactly, so Delinea's sign-in fails although the value looks right. Remove the space in the credential secret."}
}

// ---- delinea.auth ----

func checkDelineaAuth(ctx context.Context, rs *runState) Result {
	d := rs.dl
	if d == nil {
		return notAsked("delinea.auth", "no Delinea URL was given (--delinea-url)")
	}
	err, ok := d.signIn.wait(ctx)
	if !ok {
		return timeoutResult("", rs.s.checkTimeout())
	}
	c := d.src.Client
	ev := Evidence{Scope: c.BaseURL(), Note: "user " + c.Username()}
	if err == nil {
		how := "Secret Server's token endpoint (password grant)"
		if c.Platform() {
			how = "Delinea Platform's token endpoint and its vault broker"
		}
		r := pass("Signed in to Secret Server as "+c.Username(), "Signed in through "+how+"; the token is kept in memory only.")
		r.Evidence = ev
		return r
	}
	r := delineaFailure(err, rs, "sign in")
	r.Evidence.Scope, r.Evidence.Note = ev.Scope, ev.Note
	return r
}

// delineaFailure turns a client error into a failed result with the sign-in's or a
// read's wording; the checks refine causes their own way.
func delineaFailure(err error, rs *runState, what string) Result {
	var e *delinea.Error
	if !asDelinea(err, &e) {
		return Result{Status: StatusFail, Cause: CauseInternal, Title: "Delinea could not be asked", Detail: firstLine(err.Error())}
	}
	r := Result{Status: StatusFail, Evidence: Evidence{HTTPStatus: e.HTTPStatus, ErrorCode: e.Code}}
	msg := e.Message
	switch e.Kind {
	case delinea.KindTimeout:
		return timeoutResult("", rs.s.checkTimeout())
	case delinea.KindUnreachable:
		r.Cause, r.Title = CauseUnreachable, "No answer from Secret Server"
		r.Detail = "The call to Secret Server failed before it answered: " + msg + "."
		r.Fix = &Fix{Summary: "Check the Delinea URL (--delinea-url) and that this machine reaches it (DNS, proxy, firewall)."}
	case delinea.KindTLS:
		r.Cause = "tls"
		switch e.TLSProblem {
		case "untrusted":
			r.Title = "Secret Server's certificate is not trusted"
			r.Fix = &Fix{Summary: "Pass the CA certificate (PEM) that signed Secret Server's certificate, or your TLS-inspecting proxy's, with --ca-file PATH."}
		case "expired", "not-yet-valid":
			r.Title = "Secret Server's certificate is " + strings.ReplaceAll(e.TLSProblem, "-", " ")
			r.Fix = &Fix{Summary: "Renew Secret Server's TLS certificate (IIS bindings or the load balancer); until then no client can trust it."}
		case "name-mismatch":
			r.Title = "Secret Server's certificate is for another name"
			r.Fix = &Fix{Summary: "Use the host name the certificate names in --delinea-url, or reissue the certificate for this name."}
		default:
			r.Title = "The TLS handshake with Secret Server failed"
		}
		r.Detail = "TLS " + e.TLSProblem + ": " + msg + "."
	case delinea.KindBadCredentials, delinea.KindUnauthorized:
		r.Cause, r.Title = "bad-credentials", "Secret Server refused the user name or password"
		r.Detail = "The token endpoint refused the sign-in (" + msg + "). Check the user name, the password and, for an Active Directory account, the domain (--delinea-domain). On Delinea Platform, use a service user's client ID and secret."
		r.Fix = &Fix{Summary: "Sign in to Secret Server's web UI with the same user to confirm the password; local accounts need no domain, AD accounts do."}
	case delinea.KindOTPNeeded:
		r.Cause, r.Title = "one-time-code-needed", "The account needs a one-time code"
		r.Detail = "Secret Server asks this account for a second factor (" + msg + "). kvbridge asks for the code on a terminal; piped or in CI there is nobody to type it."
		r.Fix = &Fix{Summary: "Run kvbridge on a terminal to type the code, or use an API account without two-factor authentication for checks."}
	case delinea.KindAPIDisabled:
		r.Cause, r.Title = "api-disabled", "Secret Server's REST API is not answering"
		r.Detail = "Secret Server answered " + msg + ". The REST API needs web services on."
		r.Fix = &Fix{Summary: "Ask a Secret Server admin to turn web services on, and check that no sign-in page or proxy sits in front of the API.",
			Portal: "Secret Server: Admin › Configuration › General › Enable Web Services"}
	case delinea.KindThrottled:
		r.Cause, r.Title = CauseThrottled, "Secret Server is throttling the calls"
		r.Detail = "Secret Server answered 429 Too Many Requests and asked to wait longer than kvbridge waits. Try again in a minute."
	default:
		r.Cause, r.Title = CauseServiceError, "Secret Server answered with an error"
		if e.HTTPStatus != 0 {
			r.Title = fmt.Sprintf("Secret Server answered %d %s", e.HTTPStatus, e.Code)
		}
		r.Detail = "While trying to " + what + ": " + msg + "."
	}
	return r
}

func asDelinea(err error, e **delinea.Error) bool {
	if err == nil {
		return false
	}
	var x *delinea.Error
	ok := errors.As(err, &x)
	*e = x
	return ok
}

// authBlocked is the skip of a Delinea read whose sign-in failed.
func authBlocked(id string, rs *runState) Result {
	b, _ := rs.result("delinea.auth")
	if b.ID == "" {
		b = Result{ID: "delinea.auth", Status: StatusFail}
	}
	return skipResult(id, b)
}

// ---- delinea.credential-secret ----

func checkDelineaCredential(ctx context.Context, rs *runState) Result {
	d := rs.dl
	switch {
	case d == nil:
		return notAsked("delinea.credential-secret", "no Delinea URL was given (--delinea-url)")
	case d.src.CredentialSecret.Zero() || !d.readsCredential:
		return notAsked("delinea.credential-secret", "no credential secret was named (--credential-secret)")
	}
	r, ok := d.cred.wait(ctx)
	if !ok {
		return timeoutResult("", rs.s.checkTimeout())
	}
	if r.auth {
		return authBlocked("delinea.credential-secret", rs)
	}
	ref := d.src.CredentialSecret
	if r.err != nil {
		return secretReadFailure(r.err, rs, ref, "credential secret")
	}
	sec := r.secret
	ev := Evidence{DelineaSecretID: sec.ID, DelineaTemplate: sec.TemplateName, Scope: sec.Name}
	tr, _ := d.tpl.wait(ctx)
	tpl := tr.tpl
	var e *delinea.Error
	switch {
	case tpl != nil && tpl.ID != sec.TemplateID, tpl == nil && !strings.EqualFold(strings.TrimSpace(sec.TemplateName), AppTemplateName):
		res := Result{Status: StatusFail, Cause: "wrong-template", Evidence: ev,
			Title:  fmt.Sprintf("Secret %d uses the template %q, not %q", sec.ID, sec.TemplateName, AppTemplateName),
			Detail: "Delinea's Azure Key Vault link takes a credential secret made from the " + AppTemplateName + " template; a secret of another template holds its values in other fields."}
		if tr.err != nil && delinea.KindOf(tr.err) == delinea.KindNotFound {
			res.Detail += " This Secret Server shows no template of that name to this user."
		}
		res.Fix = &Fix{Summary: "Create a new secret from the " + AppTemplateName + " template with the Tenant ID, Client ID and Client Secret, and choose it as the link's credential secret.",
			Portal: "Secret Server: Secrets › Create Secret › " + AppTemplateName}
		return res
	case tpl == nil && asDelinea(tr.err, &e) && e.Kind != delinea.KindNotFound:
		ev.Note = "the template could not be read (" + string(e.Kind) + "); the fields were matched by the names the secret gives them"
	}
	vals, fields, missing := credValues(sec, tpl)
	if len(missing) > 0 {
		res := Result{Status: StatusFail, Cause: "field-missing", Evidence: ev,
			Title:  fmt.Sprintf("Secret %d has no %s field", sec.ID, strings.Join(missing, " or ")),
			Detail: "The credential secret needs three fields, found by name: Tenant ID, Client ID and Client Secret. The template on this server names them differently or lacks one."}
		res.Fix = &Fix{Summary: "Use the " + AppTemplateName + " template with its Tenant ID, Client ID and Client Secret fields."}
		return res
	}
	probs := []InputProblem{CheckTenantID(vals[0].Reveal()), CheckClientID(vals[1].Reveal()), CheckClientSecret(vals[2].Reveal())}
	var found []string
	first := -1
	for i, p := range probs {
		if p.Cause == "" {
			continue
		}
		cause := p.Cause
		if p.Status == StatusWarn { // trimmed by kvbridge, not by Delinea
			cause = "whitespace"
		}
		if cause == "malformed" && vals[i].Shape().Empty {
			cause = "empty"
		}
		probs[i].Cause = cause
		if first < 0 {
			first = i
		}
		found = append(found, credFields[i].label+": "+cause)
	}
	if first < 0 {
		res := pass(fmt.Sprintf("Delinea's credential secret %d holds the three values", sec.ID),
			fmt.Sprintf("Secret %q uses the %s template; its %s, %s and %s are well formed (read by field name, never shown).", sec.Name, sec.TemplateName, fields[0], fields[1], fields[2]))
		res.Evidence = ev
		return res
	}
	label := credFields[first].label
	ev.Field = fields[first]
	res := Result{Status: StatusFail, Cause: probs[first].Cause, Evidence: ev,
		Title:  fmt.Sprintf("The %s in Delinea's credential secret %s", label, describeShape(probs[first].Cause, vals[first])),
		Detail: credDetail(probs[first].Cause, label) + " Found: " + strings.Join(found, "; ") + "."}
	res.Fix = &Fix{Summary: "Edit the credential secret in Secret Server and correct its " + label + ".",
		Portal: fmt.Sprintf("Secret Server: Secrets › %s (ID %d) › Edit › %s", sec.Name, sec.ID, fields[first])}
	if probs[first].Cause == "looks-like-secret-id" {
		res.Fix.Summary = "Put the client secret's Value into the Client Secret field, not its Secret ID; if the Value is lost, create a new client secret in Entra ID."
	}
	return res
}

// describeShape says what is wrong with a value without showing it.
func describeShape(cause string, v delinea.Value) string {
	sh := v.Shape()
	switch cause {
	case "empty":
		return "is empty"
	case "whitespace":
		switch {
		case sh.InnerSpace:
			return "has whitespace inside it"
		case sh.LeadingSpace && sh.TrailingSpace:
			return "has whitespace at both ends"
		case sh.LeadingSpace:
			return "starts with whitespace"
		}
		return "ends with whitespace"
	case "looks-like-secret-id":
		return "is a GUID: the secret's ID, not its Value"
	}
	return "is not a GUID or a domain name"
}

func credDetail(cause, label string) string {
	switch cause {
	case "whitespace":
		return "Delinea sends the " + label + " as stored, and Entra ID compares it exactly: with a stray space, Delinea's sign-in fails even though a correctly typed value passes every check. Only the value as Delinea holds it shows this."
	case "looks-like-secret-id":
		return "Certificates & secrets shows each client secret's Value once and its Secret ID always; Delinea needs the Value. Entra ID refuses the ID (AADSTS7000215)."
	case "empty":
		return "The field is empty, so Delinea has nothing to sign in with."
	}
	return "The " + label + " is neither a GUID nor a domain name, so Entra ID cannot match it."
}

// secretReadFailure words a refused read of a Delinea secret.
func secretReadFailure(err error, rs *runState, ref delinea.Ref, what string) Result {
	var e *delinea.Error
	if !asDelinea(err, &e) {
		return delineaFailure(err, rs, "read the "+what)
	}
	r := Result{Status: StatusFail, Evidence: Evidence{HTTPStatus: e.HTTPStatus, ErrorCode: e.Code, Scope: ref.String()}}
	if ref.ID > 0 {
		r.Evidence.DelineaSecretID = ref.ID
	}
	user := rs.dl.src.Client.Username()
	switch e.Kind {
	case delinea.KindNotFound:
		r.Cause, r.Title = "not-found", "Secret Server has no "+what+" "+quoteRef(ref)+" that "+user+" can see"
		r.Detail = "Secret Server answered that the secret does not exist (" + e.Message + "). By ID: the number in the secret's URL; by name: the exact name. A secret the user may not view is not listed by name either."
		r.Fix = &Fix{Summary: "Check the secret's ID (the number in its URL in Secret Server) or its exact name, and that " + user + " may view it."}
	case delinea.KindAmbiguous:
		r.Cause, r.Title = "not-found", "Several secrets are named "+quoteRef(ref)
		r.Detail = e.Message + "."
		r.Fix = &Fix{Summary: "Name the secret by its ID instead."}
	case delinea.KindForbidden:
		r.Cause, r.Title = "forbidden", user+" may not view the "+what+" "+quoteRef(ref)
		r.Detail = "Secret Server refused to show the secret (" + e.Message + "): the user needs View on the secret (or its folder) and the role permission View Secret."
		r.Fix = &Fix{Summary: "Share the secret with " + user + " (View is enough), or run the checks as a user who may view it.",
			Portal: "Secret Server: Secrets › (the secret) › Sharing › Edit › add the user with View"}
	case delinea.KindRestricted:
		r.Cause, r.Title = "restricted", "The "+what+" "+quoteRef(ref)+" needs a "+strings.ReplaceAll(e.Restriction, "-", " ")+" to view"
		r.Detail = "Secret Server lets this secret be viewed only with a " + restrictionWords(e.Restriction) + ". kvbridge does not give one on your behalf: that would leave an audit entry in your name or check the secret out. The secret's other checks were not run."
		r.Fix = &Fix{Summary: "Open the secret in Secret Server yourself, or let kvbridge's user read a secret without the restriction; type the values instead meanwhile (--tenant, --client-id, the client secret)."}
	default:
		r = delineaFailure(err, rs, "read the "+what)
		// A read after a good sign-in keeps to this check's causes: the HTML trap
		// (api-disabled) and the generic ones.
		switch r.Cause {
		case "tls":
			r.Cause = CauseUnreachable
		case "bad-credentials", "one-time-code-needed":
			r.Cause = CauseServiceError
		}
	}
	return r
}

func restrictionWords(r string) string {
	switch r {
	case "checkout":
		return "checkout (which locks it for others and may rotate its password at check-in)"
	case "double-lock":
		return "DoubleLock password"
	}
	return "comment (Require Comment)"
}

func quoteRef(r delinea.Ref) string {
	if r.ID > 0 {
		return strconv.Itoa(r.ID)
	}
	return strconv.Quote(r.Name)
}

// ---- delinea.typed-values ----

func checkDelineaTyped(ctx context.Context, rs *runState) Result {
	d := rs.dl
	c := rs.typed
	if d == nil || !d.readsCredential {
		return notAsked("delinea.typed-values", "no credential secret is read from Delinea, so there is nothing to compare the typed values with")
	}
	if c.tenant == "" && c.client == "" && c.secret == "" {
		return notAsked("delinea.typed-values", "no tenant, client ID or client secret was typed besides the credential secret")
	}
	r, ok := d.cred.wait(ctx)
	if !ok {
		return timeoutResult("", rs.s.checkTimeout())
	}
	if r.err != nil || r.secret == nil {
		b, _ := rs.result("delinea.credential-secret")
		if b.ID == "" {
			b = Result{ID: "delinea.credential-secret", Status: StatusFail}
		}
		return skipResult("delinea.typed-values", b)
	}
	tr, _ := d.tpl.wait(ctx)
	vals, _, _ := credValues(r.secret, tr.tpl)
	typed := [3]string{c.tenant, c.client, c.secret}
	var diffs []string
	for i, tv := range typed {
		if tv == "" {
			continue
		}
		dv := vals[i].Reveal()
		same := dv == tv || (i < 2 && strings.EqualFold(dv, tv)) // GUIDs and domains ignore case
		if same {
			continue
		}
		label := credFields[i].label
		switch {
		case strings.EqualFold(strings.TrimSpace(dv), tv):
			diffs = append(diffs, label+": Delinea's "+describeShape("whitespace", vals[i])+", the typed one does not")
		case i == 2:
			diffs = append(diffs, label+": the values differ (compared by SHA-256, neither shown)")
		default:
			diffs = append(diffs, fmt.Sprintf("%s: Delinea holds %q, typed was %q", label, dv, tv))
		}
	}
	ev := Evidence{DelineaSecretID: r.secret.ID}
	if len(diffs) == 0 {
		res := pass("The typed values match what Delinea holds", "Every value typed besides the credential secret is the one Delinea holds (the client secret compared by SHA-256).")
		res.Evidence = ev
		return res
	}
	res := Result{Status: StatusWarn, Cause: "differs", Evidence: ev,
		Title:  "The typed values differ from what Delinea holds",
		Detail: "The checks ran with Delinea's values, as Delinea will use them; the typed ones were only compared. " + strings.Join(diffs, "; ") + "."}
	res.Fix = &Fix{Summary: "Decide which is right; where the typed value works and Delinea's does not, correct the credential secret in Secret Server."}
	return res
}

// ---- delinea.mapped-secret ----

// mappedValues is what mapping.value and mapping.tag compare with: hashes only.
type mappedValues struct {
	pw       [32]byte
	user     [32]byte // of the lower-cased username
	hasUser  bool
	secretID int
}

func (d *delineaRun) mappedHashes(ctx context.Context) (mappedValues, bool) {
	if d == nil || d.src.MappedSecret.Zero() {
		return mappedValues{}, false
	}
	r, ok := d.mapped.wait(ctx)
	if !ok || r.err != nil || r.secret == nil {
		return mappedValues{}, false
	}
	pw, ok := passwordField(r.secret)
	if !ok {
		return mappedValues{}, false
	}
	m := mappedValues{pw: pw.Value.Sum256(), secretID: r.secret.ID}
	if u, ok := r.secret.FieldByName("Username"); ok && !u.Value.Empty() {
		m.user, m.hasUser = sha256.Sum256([]byte(strings.ToLower(u.Value.Reveal()))), true
	}
	return m, true
}

// passwordField is the field Delinea's mapping pushes as the value: the one password
// field, or the password field named Password when there are several.
func passwordField(s *delinea.Secret) (delinea.Field, bool) {
	var pws []delinea.Field
	for _, f := range s.Items {
		if f.IsPassword {
			pws = append(pws, f)
		}
	}
	if len(pws) == 1 {
		return pws[0], true
	}
	for _, f := range pws {
		if strings.EqualFold(f.FieldName, "Password") {
			return f, true
		}
	}
	return delinea.Field{}, false
}

func checkDelineaMapped(ctx context.Context, rs *runState) Result {
	d := rs.dl
	switch {
	case d == nil:
		return notAsked("delinea.mapped-secret", "no Delinea URL was given (--delinea-url)")
	case d.src.MappedSecret.Zero():
		return notAsked("delinea.mapped-secret", "no mapped secret was named (--mapped-secret)")
	}
	r, ok := d.mapped.wait(ctx)
	if !ok {
		return timeoutResult("", rs.s.checkTimeout())
	}
	if r.auth {
		return authBlocked("delinea.mapped-secret", rs)
	}
	if r.err != nil {
		return secretReadFailure(r.err, rs, d.src.MappedSecret, "mapped secret")
	}
	sec := r.secret
	ev := Evidence{DelineaSecretID: sec.ID, DelineaTemplate: sec.TemplateName, Scope: sec.Name}
	pw, ok := passwordField(sec)
	if !ok {
		res := Result{Status: StatusFail, Cause: "no-password-field", Evidence: ev,
			Title:  fmt.Sprintf("Secret %d has no single password field to sync", sec.ID),
			Detail: fmt.Sprintf("The guide maps the secret's Password field to the Key Vault secret's value; secret %q (template %s) has no password field, or several none of which is called Password.", sec.Name, sec.TemplateName)}
		res.Fix = &Fix{Summary: "Map a secret made from an account template (Username and Password fields), or choose the field to push in the external secret's mapping."}
		return res
	}
	ev.Field = pw.FieldName
	detail := fmt.Sprintf("Secret %q (template %s) has the password field %s", sec.Name, sec.TemplateName, pw.FieldName)
	if u, ok := sec.FieldByName("Username"); ok && !u.Value.Empty() {
		detail += " and a Username"
	}
	res := pass(fmt.Sprintf("Delinea's mapped secret %d can be read and has a password", sec.ID),
		detail+"; mapping.value and mapping.tag compare with them by SHA-256, never shown.")
	res.Evidence = ev
	return res
}

// ---- how Azure results say where their credentials came from ----

// markSource notes on an Azure check's result whether it ran with the values as
// Delinea holds them, or with typed ones in place of a credential secret that could
// not be used.
func markSource(r Result, src credSource) Result {
	if strings.HasPrefix(r.ID, "delinea.") {
		return r
	}
	switch src {
	case credDelinea:
		r.Evidence.Credentials = "delinea"
		switch {
		case r.Status == StatusSkip:
		case r.ID == "auth.token":
			r.Title += ", with the credentials as Delinea holds them"
		case strings.HasPrefix(r.ID, "input."):
			r.Title += " (as Delinea holds it)"
		}
	case credFallback:
		r.Evidence.Credentials = "typed"
		if credentialCheck(r.ID) && r.Status != StatusSkip {
			r.Title += " (typed: Delinea's could not be used)"
		}
	}
	if src == credDelinea && r.Fix != nil && strings.HasPrefix(r.ID, "input.") {
		r.Fix = &Fix{Summary: "Correct the value in the Delinea credential secret (Secret Server: the secret › Edit); kvbridge read it from there.", Portal: r.Fix.Portal}
	}
	return r
}

func credentialCheck(id string) bool {
	return strings.HasPrefix(id, "input.") || id == "auth.token"
}

// blockedByDelinea is the skip of an Azure check when the credential secret was asked
// for, could not be used, and nothing was typed instead.
func (rs *runState) blockedByDelinea(id string) (Result, bool) {
	// Only the input checks: everything that signs in needs them and is skipped by the DAG.
	if rs.credSrc != credBlocked || !strings.HasPrefix(id, "input.") {
		return Result{}, false
	}
	b, _ := rs.result("delinea.credential-secret")
	if b.ID == "" {
		b = Result{ID: "delinea.credential-secret", Status: StatusFail}
	}
	return skipResult(id, b), true
}

// redact removes what the Delinea client holds (password, tokens) from a result.
func (d *delineaRun) redact(r Result) Result {
	if d == nil {
		return r
	}
	return redactStrings(r, d.src.Client.Redact)
}
