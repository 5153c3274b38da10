package ingest

import (
	"context"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"
)

// FeedSpec is one feed to poll and how.
type FeedSpec struct {
	URL                string
	Publisher, Country string        // a catalog source's (Poller.Publisher, Country)
	Every              time.Duration // 0: 15 minutes
	FullText           bool          // fetch the page of each summary (Poller.Pages)
}

// Pollers keeps one Poller running per feed that List returns, reading the
// list again every Recheck: a feed enabled meanwhile starts being polled,
// one removed stops (what it ingested stays). A List that fails keeps the
// pollers as they are until the next read.
type Pollers struct {
	List    func(ctx context.Context) ([]FeedSpec, error)
	New     func(FeedSpec) *Poller // a poller for one feed
	Recheck time.Duration          // 0: a minute
	// After waits between reads of the list (time.After when nil).
	After func(time.Duration) <-chan time.Time
	Log   *slog.Logger

	mu      sync.Mutex
	running []string
}

// Running returns the URLs being polled, as of the last read of the list.
func (ps *Pollers) Running() []string {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return slices.Clone(ps.running)
}

// Run polls until ctx is done, then waits for every poller to stop.
func (ps *Pollers) Run(ctx context.Context) error {
	recheck := ps.Recheck
	if recheck <= 0 {
		recheck = time.Minute
	}
	after := ps.After
	if after == nil {
		after = time.After
	}
	log := ps.Log
	if log == nil {
		log = slog.Default()
	}
	type running struct {
		spec   FeedSpec
		cancel context.CancelFunc
	}
	live := map[string]running{}
	var wg sync.WaitGroup
	defer func() {
		for _, r := range live {
			r.cancel()
		}
		wg.Wait()
	}()
	for {
		specs, err := ps.List(ctx)
		if err != nil {
			log.Warn("read the enabled feeds; polling goes on as it was", "err", err)
		} else {
			want := map[string]FeedSpec{}
			for _, s := range specs {
				if _, dup := want[s.URL]; !dup {
					want[s.URL] = s
				}
			}
			for url, r := range live {
				if s, ok := want[url]; !ok || s != r.spec {
					r.cancel()
					delete(live, url)
					if !ok {
						log.Info("feed no longer enabled; its polling stops", "feed", url)
					}
				}
			}
			for url, s := range want {
				if _, ok := live[url]; ok {
					continue
				}
				pctx, cancel := context.WithCancel(ctx)
				live[url] = running{spec: s, cancel: cancel}
				p := ps.New(s)
				wg.Go(func() { _ = p.Run(pctx, s.Every) })
			}
			urls := slices.Sorted(maps.Keys(live))
			ps.mu.Lock()
			ps.running = urls
			ps.mu.Unlock()
		}
		select {
		case <-ctx.Done():
			return nil
		case <-after(recheck):
		}
	}
}
