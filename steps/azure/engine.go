package azure

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"time"
)

// Status is how a check ended.
type Status string

const (
	StatusPass Status = "pass"
	StatusWarn Status = "warn"
	StatusFail Status = "fail"
	StatusSkip Status = "skip" // not run: BlockedBy names the check that stopped it, or Detail says what was not asked
)

// Result is one check's outcome. It is what the TUI, the plain mode and doctor show; it
// never holds the client secret (the engine scrubs every string before emitting it).
//
// JSON: {"id","status","cause","title","detail","blocked_by","evidence":{…},"fix":{…},"duration_ms"}.
type Result struct {
	ID        string        `json:"id"`
	Status    Status        `json:"status"`
	Cause     string        `json:"cause"`      // "" on pass; a catalogue cause, timeout or unreachable otherwise
	Title     string        `json:"title"`      // one line, what was found
	Detail    string        `json:"detail"`     // plain words: what it means and why
	BlockedBy string        `json:"blocked_by"` // on skip: the check that did not pass
	Evidence  Evidence      `json:"evidence"`
	Fix       *Fix          `json:"fix"` // nil when there is nothing to do
	Duration  time.Duration `json:"-"`
}

// MarshalJSON adds duration_ms.
func (r Result) MarshalJSON() ([]byte, error) {
	type plain Result
	return json.Marshal(struct {
		plain
		DurationMS int64 `json:"duration_ms"`
	}{plain(r), r.Duration.Milliseconds()})
}

// Evidence is what a result rests on: codes and IDs read from the responses, and the
// objects involved. Every field is optional (omitted from JSON when empty).
type Evidence struct {
	HTTPStatus    int    `json:"http_status,omitempty"`
	AADSTS        int    `json:"aadsts,omitempty"`         // Entra error_codes[0]
	EntraError    string `json:"entra_error,omitempty"`    // Entra "error", e.g. invalid_client
	TraceID       string `json:"trace_id,omitempty"`       // Entra trace ID
	CorrelationID string `json:"correlation_id,omitempty"` // Entra correlation ID
	RequestID     string `json:"request_id,omitempty"`     // x-ms-request-id (ARM, Key Vault)
	ErrorCode     string `json:"error_code,omitempty"`     // ARM/Key Vault error.code
	InnerCode     string `json:"inner_code,omitempty"`     // Key Vault error.innererror.code
	Action        string `json:"action,omitempty"`         // the denied or missing action
	Scope         string `json:"scope,omitempty"`          // the scope or resource concerned
	Vault         string `json:"vault,omitempty"`          // vault name
	VaultURL      string `json:"vault_url,omitempty"`
	VaultID       string `json:"vault_id,omitempty"` // ARM resource ID
	ClientIP      string `json:"client_ip,omitempty"`

	TokenTenant  string     `json:"token_tenant,omitempty"` // tid of the token
	AppID        string     `json:"app_id,omitempty"`       // appid of the token
	ObjectID     string     `json:"object_id,omitempty"`    // oid: the service principal
	TokenExpires *time.Time `json:"token_expires,omitempty"`

	Subscriptions int        `json:"subscriptions,omitempty"`  // how many were visible
	VaultsListed  int        `json:"vaults_listed,omitempty"`  // how many vaults the listing returned
	DataActions   []string   `json:"data_actions,omitempty"`   // effective data actions (permissions API)
	Actions       []string   `json:"actions,omitempty"`        // effective control-plane actions
	AccessPolicy  []string   `json:"access_policy,omitempty"`  // the app's secret permissions in the vault's access policies
	SecretUpdated *time.Time `json:"secret_updated,omitempty"` // mapping.secret
	SecretExpires *time.Time `json:"secret_expires,omitempty"` // credential.expiry
	DeletedDate   *time.Time `json:"deleted_date,omitempty"`   // a soft-deleted secret
	PurgeDate     *time.Time `json:"purge_date,omitempty"`     // its scheduled purge
	Note          string     `json:"note,omitempty"`           // anything else worth keeping

	// Delinea: the secret read and its template, the field concerned, and whether an
	// Azure check ran with the credentials as Delinea holds them ("delinea") or with
	// typed ones in place of an unusable credential secret ("typed").
	DelineaSecretID int    `json:"delinea_secret_id,omitempty"`
	DelineaTemplate string `json:"delinea_template,omitempty"`
	Field           string `json:"field,omitempty"`
	Credentials     string `json:"credentials,omitempty"`
}

// checkDef is one check of the DAG.
type checkDef struct {
	id    string
	needs []string // hard: when one of these does not pass (fail or skip), this check is skipped
	after []string // soft: wait for these, then run whatever they ended with
	run   func(ctx context.Context, rs *runState) Result
}

// Report is the whole run: results in catalogue order, and the vault list as Delinea's
// dropdown would show it.
type Report struct {
	Results []Result    `json:"checks"`
	Vaults  []VaultInfo `json:"vaults"`
}

