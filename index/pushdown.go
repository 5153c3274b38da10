package index

import (
	"context"
	"fmt"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// filteredQuery is a scored query whose term readers hold only the
// documents its filter selects: its terms' postings are narrowed to the
// filter's bitmap in every segment before its searcher walks them, as
// Bleve narrows the postings of a conjunction's terms to the documents
// they all hold, and a posting outside the filter's date range is passed
// over as it is read. The scored searchers then never stop on a document
// the filter would reject, where under a conjunction with the filter each
// such stop decodes frequencies, norms and locations and moves the
// searcher tree once more (and a date range is a disjunction of many
// terms). It matches the documents of q that the filter holds, with q's
// scores: a term's frequency, norm, locations and count (its document
// frequency, which weighs it) are those of its whole postings. It stands
// for the conjunction of q and the filter's queries (with boost 0): where
// it cannot narrow the postings (an index that is not scorch, a segment
// without a date column), that is the searcher it builds.
type filteredQuery struct {
	q      query.Query
	filter *postingsFilter
}

// postingsFilter is a scored query's filter (its terms, its date range) on
// one snapshot: the terms' matches as one bitmap per segment and each
// segment's date column, built once for the queries that share it.
type postingsFilter struct {
	q     query.Query // the terms (see termsOnly); nil: none
	dates *dateFilter // nil: no date range

	mu   sync.Mutex
	snap *scorch.IndexSnapshot
	segs []segmentFilter
	ok   bool
}

// dateFilter is a query's date range: q, Bleve's range on the published
// field, and the same range as bounds on a date column's prefixes (see
// dateBounds).
type dateFilter struct {
	q       query.Query
	lo, hi  uint64
	columns *segmentCache[dateColumn]
}

// segmentFilter is a filter in one segment.
type segmentFilter struct {
	keep *roaring.Bitmap // the terms' matches; nil: no terms
	col  *dateColumn     // nil: no date range
	lo   uint64
	hi   uint64
}

// queries is the filter as Bleve queries.
func (f *postingsFilter) queries() []query.Query {
	var qs []query.Query
	if f.q != nil {
		qs = append(qs, f.q)
	}
	if f.dates != nil {
		qs = append(qs, f.dates.q)
	}
	return qs
}

// on is the filter on snap; ok is false when a segment cannot give it.
func (f *postingsFilter) on(snap *scorch.IndexSnapshot, m mapping.IndexMapping) ([]segmentFilter, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.snap == snap {
		return f.segs, f.ok, nil
	}
	segs := snap.Segments()
	out := make([]segmentFilter, len(segs))
	ok := true
	for i, s := range segs {
		if f.q != nil {
			bm, segOK, err := segmentMatches(s, m, f.q)
			if err != nil {
				return nil, false, err
			}
			if !segOK {
				ok = false
				break
			}
			out[i].keep = bm
		}
		if d := f.dates; d != nil {
			col, err := d.columns.get(s, fSortDate, func() (dateColumn, error) { return buildDateColumn(s.Segment()) })
			if err != nil {
				ok = false // a key of another form, or unreadable doc values: Bleve's range
				break
			}
			out[i].col, out[i].lo, out[i].hi = &col, d.lo, d.hi
		}
	}
	f.snap, f.segs, f.ok = snap, out, ok
	return out, ok, nil
}

func (q *filteredQuery) Searcher(ctx context.Context, r bleveindex.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	bleveOnly := func() (search.Searcher, error) {
		return query.NewConjunctionQuery(append([]query.Query{q.q}, q.filter.queries()...)).Searcher(ctx, r, m, options)
	}
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return bleveOnly()
	}
	segs, ok, err := q.filter.on(snap, m)
	if err != nil {
		return nil, fmt.Errorf("filter of the postings: %w", err)
	}
	if !ok {
		return bleveOnly()
	}
	return q.q.Searcher(ctx, &filteredReader{IndexSnapshot: snap, segmentMap: newSegmentMap(snap), filter: segs}, m, options)
}

// filteredReader is a snapshot whose term readers are filtered (see
// filteredQuery); everything else is the snapshot's.
type filteredReader struct {
	*scorch.IndexSnapshot
	segmentMap
	filter []segmentFilter // per segment
}

func (r *filteredReader) TermFieldReader(ctx context.Context, term []byte, field string, includeFreq, includeNorm, includeTermVectors bool) (bleveindex.TermFieldReader, error) {
	t := &filteredTermReader{r: r, term: term, field: field, freq: includeFreq, norm: includeNorm, vectors: includeTermVectors}
	if err := t.open(); err != nil {
		return nil, err
	}
	for _, pl := range t.postings {
		t.count += pl.Count()
	}
	return t, nil
}

