// Package testenv builds real newsdesk parts for tests in other packages:
// a *bot.Bot over a real Bleve index (in memory, or on disk in t.TempDir())
// holding the bundled sample corpus, with the real gazetteer and extractor.
// Adapters test against it so that their replies carry real hits.
//
// It is for tests only; production code must not import it.
package testenv

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/newsdesk/newsdesk/actors"
	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/extract"
	"github.com/newsdesk/newsdesk/index"
	"github.com/newsdesk/newsdesk/ingest"
	"github.com/newsdesk/newsdesk/internal/sample"
)

// Env is a bot with the parts under it.
type Env struct {
	Bot      *bot.Bot
	Index    *index.Index
	Ingester *ingest.Ingester
	Actors   *actors.Gazetteer
}

// New returns an Env over an in-memory index loaded with the sample corpus.
func New(tb testing.TB) *Env {
	tb.Helper()
	ix, err := index.OpenMem()
	if err != nil {
		tb.Fatalf("open in-memory index: %v", err)
	}
	return build(tb, ix)
}

// NewOnDisk is New with the index on disk in a temporary directory.
func NewOnDisk(tb testing.TB) *Env {
	tb.Helper()
	ix, err := index.Open(filepath.Join(tb.TempDir(), "index"))
	if err != nil {
		tb.Fatalf("open index: %v", err)
	}
	return build(tb, ix)
}

// NewBot is New(tb).Bot.
func NewBot(tb testing.TB) *bot.Bot {
	tb.Helper()
	return New(tb).Bot
}

func build(tb testing.TB, ix *index.Index) *Env {
	tb.Helper()
	tb.Cleanup(func() { ix.Close() })
	ctx := context.Background()
	gaz := actors.Default()
	in, err := ingest.New(ctx, ix, extract.New(gaz), nil)
	if err != nil {
		tb.Fatalf("ingester: %v", err)
	}
	res, err := in.FS(ctx, sample.FS())
	if err != nil {
		tb.Fatalf("ingest sample corpus: %v", err)
	}
	if len(res.Errors) > 0 {
		tb.Fatalf("sample corpus refused items: %v", res.Errors)
	}
	return &Env{
		Bot:      &bot.Bot{Index: ix, Actors: gaz},
		Index:    ix,
		Ingester: in,
		Actors:   gaz,
	}
}
