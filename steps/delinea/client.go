package delinea

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Config is what a Client needs. Build it, call New, and reuse the Client: it keeps the
// token (in memory only) across calls.
type Config struct {
	// URL is Secret Server's base URL, e.g. https://ss.example.com/SecretServer or
	// https://contoso.secretservercloud.com; with Platform, the Delinea Platform URL
	// (https://contoso.delinea.app). It must be https.
	URL string
	// Platform signs in through Delinea Platform's token endpoint (client credentials of
	// a service user: Username is its client ID, Password its secret) and asks the vault
	// broker for the Secret Server URL. When false and URL's host ends in .delinea.app,
	// Platform is assumed.
	Platform bool

	Username string
	Password string // memory only: never printed, logged or saved
	Domain   string // for Active Directory accounts; "" for local ones

	// OTP is asked for a one-time code when the server says the account needs one; nil
	// means such an account cannot sign in (KindOTPNeeded). It may prompt a person.
	OTP func(ctx context.Context) (string, error)

	// ExtraCAPEM is extra trusted CA certificates (PEM), added to the system's, as on
	// the Azure side (--ca-file). Ignored when HTTPClient is set.
	ExtraCAPEM []byte
	// HTTPClient replaces the client built from ExtraCAPEM (the practice tenant's
	// client; tests). Its own Timeout, if any, still applies.
	HTTPClient *http.Client
	// Timeout bounds each HTTP call, sign-in included. Zero means DefaultTimeout.
	Timeout time.Duration
	// Now is the clock (nil: time.Now); tests move it to expire tokens.
	Now func() time.Time
}

// DefaultTimeout bounds one call when Config.Timeout is zero.
const DefaultTimeout = 15 * time.Second

// maxBody bounds what is read of any answer: a secret or a template is a few KiB.
const maxBody = 4 << 20

// Client talks to one Secret Server as one user. Its methods may be called from several
// goroutines at once; a sign-in in progress is shared, never repeated in parallel.
type Client struct {
	cfg      Config
	base     string // Secret Server base URL without a trailing slash (Platform: learned)
	platform string // Platform URL when signing in through it
	hc       *http.Client

	signMu sync.Mutex // held while signing in or refreshing
	mu     sync.Mutex // guards tok, base and the caches
	tok    *token

	templates map[string]*Template // by lower-case name
	names     map[string]int       // secret name (lower case) -> ID, from searches
}

type token struct {
	access, refresh string
	expires         time.Time
	lifetime        time.Duration
}

// New checks the configuration and builds the client; it makes no call.
func New(cfg Config) (*Client, error) {
	base, err := CheckURL(cfg.URL)
	if err != nil {
		return nil, &Error{Kind: KindUsage, Op: "configure", Message: err.Error()}
	}
	if strings.TrimSpace(cfg.Username) == "" {
		return nil, &Error{Kind: KindUsage, Op: "configure", Message: "no user name was given"}
	}
	if cfg.Password == "" {
		return nil, &Error{Kind: KindUsage, Op: "configure", Message: "no password was given"}
	}
	c := &Client{cfg: cfg, templates: map[string]*Template{}, names: map[string]int{}}
	if cfg.Platform || strings.HasSuffix(strings.ToLower(hostOnly(base)), ".delinea.app") {
		c.platform = base
	} else {
		c.base = base
	}
	if cfg.HTTPClient != nil {
		c.hc = cfg.HTTPClient
	} else {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
		if len(cfg.ExtraCAPEM) > 0 {
			pool, perr := x509.SystemCertPool()
			if perr != nil || pool == nil {
				pool = x509.NewCertPool()
			}
			if !pool.AppendCertsFromPEM(cfg.ExtraCAPEM) {
				return nil, &Error{Kind: KindUsage, Op: "configure", Message: "the CA file holds no PEM certificate"}
			}
			tr.TLSClientConfig.RootCAs = pool
		}
		// Secret Server answers a few KiB; redirects are refused so a token is never
		// sent to another host (a login page redirect is the disabled-API trap).
		c.hc = &http.Client{Transport: tr}
	}
	hc := *c.hc
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c.hc = &hc
	return c, nil
}

