package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	readability "codeberg.org/readeck/go-readability/v2"
	"github.com/temoto/robotstxt"
	"golang.org/x/time/rate"
)

// Agent is the product token robots.txt groups are matched against.
const Agent = "newsdesk"

// DefaultUserAgent names newsdesk and what it does with the page.
const DefaultUserAgent = "newsdesk/1 (+https://github.com/newsdesk/newsdesk; newsroom bot polling official feeds and fetching the full text of their items)"

// Defaults for Options left zero.
const (
	DefaultMaxBytes     = 5 << 20
	DefaultTimeout      = 30 * time.Second
	DefaultMaxRedirects = 5
	DefaultPerHost      = rate.Limit(1) // a request per second per host
	DefaultConcurrency  = 4
	DefaultRobotsTTL    = 24 * time.Hour
	// MinText is the least text that counts as an article.
	MinText = 200
)

// Clock is the time a Fetcher reads and waits on.
type Clock interface {
	Now() time.Time
	// Sleep waits d or until ctx is done.
	Sleep(ctx context.Context, d time.Duration) error
}

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }
func (systemClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Options bound a Fetcher; zero values take the defaults.
type Options struct {
	UserAgent    string
	MaxBytes     int64         // the size cap on a page (and on robots.txt)
	Timeout      time.Duration // for one page, robots.txt included
	MaxRedirects int
	PerHost      rate.Limit // requests per second to one host, robots.txt included
	Concurrency  int        // fetches in flight at once, over all hosts
	RobotsTTL    time.Duration
	Clock        Clock
}

// Page is a fetched article.
type Page struct {
	URL   string // after redirects
	Title string
	Text  string // paragraphs separated by blank lines
}

// Fetcher fetches pages politely. It is safe for concurrent use.
type Fetcher struct {
	client *http.Client
	opt    Options
	sem    chan struct{}

	mu     sync.Mutex
	hosts  map[string]*rate.Limiter
	robots map[string]robotsEntry
	seen   map[string]cached // validators and outcome of the last 200, by URL
}

type robotsEntry struct {
	data    *robotstxt.RobotsData
	fetched time.Time
}

type cached struct {
	etag, lastModified string
	page               Page
	err                error // the NoArticleError the page gave
}

// maxCached bounds the validators remembered.
const maxCached = 1024

// New returns a Fetcher using client (NewClient's, for anything but
// tests); the client is copied, and its redirect policy replaced.
func New(client *http.Client, opt Options) *Fetcher {
	if opt.UserAgent == "" {
		opt.UserAgent = DefaultUserAgent
	}
	if opt.MaxBytes <= 0 {
		opt.MaxBytes = DefaultMaxBytes
	}
	if opt.Timeout <= 0 {
		opt.Timeout = DefaultTimeout
	}
	if opt.MaxRedirects <= 0 {
		opt.MaxRedirects = DefaultMaxRedirects
	}
	if opt.PerHost == 0 {
		opt.PerHost = DefaultPerHost
	}
	if opt.Concurrency <= 0 {
		opt.Concurrency = DefaultConcurrency
	}
	if opt.RobotsTTL <= 0 {
		opt.RobotsTTL = DefaultRobotsTTL
	}
	if opt.Clock == nil {
		opt.Clock = systemClock{}
	}
	if client == nil {
		client = NewClient(false)
	}
	f := &Fetcher{
		opt:    opt,
		sem:    make(chan struct{}, opt.Concurrency),
		hosts:  map[string]*rate.Limiter{},
		robots: map[string]robotsEntry{},
		seen:   map[string]cached{},
	}
	c := *client
	c.CheckRedirect = f.checkRedirect
	f.client = &c
	return f
}

// checkRedirect bounds redirects, keeps them to http(s), and holds each hop
// to robots.txt and its host's rate limit like the first request.
func (f *Fetcher) checkRedirect(req *http.Request, via []*http.Request) error {
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return &RedirectError{URL: req.URL.String(), Max: f.opt.MaxRedirects, Why: "not http or https"}
	}
	if len(via) > f.opt.MaxRedirects {
		return &RedirectError{URL: req.URL.String(), Max: f.opt.MaxRedirects, Why: fmt.Sprintf("more than %d redirects", f.opt.MaxRedirects)}
	}
	if strings.HasSuffix(req.URL.Path, "/robots.txt") {
		return nil
	}
	if req.Context().Value(feedRequest{}) != nil {
		// a feed is published to be polled: robots.txt is for crawlers
		return f.wait(req.Context(), req.URL.Host)
	}
	if err := f.allowed(req.Context(), req.URL); err != nil {
		return err
	}
	return f.wait(req.Context(), req.URL.Host)
}

