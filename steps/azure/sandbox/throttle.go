package sandbox

import (
	"net/http"
	"strings"
)

// The throttled scenario refuses the first call of each distinct method and path with
// 429, once; the retry goes through. Concurrent callers cannot make a retry land on
// another refusal, so a client that retries once always succeeds.
//
// Azure sends Retry-After in seconds. azcore honours retry-after-ms first and gives up
// without retrying when the delay exceeds RetryOptions.MaxRetryDelay, so the tenant
// also sends retry-after-ms: 5, small enough for a client capped at 10 ms. Plain HTTP
// clients see Retry-After: 1.
const throttleRetryAfterMS = "5"

// throttled reports whether this call is refused, and answers it when so.
func (t *Tenant) throttled(w http.ResponseWriter, r *http.Request, svc service) bool {
	key := svc.String() + " " + r.Method + " " + strings.ToLower(r.URL.Path)
	t.mu.Lock()
	hit := t.m.Throttle && !t.seen[key]
	if len(t.seen) > 10000 { // a long session forgets, and is throttled afresh
		clear(t.seen)
	}
	if hit {
		t.seen[key] = true
	}
	t.mu.Unlock()
	if !hit {
		return false
	}
	w.Header().Set("Retry-After", "1")
	w.Header().Set("retry-after-ms", throttleRetryAfterMS)
	if svc == svcVault {
		kvError(w, http.StatusTooManyRequests, "Throttled",
			"Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached", "")
		return true
	}
	code := "TenantRequestsThrottled"
	if strings.HasPrefix(strings.ToLower(r.URL.Path), "/subscriptions/") {
		code = "SubscriptionRequestsThrottled"
	}
	armError(w, http.StatusTooManyRequests, code,
		"Number of 'read' requests exceeded the limit for this practice tenant. Please try after '1' seconds.")
	return true
}
