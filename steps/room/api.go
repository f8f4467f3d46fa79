package room

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/kvbridge/kvbridge/steps/azure/sandbox"
	"github.com/kvbridge/kvbridge/steps/live"
)

// The room API's paths.
const (
	apiPrefix     = "/room/v1/"
	pathJoin      = apiPrefix + "join"
	pathSeat      = apiPrefix + "seat"
	pathProgress  = apiPrefix + "progress"
	pathLook      = apiPrefix + "seat/look"
	pathPractice  = apiPrefix + "seat/practice"
	trainerPrefix = apiPrefix + "trainer/"
)

// Body limits per endpoint.
const (
	maxJoinBytes    = 4 << 10
	maxTrainerBytes = 16 << 10
	maxAzureBytes   = 1 << 20
	maxNameRunes    = 40
)

// SeatInfo is what a seat's holder gets at join and rejoin: the seat, its token (at
// join only) and the practice tenant's handed-out values, as a trainee would have copied
// them from the portal. The scenario is not among them: it stays with the trainer.
type SeatInfo struct {
	Seat       int          `json:"seat"`
	Name       string       `json:"name"`
	Token      string       `json:"token,omitempty"`
	Generation int          `json:"generation"`
	Practice   PracticeInfo `json:"practice"`
}

// PracticeInfo are the seat tenant's handed-out values. Every one of them is a
// throwaway that works only against this seat's tenant in this room.
type PracticeInfo struct {
	TenantID       string `json:"tenant_id"`
	TenantDomain   string `json:"tenant_domain,omitempty"`
	ClientID       string `json:"client_id"`
	ClientSecret   string `json:"client_secret"`
	ClientSecretID string `json:"client_secret_id"`
	SubscriptionID string `json:"subscription_id"`
	ResourceGroup  string `json:"resource_group"`
	VaultName      string `json:"vault_name"`
	VaultID        string `json:"vault_id"`
	VaultURL       string `json:"vault_url"`
	SecretName     string `json:"secret_name"`
	SecretUsername string `json:"secret_username"`
	SecretValue    string `json:"secret_value"` // what Delinea holds, for the value comparison
}

// apiError is the room API's error body.
type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

func writeErr(w http.ResponseWriter, status int, code, msg string) {
	var e apiError
	e.Error.Code, e.Error.Message = code, msg
	writeJSON(w, status, e)
}

// ServeHTTP routes the room's one listener: Azure host names go to the seat's tenant,
// the rest is the room API. Every request's time is recorded.
func (r *Room) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	start := time.Now()
	defer func() { r.lat.add(time.Since(start)) }()
	if isAzureHost(host(req)) {
		r.serveSeatTraffic(w, req)
		return
	}
	switch {
	case req.URL.Path == pathJoin:
		r.serveJoin(w, req)
	case req.URL.Path == pathSeat:
		r.serveSeat(w, req)
	case req.URL.Path == pathProgress:
		r.serveProgress(w, req)
	case req.URL.Path == pathLook:
		r.serveLook(w, req)
	case req.URL.Path == pathPractice:
		r.servePractice(w, req)
	case strings.HasPrefix(req.URL.Path, trainerPrefix):
		r.serveTrainer(w, req)
	default:
		writeErr(w, http.StatusNotFound, "NotFound", "This is a kvbridge room; trainees join it with: kvbridge join JOIN-STRING")
	}
}

func host(req *http.Request) string {
	h := strings.ToLower(req.Host)
	if hh, _, err := net.SplitHostPort(h); err == nil {
		return hh
	}
	return h
}

func isAzureHost(h string) bool {
	for _, a := range azureHosts {
		if a == h || (strings.HasPrefix(a, "*.") && strings.HasSuffix(h, a[1:])) {
			return true
		}
	}
	return false
}

func clientAddr(req *http.Request) string {
	if h, _, err := net.SplitHostPort(req.RemoteAddr); err == nil {
		return h
	}
	return req.RemoteAddr
}

// limited answers 429 when the client has used up its wrong tries.
func (r *Room) limited(w http.ResponseWriter, req *http.Request) bool {
	if wait := r.limiter.blocked(clientAddr(req), r.now()); wait > 0 {
		secs := int(wait/time.Second) + 1
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		writeErr(w, http.StatusTooManyRequests, "TooManyAttempts", fmt.Sprintf("Too many wrong codes or keys from this address; try again in %d s.", secs))
		return true
	}
	return false
}