// OK reports whether no check failed.
func (r *Report) OK() bool {
	for _, x := range r.Results {
		if x.Status == StatusFail {
			return false
		}
	}
	return true
}

// Result returns the result of a check by ID.
func (r *Report) Result(id string) (Result, bool) {
	for _, x := range r.Results {
		if x.ID == id {
			return x, true
		}
	}
	return Result{}, false
}

// closure returns the checks to run for the requested IDs: those and everything they
// wait for, in catalogue order. No IDs means all.
func closure(ids []string) []*checkDef {
	want := map[string]bool{}
	var add func(id string)
	add = func(id string) {
		if want[id] {
			return
		}
		d := defByID(id)
		if d == nil {
			return
		}
		want[id] = true
		for _, n := range d.needs {
			add(n)
		}
		for _, n := range d.after {
			add(n)
		}
	}
	if len(ids) == 0 {
		for _, d := range checkDefs {
			add(d.id)
		}
	}
	for _, id := range ids {
		add(id)
	}
	var out []*checkDef
	for _, d := range checkDefs {
		if want[d.id] {
			out = append(out, d)
		}
	}
	return out
}

func defByID(id string) *checkDef {
	for _, d := range checkDefs {
		if d.id == id {
			return d
		}
	}
	return nil
}

// Depth returns the number of levels of the check DAG (the longest chain of checks,
// counted in checks, needs and after edges alike).
func Depth() int {
	memo := map[string]int{}
	var depth func(d *checkDef) int
	depth = func(d *checkDef) int {
		if v, ok := memo[d.id]; ok {
			return v
		}
		m := 0
		for _, n := range append(append([]string{}, d.needs...), d.after...) {
			if p := defByID(n); p != nil {
				m = max(m, depth(p))
			}
		}
		memo[d.id] = m + 1
		return m + 1
	}
	best := 0
	for _, d := range checkDefs {
		best = max(best, depth(d))
	}
	return best
}

// Dependencies returns a check's hard and soft prerequisites (for docs and the TUI).
func Dependencies(id string) (needs, after []string) {
	if d := defByID(id); d != nil {
		return append([]string(nil), d.needs...), append([]string(nil), d.after...)
	}
	return nil, nil
}

type doneMsg struct {
	id  string
	res Result
}

// Run runs the requested checks (none: all) and the checks they depend on, and calls
// emit with each result as it completes, from one goroutine at a time (emit needs no
// locking, but should return quickly). Independent checks run at the same time, at most
// Config.Concurrency at once, each within Config.CheckTimeout. Cancelling ctx ends the
// run promptly: checks still pending or running are emitted as skipped ("cancelled"),
// and Run returns without waiting for SDK calls to unwind.
//
// With Config.Delinea, the reads from Secret Server start first (sign-in, then the
// credential secret, its template and the mapped secret in parallel); when the
// credential secret's values are usable, the Azure checks run with them on a session of
// their own (kept for re-runs), and the typed values are only compared.
func (s *Session) Run(ctx context.Context, ids []string, emit func(Result)) *Report {
	if emit == nil {
		emit = func(Result) {}
	}
	defs := closure(ids)
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	dl := s.startDelinea(runCtx, defs)
	target, src := s, credTyped
	if dl != nil && dl.readsCredential && wantsAzure(defs) {
		target, src = s.credentialTarget(runCtx, dl)
	}
	return target.run(ctx, runCtx, defs, emit, dl, src, typedValues{s.cfg.TenantID, s.cfg.ClientID, s.secret})
}

// typedValues are the credentials typed besides a credential secret, for comparison.
type typedValues struct{ tenant, client, secret string }

func wantsAzure(defs []*checkDef) bool {
	for _, d := range defs {
		if !strings.HasPrefix(d.id, "delinea.") {
			return true
		}
	}
	return false
}

