package live

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/azure"
	"github.com/kvbridge/kvbridge/steps/delinea"
)

// WatchInterval is how often a watch runs a page's checks again.
const WatchInterval = 15 * time.Second

// DefaultRunTimeout bounds one run of a page's checks.
const DefaultRunTimeout = 2 * time.Minute

// Options build a Session.
type Options struct {
	Machine *steps.Machine
	State   steps.State // resumed (or fresh) progress
	// Given is the connection from the command line and the AZURE_*
	// variables. Its Kind is set when they decide where to check (--sandbox,
	// --offline, --tenant with --client-id); otherwise it only prefills.
	Given steps.Connection
	// Secret is AZURE_CLIENT_SECRET when set: memory only, never saved.
	Secret string
	Wiring Wiring
	// Save writes the state after every change; nil saves nothing (tests).
	Save func(steps.State) error
	// Observe sees every accepted change; it runs with the session locked
	// and must not call back into it. A trainer's room reports from here.
	Observe func(Note)
	// Sources run checks the Azure engine does not know (by ID prefix).
	Sources []Source
	// Now and After are the clock (tests move them); nil means the real one.
	Now   func() time.Time
	After func(time.Duration) <-chan time.Time
}

// Wiring is how a connection reaches a tenant: the production values come
// from cmd/kvbridge, tests use the same with StartLocal.
type Wiring struct {
	// StartPractice starts a practice tenant for a scenario; nil means this
	// build has none. StartLocal is the in-process one.
	// The seed picks the mystery scenario's fault (0: at random; the tenant's
	// Handout says which seed it used, and the session saves it).
	StartPractice func(scenario string, seed int64) (Practice, error)
	// ExtraCA is --ca-file's PEM, trusted for a tenant of one's own.
	ExtraCA []byte
	// RunTimeout bounds one run; zero means DefaultRunTimeout.
	RunTimeout time.Duration
	// Configure, when set, adjusts the checks' configuration last (tests
	// shorten timeouts and move the clock here).
	Configure func(*azure.Config)
}

// Source runs checks of its own kind (Delinea's side, say) on a page: the
// IDs it Owns go to it instead of the Azure engine, in the same run, and its
// results are rows, counts and saved marks like any other.
type Source interface {
	Owns(id string) bool
	// Run runs ids with what the session holds (the connection and the
	// typed fields, secrets included) and emits one result per ID.
	Run(ctx context.Context, in Inputs, ids []string, emit func(azure.Result))
}

// Inputs is what a Source may read.
type Inputs struct {
	Connection steps.Connection
	Field      func(name string) string
}

// Note is one accepted change, for Options.Observe.
type Note struct {
	Kind  string      // "state", "result", "action", "sync", "practice"
	State steps.State // after the change
	Row   *Row        // "result", "sync": the row
	Text  string      // "action": what was done; "practice": the scenario started
}

// Job is blocking work to run off the UI goroutine; hand its Msg to Take.
// Its shape is a Bubble Tea command's.
type Job func() Msg

// Msg is what a Job returns. The exported ones say what happened, for a
// front end that prints as things arrive (Drive's see).
type Msg interface{ liveMsg() }

// Started: a practice tenant started (Err nil) or did not.
type Started struct {
	gen      int
	p        Practice
	Scenario string
	Err      error
}

// Arrived: one result of a run. Needed marks a prerequisite of the page's
// checks (shown only when it did not pass).
type Arrived struct {
	attempt int
	res     azure.Result
	next    Job
	Row     Row
	OnPage  bool
}

// Finished: a run ended.
type Finished struct {
	attempt int
	report  *azure.Report
	Err     error
	// Tally counts the page's checks; Watching says the watch goes on.
	Tally    Tally
	Watching bool
	// Cancelled: stopped before the end (its late results are dropped).
	Cancelled bool
}

// Synced: the practice Save in Delinea ended.
type Synced struct {
	attempt int
	res     azure.SyncResult
	hash    [32]byte
	Row     Row
	OK      bool
}

// Acted: a practice action was done, or refused (Err, a *RefusedError).
type Acted struct {
	gen    int
	action string
	out    Outcome
	Text   string
	Err    error
}

// Tick: a watch's wait ended and the page's checks run again.
type Tick struct{ n int }

func (*Started) liveMsg()  {}
func (*Arrived) liveMsg()  {}
func (*Finished) liveMsg() {}
func (*Synced) liveMsg()   {}
func (*Acted) liveMsg()    {}
func (*Tick) liveMsg()     {}

