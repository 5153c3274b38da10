// Package testenv builds real newsdesk parts for tests in other packages:
// a *bot.Bot over a real Bleve index (in memory, or on disk in t.TempDir())
// holding the bundled sample corpus, with the real gazetteer and extractor.
// Adapters test against it so that their replies carry real hits.
//
// It is for tests only; production code must not import it.
package testenv

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/actors"
	"github.com/newsdesk/newsdesk/articles"
	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/extract"
	"github.com/newsdesk/newsdesk/index"
	"github.com/newsdesk/newsdesk/ingest"
	"github.com/newsdesk/newsdesk/internal/sample"
)

// Env is a bot with the parts under it.
type Env struct {
	Bot      *bot.Bot
	Records  *articles.Store
	Index    *index.Index
	Ingester *ingest.Ingester
	Actors   *actors.Gazetteer
}

// New returns an Env over an in-memory index loaded with the sample corpus.
func New(tb testing.TB) *Env {
	tb.Helper()
	ix, err := index.OpenMem(index.WithActors(actors.Default().All()))
	if err != nil {
		tb.Fatalf("open in-memory index: %v", err)
	}
	return build(tb, ix)
}

// NewOnDisk is New with the index on disk in a temporary directory.
func NewOnDisk(tb testing.TB) *Env {
	tb.Helper()
	ix, err := index.Open(filepath.Join(tb.TempDir(), "index"), index.WithActors(actors.Default().All()))
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
	rs, err := articles.Open(filepath.Join(tb.TempDir(), articles.FileName), 0)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { rs.Close() })
	e, err := load(ix, rs)
	if err != nil {
		tb.Fatal(err)
	}
	return e
}

// load fills the records and ix with the sample corpus and builds the bot
// over them.
func load(ix *index.Index, rs *articles.Store) (*Env, error) {
	ctx := context.Background()
	gaz := actors.Default()
	in, err := ingest.New(ctx, rs, ix, extract.New(gaz), nil)
	if err != nil {
		return nil, fmt.Errorf("ingester: %w", err)
	}
	res, err := in.FS(ctx, sample.FS())
	if err != nil {
		return nil, fmt.Errorf("ingest sample corpus: %w", err)
	}
	if len(res.Errors) > 0 {
		return nil, fmt.Errorf("sample corpus refused items: %v", res.Errors)
	}
	return &Env{Bot: &bot.Bot{Index: ix, Actors: gaz, Trends: ix, Now: func() time.Time { return Now }}, Records: rs, Index: ix, Ingester: in, Actors: gaz}, nil
}

// Now is the clock of the shared environment's bot: the sample corpus
// ends before it.
var Now = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

var (
	sharedOnce sync.Once
	shared     *Env
	sharedErr  error
)

// Shared returns one Env per test binary, built on first use and never
// closed: for tests that only read. Tests that ingest, subscribe or close
// must use New.
func Shared(tb testing.TB) *Env {
	tb.Helper()
	sharedOnce.Do(func() {
		ix, err := index.OpenMem(index.WithActors(actors.Default().All()))
		if err != nil {
			sharedErr = err
			return
		}
		dir, err := os.MkdirTemp("", "newsdesk-testenv-")
		if err != nil {
			sharedErr = err
			return
		}
		rs, err := articles.Open(filepath.Join(dir, articles.FileName), 0)
		if err != nil {
			sharedErr = err
			return
		}
		shared, sharedErr = load(ix, rs)
	})
	if sharedErr != nil {
		tb.Fatalf("shared test env: %v", sharedErr)
	}
	return shared
}
