// Package admittest holds a manual clock for tests of admission control
// and of the fronts that use it: time moves only when the test says so.
package admittest

import (
	"sync"
	"time"
)

// Clock is a manual clock; its zero value starts at the zero time. It
// satisfies admit.Clock.
type Clock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []waiter
	// Waited, when set, is signalled (without blocking) each time After is
	// called, so that a test can advance the clock once someone waits.
	Waited chan struct{}
}

type waiter struct {
	at time.Time
	ch chan time.Time
}

// New returns a clock reading start.
func New(start time.Time) *Clock { return &Clock{now: start, Waited: make(chan struct{}, 64)} }

// Now is the clock's reading.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// After fires once the clock has been advanced by d.
func (c *Clock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- c.now
	} else {
		c.waiters = append(c.waiters, waiter{at: c.now.Add(d), ch: ch})
	}
	w := c.Waited
	c.mu.Unlock()
	if w != nil {
		select {
		case w <- struct{}{}:
		default:
		}
	}
	return ch
}

// Advance moves the clock by d, firing what falls due.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	keep := c.waiters[:0]
	for _, w := range c.waiters {
		if !w.at.After(c.now) {
			w.ch <- c.now
			continue
		}
		keep = append(keep, w)
	}
	c.waiters = keep
}
