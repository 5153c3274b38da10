package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/newsdesk/newsdesk/news"
	"github.com/newsdesk/newsdesk/state"
)

// Cursors keeps each feed's validators between polls (*state.Store).
type Cursors interface {
	FeedCursor(ctx context.Context, url string) (state.FeedCursor, error)
	SetFeedCursor(ctx context.Context, c state.FeedCursor) error
}

// FeedFetcher gets a feed's bytes with a conditional GET (*fetch.Fetcher:
// the address guard, size cap, timeouts, bounded redirects, User-Agent):
// the validators of the last fetch go out, notModified comes back on 304.
type FeedFetcher interface {
	Feed(ctx context.Context, url, etag, lastModified string) (body []byte, newETag, newLastModified string, notModified bool, err error)
}

// Poller polls one feed: a conditional GET of the feed, the full text of
// its summaries (Pages), then ingestion. Ingestion is idempotent, so a
// repeat costs nothing.
type Poller struct {
	In  *Ingester
	URL string
	// Feeds fetches the feed (serve gives it the guarded *fetch.Fetcher).
	// nil: a plain GET over Client, for tests of the poller alone.
	Feeds   FeedFetcher
	Client  *http.Client // only when Feeds is nil; nil: a 30-second timeout
	Pages   Pages        // nil: items are ingested as the feed gives them
	Cursors Cursors
	// Publisher and Country, when set (a catalog source), replace each
	// item's source name and give its country (news.Source): extraction
	// credits the publisher with first-person statements and takes its
	// country as the speaker's when the text names none.
	Publisher, Country string
	Log                *slog.Logger
	Now                func() time.Time
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
	// Skipped are the feed's items left out before ingestion, each with
	// why (no title, no text, too large).
	Skipped []*ItemError
}

// FeedError is a feed that could not be read: nothing of it is ingested,
// its cursor is kept, and it is polled again at the next interval.
type FeedError struct {
	URL string
	Err error
}

func (e *FeedError) Error() string { return fmt.Sprintf("feed %s: %v", e.URL, e.Err) }
func (e *FeedError) Unwrap() error { return e.Err }

// Reason names why the feed failed, for the log: the Reason of a typed
// error from the fetcher ("http_status", "too_large", "blocked_address",
// "redirect", "scheme", …) or "not_a_feed", else "timeout" or "network".
func (e *FeedError) Reason() string { return reason(e.Err) }

// reason names an error for logs by its type.
func reason(err error) string {
	var r interface{ Reason() string }
	switch {
	case errors.As(err, &r):
		return r.Reason()
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	}
	return "network"
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
	var res PollResult
	cur, err := p.Cursors.FeedCursor(ctx, p.URL)
	if err != nil {
		log.Warn("feed cursor", "err", err)
	}
	arts, skipped, etag, lm, notModified, err := p.fetch(ctx, cur)
	if err != nil {
		polled("error")
		fe := &FeedError{URL: p.URL, Err: err}
		log.Warn("feed poll failed; nothing of it ingested, will retry", "reason", fe.Reason(), "err", err)
		return res, fe
	}
	res.Skipped = skipped
	for _, se := range skipped {
		log.Info("feed item left out", "item", se.Source, "why", se.Err)
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

// fetch gets and parses the feed, stamping each item with the source's
// publisher and country.
func (p *Poller) fetch(ctx context.Context, cur state.FeedCursor) (arts []news.Article, skipped []*ItemError, etag, lm string, notModified bool, err error) {
	if p.Feeds == nil {
		client := p.Client
		if client == nil {
			client = &http.Client{Timeout: 30 * time.Second}
		}
		arts, etag, lm, notModified, err = FetchFeed(ctx, client, p.URL, cur.ETag, cur.LastModified)
	} else {
		var body []byte
		body, etag, lm, notModified, err = p.Feeds.Feed(ctx, p.URL, cur.ETag, cur.LastModified)
		if err == nil && !notModified {
			arts, skipped, err = parseFeed(bytes.NewReader(body))
		}
	}
	if err != nil || notModified {
		return nil, nil, etag, lm, notModified, err
	}
	for i := range arts {
		if p.Publisher != "" {
			arts[i].Source.Name = p.Publisher
		}
		arts[i].Source.Country = p.Country
	}
	return arts, skipped, etag, lm, false, nil
}