// Session is the live part of one run of kvbridge. See the package doc.
type Session struct {
	mu   sync.Mutex
	opts Options
	mach *steps.Machine
	st   steps.State

	practice Practice
	handout  Handout
	owned    map[Practice]bool // started and not closed yet
	gen      int
	starting bool
	startErr error
	closed   bool
	inflight sync.WaitGroup

	secret, typedTenant, typedClient string
	secretTrimmed                    bool
	password                         string // typed Delinea password, memory only
	delineaPassword                  string // the Secret Server user's password, memory only
	dl                               *delinea.Client
	dlKey                            string
	syncedHash                       *[32]byte // of the last password synced
	sync                             *azure.SyncResult

	results map[string]azure.Result // this process's results, by ID
	vaults  []azure.VaultInfo
	listed  bool

	attempt  int
	running  bool
	syncing  bool
	runIDs   []string
	cancel   context.CancelFunc
	quit     chan struct{} // closed when the run is cancelled or replaced
	runErr   error
	last     *Finished
	watching bool
	watchN   int
	watchDue time.Time
	stop     chan struct{}

	az    *azure.Session
	azKey string

	saveErr error
}

// New makes a session. Call Begin next.
func New(o Options) (*Session, error) {
	if o.Machine == nil {
		return nil, errors.New("live: no machine")
	}
	if err := ValidateCourse(o.Machine.Course); err != nil {
		return nil, err
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.After == nil {
		o.After = time.After
	}
	return &Session{opts: o, mach: o.Machine, st: o.State, owned: map[Practice]bool{},
		results: map[string]azure.Result{}, secret: strings.TrimSpace(o.Secret)}, nil
}

// Begin connects at start by Merge: the saved connection and what was
// given. A practice connection starts its tenant (the Job); with no
// connection at all, NeedsChoice says the front end should ask.
func (s *Session) Begin() Job {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := Merge(s.st.Connection, s.opts.Given)
	_ = s.connectLocked(c) // a connection the state refuses leaves the saved one
	if c.Kind == steps.ConnPractice {
		return s.startLocked(c.Scenario, c.Seed)
	}
	return nil
}

// NeedsChoice reports that no one has said where to check yet.
func (s *Session) NeedsChoice() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.Connection.Kind == steps.ConnNone
}

// Choose connects as the trainee chose: offline, the practice tenant with a
// scenario, or their own tenant (what was given prefills it). The Job starts
// the practice tenant, when one is needed.
func (s *Session) Choose(kind, scenario string) Job {
	s.mu.Lock()
	defer s.mu.Unlock()
	prev := s.st.Connection
	c := steps.Connection{Kind: kind}
	switch kind {
	case steps.ConnPractice:
		c = Merge(prev, steps.Connection{Kind: kind, Scenario: scenario})
	case steps.ConnTenant:
		g := s.opts.Given
		g.Kind = kind
		c = Merge(prev, g)
		if s.secret == "" {
			s.secret = strings.TrimSpace(s.opts.Secret)
		}
	}
	_ = s.connectLocked(c)
	if kind == steps.ConnPractice && (s.practice == nil && !s.starting || prev.Kind != kind || prev.Scenario != c.Scenario || prev.Seed != c.Seed) {
		return s.startLocked(c.Scenario, c.Seed)
	}
	if kind != steps.ConnPractice {
		s.dropPracticeLocked()
	}
	return nil
}

// Restart starts the practice tenant again, fresh (after it failed to start,
// or to begin a scenario again).
func (s *Session) Restart() Job {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.Connection.Kind != steps.ConnPractice {
		return nil
	}
	return s.startLocked(s.st.Connection.Scenario, s.st.Connection.Seed)
}

// Reset follows a start over: fresh progress (the front end has reset the
// store), what this process saw of earlier runs forgotten, and the given
// connection applied again. The Job starts a practice tenant when needed.
func (s *Session) Reset(fresh steps.State) Job {
	s.mu.Lock()
	defer s.mu.Unlock()
	running := s.practice != nil || s.starting
	prev := s.st.Connection
	s.cancelLocked()
	s.st = fresh
	s.results, s.vaults, s.listed, s.sync, s.syncedHash, s.runErr, s.last = map[string]azure.Result{}, nil, false, nil, nil, nil, nil
	s.password = ""
	c := Merge(s.st.Connection, s.opts.Given)
	_ = s.connectLocked(c)
	s.saveLocked("state")
	switch {
	case c.Kind != steps.ConnPractice:
		s.dropPracticeLocked()
	case !running || prev.Kind != steps.ConnPractice || prev.Scenario != c.Scenario || prev.Seed != c.Seed:
		return s.startLocked(c.Scenario, c.Seed)
	}
	return nil
}

