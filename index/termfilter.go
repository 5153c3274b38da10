package index

import (
	"context"
	"sort"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"
)

// termFilter is the conjunction of a scored plan's term filters (type,
// actors, speaker country, kind: term queries and disjunctions of them),
// searched as one bitmap per segment: its postings combined, deleted
// documents removed. Its searcher scores nothing and weighs nothing, so a
// query's scores are those of the term searchers it stands for, whose
// boost is 0. What it saves is their cost in a scored conjunction: a term
// searcher advanced past documents decodes their frequencies, norms and
// locations, where a bitmap seeks. An unscored query does without it:
// Bleve joins the postings of its term searchers as bitmaps itself, and
// with a date range too, which a termFilter would prevent.
type termFilter struct {
	q   query.Query
	bms *filterBitmaps // the filter's bitmaps, shared with the filteredQuery clauses beside it
}

// newTermFilter is the termFilter of q, a query made of terms alone.
func newTermFilter(q query.Query) *termFilter {
	return &termFilter{q: q, bms: &filterBitmaps{q: q}}
}

// termsOnly reports whether q is made of term queries alone, joined by
// conjunctions and disjunctions.
func termsOnly(q query.Query) bool {
	switch q := q.(type) {
	case *query.TermQuery:
		return q.FieldVal != ""
	case *query.ConjunctionQuery:
		return len(q.Conjuncts) > 0 && allTermsOnly(q.Conjuncts)
	case *query.DisjunctionQuery:
		return q.Min <= 1 && len(q.Disjuncts) > 0 && allTermsOnly(q.Disjuncts)
	}
	return false
}

func allTermsOnly(qs []query.Query) bool {
	for _, q := range qs {
		if !termsOnly(q) {
			return false
		}
	}
	return true
}

func (f *termFilter) Searcher(ctx context.Context, r bleveindex.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return f.q.Searcher(ctx, r, m, options) // not scorch: Bleve's searchers
	}
	bms, ok, err := f.bms.on(snap, m)
	if err != nil {
		return nil, err
	}
	if !ok {
		return f.q.Searcher(ctx, r, m, options)
	}
	s := &bitmapSearcher{offsets: newSegmentMap(snap).offsets, bms: bms, last: -1}
	for _, bm := range bms {
		s.count += bm.GetCardinality()
	}
	s.reset()
	return s, nil
}

// bitmapSearcher walks bitmaps of local document numbers, one per
// segment, as global document numbers in ascending order.
type bitmapSearcher struct {
	offsets []uint64 // global number of each segment's first document
	bms     []*roaring.Bitmap
	its     []roaring.IntPeekable
	seg     int   // the segment being walked
	last    int64 // the global number last returned, -1 before the first
	count   uint64
}

func (s *bitmapSearcher) reset() {
	s.its = make([]roaring.IntPeekable, len(s.bms))
	for i, bm := range s.bms {
		s.its[i] = bm.Iterator()
	}
	s.seg, s.last = 0, -1
}

func (s *bitmapSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	for ; s.seg < len(s.its); s.seg++ {
		if it := s.its[s.seg]; it.HasNext() {
			return s.match(ctx, s.offsets[s.seg]+uint64(it.Next())), nil
		}
	}
	return nil, nil
}

// Advance returns the first document at or after id, as Bleve's
// searchers do, even when that is behind the last one returned.
func (s *bitmapSearcher) Advance(ctx *search.SearchContext, id bleveindex.IndexInternalID) (*search.DocumentMatch, error) {
	doc := id.Value()
	if int64(doc) <= s.last {
		s.reset()
	}
	seg := sort.Search(len(s.offsets), func(i int) bool { return s.offsets[i] > doc }) - 1
	if seg < s.seg {
		seg = s.seg
	}
	if seg >= 0 && seg < len(s.its) {
		s.seg = seg
		if doc >= s.offsets[seg] {
			s.its[seg].AdvanceIfNeeded(uint32(doc - s.offsets[seg]))
		}
	}
	return s.Next(ctx)
}

func (s *bitmapSearcher) match(ctx *search.SearchContext, doc uint64) *search.DocumentMatch {
	s.last = int64(doc)
	dm := ctx.DocumentMatchPool.Get()
	dm.IndexInternalID = bleveindex.NewIndexInternalID(dm.IndexInternalID, doc)
	dm.Score = 0
	return dm
}

func (s *bitmapSearcher) Close() error               { return nil }
func (s *bitmapSearcher) Weight() float64            { return 0 }
func (s *bitmapSearcher) SetQueryNorm(float64)       {}
func (s *bitmapSearcher) Count() uint64              { return s.count }
func (s *bitmapSearcher) Min() int                   { return 0 }
func (s *bitmapSearcher) DocumentMatchPoolSize() int { return 1 }

func (s *bitmapSearcher) Size() int {
	n := 64 + 24*len(s.bms)
	for _, bm := range s.bms {
		n += int(bm.GetSizeInBytes())
	}
	return n
}

var (
	_ query.Query     = (*termFilter)(nil)
	_ search.Searcher = (*bitmapSearcher)(nil)
)
