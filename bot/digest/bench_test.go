package digest

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/index"
	"github.com/newsdesk/newsdesk/internal/corpusgen"
	"github.com/newsdesk/newsdesk/internal/procstat"
	"github.com/newsdesk/newsdesk/news"
	"github.com/newsdesk/newsdesk/state"
)

// BenchmarkWindowAndBuild10k: the whole digest of 10,000 new statements
// read from a real Bleve index on disk (scorch) in pages of the default
// size and built, with as many statements below the channel's watermark,
// so that the repeat check (dropRepeats) and claim merging run as they do
// for a channel's second digest; no posting.
//
// synthetic: 5,000 articles of four statements (200 actors), one date.
// corpus: internal/corpusgen's corpus of 40,000 statements (seed 1; real
// sentences, Zipf actors, dates rising with seq), the window being the
// newest 10,000 statements a digest holds; skipped without the corpus.
func BenchmarkWindowAndBuild10k(b *testing.B) {
	b.Run("synthetic", func(b *testing.B) {
		arts := make([]news.Article, 5000)
		for i := range arts {
			a := story(fmt.Sprintf("a%d", i), fmt.Sprintf("Actor%03d", i%200), fmt.Sprintf("w%d", i), published)
			a.Statements = append(a.Statements, a.Statements...) // four statements
			a.Seq = uint64(i + 1)
			arts[i] = a
		}
		benchWindow(b, arts, 2500)
	})
	b.Run("corpus", func(b *testing.B) {
		texts, err := corpusgen.Load("")
		if errors.Is(err, corpusgen.ErrNoCorpus) {
			b.Skip(err)
		}
		if err != nil {
			b.Fatal(err)
		}
		arts := texts.Generate(corpusgen.Options{Seed: 1, Statements: 40_000})
		// the watermark leaves the newest 10,000 digest statements
		watermark, n := uint64(0), 0
		for i := len(arts) - 1; i >= 0 && n < 10_000; i-- {
			for _, st := range arts[i].Statements {
				if st.Kind != news.Other {
					n++
				}
			}
			watermark = arts[i].Seq - 1
		}
		benchWindow(b, arts, watermark)
	})
}

func benchWindow(b *testing.B, arts []news.Article, watermark uint64) {
	ix, err := index.Open(filepath.Join(b.TempDir(), "index"))
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	for i := 0; i < len(arts); i += index.BatchSize {
		if err := ix.Put(ctx, arts[i:min(i+index.BatchSize, len(arts))]); err != nil {
			b.Fatal(err)
		}
	}
	st, err := state.Open(filepath.Join(b.TempDir(), "state.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	svc, err := New(Config{Store: st, Source: ix, Posters: map[string]Poster{"console": nil}, Log: quietLog()})
	if err != nil {
		b.Fatal(err)
	}
	sub := state.Subscription{Channel: "console:local", Max: 200, Watermark: watermark}
	last := arts[len(arts)-1].Seq
	b.ReportAllocs()
	cpu0 := procstat.CPU()
	for b.Loop() {
		w, err := svc.window(ctx, sub)
		if err != nil || len(w.hits) == 0 || w.maxSeq != last {
			b.Fatalf("window: %d hits up to seq %d (want %d), %v", len(w.hits), w.maxSeq, last, err)
		}
		svc.build(ctx, sub, w, time.Now(), extra{})
	}
	// CPU time beside wall time: on a shared machine the wall time holds
	// the waits for a core.
	b.ReportMetric(float64((procstat.CPU()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
}