// Close ends every run and closes every practice tenant, those still
// starting included.
func (s *Session) Close() {
	s.mu.Lock()
	s.cancelLocked()
	s.closed = true
	owned := s.owned
	s.owned = map[Practice]bool{}
	s.practice = nil
	s.mu.Unlock()
	for p := range owned {
		_ = p.Close()
	}
	s.inflight.Wait()
}

// State is the progress as it stands (a copy; change it through Apply).
func (s *Session) State() steps.State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st
}

// Machine is the course's state machine.
func (s *Session) Machine() *steps.Machine { return s.mach }

// Apply applies a course event (a key press's meaning) and saves.
func (s *Session) Apply(e steps.Event) (steps.Effect, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.applyLocked(e)
}

func (s *Session) applyLocked(e steps.Event) (steps.Effect, error) {
	next, eff, err := s.mach.Apply(s.st, e, s.opts.Now())
	if err != nil {
		return eff, err
	}
	s.st = next
	if e.Type == steps.EvConnect {
		// Results the state forgot (the connection moved) are not shown.
		for id := range s.results {
			if _, kept := s.st.Checks[id]; !kept && s.courseCheck(id) {
				delete(s.results, id)
			}
		}
	}
	s.saveLocked("state")
	return eff, nil
}

func (s *Session) courseCheck(id string) bool {
	for _, sec := range s.mach.Course.Sections {
		for _, x := range sec.Check.IDs {
			if x == id {
				return true
			}
		}
	}
	return false
}

func (s *Session) saveLocked(kind string) {
	if s.opts.Save != nil {
		s.saveErr = s.opts.Save(s.st)
	}
	s.observeLocked(Note{Kind: kind, State: s.st})
}

func (s *Session) observeLocked(n Note) {
	if s.opts.Observe != nil {
		n.State = s.st
		s.opts.Observe(n)
	}
}

// SaveErr is the last save's error, nil when it worked.
func (s *Session) SaveErr() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.saveErr
}

// connectLocked applies EvConnect when the connection changes.
func (s *Session) connectLocked(c steps.Connection) error {
	if sameConnection(c, s.st.Connection) {
		return nil
	}
	cc := c
	_, err := s.applyLocked(steps.Event{Type: steps.EvConnect, Connection: &cc})
	return err
}

// startLocked starts a fresh practice tenant; the old one is closed.
func (s *Session) startLocked(scenario string, seed int64) Job {
	if scenario == "" {
		scenario = "healthy"
	}
	old := s.practice
	s.cancelLocked()
	s.gen++
	gen := s.gen
	s.practice, s.handout, s.starting, s.startErr = nil, Handout{}, true, nil
	s.typedTenant, s.typedClient = "", ""
	s.results, s.vaults, s.listed, s.sync, s.syncedHash = map[string]azure.Result{}, nil, false, nil, nil
	s.az = nil
	start := s.opts.Wiring.StartPractice
	s.inflight.Add(1)
	return func() Msg {
		defer s.inflight.Done()
		s.release(old)
		if start == nil {
			return &Started{gen: gen, Scenario: scenario, Err: &NotReadyError{Why: "this build has no practice tenant"}}
		}
		p, err := start(scenario, seed)
		if err == nil && !s.adopt(p) {
			_ = p.Close()
			p, err = nil, errors.New("kvbridge is ending")
		}
		return &Started{gen: gen, p: p, Scenario: scenario, Err: err}
	}
}

// adopt keeps a started tenant, to be closed by Close; false once closed.
func (s *Session) adopt(p Practice) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.owned[p] = true
	return true
}

// release closes a tenant the session no longer uses.
func (s *Session) release(p Practice) {
	if p == nil {
		return
	}
	s.mu.Lock()
	delete(s.owned, p)
	s.mu.Unlock()
	_ = p.Close()
}

func (s *Session) dropPracticeLocked() {
	s.gen++
	s.starting = false
	if p := s.practice; p != nil {
		s.practice = nil
		delete(s.owned, p)
		go func() { _ = p.Close() }()
	}
}

// Take records what a Job returned and gives the next Job (nil: none). A
// Msg of a cancelled run, a replaced tenant or an older watch is dropped.
func (s *Session) Take(m Msg) Job {
	next, _ := s.take(m)
	return next
}

// Drive runs a Job and every Job after it, in turn, on the calling
// goroutine; see (if set) is told each accepted Msg. A watch's wait is a Job
// too: StopWatch or Cancel from another goroutine ends it.
func (s *Session) Drive(j Job, see func(Msg)) {
	for j != nil {
		m := j()
		next, ok := s.take(m)
		if ok && see != nil {
			see(m)
		}
		j = next
	}
}

