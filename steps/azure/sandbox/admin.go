package sandbox

import "net/http"

const adminPrefix = "/_sandbox"

func (t *Tenant) serveAdmin(w http.ResponseWriter, r *http.Request) {
	armError(w, http.StatusNotFound, "NotFound", "not yet")
}
