package index

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/newsdesk/newsdesk/news"
)

// MaxFacetTerms bounds the terms of one facet.
const MaxFacetTerms = 50

// facetFields are the fields Facets counts: kind, speaker country and
// accused actor.
var facetFields = []string{fKind, fSpeakerCountry, fActors}

// Facets counts the statements matching q (its text, actors and filters;
// paging and sort are ignored) per kind, speaker country and accused
// actor, the top n terms of each (n is clamped to 1..MaxFacetTerms).
//
// The matches are a bitmap per segment: for a query of terms alone (the
// filters, tags and plain words), the postings of its terms combined; for
// any other, collected by one search of no hits, unscored and unsorted.
// Each facet term's count is then the cardinality of
// its postings bitmap and the matches, segment by segment. So no stored
// field or doc value is read per match: past the search itself, the cost
// follows the facet fields' terms, not the number of matches. The search
// runs under the index's deadline like any other.
func (ix *Index) Facets(ctx context.Context, q news.Query, n int) (_ news.Facets, err error) {
	defer ix.recoverInto("facets", &err)
	p, n, err := ix.facetPlan(q, n)
	if err != nil {
		return news.Facets{}, fmt.Errorf("facets: %w", err)
	}
	var set matchSet
	defer set.release()
	evaluated, err := ix.evaluate(&set, p.query())
	if err != nil {
		return news.Facets{}, fmt.Errorf("facets: %w", err)
	}
	if !evaluated {
		req := bleve.NewSearchRequestOptions(set.record(p.query()), 0, 0, false)
		req.Score = "none"
		req.SortByCustom(search.SortOrder{&search.SortScore{Desc: true}})
		_, err := ix.run(ctx, req)
		if errors.Is(err, errNoSnapshot) {
			return ix.facetsByDocValues(ctx, q, n)
		}
		if err != nil {
			return news.Facets{}, fmt.Errorf("facets: %w", err)
		}
	}
	out := news.Facets{Total: set.total()}
	for _, f := range facetFields {
		counts, err := set.termCounts(ctx, &ix.facets, f)
		if err != nil {
			return news.Facets{}, fmt.Errorf("facets: %s: %w", f, err)
		}
		top, other := topTerms(counts, n)
		switch f {
		case fKind:
			out.Kinds = top
		case fSpeakerCountry:
			out.By, out.OtherBy = top, other
		case fActors:
			out.Actors, out.OtherActors = top, other
		}
	}
	return out, nil
}

// evaluate fills set with the matches of q without a search when q is
// made of terms alone (see matchSet.evaluate); false when it is not, or
// the index's reader is not a scorch snapshot.
func (ix *Index) evaluate(set *matchSet, q query.Query) (bool, error) {
	snap, done, err := ix.snapshot()
	defer done()
	if err != nil || snap == nil {
		return false, err
	}
	return set.evaluate(snap, ix.idx.Mapping(), q)
}

// facetPlan compiles q for counting: statements only, no page, no sort.
func (ix *Index) facetPlan(q news.Query, n int) (*plan, int, error) {
	if q.Type != "" && q.Type != news.TypeStatement {
		return nil, 0, fmt.Errorf("%w: only statements are counted", ErrBadQuery)
	}
	q.Size, q.From, q.SortBy, q.TotalUpTo = 0, 0, "", 0
	p, err := ix.compile(q)
	if err != nil {
		return nil, 0, err
	}
	return p, min(max(n, 1), MaxFacetTerms), nil
}

// topTerms is the n terms of counts with the highest counts (ties by
// term), and the sum of the counts of the rest: the order and the rest of
// Bleve's term facets.
func topTerms(counts map[string]uint64, n int) ([]news.Count, uint64) {
	cs := make([]news.Count, 0, len(counts))
	for t, c := range counts {
		cs = append(cs, news.Count{Term: t, N: c})
	}
	slices.SortFunc(cs, func(a, b news.Count) int { return cmp.Or(cmp.Compare(b.N, a.N), strings.Compare(a.Term, b.Term)) })
	var other uint64
	for _, c := range cs[min(n, len(cs)):] {
		other += c.N
	}
	if len(cs) == 0 {
		return nil, 0
	}
	return cs[:min(n, len(cs))], other
}

// facetsByDocValues is Facets through Bleve's own term facets, which read
// the facet fields' doc values of every match. It serves an index whose
// reader is not a scorch snapshot (OpenMem's), and is the reference
// Facets is checked against.
func (ix *Index) facetsByDocValues(ctx context.Context, q news.Query, n int) (news.Facets, error) {
	p, n, err := ix.facetPlan(q, n)
	if err != nil {
		return news.Facets{}, fmt.Errorf("facets: %w", err)
	}
	req := bleve.NewSearchRequestOptions(p.query(), 0, 0, false)
	req.Score = "none"
	req.SortByCustom(search.SortOrder{&search.SortScore{Desc: true}})
	for _, f := range facetFields {
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