func (s *Session) take(m Msg) (Job, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch m := m.(type) {
	case *Started:
		return s.takeStarted(m)
	case *Arrived:
		return s.takeArrived(m)
	case *Finished:
		return s.takeFinished(m)
	case *Tick:
		if m.n != s.watchN || !s.watching {
			return nil, false
		}
		j, err := s.runLocked()
		if err != nil {
			s.watching = false
			s.runErr = err
			return nil, false
		}
		return j, true
	case *Synced:
		return s.takeSynced(m)
	case *Acted:
		return s.takeActed(m)
	}
	return nil, false
}

func (s *Session) takeStarted(m *Started) (Job, bool) {
	if m.gen != s.gen || s.st.Connection.Kind != steps.ConnPractice {
		if m.p != nil {
			delete(s.owned, m.p)
			p := m.p
			go func() { _ = p.Close() }()
		}
		return nil, false
	}
	s.starting = false
	if m.Err != nil {
		s.startErr = m.Err
		return nil, true
	}
	s.practice, s.handout = m.p, m.p.Handout()
	s.secret, s.secretTrimmed = s.handout.ClientSecret, false
	if s.st.Connection.MapUsername && s.st.Connection.Username == "" {
		c := s.st.Connection
		c.Username = s.handout.SecretUsername
		_ = s.connectLocked(c)
	}
	if s.handout.Seed != s.st.Connection.Seed {
		// The seed the tenant used is saved, so a restart brings the same mystery back.
		c := s.st.Connection
		c.Seed = s.handout.Seed
		_ = s.connectLocked(c)
	}
	s.observeLocked(Note{Kind: "practice", Text: m.Scenario})
	return nil, true
}

// Handout is what the running practice tenant handed out (zero without one).
func (s *Session) Handout() (Handout, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.handout, s.practice != nil
}

// ---- fields ----

// ids are the tenant and app the checks use: typed, else handed out or saved.
func (s *Session) ids() (c steps.Connection) {
	c = s.st.Connection
	if c.Kind == steps.ConnPractice {
		c.TenantID, c.ClientID = s.handout.TenantID, s.handout.ClientID
		if s.typedTenant != "" {
			c.TenantID = s.typedTenant
		}
		if s.typedClient != "" {
			c.ClientID = s.typedClient
		}
		return c
	}
	if c.TenantID == "" {
		c.TenantID = s.opts.Given.TenantID
	}
	if c.ClientID == "" {
		c.ClientID = s.opts.Given.ClientID
	}
	return c
}

// Fields are a page's inputs that apply to the connection at hand, in the
// order the course declares them.
func (s *Session) Fields(p Page) []Field {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Field
	for _, name := range p.Fields {
		spec, ok := fieldTable[name]
		if !ok || !spec.shows(s) {
			continue
		}
		v := spec.get(s)
		f := Field{Name: name, Label: spec.label, Hint: spec.hint, Question: spec.question, Value: v, Secret: spec.secret, Choices: spec.choices}
		if spec.hintFor != nil {
			f.Hint = spec.hintFor(s)
		}
		if f.Question == "" {
			// A field without a question of its own is asked by its label and hint.
			f.Question = f.Label
			if f.Hint != "" {
				f.Question += " (" + f.Hint + ")"
			}
		}
		if spec.check != nil && v != "" {
			f.Problem = spec.check(v)
		} else if spec.check != nil && name != steps.FieldVault && name != steps.FieldPassword {
			f.Problem = spec.check(v)
		}
		if spec.secret {
			f.Value = Mask(v)
		}
		if name == steps.FieldClientSecret && s.secretTrimmed && f.Problem.Status == "" {
			f.Problem.Detail = "spaces around it removed"
		}
		out = append(out, f)
	}
	return out
}

// Value is a field's value as typed (a secret in clear: for a form being
// edited only, never to print).
func (s *Session) Value(name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if spec, ok := fieldTable[name]; ok {
		return spec.get(s)
	}
	return ""
}

// SetField stores a typed value: in the connection (saved) or, for a
// secret, in memory. A value the field cannot take is a *FieldError and
// changes nothing.
func (s *Session) SetField(name, v string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	spec, ok := fieldTable[name]
	if !ok {
		return &FieldError{Field: name, Reason: "there is no field " + name}
	}
	if !spec.secret {
		v = strings.TrimSpace(v)
		// A saved field never keeps a value its check refuses: it would be
		// saved, and a secret typed into the wrong field must not be.
		if spec.check != nil && v != "" {
			if p := spec.check(v); p.Status == azure.StatusFail {
				return &FieldError{Field: name, Reason: p.Detail}
			}
		}
	}
	c := s.st.Connection
	if err := spec.set(s, &c, v); err != nil {
		return err
	}
	if err := s.connectLocked(c); err != nil {
		return &FieldError{Field: name, Reason: Words(err)}
	}
	return nil
}

