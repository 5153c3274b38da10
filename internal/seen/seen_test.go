package seen

import (
	"context"
	"testing"
	"time"
)

func TestMemoryFirstSeen(t *testing.T) {
	var m Memory
	ctx := context.Background()
	t0 := time.Unix(1_700_000_000, 0)
	const keep = 10 * time.Minute
	for _, st := range []struct {
		name    string
		key     string
		at      time.Time
		want    bool
		remains int
	}{
		{"first", "a", t0, true, 1},
		{"replay", "a", t0.Add(time.Minute), false, 1},
		{"another", "b", t0.Add(2 * time.Minute), true, 2},
		{"a forgotten after its window", "c", t0.Add(keep), true, 2},
		{"a seen anew", "a", t0.Add(keep + time.Second), true, 3},
		{"all but the newest forgotten", "d", t0.Add(3 * keep), true, 1},
	} {
		got, err := m.FirstSeen(ctx, st.key, st.at, keep)
		if err != nil || got != st.want {
			t.Errorf("%s: FirstSeen(%q) = %v, %v; want %v", st.name, st.key, got, err, st.want)
		}
		if n := m.Len(); n != st.remains {
			t.Errorf("%s: %d remembered, want %d", st.name, n, st.remains)
		}
	}
	if _, err := m.FirstSeen(ctx, "", t0, keep); err == nil {
		t.Error("an empty key was accepted")
	}
}
