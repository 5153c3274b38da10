package index

import (
	"context"
	"testing"
)

// TestWarmBuildsTheCaches: a warm-up leaves every segment of the current
// snapshot with its date column and facet tables, and no others; an
// index closes while its warming goroutine runs.
func TestWarmBuildsTheCaches(t *testing.T) {
	ix, _ := segmentedIndex(t)
	if err := ix.Compact(context.Background()); err != nil {
		t.Fatal(err)
	}
	if ix.warming.stop == nil {
		t.Fatal("an on-disk index is not warming")
	}
	if err := ix.warm(make(chan struct{})); err != nil {
		t.Fatal(err)
	}
	segs, err := ix.segments()
	if err != nil {
		t.Fatal(err)
	}
	if got := ix.dates.len(); got != segs {
		t.Errorf("%d date columns for %d segments", got, segs)
	}
	if got := ix.facets.len(); got != segs*len(facetFields) {
		t.Errorf("%d facet tables for %d segments", got, segs)
	}
	ix.warming.poke()
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	mem, err := OpenMem()
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()
	if mem.warming.stop != nil {
		t.Error("an in-memory index is warming")
	}
}
