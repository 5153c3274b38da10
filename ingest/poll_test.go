package ingest_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/newsdesk/newsdesk/articles"
	"github.com/newsdesk/newsdesk/fetch"
	"github.com/newsdesk/newsdesk/ingest"
	"github.com/newsdesk/newsdesk/news"
	"github.com/newsdesk/newsdesk/state"
)

// memCursors is an in-memory state.Store for feed cursors.
type memCursors struct {
	mu sync.Mutex
	m  map[string]state.FeedCursor
}

func (c *memCursors) FeedCursor(_ context.Context, url string) (state.FeedCursor, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if cur, ok := c.m[url]; ok {
		return cur, nil
	}
	return state.FeedCursor{URL: url}, nil
}

func (c *memCursors) SetFeedCursor(_ context.Context, cur state.FeedCursor) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]state.FeedCursor{}
	}
	c.m[cur.URL] = cur
	return nil
}

// pollClock is the poller's clock, moved on by the test.
type pollClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *pollClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *pollClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type feedItem struct {
	title, path, summary, content string
}

// newsSite serves a feed (with an ETag), robots.txt, the full articles
// and the failure cases, and counts the requests for each path.
type newsSite struct {
	*httptest.Server
	mu    sync.Mutex
	hits  map[string]int
	items []feedItem
}

func (s *newsSite) n(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

// pageHits counts the requests for article pages (not the feed, not
// robots.txt).
func (s *newsSite) pageHits() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for p, k := range s.hits {
		if p != "/feed.xml" && p != "/robots.txt" {
			n += k
		}
	}
	return n
}

