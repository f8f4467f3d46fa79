package room

import (
	"sync"
	"time"
)

// limiter slows down guessing: each client address may get a few wrong join codes or
// tokens, then must wait. Right answers cost nothing, so a room full of trainees behind
// one NAT address is never slowed down by its own joins.
type limiter struct {
	mu      sync.Mutex
	burst   float64
	every   time.Duration // one more wrong try allowed per interval
	clients map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

const maxTrackedClients = 4096

func newLimiter(burst int, every time.Duration) *limiter {
	return &limiter{burst: float64(burst), every: every, clients: map[string]*bucket{}}
}

func (l *limiter) refill(b *bucket, now time.Time) {
	b.tokens += float64(now.Sub(b.at)) / float64(l.every)
	if b.tokens > l.burst {
		b.tokens = l.burst
	}
	b.at = now
}

// blocked reports how long the client must wait before its next try (0: may try).
func (l *limiter) blocked(client string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.clients[client]
	if b == nil {
		return 0
	}
	l.refill(b, now)
	if b.tokens >= 1 {
		return 0
	}
	return time.Duration((1 - b.tokens) * float64(l.every))
}

// failed charges a wrong try.
func (l *limiter) failed(client string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.clients[client]
	if b == nil {
		if len(l.clients) >= maxTrackedClients {
			for k, old := range l.clients { // forget the ones that have recovered
				if l.refill(old, now); old.tokens >= l.burst {
					delete(l.clients, k)
				}
			}
		}
		b = &bucket{tokens: l.burst, at: now}
		l.clients[client] = b
	}
	l.refill(b, now)
	b.tokens--
}
