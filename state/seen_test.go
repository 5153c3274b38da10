package state

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestFirstSeen(t *testing.T) {
	ctx := context.Background()
	const keep = 10 * time.Minute
	s, path := openTemp(t)
	steps := []struct {
		name    string
		key     string
		at      time.Time
		reopen  bool
		want    bool
		remains int // deliveries remembered after the step
	}{
		{"first delivery", "slack:sig:v0=aa", t0, false, true, 1},
		{"replay at once", "slack:sig:v0=aa", t0.Add(time.Second), false, false, 1},
		{"another key", "slack:event:Ev1", t0.Add(2 * time.Second), false, true, 2},
		{"replay after a restart", "slack:sig:v0=aa", t0.Add(4 * time.Minute), true, false, 2},
		{"event retry after a restart", "slack:event:Ev1", t0.Add(5 * time.Minute), true, false, 2},
		{"the window has passed: pruned, seen anew", "slack:sig:v0=aa", t0.Add(keep + time.Second), false, true, 2},
		{"every older one pruned by a new key", "discord:interaction:9", t0.Add(2*keep + 3*time.Second), false, true, 1},
	}
	for _, st := range steps {
		if st.reopen {
			s = reopen(t, s, path)
		}
		got, err := s.FirstSeen(ctx, st.key, st.at, keep)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if got != st.want {
			t.Errorf("%s: FirstSeen(%q) = %v, want %v", st.name, st.key, got, st.want)
		}
		if n, err := s.SeenCount(ctx); err != nil || n != st.remains {
			t.Errorf("%s: %d deliveries remembered (%v), want %d", st.name, n, err, st.remains)
		}
	}
}

func TestFirstSeenRefusesBadArguments(t *testing.T) {
	s, _ := openTemp(t)
	for _, tc := range []struct {
		key  string
		keep time.Duration
	}{{"", time.Minute}, {"k", 0}, {"k", -time.Second}} {
		if _, err := s.FirstSeen(context.Background(), tc.key, t0, tc.keep); err == nil {
			t.Errorf("FirstSeen(%q, keep %s): no error", tc.key, tc.keep)
		}
	}
}

func TestFirstSeenPrunesABacklogInSteps(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	n := maxPrunePerCall + 10
	for i := range n {
		if _, err := s.FirstSeen(ctx, "k"+strconv.Itoa(i), t0, time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	later := t0.Add(time.Hour)
	if _, err := s.FirstSeen(ctx, "new1", later, time.Minute); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.SeenCount(ctx); c != n-maxPrunePerCall+1 {
		t.Errorf("after one call %d remembered, want %d (a bounded prune)", c, n-maxPrunePerCall+1)
	}
	if _, err := s.FirstSeen(ctx, "new2", later, time.Minute); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.SeenCount(ctx); c != 2 {
		t.Errorf("after two calls %d remembered, want 2", c)
	}
}

// TestFirstSeenConcurrent: deliveries recorded at once (one bbolt batch)
// still see each other: of many concurrent records of one key exactly one
// is first, and every distinct key is first once.
func TestFirstSeenConcurrent(t *testing.T) {
	st, err := Open(filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	var firsts, distinct atomic.Int32
	for i := range 64 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			if first, err := st.FirstSeen(context.Background(), "same", now, time.Minute); err != nil {
				t.Error(err)
			} else if first {
				firsts.Add(1)
			}
		}()
		go func() {
			defer wg.Done()
			if first, err := st.FirstSeen(context.Background(), fmt.Sprintf("key-%d", i), now, time.Minute); err != nil {
				t.Error(err)
			} else if first {
				distinct.Add(1)
			}
		}()
	}
	wg.Wait()
	if firsts.Load() != 1 || distinct.Load() != 64 {
		t.Errorf("first: %d of one key (want 1), %d of 64 distinct keys (want 64)", firsts.Load(), distinct.Load())
	}
}
