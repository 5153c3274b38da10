package index

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"sort"

	"github.com/blevesearch/bleve/v2/index/scorch"
	bleveindex "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// dateColumn is one segment's sort_date keys by local document number,
// each cut to what orders nearly every pair (see sortDateKey): its
// published date, seq and statement number, the key's first 40 hex
// digits read as numbers, which order as the digits do. Two documents
// equal in all three are ordered by their whole keys. Built once from the
// segment's doc values, read in order, it lets a relevance search break
// its ties without decoding a doc values chunk, and a date-sorted search
// walk the segment newest first (order).
type dateColumn struct {
	prefixes []datePrefix // by local document number
	order    []uint32     // local document numbers in sort_date order
	rank     []uint32     // each local document's place in order
}

// datePrefix is a sort_date key's first 40 hex digits; ok is false for a
// document without a key of that form.
type datePrefix struct {
	date, seq uint64
	n         uint32
	ok        bool
}

func compareDatePrefix(a, b datePrefix) int {
	return cmp.Or(cmp.Compare(a.date, b.date), cmp.Compare(a.seq, b.seq), cmp.Compare(a.n, b.n))
}

func buildDateColumn(seg segment.Segment) (dateColumn, error) {
	dv, ok := seg.(segment.DocValueVisitable)
	if !ok {
		return dateColumn{}, fmt.Errorf("sort_date column: a %T has no doc values", seg)
	}
	n := seg.Count()
	c := dateColumn{prefixes: make([]datePrefix, n), order: make([]uint32, n), rank: make([]uint32, n)}
	fields := []string{fSortDate}
	var state segment.DocVisitState
	for d := range n {
		var err error
		state, err = dv.VisitDocValues(d, fields, func(field string, term []byte) {
			if field == fSortDate {
				c.prefixes[d] = parseDatePrefix(term)
			}
		}, state)
		if err != nil {
			return dateColumn{}, fmt.Errorf("sort_date column: document %d: %w", d, err)
		}
		if !c.prefixes[d].ok {
			// a key of another form: the order would need every key whole
			return dateColumn{}, fmt.Errorf("sort_date column: document %d: a key that is not newsdesk's", d)
		}
		c.order[d] = uint32(d)
	}
	slices.SortFunc(c.order, func(a, b uint32) int { return compareDatePrefix(c.prefixes[a], c.prefixes[b]) })
	err := sortTies(c.order,
		func(a, b *uint32) bool { return compareDatePrefix(c.prefixes[*a], c.prefixes[*b]) == 0 },
		func(d *uint32) ([]byte, error) { return wholeDateKey(seg, *d) })
	if err != nil {
		return dateColumn{}, fmt.Errorf("sort_date column: %w", err)
	}
	for i, d := range c.order {
		c.rank[d] = uint32(i)
	}
	return c, nil
}

// sortTies sorts by whole sort_date key each run of consecutive elements
// of xs (sorted by date prefix already) that tie: what a prefix leaves
// equal, the whole key decides. key reads an element's whole key; only
// the elements of a run are read.
func sortTies[T any](xs []T, tied func(a, b *T) bool, key func(*T) ([]byte, error)) error {
	for i := 0; i+1 < len(xs); i++ {
		if !tied(&xs[i], &xs[i+1]) {
			continue
		}
		j := i + 1
		for j+1 < len(xs) && tied(&xs[i], &xs[j+1]) {
			j++
		}
		run := byKey[T]{xs: xs[i : j+1], keys: make([][]byte, j+1-i)}
		for k := range run.xs {
			var err error
			if run.keys[k], err = key(&run.xs[k]); err != nil {
				return err
			}
		}
		sort.Stable(run)
		i = j
	}
	return nil
}

// byKey sorts elements by their keys, moving both.
type byKey[T any] struct {
	xs   []T
	keys [][]byte
}

func (b byKey[T]) Len() int           { return len(b.xs) }
func (b byKey[T]) Less(i, j int) bool { return bytes.Compare(b.keys[i], b.keys[j]) < 0 }
func (b byKey[T]) Swap(i, j int) {
	b.xs[i], b.xs[j] = b.xs[j], b.xs[i]
	b.keys[i], b.keys[j] = b.keys[j], b.keys[i]
}

// wholeDateKey is the sort_date key of a segment's document, from its doc
// values.
func wholeDateKey(seg segment.Segment, local uint32) ([]byte, error) {
	dv, ok := seg.(segment.DocValueVisitable)
	if !ok {
		return nil, fmt.Errorf("sort_date of document %d: a %T has no doc values", local, seg)
	}
	var key []byte
	_, err := dv.VisitDocValues(uint64(local), []string{fSortDate}, func(field string, term []byte) {
		if field == fSortDate {
			key = append(key[:0], term...)
		}
	}, nil)
	if err != nil {
		return nil, fmt.Errorf("sort_date of document %d: %w", local, err)
	}
	return key, nil
}

func parseDatePrefix(key []byte) datePrefix {
	if len(key) < 40 {
		return datePrefix{}
	}
	date, ok1 := parseHex(key[:16])
	seq, ok2 := parseHex(key[16:32])
	n, ok3 := parseHex(key[32:40])
	if !ok1 || !ok2 || !ok3 {
		return datePrefix{}
	}
	return datePrefix{date: date, seq: seq, n: uint32(n), ok: true}
}

// parseHex reads lower-case hex digits, as sortDateKey writes them.
func parseHex(b []byte) (uint64, bool) {
	var v uint64
	for _, c := range b {
		switch {
		case '0' <= c && c <= '9':
			v = v<<4 | uint64(c-'0')
		case 'a' <= c && c <= 'f':
			v = v<<4 | uint64(c-'a'+10)
		default:
			return 0, false
		}
	}
	return v, true
}

// dateColumns finds the column entry of a document of one snapshot,
// building a segment's column on first use.
type dateColumns struct {
	cache *segmentCache[dateColumn]
	segmentMap
	cols []dateColumn
}

func newDateColumns(snap *scorch.IndexSnapshot, cache *segmentCache[dateColumn]) *dateColumns {
	m := newSegmentMap(snap)
	return &dateColumns{cache: cache, segmentMap: m, cols: make([]dateColumn, len(m.segs))}
}

func (c *dateColumns) prefix(id bleveindex.IndexInternalID) (datePrefix, error) {
	i, local, err := c.locate(id.Value())
	if err != nil {
		return datePrefix{}, err
	}
	if c.cols[i].prefixes == nil {
		s := c.segs[i]
		col, err := c.cache.get(s, fSortDate, func() (dateColumn, error) { return buildDateColumn(s.Segment()) })
		if err != nil {
			return datePrefix{}, err
		}
		c.cols[i] = col
	}
	if local >= uint64(len(c.cols[i].prefixes)) {
		return datePrefix{}, fmt.Errorf("document %d past its segment of %d", id.Value(), len(c.cols[i].prefixes))
	}
	return c.cols[i].prefixes[local], nil
}