// filteredTermReader reads one term's postings in a filteredReader, as
// Bleve's snapshot term reader reads them, over the filter's documents.
type filteredTermReader struct {
	r                   *filteredReader
	term                []byte
	field               string
	freq, norm, vectors bool
	postings            []segment.PostingsList
	its                 []segment.PostingsIterator
	seg                 int
	cur                 bleveindex.IndexInternalID // the document last returned; nil before the first
	count               uint64
}

// open positions the reader before its first document.
func (t *filteredTermReader) open() error {
	segs := t.r.segs
	t.postings = make([]segment.PostingsList, len(segs))
	t.its = make([]segment.PostingsIterator, len(segs))
	for i, s := range segs {
		pl, err := livePostingsList(s, t.field, t.term)
		if err != nil {
			return err
		}
		t.postings[i] = pl
		t.its[i] = narrow(pl.Iterator(t.freq, t.norm, t.vectors, nil), t.r.filter[i])
	}
	t.seg, t.cur = 0, nil
	return nil
}

// narrow restricts it to the documents of f: its bitmap of documents is
// replaced by its intersection with f's where it has one, and otherwise
// (one document, no postings) its documents are checked one by one, as
// they are against f's date range.
func narrow(it segment.PostingsIterator, f segmentFilter) segment.PostingsIterator {
	keep := f.keep
	if o, ok := it.(segment.OptimizablePostingsIterator); ok && keep != nil {
		if _, one := o.DocNum1Hit(); !one {
			if a := o.ActualBitmap(); a != nil {
				o.ReplaceActual(roaring.And(a, keep))
				keep = nil // held by the postings
			}
		}
	}
	if keep == nil && f.col == nil {
		return it
	}
	return &checkedIterator{PostingsIterator: it, keep: keep, col: f.col, lo: f.lo, hi: f.hi}
}

// checkedIterator skips the postings whose document keep does not hold
// (nil: any) or whose date prefix in col is outside [lo, hi] (nil col:
// any).
type checkedIterator struct {
	segment.PostingsIterator
	keep   *roaring.Bitmap
	col    *dateColumn
	lo, hi uint64
}

func (c *checkedIterator) holds(doc uint64) bool {
	if c.keep != nil && !c.keep.Contains(uint32(doc)) {
		return false
	}
	if c.col != nil {
		if doc >= uint64(len(c.col.prefixes)) {
			return false
		}
		d := c.col.prefixes[doc].date
		return d >= c.lo && d <= c.hi
	}
	return true
}

func (c *checkedIterator) Next() (segment.Posting, error) {
	for {
		p, err := c.PostingsIterator.Next()
		if p == nil || err != nil || c.holds(p.Number()) {
			return p, err
		}
	}
}

func (c *checkedIterator) Advance(doc uint64) (segment.Posting, error) {
	p, err := c.PostingsIterator.Advance(doc)
	if p == nil || err != nil || c.holds(p.Number()) {
		return p, err
	}
	return c.Next()
}

// ActualBitmap, ReplaceActual and DocNum1Hit make a checked iterator
// whose postings hold the filter's bitmap (only the date range is
// checked) take part in a conjunction's narrowing (filteredConjunction):
// its bitmap is the postings' own.
func (c *checkedIterator) ActualBitmap() *roaring.Bitmap {
	if o, ok := c.PostingsIterator.(segment.OptimizablePostingsIterator); ok && c.keep == nil {
		return o.ActualBitmap()
	}
	return nil
}

func (c *checkedIterator) ReplaceActual(bm *roaring.Bitmap) {
	if o, ok := c.PostingsIterator.(segment.OptimizablePostingsIterator); ok && c.keep == nil {
		o.ReplaceActual(bm)
	}
}

func (c *checkedIterator) DocNum1Hit() (uint64, bool) { return 0, false }

func (t *filteredTermReader) Next(pre *bleveindex.TermFieldDoc) (*bleveindex.TermFieldDoc, error) {
	for ; t.seg < len(t.its); t.seg++ {
		p, err := t.its[t.seg].Next()
		if err != nil {
			return nil, fmt.Errorf("postings of %s:%s: %w", t.field, t.term, err)
		}
		if p != nil {
			return t.found(p, pre), nil
		}
	}
	return nil, nil
}

