package index

import (
	"bytes"
	"cmp"
	"container/heap"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/numeric"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/collector"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"github.com/newsdesk/newsdesk/news"
)

// Searches whose cost follows the page.
//
// A relevance search (sort by score, newest first among equal scores)
// visits every match to score it, but reads date sort keys only at the
// end, for the best matches that tie on score, in index order
// (dateTiebreak). A date-sorted search runs its query in date windows,
// newest first, and stops when the page is full (searchDate). Both give
// the hits, in the order and with the scores, of one Bleve request sorted
// on [score,] sort_date; the tests compare them with it.

// searchScore runs a relevance search, score descending and newest first
// (sort_date) among equal scores.
func (ix *Index) searchScore(ctx context.Context, p *plan) (news.Results, error) {
	req := p.request(p.query())
	// Score only, so that Bleve reads no doc value per match; the handler
	// orders equal scores by sort_date.
	req.SortByCustom(search.SortOrder{&search.SortScore{Desc: true}})
	ctx = context.WithValue(ctx, search.MakeDocumentMatchHandlerKey, search.MakeDocumentMatchHandler(dateTiebreak(p.from+p.size, &ix.dates)))
	return ix.searchOne(ctx, p, req)
}

// dateTiebreak makes a document match handler for Bleve's TopN collector
// sorted by score alone. It keeps the best k matches by score and every
// match tied with the k-th score, without reading any doc value while the
// matches stream in. At the end it orders the kept matches by score
// descending, then sort_date ascending, and hands the collector the first
// k, numbered in that order: the collector breaks equal scores by hit
// number, so its page is theirs. The sort_date of a match that shares its
// score comes from its segment's dateColumn (cached in dates), or, on a
// reader that is not a scorch snapshot, from doc values, read in index
// order so that each chunk is decoded once.
func dateTiebreak(k int, dates *segmentCache[dateColumn]) func(*search.SearchContext) (search.DocumentMatchHandler, bool, error) {
	return func(sctx *search.SearchContext) (search.DocumentMatchHandler, bool, error) {
		next, _, err := collector.MakeTopNDocumentMatchHandler(sctx)
		if err != nil {
			return nil, false, err
		}
		dv, err := sctx.IndexReader.DocValueReader([]string{fSortDate})
		if err != nil {
			return nil, false, fmt.Errorf("sort_date doc values: %w", err)
		}
		t := &scoreTop{k: k, perScore: map[float64]int{}, drop: sctx.DocumentMatchPool.Put}
		if snap, ok := sctx.IndexReader.(*scorch.IndexSnapshot); ok && dates != nil {
			t.cols = newDateColumns(snap, dates)
		}
		return func(d *search.DocumentMatch) error {
			if d == nil {
				return t.flush(dv, next)
			}
			t.add(d)
			return nil
		}, false, nil
	}
}

// scoreTop keeps the matches whose score is at least the k-th best seen.
type scoreTop struct {
	k        int
	h        scoreHeap       // lowest score on top
	perScore map[float64]int // kept matches per score
	drop     func(*search.DocumentMatch)
	cols     *dateColumns // nil: sort_date from doc values alone
}

func (t *scoreTop) add(d *search.DocumentMatch) {
	if len(t.h) >= t.k && d.Score < t.h[0].Score {
		t.drop(d)
		return
	}
	heap.Push(&t.h, d)
	t.perScore[d.Score]++
	// the lowest score goes once the better ones are k without it
	for {
		low := t.h[0].Score
		n := t.perScore[low]
		if len(t.h)-n < t.k {
			return
		}
		for range n {
			t.drop(heap.Pop(&t.h).(*search.DocumentMatch))
		}
		delete(t.perScore, low)
	}
}

