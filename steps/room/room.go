package room

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kvbridge/kvbridge/internal/devca"
	"github.com/kvbridge/kvbridge/steps/azure/sandbox"
)

// Options configure a room.
type Options struct {
	Seats int    // number of seats (1..MaxSeats); ignored when the state file exists
	Plan  string // a scenario's name, "mix" or "mystery"; ignored when the state file exists
	Seed  int64  // 0: a random seed, recorded in the state
	// Addr is HOST:PORT to listen on; "" means 127.0.0.1:0. A restarted room with port
	// 0 reuses the port it had, so the join strings handed out stay valid.
	Addr      string
	StatePath string // the room's state file (required)
	// StuckAfter marks a seat stuck after this long without progress (0: 5 minutes).
	StuckAfter time.Duration
	Now        func() time.Time // nil: time.Now
	// SchedProbe measures the machine's scheduling delay next to the requests' times
	// (Stats.SchedP99Ms), for load tests on a shared machine.
	SchedProbe bool
}

// Room is a running trainer's room.
type Room struct {
	opts    Options
	now     func() time.Time
	mu      sync.Mutex   // guards seat allocation (join) and the room's own fields
	tokMu   sync.RWMutex // guards the seats' token hashes, read on every request
	st      *roomState
	seats   []*seatRT // fixed at start; each seat has its own lock
	gen     atomic.Uint64
	ca      *devca.CA
	join    Join
	public  bool
	resumed bool

	ln      net.Listener
	srv     *http.Server
	limiter *limiter
	lat     latencies
	saver   *saver
	closed  sync.Once
	sched   latencies
	stop    chan struct{}
}

// seatRT is a seat at run time: its state and its running tenant.
type seatRT struct {
	mu      sync.Mutex // guards everything below and st
	st      *seatState
	tenant  *sandbox.Tenant
	handler http.Handler
	hash    []byte // SHA-256 of the seat token; nil while free (written with mu and tokMu held)
	dirty   bool   // the tenant changed since its last save
	stale   bool   // the seat's state changed since it was last serialised
	cached  []byte // the seat's state as last serialised
}

// Seat header: a trainee's kvbridge sends its seat token here on every request to its
// practice tenant (Authorization carries the Azure token).
const SeatHeader = "X-Kvbridge-Seat"

