package room

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/kvbridge/kvbridge/steps/azure"
	"github.com/kvbridge/kvbridge/steps/azure/sandbox"
)

// Client talks to a room over its pinned TLS: a trainee's (seat) or a trainer's.
type Client struct {
	base string // https://HOST:PORT
	addr string // HOST:PORT, the only address it dials
	hc   *http.Client
	tr   *http.Transport
	auth string // bearer: a seat token or the trainer key
}

// ErrUnreachable wraps every failure to reach the room (network, TLS, pin).
var ErrUnreachable = errors.New("the room cannot be reached")

// APIError is an answer of the room that says no.
type APIError struct {
	Status  int
	Code    string
	Message string
}

func (e *APIError) Error() string { return e.Message }

// newTransport dials only the room, whatever host a request names, and trusts only the
// pinned CA.
func newTransport(addr string, pin []byte) *http.Transport {
	host, _, _ := net.SplitHostPort(addr)
	d := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return d.DialContext(ctx, network, addr)
		},
		TLSClientConfig:     PinnedTLS(pin, host),
		ForceAttemptHTTP2:   true,
		TLSHandshakeTimeout: 5 * time.Second,
		MaxIdleConnsPerHost: 4,
		IdleConnTimeout:     90 * time.Second,
	}
}

// NewClient makes a client for a room's join string (trainee) or URL and pin
// (trainer). auth is the seat token or trainer key, "" before joining.
func NewClient(j Join, auth string) *Client {
	tr := newTransport(j.Addr, j.Pin)
	return &Client{base: "https://" + j.Addr, addr: j.Addr, tr: tr, hc: &http.Client{Transport: tr, Timeout: 30 * time.Second}, auth: auth}
}

// Close releases idle connections.
func (c *Client) Close() { c.tr.CloseIdleConnections() }

// maxAnswerBytes bounds what the client reads from the room.
const maxAnswerBytes = 8 << 20

func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.auth != "" {
		req.Header.Set("Authorization", "Bearer "+c.auth)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		if errors.Is(err, ErrPin) || strings.Contains(err.Error(), ErrPin.Error()) {
			return fmt.Errorf("%w: %v", ErrUnreachable, ErrPin)
		}
		return fmt.Errorf("%w at %s: %v", ErrUnreachable, c.addr, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes))
	if err != nil {
		return fmt.Errorf("%w at %s: %v", ErrUnreachable, c.addr, err)
	}
	if resp.StatusCode/100 != 2 {
		var e apiError
		if json.Unmarshal(data, &e) != nil || e.Error.Message == "" {
			e.Error.Message = fmt.Sprintf("the room answered %s", resp.Status)
		}
		return &APIError{Status: resp.StatusCode, Code: e.Error.Code, Message: e.Error.Message}
	}
	if out == nil {
		return nil
	}
	if w, ok := out.(io.Writer); ok {
		_, err := w.Write(data)
		return err
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("the room's answer to %s was not understood: %v", path, err)
	}
	return nil
}

// Seat is a joined seat as a trainee's kvbridge holds it.
type Seat struct {
	Join  Join
	Info  SeatInfo // Token is set
	c     *Client
	azure *http.Transport
}

// JoinRoom takes a seat (or, with token, rejoins the seat that token holds).
func JoinRoom(ctx context.Context, j Join, name, token string) (*Seat, error) {
	c := NewClient(j, token)
	var info SeatInfo
	var err error
	if token != "" {
		err = c.do(ctx, http.MethodGet, pathSeat, nil, &info)
		info.Token = token
	} else {
		err = c.do(ctx, http.MethodPost, pathJoin, joinRequest{Code: j.Code, Name: name}, &info)
	}
	if err != nil {
		c.Close()
		return nil, err
	}
	c.auth = info.Token
	return &Seat{Join: j, Info: info, c: c, azure: newTransport(j.Addr, j.Pin)}, nil
}

// Close releases the seat's connections (the seat stays taken).
func (s *Seat) Close() {
	s.c.Close()
	s.azure.CloseIdleConnections()
}

// Refresh fetches the seat's values again (after a reset by the trainer).
func (s *Seat) Refresh(ctx context.Context) error {
	var info SeatInfo
	if err := s.c.do(ctx, http.MethodGet, pathSeat, nil, &info); err != nil {
		return err
	}
	info.Token = s.Info.Token
	s.Info = info
	return nil
}

// Report sends progress; it returns the seat's generation (a change means a reset).
func (s *Seat) Report(ctx context.Context, p Progress) (int, error) {
	var ack ProgressAck
	err := s.c.do(ctx, http.MethodPost, pathProgress, p, &ack)
	return ack.Generation, err
}

// seatTransport sends the SDK's requests to the room with the seat's token.
type seatTransport struct {
	hc    *http.Client
	token string
}

func (t seatTransport) Do(req *http.Request) (*http.Response, error) {
	req.Header.Set(SeatHeader, t.token)
	return t.hc.Do(req)
}

// HTTPClient is the client for the seat's practice tenant: every request goes to the
// room, with the seat's token, under the public Azure host names.
func (s *Seat) HTTPClient() *http.Client {
	return &http.Client{Transport: roundTripper{s}, Timeout: 60 * time.Second}
}

type roundTripper struct{ s *Seat }

func (r roundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.Header.Set(SeatHeader, r.s.Info.Token)
	return r.s.azure.RoundTrip(req)
}