// ---- runs ----

// Page is the live side of the current screen; ok is false where there is none.
func (s *Session) Page() (Page, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pageLocked()
}

func (s *Session) pageLocked() (Page, bool) {
	cur, _ := s.mach.Current(s.st)
	return PageOf(s.mach, cur)
}

// readyLocked says why checks cannot run, nil when they can.
func (s *Session) readyLocked() error {
	switch s.st.Connection.Kind {
	case steps.ConnNone, steps.ConnOffline:
		return &NotReadyError{Why: "no tenant is connected: choose the practice tenant or your own"}
	case steps.ConnPractice:
		switch {
		case s.starting:
			return &NotReadyError{Why: "the practice tenant is still starting; try again in a moment"}
		case s.practice == nil:
			return &NotReadyError{Why: "the practice tenant is not running: start it again"}
		}
	}
	return nil
}

// config is the checks' configuration: the saved connection with the typed
// values, the compare password (typed, else the last one synced) and, right
// after a sync, the staleness it must beat.
func (s *Session) configLocked() azure.Config {
	c := s.ids()
	if c.SecretName == "" {
		c.SecretName = DefaultSecretName // what the secret-name field shows
	}
	cfg := Config(c, s.secret, s.practice, s.opts.Wiring.ExtraCA)
	cfg.Delinea = s.delineaLocked(&cfg)
	switch {
	case s.password != "":
		cfg.SetComparePassword(s.password)
	case s.syncedHash != nil:
		cfg.SetComparePasswordHash(*s.syncedHash)
	}
	if s.sync != nil && s.sync.OK() {
		cfg.StaleAfter = max(time.Minute, s.opts.Now().Sub(s.sync.Updated)+time.Minute)
	}
	if f := s.opts.Wiring.Configure; f != nil {
		f(&cfg)
	}
	return cfg
}

// azureLocked is the engine's session for the configuration, made again
// only when it changed (its token cache survives re-runs and a watch).
func (s *Session) azureLocked() (*azure.Session, error) {
	cfg := s.configLocked()
	key := fmt.Sprintf("%+v|%s|%s|%v|%s|%s", s.ids(), s.hashKey(s.secret), s.compareKey(), cfg.StaleAfter, cfg.SecretExpires, s.delineaKey(cfg.Delinea))
	if s.az != nil && key == s.azKey {
		return s.az, nil
	}
	a, err := azure.NewSession(cfg)
	if err != nil {
		return nil, err
	}
	s.az, s.azKey = a, key
	return a, nil
}

// hashKey stands for a secret in a cache key, never the secret itself.
func (s *Session) hashKey(v string) string {
	h := sha256.Sum256([]byte(v))
	return fmt.Sprintf("%x", h[:8])
}

func (s *Session) compareKey() string {
	switch {
	case s.password != "":
		return s.hashKey(s.password)
	case s.syncedHash != nil:
		return fmt.Sprintf("%x", s.syncedHash[:8])
	}
	return "-"
}

// Run runs the current page's checks; the run before is cancelled. The
// Job's Msgs arrive one per result, then Finished.
func (s *Session) Run() (Job, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.runLocked()
}

