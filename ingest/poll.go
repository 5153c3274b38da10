package ingest

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/newsdesk/newsdesk/state"
)

// Cursors keeps each feed's validators between polls (*state.Store).
type Cursors interface {
	FeedCursor(ctx context.Context, url string) (state.FeedCursor, error)
	SetFeedCursor(ctx context.Context, c state.FeedCursor) error
}

// Poller polls one feed: a conditional GET of the feed, the full text of
// its summaries (Pages), then ingestion. Ingestion is idempotent, so a
// repeat costs nothing.
type Poller struct {
	In      *Ingester
	URL     string
	Client  *http.Client // for the feed; nil: a 30-second timeout
	Pages   Pages        // nil: items are ingested as the feed gives them
	Cursors Cursors
	Log     *slog.Logger
	Now     func() time.Time
	// After waits between polls (time.After when nil).
	After func(time.Duration) <-chan time.Time
	// Polled counts a poll's outcome: "ok", "not_modified", "error".
	Polled func(outcome string)

	once  sync.Once
	pages *retryPages
}

// PollResult is what one poll did.
type PollResult struct {
	NotModified bool
	Ingest      Result
	FullText    FullTextResult
}

// Run polls now and then every interval (15 minutes when zero) until ctx
// is done. A failed poll is logged and tried again at the next interval.
func (p *Poller) Run(ctx context.Context, every time.Duration) error {
	if every <= 0 {
		every = 15 * time.Minute
	}
	after := p.After
	if after == nil {
		after = time.After
	}
	for {
		_, _ = p.Poll(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-after(every):
		}
	}
}

// Poll polls the feed once and logs what happened.
func (p *Poller) Poll(ctx context.Context) (PollResult, error) {
	log := p.Log
	if log == nil {
		log = slog.Default()
	}
	polled := p.Polled
	if polled == nil {
		polled = func(string) {}
	}
	now := p.Now
	if now == nil {
		now = time.Now
	}
	client := p.Client
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	var res PollResult
	cur, err := p.Cursors.FeedCursor(ctx, p.URL)
	if err != nil {
		log.Warn("feed cursor", "err", err)
	}
	arts, etag, lm, notModified, err := FetchFeed(ctx, client, p.URL, cur.ETag, cur.LastModified)
	if err != nil {
		polled("error")
		log.Warn("feed poll failed; will retry", "err", err)
		return res, err
	}
	if notModified {
		res.NotModified = true
		polled("not_modified")
	} else {
		var pages Pages
		if p.Pages != nil {
			p.once.Do(func() { p.pages = &retryPages{pages: p.Pages, now: now} })
			pages = p.pages
		}
		ft, err := p.In.FullText(ctx, pages, arts)
		res.FullText = ft
		for _, pe := range ft.Failed {
			if pe.Reason() == "deferred" {
				log.Debug("full text deferred; the summary stands", "url", pe.URL, "err", pe.Err)
				continue
			}
			log.Warn("full text not fetched; the summary is ingested, and the page tried again at a later poll", "url", pe.URL, "reason", pe.Reason(), "err", pe.Err)
		}
		if err != nil {
			polled("error")
			log.Warn("feed full text failed; will retry", "err", err)
			return res, err
		}
		res.Ingest, err = p.In.IngestAs(ctx, FromFeed, p.URL, ft.Articles)
		if err != nil {
			polled("error")
			msg := "feed ingest failed; will retry"
			if DiskFull(err) {
				msg = "feed ingest refused: the disk is full (ENOSPC); free space in the data directory, will retry"
			}
			log.Error(msg, "err", err)
			return res, err
		}
		// a page that failed is fetched again at a later poll: the feed
		// must be read in full then, not answered 304
		if len(ft.Failed) > 0 {
			etag, lm = "", ""
		}
		polled("ok")
		log.Info("feed polled", "result", res.Ingest.String(), "full_text", ft.Fetched, "stored", ft.Stored, "pages_failed", len(ft.Failed))
	}
	cur.URL, cur.ETag, cur.LastModified, cur.Checked = p.URL, etag, lm, now().UTC()
	if err := p.Cursors.SetFeedCursor(ctx, cur); err != nil {
		log.Warn("save feed cursor", "err", err)
	}
	return res, nil
}
