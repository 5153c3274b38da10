package index

import (
	"time"
)

// warmEvery is how often the warming goroutine looks for segments whose
// caches are not built: merges make new segments in the background,
// unannounced.
const warmEvery = 2 * time.Second

// warming builds the per-segment caches (date columns and facet tables)
// of a scorch index in the background, for the segments of the current
// snapshot that have none: at open, after each Put, and every warmEvery.
// A search still builds what it finds missing, so warming changes no
// answer, only when the cost is paid: a column of a merged segment of a
// million documents takes about a second to build, which a slash command
// should not wait for.
type warming struct {
	poked chan struct{} // nil: not warming (an in-memory index)
	stop  chan struct{}
	done  chan struct{}
}

func (ix *Index) startWarming() {
	ix.warming = warming{poked: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	ix.warming.poke()
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

// poke asks for a warm-up soon; it never blocks.
func (w *warming) poke() {
	select {
	case w.poked <- struct{}{}:
	default:
	}
}

func (ix *Index) warmLoop() {
	defer close(ix.warming.done)
	tick := time.NewTicker(warmEvery)
	defer tick.Stop()
	stop, poked := ix.warming.stop, ix.warming.poked
	for {
		select {
		case <-stop:
			return
		case <-poked:
		case <-tick.C:
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