func (t *scoreTop) flush(dv bleveindex.DocValueReader, next search.DocumentMatchHandler) error {
	type kept struct {
		d      *search.DocumentMatch
		prefix datePrefix // from the column, for a shared score
		key    []byte     // sort_date from doc values, for a shared score and prefix
		read   bool       // key was read
	}
	items := make([]kept, len(t.h))
	var tied []int
	for i, d := range t.h {
		items[i].d = d
		if t.perScore[d.Score] > 1 {
			tied = append(tied, i)
		}
	}
	t.h = nil
	slices.SortFunc(tied, func(a, b int) int { return bytes.Compare(items[a].d.IndexInternalID, items[b].d.IndexInternalID) })
	readKey := func(it *kept) error {
		it.read = true
		err := dv.VisitDocValues(it.d.IndexInternalID, func(field string, term []byte) {
			if field == fSortDate {
				it.key = append(it.key[:0], term...)
			}
		})
		if err != nil {
			return fmt.Errorf("sort_date of a match: %w", err)
		}
		return nil
	}
	whole := t.cols == nil // order the ties by whole keys alone
	for _, i := range tied {
		it := &items[i]
		if !whole {
			// a column that cannot be built (a key of another form):
			// compare every key whole, from doc values
			if p, err := t.cols.prefix(it.d.IndexInternalID); err == nil && p.ok {
				it.prefix = p
				continue
			}
			whole = true
		}
		if err := readKey(it); err != nil {
			return err
		}
	}
	if whole {
		for _, i := range tied {
			if it := &items[i]; !it.read {
				if err := readKey(it); err != nil {
					return err
				}
			}
			items[i].prefix.ok = false
		}
	}
	// Matches equal in score and prefix are ordered by their whole keys.
	slices.SortFunc(items, func(a, b kept) int {
		if a.d.Score != b.d.Score {
			return cmp.Compare(b.d.Score, a.d.Score)
		}
		if a.prefix.ok && b.prefix.ok {
			if c := compareDatePrefix(a.prefix, b.prefix); c != 0 {
				return c
			}
		}
		return bytes.Compare(a.key, b.key)
	})
	err := sortTies(items,
		func(a, b *kept) bool {
			return a.d.Score == b.d.Score && a.prefix.ok && b.prefix.ok && compareDatePrefix(a.prefix, b.prefix) == 0
		},
		func(it *kept) ([]byte, error) {
			if !it.read {
				if err := readKey(it); err != nil {
					return nil, err
				}
			}
			return it.key, nil
		})
	if err != nil {
		return err
	}
	for i, it := range items {
		if i >= t.k {
			t.drop(it.d)
			continue
		}
		it.d.HitNumber = uint64(i + 1)
		if err := next(it.d); err != nil {
			return err
		}
	}
	return next(nil)
}

// scoreHeap is a min-heap of matches by score.
type scoreHeap []*search.DocumentMatch

func (h scoreHeap) Len() int           { return len(h) }
func (h scoreHeap) Less(i, j int) bool { return h[i].Score < h[j].Score }
func (h scoreHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *scoreHeap) Push(x any)        { *h = append(*h, x.(*search.DocumentMatch)) }
func (h *scoreHeap) Pop() any {
	old := *h
	d := old[len(old)-1]
	*h = old[:len(old)-1]
	return d
}

// dateWindows are the spans of published dates a date-sorted search tries,
// newest first, each reaching back from the older of the query's until and
// the newest date indexed: a day, then four times further each time, to
// about 180 years; then the rest (older, or no date).
var dateWindows = func() []time.Duration {
	var ws []time.Duration
	for days := 1; days <= 70_000; days *= 4 {
		ws = append(ws, time.Duration(days)*24*time.Hour)
	}
	return ws
}()

// window is a span of published dates: [lower, upper), a zero upper
// meaning no upper bound; rest: everything before upper, including
// documents without a date.
type window struct {
	lower, upper time.Time
	rest         bool
}

// query is the plan's query restricted to the window. When the plan has
// a date filter, the window and that filter are one date range: two
// ranges cost twice the setting up of their prefix-coded terms.
func (p *plan) windowQuery(w window) query.Query {
	incl, excl := true, false
	// upper is the window's upper bound within the query's until.
	upper := w.upper
	if !p.until.IsZero() && (upper.IsZero() || p.until.Before(upper)) {
		upper = p.until
	}
	switch {
	case !w.rest && p.dates != nil:
		lower := w.lower // after since: see searchDate
		if !p.since.IsZero() && p.since.After(lower) {
			lower = p.since
		}
		return p.queryWithout(p.dates, dateRange(lower, upper, &incl, &excl))
	case !w.rest:
		return p.query(dateRange(w.lower, w.upper, &incl, &excl))
	case w.upper.IsZero():
		return p.query()
	case p.dates != nil:
		// Before upper, within the query's dates (no document without a
		// date is in them).
		return p.queryWithout(p.dates, dateRange(p.since, upper, &incl, &excl))
	default:
		// Before upper or no date: not on or after upper.
		newer := dateRange(w.upper, time.Time{}, &incl, nil)
		return query.NewBooleanQuery([]query.Query{p.query()}, nil, []query.Query{newer})
	}
}

