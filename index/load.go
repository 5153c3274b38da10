package index

import (
	"context"
	"fmt"
	"slices"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"
)

// runLoading runs a request for stored fields and reads the fields of its
// hits itself, from the snapshot the search ran on, by each hit's segment
// and local number. Bleve's own loading finds each hit again by its id in
// the _id term dictionary first; for a page of thousands (a digest's
// window) that is most of the loading. The fields newsdesk stores are
// text (fDoc, fHit), as Bleve gives them.
func (ix *Index) runLoading(ctx context.Context, req *bleve.SearchRequest) (_ *bleve.SearchResult, err error) {
	defer ix.recoverInto("stored hits", &err)
	if len(req.Fields) == 0 || req.Size == 0 || !ix.scorch() {
		return ix.run(ctx, req) // an in-memory index: Bleve loads them
	}
	hold := &heldSnapshot{}
	defer hold.release()
	r := *req
	r.Query, r.Fields = &heldQuery{q: req.Query, hold: hold}, nil
	res, err := ix.run(ctx, &r)
	if err != nil {
		return nil, err
	}
	if hold.snap == nil {
		return nil, fmt.Errorf("internal error: a search of a scorch index without its snapshot")
	}
	for _, h := range res.Hits {
		if err := hold.load(h, req.Fields); err != nil {
			return nil, fmt.Errorf("hit %s: %w", h.ID, err)
		}
	}
	return res, nil
}

// scorch reports whether the index is a scorch index, whose readers are
// snapshots (not OpenMem's).
func (ix *Index) scorch() bool {
	adv, err := ix.idx.Advanced()
	if err != nil {
		return false
	}
	_, ok := adv.(*scorch.Scorch)
	return ok
}

// load sets the hit's stored fields named in fields.
func (h *heldSnapshot) load(dm *search.DocumentMatch, fields []string) error {
	i, local, err := h.locate(dm.IndexInternalID.Value())
	if err != nil {
		return err
	}
	if dm.Fields == nil {
		dm.Fields = map[string]any{}
	}
	err = h.segs[i].VisitDocument(local, func(field string, _ byte, value []byte, _ []uint64) bool {
		if slices.Contains(fields, field) {
			dm.Fields[field] = string(value)
		}
		return true
	})
	if err != nil {
		return fmt.Errorf("stored fields: %w", err)
	}
	return nil
}

// heldQuery is a query whose searcher holds the snapshot it is built on.
type heldQuery struct {
	q    query.Query
	hold *heldSnapshot
}

func (q *heldQuery) Searcher(ctx context.Context, r bleveindex.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	if snap, ok := r.(*scorch.IndexSnapshot); ok {
		if err := q.hold.hold(snap); err != nil {
			return nil, err
		}
	}
	return q.q.Searcher(ctx, r, m, options)
}

var _ query.Query = (*heldQuery)(nil)
