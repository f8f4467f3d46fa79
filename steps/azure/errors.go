package azure

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

// ErrorKind says who answered, or that nobody did.
type ErrorKind int

const (
	// KindOther is an error none of the decoders recognised (a local error).
	KindOther ErrorKind = iota
	// KindEntra is an answer from Entra ID (an AuthenticationFailedError with a response).
	KindEntra
	// KindService is an answer from ARM or Key Vault (an azcore.ResponseError).
	KindService
	// KindNetwork means no answer: DNS, connect, TLS, or a client-side refusal.
	KindNetwork
	// KindTimeout means the check's time ran out (or the run was cancelled).
	KindTimeout
	// KindWrongTenant is azidentity refusing a Key Vault challenge that names another
	// tenant: the vault belongs to a directory the credential is not for.
	KindWrongTenant
)

// Decoded is everything the checks need from an SDK error, read in one place. Codes
// come from the response bodies: Entra's error_codes, Key Vault's error.innererror.code,
// ARM's AuthorizationFailed message (azcore.ResponseError.ErrorCode holds only the outer
// code). It never holds request bodies, so it cannot carry the client secret; the
// engine still redacts every result.
type Decoded struct {
	Kind       ErrorKind
	HTTPStatus int

	// Entra ID
	AADSTS        int    // first of error_codes
	EntraError    string // "invalid_client", ...
	TraceID       string
	CorrelationID string

	// ARM and Key Vault
	RequestID string // x-ms-request-id
	Code      string // error.code
	InnerCode string // error.innererror.code (Key Vault)
	Action    string // the denied action (ARM AuthorizationFailed, Key Vault ForbiddenByRbac)
	Scope     string // the scope or resource the action was denied on
	ClientIP  string // Key Vault ForbiddenByFirewall "Client address"

	// Network
	Untrusted bool // the server's certificate is not trusted (pass --ca-file)

	// Message is a short, one-line description safe to show (no bodies, no secret).
	Message string
	// RequestedTenant is the tenant a Key Vault challenge asked for (KindWrongTenant).
	RequestedTenant string
}

var (
	reARMAuthz     = regexp.MustCompile(`(?i)perform action '([^']+)' over scope '([^']+)'`)
	reKVAction     = regexp.MustCompile(`(?i)Action: '([^']+)'`)
	reKVResource   = regexp.MustCompile(`(?i)Resource: '([^']+)'`)
	reKVClientAddr = regexp.MustCompile(`(?i)Client address: ?([0-9A-Fa-f.:]+)`)
	reAADSTS       = regexp.MustCompile(`AADSTS(\d+)`)
	reOtherTenant  = regexp.MustCompile(`acquire tokens for tenant "([^"]+)"`)
)

// decodeError reads an SDK error. ctx is the check's context: when it has ended, the
// error is a timeout whatever its shape (MSAL and azidentity do not always wrap it).
func decodeError(ctx context.Context, err error) Decoded {
	var d Decoded
	if err == nil {
		return d
	}
	if (ctx != nil && ctx.Err() != nil) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		d.Kind, d.Message = KindTimeout, "no answer in time"
		return d
	}
	var afe *azidentity.AuthenticationFailedError
	if errors.As(err, &afe) {
		if afe.RawResponse == nil {
			// Network and TLS failures reach us as AuthenticationFailedErrors too: no
			// response means Entra never said anything.
			d = decodeNetwork(err)
			return d
		}
		decodeEntra(afe.RawResponse, &d)
		return d
	}
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		decodeService(re, &d)
		return d
	}
	if m := reOtherTenant.FindStringSubmatch(err.Error()); m != nil {
		d.Kind, d.RequestedTenant = KindWrongTenant, m[1]
		d.Message = "the vault's challenge asked for tenant " + m[1] + ", not the credential's tenant"
		return d
	}
	if isNetworkError(err) {
		return decodeNetwork(err)
	}
	d.Kind, d.Message = KindOther, firstLine(err.Error())
	return d
}

func isNetworkError(err error) bool {
	var (
		ne  net.Error
		oe  *net.OpError
		de  *net.DNSError
		ua  x509.UnknownAuthorityError
		he  x509.HostnameError
		cve *tls.CertificateVerificationError
		rh  tls.RecordHeaderError
	)
	return errors.As(err, &ne) || errors.As(err, &oe) || errors.As(err, &de) || errors.As(err, &ua) ||
		errors.As(err, &he) || errors.As(err, &cve) || errors.As(err, &rh) ||
		strings.Contains(err.Error(), "connection refused") || strings.Contains(err.Error(), "no such host") ||
		strings.Contains(err.Error(), "refusing to dial") || strings.Contains(err.Error(), "EOF")
}

// decodeNetwork describes a failure where no service answered.
func decodeNetwork(err error) Decoded {
	d := Decoded{Kind: KindNetwork}
	var (
		ua  x509.UnknownAuthorityError
		he  x509.HostnameError
		cve *tls.CertificateVerificationError
		de  *net.DNSError
	)
	msg := err.Error()
	switch {
	case errors.As(err, &ua) || errors.As(err, &cve) || strings.Contains(msg, "certificate signed by unknown authority") ||
		strings.Contains(msg, "failed to verify certificate"):
		d.Untrusted = true
		d.Message = "the server's TLS certificate is not trusted by this machine (a TLS-inspecting proxy, or a practice tenant's own CA): pass its CA bundle with --ca-file"
	case errors.As(err, &he):
		d.Untrusted = true
		d.Message = "the server's TLS certificate is for another host name: " + firstLine(he.Error())
	case errors.As(err, &de):
		d.Message = "the host name does not resolve (DNS): " + de.Name
	case strings.Contains(msg, "connection refused"):
		d.Message = "the connection was refused"
	case strings.Contains(msg, "timeout") || strings.Contains(msg, "deadline"):
		d.Kind, d.Message = KindTimeout, "no answer in time"
	default:
		d.Message = "no answer from the service: " + lastLine(msg)
	}
	return d
}