// searchDate runs a date-sorted search (newest first): from bitmaps and
// date columns when its query is terms alone (see searchDateBitmaps), else
// window by window.
// The windows cut the matches into groups in the order of sort_date
// (published newest first, then no date), so the page is the
// concatenation of the windows' hits, each window asked for the part of
// the page that falls in it. Windows are tried until the page is full;
// after that the rest is only counted, cheaply (no sort, score or
// fields), in one query that stops at TotalUpTo. When the windows shorter
// than splitSpan leave the page short and few matches remain (counted up
// to a bound), those are sorted in one request instead.
func (ix *Index) searchDate(ctx context.Context, p *plan) (news.Results, error) {
	if q, ok := bitmapDatePlan(p); ok {
		out, done, err := ix.searchDateBitmaps(ctx, p, q)
		if done || err != nil {
			return out, err
		}
	}
	anchor, err := ix.newestPublished()
	if err != nil {
		return news.Results{}, err
	}
	if !p.until.IsZero() && p.until.Before(anchor) {
		anchor = p.until
	}
	end := p.from + p.size
	var out news.Results
	seen := 0 // matches in the windows done so far
	w := window{}
	for i := 0; ; i++ {
		w.rest = i == len(dateWindows)
		if !w.rest {
			w.lower = windowStart(anchor, dateWindows[i])
			if !p.since.IsZero() && !w.lower.After(p.since) {
				w.rest = true // the since filter bounds this window
			}
		}
		if seen >= end {
			if p.totalUpTo > 0 && seen >= p.totalUpTo {
				out.TotalAtLeast = true
				break
			}
			// The page is full: count everything older in one query, up
			// to what TotalUpTo still needs (the windows' date ranges
			// cost their documents to set up; the rest's excludes only
			// the newest span done so far).
			w.rest = true
			limit := 0
			if p.totalUpTo > 0 {
				limit = p.totalUpTo - seen
			}
			n, more, took, err := ix.countUpTo(ctx, p.windowQuery(w), limit)
			if err != nil {
				return news.Results{}, err
			}
			seen += n
			out.Took += took
			out.TotalAtLeast = more
			break
		}
		if !w.rest && dateWindows[i] >= splitSpan && (i == 0 || dateWindows[i-1] < splitSpan) {
			// The short windows did not fill the page: if few matches
			// are older, sort them all in one request rather than
			// window by window. Few is about twice what the page
			// still needs: sorting reads each match's sort_date, a
			// chunk of doc values decoded for a scattered one, so a
			// few hundred cost more than the windows (measured on the
			// benchmark's actor and alias searches at 100k).
			rest := window{upper: w.upper, rest: true}
			n, more, took, err := ix.countUpTo(ctx, p.windowQuery(rest), 2*(end-seen)+32)
			if err != nil {
				return news.Results{}, err
			}
			out.Took += took
			if !more {
				if err := ix.fillPage(ctx, p, rest, anchor, n, &seen, &out); err != nil {
					return news.Results{}, err
				}
				break
			}
		}
		if err := ix.fillPage(ctx, p, w, anchor, -1, &seen, &out); err != nil {
			return news.Results{}, err
		}
		if w.rest {
			break
		}
		w.upper = w.lower
	}
	out.Total = uint64(seen)
	return out, nil
}

// splitSpan is the narrowest window fillPage counts before it sorts, and
// may cut in two.
const splitSpan = 64 * 24 * time.Hour

// fillPage adds to out the hits of window w that fall in the page, and its
// number of matches to seen (known: that number, when known; else -1). A
// window spanning splitSpan or more is counted first, cheaply: if it holds
// none of the page it is not sorted, and if it holds many more matches
// than the page still needs it is cut in two at a date, the newer half
// filled first, so that few more matches than the page are sorted.
func (ix *Index) fillPage(ctx context.Context, p *plan, w window, anchor time.Time, known int, seen *int, out *news.Results) error {
	end := p.from + p.size
	if *seen >= end {
		if known < 0 {
			return fmt.Errorf("internal error: window %v counted after the page", w)
		}
		*seen += known
		return nil
	}
	upper := w.upper
	if upper.IsZero() {
		upper = anchor.Add(time.Nanosecond) // nothing matches after anchor
	}
	if !w.rest && upper.Sub(w.lower) >= splitSpan {
		if known < 0 {
			n, took, err := ix.count(ctx, p.windowQuery(w))
			if err != nil {
				return err
			}
			out.Took += took
			known = n
		}
		switch need := end - *seen; {
		case known == 0:
			return nil
		case *seen+known <= p.from:
			*seen += known
			return nil
		case known > 4*need+256:
			mid := windowStart(upper, upper.Sub(w.lower)/2)
			if mid.After(w.lower) && mid.Before(upper) {
				before := *seen
				if err := ix.fillPage(ctx, p, window{lower: mid, upper: w.upper}, anchor, -1, seen, out); err != nil {
					return err
				}
				return ix.fillPage(ctx, p, window{lower: w.lower, upper: mid}, anchor, known-(*seen-before), seen, out)
			}
		}
	}
	sub := *p
	sub.from = max(p.from-*seen, 0)
	sub.size = end - max(p.from, *seen)
	res, err := ix.runPage(ctx, sub.request(p.windowQuery(w)))
	if err != nil {
		return err
	}
	if err := appendHits(out, res, p); err != nil {
		return err
	}
	*seen += int(res.Total)
	out.Took += res.Took
	return nil
}

