package index

import (
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
)

// segmentCache holds what was derived from one field of a segment, by
// segment id and field: a segment never changes, so neither does what is
// derived from it. keep drops what belongs to segments merged away; only
// the warming goroutine calls it, with the current snapshot's segments, so
// that a search on an older snapshot cannot drop a newer segment's.
type segmentCache[T any] struct {
	mu       sync.Mutex
	items    map[segmentField]T
	errs     map[segmentField]error         // builds that failed: a segment fails the same way again
	building map[segmentField]chan struct{} // closed when the build ends
}

type segmentField struct {
	seg   uint64
	field string
}

// get is the item of field in s, built (outside the lock) when it is not
// cached. One build of an item runs at a time: a second caller waits for
// it rather than building the same item beside it (a column of a million
// documents takes about a second).
func (c *segmentCache[T]) get(s *scorch.SegmentSnapshot, field string, build func() (T, error)) (T, error) {
	k := segmentField{s.Id(), field}
	for {
		c.mu.Lock()
		if it, ok := c.items[k]; ok {
			c.mu.Unlock()
			return it, nil
		}
		if err, ok := c.errs[k]; ok {
			c.mu.Unlock()
			var zero T
			return zero, err
		}
		if done, ok := c.building[k]; ok {
			c.mu.Unlock()
			<-done
			continue // built, or failed: look again
		}
		if c.building == nil {
			c.building = map[segmentField]chan struct{}{}
		}
		done := make(chan struct{})
		c.building[k] = done
		c.mu.Unlock()

		it, err := build()
		c.mu.Lock()
		if err == nil {
			if c.items == nil {
				c.items = map[segmentField]T{}
			}
			c.items[k] = it
		} else {
			if c.errs == nil {
				c.errs = map[segmentField]error{}
			}
			c.errs[k] = err
		}
		delete(c.building, k)
		close(done)
		c.mu.Unlock()
		return it, err
	}
}

// known reports whether field of s was built, or failed to build.
func (c *segmentCache[T]) known(s *scorch.SegmentSnapshot, field string) bool {
	k := segmentField{s.Id(), field}
	c.mu.Lock()
	defer c.mu.Unlock()
	_, built := c.items[k]
	_, failed := c.errs[k]
	return built || failed
}

// keep drops the items of segments not in segs.
func (c *segmentCache[T]) keep(segs []*scorch.SegmentSnapshot) {
	live := make(map[uint64]bool, len(segs))
	for _, s := range segs {
		live[s.Id()] = true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range c.items {
		if !live[k.seg] {
			delete(c.items, k)
		}
	}
	for k := range c.errs {
		if !live[k.seg] {
			delete(c.errs, k)
		}
	}
}

// len is the number of items cached.
func (c *segmentCache[T]) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items)
}