func (s *Session) runLocked() (Job, error) {
	p, ok := s.pageLocked()
	if !ok || !p.Check {
		return nil, &NotReadyError{Why: "this page has no checks"}
	}
	if err := s.readyLocked(); err != nil {
		return nil, err
	}
	a, err := s.azureLocked()
	if err != nil {
		s.runErr = err
		return nil, err
	}
	watching := s.watching
	s.cancelRunLocked()
	s.watching = watching
	s.attempt++
	attempt := s.attempt
	s.running, s.runIDs, s.runErr = true, p.IDs, nil
	for _, id := range p.IDs {
		delete(s.results, id)
	}
	timeout := s.opts.Wiring.RunTimeout
	if timeout <= 0 {
		timeout = DefaultRunTimeout
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	quit := make(chan struct{})
	s.cancel, s.quit = cancel, quit
	var azIDs, srcIDs []string
	for _, id := range p.IDs {
		if s.sourceOf(id) != nil {
			srcIDs = append(srcIDs, id)
		} else {
			azIDs = append(azIDs, id)
		}
	}
	in := Inputs{Connection: s.ids(), Field: s.fieldValue}
	page := map[string]bool{}
	for _, id := range p.IDs {
		page[id] = true
	}
	return func() Msg {
		ch := make(chan azure.Result)
		var rep *azure.Report
		// A run nobody reads any more (cancelled, replaced) stops sending.
		send := func(r azure.Result) {
			select {
			case ch <- r:
			case <-quit:
			}
		}
		go func() {
			defer close(ch)
			if len(azIDs) > 0 {
				rep = a.Run(ctx, azIDs, send)
			}
			for _, id := range srcIDs {
				if src := s.sourceOf(id); src != nil {
					src.Run(ctx, in, []string{id}, send)
				}
			}
		}()
		return s.nextResult(attempt, page, ch, func() *azure.Report { return rep }, cancel, ctx)()
	}, nil
}

func (s *Session) fieldValue(name string) string {
	if spec, ok := fieldTable[name]; ok {
		return spec.get(s)
	}
	return ""
}

func (s *Session) sourceOf(id string) Source {
	for _, src := range s.opts.Sources {
		if src.Owns(id) {
			return src
		}
	}
	return nil
}

func (s *Session) nextResult(attempt int, page map[string]bool, ch <-chan azure.Result, report func() *azure.Report, cancel context.CancelFunc, ctx context.Context) Job {
	return func() Msg {
		r, ok := <-ch
		if !ok {
			stopped := errors.Is(ctx.Err(), context.Canceled)
			cancel()
			return &Finished{attempt: attempt, report: report(), Cancelled: stopped}
		}
		row := pageRow(r)
		row.Needed = !page[r.ID]
		return &Arrived{attempt: attempt, res: r, Row: row, OnPage: page[r.ID],
			next: s.nextResult(attempt, page, ch, report, cancel, ctx)}
	}
}

func (s *Session) takeArrived(m *Arrived) (Job, bool) {
	if m.attempt != s.attempt || !s.running {
		return nil, false
	}
	r := m.res
	s.results[r.ID] = r
	if s.courseCheck(r.ID) {
		_, _ = s.applyLocked(steps.Event{Type: steps.EvCheckResult, ID: r.ID, Status: string(r.Status), Cause: r.Cause})
	}
	if exp, ok := ExpiryRead(r, s.st.Connection.SecretExpires); ok {
		c := s.st.Connection
		c.SecretExpires = &exp
		_ = s.connectLocked(c)
	}
	row := m.Row
	s.observeLocked(Note{Kind: "result", Row: &row})
	return m.next, true
}

func (s *Session) takeFinished(m *Finished) (Job, bool) {
	if m.attempt != s.attempt || !s.running {
		return nil, false
	}
	s.running, s.cancel = false, nil
	if m.report != nil {
		if _, ok := m.report.Result("arm.vaults"); ok {
			s.vaults, s.listed = m.report.Vaults, true
		}
	}
	m.Tally = TallyRows(s.rowsLocked(s.runIDs))
	if m.Cancelled {
		s.watching = false
	}
	var next Job
	if s.watching {
		if m.Tally.AllPassed() {
			s.watching = false
		} else {
			next = s.waitLocked()
		}
	}
	m.Watching = s.watching
	s.last = m
	return next, true
}

// waitLocked is the watch's pause before its next run.
func (s *Session) waitLocked() Job {
	s.watchN++
	n, stop, after := s.watchN, s.stop, s.opts.After
	s.watchDue = s.opts.Now().Add(WatchInterval)
	return func() Msg {
		select {
		case <-after(WatchInterval):
		case <-stop:
		}
		return &Tick{n: n}
	}
}

// Watch runs the page's checks now and again every WatchInterval until all
// pass, StopWatch or Cancel.
func (s *Session) Watch() (Job, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopWatchLocked()
	s.watching = true
	s.stop = make(chan struct{})
	j, err := s.runLocked()
	if err != nil {
		s.watching = false
	}
	return j, err
}

// StopWatch ends a watch; a run in progress finishes.
func (s *Session) StopWatch() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopWatchLocked()
}

func (s *Session) stopWatchLocked() {
	s.watching = false
	s.watchN++
	if s.stop != nil {
		close(s.stop)
		s.stop = nil
	}
}

// Cancel stops the run, the sync and the watch; their late Msgs are dropped.
func (s *Session) Cancel() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cancelLocked()
}

func (s *Session) cancelLocked() {
	s.cancelRunLocked()
	s.stopWatchLocked()
}

