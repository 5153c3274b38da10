// Package sample embeds newsdesk's bundled sample corpus (the seed article
// and 32 White House statements on cyber attribution, see SOURCES.md)
// and seeds an empty data directory with it, so that a fresh install
// answers questions with no setup and no network.
package sample

import (
	"context"
	"embed"
	"fmt"
	"io"
	"io/fs"
	"log/slog"

	"github.com/newsdesk/newsdesk/ingest"
)

//go:embed data/*.txt data/*.jsonl
var files embed.FS

// FS returns the sample articles: *.txt articles and *.jsonl records.
func FS() fs.FS {
	sub, err := fs.Sub(files, "data")
	if err != nil {
		panic(err) // "data" is embedded above; this cannot fail
	}
	return sub
}

// Counter says how many articles a corpus holds: *index.Index satisfies it.
type Counter interface {
	Count(ctx context.Context) (uint64, error)
}

// Loader ingests a tree of article files: *ingest.Ingester satisfies it.
type Loader interface {
	FS(ctx context.Context, fsys fs.FS) (ingest.Result, error)
}

var (
	_ Loader = (*ingest.Ingester)(nil)
)

// Seed ingests the sample through in when c holds no article, telling
// notice first (nil: say nothing) and logging each sample item refused.
// It reports whether it seeded; a corpus holding anything is left alone.
func Seed(ctx context.Context, c Counter, in Loader, notice io.Writer, log *slog.Logger) (bool, error) {
	n, err := c.Count(ctx)
	if err != nil {
		return false, fmt.Errorf("count the articles before seeding the sample: %w", err)
	}
	if n > 0 {
		return false, nil
	}
	if notice != nil {
		fmt.Fprintln(notice, "newsdesk: indexing the bundled sample corpus (first run; set NEWSDESK_SAMPLE=false to start empty)…")
	}
	res, err := in.FS(ctx, FS())
	if err != nil {
		return false, fmt.Errorf("index the sample corpus: %w", err)
	}
	if log == nil {
		log = slog.Default()
	}
	for _, e := range res.Errors {
		log.Warn("sample corpus item refused", "err", e)
	}
	return true, nil
}