// Config is the live checks' configuration for the seat: the public cloud's endpoints
// reached through the room, the handed-out values, the practice vault by resource ID
// (so the permission checks run even when the app cannot list it), and the synced
// secret's mapping as the guide sets it up.
func (s *Seat) Config() azure.Config {
	p := s.Info.Practice
	cfg := azure.Config{
		TenantID: p.TenantID, ClientID: p.ClientID, ClientSecret: p.ClientSecret,
		Cloud: azure.CloudPublic, Vault: p.VaultID, SecretName: p.SecretName,
		ExpectUsernameTag: true, Username: p.SecretUsername,
		Transport: seatTransport{hc: &http.Client{Transport: s.azure}, token: s.Info.Token},
	}
	if p.SecretValue != "" {
		cfg.SetComparePassword(p.SecretValue)
	}
	return cfg
}

// Practice runs a practice action (the sandbox admin API's action name and JSON body)
// on the seat's tenant, as the portal would; out receives the answer when not nil.
func (s *Seat) Practice(ctx context.Context, action string, body, out any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "https://login.microsoftonline.com/_sandbox/"+action, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.HTTPClient().Do(req)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrUnreachable, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		var e apiError
		_ = json.Unmarshal(data, &e)
		return &APIError{Status: resp.StatusCode, Code: e.Error.Code, Message: strings.TrimPrefix(e.Error.Message, "sandbox: ")}
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

// TrainerClient is the trainer's remote view of a room (kvbridge room watch, report).
type TrainerClient struct{ c *Client }

// DialTrainer makes a trainer's client from the room's URL or join string and the
// trainer key. The pin comes from the join string; with a bare URL, pin must be given.
func DialTrainer(j Join, key string) *TrainerClient {
	return &TrainerClient{c: NewClient(j, key)}
}

// Close releases connections.
func (t *TrainerClient) Close() { t.c.Close() }

// Seats lists the seats.
func (t *TrainerClient) Seats(ctx context.Context) ([]SeatView, error) {
	var out []SeatView
	return out, t.c.do(ctx, http.MethodGet, trainerPrefix+"seats", nil, &out)
}

// Reveal reveals a seat's answer.
func (t *TrainerClient) Reveal(ctx context.Context, seat int) (sandbox.AnswerKey, error) {
	var out sandbox.AnswerKey
	return out, t.c.do(ctx, http.MethodPost, trainerPrefix+"reveal", trainerRequest{Seat: seat}, &out)
}

// Break puts a fault on a seat.
func (t *TrainerClient) Break(ctx context.Context, seat int, action string) (string, error) {
	var out struct {
		Text string `json:"text"`
	}
	return out.Text, t.c.do(ctx, http.MethodPost, trainerPrefix+"break", trainerRequest{Seat: seat, Action: action}, &out)
}

// Reset resets a seat.
func (t *TrainerClient) Reset(ctx context.Context, seat int) error {
	return t.c.do(ctx, http.MethodPost, trainerPrefix+"reset", trainerRequest{Seat: seat}, nil)
}

// Report fetches the merged report.
func (t *TrainerClient) Report(ctx context.Context) (*Report, error) {
	var out Report
	return &out, t.c.do(ctx, http.MethodGet, trainerPrefix+"report", nil, &out)
}

// Stats fetches the server's figures.
func (t *TrainerClient) Stats(ctx context.Context) (Stats, error) {
	var out Stats
	return out, t.c.do(ctx, http.MethodGet, trainerPrefix+"stats", nil, &out)
}

// Trainer is what the dashboard needs, in process (Local) or remote (TrainerClient).
type Trainer interface {
	Seats(ctx context.Context) ([]SeatView, error)
	Reveal(ctx context.Context, seat int) (sandbox.AnswerKey, error)
	Break(ctx context.Context, seat int, action string) (string, error)
	Reset(ctx context.Context, seat int) error
	Report(ctx context.Context) (*Report, error)
}

// Local is a running room as a Trainer.
type Local struct{ R *Room }

func (l Local) Seats(context.Context) ([]SeatView, error) { return l.R.Seats(), nil }
func (l Local) Reveal(_ context.Context, seat int) (sandbox.AnswerKey, error) {
	return l.R.Reveal(seat)
}
func (l Local) Break(_ context.Context, seat int, action string) (string, error) {
	return l.R.Break(seat, action, nil)
}
func (l Local) Reset(_ context.Context, seat int) error { return l.R.Reset(seat) }
func (l Local) Report(context.Context) (*Report, error) { return l.R.Report(), nil }

var (
	_ Trainer = Local{}
	_ Trainer = (*TrainerClient)(nil)
)

// Look reads the seat's tenant as the practice menu shows it.
func (s *Seat) Look(ctx context.Context, clientID, vault string) (sandbox.Look, error) {
	var l sandbox.Look
	q := url.Values{"client_id": {clientID}, "vault": {vault}}
	return l, s.c.do(ctx, http.MethodGet, pathLook+"?"+q.Encode(), nil, &l)
}

// Do runs a practice action (a live.Actions ID) on the seat's tenant. A refusal, as the
// portal would word it, is a *sandbox.Refusal.
func (s *Seat) Do(ctx context.Context, action, clientID, vault string) (PracticeAnswer, error) {
	var a PracticeAnswer
	if err := s.c.do(ctx, http.MethodPost, pathPractice, PracticeRequest{Action: action, ClientID: clientID, Vault: vault}, &a); err != nil {
		return a, err
	}
	if a.Refused != "" {
		return a, &sandbox.Refusal{Reason: a.Refused}
	}
	return a, nil
}
