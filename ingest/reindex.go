package ingest

import (
	"context"
	"fmt"

	"github.com/newsdesk/newsdesk/news"
)

// Lister pages through stored articles; the index satisfies it.
type Lister interface {
	Search(ctx context.Context, q news.Query) (news.Results, error)
}

// Reindex re-extracts every stored article and stores it again, keeping its
// sequence number and ingestion time so that digests do not repeat it. Run
// it after an extractor upgrade or a mapping change. It returns how many
// articles it rewrote.
func (in *Ingester) Reindex(ctx context.Context, l Lister) (int, error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	var after uint64
	n := 0
	for {
		res, err := l.Search(ctx, news.Query{Type: news.TypeArticle, SortBy: "seq", AfterSeq: after, Size: BatchSize})
		if err != nil {
			return n, fmt.Errorf("list articles after seq %d: %w", after, err)
		}
		if len(res.Hits) == 0 {
			return n, nil
		}
		batch := make([]news.Article, 0, len(res.Hits))
		for _, h := range res.Hits {
			a, err := in.store.Article(ctx, h.ArticleID)
			if err != nil {
				return n, fmt.Errorf("read article %s: %w", h.ArticleID, err)
			}
			sts, err := in.ex.Extract(Document(a))
			if err != nil {
				in.log.Warn("reindex: extraction refused a stored article; keeping its old statements", "id", a.ID, "err", err)
			} else {
				a.Statements = sts
				a.Summarize()
			}
			batch = append(batch, a)
			after = max(after, h.Seq)
		}
		if err := in.store.Put(ctx, batch); err != nil {
			return n, fmt.Errorf("store %d reindexed articles: %w", len(batch), err)
		}
		n += len(batch)
	}
}