// CheckURL validates a Secret Server or Platform URL as typed and returns it without a
// trailing slash: https only, a host, no query, and not an API or token path (the base
// is what comes before /api/v1).
func CheckURL(s string) (string, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return "", errors.New("no Delinea URL was given: it looks like https://ss.example.com/SecretServer or https://TENANT.secretservercloud.com")
	}
	u, err := url.Parse(t)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("%q is not a URL: it looks like https://ss.example.com/SecretServer", t)
	}
	if !strings.EqualFold(u.Scheme, "https") {
		return "", fmt.Errorf("%q is not https: the password and tokens would cross the network in clear; use the https:// URL", t)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("%q: give the base URL only, without user, query or fragment", t)
	}
	low := strings.ToLower(u.Path)
	if strings.Contains(low, "/api/v1") || strings.Contains(low, "/oauth2/token") {
		return "", fmt.Errorf("%q: give the base URL, the part before /api/v1 or /oauth2/token", t)
	}
	return strings.TrimSuffix(u.Scheme+"://"+u.Host+u.EscapedPath(), "/"), nil
}

func hostOnly(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return p.Hostname()
}

// BaseURL is Secret Server's base URL; on Platform it is known after signing in.
func (c *Client) BaseURL() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.base
}

// Username is the user the client signs in as.
func (c *Client) Username() string { return c.cfg.Username }

func (c *Client) now() time.Time {
	if c.cfg.Now != nil {
		return c.cfg.Now()
	}
	return nowFunc()
}

var nowFunc = time.Now

func (c *Client) timeout() time.Duration {
	if c.cfg.Timeout > 0 {
		return c.cfg.Timeout
	}
	return DefaultTimeout
}

// SignIn gets a token now (a sign-in check); other calls sign in when they need to.
func (c *Client) SignIn(ctx context.Context) error {
	_, err := c.accessToken(ctx, true)
	return err
}

// Connect makes sure the client holds a usable token: the one it has, refreshed, or a
// new sign-in. Checks call it so that a re-run does not sign in again for nothing.
func (c *Client) Connect(ctx context.Context) error {
	_, err := c.accessToken(ctx, false)
	return err
}

// Redact removes the password and the tokens the client holds from a text, raw and in
// the encodings a form, a query or JSON would give them: for any text that might have
// passed near them before it is shown.
func (c *Client) Redact(s string) string { return c.scrub(s) }

// Platform reports whether the client signs in through Delinea Platform.
func (c *Client) Platform() bool { return c.platform != "" }

// Forget drops the token (a new password or user means a new client anyway).
func (c *Client) Forget() {
	c.mu.Lock()
	c.tok = nil
	c.mu.Unlock()
}

// accessToken returns a usable token: the one held while it has time left, else a
// refreshed one, else a new sign-in. fresh forces a new sign-in.
func (c *Client) accessToken(ctx context.Context, fresh bool) (string, error) {
	if !fresh {
		if t := c.liveToken(); t != "" {
			return t, nil
		}
	}
	c.signMu.Lock()
	defer c.signMu.Unlock()
	if !fresh {
		if t := c.liveToken(); t != "" { // another caller signed in meanwhile
			return t, nil
		}
	}
	c.mu.Lock()
	old := c.tok
	c.mu.Unlock()
	if old != nil && old.refresh != "" && !fresh && c.platform == "" {
		if t, err := c.grant(ctx, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {old.refresh}}, ""); err == nil {
			return t, nil
		} else if KindOf(err) == KindTimeout {
			return "", err
		}
		// A refused refresh (used, expired, disabled) falls back to signing in again.
	}
	return c.signIn(ctx)
}

// liveToken is the held token when it has more than a tenth of its life (at most a
// minute) left, as Delinea's SDKs refresh early; else "".
func (c *Client) liveToken() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tok == nil {
		return ""
	}
	margin := min(c.tok.lifetime/10, time.Minute)
	if c.now().Add(margin).Before(c.tok.expires) {
		return c.tok.access
	}
	return ""
}

