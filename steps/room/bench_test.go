package room

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkProgressReport is the room's work for one trainee's progress report (the
// handler, without TLS): authenticate the seat, validate, merge, queue a save.
func BenchmarkProgressReport(b *testing.B) {
	r, err := Start(Options{Seats: 30, Plan: "healthy", Seed: 1, StatePath: filepath.Join(b.TempDir(), "room.json")})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	s, err := JoinRoom(context.Background(), r.Join(), "bench", "")
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	body := `{"section":"2","percent":40,"quiz":{"correct":3,"answered":4,"total":15},"checks":[{"id":"auth.token","status":"pass"},{"id":"arm.vaults","status":"fail","cause":"target-not-listed"},{"id":"vault.network","status":"pass"}]}`
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "https://room"+pathProgress, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+s.Info.Token)
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatal(w.Code, w.Body.String())
		}
	}
}

// BenchmarkSnapshot serialises a 60-seat room whose every seat changed (the worst save).
func BenchmarkSnapshot(b *testing.B) {
	r, err := Start(Options{Seats: 60, Plan: "healthy", Seed: 1, StatePath: filepath.Join(b.TempDir(), "room.json")})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	b.ReportAllocs()
	for b.Loop() {
		for _, s := range r.seats {
			s.mu.Lock()
			s.stale, s.dirty = true, true
			s.mu.Unlock()
		}
		data, _, err := r.snapshot()
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(data)))
	}
}
