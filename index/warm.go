package index

import (
	"sync/atomic"
	"time"
)

// warmEvery is how often the warming goroutine looks for segments whose
// caches are not built (merges make new segments in the background,
// unannounced), and how long the index must go unwritten before it does.
const warmEvery = 2 * time.Second

// warming builds the per-segment caches (date columns and facet tables)
// of a scorch index in the background (see KeepWarm), for the segments of
// the current snapshot that have none: at once, then every warmEvery once
// the index has not been written for as long. A search still builds what it finds missing, so
// warming changes no answer, only when the cost is paid: a column of a
// merged segment of a million documents takes about a second to build,
// which a slash command should not wait for. Nothing is built while Puts
// follow each other: a bulk load's segments are merged away before anyone
// searches them.
type warming struct {
	stop    chan struct{} // nil: not warming (an in-memory index)
	done    chan struct{}
	lastPut atomic.Int64 // UnixNano of the last Put's end; 0: none
}

// KeepWarm builds the per-segment caches of the index in the background
// from now until Close: at once, then every warmEvery once the index has
// gone that long unwritten. A long-running process that answers searches
// (serve, the console) calls it after Open; a command that searches once
// or only writes does not, and its searches build what they need. It does
// nothing on an in-memory index or when called again.
func (ix *Index) KeepWarm() {
	ix.closeMu.Lock()
	defer ix.closeMu.Unlock()
	if ix.closed || ix.warming.stop != nil || !ix.scorch() {
		return
	}
	ix.warming.stop, ix.warming.done = make(chan struct{}), make(chan struct{})
	go ix.warmLoop()
}

// stopWarming stops the goroutine and waits for it; it must come before
// the Bleve index closes.
func (ix *Index) stopWarming() {
	if ix.warming.stop == nil {
		return
	}
	close(ix.warming.stop)
	<-ix.warming.done
}

// wrote records a Put that ended at now.
func (w *warming) wrote(now time.Time) { w.lastPut.Store(now.UnixNano()) }

// quiet reports whether the index has gone unwritten for warmEvery at now.
func (w *warming) quiet(now time.Time) bool {
	last := w.lastPut.Load()
	return last == 0 || now.Sub(time.Unix(0, last)) >= warmEvery
}

func (ix *Index) warmLoop() {
	defer close(ix.warming.done)
	tick := time.NewTicker(warmEvery)
	defer tick.Stop()
	stop := ix.warming.stop
	for first := true; ; first = false {
		if !first {
			select {
			case <-stop:
				return
			case now := <-tick.C:
				if !ix.warming.quiet(now) {
					continue
				}
			}
		}
		if err := ix.warm(stop); err != nil {
			ix.logger().Warn("index: a segment's cache could not be built; searches of that segment take the slower way (doc values, date windows)", "index", ix.path, "err", err)
		}
	}
}

// warm builds the caches of the current snapshot's segments that have
// none, stopping early when stop is closed, and drops those of segments
// merged away.
func (ix *Index) warm(stop <-chan struct{}) (err error) {
	defer ix.recoverInto("warming the caches", &err)
	snap, done, err := ix.snapshot()
	defer done()
	if err != nil || snap == nil {
		return err
	}
	segs := snap.Segments()
	var first error // the first failure of a build tried now (a failure is kept: it is logged once)
	for _, s := range segs {
		select {
		case <-stop:
			return first
		default:
		}
		if !ix.dates.known(s, fSortDate) {
			if _, err := ix.dates.get(s, fSortDate, func() (dateColumn, error) { return buildDateColumn(s.Segment()) }); err != nil && first == nil {
				first = err
			}
		}
		for _, f := range facetFields {
			if !ix.facets.known(s, f) {
				if _, err := ix.facets.get(s, f, func() (*facetTable, error) { return buildFacetTable(s.Segment(), f) }); err != nil && first == nil {
					first = err
				}
			}
		}
	}
	ix.dates.keep(segs)
	ix.facets.keep(segs)
	return first
}