func (c *Client) signIn(ctx context.Context) (string, error) {
	if c.platform != "" {
		return c.signInPlatform(ctx)
	}
	form := url.Values{"grant_type": {"password"}, "username": {c.cfg.Username}, "password": {c.cfg.Password}}
	if d := strings.TrimSpace(c.cfg.Domain); d != "" {
		form.Set("domain", d)
	}
	t, err := c.grant(ctx, form, "")
	if KindOf(err) != KindOTPNeeded || c.cfg.OTP == nil {
		return t, err
	}
	code, oerr := c.cfg.OTP(ctx)
	if oerr != nil {
		return "", &Error{Kind: KindOTPNeeded, Op: "sign in", Message: "no one-time code: " + clip(oerr.Error(), 120), err: oerr}
	}
	code = strings.TrimSpace(code)
	if code == "" {
		return "", &Error{Kind: KindOTPNeeded, Op: "sign in", Message: "the account needs a one-time code and none was given"}
	}
	return c.grant(ctx, form, code)
}

// grant posts to the token endpoint and keeps the token it returns.
func (c *Client) grant(ctx context.Context, form url.Values, otp string) (string, error) {
	op := "sign in"
	if form.Get("grant_type") == "refresh_token" {
		op = "refresh the token"
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout())
	defer cancel()
	c.mu.Lock()
	tokenURL := c.base + "/oauth2/token"
	c.mu.Unlock()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, tokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", &Error{Kind: KindUsage, Op: op, Message: "bad URL"}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if otp != "" {
		req.Header.Set("otp", otp)
	}
	body, resp, err := c.send(ctx, op, req)
	if err != nil {
		return "", err
	}
	if e := c.tokenError(op, resp, body, otp != ""); e != nil {
		return "", e
	}
	return c.keepToken(op, body)
}

// keepToken reads a token answer and holds it.
func (c *Client) keepToken(op string, body []byte) (string, error) {
	var g struct {
		AccessToken  string          `json:"access_token"`
		RefreshToken string          `json:"refresh_token"`
		ExpiresIn    json.RawMessage `json:"expires_in"`
	}
	if err := json.Unmarshal(body, &g); err != nil || g.AccessToken == "" {
		return "", &Error{Kind: KindService, Op: op, Message: "the token answer is not the JSON Secret Server sends (no access_token)"}
	}
	secs, _ := strconv.Atoi(strings.Trim(string(g.ExpiresIn), `"`))
	if secs <= 0 {
		secs = 1200 // the documented sample's lifetime; the answer is authoritative when present
	}
	life := time.Duration(secs) * time.Second
	c.mu.Lock()
	c.tok = &token{access: g.AccessToken, refresh: g.RefreshToken, expires: c.now().Add(life), lifetime: life}
	c.mu.Unlock()
	return g.AccessToken, nil
}

// otpWords are what token-endpoint errors say when a second factor is missing or wrong.
// Secret Server's exact wording is not documented; these cover the phrasings its
// two-factor providers use.
var otpWords = regexp.MustCompile(`(?i)two[- ]?factor|one[- ]?time|\botp\b|\bmfa\b|multi[- ]?factor|verification code|2fa`)

// tokenError turns a refused token request into an Error; nil when it succeeded.
func (c *Client) tokenError(op string, resp *http.Response, body []byte, otpSent bool) *Error {
	if e := htmlTrap(op, resp, body); e != nil {
		return e
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	e := c.answerError(op, resp, body)
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		e.Kind = KindThrottled
	case resp.StatusCode >= 500:
		e.Kind = KindService
	case otpWords.MatchString(e.Message + " " + e.Code):
		e.Kind = KindOTPNeeded
		if otpSent {
			e.Message = "the one-time code was refused: " + e.Message
		}
	case strings.Contains(strings.ToLower(e.Message), "web services") || strings.Contains(strings.ToLower(e.Message), "api is disabled"):
		e.Kind = KindAPIDisabled
	case resp.StatusCode == 400 || resp.StatusCode == 401 || resp.StatusCode == 403:
		e.Kind = KindBadCredentials
	default:
		e.Kind = KindService
	}
	return e
}

