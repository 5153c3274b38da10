package index

import (
	"context"
	"errors"
	"fmt"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// errNoSnapshot: the reader Bleve searched with is not a scorch snapshot,
// so a matchSet cannot be kept; the caller falls back to doc values.
var errNoSnapshot = errors.New("index reader is not a scorch snapshot")

// matchSet holds the documents one search matched, as a bitmap of local
// document numbers per segment of the snapshot it ran on. It is filled by
// the searcher of a recorded query and read after the search, while it
// holds a reference on the snapshot (release drops it).
type matchSet struct {
	heldSnapshot
	local [][]uint32        // matched local numbers per segment, ascending, as recorded
	bms   []*roaring.Bitmap // the matches per segment, once built
	cur   int               // the segment of the last match
}

// record wraps q so that its searcher adds every document it returns to m.
func (m *matchSet) record(q query.Query) query.Query { return &recordedQuery{q: q, set: m} }

func (m *matchSet) open(snap *scorch.IndexSnapshot) error {
	if m.snap != nil {
		return m.hold(snap) // the same snapshot, or an error
	}
	if err := m.hold(snap); err != nil {
		return err
	}
	m.local = make([][]uint32, len(m.segs))
	m.bms = make([]*roaring.Bitmap, len(m.segs))
	return nil
}

// release drops the snapshot; the set is empty after it.
func (m *matchSet) release() {
	m.heldSnapshot.release()
	*m = matchSet{}
}

func (m *matchSet) add(id bleveindex.IndexInternalID) {
	doc := id.Value()
	if m.cur+1 < len(m.offsets) && doc >= m.offsets[m.cur+1] || doc < m.offsets[m.cur] {
		// matches come in ascending order, so this is rare: one
		// bisection per segment crossed
		m.cur, _, _ = m.locate(doc)
	}
	m.local[m.cur] = append(m.local[m.cur], uint32(doc-m.offsets[m.cur]))
}

// bitmap is segment i's matches.
func (m *matchSet) bitmap(i int) *roaring.Bitmap {
	if m.bms[i] == nil {
		m.bms[i] = roaring.New()
		m.bms[i].AddMany(m.local[i])
		m.local[i] = nil
	}
	return m.bms[i]
}

// total is the number of matches.
func (m *matchSet) total() uint64 {
	var n uint64
	for i := range m.segs {
		n += m.bitmap(i).GetCardinality()
	}
	return n
}

// evaluate fills m with q's matches on snap without a search, when q is
// built only of term queries, match queries without fuzziness, and
// conjunctions and disjunctions of those: each is then a bitmap per
// segment, the postings of its terms with deleted documents removed,
// combined by and and or. ok is false, and m is left as it was, for any
// other query: a phrase, a fuzzy word or a range needs Bleve's searcher.
func (m *matchSet) evaluate(snap *scorch.IndexSnapshot, im mapping.IndexMapping, q query.Query) (ok bool, err error) {
	segs := snap.Segments()
	bms := make([]*roaring.Bitmap, len(segs))
	for i, s := range segs {
		bm, ok, err := segmentMatches(s, im, q)
		if !ok || err != nil {
			return false, err
		}
		bms[i] = bm
	}
	if err := m.open(snap); err != nil {
		return false, err
	}
	m.bms = bms
	return true, nil
}

// segmentMatches is q's matches in one segment; see evaluate.
func segmentMatches(s *scorch.SegmentSnapshot, im mapping.IndexMapping, q query.Query) (*roaring.Bitmap, bool, error) {
	all := func(qs []query.Query, and bool) (*roaring.Bitmap, bool, error) {
		if len(qs) == 0 {
			return nil, false, nil
		}
		bms := make([]*roaring.Bitmap, 0, len(qs))
		for _, c := range qs {
			bm, ok, err := segmentMatches(s, im, c)
			if !ok || err != nil {
				return nil, ok, err
			}
			bms = append(bms, bm)
		}
		if and {
			return roaring.FastAnd(bms...), true, nil
		}
		return roaring.FastOr(bms...), true, nil
	}
	switch q := q.(type) {
	case *query.TermQuery:
		if q.FieldVal == "" {
			return nil, false, nil
		}
		bm, err := livePostings(s, q.FieldVal, q.Term)
		return bm, err == nil, err
	case *query.MatchQuery:
		if q.Fuzziness != 0 || q.Prefix != 0 || q.Analyzer != "" || q.FieldVal == "" {
			return nil, false, nil
		}
		tokens, field, err := analyse(im, q.FieldVal, q.Match)
		if err != nil {
			return nil, false, err
		}
		if len(tokens) == 0 {
			return roaring.New(), true, nil // Bleve matches nothing
		}
		ts := make([]query.Query, len(tokens))
		for i, t := range tokens {
			tq := query.NewTermQuery(t)
			tq.SetField(field)
			ts[i] = tq
		}
		switch q.Operator {
		case query.MatchQueryOperatorAnd:
			return all(ts, true)
		case query.MatchQueryOperatorOr:
			return all(ts, false)
		}
		return nil, false, nil
	case *filteredQuery:
		return all(append([]query.Query{q.q}, q.filter.queries()...), true)
	case *query.ConjunctionQuery:
		return all(q.Conjuncts, true)
	case *query.DisjunctionQuery:
		if q.Min > 1 {
			return nil, false, nil
		}
		return all(q.Disjuncts, false)
	}
	return nil, false, nil
}

// livePostingsList is the postings list of term in field of s, without
// its deleted documents.
func livePostingsList(s *scorch.SegmentSnapshot, field string, term []byte) (segment.PostingsList, error) {
	dict, err := s.Segment().Dictionary(field)
	if err != nil {
		return nil, fmt.Errorf("dictionary of %s: %w", field, err)
	}
	pl, err := dict.PostingsList(term, s.Deleted(), nil)
	if err != nil {
		return nil, fmt.Errorf("postings of %s:%s: %w", field, term, err)
	}
	return pl, nil
}

// livePostings is the live documents of s holding term in field. The
// bitmap may share the segment's memory: it is read, never changed.
func livePostings(s *scorch.SegmentSnapshot, field, term string) (*roaring.Bitmap, error) {
	pl, err := livePostingsList(s, field, []byte(term))
	if err != nil {
		return nil, err
	}
	it := pl.Iterator(false, false, false, nil)
	if o, ok := it.(segment.OptimizablePostingsIterator); ok {
		if d, ok := o.DocNum1Hit(); ok {
			return roaring.BitmapOf(uint32(d)), nil
		}
		if a := o.ActualBitmap(); a != nil {
			return a, nil
		}
	}
	bm := roaring.New()
	for {
		p, err := it.Next()
		if err != nil {
			return nil, fmt.Errorf("postings of %s:%s: %w", field, term, err)
		}
		if p == nil {
			return bm, nil
		}
		bm.Add(uint32(p.Number()))
	}
}

// termCounts counts, for every term of field, the matched documents that
// hold it, from the segments' facet tables: the cost follows the number
// of matches. Terms no match holds are absent.
func (m *matchSet) termCounts(ctx context.Context, tables *segmentCache[*facetTable], field string) (map[string]uint64, error) {
	counts := map[string]uint64{}
	for i, s := range m.segs {
		matched := m.bitmap(i)
		if matched.IsEmpty() {
			continue
		}
		t, err := tables.get(s, field, func() (*facetTable, error) { return buildFacetTable(s.Segment(), field) })
		if err != nil {
			return nil, fmt.Errorf("segment %d: %w", i, err)
		}
		if err := t.count(ctx, matched, counts); err != nil {
			return nil, fmt.Errorf("segment %d: %s: %w", i, field, err)
		}
	}
	return counts, nil
}

// recordedQuery is a query whose searcher adds each document it returns
// to a matchSet. It changes neither the matches nor their scores.
type recordedQuery struct {
	q   query.Query
	set *matchSet
}

func (r *recordedQuery) Searcher(ctx context.Context, i bleveindex.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	snap, ok := i.(*scorch.IndexSnapshot)
	if !ok {
		return nil, fmt.Errorf("%w: %T", errNoSnapshot, i)
	}
	if err := r.set.open(snap); err != nil {
		return nil, err
	}
	s, err := r.q.Searcher(ctx, i, m, options)
	if err != nil {
		return nil, err
	}
	return &recordingSearcher{Searcher: s, set: r.set}, nil
}

type recordingSearcher struct {
	search.Searcher
	set *matchSet
}

func (s *recordingSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	dm, err := s.Searcher.Next(ctx)
	if dm != nil {
		s.set.add(dm.IndexInternalID)
	}
	return dm, err
}

func (s *recordingSearcher) Advance(ctx *search.SearchContext, id bleveindex.IndexInternalID) (*search.DocumentMatch, error) {
	dm, err := s.Searcher.Advance(ctx, id)
	if dm != nil {
		s.set.add(dm.IndexInternalID)
	}
	return dm, err
}

var (
	_ query.Query     = (*recordedQuery)(nil)
	_ search.Searcher = (*recordingSearcher)(nil)
)
