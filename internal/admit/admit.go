package admit

import (
	"context"
	"errors"
	"net/http"
	"runtime"
	"sync"
	"time"
)

// ErrBusy is returned by Acquire when every slot is taken and the queue is
// full: the caller should say plainly that newsdesk is busy (or answer 429).
var ErrBusy = errors.New("admit: every slot is busy and the queue is full")

// Clock is the time source. Real is the wall clock; tests inject their own.
type Clock interface {
	Now() time.Time
	// After is like time.After.
	After(d time.Duration) <-chan time.Time
}

// Real is the wall clock.
type Real struct{}

// Now is time.Now.
func (Real) Now() time.Time { return time.Now() }

// After is time.After.
func (Real) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Config sizes a pool.
type Config struct {
	// Running is how many jobs run at once: default 2×GOMAXPROCS.
	Running int
	// Queue is how many jobs may wait for a slot: default Running.
	// Negative: none wait.
	Queue int
}

// Pool is a bounded set of slots with a bounded queue. Its zero value is
// not usable; call New.
type Pool struct {
	slots chan struct{}
	mu    sync.Mutex
	queue int // capacity
	wait  int // waiting now
}

// New returns a pool sized by cfg (zero fields take the defaults).
func New(cfg Config) *Pool {
	if cfg.Running <= 0 {
		cfg.Running = 2 * runtime.GOMAXPROCS(0)
	}
	switch {
	case cfg.Queue == 0:
		cfg.Queue = cfg.Running
	case cfg.Queue < 0:
		cfg.Queue = 0
	}
	return &Pool{slots: make(chan struct{}, cfg.Running), queue: cfg.Queue}
}

// Size is the number of slots and the queue's capacity.
func (p *Pool) Size() (running, queue int) { return cap(p.slots), p.queue }

// Acquire takes a slot, waiting in the queue while ctx lasts when every
// slot is taken. It returns ErrBusy at once when the queue is full too, and
// ctx's error when ctx ends while waiting. On success the caller must call
// release exactly once.
func (p *Pool) Acquire(ctx context.Context) (release func(), err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	select {
	case p.slots <- struct{}{}:
		return p.releaser(), nil
	default:
	}
	p.mu.Lock()
	if p.wait >= p.queue {
		p.mu.Unlock()
		return nil, ErrBusy
	}
	p.wait++
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		p.wait--
		p.mu.Unlock()
	}()
	select {
	case p.slots <- struct{}{}:
		return p.releaser(), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Running is how many slots are taken; Waiting how many jobs queue.
func (p *Pool) Running() int { return len(p.slots) }

// Waiting is how many jobs wait for a slot.
func (p *Pool) Waiting() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.wait
}

func (p *Pool) releaser() func() {
	var once sync.Once
	return func() { once.Do(func() { <-p.slots }) }
}

type arrivalKey struct{}

// Arrivals is middleware that records when each request arrived (on
// clock; nil: the wall clock) in its context. Put it at the top of the
// handler chain.
func Arrivals(clock Clock, next http.Handler) http.Handler {
	if clock == nil {
		clock = Real{}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(WithArrival(r.Context(), clock.Now())))
	})
}

// WithArrival returns ctx carrying t as the request's arrival time.
func WithArrival(ctx context.Context, t time.Time) context.Context {
	return context.WithValue(ctx, arrivalKey{}, t)
}

// Arrival is when the request behind ctx arrived, and whether it was
// recorded.
func Arrival(ctx context.Context) (time.Time, bool) {
	t, ok := ctx.Value(arrivalKey{}).(time.Time)
	return t, ok
}
