package fetch_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/newsdesk/newsdesk/fetch"
)

// fakeClock advances only when slept on.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(_ context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	return nil
}

const story = "The National Cyber Security Centre assessed that APT31 targeted parliamentarians in 2021."

func articleHTML(title string, paras ...string) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "<!doctype html><html><head><title>%s</title></head><body><nav><a href=\"/\">Home</a> <a href=\"/news\">News</a></nav><article><h1>%s</h1>", title, title)
	for _, p := range paras {
		fmt.Fprintf(&sb, "<p>%s</p>", p)
	}
	sb.WriteString("</article><footer>Copyright, cookies and contact details.</footer></body></html>")
	return sb.String()
}

var filler = []string{
	"Officials from several governments spoke at length on Monday about a campaign of intrusions that they said had lasted for years and reached deep into public institutions.",
	"The statement described the methods used, the infrastructure that carried the traffic and the steps that network defenders should take to find traces of the activity.",
	"Ministers said that further measures would follow and that allies had been briefed in advance of the announcement, which was coordinated across several capitals.",
}

// site serves robots.txt, articles and the failure cases, counting
// requests by path.
type site struct {
	mu   sync.Mutex
	hits map[string]int
	ua   []string
}

func (s *site) count(r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hits[r.URL.Path]++
	s.ua = append(s.ua, r.UserAgent())
}

