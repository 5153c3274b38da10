package ingest

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// RetryAfter is how long a page that failed waits before it is fetched
// again; each further failure in a row doubles it, up to MaxRetryAfter. A
// page that keeps being refused (robots.txt, too large) is so asked for
// less and less often, never given up.
const (
	RetryAfter    = 10 * time.Minute
	MaxRetryAfter = 24 * time.Hour
)

// DeferredError: the page failed lately and waits for its next try.
type DeferredError struct {
	URL   string
	Until time.Time
	Last  error // why it failed last
}

func (e *DeferredError) Error() string {
	return fmt.Sprintf("%s failed lately (%v); next try after %s", e.URL, e.Last, e.Until.UTC().Format(time.RFC3339))
}

// Reason names it for the log.
func (e *DeferredError) Reason() string { return "deferred" }

// retryPages is Pages that backs off from pages that fail.
type retryPages struct {
	pages Pages
	now   func() time.Time

	mu     sync.Mutex
	failed map[string]retryState
}

type retryState struct {
	n    int
	next time.Time
	last error
}

// maxRetryStates bounds the failures remembered.
const maxRetryStates = 4096

func (r *retryPages) Text(ctx context.Context, url string) (string, error) {
	r.mu.Lock()
	st, ok := r.failed[url]
	r.mu.Unlock()
	if ok && r.now().Before(st.next) {
		return "", &DeferredError{URL: url, Until: st.next, Last: st.last}
	}
	text, err := r.pages.Text(ctx, url)
	r.mu.Lock()
	defer r.mu.Unlock()
	if err == nil || ctx.Err() != nil {
		delete(r.failed, url)
		return text, err
	}
	if r.failed == nil {
		r.failed = map[string]retryState{}
	}
	if len(r.failed) >= maxRetryStates && !ok {
		for k := range r.failed { // forget one at random
			delete(r.failed, k)
			break
		}
	}
	wait := RetryAfter << min(st.n, 16)
	if wait > MaxRetryAfter || wait <= 0 {
		wait = MaxRetryAfter
	}
	r.failed[url] = retryState{n: st.n + 1, next: r.now().Add(wait), last: err}
	return text, err
}