// Text fetches the page at rawURL and returns its article text.
func (f *Fetcher) Text(ctx context.Context, rawURL string) (string, error) {
	p, err := f.Fetch(ctx, rawURL)
	return p.Text, err
}

// Fetch fetches the page at rawURL and extracts its article. A page that
// answers 304 to the validators of an earlier fetch gives what that fetch
// gave.
func (f *Fetcher) Fetch(ctx context.Context, rawURL string) (Page, error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Page{}, &SchemeError{URL: rawURL}
	}
	ctx, cancel := context.WithTimeout(ctx, f.opt.Timeout)
	defer cancel()
	select {
	case f.sem <- struct{}{}:
	case <-ctx.Done():
		return Page{}, fmt.Errorf("fetch %s: %w", u, ctx.Err())
	}
	defer func() { <-f.sem }()

	if err := f.allowed(ctx, u); err != nil {
		return Page{}, err
	}
	return f.page(ctx, u)
}

// feedRequest marks the context of a feed fetch (Feed).
type feedRequest struct{}

// FeedAccept is the Accept header of a feed fetch.
const FeedAccept = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"

// Feed gets the feed at rawURL with a conditional GET: it sends the
// validators of the last fetch (etag, lastModified; either may be empty)
// and reports notModified on 304, with the validators unchanged. The feed
// is held to everything a page is (the address guard at dial, the size
// cap, the timeout, the host's rate limit, bounded http(s) redirects, the
// User-Agent) but robots.txt: a feed is published to be polled, and feed
// readers do not consult it. Refusals are the typed errors of Fetch.
func (f *Fetcher) Feed(ctx context.Context, rawURL, etag, lastModified string) (body []byte, newETag, newLastModified string, notModified bool, err error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, "", "", false, &SchemeError{URL: rawURL}
	}
	ctx, cancel := context.WithTimeout(context.WithValue(ctx, feedRequest{}, true), f.opt.Timeout)
	defer cancel()
	select {
	case f.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, "", "", false, fmt.Errorf("fetch feed %s: %w", u, ctx.Err())
	}
	defer func() { <-f.sem }()
	resp, err := f.get(ctx, u, func(h http.Header) {
		h.Set("Accept", FeedAccept)
		if etag != "" {
			h.Set("If-None-Match", etag)
		}
		if lastModified != "" {
			h.Set("If-Modified-Since", lastModified)
		}
	})
	if err != nil {
		return nil, "", "", false, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotModified {
		return nil, etag, lastModified, true, nil
	}
	if resp.StatusCode != http.StatusOK {
		return nil, "", "", false, &StatusError{URL: u.String(), Status: resp.StatusCode}
	}
	body, err = f.read(resp, resp.Request.URL.String())
	if err != nil {
		return nil, "", "", false, err
	}
	return body, resp.Header.Get("ETag"), resp.Header.Get("Last-Modified"), false, nil
}