// htmlTrap recognises an HTML page where JSON was due: Secret Server answers some
// failures (web services off, a login redirect, a proxy's page) with 200 and HTML.
func htmlTrap(op string, resp *http.Response, body []byte) *Error {
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	head := strings.ToLower(string(bytes.TrimSpace(body[:min(len(body), 512)])))
	isHTML := mt == "text/html" || strings.HasPrefix(head, "<!doctype html") || strings.HasPrefix(head, "<html") || strings.Contains(head, "<html")
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		return &Error{Kind: KindAPIDisabled, Op: op, HTTPStatus: resp.StatusCode,
			Message: "the server redirected the API call (to " + clip(resp.Header.Get("Location"), 120) + "), as it does when web services are off or a sign-in page sits in front"}
	}
	if !isHTML {
		return nil
	}
	return &Error{Kind: KindAPIDisabled, Op: op, HTTPStatus: resp.StatusCode,
		Message: "the server answered an HTML page, not JSON: web services (the REST API) are off, or a proxy or sign-in page answered instead"}
}

// answerError reads Secret Server's error JSON: {"errorCode","message"} from the API,
// {"error","error_description"} from the token endpoint.
func (c *Client) answerError(op string, resp *http.Response, body []byte) *Error {
	e := &Error{Op: op, HTTPStatus: resp.StatusCode, Kind: KindService}
	var b struct {
		ErrorCode        string `json:"errorCode"`
		Message          string `json:"message"`
		Error            any    `json:"error"`
		ErrorDescription string `json:"error_description"`
	}
	if json.Unmarshal(body, &b) == nil {
		e.Code = b.ErrorCode
		e.Message = b.Message
		if s, ok := b.Error.(string); ok {
			if e.Code == "" && !strings.Contains(s, " ") {
				e.Code = s
			}
			if e.Message == "" {
				e.Message = s
			}
		}
		if b.ErrorDescription != "" {
			e.Message = b.ErrorDescription
		}
	}
	if e.Message == "" {
		e.Message = http.StatusText(resp.StatusCode)
	}
	e.Message = c.scrub(clip(e.Message, 200))
	e.Code = c.scrub(clip(e.Code, 80))
	return e
}

// maxRetryAfter is the longest Retry-After a throttled call waits for before trying
// once more, as the Azure side caps it; a longer one is reported as throttled at once.
const maxRetryAfter = 2 * time.Second

// send does one HTTP exchange and reads the body (bounded). A 429 whose Retry-After is
// short is waited out and the request sent once more.
func (c *Client) send(ctx context.Context, op string, req *http.Request) ([]byte, *http.Response, error) {
	for retried := false; ; retried = true {
		if retried && req.GetBody != nil {
			b, err := req.GetBody()
			if err != nil {
				return nil, nil, &Error{Kind: KindUsage, Op: op, Message: "cannot resend the request"}
			}
			req.Body = b
		}
		resp, err := c.hc.Do(req)
		if err != nil {
			return nil, nil, transportError(ctx, op, err)
		}
		body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
		resp.Body.Close()
		if err != nil {
			return nil, nil, transportError(ctx, op, err)
		}
		if resp.StatusCode != http.StatusTooManyRequests || retried {
			return body, resp, nil
		}
		secs, perr := strconv.Atoi(strings.TrimSpace(resp.Header.Get("Retry-After")))
		wait := time.Duration(secs) * time.Second
		if perr != nil || wait > maxRetryAfter || wait < 0 {
			return body, resp, nil
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return nil, nil, transportError(ctx, op, ctx.Err())
		}
	}
}

