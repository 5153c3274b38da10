package chat

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"
)

// Policy bounds delivery: how often a call is tried, how long between
// tries, and how far back a channel is searched for a slot. The zero
// Policy is the defaults.
type Policy struct {
	// MaxAttempts bounds the attempts of one call facing RateLimited or
	// Unknown (default DefaultMaxAttempts).
	MaxAttempts int
	// Backoff is the first wait after an Unknown error or a rate limit
	// without Retry-After, doubled each time up to MaxBackoff, plus up to
	// half of Backoff in jitter (defaults 500ms and 10s).
	Backoff    time.Duration
	MaxBackoff time.Duration
	// Lookback is how far back a channel's history is searched for a
	// slot's messages, and MaxPages how many pages at most (defaults
	// SlotLookback and MaxHistoryPages).
	Lookback time.Duration
	MaxPages int
	// Sleep waits d or until ctx ends (then it returns ctx's error).
	// Default: a timer. Tests inject one that returns at once and records
	// the waits.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock of the lookback (default time.Now).
	Now func() time.Time
	// Log receives retries and what a search found (default: discarded).
	Log *slog.Logger
	// Failed, when set, is called when a delivery fails for good while
	// its context lasts (a front counts it: PostFailed).
	Failed func()
}

// Defaults. The digest service gives a slot up a day after it was
// recorded, so its messages, if any, are younger than SlotLookback; the
// page bound keeps a very busy channel from costing more than
// MaxHistoryPages reads (Slack caps apps outside its Marketplace at 15
// messages a page and a page a minute).
const (
	DefaultMaxAttempts = 5
	DefaultBackoff     = 500 * time.Millisecond
	DefaultMaxBackoff  = 10 * time.Second
	SlotLookback       = 48 * time.Hour
	MaxHistoryPages    = 10
)

func (p Policy) withDefaults() Policy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = DefaultMaxAttempts
	}
	if p.Backoff <= 0 {
		p.Backoff = DefaultBackoff
	}
	if p.MaxBackoff <= 0 {
		p.MaxBackoff = DefaultMaxBackoff
	}
	if p.Lookback <= 0 {
		p.Lookback = SlotLookback
	}
	if p.MaxPages <= 0 {
		p.MaxPages = MaxHistoryPages
	}
	if p.Sleep == nil {
		p.Sleep = sleep
	}
	if p.Now == nil {
		p.Now = time.Now
	}
	if p.Log == nil {
		p.Log = slog.New(slog.DiscardHandler)
	}
	return p
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (p Policy) backoff(attempt int) time.Duration {
	d := p.Backoff << (attempt - 1)
	if d > p.MaxBackoff || d <= 0 {
		d = p.MaxBackoff
	}
	return d + rand.N(p.Backoff/2+1)
}

// Retry calls call until it succeeds, fails for good, or runs out of
// attempts. Errors are classified by c (see Class): RateLimited waits the
// Retry-After the platform sent (a backoff when it sent none), Unknown
// backs off; Permanent and Forbidden end at once. After an Unknown error,
// when check is set it is asked, after the wait, whether the call took
// effect after all: found ends the loop without calling again, and an
// error from check ends it with ErrNotRepeated (the call is never repeated
// blind). Without check an Unknown call is retried as it is. All waiting
// is p.Sleep under ctx. The error names what and wraps the last *Error.
func Retry(ctx context.Context, c Classifier, p Policy, what string, call func() error, check func() (found bool, err error)) error {
	p = p.withDefaults()
	for attempt := 1; ; attempt++ {
		err := call()
		if err == nil {
			return nil
		}
		ce := classify(c, err)
		var wait time.Duration
		switch ce.Class {
		case RateLimited:
			wait = ce.RetryAfter
			if wait <= 0 {
				wait = p.backoff(attempt)
			}
		case Unknown:
			wait = p.backoff(attempt)
		default:
			return fmt.Errorf("%s: %w", what, ce)
		}
		if ctx.Err() != nil {
			return fmt.Errorf("%s: %w (last error: %v)", what, ctx.Err(), ce)
		}
		if attempt >= p.MaxAttempts {
			return fmt.Errorf("%s: gave up after %d attempts: %w", what, attempt, ce)
		}
		p.Log.Warn("chat call will be retried", "call", what, "attempt", attempt, "class", ce.Class.String(), "wait", wait, "error", ce)
		if err := p.Sleep(ctx, wait); err != nil {
			return fmt.Errorf("%s: %w (last error: %v)", what, err, ce)
		}
		if ce.Class == Unknown && check != nil {
			found, cerr := check()
			if cerr != nil {
				return fmt.Errorf("%s: %w; %w (%v)", what, ce, ErrNotRepeated, cerr)
			}
			if found {
				return nil
			}
		}
	}
}
