package index

import (
	"fmt"
	"sort"

	"github.com/blevesearch/bleve/v2/index/scorch"
)

// segmentMap is a snapshot's segments with the global number of each
// one's first document: a document's global number (its internal id in
// that snapshot) is its segment's offset plus its local number.
type segmentMap struct {
	segs    []*scorch.SegmentSnapshot
	offsets []uint64
}

func newSegmentMap(snap *scorch.IndexSnapshot) segmentMap {
	m := segmentMap{segs: snap.Segments()}
	m.offsets = make([]uint64, len(m.segs))
	var n uint64
	for i, s := range m.segs {
		m.offsets[i] = n
		n += s.Segment().Count()
	}
	return m
}

// locate is the segment and local number of global document doc.
func (m segmentMap) locate(doc uint64) (seg int, local uint64, err error) {
	seg = sort.Search(len(m.offsets), func(i int) bool { return m.offsets[i] > doc }) - 1
	if seg < 0 {
		return 0, 0, fmt.Errorf("document %d before the first segment", doc)
	}
	return seg, doc - m.offsets[seg], nil
}

// heldSnapshot is the scorch snapshot a search ran on, referenced until
// release, so that what the search found (internal ids, match bitmaps)
// can be read after it.
type heldSnapshot struct {
	snap *scorch.IndexSnapshot
	segmentMap
}

func (h *heldSnapshot) hold(snap *scorch.IndexSnapshot) error {
	if h.snap != nil {
		if h.snap != snap {
			return fmt.Errorf("held snapshot: a second snapshot in one search")
		}
		return nil
	}
	snap.AddRef()
	h.snap, h.segmentMap = snap, newSegmentMap(snap)
	return nil
}

func (h *heldSnapshot) release() {
	if h.snap != nil {
		_ = h.snap.DecRef()
	}
	*h = heldSnapshot{}
}

// snapshot is the index's current scorch snapshot and the function that
// releases it; nil (and a no-op release) when the index is not scorch
// (OpenMem's).
func (ix *Index) snapshot() (*scorch.IndexSnapshot, func(), error) {
	adv, err := ix.idx.Advanced()
	if err != nil {
		return nil, func() {}, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, func() {}, err
	}
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		_ = r.Close()
		return nil, func() {}, nil
	}
	return snap, func() { _ = r.Close() }, nil
}
