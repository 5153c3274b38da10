package index

import (
	"context"
	"strings"
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

// TestRecoverIntoTurnsAPanicIntoAnError: what the paths outside Bleve's
// search (counting, date search, loading, warming) do with a panic in
// Bleve's segment code: an error naming the step, not a crash.
func TestRecoverIntoTurnsAPanicIntoAnError(t *testing.T) {
	ix, err := OpenMem()
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	step := func() (err error) {
		defer ix.recoverInto("warming the caches", &err)
		var segs []int
		_ = segs[3] // as a damaged segment's offsets would
		return nil
	}
	err = step()
	if err == nil || !strings.Contains(err.Error(), "warming the caches: bleve panicked") {
		t.Fatalf("error %v, want the step and the panic", err)
	}
	ok := func() (err error) {
		defer ix.recoverInto("counting", &err)
		return nil
	}
	if err := ok(); err != nil {
		t.Errorf("no panic: %v", err)
	}
}
