package ingest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/newsdesk/newsdesk/news"
)

// Pages gets the article text of the page at a URL (*fetch.Fetcher).
type Pages interface {
	Text(ctx context.Context, url string) (string, error)
}

// ShortBody is the body length below which a feed item is taken for a
// summary, and its linked page is fetched for the full text.
const ShortBody = 1000

// fullTextWorkers bounds the pages asked for at once; the Pages
// implementation has its own per-host limits.
const fullTextWorkers = 4

// PageError is a page whose full text could not be had; its item keeps
// its summary, and the page is tried again on a later poll.
type PageError struct {
	ArticleID string
	URL       string
	Err       error
}

func (e *PageError) Error() string {
	return fmt.Sprintf("full text of %s (article %s): %v", e.URL, e.ArticleID, e.Err)
}

func (e *PageError) Unwrap() error { return e.Err }

// Reason names why the page failed, for the log: the Reason of a typed
// error from Pages ("http_status", "too_large", "robots_txt", …),
// "timeout", else "network".
func (e *PageError) Reason() string { return reason(e.Err) }

// FullTextResult says what FullText did.
type FullTextResult struct {
	Articles []news.Article // to ingest: full text where fetched, else as given
	Fetched  int            // pages whose text replaced a summary
	Stored   int            // items left out: their full text is already stored
	Failed   []*PageError   // pages that failed; their items keep the summary
}

// FullText gives each summary in arts (a body shorter than ShortBody with a
// link) the text of its page. An item whose full text is already in the
// records is left out, so its page is never fetched again and the summary
// never replaces it; a page that fails leaves its item with the summary.
func (in *Ingester) FullText(ctx context.Context, pages Pages, arts []news.Article) (FullTextResult, error) {
	var res FullTextResult
	var todo []int
	for _, a := range arts {
		if a.Source.URL == "" || len(a.Body) >= ShortBody {
			res.Articles = append(res.Articles, a)
			continue
		}
		old, err := in.records.Article(ctx, a.ID)
		switch {
		case errors.Is(err, news.ErrNotFound):
		case err != nil:
			return res, fmt.Errorf("look up article %s: %w", a.ID, err)
		case hasFullText(old, a):
			res.Stored++
			continue
		}
		res.Articles = append(res.Articles, a)
		todo = append(todo, len(res.Articles)-1)
	}
	if pages == nil || len(todo) == 0 {
		return res, nil
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, fullTextWorkers)
	for _, i := range todo {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			a := &res.Articles[i]
			text, err := pages.Text(ctx, a.Source.URL)
			if err == nil && len(text) > MaxArticleBytes {
				err = fmt.Errorf("%d bytes of text, more than the %d an article may hold", len(text), MaxArticleBytes)
			}
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				res.Failed = append(res.Failed, &PageError{ArticleID: a.ID, URL: a.Source.URL, Err: err})
			case len(text) > len(a.Body):
				a.Body = text
				res.Fetched++
			}
		})
	}
	wg.Wait()
	slices.SortFunc(res.Failed, func(a, b *PageError) int { return strings.Compare(a.URL, b.URL) })
	return res, ctx.Err()
}

// hasFullText reports whether the stored article holds more than the
// feed's summary: its page was fetched before.
func hasFullText(stored, item news.Article) bool {
	return len(stored.Body) > len(item.Body) && stored.Body != item.Body
}