func decodeBody(w http.ResponseWriter, req *http.Request, limit int64, v any) bool {
	if req.Method != http.MethodPost {
		writeErr(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "Use POST with a JSON body.")
		return false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, limit))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		writeErr(w, http.StatusRequestEntityTooLarge, "TooLarge", fmt.Sprintf("The message is larger than %d bytes.", limit))
		return false
	}
	if err != nil {
		writeErr(w, http.StatusBadRequest, "BadRequest", "The message could not be read.")
		return false
	}
	if err := json.Unmarshal(body, v); err != nil {
		writeErr(w, http.StatusBadRequest, "BadRequest", "The message is not the JSON this endpoint takes.")
		return false
	}
	return true
}

// cleanName checks a trainee's name: shown on the trainer's screen, so printable and short.
func cleanName(s string) (string, error) {
	s = strings.Join(strings.Fields(s), " ")
	if !utf8.ValidString(s) {
		return "", errors.New("the name is not UTF-8")
	}
	if utf8.RuneCountInString(s) > maxNameRunes {
		return "", fmt.Errorf("the name is longer than %d characters", maxNameRunes)
	}
	for _, c := range s {
		if !unicode.IsPrint(c) {
			return "", errors.New("the name holds a character that cannot be shown")
		}
	}
	return s, nil
}

type joinRequest struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

func (r *Room) serveJoin(w http.ResponseWriter, req *http.Request) {
	if r.limited(w, req) {
		return
	}
	var jr joinRequest
	if !decodeBody(w, req, maxJoinBytes, &jr) {
		return
	}
	code, err := normCode(jr.Code)
	if err != nil || subtle.ConstantTimeCompare([]byte(code), []byte(r.st.Code)) != 1 {
		r.limiter.failed(clientAddr(req), r.now())
		writeErr(w, http.StatusForbidden, "WrongCode", "This join code is not this room's: copy the join string again from the trainer.")
		return
	}
	name, err := cleanName(jr.Name)
	if err != nil {
		writeErr(w, http.StatusBadRequest, "BadName", err.Error()+": choose another with --name.")
		return
	}
	tok := randomKey(32)
	r.mu.Lock()
	var free *seatRT
	for _, s := range r.seats {
		if name != "" && s.hash != nil && strings.EqualFold(s.st.Name, name) {
			r.mu.Unlock()
			writeErr(w, http.StatusConflict, "NameTaken", fmt.Sprintf("Someone in this room already joined as %q: choose another name with --name (a seat you joined before is rejoined with its token, which your kvbridge keeps).", name))
			return
		}
		if free == nil && s.hash == nil {
			free = s
		}
	}
	if free == nil {
		r.mu.Unlock()
		writeErr(w, http.StatusConflict, "RoomFull", fmt.Sprintf("All %d seats are taken; ask the trainer for a seat (a reset seat frees nothing: the trainer restarts the room with more seats).", len(r.seats)))
		return
	}
	if name == "" {
		name = fmt.Sprintf("seat %d", free.st.Seat)
	}
	now := r.now()
	free.mu.Lock()
	r.tokMu.Lock()
	free.hash = hashToken(tok)
	r.tokMu.Unlock()
	free.st.TokenHash = fmt.Sprintf("%x", free.hash)
	free.st.Name, free.st.Joined, free.st.LastActivity = name, now.UTC(), now.UTC()
	info := seatInfoLocked(free)
	gen := r.bump(free)
	free.mu.Unlock()
	r.mu.Unlock()
	if err := r.saver.changed(gen, true); err != nil {
		writeErr(w, http.StatusInternalServerError, "StateNotSaved", "The room could not save its state; tell the trainer.")
		return
	}
	info.Token = tok
	writeJSON(w, http.StatusOK, info)
}

// seatInfoLocked is the seat's SeatInfo (s.mu held).
func seatInfoLocked(s *seatRT) SeatInfo {
	in := s.tenant.Info()
	vaultURL := ""
	if len(in.VaultURLs) > 0 {
		vaultURL = in.VaultURLs[0]
	}
	return SeatInfo{Seat: s.st.Seat, Name: s.st.Name, Generation: s.st.Generation, Practice: PracticeInfo{
		TenantID: in.TenantID, TenantDomain: in.TenantDomain, ClientID: in.ClientID, ClientSecret: in.ClientSecret,
		ClientSecretID: in.ClientSecretID, SubscriptionID: in.SubscriptionID, ResourceGroup: in.ResourceGroup,
		VaultName: in.VaultName, VaultID: in.VaultID, VaultURL: vaultURL, SecretName: in.SecretName,
		SecretUsername: in.SecretUsername, SecretValue: in.SecretValue,
	}}
}

