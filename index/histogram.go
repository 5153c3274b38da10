package index

import (
	"context"
	"fmt"
	"strconv"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"

	"github.com/newsdesk/newsdesk/news"
)

// MaxIntervals bounds the buckets of one Histogram.
const MaxIntervals = 600

// Histogram counts the statements matching q (its text, actors and
// filters; paging and sort are ignored) published in each interval, per
// kind: counts[kind][i] is the number in intervals[i]. The counts come from
// the published date's doc values through a date-range facet, one search of
// no hits per kind, so the cost follows the number of matches, never the
// page. Kinds with no match in any interval are absent.
func (ix *Index) Histogram(ctx context.Context, q news.Query, intervals []news.Interval) (map[news.Kind][]uint64, error) {
	if len(intervals) == 0 {
		return nil, nil
	}
	if len(intervals) > MaxIntervals {
		return nil, fmt.Errorf("histogram: %w: %d intervals, at most %d", ErrBadQuery, len(intervals), MaxIntervals)
	}
	if q.Type != "" && q.Type != news.TypeStatement {
		return nil, fmt.Errorf("histogram: %w: only statements are counted", ErrBadQuery)
	}
	kinds := q.Kinds
	if len(kinds) == 0 {
		kinds = news.Kinds
	}
	out := make(map[news.Kind][]uint64)
	for _, k := range kinds {
		kq := q
		kq.Kinds, kq.Size, kq.From, kq.SortBy = []news.Kind{k}, 0, 0, ""
		p, err := ix.compile(kq)
		if err != nil {
			return nil, fmt.Errorf("histogram: %w", err)
		}
		req := bleve.NewSearchRequestOptions(p.query(), 0, 0, false)
		req.Score = "none"
		req.SortByCustom(search.SortOrder{&search.SortScore{Desc: true}})
		f := bleve.NewFacetRequest(fPublished, len(intervals))
		for i, iv := range intervals {
			start, end := clampTime(iv.Start), clampTime(iv.End)
			f.AddDateTimeRange(strconv.Itoa(i), start, end)
		}
		req.AddFacet(fPublished, f)
		res, err := ix.run(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("histogram: %w", err)
		}
		counts, any := make([]uint64, len(intervals)), false
		if fr := res.Facets[fPublished]; fr != nil {
			for _, dr := range fr.DateRanges {
				i, err := strconv.Atoi(dr.Name)
				if err != nil || i < 0 || i >= len(intervals) || dr.Count <= 0 {
					continue
				}
				counts[i], any = uint64(dr.Count), true
			}
		}
		if any {
			out[k] = counts
		}
	}
	return out, nil
}