func (s *Session) run(ctx, runCtx context.Context, defs []*checkDef, emit func(Result), dl *delineaRun, src credSource, typed typedValues) *Report {
	rs := newRunState(runCtx, s)
	rs.dl, rs.credSrc, rs.typed = dl, src, typed

	results := map[string]Result{}
	running := map[string]bool{}
	done := make(chan doneMsg, len(defs))
	slots := s.cfg.Concurrency
	if slots <= 0 {
		slots = 4
	}
	finish := func(r Result) {
		r = markSource(dl.redact(s.scrub(r)), src)
		results[r.ID] = r
		rs.setResult(r)
		emit(r)
	}
	for len(results) < len(defs) {
		progressed := false
		for _, d := range defs {
			if _, ok := results[d.id]; ok || running[d.id] {
				continue
			}
			ready, blocker := true, ""
			for _, n := range append(append([]string{}, d.needs...), d.after...) {
				r, ok := results[n]
				if !ok {
					if defByIDIn(defs, n) {
						ready = false
					}
					continue
				}
				if blocker == "" && containsStr(d.needs, n) && (r.Status == StatusFail || r.Status == StatusSkip) {
					blocker = n
				}
			}
			if !ready {
				continue
			}
			if blocker != "" {
				finish(skipResult(d.id, results[blocker]))
				progressed = true
				continue
			}
			if len(running) >= slots {
				continue
			}
			running[d.id] = true
			progressed = true
			go s.runOne(runCtx, rs, d, done)
		}
		if progressed {
			continue
		}
		if len(running) == 0 {
			break // nothing can make progress (cannot happen with a well-formed DAG)
		}
		select {
		case m := <-done:
			delete(running, m.id)
			finish(m.res)
		case <-ctx.Done():
			for _, d := range defs {
				if _, ok := results[d.id]; !ok {
					finish(Result{ID: d.id, Status: StatusSkip, Title: "Cancelled", Detail: "The run was cancelled before this check finished."})
				}
			}
		}
	}
	rep := &Report{Vaults: rs.vaultList()}
	for _, d := range defs {
		rep.Results = append(rep.Results, results[d.id])
	}
	return rep
}

// Start is Run as a channel, for UIs that receive messages: each result arrives as it
// completes; the channel is closed after the last one, and the report is then available
// from the returned function.
func (s *Session) Start(ctx context.Context, ids []string) (<-chan Result, func() *Report) {
	ch := make(chan Result, len(checkDefs))
	var rep *Report
	fin := make(chan struct{})
	go func() {
		defer close(fin)
		defer close(ch)
		rep = s.Run(ctx, ids, func(r Result) { ch <- r })
	}()
	return ch, func() *Report { <-fin; return rep }
}

// runOne runs a check within its own timeout. A check that ignores its context is cut
// off shortly after the deadline and reported as a timeout.
func (s *Session) runOne(runCtx context.Context, rs *runState, d *checkDef, done chan<- doneMsg) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(runCtx, s.checkTimeout())
	defer cancel()
	out := make(chan Result, 1)
	if r, ok := rs.blockedByDelinea(d.id); ok {
		out <- r
	}
	go func() {
		if len(out) > 0 {
			return
		}
		defer func() {
			if p := recover(); p != nil {
				out <- Result{ID: d.id, Status: StatusFail, Cause: "internal", Title: "The check itself failed", Detail: "kvbridge hit a bug running this check; please report it."}
			}
		}()
		out <- d.run(ctx, rs)
	}()
	var r Result
	select {
	case r = <-out:
	case <-ctx.Done():
		select {
		case r = <-out:
		case <-time.After(50 * time.Millisecond):
			r = timeoutResult(d.id, s.checkTimeout())
		}
	}
	r.ID = d.id
	r.Duration = time.Since(start)
	done <- doneMsg{d.id, r}
}

func (s *Session) checkTimeout() time.Duration {
	if s.cfg.CheckTimeout > 0 {
		return s.cfg.CheckTimeout
	}
	return DefaultCheckTimeout
}

func timeoutResult(id string, d time.Duration) Result {
	return Result{ID: id, Status: StatusFail, Cause: CauseTimeout, Title: "No answer in time",
		Detail: "The service did not answer within " + d.String() + ". A proxy or firewall may be holding the connection, or the service is slow; try again, or raise --timeout."}
}

func skipResult(id string, blocker Result) Result {
	why := "was skipped"
	switch {
	case blocker.Cause != "":
		why = "ended " + string(blocker.Status) + " (" + blocker.Cause + ")"
	case blocker.Status != StatusSkip:
		why = "ended " + string(blocker.Status)
	}
	return Result{ID: id, Status: StatusSkip, BlockedBy: blocker.ID,
		Title:  "Not run: " + blocker.ID + " did not pass",
		Detail: "This check needs " + blocker.ID + ", which " + why + "."}
}

func defByIDIn(defs []*checkDef, id string) bool {
	for _, d := range defs {
		if d.id == id {
			return true
		}
	}
	return false
}

func containsStr(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// future is a value computed once, in its own goroutine, by whichever check needs it
// first; others wait for it. Futures never wait for checks, so they cannot deadlock the
// bounded pool.
type future[T any] struct {
	once sync.Once
	done chan struct{}
	v    T
}

func newFuture[T any]() *future[T] { return &future[T]{done: make(chan struct{})} }

// start runs fn in a goroutine the first time it is called.
func (f *future[T]) start(fn func() T) {
	f.once.Do(func() {
		go func() {
			defer close(f.done)
			f.v = fn()
		}()
	})
}

// wait returns the value, or false when ctx ends first.
func (f *future[T]) wait(ctx context.Context) (T, bool) {
	select {
	case <-f.done:
		return f.v, true
	case <-ctx.Done():
		var zero T
		return zero, false
	}
}