// Start opens (or resumes, when the state file exists) a room and serves it.
func Start(opts Options) (*Room, error) {
	if opts.StatePath == "" {
		return nil, errors.New("a room needs a state file (--state)")
	}
	if err := checkStatePath(opts.StatePath); err != nil {
		return nil, err
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.StuckAfter <= 0 {
		opts.StuckAfter = DefaultStuckAfter
	}
	r := &Room{opts: opts, now: opts.Now, limiter: newLimiter(5, 12*time.Second), stop: make(chan struct{})}
	st, err := readState(opts.StatePath)
	if err != nil {
		return nil, err
	}
	if st != nil {
		err = r.resume(st)
	} else {
		err = r.create()
	}
	if err != nil {
		r.closeTenants()
		return nil, err
	}
	if err := r.listen(); err != nil {
		r.closeTenants()
		return nil, err
	}
	r.saver = newSaver(opts.StatePath, r.snapshot)
	if err := r.saver.changed(r.gen.Add(1), true); err != nil {
		r.Close()
		return nil, fmt.Errorf("writing the room state %s: %w", opts.StatePath, err)
	}
	if opts.SchedProbe {
		go probeScheduling(&r.sched, r.stop)
	}
	return r, nil
}

func randomKey(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("room: no randomness: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func (r *Room) create() error {
	seed := r.opts.Seed
	if seed == 0 {
		seed = randomSeed()
	}
	plan := strings.ToLower(strings.TrimSpace(r.opts.Plan))
	if plan == "" {
		plan = "healthy"
	}
	deals, err := PlanSeats(plan, r.opts.Seats, seed)
	if err != nil {
		return err
	}
	c, err := devca.New("kvbridge room CA", "kvbridge room", r.now(), caLife)
	if err != nil {
		return fmt.Errorf("making the room CA: %w", err)
	}
	keyPEM, err := c.KeyPEM()
	if err != nil {
		return err
	}
	r.ca = c
	r.st = &roomState{
		Format: stateFormat, Created: r.now().UTC(), Plan: plan, Seed: seed, Code: newCode(),
		TrainerKey: randomKey(24), CACert: string(c.CertPEM()), CAKey: string(keyPEM),
	}
	r.seats = make([]*seatRT, len(deals))
	for i, d := range deals {
		r.st.Seats = append(r.st.Seats, &seatState{Seat: i + 1, Deal: d})
		r.seats[i] = &seatRT{st: r.st.Seats[i], stale: true}
	}
	return r.buildTenants(func(s *seatRT) (*sandbox.Tenant, error) { return buildTenant(s.st.Deal) })
}

// requestLog is the requests each seat's tenant remembers: the room never reads them,
// and 10,000 per tenant (the sandbox's default) would grow sixty seats by more than
// a hundred megabytes over a day of watch mode.
const requestLog = 100

func buildTenant(d Deal) (*sandbox.Tenant, error) {
	return sandbox.Start(sandbox.Options{Scenario: d.Scenario, Seed: d.Seed, Wiring: sandbox.Hostnames, RequestLog: requestLog})
}

func (r *Room) resume(st *roomState) error {
	c, err := loadCA(st.CACert, st.CAKey)
	if err != nil {
		return err
	}
	r.ca, r.st, r.resumed = c, st, true
	r.seats = make([]*seatRT, len(st.Seats))
	for i, s := range st.Seats {
		rt := &seatRT{st: s, stale: true}
		if s.TokenHash != "" {
			if rt.hash, err = hex.DecodeString(s.TokenHash); err != nil || len(rt.hash) != sha256.Size {
				return fmt.Errorf("the room state: seat %d's token hash is damaged", s.Seat)
			}
		}
		r.seats[i] = rt
	}
	return r.buildTenants(func(s *seatRT) (*sandbox.Tenant, error) {
		return sandbox.Load(bytes.NewReader(s.st.Tenant), sandbox.Options{Wiring: sandbox.Hostnames, RequestLog: requestLog})
	})
}

// buildTenants starts every seat's tenant, a few at a time.
func (r *Room) buildTenants(mk func(*seatRT) (*sandbox.Tenant, error)) error {
	var wg sync.WaitGroup
	errs := make([]error, len(r.seats))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0)+1)
	for i, s := range r.seats {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			t, err := mk(s)
			if err != nil {
				errs[i] = fmt.Errorf("seat %d: %w", i+1, err)
				return
			}
			s.tenant, s.handler = t, t.Handler()
			if len(s.st.Tenant) == 0 {
				s.dirty = true
				s.st.Answer = t.AnswerKey()
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

func (r *Room) closeTenants() {
	for _, s := range r.seats {
		if s != nil && s.tenant != nil {
			_ = s.tenant.Close()
		}
	}
}

// listen opens the room's one listener. Anything but loopback is allowed here (and only
// here in kvbridge): trainees' laptops must reach it. Public says so.
func (r *Room) listen() error {
	addr := r.opts.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--addr %q is not HOST:PORT (for example 127.0.0.1:8443 or 192.168.1.20:8443): %v", addr, err)
	}
	if strings.EqualFold(host, "localhost") {
		host = "127.0.0.1"
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return fmt.Errorf("--addr %q: give an IP address of this machine (for example 127.0.0.1 or 192.168.1.20)", addr)
	}
	if port == "0" && r.st.Addr != "" {
		if oh, op, err := net.SplitHostPort(r.st.Addr); err == nil && net.ParseIP(oh).Equal(ip) {
			port = op // a restarted room keeps its port, so the join strings stay valid
		}
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(ip.String(), port))
	if err != nil {
		return fmt.Errorf("listening on %s: %w", net.JoinHostPort(ip.String(), port), err)
	}
	_, gotPort, _ := net.SplitHostPort(ln.Addr().String())
	r.public = !ip.IsLoopback()
	joinIP := ip
	ips := []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}
	if ip.IsUnspecified() {
		all := interfaceIPs()
		ips = append(ips, all...)
		joinIP = net.IPv4(127, 0, 0, 1)
		for _, a := range all {
			if !a.IsLoopback() && a.To4() != nil {
				joinIP = a
				break
			}
		}
	} else if !ip.IsLoopback() {
		ips = append(ips, ip)
	}
	leaf, err := serverCert(r.ca, r.now(), ips, nil)
	if err != nil {
		ln.Close()
		return fmt.Errorf("making the room's certificate: %w", err)
	}
	r.ln = ln
	r.st.Addr = net.JoinHostPort(ip.String(), gotPort)
	r.join = Join{Addr: net.JoinHostPort(joinIP.String(), gotPort), Code: r.st.Code, Pin: Fingerprint(r.ca.Cert.Raw)}
	r.srv = &http.Server{
		Handler:           r,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{leaf}, MinVersion: tls.VersionTLS12},
		ErrorLog:          log.New(io.Discard, "", 0), // a trainee's failed handshake (wrong pin) is their news
	}
	go func() { _ = r.srv.ServeTLS(ln, "", "") }()
	return nil
}

func interfaceIPs() []net.IP {
	var out []net.IP
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLinkLocalUnicast() {
			out = append(out, n.IP)
		}
	}
	return out
}

// Join is the room's join string.
func (r *Room) Join() Join { return r.join }

// URL is the room's base URL, at the address trainees use.
func (r *Room) URL() string { return "https://" + r.join.Addr }

