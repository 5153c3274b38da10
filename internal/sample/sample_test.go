package sample_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/actors"
	"github.com/newsdesk/newsdesk/articles"
	"github.com/newsdesk/newsdesk/extract"
	"github.com/newsdesk/newsdesk/index"
	"github.com/newsdesk/newsdesk/ingest"
	"github.com/newsdesk/newsdesk/internal/sample"
	"github.com/newsdesk/newsdesk/news"
)

// TestSeedFillsOnlyAnEmptyCorpus seeds a fresh data directory once: the
// second call, and a call on a corpus holding one article of its own,
// leave it alone.
func TestSeedFillsOnlyAnEmptyCorpus(t *testing.T) {
	ctx := context.Background()
	open := func(t *testing.T) (*index.Index, *ingest.Ingester) {
		dir := t.TempDir()
		rs, err := articles.Open(filepath.Join(dir, articles.FileName), 0)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { rs.Close() })
		ix, err := index.Open(filepath.Join(dir, "index"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ix.Close() })
		in, err := ingest.New(ctx, rs, ix, extract.New(actors.Default()), nil)
		if err != nil {
			t.Fatal(err)
		}
		return ix, in
	}

	t.Run("empty", func(t *testing.T) {
		ix, in := open(t)
		var notice bytes.Buffer
		seeded, err := sample.Seed(ctx, ix, in, &notice, nil)
		if err != nil || !seeded {
			t.Fatalf("Seed on an empty corpus = %v, %v", seeded, err)
		}
		n, _ := ix.Count(ctx)
		if n < 30 {
			t.Errorf("the sample seeded %d articles, want the whole sample (over 30)", n)
		}
		if !strings.Contains(notice.String(), "NEWSDESK_SAMPLE=false") {
			t.Errorf("the notice does not say how to start empty: %q", notice.String())
		}
		again, err := sample.Seed(ctx, ix, in, nil, nil)
		if err != nil || again {
			t.Errorf("a second Seed = %v, %v: want nothing done", again, err)
		}
		if m, _ := ix.Count(ctx); m != n {
			t.Errorf("a second Seed changed the count from %d to %d", n, m)
		}
	})
	t.Run("not empty", func(t *testing.T) {
		ix, in := open(t)
		if _, err := in.Ingest(ctx, "test", []news.Article{{ID: "own", Title: "Own article", Body: "The FBI said APT31 did it.", Published: time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)}}); err != nil {
			t.Fatal(err)
		}
		seeded, err := sample.Seed(ctx, ix, in, nil, nil)
		if err != nil || seeded {
			t.Fatalf("Seed on a corpus of one = %v, %v: want nothing done", seeded, err)
		}
		if n, _ := ix.Count(ctx); n != 1 {
			t.Errorf("corpus holds %d articles, want its own 1", n)
		}
	})
}
