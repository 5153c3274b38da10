package ingest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/newsdesk/newsdesk/actors"
	"github.com/newsdesk/newsdesk/articles"
	"github.com/newsdesk/newsdesk/extract"
	"github.com/newsdesk/newsdesk/index"
	"github.com/newsdesk/newsdesk/ingest"
	"github.com/newsdesk/newsdesk/internal/admit"
	"github.com/newsdesk/newsdesk/news"
	"path/filepath"
)

// failingStore is the API's store failing with err.
type failingStore struct{ err error }

func (f failingStore) IngestAs(context.Context, string, string, []news.Article) (ingest.Result, error) {
	return ingest.Result{}, f.err
}

func postJSON(t *testing.T, h http.Handler, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/api/v1/articles", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer s3cret")
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// TestAPIRefusesOnFullDisk: a store failing with ENOSPC (however deeply
// wrapped) is answered 503 saying the disk is full, with one log line
// that says so; any other store failure is a plain 503. Nothing is
// acknowledged either way.
func TestAPIRefusesOnFullDisk(t *testing.T) {
	enospc := &os.PathError{Op: "write", Path: "/data/articles.db", Err: syscall.ENOSPC}
	for _, tc := range []struct {
		name    string
		err     error
		body    string
		logLine string
	}{
		{"ENOSPC from the article store", fmt.Errorf("store 1 articles from request: %w", fmt.Errorf("store 1 articles in /data/articles.db: %w", enospc)), "disk is full", "the disk is full (ENOSPC)"},
		{"ENOSPC joined", errors.Join(errors.New("index"), enospc), "disk is full", "the disk is full (ENOSPC)"},
		{"another failure", errors.New("store 1 articles: input/output error"), "could not store", "store failed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			h := &ingest.API{In: failingStore{tc.err}, Token: "s3cret", Log: slog.New(slog.NewTextHandler(&logs, nil))}
			rec := postJSON(t, h, `{"title":"FBI names APT31","text":"The FBI said APT31 did it.","date":"2024-04-01"}`)
			if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), tc.body) || strings.Contains(rec.Body.String(), `"added"`) {
				t.Errorf("status %d body %s; want 503 saying %q, nothing added", rec.Code, rec.Body, tc.body)
			}
			if n := strings.Count(logs.String(), "\n"); n != 1 || !strings.Contains(logs.String(), tc.logLine) {
				t.Errorf("log %q: want one line saying %q", logs.String(), tc.logLine)
			}
		})
	}
}

// fullDisk is an article store whose writes fail with ENOSPC while full.
type fullDisk struct {
	ingest.Records
	full atomic.Bool
}

func (f *fullDisk) Put(ctx context.Context, arts []news.Article) error {
	if f.full.Load() {
		return fmt.Errorf("store %d articles: %w", len(arts), &os.PathError{Op: "write", Path: "articles.db", Err: syscall.ENOSPC})
	}
	return f.Records.Put(ctx, arts)
}

