package index

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/news"
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

// TestForeignSortKeysFallBack: a segment holding a sort_date key of
// another form has no date column; relevance ties are then broken on whole
// keys and date-sorted searches run in windows, with the answers of one
// Bleve request.
func TestForeignSortKeysFallBack(t *testing.T) {
	ix, _ := segmentedIndex(t)
	foreign := map[string]any{fType: string(news.TypeStatement), fKind: "other", fSortDate: "not-a-newsdesk-key", fSentence: "hackers"}
	if err := ix.idx.Index("foreign#0", foreign); err != nil {
		t.Fatal(err)
	}
	if err := ix.Compact(context.Background()); err != nil {
		t.Fatal(err) // one segment, which holds the foreign key
	}
	for _, q := range []news.Query{
		{Kinds: []news.Kind{news.Sanction}, From: 5, Size: 20},
		{Text: "hackers", Kinds: []news.Kind{news.Allegation}, Size: 30},
	} {
		ix.legacy = true
		want := mustSearch(t, ix, q)
		ix.legacy = false
		got := mustSearch(t, ix, q)
		if len(want.Hits) == 0 {
			t.Fatalf("%+v: no hit: it tests nothing", q)
		}
		if got.Total != want.Total || !reflect.DeepEqual(answerIDs(got), answerIDs(want)) {
			t.Errorf("%+v:\n got %d %v\nwant %d %v", q, got.Total, answerIDs(got), want.Total, answerIDs(want))
		}
	}
	snap, release, err := ix.snapshot()
	if err != nil || snap == nil {
		t.Fatalf("snapshot %v: %v", snap, err)
	}
	defer release()
	for _, s := range snap.Segments() {
		if _, err := buildDateColumn(s.Segment()); err == nil {
			t.Error("a segment with a foreign key has a date column: the case tests nothing")
		}
	}
}