func (s *site) n(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

func newSite(t *testing.T) (*site, *httptest.Server) {
	s := &site{hits: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		s.count(r)
		fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n\nUser-agent: newsdesk\nDisallow: /members/\nAllow: /members/open\n")
	})
	page := articleHTML("Attribution", append([]string{story}, filler...)...)
	mux.HandleFunc("/news/apt31", func(w http.ResponseWriter, r *http.Request) {
		s.count(r)
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, page)
	})
	mux.HandleFunc("/members/open", func(w http.ResponseWriter, r *http.Request) {
		s.count(r)
		fmt.Fprint(w, page)
	})
	mux.HandleFunc("/members/closed", func(w http.ResponseWriter, r *http.Request) { s.count(r); fmt.Fprint(w, page) })
	mux.HandleFunc("/broken", func(w http.ResponseWriter, r *http.Request) {
		s.count(r)
		http.Error(w, "boom", http.StatusInternalServerError)
	})
	big := func(announce bool) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			s.count(r)
			const size = 20 << 20
			if announce {
				w.Header().Set("Content-Length", fmt.Sprint(size))
			}
			w.Header().Set("Content-Type", "text/html")
			chunk := []byte(strings.Repeat("<p>padding</p>", 1<<10))
			for n := 0; n+len(chunk) <= size; n += len(chunk) {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}
	}
	mux.HandleFunc("/big", big(true))
	mux.HandleFunc("/big-chunked", big(false))
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) {
		s.count(r)
		http.Redirect(w, r, "/loop", http.StatusFound)
	})
	mux.HandleFunc("/to-ftp", func(w http.ResponseWriter, r *http.Request) {
		s.count(r)
		http.Redirect(w, r, "ftp://example.org/file", http.StatusFound)
	})
	mux.HandleFunc("/to-closed", func(w http.ResponseWriter, r *http.Request) {
		s.count(r)
		http.Redirect(w, r, "/members/closed", http.StatusFound)
	})
	mux.HandleFunc("/feed.json", func(w http.ResponseWriter, r *http.Request) {
		s.count(r)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"a":1}`)
	})
	mux.HandleFunc("/stub", func(w http.ResponseWriter, r *http.Request) {
		s.count(r)
		fmt.Fprint(w, "<html><body><p>Short.</p></body></html>")
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return s, srv
}

func TestFetch(t *testing.T) {
	_, srv := newSite(t)
	tests := []struct {
		name         string
		path         string
		allowPrivate bool
		want         any // nil: success; else a pointer to the error type expected
		text         string
	}{
		{"article", "/news/apt31", true, nil, story},
		{"allowed for newsdesk by an Allow line", "/members/open", true, nil, story},
		{"500", "/broken", true, new(*fetch.StatusError), ""},
		{"20 MB, announced", "/big", true, new(*fetch.TooLargeError), ""},
		{"20 MB, chunked", "/big-chunked", true, new(*fetch.TooLargeError), ""},
		{"redirect loop", "/loop", true, new(*fetch.RedirectError), ""},
		{"redirect to ftp", "/to-ftp", true, new(*fetch.RedirectError), ""},
		{"robots.txt Disallow for newsdesk", "/members/closed", true, new(*fetch.RobotsError), ""},
		{"redirect to a page robots.txt disallows", "/to-closed", true, new(*fetch.RobotsError), ""},
		{"not HTML", "/feed.json", true, new(*fetch.NoArticleError), ""},
		{"no article in it", "/stub", true, new(*fetch.NoArticleError), ""},
		{"loopback not allowed", "/news/apt31", false, new(*fetch.BlockedAddressError), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := fetch.New(fetch.NewClient(tt.allowPrivate), fetch.Options{PerHost: rate.Inf, Clock: &fakeClock{}})
			p, err := f.Fetch(context.Background(), srv.URL+tt.path)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Fetch: %v", err)
				}
				if !strings.Contains(p.Text, tt.text) {
					t.Errorf("text = %q, want it to hold %q", p.Text, tt.text)
				}
				if strings.Contains(p.Text, "cookies") || strings.Contains(p.Text, "Home") {
					t.Errorf("text keeps the page's furniture: %q", p.Text)
				}
				return
			}
			if err == nil {
				t.Fatalf("Fetch = %q, want an error", p.Text)
			}
			switch w := tt.want.(type) {
			case **fetch.StatusError:
				if !errors.As(err, w) || (*w).Status != 500 {
					t.Errorf("err = %v (%T), want a StatusError 500", err, err)
				}
			case **fetch.TooLargeError:
				if !errors.As(err, w) || (*w).Limit != fetch.DefaultMaxBytes {
					t.Errorf("err = %v (%T), want a TooLargeError", err, err)
				}
			case **fetch.RedirectError:
				if !errors.As(err, w) {
					t.Errorf("err = %v (%T), want a RedirectError", err, err)
				}
			case **fetch.RobotsError:
				if !errors.As(err, w) {
					t.Errorf("err = %v (%T), want a RobotsError", err, err)
				}
			case **fetch.NoArticleError:
				if !errors.As(err, w) {
					t.Errorf("err = %v (%T), want a NoArticleError", err, err)
				}
			case **fetch.BlockedAddressError:
				if !errors.As(err, w) || !(*w).Address.IsLoopback() {
					t.Errorf("err = %v (%T), want a BlockedAddressError for a loopback address", err, err)
				}
			}
		})
	}
}

func TestFetchRefusesSchemes(t *testing.T) {
	f := fetch.New(nil, fetch.Options{Clock: &fakeClock{}})
	for _, u := range []string{"ftp://example.org/a", "file:///etc/passwd", "/relative", "javascript:alert(1)", ""} {
		var se *fetch.SchemeError
		if _, err := f.Fetch(context.Background(), u); !errors.As(err, &se) {
			t.Errorf("Fetch(%q) = %v, want a SchemeError", u, err)
		}
	}
}

func TestFetchPoliteness(t *testing.T) {
	s, srv := newSite(t)
	clock := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	f := fetch.New(fetch.NewClient(true), fetch.Options{PerHost: rate.Every(2 * time.Second), Clock: clock})
	ctx := context.Background()
	for range 2 {
		p, err := f.Fetch(ctx, srv.URL+"/news/apt31")
		if err != nil || !strings.Contains(p.Text, story) {
			t.Fatalf("Fetch = %q, %v", p.Text, err)
		}
	}
	if n := s.n("/robots.txt"); n != 1 {
		t.Errorf("robots.txt fetched %d times, want once (cached)", n)
	}
	if n := s.n("/news/apt31"); n != 2 {
		t.Errorf("page requested %d times, want 2 (the second conditional, answered 304)", n)
	}
	// robots.txt at 0s, the page at 2s, again at 4s
	if want := []time.Duration{2 * time.Second, 2 * time.Second}; fmt.Sprint(clock.sleeps) != fmt.Sprint(want) {
		t.Errorf("waited %v, want %v (one request per 2s per host)", clock.sleeps, want)
	}
	for _, ua := range s.ua {
		if !strings.HasPrefix(ua, "newsdesk/") {
			t.Errorf("User-Agent %q does not name newsdesk", ua)
		}
	}
	// robots.txt is fetched again once its TTL has passed
	clock.Sleep(ctx, fetch.DefaultRobotsTTL)
	if _, err := f.Fetch(ctx, srv.URL+"/news/apt31"); err != nil {
		t.Fatal(err)
	}
	if n := s.n("/robots.txt"); n != 2 {
		t.Errorf("robots.txt fetched %d times after its TTL, want 2", n)
	}
}

func TestPublic(t *testing.T) {
	tests := []struct {
		ip   string
		want bool
	}{
		{"93.184.216.34", true},
		{"2606:2800:220:1:248:1893:25c8:1946", true},
		{"127.0.0.1", false},
		{"10.1.2.3", false},
		{"172.16.0.1", false},
		{"192.168.1.1", false},
		{"169.254.169.254", false},
		{"100.64.0.1", false},
		{"0.0.0.0", false},
		{"::1", false},
		{"fe80::1", false},
		{"fc00::1", false},
		{"::ffff:127.0.0.1", false},
		{"64:ff9b::7f00:1", false},
		{"224.0.0.1", false},
	}
	for _, tt := range tests {
		if got := fetch.Public(netipMust(tt.ip)); got != tt.want {
			t.Errorf("Public(%s) = %v, want %v", tt.ip, got, tt.want)
		}
	}
}

// A name is checked on the address it resolves to, at dial time: localhost
// is refused like 127.0.0.1.
func TestFetchChecksResolvedAddress(t *testing.T) {
	s, srv := newSite(t)
	f := fetch.New(fetch.NewClient(false), fetch.Options{PerHost: rate.Inf, Clock: &fakeClock{}})
	u := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1) + "/news/apt31"
	var be *fetch.BlockedAddressError
	if _, err := f.Fetch(context.Background(), u); !errors.As(err, &be) || !be.Address.IsLoopback() {
		t.Fatalf("Fetch(%s) = %v, want a BlockedAddressError", u, err)
	}
	if n := s.n("/robots.txt") + s.n("/news/apt31"); n != 0 {
		t.Errorf("the server saw %d requests, want none", n)
	}
}

// TestFeed: a feed is fetched under the same guard as a page: the
// validators are sent back (a 304 is not modified), an error status, an
// oversized body, a bad redirect and a non-http(s) link are typed
// refusals, the User-Agent names newsdesk, and robots.txt is not asked.
func TestFeed(t *testing.T) {
	s, srv := newSite(t)
	const rss = `<?xml version="1.0"?><rss version="2.0"><channel><title>News</title></channel></rss>`
	var mu sync.Mutex
	var validators []string
	mux := http.NewServeMux()
	mux.HandleFunc("/feed.xml", func(w http.ResponseWriter, r *http.Request) {
		s.count(r)
		mu.Lock()
		validators = append(validators, r.Header.Get("If-None-Match")+"|"+r.Header.Get("If-Modified-Since"))
		mu.Unlock()
		if r.Header.Get("If-None-Match") == `"f1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"f1"`)
		w.Header().Set("Last-Modified", "Mon, 25 Mar 2024 10:00:00 GMT")
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, rss)
	})
	mux.HandleFunc("/private/feed.xml", func(w http.ResponseWriter, r *http.Request) { s.count(r); fmt.Fprint(w, rss) })
	feeds := httptest.NewServer(mux)
	t.Cleanup(feeds.Close)
	f := fetch.New(fetch.NewClient(true), fetch.Options{PerHost: rate.Inf, Clock: &fakeClock{}, MaxBytes: 1 << 20})
	ctx := context.Background()

	body, etag, lm, nm, err := f.Feed(ctx, feeds.URL+"/feed.xml", "", "")
	if err != nil || nm || string(body) != rss || etag != `"f1"` || lm != "Mon, 25 Mar 2024 10:00:00 GMT" {
		t.Fatalf("first fetch: %q %q %q %v %v", body, etag, lm, nm, err)
	}
	body, etag2, lm2, nm, err := f.Feed(ctx, feeds.URL+"/feed.xml", etag, lm)
	if err != nil || !nm || body != nil || etag2 != etag || lm2 != lm {
		t.Fatalf("second fetch: %q %q %q %v %v, want not modified with the validators kept", body, etag2, lm2, nm, err)
	}
	mu.Lock()
	if want := []string{"|", `"f1"|Mon, 25 Mar 2024 10:00:00 GMT`}; !slices.Equal(validators, want) {
		t.Errorf("validators sent %q, want %q", validators, want)
	}
	mu.Unlock()
	if _, _, _, _, err := f.Feed(ctx, feeds.URL+"/private/feed.xml", "", ""); err != nil {
		t.Errorf("a feed under a robots.txt Disallow: %v, want it fetched (robots.txt is for crawlers)", err)
	}
	if n := s.n("/robots.txt"); n != 0 {
		t.Errorf("robots.txt asked %d times for feeds, want none", n)
	}
	if n := s.n("/private/feed.xml"); n != 1 {
		t.Errorf("the disallowed feed was asked %d times, want 1", n)
	}
	for _, ua := range s.ua {
		if !strings.HasPrefix(ua, "newsdesk/") {
			t.Errorf("User-Agent %q does not name newsdesk", ua)
		}
	}

	var status *fetch.StatusError
	var tooLarge *fetch.TooLargeError
	var redirect *fetch.RedirectError
	var scheme *fetch.SchemeError
	refusals := []struct {
		path string
		as   any
	}{
		{"/broken", &status},
		{"/big", &tooLarge},
		{"/big-chunked", &tooLarge},
		{"/loop", &redirect},
		{"/to-ftp", &redirect},
	}
	for _, tt := range refusals {
		t.Run(tt.path, func(t *testing.T) {
			if _, _, _, _, err := f.Feed(ctx, srv.URL+tt.path, "", ""); !errors.As(err, tt.as) {
				t.Errorf("Feed(%s) = %v, want %T", tt.path, err, tt.as)
			}
		})
	}
	if _, _, _, _, err := f.Feed(ctx, "file:///etc/passwd", "", ""); !errors.As(err, &scheme) {
		t.Errorf("Feed(file:) = %v, want a SchemeError", err)
	}
}

// TestFeedRefusesLoopback: without allow_private a loopback feed is refused
// at dial time, before the server sees a request.
func TestFeedRefusesLoopback(t *testing.T) {
	s, srv := newSite(t)
	f := fetch.New(fetch.NewClient(false), fetch.Options{PerHost: rate.Inf, Clock: &fakeClock{}})
	var be *fetch.BlockedAddressError
	if _, _, _, _, err := f.Feed(context.Background(), srv.URL+"/news/apt31", "", ""); !errors.As(err, &be) || !be.Address.IsLoopback() || be.Reason() != "blocked_address" {
		t.Fatalf("Feed = %v, want a BlockedAddressError for the loopback address", err)
	}
	if n := s.n("/news/apt31"); n != 0 {
		t.Errorf("the server saw %d requests, want none", n)
	}
}
