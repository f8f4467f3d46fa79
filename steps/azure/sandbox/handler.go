package sandbox

import (
	"net"
	"net/http"
	"strings"
	"time"
)

type service int

const (
	svcEntra service = iota
	svcARM
	svcVault
	svcGraph
	svcDelinea // the practice Secret Server
)

func (s service) String() string {
	return [...]string{"entra", "arm", "vault", "graph", "delinea"}[s]
}

// statusWriter remembers the status for the request log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// handler serves one service (and, for a vault, one vault by name).
func (t *Tenant) handler(svc service, vaultName string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.dispatch(w, r, svc, vaultName)
	})
}

// byHost routes the Hostnames wiring's single listener by the Host header, as DNS
// would route real Azure.
func (t *Tenant) byHost() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := strings.ToLower(r.Host)
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		switch {
		case host == loginHost:
			t.dispatch(w, r, svcEntra, "")
		case host == armHost:
			t.dispatch(w, r, svcARM, "")
		case host == graphHost:
			t.dispatch(w, r, svcGraph, "")
		case host == dsHost:
			t.dispatch(w, r, svcDelinea, "")
		case strings.HasSuffix(host, "."+vaultZone) && !strings.Contains(strings.TrimSuffix(host, "."+vaultZone), "."):
			t.dispatch(w, r, svcVault, strings.TrimSuffix(host, "."+vaultZone))
		default:
			// A vault name that does not exist has no DNS record in Azure; the nearest
			// thing a server can say is that it does not serve this host.
			writeJSON(w, http.StatusMisdirectedRequest, map[string]any{"error": map[string]string{
				"code": "MisdirectedRequest", "message": "This practice tenant does not serve host '" + host + "'."}})
		}
	})
}

func (t *Tenant) dispatch(w http.ResponseWriter, r *http.Request, svc service, vaultName string) {
	start := t.now()
	if d := t.opts.Latency; d > 0 {
		select {
		case <-time.After(d):
		case <-r.Context().Done():
			return
		}
	}
	sw := &statusWriter{ResponseWriter: w}
	rec := RequestRecord{
		Time: start, Service: svc.String(), Method: r.Method, Host: r.Host, Path: r.URL.Path,
		APIVersion: r.URL.Query().Get("api-version"), Authenticated: r.Header.Get("Authorization") != "",
	}
	defer func() {
		if p := recover(); p != nil {
			// A bug, never an answer Azure would give; say so plainly.
			if sw.status == 0 {
				writeJSON(sw, http.StatusInternalServerError, map[string]any{"error": map[string]string{
					"code": "InternalServerError", "message": "The practice tenant failed to handle this request."}})
			}
		}
		rec.Status = sw.status
		t.record(rec)
	}()
	switch {
	case svc == svcEntra && (r.URL.Path == adminPrefix || strings.HasPrefix(r.URL.Path, adminPrefix+"/")):
		rec.Service = "admin"
		t.serveAdmin(sw, r)
	case svc == svcEntra:
		t.serveEntra(sw, r)
	case svc == svcARM:
		t.serveARM(sw, r)
	case svc == svcGraph:
		t.serveGraph(sw, r)
	case svc == svcDelinea:
		t.serveDelinea(sw, r)
	default:
		t.serveVault(sw, r, vaultName)
	}
}