// ListenAddr is the address the room listens on (0.0.0.0 and [::] mean every interface).
func (r *Room) ListenAddr() string { return r.ln.Addr().String() }

// TrainerKey is the key of the trainer's endpoints.
func (r *Room) TrainerKey() string { return r.st.TrainerKey }

// StatePath is the state file.
func (r *Room) StatePath() string { return r.opts.StatePath }

// Public reports whether the room listens beyond loopback.
func (r *Room) Public() bool { return r.public }

// Resumed reports whether the room was resumed from its state file.
func (r *Room) Resumed() bool { return r.resumed }

// Plan and Seed say how the room was dealt.
func (r *Room) Plan() (string, int64) { return r.st.Plan, r.st.Seed }

// NumSeats is the number of seats.
func (r *Room) NumSeats() int { return len(r.seats) }

// Stats are the server's figures so far.
func (r *Room) Stats() Stats {
	s := r.lat.stats()
	r.saver.mu.Lock()
	s.SavesDone = r.saver.saves
	r.saver.mu.Unlock()
	if r.opts.SchedProbe {
		s.SchedP99Ms = ms(r.sched.quantile(0.99))
	}
	return s
}

// Close stops serving, writes the state a last time and stops the tenants.
func (r *Room) Close() error {
	var err error
	r.closed.Do(func() {
		close(r.stop)
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = r.srv.Shutdown(ctx)
		_ = r.saver.changed(r.gen.Add(1), false)
		err = r.saver.close()
		r.closeTenants()
	})
	return err
}

// savedState is the file's form: the room's fields with each seat as serialised last.
// The outer Seats hides roomState's.
type savedState struct {
	*roomState
	Seats []json.RawMessage `json:"seats"`
}

// snapshot serialises the state (the saver's source). Each seat is locked only while
// its own part is serialised, and only seats that changed are serialised again; a
// changed tenant is saved outside the seat's lock (the tenant has its own) and spliced
// in as it is, so a save never holds up the other seats' requests.
func (r *Room) snapshot() ([]byte, uint64, error) {
	gen := r.gen.Load()
	out := savedState{roomState: r.st, Seats: make([]json.RawMessage, len(r.seats))}
	for i, s := range r.seats {
		s.mu.Lock()
		dirty, t := s.dirty, s.tenant
		s.dirty = false
		s.mu.Unlock()
		var blob []byte
		if dirty {
			var buf, c bytes.Buffer
			if err := t.Save(&buf); err != nil {
				return nil, 0, err
			}
			if err := json.Compact(&c, buf.Bytes()); err != nil {
				return nil, 0, err
			}
			blob = c.Bytes()
		}
		s.mu.Lock()
		if blob != nil {
			s.st.Tenant, s.stale = blob, true
		}
		if s.stale || s.cached == nil {
			tenant := s.st.Tenant
			s.st.Tenant = nil // spliced in below, not re-validated by the encoder
			b, err := json.Marshal(s.st)
			s.st.Tenant = tenant
			if err != nil {
				s.mu.Unlock()
				return nil, 0, err
			}
			b = append(append(append(b[:len(b)-1], `,"tenant":`...), tenant...), '}')
			s.cached, s.stale = b, false
		}
		out.Seats[i] = s.cached
		s.mu.Unlock()
	}
	r.mu.Lock()
	data, err := json.Marshal(out)
	r.mu.Unlock()
	return data, gen, err
}

// bump records a change: it marks the seat (locked by the caller; nil for the room's
// own fields) for serialising and returns the change's generation.
func (r *Room) bump(s *seatRT) uint64 {
	if s != nil {
		s.stale = true
	}
	return r.gen.Add(1)
}

func hashToken(tok string) []byte {
	h := sha256.Sum256([]byte(tok))
	return h[:]
}

// seatByToken finds the seat holding token, comparing every seat's hash in constant
// time.
func (r *Room) seatByToken(tok string) *seatRT {
	if tok == "" {
		return nil
	}
	h := hashToken(tok)
	r.tokMu.RLock()
	defer r.tokMu.RUnlock()
	var found *seatRT
	for _, s := range r.seats {
		if s.hash != nil && subtle.ConstantTimeCompare(s.hash, h) == 1 {
			found = s
		}
	}
	return found
}

// seatByNumber returns seat n (1-based) or an error naming the range.
func (r *Room) seatByNumber(n int) (*seatRT, error) {
	if n < 1 || n > len(r.seats) {
		return nil, fmt.Errorf("seat %d does not exist: this room has seats 1 to %d", n, len(r.seats))
	}
	return r.seats[n-1], nil
}

// StateFileMode is the state file's mode.
const StateFileMode = 0o600

// checkStatePath refuses a state path in a directory that does not exist, early.
func checkStatePath(path string) error {
	if _, err := os.Stat(filepath.Dir(path)); err != nil {
		return fmt.Errorf("the state file's directory: %w", err)
	}
	return nil
}
