package ingest

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/newsdesk/newsdesk/index"
	"github.com/newsdesk/newsdesk/news"
)

// Reindex rebuilds the index at path from the records (the system of
// record), with the current mapping: `newsdesk reindex` and, with ex nil,
// `newsdesk repair`. With an extractor, every article an older extractor
// version produced is re-extracted first (Reextract: statements keep their
// seqs) and written back to the records. The index may be damaged or
// missing; the old one is kept (RebuildInfo.OldPath). It returns how many
// articles were re-extracted. The records must be held by the caller and
// no newsdesk may be running on the index. opts are the new index's
// (index.WithActors: its mention tags).
func Reindex(ctx context.Context, records Records, path string, ex Extractor, log *slog.Logger, opts ...index.Option) (index.RebuildInfo, int, error) {
	return ReindexProgress(ctx, records, path, ex, log, nil, opts...)
}

// ReindexProgress is Reindex calling report (when not nil) with the number
// of articles read from the records so far.
func ReindexProgress(ctx context.Context, records Records, path string, ex Extractor, log *slog.Logger, report func(done int), opts ...index.Option) (index.RebuildInfo, int, error) {
	if log == nil {
		log = slog.Default()
	}
	var pending []news.Article
	size, redone := 0, 0 // size: pending's TextBytes
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		if err := records.Put(ctx, pending); err != nil {
			return fmt.Errorf("store re-extracted articles: %w", err)
		}
		redone += len(pending)
		pending, size = pending[:0], 0
		return nil
	}
	var transform func(news.Article) (news.Article, error)
	if ex != nil {
		transform = func(a news.Article) (news.Article, error) {
			if a.Extractor == ex.Version() {
				return a, nil
			}
			b, err := Reextract(ctx, ex, a)
			if err != nil {
				log.Warn("reindex: extraction refused a stored article; keeping its old statements", "id", a.ID, "err", err)
				return a, nil
			}
			if !index.Fits(len(pending), size, b) {
				if err := flush(); err != nil {
					return a, err
				}
			}
			pending = append(pending, b)
			size += index.TextBytes(b)
			return b, nil
		}
	}
	src := func(ctx context.Context, fn func(news.Article) error) error {
		done := 0
		return records.Each(ctx, 0, func(a news.Article) error {
			err := fn(a)
			if done++; report != nil {
				report(done)
			}
			return err
		})
	}
	info, err := index.RebuildFrom(ctx, path, src, transform, opts...)
	logRebuild(log, path, info, err)
	if ferr := flush(); err == nil {
		err = ferr
	}
	if err == nil {
		// the new index holds every record as stored now
		var ids []string
		if ids, err = records.Unindexed(ctx); err == nil {
			err = records.Indexed(ctx, ids)
		}
	}
	return info, redone, err
}

// Counted is Records that can say how many articles they hold
// (*articles.Store).
type Counted interface {
	Records
	Len(ctx context.Context) (int, error)
}

// Rebuilt says what ReindexAll did.
type Rebuilt struct {
	index.RebuildInfo
	Redone int // articles re-extracted with the current extractor
	// FromIndex: the records held nothing (a data directory older than the
	// article store), so the index was rebuilt from itself; the next start
	// copies it into the records.
	FromIndex bool
}

// ReindexAll is `newsdesk reindex`: ReindexProgress from the records, or,
// when they hold nothing, a rebuild of the index from itself with every
// article re-extracted (one that extraction refuses keeps its old
// statements, with a warning). report, when set, hears how many articles
// were read from the records. opts are the new index's.
func ReindexAll(ctx context.Context, records Counted, path string, ex Extractor, log *slog.Logger, report func(done int), opts ...index.Option) (Rebuilt, error) {
	if log == nil {
		log = slog.Default()
	}
	n, err := records.Len(ctx)
	if err != nil {
		return Rebuilt{}, fmt.Errorf("count the stored articles: %w", err)
	}
	if n > 0 {
		info, redone, err := ReindexProgress(ctx, records, path, ex, log, report, opts...)
		return Rebuilt{RebuildInfo: info, Redone: redone}, err
	}
	info, err := index.Rebuild(ctx, path, func(a news.Article) (news.Article, error) {
		b, err := Reextract(ctx, ex, a)
		if err != nil {
			log.Warn("reindex: extraction refused a stored article; keeping its old statements", "id", a.ID, "err", err)
			return a, nil
		}
		return b, nil
	}, opts...)
	logRebuild(log, path, info, err)
	return Rebuilt{RebuildInfo: info, FromIndex: true}, err
}

// logRebuild logs what a rebuild of the index at path recovered and, when
// it succeeded, what it did.
func logRebuild(log *slog.Logger, path string, info index.RebuildInfo, err error) {
	for _, r := range info.Recovered {
		log.Warn("reindex: "+r, "path", path)
	}
	if err == nil {
		log.Info("reindex: index rebuilt; the old index is kept, delete it once the new one works",
			"path", path, "articles", info.Articles, "statements", info.Statements,
			"old_version", info.OldVersion, "new_version", info.NewVersion, "old_path", info.OldPath)
	}
}