// seatFor authenticates a seat's bearer token (Authorization: Bearer).
func (r *Room) seatFor(w http.ResponseWriter, req *http.Request, tok string) *seatRT {
	if r.limited(w, req) {
		return nil
	}
	s := r.seatByToken(tok)
	if s == nil {
		r.limiter.failed(clientAddr(req), r.now())
		writeErr(w, http.StatusUnauthorized, "UnknownSeat", "This seat token is not this room's: join again with the join string.")
	}
	return s
}

func bearer(req *http.Request) string {
	a := req.Header.Get("Authorization")
	if len(a) > 7 && strings.EqualFold(a[:7], "bearer ") {
		return strings.TrimSpace(a[7:])
	}
	return ""
}

func (r *Room) serveSeat(w http.ResponseWriter, req *http.Request) {
	s := r.seatFor(w, req, bearer(req))
	if s == nil {
		return
	}
	s.mu.Lock()
	info := seatInfoLocked(s)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, info)
}

// ProgressAck answers a progress report: the seat's generation, which a reset bumps
// (the trainee's kvbridge then fetches the seat's new values).
type ProgressAck struct {
	Generation int `json:"generation"`
}

func (r *Room) serveProgress(w http.ResponseWriter, req *http.Request) {
	s := r.seatFor(w, req, bearer(req))
	if s == nil {
		return
	}
	var p Progress
	if !decodeBody(w, req, maxProgressBytes, &p) {
		return
	}
	if err := p.Validate(); err != nil {
		writeErr(w, http.StatusBadRequest, "BadProgress", "The progress report was refused: "+err.Error()+".")
		return
	}
	s.mu.Lock()
	now := r.now()
	s.st.Progress.apply(&p, now)
	s.st.LastActivity = now.UTC()
	ack := ProgressAck{Generation: s.st.Generation}
	gen := r.bump(s)
	s.mu.Unlock()
	_ = r.saver.changed(gen, false)
	writeJSON(w, http.StatusOK, ack)
}

// serveSeatTraffic hands a request for an Azure host to the seat's practice tenant. The
// admin API (practice actions) is open to the seat for actions only: reading the
// tenant's state or answer key stays with the trainer.
func (r *Room) serveSeatTraffic(w http.ResponseWriter, req *http.Request) {
	s := r.seatFor(w, req, req.Header.Get(SeatHeader))
	if s == nil {
		return
	}
	req.Header.Del(SeatHeader)
	req.Body = http.MaxBytesReader(w, req.Body, maxAzureBytes)
	admin := strings.HasPrefix(req.URL.Path, "/_sandbox/")
	if admin {
		if req.Method != http.MethodPost {
			writeErr(w, http.StatusForbidden, "TrainerOnly", "A seat may run practice actions, not read its tenant's state or answer key.")
			return
		}
		s.mu.Lock()
		key := s.tenant.Info().AdminKey
		s.mu.Unlock()
		req.Header.Set("X-Sandbox-Admin-Key", key)
	}
	s.mu.Lock()
	h := s.handler // a reset replaces it
	s.mu.Unlock()
	h.ServeHTTP(w, req)
	if !admin && (req.Method == http.MethodGet || strings.HasPrefix(host(req), "login.")) {
		return // reads and sign-ins change nothing worth a save
	}
	s.mu.Lock()
	s.dirty = true
	s.st.LastActivity = r.now().UTC()
	gen := r.bump(s)
	s.mu.Unlock()
	_ = r.saver.changed(gen, admin)
}

// trainerRequest is the body of the trainer's actions.
type trainerRequest struct {
	Seat   int             `json:"seat"`
	Action string          `json:"action,omitempty"`
	Params json.RawMessage `json:"params,omitempty"`
}

