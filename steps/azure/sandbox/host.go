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