func newNewsSite(t *testing.T, items ...feedItem) *newsSite {
	t.Helper()
	s := &newsSite{hits: map[string]int{}, items: items}
	page := func(name string) []byte {
		b, err := os.ReadFile("testdata/fulltext/" + name + ".html")
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	gru, apt31 := page("gru"), page("apt31")
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "User-agent: newsdesk\nDisallow: /private/\n")
	})
	mux.HandleFunc("/feed.xml", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == `"f1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"f1"`)
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Desk Wire</title>`)
		for i, it := range s.items {
			link := it.path
			if strings.HasPrefix(link, "/") {
				link = s.URL + link
			}
			fmt.Fprintf(w, "<item><title>%s</title><link>%s</link><guid>%d</guid><pubDate>Thu, 05 Sep 2024 10:00:00 +0000</pubDate><description>%s</description>", it.title, link, i, it.summary)
			if it.content != "" {
				fmt.Fprintf(w, "<content:encoded><![CDATA[%s]]></content:encoded>", it.content)
			}
			fmt.Fprint(w, "</item>")
		}
		fmt.Fprint(w, "</channel></rss>")
	})
	serve := func(b []byte) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("If-None-Match") == `"p1"` {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			w.Header().Set("ETag", `"p1"`)
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write(b)
		}
	}
	mux.HandleFunc("/a/gru", serve(gru))
	mux.HandleFunc("/a/apt31", serve(apt31))
	mux.HandleFunc("/private/apt31", serve(apt31))
	mux.HandleFunc("/a/broken", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "internal error", http.StatusInternalServerError)
	})
	mux.HandleFunc("/a/big", func(w http.ResponseWriter, r *http.Request) {
		const size = 20 << 20
		w.Header().Set("Content-Length", fmt.Sprint(size))
		w.Header().Set("Content-Type", "text/html")
		chunk := bytes.Repeat([]byte("<p>padding</p>"), 1<<10)
		for n := 0; n+len(chunk) <= size; n += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/a/loop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/a/loop", http.StatusFound)
	})
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.URL.Path]++
		s.mu.Unlock()
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

var (
	gruItem   = feedItem{"UK and allies expose Russian military unit", "/a/gru", "Britain and its allies named a Russian military unit.", ""}
	apt31Item = feedItem{"US charges seven hackers working for China", "/a/apt31", "Seven Chinese nationals were charged.", ""}
)

func newPoller(t *testing.T, site *newsSite, allowPrivate bool, log *slog.Logger) (*ingest.Poller, *articles.Store, interface {
	Search(context.Context, news.Query) (news.Results, error)
}, *pollClock) {
	t.Helper()
	in, ix, rs := newIngesterRecords(t, t.TempDir())
	t.Cleanup(func() { rs.Close() })
	pages := fetch.New(fetch.NewClient(allowPrivate), fetch.Options{PerHost: rate.Inf})
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	clock := &pollClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	// the feed is on loopback like the pages; these tests are of the
	// pages' guard, so the feed's own fetcher may reach it (its guard:
	// TestPollFeedFailures)
	feeds := fetch.New(fetch.NewClient(true), fetch.Options{PerHost: rate.Inf})
	p := &ingest.Poller{
		In: in, URL: site.URL + "/feed.xml", Feeds: feeds, Pages: pages, Cursors: &memCursors{}, Log: log, Now: clock.Now,
	}
	return p, rs, ix, clock
}

// TestPollFullText: items with one-line descriptions are ingested with the
// text of the pages they link to; a second poll fetches nothing (the feed
// answers 304), and a poll that reads the feed again skips the stored
// items' pages.
func TestPollFullText(t *testing.T) {
	ctx := context.Background()
	site := newNewsSite(t, gruItem, apt31Item)
	p, rs, ix, _ := newPoller(t, site, true, nil)

	res, err := p.Poll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Ingest.Added) != 2 || res.FullText.Fetched != 2 || len(res.FullText.Failed) != 0 {
		t.Fatalf("first poll: %+v", res)
	}
	// statements that only the full text holds are found
	for _, q := range []string{"29155", "Lammy", "Wuhan Xiaoruizhi"} {
		r, err := ix.Search(ctx, news.Query{Text: q, Size: 10})
		if err != nil || r.Total == 0 || r.Hits[0].Statement == nil || !strings.Contains(r.Hits[0].Statement.Sentence, q) {
			t.Errorf("search %q: %v, %d statements, want the full text's statement", q, err, r.Total)
		}
	}
	pages := site.pageHits()
	if pages != 2 {
		t.Errorf("pages requested %d times, want 2", pages)
	}

	// the feed answers 304: nothing else is asked for
	res, err = p.Poll(ctx)
	if err != nil || !res.NotModified {
		t.Fatalf("second poll: %+v, %v; want not modified", res, err)
	}
	if n := site.pageHits(); n != pages {
		t.Errorf("second poll requested pages %d times, want none", n-pages)
	}

	// the feed read in full again (its cursor lost): the stored items'
	// pages are not fetched, and their full text is not replaced by the
	// summary
	p.Cursors = &memCursors{}
	res, err = p.Poll(ctx)
	if err != nil || res.NotModified || res.FullText.Stored != 2 || len(res.Ingest.Added)+len(res.Ingest.Updated) != 0 {
		t.Fatalf("third poll: %+v, %v; want both items skipped as stored", res, err)
	}
	if n := site.pageHits(); n != pages {
		t.Errorf("third poll requested pages %d times, want none", n-pages)
	}
	for _, it := range []feedItem{gruItem, apt31Item} {
		a := storedByURL(t, rs, site.URL+it.path)
		if len(a.Body) < ingest.ShortBody/2 || a.Body == it.summary {
			t.Errorf("%s: body %q, want the full text", it.path, a.Body)
		}
	}
}

func storedByURL(t *testing.T, rs *articles.Store, url string) news.Article {
	t.Helper()
	var found news.Article
	err := rs.Each(context.Background(), 0, func(a news.Article) error {
		if a.Source.URL == url {
			found = a
		}
		return nil
	})
	if err != nil || found.ID == "" {
		t.Fatalf("no stored article for %s: %v", url, err)
	}
	return found
}

// TestPollPageFailures: a page that fails leaves its item with the summary,
// logs why, loses nothing else, and is tried again at the next poll.
func TestPollPageFailures(t *testing.T) {
	long := "<p>" + strings.Repeat("The Foreign Office said the campaign of cyber attacks was reckless and would not go unanswered. ", 12) + "</p>"
	inFeed := feedItem{"Foreign Office statement in full", "/a/in-feed", "unused", long}
	tests := []struct {
		name         string
		bad          feedItem
		allowPrivate bool
		reason       string
		want         any
		wantFailed   int // pages failed in all
	}{
		{"500", feedItem{"Broken page", "/a/broken", "A page that fails.", ""}, true, "http_status", new(*fetch.StatusError), 1},
		{"20 MB page", feedItem{"Huge page", "/a/big", "A page too big.", ""}, true, "too_large", new(*fetch.TooLargeError), 1},
		{"redirect loop", feedItem{"Looping page", "/a/loop", "A page that loops.", ""}, true, "redirect", new(*fetch.RedirectError), 1},
		{"robots.txt Disallow", feedItem{"Disallowed page", "/private/apt31", "A page robots.txt keeps out.", ""}, true, "robots_txt", new(*fetch.RobotsError), 1},
		// every page of the site is on loopback here, so the good page is
		// refused too; the item with its text in the feed still goes in
		{"127.0.0.1 not allowed", feedItem{"Loopback page", "/a/apt31", "A page on loopback.", ""}, false, "blocked_address", new(*fetch.BlockedAddressError), 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			site := newNewsSite(t, gruItem, tt.bad, inFeed)
			var logs bytes.Buffer
			p, rs, _, clock := newPoller(t, site, tt.allowPrivate, slog.New(slog.NewTextHandler(&logs, nil)))
			res, err := p.Poll(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Ingest.Added) != 3 || len(res.FullText.Failed) != tt.wantFailed {
				t.Fatalf("poll: %d added, %d pages failed (%v); want 3 added, %d failed", len(res.Ingest.Added), len(res.FullText.Failed), res.FullText.Failed, tt.wantFailed)
			}
			var pe *ingest.PageError
			for _, f := range res.FullText.Failed {
				if strings.HasSuffix(f.URL, tt.bad.path) {
					pe = f
				}
			}
			if pe == nil || pe.Reason() != tt.reason {
				t.Fatalf("failures %v: want %s for %s", res.FullText.Failed, tt.reason, tt.bad.path)
			}
			if !errors.As(pe, tt.want) {
				t.Errorf("error %v (%T) is not a %T", pe.Err, pe.Err, tt.want)
			}
			if !strings.Contains(logs.String(), "reason="+tt.reason) || !strings.Contains(logs.String(), tt.bad.path) {
				t.Errorf("log does not give the reason %s for %s:\n%s", tt.reason, tt.bad.path, logs.String())
			}
			if a := storedByURL(t, rs, site.URL+tt.bad.path); a.Body != tt.bad.summary {
				t.Errorf("failed page's item: body %q, want the summary %q", a.Body, tt.bad.summary)
			}
			if a := storedByURL(t, rs, site.URL+inFeed.path); !strings.Contains(a.Body, "would not go unanswered") || len(a.Body) < ingest.ShortBody {
				t.Errorf("item with its text in the feed: body %q", a.Body)
			}
			gruFull := tt.wantFailed == 1
			if a := storedByURL(t, rs, site.URL+gruItem.path); strings.Contains(a.Body, "29155") != gruFull {
				t.Errorf("good page's item: body %q (full text expected: %v)", a.Body, gruFull)
			}
			if site.n("/a/in-feed") != 0 {
				t.Errorf("an item with its full text in the feed was fetched")
			}

			// a poll soon after reads the feed again but leaves the failed
			// page alone until its retry time
			bad, good := site.n(tt.bad.path), site.n(gruItem.path)
			clock.Advance(ingest.RetryAfter / 2)
			res, err = p.Poll(ctx)
			if err != nil || res.NotModified || len(res.FullText.Failed) != tt.wantFailed || res.FullText.Failed[0].Reason() != "deferred" {
				t.Fatalf("poll before the retry time: %+v, %v; want the failed pages deferred", res, err)
			}
			if site.n(tt.bad.path) != bad {
				t.Errorf("the failed page was asked for again before its retry time")
			}

			// the next poll after it reads the feed again and retries the
			// failed page, and only it
			clock.Advance(ingest.RetryAfter / 2)
			res, err = p.Poll(ctx)
			if err != nil || res.NotModified {
				t.Fatalf("second poll: %+v, %v; want the feed read again", res, err)
			}
			// (a page robots.txt disallows is asked of robots.txt, not the site)
			if tt.allowPrivate && tt.reason != "robots_txt" && site.n(tt.bad.path) == bad {
				t.Errorf("the failed page was not tried again")
			}
			if tt.reason == "robots_txt" && site.n(tt.bad.path) != 0 {
				t.Errorf("a page robots.txt disallows was requested")
			}
			if tt.allowPrivate && site.n(gruItem.path) != good {
				t.Errorf("a stored page was fetched again")
			}
			if len(res.FullText.Failed) != tt.wantFailed || res.FullText.Failed[0].Reason() != tt.reason {
				t.Errorf("retry: pages failed %v, want %d with reason %s", res.FullText.Failed, tt.wantFailed, tt.reason)
			}
			// and, failing again, waits twice as long
			clock.Advance(ingest.RetryAfter + ingest.RetryAfter/2)
			if res, _ = p.Poll(ctx); len(res.FullText.Failed) == 0 || res.FullText.Failed[0].Reason() != "deferred" {
				t.Errorf("second failure: %v, want the page deferred for 2×RetryAfter", res.FullText.Failed)
			}
		})
	}
}

func TestPageErrorReason(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{fmt.Errorf("get: %w", &fetch.StatusError{URL: "https://example.org/a", Status: 503}), "http_status"},
		{&fetch.RobotsError{URL: "https://example.org/a", Agent: fetch.Agent}, "robots_txt"},
		{fmt.Errorf("fetch https://example.org/a: %w", context.DeadlineExceeded), "timeout"},
		{errors.New("connection reset by peer"), "network"},
	}
	for _, tt := range tests {
		pe := &ingest.PageError{ArticleID: "a1", URL: "https://example.org/a", Err: tt.err}
		if got := pe.Reason(); got != tt.want {
			t.Errorf("Reason(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

// TestPollerRun: Run polls at once, then each time its clock says the
// interval has passed, and stops when its context is done.
func TestPollerRun(t *testing.T) {
	site := newNewsSite(t, gruItem)
	p, _, _, _ := newPoller(t, site, true, nil)
	ticks := make(chan time.Time)
	waits := make(chan time.Duration, 10)
	p.After = func(d time.Duration) <-chan time.Time {
		waits <- d
		return ticks
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- p.Run(ctx, 7*time.Minute) }()
	for i := range 3 {
		if d := <-waits; d != 7*time.Minute { // a poll has finished
			t.Errorf("waits %v, want the interval", d)
		}
		if n := site.n("/feed.xml"); n != i+1 {
			t.Errorf("after %d intervals the feed was polled %d times, want %d", i, n, i+1)
		}
		if i < 2 {
			ticks <- time.Time{}
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v, want nil when stopped", err)
	}
	if n := site.n("/a/gru"); n != 1 {
		t.Errorf("page fetched %d times over three polls, want once", n)
	}
}

// TestPollFeedFailures: a feed that cannot be read (an error status, too
// large, on a refused address, not a feed) is a *FeedError whose reason
// is logged; nothing of it is ingested, and nothing else is lost: what
// other feeds stored stays, and their cursors still answer 304.
func TestPollFeedFailures(t *testing.T) {
	tests := []struct {
		name         string
		path         string
		allowPrivate bool
		reason       string
		want         any
	}{
		{"500", "/a/broken", true, "http_status", new(*fetch.StatusError)},
		{"20 MB feed", "/a/big", true, "too_large", new(*fetch.TooLargeError)},
		{"redirect loop", "/a/loop", true, "redirect", new(*fetch.RedirectError)},
		{"127.0.0.1 not allowed", "/feed.xml", false, "blocked_address", new(*fetch.BlockedAddressError)},
		{"an HTML page", "/a/gru", true, "not_a_feed", new(*ingest.NotFeedError)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			site := newNewsSite(t, gruItem, apt31Item)
			var logs bytes.Buffer
			log := slog.New(slog.NewTextHandler(&logs, nil))
			p, rs, _, _ := newPoller(t, site, true, log)
			if res, err := p.Poll(ctx); err != nil || len(res.Ingest.Added) != 2 {
				t.Fatalf("good feed: %+v, %v", res, err)
			}
			stored, _ := rs.Len(ctx)
			feedHits := site.n("/feed.xml")

			before, _ := p.Cursors.FeedCursor(ctx, site.URL+tt.path)
			bad := &ingest.Poller{In: p.In, URL: site.URL + tt.path, Cursors: p.Cursors, Log: log,
				Feeds: fetch.New(fetch.NewClient(tt.allowPrivate), fetch.Options{PerHost: rate.Inf})}
			res, err := bad.Poll(ctx)
			var fe *ingest.FeedError
			if !errors.As(err, &fe) || fe.Reason() != tt.reason || !errors.As(err, tt.want) {
				t.Fatalf("bad feed: %v, want a FeedError with reason %s and a %T", err, tt.reason, tt.want)
			}
			if len(res.Ingest.Added)+len(res.Ingest.Updated) != 0 {
				t.Errorf("a failed feed ingested %+v", res.Ingest)
			}
			if !strings.Contains(logs.String(), "reason="+tt.reason) || !strings.Contains(logs.String(), "feed poll failed") {
				t.Errorf("log does not give the reason %s:\n%s", tt.reason, logs.String())
			}
			if !tt.allowPrivate && site.n("/feed.xml") != feedHits {
				t.Errorf("a refused address was connected to")
			}
			if n, _ := rs.Len(ctx); n != stored {
				t.Errorf("articles %d → %d after a failed feed", stored, n)
			}
			if cur, _ := p.Cursors.FeedCursor(ctx, bad.URL); cur.ETag != before.ETag || !cur.Checked.Equal(before.Checked) {
				t.Errorf("a failed feed's cursor was written: %+v, was %+v", cur, before)
			}
			if res, err := p.Poll(ctx); err != nil || !res.NotModified {
				t.Errorf("the good feed after the failure: %+v, %v; want 304", res, err)
			}
		})
	}
}

// TestPollStampsPublisher: a catalog source's publisher and country go on
// every item, and the country is the speaker's when the item names none.
func TestPollStampsPublisher(t *testing.T) {
	ctx := context.Background()
	body := "<p>The ministry said that APT28 had conducted a cyber espionage campaign against government networks since 2021.</p>" +
		"<p>" + strings.Repeat("The campaign targeted ministries, parliaments and defence companies across Europe over several years. ", 10) + "</p>"
	site := newNewsSite(t, feedItem{"Statement by the spokesperson on malicious cyber activity", "/a/mfa", "unused", body})
	p, rs, ix, _ := newPoller(t, site, true, nil)
	p.Publisher, p.Country = "Ministry for Europe and Foreign Affairs", "FR"
	if res, err := p.Poll(ctx); err != nil || len(res.Ingest.Added) != 1 {
		t.Fatalf("poll: %+v, %v", res, err)
	}
	a := storedByURL(t, rs, site.URL+"/a/mfa")
	if a.Source.Name != p.Publisher || a.Source.Country != "FR" {
		t.Errorf("source %+v, want the catalog's publisher and FR", a.Source)
	}
	r, err := ix.Search(ctx, news.Query{Text: "APT28", Size: 5})
	if err != nil || r.Total == 0 || r.Hits[0].Statement == nil {
		t.Fatalf("search APT28: %v %+v", err, r)
	}
	if s := r.Hits[0].Statement; !slices.Equal(s.SpeakerCountry, []string{"FR"}) {
		t.Errorf("speaker %q %v, want the publisher's country FR", s.Speaker, s.SpeakerCountry)
	}
}

// TestPollers: a feed enabled after start is polled from the next read of
// the list, one removed stops, and a list that fails changes nothing.
func TestPollers(t *testing.T) {
	a, b := newNewsSite(t, gruItem), newNewsSite(t, apt31Item)
	p, _, _, _ := newPoller(t, a, true, nil)
	var mu sync.Mutex
	list := []ingest.FeedSpec{{URL: a.URL + "/feed.xml"}}
	var listErr error
	polled := make(chan string, 10)
	rechecked := make(chan struct{})
	tick := make(chan time.Time)
	ps := &ingest.Pollers{
		List: func(context.Context) ([]ingest.FeedSpec, error) {
			mu.Lock()
			defer mu.Unlock()
			return slices.Clone(list), listErr
		},
		New: func(s ingest.FeedSpec) *ingest.Poller {
			return &ingest.Poller{In: p.In, URL: s.URL, Feeds: p.Feeds, Cursors: p.Cursors, Log: slog.New(slog.DiscardHandler),
				After: func(time.Duration) <-chan time.Time { polled <- s.URL; return nil }}
		},
		After: func(d time.Duration) <-chan time.Time {
			if d != time.Minute {
				t.Errorf("recheck every %v, want a minute", d)
			}
			rechecked <- struct{}{}
			return tick
		},
		Log: slog.New(slog.DiscardHandler),
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- ps.Run(ctx) }()
	set := func(specs []ingest.FeedSpec, err error) {
		mu.Lock()
		list, listErr = specs, err
		mu.Unlock()
		tick <- time.Time{}
		<-rechecked
	}
	<-rechecked
	if got := <-polled; got != a.URL+"/feed.xml" {
		t.Errorf("polled %s first", got)
	}
	if got := ps.Running(); !slices.Equal(got, []string{a.URL + "/feed.xml"}) {
		t.Errorf("running %q", got)
	}
	// b is enabled
	set([]ingest.FeedSpec{{URL: a.URL + "/feed.xml"}, {URL: b.URL + "/feed.xml"}}, nil)
	if got := <-polled; got != b.URL+"/feed.xml" {
		t.Errorf("polled %s, want the feed just enabled", got)
	}
	// a list that fails keeps both
	set(nil, errors.New("state store unreadable"))
	if got := ps.Running(); len(got) != 2 {
		t.Errorf("after a failed list, running %q; want both still", got)
	}
	// a is removed
	set([]ingest.FeedSpec{{URL: b.URL + "/feed.xml"}}, nil)
	if got := ps.Running(); !slices.Equal(got, []string{b.URL + "/feed.xml"}) {
		t.Errorf("after removing a, running %q", got)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := a.n("/feed.xml"); n != 1 {
		t.Errorf("feed a polled %d times, want once", n)
	}
	select {
	case u := <-polled:
		t.Errorf("an unexpected poll of %s", u)
	default:
	}
}