func (r *Room) serveTrainer(w http.ResponseWriter, req *http.Request) {
	if r.limited(w, req) {
		return
	}
	if subtle.ConstantTimeCompare([]byte(bearer(req)), []byte(r.st.TrainerKey)) != 1 {
		r.limiter.failed(clientAddr(req), r.now())
		writeErr(w, http.StatusUnauthorized, "TrainerKeyRequired", "The trainer key is missing or not this room's: give the one kvbridge room serve printed (--trainer-key).")
		return
	}
	what := strings.TrimPrefix(req.URL.Path, trainerPrefix)
	switch what {
	case "seats":
		writeJSON(w, http.StatusOK, r.Seats())
		return
	case "report":
		rep := r.Report()
		if req.URL.Query().Get("format") == "csv" {
			w.Header().Set("Content-Type", "text/csv; charset=utf-8")
			_ = rep.WriteCSV(w)
			return
		}
		writeJSON(w, http.StatusOK, rep)
		return
	case "stats":
		writeJSON(w, http.StatusOK, r.Stats())
		return
	case "breaks":
		writeJSON(w, http.StatusOK, Breaks())
		return
	}
	var tr trainerRequest
	if !decodeBody(w, req, maxTrainerBytes, &tr) {
		return
	}
	var (
		out any
		err error
	)
	switch what {
	case "reveal":
		out, err = r.Reveal(tr.Seat)
	case "break":
		var text string
		text, err = r.Break(tr.Seat, tr.Action, tr.Params)
		out = map[string]string{"text": text}
	case "reset":
		err = r.Reset(tr.Seat)
		out = map[string]bool{"ok": true}
	default:
		writeErr(w, http.StatusNotFound, "NotFound", "No trainer endpoint '"+what+"'.")
		return
	}
	if err != nil {
		writeErr(w, http.StatusBadRequest, "Refused", err.Error())
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// PracticeRequest is a practice action a seat asks of its own tenant: one of the live
// session's actions (live.Actions' IDs), for the app and vault the trainee works on.
type PracticeRequest struct {
	Action   string `json:"action"`
	ClientID string `json:"client_id"`
	Vault    string `json:"vault"`
}

// PracticeAnswer is what the action did. NewSecret carries a new client secret's value
// to the seat that made it (its own practice tenant's, over the room's TLS), once.
type PracticeAnswer struct {
	Text      string          `json:"text"`
	NewSecret *live.NewSecret `json:"new_secret,omitempty"`
	Refused   string          `json:"refused,omitempty"` // as the portal would say it
}

// servePractice runs a practice action on the seat's tenant with the live session's
// own actions, so a seat's menu does what the in-process practice tenant does.
func (r *Room) servePractice(w http.ResponseWriter, req *http.Request) {
	s := r.seatFor(w, req, bearer(req))
	if s == nil {
		return
	}
	var pr PracticeRequest
	if !decodeBody(w, req, maxJoinBytes, &pr) {
		return
	}
	s.mu.Lock()
	out, err := live.Local(s.tenant).Do(pr.Action, pr.ClientID, pr.Vault)
	var ans PracticeAnswer
	if err != nil {
		ans.Refused = strings.TrimPrefix(err.Error(), "sandbox: ")
		var ref *sandbox.Refusal
		if errors.As(err, &ref) {
			ans.Refused = ref.Reason
		}
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, ans)
		return
	}
	ans.Text, ans.NewSecret = out.Text, out.NewSecret
	s.dirty = true
	s.st.LastActivity = r.now().UTC()
	gen := r.bump(s)
	s.mu.Unlock()
	if err := r.saver.changed(gen, true); err != nil {
		writeErr(w, http.StatusInternalServerError, "StateNotSaved", "The room could not save its state; tell the trainer.")
		return
	}
	writeJSON(w, http.StatusOK, ans)
}

// serveLook reads the seat's tenant as the practice menu shows it (roles on the vault,
// its settings).
func (r *Room) serveLook(w http.ResponseWriter, req *http.Request) {
	s := r.seatFor(w, req, bearer(req))
	if s == nil {
		return
	}
	q := req.URL.Query()
	s.mu.Lock()
	l, err := s.tenant.Look(q.Get("client_id"), q.Get("vault"))
	s.mu.Unlock()
	if err != nil {
		writeErr(w, http.StatusBadRequest, "LookRefused", strings.TrimPrefix(err.Error(), "sandbox: "))
		return
	}
	writeJSON(w, http.StatusOK, l)
}
