package admit_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/internal/admit"
	"github.com/newsdesk/newsdesk/internal/admit/admittest"
)

func TestDefaults(t *testing.T) {
	r, q := admit.New(admit.Config{}).Size()
	if want := 2 * runtime.GOMAXPROCS(0); r != want || q != want {
		t.Fatalf("Size() = %d, %d; want %d, %d", r, q, want, want)
	}
	if _, q := admit.New(admit.Config{Running: 1, Queue: -1}).Size(); q != 0 {
		t.Fatalf("negative queue: %d waiting allowed, want 0", q)
	}
}

// TestAcquire: slots first, then the queue, then ErrBusy at once; a queued
// job gets the slot a release frees; a queued job whose context ends gets
// the context's error.
func TestAcquire(t *testing.T) {
	p := admit.New(admit.Config{Running: 1, Queue: 1})
	ctx := context.Background()
	rel, err := p.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan error, 1)
	go func() {
		r, err := p.Acquire(ctx)
		if err == nil {
			defer r()
		}
		got <- err
	}()
	for p.Waiting() != 1 {
		runtime.Gosched()
	}
	tests := []struct {
		name string
		ctx  func() context.Context
		want error
	}{
		{"queue full", func() context.Context { return ctx }, admit.ErrBusy},
		{"context done", func() context.Context { c, cancel := context.WithCancel(ctx); cancel(); return c }, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := p.Acquire(tt.ctx()); !errors.Is(err, tt.want) {
				t.Fatalf("Acquire = %v, want %v", err, tt.want)
			}
		})
	}
	rel()
	rel() // a second release is harmless
	if err := <-got; err != nil {
		t.Fatalf("queued Acquire = %v, want a slot", err)
	}

	// A waiter whose context is cancelled leaves the queue.
	rel, _ = p.Acquire(ctx)
	defer rel()
	wctx, cancel := context.WithCancel(ctx)
	go func() { _, err := p.Acquire(wctx); got <- err }()
	for p.Waiting() != 1 {
		runtime.Gosched()
	}
	cancel()
	if err := <-got; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled waiter: %v", err)
	}
	if p.Waiting() != 0 {
		t.Fatalf("Waiting() = %d after the waiter left", p.Waiting())
	}
}

func TestArrivals(t *testing.T) {
	start := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	clk := admittest.New(start)
	var got time.Time
	var ok bool
	h := admit.Arrivals(clk, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, ok = admit.Arrival(r.Context())
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	if !ok || !got.Equal(start) {
		t.Fatalf("Arrival = %v, %v; want %v", got, ok, start)
	}
	if _, ok := admit.Arrival(context.Background()); ok {
		t.Fatal("Arrival of a bare context reported")
	}
}
