package room

import (
	"runtime"
	"sync"
	"time"
)

// latencies is a histogram of the server's time per request, in 50 µs buckets up to
// 200 ms (the rest in the last bucket): cheap to record, exact enough for a p99.
type latencies struct {
	mu      sync.Mutex
	buckets [4001]uint32
	n       uint64
	max     time.Duration
}

const bucketWidth = 50 * time.Microsecond

func (l *latencies) add(d time.Duration) {
	i := int(d / bucketWidth)
	if i >= len(l.buckets) {
		i = len(l.buckets) - 1
	}
	l.mu.Lock()
	l.buckets[i]++
	l.n++
	if d > l.max {
		l.max = d
	}
	l.mu.Unlock()
}

// quantile is the upper edge of the bucket holding quantile q.
func (l *latencies) quantile(q float64) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.n == 0 {
		return 0
	}
	want := uint64(q*float64(l.n) + 0.5)
	if want == 0 {
		want = 1
	}
	var seen uint64
	for i, c := range l.buckets {
		seen += uint64(c)
		if seen >= want {
			if i == len(l.buckets)-1 {
				return l.max
			}
			return time.Duration(i+1) * bucketWidth
		}
	}
	return l.max
}

// Stats are the room server's own figures.
type Stats struct {
	Requests   uint64  `json:"requests"`
	P50Ms      float64 `json:"p50_ms"`
	P99Ms      float64 `json:"p99_ms"`
	MaxMs      float64 `json:"max_ms"`
	HeapMB     float64 `json:"heap_mb"`
	SysMB      float64 `json:"sys_mb"`
	Goroutines int     `json:"goroutines"`
	SavesDone  uint64  `json:"saves"`
	// SchedP99Ms is the p99 lateness of a 1 ms timer in the room's process (with
	// Options.SchedProbe): the machine's scheduling delay, which every request's time
	// includes. Near the requests' p99, the time is the machine's, not the room's.
	SchedP99Ms float64 `json:"sched_p99_ms,omitempty"`
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func (l *latencies) stats() Stats {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	l.mu.Lock()
	n, mx := l.n, l.max
	l.mu.Unlock()
	return Stats{
		Requests: n, P50Ms: ms(l.quantile(0.5)), P99Ms: ms(l.quantile(0.99)), MaxMs: ms(mx),
		HeapMB: float64(m.HeapInuse) / (1 << 20), SysMB: float64(m.Sys) / (1 << 20), Goroutines: runtime.NumGoroutine(),
	}
}

// probeScheduling measures how late a short timer fires, until stop is closed.
func probeScheduling(l *latencies, stop <-chan struct{}) {
	for {
		start := time.Now()
		select {
		case <-stop:
			return
		case <-time.After(time.Millisecond):
		}
		l.add(time.Since(start) - time.Millisecond)
		select {
		case <-stop:
			return
		case <-time.After(9 * time.Millisecond):
		}
	}
}