// get calls GET {base}/api/v1/{path} with the bearer token and decodes the JSON answer
// into out. A 401 signs in again once (the token may have been revoked or the server
// restarted), then retries.
func (c *Client) get(ctx context.Context, op, path string, q url.Values, out any) error {
	for attempt := 0; ; attempt++ {
		tok, err := c.accessToken(ctx, attempt > 0)
		if err != nil {
			return err
		}
		cctx, cancel := context.WithTimeout(ctx, c.timeout())
		u := c.BaseURL() + "/api/v1/" + path
		if len(q) > 0 {
			u += "?" + q.Encode()
		}
		req, err := http.NewRequestWithContext(cctx, http.MethodGet, u, nil)
		if err != nil {
			cancel()
			return &Error{Kind: KindUsage, Op: op, Message: "bad URL"}
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Accept", "application/json")
		body, resp, err := c.send(cctx, op, req)
		cancel()
		if err != nil {
			return err
		}
		if e := htmlTrap(op, resp, body); e != nil {
			return e
		}
		if resp.StatusCode == http.StatusUnauthorized && attempt == 0 {
			c.Forget()
			continue
		}
		if resp.StatusCode < 200 || resp.StatusCode >= 300 {
			return c.apiError(op, resp, body)
		}
		if err := json.Unmarshal(body, out); err != nil {
			return &Error{Kind: KindService, Op: op, HTTPStatus: resp.StatusCode, Message: "the answer is not the JSON Secret Server sends"}
		}
		return nil
	}
}

// restrictionCodes map Secret Server error codes to what a restricted secret needs.
// The codes are matched loosely (they are not documented one by one): any code naming
// a comment, a checkout or a double lock.
var restrictionCodes = []struct {
	re   *regexp.Regexp
	what string
}{
	{regexp.MustCompile(`(?i)doublelock|double.lock`), "double-lock"},
	{regexp.MustCompile(`(?i)check.?out`), "checkout"},
	{regexp.MustCompile(`(?i)comment`), "comment"},
}

func (c *Client) apiError(op string, resp *http.Response, body []byte) *Error {
	e := c.answerError(op, resp, body)
	code := strings.ToLower(e.Code)
	for _, r := range restrictionCodes {
		if r.re.MatchString(e.Code) || (e.Code == "" && r.re.MatchString(e.Message) && resp.StatusCode == 400) {
			e.Kind, e.Restriction = KindRestricted, r.what
			return e
		}
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		e.Kind = KindThrottled
	case resp.StatusCode == http.StatusUnauthorized:
		e.Kind = KindUnauthorized
	case resp.StatusCode == http.StatusForbidden || strings.Contains(code, "accessdenied") || strings.Contains(code, "forbidden"):
		e.Kind = KindForbidden
	case resp.StatusCode == http.StatusNotFound || strings.Contains(code, "notfound"):
		e.Kind = KindNotFound
	default:
		e.Kind = KindService
	}
	return e
}

// scrub removes the password and the tokens from a server text, raw and as form,
// query or JSON encodings would carry them.
func (c *Client) scrub(s string) string {
	vals := []string{c.cfg.Password}
	c.mu.Lock()
	if c.tok != nil {
		vals = append(vals, c.tok.access, c.tok.refresh)
	}
	c.mu.Unlock()
	for _, v := range vals {
		if len(v) < 4 {
			continue
		}
		forms := []string{v, url.QueryEscape(v), url.PathEscape(v)}
		if b, err := json.Marshal(v); err == nil {
			forms = append(forms, strings.Trim(string(b), `"`))
		}
		for _, f := range forms {
			s = strings.ReplaceAll(s, f, "[REDACTED]")
		}
	}
	return s
}

// Health calls GET {base}/api/v1/healthcheck (no token): true when Secret Server says
// it is healthy. On Platform, it asks the Secret Server learned at sign-in.
func (c *Client) Health(ctx context.Context) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout())
	defer cancel()
	base := c.BaseURL()
	if base == "" {
		return false, &Error{Kind: KindUsage, Op: "health check", Message: "the Secret Server URL is known after signing in to Platform"}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/v1/healthcheck", nil)
	if err != nil {
		return false, &Error{Kind: KindUsage, Op: "health check", Message: "bad URL"}
	}
	body, resp, err := c.send(ctx, "health check", req)
	if err != nil {
		return false, err
	}
	if e := htmlTrap("health check", resp, body); e != nil {
		return false, e
	}
	if resp.StatusCode != http.StatusOK {
		return false, c.apiError("health check", resp, body)
	}
	var h map[string]any
	if json.Unmarshal(body, &h) == nil {
		for k, v := range h {
			if strings.EqualFold(k, "healthy") {
				b, _ := v.(bool)
				return b, nil
			}
		}
	}
	return strings.Contains(strings.ToLower(string(body)), "healthy"), nil
}