func (s *Session) cancelRunLocked() {
	if s.cancel != nil {
		s.cancel()
		s.cancel = nil
	}
	if s.quit != nil {
		close(s.quit)
		s.quit = nil
	}
	if s.running || s.syncing {
		s.attempt++
	}
	s.running, s.syncing = false, false
}

// Status is what is going on, for a status line and a countdown.
type Status struct {
	Running, Syncing, Watching bool
	Attempt                    int
	// NextRun is the watch's countdown to its next run (0 while running).
	NextRun time.Duration
	// Starting: the practice tenant is starting; StartErr: it did not.
	Starting bool
	StartErr error
	// RunErr: the last run could not start.
	RunErr error
	// Last is the last run's end (nil before one).
	Last *Finished
}

// Status reads what is going on now.
func (s *Session) Status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := Status{Running: s.running, Syncing: s.syncing, Watching: s.watching, Attempt: s.attempt,
		Starting: s.starting, StartErr: s.startErr, RunErr: s.runErr, Last: s.last}
	if s.watching && !s.running {
		st.NextRun = max(0, s.watchDue.Sub(s.opts.Now()))
	}
	return st
}

// Rows are the result rows of checks, derived from the saved state: a
// result this process saw, else the saved mark (Earlier), else not run.
func (s *Session) Rows(ids []string) []Row {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rowsLocked(ids)
}

func (s *Session) rowsLocked(ids []string) []Row {
	out := make([]Row, 0, len(ids))
	for _, id := range ids {
		mark, saved := s.st.Checks[id]
		res, seen := s.results[id]
		switch {
		case seen && (!saved || mark.Status == string(res.Status) && mark.Cause == res.Cause):
			out = append(out, pageRow(res))
		case saved:
			out = append(out, rowOfMark(id, mark))
		default:
			title := id
			if info, ok := azure.Lookup(id); ok {
				title = info.Title
			}
			out = append(out, Row{ID: id, Status: NotRun, Title: title})
		}
	}
	return out
}

// Vaults is what the last run's listing found (Delinea's dropdown); listed
// says a run listed them at all.
func (s *Session) Vaults() (vaults []azure.VaultInfo, listed bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.vaults, s.listed
}

// FilterVaults narrows a vault list by a query, case-insensitively, on
// name, resource group, subscription and location.
func FilterVaults(vs []azure.VaultInfo, q string) []azure.VaultInfo {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == "" {
		return vs
	}
	var out []azure.VaultInfo
	for _, v := range vs {
		if strings.Contains(strings.ToLower(v.Name+" "+v.ResourceGroup+" "+v.SubscriptionID+" "+v.Location), q) {
			out = append(out, v)
		}
	}
	return out
}

// ---- sync ----

// Sync does Delinea's Save in the practice tenant: the typed password is
// written to the mapped secret (a new version) with the app's own
// credentials. It happens only when the trainee picks it; ending an edit
// never syncs.
func (s *Session) Sync() (Job, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.pageLocked()
	switch {
	case !ok || !p.Sync:
		return nil, &NotReadyError{Why: "this page has no sync"}
	case s.st.Connection.Kind != steps.ConnPractice:
		return nil, &NotReadyError{Why: "the sync writes to the practice vault only; in your own tenant, save the secret in Delinea"}
	case s.password == "":
		return nil, &FieldError{Field: steps.FieldPassword, Reason: "type the Delinea password first (Delinea does not sync an empty password)"}
	}
	if err := s.readyLocked(); err != nil {
		return nil, err
	}
	a, err := s.azureLocked()
	if err != nil {
		return nil, err
	}
	s.cancelLocked()
	s.attempt++
	s.syncing = true
	attempt := s.attempt
	ctx, cancel := context.WithTimeout(context.Background(), DefaultRunTimeout)
	s.cancel = cancel
	c := s.st.Connection
	name := c.SecretName
	if name == "" {
		name = DefaultSecretName
	}
	var tags map[string]string
	if c.MapUsername && c.Username != "" {
		tags = map[string]string{"username": c.Username}
	}
	pw := s.password
	hash := sha256.Sum256([]byte(pw))
	return func() Msg {
		defer cancel()
		res := a.SyncSecret(ctx, name, pw, tags)
		return &Synced{attempt: attempt, res: res, hash: hash, Row: RowOf(res.Result), OK: res.OK()}
	}, nil
}

func (s *Session) takeSynced(m *Synced) (Job, bool) {
	if m.attempt != s.attempt || !s.syncing {
		return nil, false
	}
	s.syncing, s.cancel = false, nil
	h := m.hash
	s.syncedHash = &h // what Delinea holds now, synced or not
	res := m.res
	s.sync = &res
	row := m.Row
	s.observeLocked(Note{Kind: "sync", Row: &row})
	return nil, true
}

