package index

import (
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"context"

	"github.com/newsdesk/newsdesk/news"
	"strings"
	"testing"
)

// TestWarmBuildsTheCaches: a warm-up leaves every segment of the current
// snapshot with its date column and facet tables, and no others; an
// index closes while its warming goroutine runs; a Put makes the index
// unquiet for warmEvery.
func TestWarmBuildsTheCaches(t *testing.T) {
	ix, _ := segmentedIndex(t)
	if err := ix.Compact(context.Background()); err != nil {
		t.Fatal(err)
	}
	if ix.warming.stop != nil {
		t.Fatal("an index warms before KeepWarm")
	}
	ix.KeepWarm()
	if ix.warming.stop == nil {
		t.Fatal("an on-disk index is not warming after KeepWarm")
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
	a := news.Article{ID: "warm-put", Title: "Put", Published: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	a.Summarize()
	if err := ix.Put(context.Background(), []news.Article{a}); err != nil {
		t.Fatal(err)
	}
	now := time.Now() // just after the Put
	if ix.warming.quiet(now) || !ix.warming.quiet(now.Add(warmEvery)) {
		t.Errorf("after a Put: quiet now %v, quiet %s later %v; want false, true", ix.warming.quiet(now), warmEvery, ix.warming.quiet(now.Add(warmEvery)))
	}
	var never warming
	if !never.quiet(now) {
		t.Error("an index never written is not quiet")
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	mem, err := OpenMem()
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()
	mem.KeepWarm()
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

// TestSegmentCacheBuildsOnce: callers asking at once for one segment's
// item share one build; a failed build's error is given again, not tried
// again.
func TestSegmentCacheBuildsOnce(t *testing.T) {
	ix, _ := segmentedIndex(t)
	snap, done, err := ix.snapshot()
	if err != nil || snap == nil {
		t.Fatalf("snapshot %v: %v", snap, err)
	}
	defer done()
	seg := snap.Segments()[0]
	var c segmentCache[int]
	var builds atomic.Int32
	release := make(chan struct{})
	build := func() (int, error) {
		builds.Add(1)
		<-release
		return 7, nil
	}
	var wg sync.WaitGroup
	got := make([]int, 8)
	for i := range got {
		wg.Go(func() {
			v, err := c.get(seg, "f", build)
			if err != nil {
				t.Error(err)
			}
			got[i] = v
		})
	}
	for builds.Load() == 0 {
		runtime.Gosched() // until the first build has begun
	}
	for range 1000 {
		runtime.Gosched() // and the other callers have come to wait for it
	}
	close(release)
	wg.Wait()
	if n := builds.Load(); n != 1 {
		t.Errorf("%d builds, want 1", n)
	}
	for i, v := range got {
		if v != 7 {
			t.Errorf("caller %d got %d", i, v)
		}
	}
	// a failed build is kept: the segment would fail the same way again
	failing := func() (int, error) { return 0, errors.New("damaged") }
	if _, err := c.get(seg, "g", failing); err == nil {
		t.Fatal("a failed build gave no error")
	}
	if !c.known(seg, "g") {
		t.Error("a failed build is not known")
	}
	if _, err := c.get(seg, "g", func() (int, error) { return 9, nil }); err == nil || err.Error() != "damaged" {
		t.Errorf("after a failed build: %v; want its error again", err)
	}
}
