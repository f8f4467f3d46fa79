package delinea

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"
	"unicode/utf8"
)

// Kind classifies a failure. The checks map kinds to their causes.
type Kind string

const (
	// KindUnreachable: no server answered (DNS, connect, reset).
	KindUnreachable Kind = "unreachable"
	// KindTLS: the TLS handshake failed; Error.TLSProblem names the certificate problem.
	KindTLS Kind = "tls"
	// KindTimeout: no answer in the time allowed (Config.Timeout), or the caller cancelled.
	KindTimeout Kind = "timeout"
	// KindBadCredentials: the token endpoint refused the user name, password or domain.
	KindBadCredentials Kind = "bad-credentials"
	// KindOTPNeeded: the account needs a one-time code and none (or a wrong one) was sent.
	KindOTPNeeded Kind = "one-time-code-needed"
	// KindAPIDisabled: web services are off, or the server answered HTML where JSON was
	// due (Secret Server answers some errors with 200 and an HTML page).
	KindAPIDisabled Kind = "api-disabled"
	// KindThrottled: the server answered 429.
	KindThrottled Kind = "throttled"
	// KindUnauthorized: a bearer token was refused even after signing in again.
	KindUnauthorized Kind = "unauthorized"
	// KindNotFound: no such secret or template (or one the user may not know exists).
	KindNotFound Kind = "not-found"
	// KindForbidden: the signed-in user may not view it.
	KindForbidden Kind = "forbidden"
	// KindRestricted: viewing needs a comment, a checkout or a double-lock password;
	// see RestrictedError.
	KindRestricted Kind = "restricted"
	// KindAmbiguous: a name matched more than one secret or template.
	KindAmbiguous Kind = "ambiguous"
	// KindService: any other answer: a 5xx, an unexpected 4xx, JSON of the wrong shape.
	KindService Kind = "service-error"
	// KindUsage: the call could not be made as asked (a bad URL, an empty reference).
	KindUsage Kind = "usage"
)

// Error is every failure this package returns. Message is safe to show: a short
// description, with any server text clipped and scrubbed of the password and tokens.
type Error struct {
	Kind       Kind
	Op         string // what was being done: "sign in", "read secret 12", …
	HTTPStatus int    // 0 when no answer came
	Code       string // Secret Server's errorCode, or the token endpoint's error
	Message    string
	// TLSProblem names the certificate problem for KindTLS: "untrusted" (no trusted
	// chain: pass the CA file), "expired", "not-yet-valid", "name-mismatch" or "handshake".
	TLSProblem string
	// Restriction is what a restricted secret needs (KindRestricted): "comment",
	// "checkout" or "double-lock".
	Restriction string
	err         error // the underlying error, for errors.Is/As (context, net)
}

func (e *Error) Error() string {
	s := "delinea: " + e.Op + ": " + string(e.Kind)
	if e.HTTPStatus != 0 {
		s += fmt.Sprintf(" (HTTP %d", e.HTTPStatus)
		if e.Code != "" {
			s += " " + e.Code
		}
		s += ")"
	}
	if e.TLSProblem != "" {
		s += " (" + e.TLSProblem + ")"
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

func (e *Error) Unwrap() error { return e.err }

// KindOf returns the kind of a package error, or "" for any other error.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return ""
}

// transportError classifies an error from http.Client.Do.
func transportError(ctx context.Context, op string, err error) *Error {
	e := &Error{Kind: KindUnreachable, Op: op, err: err}
	if ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		e.Kind = KindTimeout
		if errors.Is(ctx.Err(), context.Canceled) {
			e.Message = "cancelled"
		} else {
			e.Message = "no answer in time"
		}
		return e
	}
	var unknown x509.UnknownAuthorityError
	var invalid x509.CertificateInvalidError
	var host x509.HostnameError
	var verify *tls.CertificateVerificationError
	var rec tls.RecordHeaderError
	switch {
	case errors.As(err, &unknown):
		e.Kind, e.TLSProblem = KindTLS, "untrusted"
		e.Message = "the server's certificate is not signed by a trusted authority"
	case errors.As(err, &host):
		e.Kind, e.TLSProblem = KindTLS, "name-mismatch"
		e.Message = "the server's certificate is for another name (" + clip(host.Error(), 160) + ")"
	case errors.As(err, &invalid):
		e.Kind = KindTLS
		switch invalid.Reason {
		case x509.Expired:
			e.TLSProblem = "expired"
			e.Message = "the server's certificate has expired or is not valid yet"
			if c := invalid.Cert; c != nil && ctxNowBefore(c) {
				e.TLSProblem = "not-yet-valid"
			}
		default:
			e.TLSProblem = "handshake"
			e.Message = "the server's certificate is not valid: " + clip(invalid.Error(), 160)
		}
	case errors.As(err, &verify):
		e.Kind, e.TLSProblem = KindTLS, "handshake"
		e.Message = clip(verify.Error(), 200)
	case errors.As(err, &rec):
		e.Kind, e.TLSProblem = KindTLS, "handshake"
		e.Message = "the server does not speak TLS on this port (is the URL http:// only?)"
	default:
		var op *net.OpError
		if errors.As(err, &op) {
			e.Message = clip(op.Error(), 200)
		} else {
			e.Message = clip(err.Error(), 200)
		}
		if strings.Contains(e.Message, "tls:") || strings.Contains(e.Message, "x509:") {
			e.Kind, e.TLSProblem = KindTLS, "handshake"
		}
	}
	return e
}

// ctxNowBefore reports whether the certificate's validity starts in the future.
func ctxNowBefore(c *x509.Certificate) bool { return nowFunc().Before(c.NotBefore) }

// clip keeps a server text to one line of at most n bytes (on a rune boundary).
func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
