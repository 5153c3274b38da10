package index

import (
	"fmt"

	"github.com/blevesearch/bleve/v2/index/scorch"
)

// current is the layout of an index created by this code.
var current = layouts[mappingVersion]

// segments is the number of segments searches read.
func (ix *Index) segments() (int, error) {
	adv, err := ix.idx.Advanced()
	if err != nil {
		return 0, err
	}
	r, err := adv.Reader()
	if err != nil {
		return 0, err
	}
	defer r.Close()
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return 0, fmt.Errorf("index reader is a %T, not a scorch snapshot", r)
	}
	return len(snap.Segments()), nil
}