// SyncRow is the last sync's row (ok false before one).
func (s *Session) SyncRow() (Row, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sync == nil {
		return Row{}, false
	}
	return RowOf(s.sync.Result), true
}

// ---- practice actions ----

// CanAct says why practice actions are not offered, nil when they are.
func (s *Session) CanAct() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.practice == nil {
		return errNoPractice
	}
	return nil
}

var errNoPractice = &NotReadyError{Why: "practice actions work in the practice tenant only (kvbridge --sandbox, or choose it when asked where to check)"}

// Actions are the practice tenant's actions, those the current page asks
// for first, each with the tenant's state now. None without a practice tenant.
func (s *Session) Actions() []Action {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.practice == nil {
		return nil
	}
	p, _ := s.pageLocked()
	client, vault := s.targetLocked()
	look, lookErr := s.practice.Look(client, vault)
	var out []Action
	for _, spec := range Menu(p) {
		a := Action{ID: spec.ID, Title: spec.Title, Does: spec.Does, Near: slices.Contains(p.Practice, spec.ID)}
		if lookErr == nil {
			a.State = spec.state(look, s.handout)
		}
		out = append(out, a)
	}
	return out
}

// targetLocked is the app and vault a practice action works on: the client
// ID typed, else the tenant's own app, and the tenant's vault.
func (s *Session) targetLocked() (client, vault string) {
	client = strings.TrimSpace(s.typedClient)
	if client == "" {
		client = s.handout.ClientID
	}
	return client, s.handout.VaultName
}

// Act does a practice action. Its Msg says what was done; a new client
// secret becomes the checks' secret (memory only); on a check page the
// page's checks then run again (Take's next Job).
func (s *Session) Act(id string) (Job, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.practice == nil {
		return nil, errNoPractice
	}
	if _, ok := actionSpec(id); !ok {
		return nil, &RefusedError{Action: id, Reason: "there is no such practice action"}
	}
	p, gen := s.practice, s.gen
	client, vault := s.targetLocked()
	return func() Msg {
		out, err := p.Do(id, client, vault)
		if err != nil {
			return &Acted{gen: gen, action: id, Err: refused(id, err)}
		}
		text := out.Text
		if out.NewSecret != nil {
			text += " Its Value, " + Mask(out.NewSecret.Value) + ", is now the client secret the checks use (in memory only, never saved)."
		}
		return &Acted{gen: gen, action: id, out: out, Text: text}
	}, nil
}

func (s *Session) takeActed(m *Acted) (Job, bool) {
	if m.gen != s.gen || s.practice == nil {
		return nil, false
	}
	if m.Err != nil {
		return nil, true
	}
	if ns := m.out.NewSecret; ns != nil {
		s.secret, s.secretTrimmed = ns.Value, false
	}
	s.az = nil // the tenant changed: a fresh sign-in sees it
	s.observeLocked(Note{Kind: "action", Text: m.Text})
	if p, ok := s.pageLocked(); ok && p.Check && s.readyLocked() == nil {
		if j, err := s.runLocked(); err == nil {
			return j, true
		}
	}
	return nil, true
}

// ---- the client secret's expiry ----

// Expiry is the client secret's expiry as known (nil: not known), in words
// seen from now, and whether credential.expiry read it in Microsoft Graph.
func (s *Session) Expiry() (exp *time.Time, words string, read bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.st.Connection.SecretExpires
	if e == nil {
		return nil, "", false
	}
	t := *e
	r, ok := s.results["credential.expiry"]
	read = ok && r.Evidence.SecretExpires != nil && r.Cause != "unknown" && r.Evidence.SecretExpires.Equal(t)
	return &t, ExpiryWords(t, s.opts.Now()), read
}

// ExportReminder writes the expiry's calendar reminder into the first of
// dirs that takes it and returns its path.
func (s *Session) ExportReminder(dirs ...string) (string, error) {
	s.mu.Lock()
	e := s.st.Connection.SecretExpires
	ids := s.ids()
	now := s.opts.Now()
	s.mu.Unlock()
	if e == nil {
		return "", &FieldError{Field: steps.FieldSecretExpiry, Reason: "give the client secret's expiry first"}
	}
	return WriteReminderFor(*e, ids.TenantID, ids.ClientID, now, dirs...)
}

// Describe says where the checks run, in words.
func (s *Session) Describe() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.Connection.Describe()
}

// PracticeOf is the running practice tenant (nil without one), for tests
// and tools that act on it directly.
func PracticeOf(s *Session) Practice {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.practice
}