// entraBody is Entra ID's error envelope.
type entraBody struct {
	Error         string `json:"error"`
	Description   string `json:"error_description"`
	Codes         []int  `json:"error_codes"`
	TraceID       string `json:"trace_id"`
	CorrelationID string `json:"correlation_id"`
}

func decodeEntra(resp *http.Response, d *Decoded) {
	d.Kind, d.HTTPStatus = KindEntra, resp.StatusCode
	body, _ := runtime.Payload(resp)
	var b entraBody
	if json.Unmarshal(body, &b) == nil {
		d.EntraError, d.TraceID, d.CorrelationID = b.Error, b.TraceID, b.CorrelationID
		if len(b.Codes) > 0 {
			d.AADSTS = b.Codes[0]
		}
		if d.AADSTS == 0 {
			if m := reAADSTS.FindStringSubmatch(b.Description); m != nil {
				d.AADSTS, _ = strconv.Atoi(m[1])
			}
		}
		d.Message = firstLine(b.Description)
	}
	if d.RequestID == "" {
		d.RequestID = resp.Header.Get("x-ms-request-id")
	}
	if d.TraceID == "" {
		d.TraceID = d.RequestID
	}
	if d.Message == "" {
		d.Message = "Entra ID answered " + resp.Status
	}
}

// serviceBody is ARM's and Key Vault's error envelope.
type serviceBody struct {
	Error struct {
		Code       string `json:"code"`
		Message    string `json:"message"`
		InnerError *struct {
			Code string `json:"code"`
		} `json:"innererror"`
	} `json:"error"`
}

func decodeService(re *azcore.ResponseError, d *Decoded) {
	d.Kind, d.HTTPStatus, d.Code = KindService, re.StatusCode, re.ErrorCode
	if re.RawResponse == nil {
		return
	}
	d.RequestID = re.RawResponse.Header.Get("x-ms-request-id")
	if d.RequestID == "" {
		d.RequestID = re.RawResponse.Header.Get("x-ms-correlation-request-id")
	}
	body, _ := runtime.Payload(re.RawResponse)
	var b serviceBody
	if json.Unmarshal(body, &b) == nil {
		if b.Error.Code != "" {
			d.Code = b.Error.Code
		}
		if b.Error.InnerError != nil {
			d.InnerCode = b.Error.InnerError.Code
		}
		msg := b.Error.Message
		d.Message = firstLine(msg)
		if m := reARMAuthz.FindStringSubmatch(msg); m != nil {
			d.Action, d.Scope = m[1], m[2]
		}
		if m := reKVAction.FindStringSubmatch(msg); m != nil {
			d.Action = m[1]
		}
		if m := reKVResource.FindStringSubmatch(msg); m != nil {
			d.Scope = m[1]
		}
		if m := reKVClientAddr.FindStringSubmatch(msg); m != nil {
			d.ClientIP = m[1]
		}
	}
	if d.Message == "" {
		d.Message = "the service answered " + re.RawResponse.Status
	}
}

// entraCause maps an AADSTS code to auth.token's cause, with a plain explanation.
func entraCause(code int) (cause, detail string) {
	switch code {
	case 90002, 90038, 900023:
		return "tenant-not-found", "Entra ID does not know this tenant (or it belongs to another cloud). Check the tenant ID (Directory ID) on the app registration's Overview page, and --cloud."
	case 700016:
		return "app-not-found", "No app with this client ID exists in the tenant. Check the Application (client) ID on the app registration's Overview page, and that the tenant is the app's home tenant."
	case 7000215:
		return "secret-invalid", "Entra ID refused the client secret. Copy the secret's Value (shown once, when it is created), not its Secret ID; if the value is lost, create a new secret."
	case 7000222:
		return "secret-expired", "The client secret has expired. Create a new client secret and update the Delinea credential secret with its Value."
	case 53003:
		return "blocked-by-policy", "A Conditional Access policy blocks token issuance for this app (for example a workload-identity policy limiting locations)."
	case 7000112:
		return "app-disabled", "The application or its service principal is disabled in this tenant."
	case 7000218:
		return "secret-invalid", "No client secret reached Entra ID."
	}
	return "", ""
}

// kvForbiddenCause maps a Key Vault 403 innererror code to data.secrets' cause.
func kvForbiddenCause(inner string) string {
	switch strings.ToLower(inner) {
	case "forbiddenbyrbac":
		return "forbidden-by-rbac"
	case "forbiddenbypolicy", "accessdenied":
		return "forbidden-by-access-policy"
	case "forbiddenbyfirewall":
		return "forbidden-by-firewall"
	case "forbiddenbyconnection":
		return "forbidden-by-connection"
	}
	return ""
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	return clip(s)
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexAny(s, "\r\n"); i >= 0 {
		s = s[i+1:]
	}
	return clip(s)
}

// clip cuts a message to 300 bytes at a rune boundary and marks the cut with "…".
// scrubForms knows the mark: a secret cut in half at the end is still redacted.
func clip(s string) string {
	const max = 300
	if len(s) <= max {
		return s
	}
	n := max
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