// count is the number of documents q matches, found without scoring,
// sorting or loading anything.
func (ix *Index) count(ctx context.Context, q query.Query) (int, time.Duration, error) {
	n, _, took, err := ix.countUpTo(ctx, q, 0)
	return n, took, err
}

// countUpTo is count, stopping at limit matches when limit > 0 (more: it
// stopped there, and there may be more). Bleve stops collecting a search
// without scores or sort once it holds From+Size matches; the one hit
// kept is not loaded.
func (ix *Index) countUpTo(ctx context.Context, q query.Query, limit int) (n int, more bool, took time.Duration, err error) {
	req := bleve.NewSearchRequestOptions(q, 0, 0, false)
	if limit > 0 {
		req = bleve.NewSearchRequestOptions(q, 1, limit-1, false)
	}
	req.Score = "none"
	req.SortByCustom(search.SortOrder{&search.SortScore{Desc: true}})
	res, err := ix.run(ctx, req)
	if err != nil {
		return 0, false, 0, err
	}
	more = limit > 0 && res.TotalRelation == bleve.TotalRelationGte
	return int(res.Total), more, res.Took, nil
}

// windowStart is anchor minus span, rounded down to a multiple of a power
// of 16 nanoseconds at most span/16: a date range from there is covered by
// few of Bleve's prefix-coded terms (precision step 4 bits), so it is
// cheap to set up.
func windowStart(anchor time.Time, span time.Duration) time.Time {
	t := clampTime(anchor.Add(-span)).UnixNano()
	step := int64(1)
	for step*16 <= int64(span)/16 {
		step *= 16
	}
	r := t % step
	if r < 0 {
		r += step
	}
	return time.Unix(0, t-r).UTC()
}

// newestPublished is an upper bound of the newest published date in the
// index (zero when no document has one): on first use, the highest
// full-precision term of the published field, found by bisection in the
// term dictionary; then raised by Put. Deleted documents may leave it
// higher than the newest live date, which costs an empty window, never a
// hit.
func (ix *Index) newestPublished() (time.Time, error) {
	ix.newestMu.Lock()
	defer ix.newestMu.Unlock()
	if ix.newestKnown {
		return ix.newest, nil
	}
	hiTerm := numeric.MustNewPrefixCodedInt64(maxTime.UnixNano(), 0)
	has := func(v int64) (bool, error) {
		d, err := ix.idx.FieldDictRange(fPublished, numeric.MustNewPrefixCodedInt64(v, 0), hiTerm)
		if err != nil {
			return false, fmt.Errorf("published dates: %w", err)
		}
		e, err := d.Next()
		if cerr := d.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return false, fmt.Errorf("published dates: %w", err)
		}
		return e != nil, nil
	}
	lo, hi := minTime.UnixNano(), maxTime.UnixNano()
	ok, err := has(lo)
	if err != nil {
		return time.Time{}, err
	}
	var newest time.Time
	if ok {
		// has(lo) holds and has(hi+1) does not: narrow to the last v
		// with has(v), the newest date.
		hi++
		for uint64(hi)-uint64(lo) > 1 { // hi-lo overflows int64
			mid := lo + int64((uint64(hi)-uint64(lo))/2)
			ok, err := has(mid)
			if err != nil {
				return time.Time{}, err
			}
			if ok {
				lo = mid
			} else {
				hi = mid
			}
		}
		newest = time.Unix(0, lo).UTC()
	}
	if newest.After(ix.newest) {
		ix.newest = newest
	}
	ix.newestKnown = true
	return ix.newest, nil
}
