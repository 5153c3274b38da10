package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/news"
)

// feedSite serves feeds on loopback: /good.xml (one item with its full
// text, an ETag, 304 to it), /mixed.xml (that item and a summary whose
// page fails), /broken.xml (500) and /huge.xml (20 MB announced), and
// counts requests by path.
type feedSite struct {
	*httptest.Server
	mu          sync.Mutex
	hits        map[string]int
	conditional int
}

func (s *feedSite) n(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

const fullItem = `<item><title>Foreign Office statement on malicious cyber activity</title><link>%s/a/full</link><pubDate>Thu, 05 Sep 2024 10:00:00 +0000</pubDate><description><![CDATA[<p>The ministry said that APT28 had conducted a cyber espionage campaign against government networks since 2021.</p><p>%s</p>]]></description></item>`

func newFeedSite(t *testing.T) *feedSite {
	t.Helper()
	s := &feedSite{hits: map[string]int{}}
	filler := strings.Repeat("The campaign targeted ministries, parliaments and defence companies across Europe over several years. ", 12)
	rss := func(w http.ResponseWriter, items ...string) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Desk Wire</title>`+strings.Join(items, "")+`</channel></rss>`)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/good.xml", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == `"g1"` {
			s.mu.Lock()
			s.conditional++
			s.mu.Unlock()
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"g1"`)
		rss(w, fmt.Sprintf(fullItem, s.URL, filler))
	})
	mux.HandleFunc("/mixed.xml", func(w http.ResponseWriter, r *http.Request) {
		rss(w, fmt.Sprintf(fullItem, s.URL, filler),
			`<item><title>Short note</title><link>`+s.URL+`/a/broken</link><description>A summary whose page fails.</description></item>`)
	})
	mux.HandleFunc("/a/broken", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", http.StatusInternalServerError) })
	mux.HandleFunc("/broken.xml", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", http.StatusInternalServerError) })
	mux.HandleFunc("/huge.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", fmt.Sprint(20<<20))
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write([]byte("<rss>"))
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

// writeConfig writes a config file and points NEWSDESK_CONFIG at it, with
// no chat platform enabled.
func writeConfig(t *testing.T, yaml string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "newsdesk.yaml")
	if err := os.WriteFile(f, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("NEWSDESK_CONFIG", f)
	for _, v := range []string{"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "DISCORD_BOT_TOKEN", "NEWSDESK_API_TOKEN"} {
		t.Setenv(v, "")
	}
	return f
}

func articleCount(t *testing.T, data string) uint64 {
	t.Helper()
	a, err := open(context.Background(), globals{data: data}, io.Discard, true)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	n, err := a.ix.Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestFeedsCommands: list, add and remove from the command line, persisted
// in the state store; unknown names suggest the closest, and a feed of the
// config file cannot be removed from here.
func TestFeedsCommands(t *testing.T) {
	writeConfig(t, "feeds:\n  - name: ncsc-uk-news\n")
	data := t.TempDir()
	line := func(out, name string) string {
		for _, l := range strings.Split(out, "\n") {
			if f := strings.Fields(l); len(f) > 1 && f[1] == name {
				return l
			}
		}
		return ""
	}
	out, errs, code := newsdesk(t, data, "feeds", "list")
	if code != 0 || !strings.HasPrefix(line(out, "ncsc-uk-news"), "on ") || !strings.Contains(line(out, "ncsc-uk-news"), "config") ||
		!strings.HasPrefix(line(out, "cisa-advisories"), "off ") || !strings.Contains(out, "not verified from this machine") {
		t.Fatalf("list: exit %d\n%s%s", code, out, errs)
	}
	if !strings.Contains(line(out, "china-mfa-press"), "verify") {
		t.Errorf("a source to verify is not marked: %q", line(out, "china-mfa-press"))
	}
	steps := []struct {
		args     []string
		code     int
		out, err string
	}{
		{[]string{"add", "cisa-advisories"}, 0, "enabled cisa-advisories", ""},
		{[]string{"add", "cisa-advisories"}, 0, "enabled already", ""},
		{[]string{"add", "https://feeds.example.org/desk.xml"}, 0, "enabled https://feeds.example.org/desk.xml", ""},
		{[]string{"add", "ncsc-uk-news"}, 0, "already, in the config file", ""},
		{[]string{"add", "china-mfa-press"}, 0, "marked verify", ""},
		{[]string{"add", "cisa"}, exitUsage, "", "did you mean cisa-advisories or cisa-news?"},
		{[]string{"remove", "ncsc-uk-news"}, exitUsage, "", "enabled in the config file"},
		{[]string{"remove", "fcdo"}, exitUsage, "", "not enabled"},
		{[]string{"remove", "https://feeds.example.org/desk.xml"}, 0, "removed https://feeds.example.org/desk.xml", ""},
		{[]string{"frobnicate"}, exitUsage, "", "usage: newsdesk feeds"},
		{[]string{"add"}, exitUsage, "", "usage: newsdesk feeds"},
	}
	for _, st := range steps {
		out, errs, code := newsdesk(t, data, append([]string{"feeds"}, st.args...)...)
		if code != st.code || !strings.Contains(out, st.out) || !strings.Contains(errs, st.err) {
			t.Errorf("feeds %s: exit %d, out %q, err %q; want exit %d, %q, %q", strings.Join(st.args, " "), code, out, errs, st.code, st.out, st.err)
		}
	}
	out, _, _ = newsdesk(t, data, "feeds", "list")
	if !strings.HasPrefix(line(out, "cisa-advisories"), "on ") || strings.Contains(out, "desk.xml") {
		t.Errorf("after the steps:\n%s", out)
	}
	// chat's feeds command (here through ask) sees the same feeds
	out, errs, code = newsdesk(t, data, "ask", "feeds list")
	if code != 0 || !strings.Contains(out, "Enabled (3)") || !strings.Contains(out, "cisa-advisories") {
		t.Errorf("ask feeds list: exit %d\n%s%s", code, out, errs)
	}
}

// TestConfigUnknownFeedName: a config naming a source the catalog lacks is
// refused with the closest names.
func TestConfigUnknownFeedName(t *testing.T) {
	writeConfig(t, "feeds:\n  - name: ncsc-uk-nws\n")
	_, errs, code := newsdesk(t, t.TempDir(), "config", "check")
	if code != exitUsage || !strings.Contains(errs, "feeds[0].name") || !strings.Contains(errs, "did you mean ncsc-uk-news") {
		t.Errorf("config check: exit %d, %q", code, errs)
	}
}

// TestFeedsPoll polls loopback feeds once each through the normal ingest
// path (fetch.allow_private set): what was ingested, skipped and failed is
// said with reasons; a second poll is a conditional GET answered 304 that
// ingests nothing; a 500 and an oversized feed each fail with their reason
// and lose nothing.
func TestFeedsPoll(t *testing.T) {
	writeConfig(t, "fetch: {allow_private: true}\n")
	site := newFeedSite(t)
	data := t.TempDir()
	before := articleCount(t, data)

	out, errs, code := newsdesk(t, data, "feeds", "poll", site.URL+"/good.xml")
	if code != 0 || !strings.Contains(out, "ingested 1 (1 added") || !strings.Contains(out, "failed 0") {
		t.Fatalf("first poll: exit %d\n%s%s", code, out, errs)
	}
	after := articleCount(t, data)
	if after != before+1 {
		t.Errorf("articles %d → %d, want one added", before, after)
	}
	out, errs, code = newsdesk(t, data, "feeds", "poll", site.URL+"/good.xml")
	if code != 0 || !strings.Contains(out, "not modified (304)") || site.conditional != 1 {
		t.Errorf("second poll: exit %d, %d conditional requests\n%s%s", code, site.conditional, out, errs)
	}
	if n := articleCount(t, data); n != after {
		t.Errorf("a 304 changed the articles: %d → %d", after, n)
	}

	out, errs, code = newsdesk(t, data, "feeds", "poll", site.URL+"/mixed.xml")
	if code != 0 || !strings.Contains(out, "ingested 1 (1 added") || !strings.Contains(out, "skipped 1 (1 unchanged") ||
		!strings.Contains(out, "failed 1") || !strings.Contains(out, "reason=http_status") || !strings.Contains(out, "its summary was ingested") {
		t.Errorf("mixed feed: exit %d\n%s%s", code, out, errs)
	}
	after++
	for _, tt := range []struct{ path, reason string }{{"/broken.xml", "http_status"}, {"/huge.xml", "too_large"}} {
		out, errs, code = newsdesk(t, data, "feeds", "poll", site.URL+tt.path)
		if code != exitError || !strings.Contains(out, "reason="+tt.reason) || !strings.Contains(out, "nothing was ingested") ||
			!strings.Contains(errs, "reason="+tt.reason) {
			t.Errorf("%s: exit %d\n%s%s", tt.path, code, out, errs)
		}
	}
	if n := articleCount(t, data); n != after {
		t.Errorf("articles %d after the failed feeds, want %d", n, after)
	}
	// the good feed's cursor survived them: still 304
	if out, _, _ := newsdesk(t, data, "feeds", "poll", site.URL+"/good.xml"); !strings.Contains(out, "not modified (304)") {
		t.Errorf("good feed after the failures:\n%s", out)
	}
}

// TestFeedsPollRefusesLoopback: without fetch.allow_private a feed on
// 127.0.0.1 is refused at dial time, with the reason logged and said.
func TestFeedsPollRefusesLoopback(t *testing.T) {
	writeConfig(t, "")
	site := newFeedSite(t)
	out, errs, code := newsdesk(t, t.TempDir(), "feeds", "poll", site.URL+"/good.xml")
	if code != exitError || !strings.Contains(out, "reason=blocked_address") || !strings.Contains(errs, "reason=blocked_address") ||
		!strings.Contains(out, "allow_private: true") {
		t.Errorf("exit %d\n%s%s", code, out, errs)
	}
	if n := site.n("/good.xml"); n != 0 {
		t.Errorf("the loopback server saw %d requests, want none", n)
	}
}

// TestServeIngestOnly: serve with no chat platform enabled still polls the
// feeds (the config's, here), ingesting through the article store and the
// index.
func TestServeIngestOnly(t *testing.T) {
	site := newFeedSite(t)
	cfgFile := writeConfig(t, "fetch: {allow_private: true}\nfeeds:\n  - url: "+site.URL+"/good.xml\n")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, err := open(ctx, globals{data: t.TempDir(), config: cfgFile}, io.Discard, true)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	polled := make(chan string, 10)
	a.feedPolled = func(outcome string) { polled <- outcome }
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- serve(ctx, a, ln) }()
	select {
	case o := <-polled:
		if o != "ok" {
			t.Fatalf("first poll: %s", o)
		}
	case err := <-done:
		t.Fatalf("serve stopped: %v", err)
	case <-time.After(30 * time.Second): // a deadline, not a wait: the poll starts at once
		t.Fatal("serve did not poll the feed")
	}
	res, err := a.ix.Search(ctx, news.Query{Text: "APT28", Size: 5})
	if err != nil || res.Total == 0 || res.Hits[0].Statement == nil || !strings.Contains(res.Hits[0].Source.URL, "/a/full") {
		t.Errorf("the feed's statement is not searchable: %v %+v", err, res)
	}
	if rec, err := a.rs.Len(ctx); err != nil || rec == 0 {
		t.Errorf("article store: %d, %v", rec, err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestReindexKeepsSequence(t *testing.T) {
	t.Setenv("NEWSDESK_CONFIG", "")
	data := t.TempDir()
	ctx := context.Background()
	a, err := open(ctx, globals{data: data}, io.Discard, true)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := a.ix.Count(ctx)
	seq, _ := a.ix.MaxSeq(ctx)
	a.Close()
	out, errs, code := newsdesk(t, data, "reindex")
	if code != 0 || !strings.Contains(out, "reindexed") {
		t.Fatalf("reindex: exit %d out %q err %q", code, out, errs)
	}
	a, err = open(ctx, globals{data: data}, io.Discard, true)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	n2, _ := a.ix.Count(ctx)
	seq2, _ := a.ix.MaxSeq(ctx)
	if n2 != n || seq2 != seq || !strings.Contains(out, "reindexed "+itoa(n)+" articles") {
		t.Errorf("reindex changed the corpus: %d articles seq %d → %d articles seq %d (%q)", n, seq, n2, seq2, out)
	}
}

func TestHealthcheckFailsWithoutServer(t *testing.T) {
	t.Setenv("NEWSDESK_CONFIG", "")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	t.Setenv("NEWSDESK_LISTEN", addr)
	if _, errs, code := newsdesk(t, t.TempDir(), "healthcheck"); code == 0 || !strings.Contains(errs, "unhealthy") {
		t.Errorf("exit %d stderr %q, want unhealthy", code, errs)
	}
}