func (f *Fetcher) page(ctx context.Context, u *url.URL) (Page, error) {
	key := u.String()
	f.mu.Lock()
	prev, havePrev := f.seen[key]
	f.mu.Unlock()
	resp, err := f.get(ctx, u, func(h http.Header) {
		h.Set("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1")
		if havePrev && prev.etag != "" {
			h.Set("If-None-Match", prev.etag)
		}
		if havePrev && prev.lastModified != "" {
			h.Set("If-Modified-Since", prev.lastModified)
		}
	})
	if err != nil {
		return Page{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotModified && havePrev {
		return prev.page, prev.err
	}
	if resp.StatusCode != http.StatusOK {
		return Page{}, &StatusError{URL: key, Status: resp.StatusCode}
	}
	final := resp.Request.URL
	body, err := f.read(resp, final.String())
	if err != nil {
		return Page{}, err
	}
	p, perr := extract(final, resp.Header.Get("Content-Type"), body)
	var noArt *NoArticleError
	if perr != nil && !errors.As(perr, &noArt) {
		return Page{}, perr
	}
	if etag, lm := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified"); etag != "" || lm != "" {
		f.mu.Lock()
		if len(f.seen) >= maxCached {
			for k := range f.seen { // forget one at random
				delete(f.seen, k)
				break
			}
		}
		f.seen[key] = cached{etag: etag, lastModified: lm, page: p, err: perr}
		f.mu.Unlock()
	}
	return p, perr
}

// get sends one GET after the host's rate limiter lets it.
func (f *Fetcher) get(ctx context.Context, u *url.URL, headers func(http.Header)) (*http.Response, error) {
	if err := f.wait(ctx, u.Host); err != nil {
		return nil, fmt.Errorf("fetch %s: %w", u, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, &SchemeError{URL: u.String()}
	}
	req.Header.Set("User-Agent", f.opt.UserAgent)
	if headers != nil {
		headers(req.Header)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", u, err)
	}
	return resp, nil
}

// wait takes a token from host's limiter, waiting on the clock.
func (f *Fetcher) wait(ctx context.Context, host string) error {
	if f.opt.PerHost == rate.Inf {
		return nil
	}
	f.mu.Lock()
	lim, ok := f.hosts[host]
	if !ok {
		lim = rate.NewLimiter(f.opt.PerHost, 1)
		f.hosts[host] = lim
	}
	now := f.opt.Clock.Now()
	r := lim.ReserveN(now, 1)
	f.mu.Unlock()
	if !r.OK() {
		return errors.New("rate limiter refused")
	}
	if d := r.DelayFrom(now); d > 0 {
		if err := f.opt.Clock.Sleep(ctx, d); err != nil {
			r.CancelAt(f.opt.Clock.Now())
			return err
		}
	}
	return nil
}

// read reads the body within the size cap.
func (f *Fetcher) read(resp *http.Response, at string) ([]byte, error) {
	if resp.ContentLength > f.opt.MaxBytes {
		return nil, &TooLargeError{URL: at, Limit: f.opt.MaxBytes, Size: resp.ContentLength}
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, f.opt.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("fetch %s: read: %w", at, err)
	}
	if int64(len(b)) > f.opt.MaxBytes {
		return nil, &TooLargeError{URL: at, Limit: f.opt.MaxBytes, Size: -1}
	}
	return b, nil
}

// allowed consults the host's robots.txt, fetched at most once per TTL.
func (f *Fetcher) allowed(ctx context.Context, u *url.URL) error {
	origin := u.Scheme + "://" + u.Host
	f.mu.Lock()
	e, ok := f.robots[origin]
	f.mu.Unlock()
	if !ok || f.opt.Clock.Now().Sub(e.fetched) >= f.opt.RobotsTTL {
		data, keep, err := f.fetchRobots(ctx, origin)
		if err != nil {
			return err
		}
		e = robotsEntry{data: data, fetched: f.opt.Clock.Now()}
		if keep {
			f.mu.Lock()
			f.robots[origin] = e
			f.mu.Unlock()
		}
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	if u.RawQuery != "" {
		path += "?" + u.RawQuery
	}
	if !e.data.TestAgent(path, Agent) {
		return &RobotsError{URL: u.String(), Agent: Agent}
	}
	return nil
}

// fetchRobots gets origin's robots.txt; keep is false for an answer not
// to be cached (a server error disallows everything, until the next try).
func (f *Fetcher) fetchRobots(ctx context.Context, origin string) (data *robotstxt.RobotsData, keep bool, err error) {
	ru, _ := url.Parse(origin + "/robots.txt")
	resp, err := f.get(ctx, ru, nil)
	if err != nil {
		return nil, false, fmt.Errorf("robots.txt: %w", err)
	}
	defer resp.Body.Close()
	body, err := f.read(resp, ru.String())
	if err != nil {
		return nil, false, err
	}
	// 2xx: the rules; 4xx: none; 5xx: everything disallowed for now
	data, err = robotstxt.FromStatusAndBytes(resp.StatusCode, body)
	if err != nil {
		// an unreadable robots.txt restricts nothing, as for crawlers at large
		data, _ = robotstxt.FromStatusAndBytes(http.StatusNotFound, nil)
	}
	return data, resp.StatusCode < 500, nil
}

// extract finds the article in an HTML page.
func extract(at *url.URL, contentType string, body []byte) (Page, error) {
	if contentType != "" {
		mt, _, err := mime.ParseMediaType(contentType)
		if err != nil || (mt != "text/html" && mt != "application/xhtml+xml") {
			return Page{}, &NoArticleError{URL: at.String(), Why: fmt.Sprintf("content type %q is not HTML", contentType)}
		}
	}
	parser := readability.NewParser()
	art, err := parser.Parse(bytes.NewReader(body), at)
	if err != nil || art.Node == nil {
		why := "readability found no article"
		if err != nil {
			why = err.Error()
		}
		return Page{}, &NoArticleError{URL: at.String(), Why: why}
	}
	var sb strings.Builder
	if err := art.RenderText(&sb); err != nil {
		return Page{}, &NoArticleError{URL: at.String(), Why: err.Error()}
	}
	text := paragraphs(sb.String())
	if len(text) < MinText {
		return Page{}, &NoArticleError{URL: at.String(), Why: fmt.Sprintf("only %d bytes of text", len(text))}
	}
	return Page{URL: at.String(), Title: strings.TrimSpace(art.Title()), Text: text}, nil
}

// paragraphs collapses white space within lines and separates the
// non-empty lines by blank lines.
func paragraphs(s string) string {
	var out []string
	for _, p := range strings.Split(s, "\n") {
		if p = strings.Join(strings.Fields(p), " "); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "\n\n")
}
