package index

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// TestDatePrefixOrdersAsTheKey: parsed prefixes of sortDateKey keys order
// as the keys' first 40 bytes do, and a key of another form has none.
func TestDatePrefixOrdersAsTheKey(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	var keys [][]byte
	for i := range 400 {
		var published time.Time
		if i%17 != 0 {
			published = base.Add(time.Duration(rng.IntN(1000)) * time.Hour)
		}
		seq := uint64(rng.IntN(50))
		if i%5 == 0 {
			seq = 1<<63 + uint64(i)
		}
		keys = append(keys, []byte(sortDateKey(published, seq, rng.IntN(4)-1, fmt.Sprintf("id-%d", i))))
	}
	for i, a := range keys {
		pa := parseDatePrefix(a)
		if !pa.ok {
			t.Fatalf("key %q: no prefix", a)
		}
		for _, b := range keys[i:] {
			if got, want := compareDatePrefix(pa, parseDatePrefix(b)), bytes.Compare(a[:40], b[:40]); got != want {
				t.Fatalf("%q vs %q: %d, want %d", a, b, got, want)
			}
		}
	}
	for _, bad := range []string{"", "short", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", "0123456789ABCDEF0123456789abcdef01234567x"} {
		if parseDatePrefix([]byte(bad)).ok {
			t.Errorf("%q parsed as a prefix", bad)
		}
	}
}
