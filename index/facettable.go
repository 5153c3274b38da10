package index

import (
	"context"
	"fmt"

	"github.com/RoaringBitmap/roaring/v2"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// facetTable is one segment's facet field turned around: for each
// document, the numbers of the terms it holds (ords[offsets[d]:
// offsets[d+1]], numbers into terms). Built once from the postings of a
// segment, which never changes, it lets Facets count the terms of any set
// of matches at a cost that follows the matches alone. Deleted documents
// keep their rows; the matches never hold them.
type facetTable struct {
	terms   []string
	offsets []uint32
	ords    []uint32
}

func buildFacetTable(seg segment.Segment, field string) (*facetTable, error) {
	dict, err := seg.Dictionary(field)
	if err != nil {
		return nil, fmt.Errorf("dictionary of %s: %w", field, err)
	}
	var t facetTable
	var postings [][]uint32
	n := seg.Count()
	perDoc := make([]uint32, n+1)
	terms := dict.AutomatonIterator(nil, nil, nil)
	var pl segment.PostingsList
	var it segment.PostingsIterator
	for {
		e, err := terms.Next()
		if err != nil {
			return nil, fmt.Errorf("terms of %s: %w", field, err)
		}
		if e == nil {
			break
		}
		pl, err = dict.PostingsList([]byte(e.Term), nil, pl)
		if err != nil {
			return nil, fmt.Errorf("postings of %s:%s: %w", field, e.Term, err)
		}
		it = pl.Iterator(false, false, false, it)
		docs, err := postingsArray(it)
		if err != nil {
			return nil, fmt.Errorf("postings of %s:%s: %w", field, e.Term, err)
		}
		for _, d := range docs {
			if uint64(d) >= n {
				return nil, fmt.Errorf("postings of %s:%s: document %d of a segment of %d", field, e.Term, d, n)
			}
			perDoc[d+1]++
		}
		t.terms = append(t.terms, e.Term)
		postings = append(postings, docs)
	}
	for d := range n {
		perDoc[d+1] += perDoc[d]
	}
	t.offsets = perDoc
	t.ords = make([]uint32, perDoc[n])
	fill := make([]uint32, n)
	copy(fill, perDoc[:n])
	for ord, docs := range postings {
		for _, d := range docs {
			t.ords[fill[d]] = uint32(ord)
			fill[d]++
		}
	}
	return &t, nil
}

// postingsArray is the document numbers of a postings iterator, ascending.
func postingsArray(it segment.PostingsIterator) ([]uint32, error) {
	if o, ok := it.(segment.OptimizablePostingsIterator); ok {
		if d, ok := o.DocNum1Hit(); ok {
			return []uint32{uint32(d)}, nil
		}
		if a := o.ActualBitmap(); a != nil {
			return a.ToArray(), nil
		}
	}
	var docs []uint32
	for {
		p, err := it.Next()
		if err != nil || p == nil {
			return docs, err
		}
		docs = append(docs, uint32(p.Number()))
	}
}

// count adds to counts, per term, the matched documents holding it.
func (t *facetTable) count(ctx context.Context, matched *roaring.Bitmap, counts map[string]uint64) error {
	per := make([]uint64, len(t.terms))
	buf := make([]uint32, 1024)
	it := matched.ManyIterator()
	for {
		n := it.NextMany(buf)
		if n == 0 {
			break
		}
		for _, d := range buf[:n] {
			if int(d)+1 >= len(t.offsets) {
				return fmt.Errorf("document %d past the %d of its segment", d, len(t.offsets)-1)
			}
			for _, o := range t.ords[t.offsets[d]:t.offsets[d+1]] {
				per[o]++
			}
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	for o, c := range per {
		if c > 0 {
			counts[t.terms[o]] += c
		}
	}
	return nil
}
