package index

import (
	"cmp"
	"container/heap"
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"time"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/newsdesk/newsdesk/news"
)

// A date-sorted search whose query is terms alone (filters and tagged
// mentions, no words), with or without a date range and a seq range, is
// answered from
// bitmaps and the segments' date columns, with no Bleve search: per
// segment, the postings of its terms give the matches and their number;
// the newest of them come from the column's date order, walked from the
// newest (or from the range's newest) until the page is found, or, for
// few matches, from the matches themselves. The page is the newest across
// segments, its stored hits read directly. So the cost follows the page
// and the matches' share of the index, not the number of matches, and
// the total is exact.

// bitmapDatePlan reports whether p can be answered so, and the query of
// its terms.
func bitmapDatePlan(p *plan) (query.Query, bool) {
	if p.sortBy != "date" || len(p.must) != len(p.tagged) {
		return nil, false // words, phrases and untagged mentions need Bleve's searchers
	}
	var qs []query.Query
	for _, q := range p.must {
		if !termsOnly(q) {
			return nil, false
		}
		qs = append(qs, q)
	}
	for _, f := range p.filters {
		if f == p.dates || f == p.seqs {
			continue
		}
		if !termsOnly(f) {
			return nil, false // a target's phrase
		}
		qs = append(qs, f)
	}
	if len(qs) == 0 {
		return nil, false
	}
	return bleve.NewConjunctionQuery(qs...), true
}

// dateHit is a match of one segment with its date prefix.
type dateHit struct {
	seg    int
	local  uint32
	prefix datePrefix
	key    []byte // the whole sort_date key, read for a shared prefix
}

// searchDateBitmaps is searchDate for a plan bitmapDatePlan accepts; ok
// is false when the index reader is not a scorch snapshot.
func (ix *Index) searchDateBitmaps(ctx context.Context, p *plan, q query.Query) (out news.Results, ok bool, err error) {
	defer func() {
		if err != nil {
			ok = true // an error is an answer: no second try by windows
		}
	}()
	defer ix.recoverInto("date search", &err)
	start := time.Now()
	snap, done, err := ix.snapshot()
	defer done()
	if err != nil || snap == nil {
		return out, false, err
	}
	segs := snap.Segments()
	lo, hi := dateBounds(p.since, p.until, p.dates != nil)
	need := p.from + p.size
	var cands []dateHit
	var total uint64
	for i, s := range segs {
		if err := ctx.Err(); err != nil {
			return out, true, err
		}
		bm, ok, err := segmentMatches(s, ix.idx.Mapping(), q)
		if err != nil {
			return out, true, err
		}
		if !ok {
			return out, false, nil
		}
		if bm.IsEmpty() {
			continue
		}
		col, err := ix.dates.get(s, fSortDate, func() (dateColumn, error) { return buildDateColumn(s.Segment()) })
		if err != nil {
			// a segment without a column (a key of another form, or
			// unreadable doc values): the windows answer, or name the
			// damage
			return out, false, nil
		}
		n, hits, err := col.newest(bm, lo, hi, seqWithin(p.afterSeq, p.upToSeq), need)
		if err != nil {
			return out, true, fmt.Errorf("segment %d: %w", i, err)
		}
		total += n
		for _, h := range hits {
			h.seg = i
			cands = append(cands, h)
		}
	}
	if err := sortDateHits(segs, cands); err != nil {
		return out, true, err
	}
	out.Total = total
	for _, c := range cands[min(p.from, len(cands)):min(need, len(cands))] {
		h, err := segmentHit(segs[c.seg], c.local, p)
		if err != nil {
			return out, true, err
		}
		out.Hits = append(out.Hits, h)
	}
	out.Took = time.Since(start)
	return out, true, nil
}

// dateBounds is a date range [since, until) as bounds on a date prefix's
// inverted date, inclusive: [lo, hi]. Without a range they take every
// document, with or without a date; with one, no document without a date
// (as Bleve's range on the published field, which such a document lacks).
func dateBounds(since, until time.Time, ranged bool) (lo, hi uint64) {
	lo, hi = 0, math.MaxUint64
	if !ranged {
		return lo, hi
	}
	hi = math.MaxUint64 - 1 // ^0: no date
	// the prefix is ^u, u = nanoseconds ^ 1<<63: newer is lower
	inv := func(t time.Time) uint64 { return ^(uint64(clampTime(t).UnixNano()) ^ (1 << 63)) }
	if !until.IsZero() {
		lo = inv(until) + 1 // before until: above its inverse
	}
	if !since.IsZero() {
		hi = min(hi, inv(since)) // on or after since
	}
	return lo, hi
}

// seqWithin is the test of a date prefix's seq against the bounds of a
// query (after: excluded, upTo: included; 0: none), as Bleve's range on
// the seq field (float64 values) tests it; nil without bounds.
func seqWithin(after, upTo uint64) func(datePrefix) bool {
	if after == 0 && upTo == 0 {
		return nil
	}
	return func(p datePrefix) bool {
		seq := float64(^p.seq)
		return (after == 0 || seq > float64(after)) && (upTo == 0 || seq <= float64(upTo))
	}
}

