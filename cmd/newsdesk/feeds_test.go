package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/internal/metrics"
	"github.com/newsdesk/newsdesk/state"
)

// TestFeedPoller polls a loopback feed twice: the first poll ingests its
// item and keeps the ETag, the second is a conditional request answered
// 304 that changes nothing.
func TestFeedPoller(t *testing.T) {
	t.Setenv("NEWSDESK_CONFIG", "")
	feed, err := os.ReadFile("../../ingest/testdata/feed.xml")
	if err != nil {
		t.Fatal(err)
	}
	var gets, conditional atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gets.Add(1)
		if r.Header.Get("If-None-Match") == `"v1"` {
			conditional.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(feed)
	}))
	defer srv.Close()

	data := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, err := open(ctx, globals{data: data}, io.Discard, true)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	st, err := state.Open(filepath.Join(data, "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	before, _ := a.ix.Count(ctx)

	done := make(chan error)
	go func() { done <- feedPoller(a, st, metrics.New(), nil, srv.URL, time.Minute)(ctx) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		cur, _ := st.FeedCursor(ctx, srv.URL)
		if cur.ETag == `"v1"` {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the first poll did not store the feed's ETag")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	after, _ := a.ix.Count(context.Background())
	if after != before+1 {
		t.Errorf("articles %d → %d, want the feed's one item added", before, after)
	}
	res, err := a.ix.Search(context.Background(), searchArticles("Electoral Commission"))
	if err != nil || res.Total == 0 || !strings.Contains(res.Hits[0].Source.URL, "example.org/feed/1") {
		t.Errorf("feed item not searchable: %v %+v", err, res)
	}

	// a second poller run sends the validator and ingests nothing
	ctx2, cancel2 := context.WithCancel(context.Background())
	go func() { done <- feedPoller(a, st, metrics.New(), nil, srv.URL, time.Minute)(ctx2) }()
	for conditional.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel2()
	<-done
	if conditional.Load() != 1 {
		t.Errorf("conditional requests = %d, want 1", conditional.Load())
	}
	if n, _ := a.ix.Count(context.Background()); n != after {
		t.Errorf("a 304 changed the index: %d → %d", after, n)
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
