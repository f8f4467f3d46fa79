package sandbox

import "net/http"

// Handler serves the tenant as its Hostnames listener does, routing by the Host header,
// for a server that terminates TLS itself and serves many tenants on one listener (the
// trainer's room, which picks the tenant per request). Requests reach the same dispatch
// as over the tenant's own listener, admin API included. It is nil in Loopback wiring,
// whose services are told apart by port, not by host.
func (t *Tenant) Handler() http.Handler {
	if t.opts.Wiring != Hostnames {
		return nil
	}
	return t.byHost()
}

// ClientSecretIDs lists the IDs (never the values) of an app's client secrets, those a
// trainee made through practice actions included: the trainer's room expires them all
// when it breaks a seat's credential.
func (t *Tenant) ClientSecretIDs(clientID string) ([]string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	_, a, err := t.appLocked(clientID)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(a.Secrets))
	for _, s := range a.Secrets {
		ids = append(ids, s.KeyID)
	}
	return ids, nil
}
