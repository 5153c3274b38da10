package digest

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/newsdesk/newsdesk/news"
	"github.com/newsdesk/newsdesk/state"
)

// digestKinds are the statement kinds a digest holds unless its filter
// names others.
var digestKinds = []news.Kind{news.Allegation, news.Indictment, news.Sanction, news.Response}

// window is what a digest covers: statements with seq above the channel's
// watermark, oldest first.
type window struct {
	hits   []news.Hit
	maxSeq uint64 // the highest seq in hits; the channel's watermark when hits is empty
}

// window reads the channel's window from the Source: the statements that
// match the subscription's filter with seq above its watermark, at most
// MaxWindow of them (cut at an article boundary; the rest waits for the next
// digest). When the filter narrows by actor, speaker, target or words, the
// responses in the same articles as the statements it matched are added
// too, whatever they name: an accused state's answer rarely names itself,
// and a digest shows a response under the allegation it answers.
func (s *Service) window(ctx context.Context, sub state.Subscription) (window, error) {
	base := news.Query{}
	if sub.Filter != "" {
		if s.cfg.Filters == nil {
			return window{}, fmt.Errorf("window of %s: filter %q but no filter parser", sub.Channel, sub.Filter)
		}
		f, err := s.cfg.Filters(sub.Filter)
		if err != nil {
			return window{}, fmt.Errorf("window of %s: filter %q: %w", sub.Channel, sub.Filter, err)
		}
		base.Text, base.Mentions, base.Actors, base.By, base.Kinds, base.Targets = f.Text, f.Mentions, f.Actors, f.By, f.Kinds, f.Targets
	}
	if len(base.Kinds) == 0 {
		base.Kinds = digestKinds
	}
	base.Type, base.SortBy, base.Size = news.TypeStatement, "seq", s.cfg.PageSize

	w := window{maxSeq: sub.Watermark}
	err := s.pages(ctx, sub, base, func(page []news.Hit) bool {
		w.hits = append(w.hits, page...)
		w.maxSeq = page[len(page)-1].Seq
		return len(w.hits) < s.cfg.MaxWindow
	})
	if err != nil || len(w.hits) == 0 {
		return w, err
	}
	narrowed := base.Text != "" || len(base.Mentions) > 0 || len(base.Actors) > 0 || len(base.By) > 0 || len(base.Targets) > 0
	if !narrowed || !slices.Contains(base.Kinds, news.Response) {
		return w, nil
	}
	articles, have := map[string]bool{}, map[string]bool{}
	for _, h := range w.hits {
		articles[h.ArticleID] = true
		have[h.ID] = true
	}
	var extra []news.Hit
	answers := news.Query{Type: news.TypeStatement, Kinds: []news.Kind{news.Response}, SortBy: "seq", Size: s.cfg.PageSize}
	err = s.pages(ctx, sub, answers, func(page []news.Hit) bool {
		for _, h := range page {
			if h.Seq > w.maxSeq {
				return false
			}
			if articles[h.ArticleID] && !have[h.ID] {
				extra = append(extra, h)
			}
		}
		return true
	})
	if err != nil || len(extra) == 0 {
		return w, err
	}
	w.hits = append(w.hits, extra...)
	slices.SortStableFunc(w.hits, func(a, b news.Hit) int { return cmp.Compare(a.Seq, b.Seq) })
	return w, nil
}

// pages runs q from the subscription's watermark on, page by page, calling
// fn with each page until fn returns false or the hits run out. It pages by
// sequence (AfterSeq moves past each page) rather than by offset, so it has
// no offset limit; the statements of one article share its seq, so a page
// holds whole articles only and the last seq is read again on the next page.
func (s *Service) pages(ctx context.Context, sub state.Subscription, q news.Query, fn func([]news.Hit) bool) error {
	cursor := sub.Watermark
	for {
		q.AfterSeq = cursor
		res, err := s.cfg.Source.Search(ctx, q)
		if err != nil {
			return fmt.Errorf("window of %s after seq %d: %w", sub.Channel, cursor, err)
		}
		hits := res.Hits
		for i, h := range hits {
			if h.Seq <= cursor || (i > 0 && h.Seq < hits[i-1].Seq) {
				return fmt.Errorf("window of %s: the source returned seq %d after %d for AfterSeq %d; it must sort by seq, oldest first", sub.Channel, h.Seq, hits[max(i-1, 0)].Seq, cursor)
			}
		}
		more := len(hits) > 0 && uint64(len(hits)) < res.Total
		if more {
			last := hits[len(hits)-1].Seq
			cut := len(hits)
			for cut > 0 && hits[cut-1].Seq == last {
				cut--
			}
			if cut == 0 {
				return fmt.Errorf("window of %s: article with seq %d has more statements than a page (%d); raise the page size", sub.Channel, last, s.cfg.PageSize)
			}
			hits = hits[:cut]
		}
		if len(hits) == 0 {
			return nil
		}
		if !fn(hits) || !more {
			return nil
		}
		cursor = hits[len(hits)-1].Seq
	}
}