// newest is the number of documents of bm whose date prefix is within
// [lo, hi] (and passes keep, when not nil), and the first need of them in
// date order.
func (c dateColumn) newest(bm *roaring.Bitmap, lo, hi uint64, keep func(datePrefix) bool, need int) (uint64, []dateHit, error) {
	if len(c.prefixes) != len(c.order) || len(c.rank) != len(c.order) {
		return 0, nil, fmt.Errorf("sort_date column without an order")
	}
	// the range is a run of the order, which is by date first
	from := sort.Search(len(c.order), func(i int) bool { return c.prefixes[c.order[i]].date >= lo })
	to := sort.Search(len(c.order), func(i int) bool { return c.prefixes[c.order[i]].date > hi })
	run := c.order[from:to]
	inRange := func(d uint32) bool {
		p := c.prefixes[d]
		return p.date >= lo && p.date <= hi && (keep == nil || keep(p))
	}
	card := bm.GetCardinality()
	if max := bm.Maximum(); !bm.IsEmpty() && int(max) >= len(c.prefixes) {
		return 0, nil, fmt.Errorf("document %d past its segment of %d", max, len(c.prefixes))
	}
	// the number in the range, by the cheaper walk
	var n uint64
	switch {
	case from == 0 && to == len(c.order) && keep == nil:
		n = card
	case card <= uint64(len(run)):
		it := bm.Iterator()
		for it.HasNext() {
			if inRange(it.Next()) {
				n++
			}
		}
	default:
		for _, d := range run {
			if bm.Contains(d) && (keep == nil || keep(c.prefixes[d])) {
				n++
			}
		}
	}
	if n == 0 || need <= 0 {
		return n, nil, nil
	}
	var hits []dateHit
	if uint64(need)*uint64(len(run))/n <= card {
		// the run, newest first: about need·len(run)/n steps
		for _, d := range run {
			if bm.Contains(d) && (keep == nil || keep(c.prefixes[d])) {
				hits = append(hits, dateHit{local: d, prefix: c.prefixes[d]})
				if len(hits) == need {
					break
				}
			}
		}
		return n, hits, nil
	}
	// few matches: the first need of them in the range by rank, kept in
	// a heap whose top is the last of those
	top := &rankHeap{docs: make([]uint32, 0, min(uint64(need), n)), rank: c.rank}
	it := bm.Iterator()
	for it.HasNext() {
		d := it.Next()
		switch {
		case !inRange(d):
		case len(top.docs) < need:
			top.docs = append(top.docs, d)
			if len(top.docs) == need {
				heap.Init(top)
			}
		case c.rank[d] < c.rank[top.docs[0]]:
			top.docs[0] = d
			heap.Fix(top, 0)
		}
	}
	slices.SortFunc(top.docs, func(a, b uint32) int { return cmp.Compare(c.rank[a], c.rank[b]) })
	hits = make([]dateHit, len(top.docs))
	for i, d := range top.docs {
		hits[i] = dateHit{local: d, prefix: c.prefixes[d]}
	}
	return n, hits, nil
}

// rankHeap is documents of a segment with the latest by rank (date
// order) on top.
type rankHeap struct {
	docs []uint32
	rank []uint32 // by document
}

func (h *rankHeap) Len() int           { return len(h.docs) }
func (h *rankHeap) Less(i, j int) bool { return h.rank[h.docs[i]] > h.rank[h.docs[j]] }
func (h *rankHeap) Swap(i, j int)      { h.docs[i], h.docs[j] = h.docs[j], h.docs[i] }
func (h *rankHeap) Push(x any)         { h.docs = append(h.docs, x.(uint32)) }
func (h *rankHeap) Pop() any {
	d := h.docs[len(h.docs)-1]
	h.docs = h.docs[:len(h.docs)-1]
	return d
}

var _ heap.Interface = (*rankHeap)(nil)

// sortDateHits orders hits of several segments as their sort_date keys:
// by prefix, then, for a shared prefix, by the whole key.
func sortDateHits(segs []*scorch.SegmentSnapshot, hits []dateHit) error {
	slices.SortFunc(hits, func(a, b dateHit) int { return compareDatePrefix(a.prefix, b.prefix) })
	return sortTies(hits,
		func(a, b *dateHit) bool { return compareDatePrefix(a.prefix, b.prefix) == 0 },
		func(h *dateHit) ([]byte, error) { return wholeDateKey(segs[h.seg].Segment(), h.local) })
}

// segmentHit reads the hit of a segment's document from its stored fields.
func segmentHit(s *scorch.SegmentSnapshot, local uint32, p *plan) (news.Hit, error) {
	dm := &search.DocumentMatch{Fields: map[string]any{}}
	want := p.fields()
	err := s.VisitDocument(uint64(local), func(field string, _ byte, value []byte, _ []uint64) bool {
		switch {
		case field == "_id":
			dm.ID = string(value)
		case slices.Contains(want, field):
			dm.Fields[field] = string(value)
		}
		return true
	})
	if err != nil {
		return news.Hit{}, fmt.Errorf("stored fields of a match: %w", err)
	}
	var out news.Results
	res := &bleve.SearchResult{Hits: search.DocumentMatchCollection{dm}}
	if err := appendHits(&out, res, p); err != nil {
		return news.Hit{}, err
	}
	return out.Hits[0], nil
}
