package index

import (
	"context"
	"fmt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"

	"github.com/newsdesk/newsdesk/news"
)

// MaxFacetTerms bounds the terms of one facet.
const MaxFacetTerms = 50

// Facets counts the statements matching q (its text, actors and filters;
// paging and sort are ignored) per kind, speaker country and accused
// actor, the top n terms of each (n is clamped to 1..MaxFacetTerms). The
// counts come from the keyword fields' doc values through Bleve term
// facets in one search of no hits: no stored field is read and nothing is
// sorted, so the cost follows the number of matches, and the search runs
// under the index's deadline like any other.
func (ix *Index) Facets(ctx context.Context, q news.Query, n int) (news.Facets, error) {
	if q.Type != "" && q.Type != news.TypeStatement {
		return news.Facets{}, fmt.Errorf("facets: %w: only statements are counted", ErrBadQuery)
	}
	n = min(max(n, 1), MaxFacetTerms)
	q.Size, q.From, q.SortBy, q.TotalUpTo = 0, 0, "", 0
	p, err := ix.compile(q)
	if err != nil {
		return news.Facets{}, fmt.Errorf("facets: %w", err)
	}
	req := bleve.NewSearchRequestOptions(p.query(), 0, 0, false)
	req.Score = "none"
	req.SortByCustom(search.SortOrder{&search.SortScore{Desc: true}})
	for _, f := range []string{fKind, fSpeakerCountry, fActors} {
		req.AddFacet(f, bleve.NewFacetRequest(f, n))
	}
	res, err := ix.run(ctx, req)
	if err != nil {
		return news.Facets{}, fmt.Errorf("facets: %w", err)
	}
	out := news.Facets{Total: res.Total}
	counts := func(f string) ([]news.Count, uint64) {
		fr := res.Facets[f]
		if fr == nil || fr.Terms == nil {
			return nil, 0
		}
		var cs []news.Count
		for _, t := range fr.Terms.Terms() {
			if t.Count > 0 {
				cs = append(cs, news.Count{Term: t.Term, N: uint64(t.Count)})
			}
		}
		return cs, uint64(max(fr.Other, 0))
	}
	out.Kinds, _ = counts(fKind)
	out.By, out.OtherBy = counts(fSpeakerCountry)
	out.Actors, out.OtherActors = counts(fActors)
	return out, nil
}