// Advance returns the first document at or after id, reading the
// postings again from the start when id is behind the last one returned,
// as Bleve's term reader does.
func (t *filteredTermReader) Advance(id bleveindex.IndexInternalID, pre *bleveindex.TermFieldDoc) (*bleveindex.TermFieldDoc, error) {
	if t.cur != nil && t.cur.Compare(id) >= 0 {
		if err := t.open(); err != nil {
			return nil, err
		}
	}
	seg, local, err := t.r.locate(id.Value())
	if err != nil {
		return nil, fmt.Errorf("advance %s:%s: %w", t.field, t.term, err)
	}
	t.seg = seg
	p, err := t.its[seg].Advance(local)
	if err != nil {
		return nil, fmt.Errorf("postings of %s:%s: %w", t.field, t.term, err)
	}
	if p == nil {
		t.seg++
		return t.Next(pre)
	}
	return t.found(p, pre), nil
}

// found fills pre (or a new document) with posting p of the current
// segment, as Bleve's term reader fills it.
func (t *filteredTermReader) found(p segment.Posting, rv *bleveindex.TermFieldDoc) *bleveindex.TermFieldDoc {
	if rv == nil {
		rv = &bleveindex.TermFieldDoc{}
	}
	rv.ID = bleveindex.NewIndexInternalID(rv.ID, p.Number()+t.r.offsets[t.seg])
	if t.freq {
		rv.Freq = p.Frequency()
	}
	if t.norm {
		rv.Norm = p.Norm()
	}
	if t.vectors {
		locs := p.Locations()
		if cap(rv.Vectors) < len(locs) {
			rv.Vectors = make([]*bleveindex.TermFieldVector, len(locs))
			backing := make([]bleveindex.TermFieldVector, len(locs))
			for i := range backing {
				rv.Vectors[i] = &backing[i]
			}
		}
		rv.Vectors = rv.Vectors[:len(locs)]
		for i, loc := range locs {
			*rv.Vectors[i] = bleveindex.TermFieldVector{
				Field:          loc.Field(),
				ArrayPositions: loc.ArrayPositions(),
				Pos:            loc.Pos(),
				Start:          loc.Start(),
				End:            loc.End(),
			}
		}
	}
	t.cur = append(t.cur[:0], rv.ID...)
	return rv
}

// Count is the term's document frequency over its whole postings, as
// Bleve's term reader counts it: it weighs the term.
func (t *filteredTermReader) Count() uint64 { return t.count }

func (t *filteredTermReader) Close() error { return nil }

func (t *filteredTermReader) Size() int {
	n := 128 + len(t.term) + len(t.field) + len(t.cur)
	for _, pl := range t.postings {
		n += pl.Size()
	}
	for _, it := range t.its {
		n += it.Size()
	}
	return n
}

// Optimize takes part in Bleve's optimization of a conjunction of term
// searchers (a match query of several words, the terms of a phrase): the
// terms' readers then walk only the documents they all hold.
func (t *filteredTermReader) Optimize(kind string, octx bleveindex.OptimizableContext) (bleveindex.OptimizableContext, error) {
	if kind != "conjunction" {
		return nil, nil
	}
	if octx == nil {
		octx = &filteredConjunction{}
	}
	c, ok := octx.(*filteredConjunction)
	if !ok {
		return octx, nil
	}
	if len(c.readers) > 0 && c.readers[0].r != t.r {
		return nil, fmt.Errorf("optimize a conjunction across two filtered readers")
	}
	c.readers = append(c.readers, t)
	return c, nil
}

// filteredConjunction narrows the readers of a conjunction to the
// documents all of them hold, segment by segment.
type filteredConjunction struct {
	readers []*filteredTermReader
}

func (c *filteredConjunction) Finish() (bleveindex.Optimized, error) {
	if len(c.readers) <= 1 {
		return nil, nil
	}
	for i := range c.readers[0].its {
		var and *roaring.Bitmap
		for _, t := range c.readers {
			o, ok := t.its[i].(segment.OptimizablePostingsIterator)
			if !ok || o.ActualBitmap() == nil {
				continue // a checked iterator: the conjunction walks it
			}
			if and == nil {
				and = o.ActualBitmap().Clone()
			} else {
				and.And(o.ActualBitmap())
			}
		}
		if and == nil {
			continue
		}
		for _, t := range c.readers {
			if o, ok := t.its[i].(segment.OptimizablePostingsIterator); ok && o.ActualBitmap() != nil {
				o.ReplaceActual(and)
			}
		}
	}
	return nil, nil
}

var (
	_ query.Query                   = (*filteredQuery)(nil)
	_ bleveindex.IndexReader        = (*filteredReader)(nil)
	_ bleveindex.TermFieldReader    = (*filteredTermReader)(nil)
	_ bleveindex.Optimizable        = (*filteredTermReader)(nil)
	_ bleveindex.OptimizableContext = (*filteredConjunction)(nil)

	_ segment.OptimizablePostingsIterator = (*checkedIterator)(nil)
)