// TestFullDiskKeepsSearching: while the disk is full ingestion is refused
// with 503 and nothing is acknowledged, searches answer from what was
// committed, and once space is back the same request succeeds.
func TestFullDiskKeepsSearching(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	rs, err := articles.Open(filepath.Join(dir, articles.FileName), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	ix, err := index.Open(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	disk := &fullDisk{Records: rs}
	in, err := ingest.New(ctx, disk, ix, extract.New(actors.Default()), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	h := &ingest.API{In: in, Token: "s3cret", Log: slog.New(slog.DiscardHandler)}
	first := `{"title":"FBI names APT31","text":"The FBI said APT31 hacked the network.","date":"2024-04-01"}`
	second := `{"title":"NCSC names APT40","text":"The NCSC said APT40 hacked the network.","date":"2024-04-02"}`
	if rec := postJSON(t, h, first); rec.Code != http.StatusOK {
		t.Fatalf("first ingest: %d %s", rec.Code, rec.Body)
	}
	disk.full.Store(true)
	rec := postJSON(t, h, second)
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "disk is full") {
		t.Fatalf("ingest on a full disk: %d %s", rec.Code, rec.Body)
	}
	res, err := ix.Search(ctx, news.Query{Type: news.TypeArticle, Text: "network", Size: 10})
	if err != nil || res.Total != 1 {
		t.Fatalf("search on a full disk: %v, %d hits, want the committed article", err, res.Total)
	}
	disk.full.Store(false)
	if rec := postJSON(t, h, second); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"added":["`) {
		t.Fatalf("ingest after space came back: %d %s", rec.Code, rec.Body)
	}
	if res, err := ix.Search(ctx, news.Query{Type: news.TypeArticle, Text: "network", Size: 10}); err != nil || res.Total != 2 {
		t.Errorf("after space came back: %v, %d hits, want 2", err, res.Total)
	}
}

// TestAPIJSONErrors: in a JSON array an error's line is the element's
// position counting every element, parsable or not; text that is not
// UTF-8 is refused (by element in an array), never silently repaired.
func TestAPIJSONErrors(t *testing.T) {
	in, ix := newIngester(t, t.TempDir())
	defer ix.Close()
	h := &ingest.API{In: in, Token: "s3cret", Log: slog.New(slog.DiscardHandler)}
	good := `{"title":"FBI names APT31","text":"The FBI said APT31 did it.","date":"2024-04-01"}`
	latin1 := "{\"title\":\"Caf\xe9 hacked\",\"text\":\"The NCSC said APT40 did it.\"}"
	type lineErr struct {
		Line  int    `json:"line"`
		Error string `json:"error"`
	}
	for _, tc := range []struct {
		name   string
		body   string
		status int
		added  int
		errs   []lineErr // line and a part of the message
	}{
		{"an unparsable element counts", "[" + good + `, 5, {"text":"no title here"}]`, 200, 1,
			[]lineErr{{2, "record 2: not a JSON record"}, {3, "record 3: no"}}},
		{"non-UTF-8 element refused by position", "[" + latin1 + ", " + good + "]", 200, 0,
			[]lineErr{{1, "not valid UTF-8"}}},
		{"non-UTF-8 record refused", latin1, 422, 0, []lineErr{{0, "not valid UTF-8"}}},
		{"non-UTF-8 outside any element", "[" + good + "]\xff", 422, 0, []lineErr{{0, "not valid UTF-8"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := postJSON(t, h, tc.body)
			var out struct {
				Added     []string  `json:"added"`
				Unchanged []string  `json:"unchanged"`
				Errors    []lineErr `json:"errors"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
				t.Fatalf("not JSON: %s", rec.Body)
			}
			if rec.Code != tc.status || len(out.Added) > tc.added || len(out.Errors) != len(tc.errs) {
				t.Fatalf("status %d %s; want %d with %d errors", rec.Code, rec.Body, tc.status, len(tc.errs))
			}
			for i, e := range tc.errs {
				if out.Errors[i].Line != e.Line || !strings.Contains(out.Errors[i].Error, e.Error) {
					t.Errorf("error %d: %+v, want line %d saying %q", i, out.Errors[i], e.Line, e.Error)
				}
			}
			for _, id := range out.Added {
				a, err := ix.Article(context.Background(), id)
				if err != nil || !utf8.ValidString(a.Title) || strings.ContainsRune(a.Title, utf8.RuneError) {
					t.Errorf("stored %q: %v", a.Title, err)
				}
			}
		})
	}
}

// okStore acknowledges every article.
type okStore struct{}

func (okStore) IngestAs(_ context.Context, _, _ string, arts []news.Article) (ingest.Result, error) {
	var r ingest.Result
	for _, a := range arts {
		r.Added = append(r.Added, a.Title)
	}
	return r, nil
}

// TestAPISaturated: when every ingestion slot is taken, a request is
// answered 429 with Retry-After (at once when the queue is full too, or
// once its wait for a slot ends), nothing stored; with a slot free it is
// served.
func TestAPISaturated(t *testing.T) {
	tests := []struct {
		name       string
		queue      int
		hold       bool
		retryAfter time.Duration
		status     int
		header     string
	}{
		{"slot free", -1, false, 0, http.StatusOK, ""},
		{"slots and queue full", -1, true, 0, http.StatusTooManyRequests, "5"},
		{"queued until the wait ends", 1, true, 1500 * time.Millisecond, http.StatusTooManyRequests, "2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pool := admit.New(admit.Config{Running: 1, Queue: tt.queue})
			if tt.hold {
				release, err := pool.Acquire(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				defer release()
			}
			api := &ingest.API{In: okStore{}, Token: "s3cret", Log: slog.New(slog.DiscardHandler),
				Admit: pool, QueueWait: time.Millisecond, RetryAfter: tt.retryAfter}
			rec := postJSON(t, api, `{"title":"Sanctions on APT31","text":"The UK sanctioned APT31.","date":"2024-03-25"}`)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
			if got := rec.Header().Get("Retry-After"); got != tt.header {
				t.Errorf("Retry-After %q, want %q", got, tt.header)
			}
			if tt.status == http.StatusTooManyRequests && !strings.Contains(rec.Body.String(), "busy") {
				t.Errorf("429 body does not say newsdesk is busy: %s", rec.Body)
			}
		})
	}
}
