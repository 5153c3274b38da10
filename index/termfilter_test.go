package index

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"github.com/newsdesk/newsdesk/news"
)

// TestTermFilterIsBlevesTerms: a scored query whose term filters are one
// termFilter finds what it finds with Bleve's term queries in their
// place: the same total, hits, order and scores, relevance-sorted and
// date-sorted, on an index of several segments with deleted documents.
// (An unscored query keeps Bleve's term queries, which Bleve joins as
// bitmaps itself.)
func TestTermFilterIsBlevesTerms(t *testing.T) {
	ctx := context.Background()
	ix, start := segmentedIndex(t)
	for _, tc := range []struct {
		name string
		q    news.Query
	}{
		{"words and kind", news.Query{Text: "hackers", Kinds: []news.Kind{news.Allegation}}},
		{"words and selective filters", news.Query{Text: "espionage", By: []string{"NZ"}, Actors: []string{"KP"}}},
		{"broad filter, rare word", news.Query{Text: "hospitals", Kinds: []news.Kind{news.Allegation, news.Sanction, news.Indictment}}},
		{"phrase and filters", news.Query{Text: `"critical infrastructure"`, By: []string{"US", "GB"}}},
		{"words, phrase, a name and filters", news.Query{Text: `hackers "critical infrastructure"`, Mentions: [][]string{{"APT28", "Fancy Bear"}}, Kinds: []news.Kind{news.Allegation, news.Indictment}, By: []string{"US"}}},
		{"fuzzy words and a filter", news.Query{Text: "hakers infrastucture", Fuzzy: true, Kinds: []news.Kind{news.Allegation}}},
		{"words, filters and dates", news.Query{Text: "hackers", Kinds: []news.Kind{news.Sanction}, Since: start.AddDate(0, 3, 0), Until: start.AddDate(1, 0, 0)}},
		{"words and filters, by date", news.Query{Text: "officials", By: []string{"JP"}, SortBy: "date", Size: 50, From: 30}},
		{"articles", news.Query{Type: news.TypeArticle, Text: "espionage", Actors: []string{"RU"}}},
		{"nothing", news.Query{Text: "hackers", Actors: []string{"nobody"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ix.compile(tc.q)
			if err != nil {
				t.Fatal(err)
			}
			q := p.query()
			if !hasTermFilter(q) {
				t.Fatalf("%+v compiles to no termFilter: it tests nothing", tc.q)
			}
			run := func(q query.Query) *bleve.SearchResult {
				req := p.request(q)
				req.Size = 1000
				req.From = 0
				res, err := ix.run(ctx, req)
				if err != nil {
					t.Fatal(err)
				}
				return res
			}
			got, want := run(q), run(bleveTerms(q))
			if tc.name != "nothing" && want.Total == 0 {
				t.Fatal("no match: it tests nothing")
			}
			sameHits(t, got, want, false)
		})
	}
}

func hasTermFilter(q query.Query) bool {
	switch q := q.(type) {
	case *termFilter, *filteredQuery:
		return true
	case *query.ConjunctionQuery:
		for _, c := range q.Conjuncts {
			if hasTermFilter(c) {
				return true
			}
		}
	}
	return false
}

// TestBitmapSearcherAdvance walks a bitmap searcher over three segments
// by Next and by Advance, forwards, onto a match, between matches, past
// the end, and back.
func TestBitmapSearcherAdvance(t *testing.T) {
	s := &bitmapSearcher{offsets: []uint64{0, 10, 20}, last: -1}
	for _, docs := range [][]uint32{{1, 5}, {}, {0, 3, 9}} {
		bm := roaringOf(docs...)
		s.bms = append(s.bms, bm)
		s.count += bm.GetCardinality()
	}
	s.reset()
	sctx := &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(10, 0)}
	next := func() int64 {
		dm, err := s.Next(sctx)
		if err != nil {
			t.Fatal(err)
		}
		if dm == nil {
			return -1
		}
		return int64(dm.IndexInternalID.Value())
	}
	advance := func(to uint64) int64 {
		dm, err := s.Advance(sctx, bleveIDOf(to))
		if err != nil {
			t.Fatal(err)
		}
		if dm == nil {
			return -1
		}
		return int64(dm.IndexInternalID.Value())
	}
	if s.Count() != 5 {
		t.Errorf("count %d, want 5", s.Count())
	}
	for i, step := range []struct {
		op   string
		to   uint64
		want int64
	}{
		{"next", 0, 1}, {"next", 0, 5}, {"next", 0, 20}, {"advance", 2, 5}, {"advance", 6, 20},
		{"advance", 20, 20}, {"advance", 21, 23}, {"next", 0, 29}, {"next", 0, -1},
		{"advance", 30, -1}, {"advance", 0, 1}, {"advance", 15, 20}, {"advance", 29, 29}, {"next", 0, -1},
	} {
		var got int64
		if step.op == "next" {
			got = next()
		} else {
			got = advance(step.to)
		}
		if got != step.want {
			t.Fatalf("step %d, %s %d: %d, want %d", i, step.op, step.to, got, step.want)
		}
	}
}

func roaringOf(docs ...uint32) *roaring.Bitmap { return roaring.BitmapOf(docs...) }

func bleveIDOf(doc uint64) bleveindex.IndexInternalID { return bleveindex.NewIndexInternalID(nil, doc) }

// TestRunPageIsOneRequest: a page found in two steps (order and scores
// first, then locations and stored hits for the page alone), or in one
// with its stored hits read by runLoading, is the page one Bleve request
// finds: the same total, hits, order, scores, locations and fields.
func TestRunPageIsOneRequest(t *testing.T) {
	ctx := context.Background()
	ix, start := segmentedIndex(t)
	for _, tc := range []struct {
		name string
		q    news.Query
	}{
		{"word", news.Query{Text: "hackers", Size: 20}},
		{"words, page 3", news.Query{Text: "hackers infrastructure", Size: 10, From: 20}},
		{"word and filters", news.Query{Text: "espionage", By: []string{"US"}, Size: 50}},
		{"fuzzy", news.Query{FuzzyTerms: []news.FuzzyTerm{{Word: "ransomwear", Distance: 1}}, Size: 15}},
		{"words by date", news.Query{Text: "officials", SortBy: "date", Since: start.AddDate(0, 2, 0), Size: 25}},
		{"articles", news.Query{Type: news.TypeArticle, Text: "espionage report", Size: 30}},
		{"phrase", news.Query{Text: `"critical infrastructure"`, Size: 20}},
		{"phrase and words", news.Query{Text: `"critical infrastructure" hackers`, Size: 10, From: 5}},
		// one step: a long page without locations
		{"by seq", news.Query{SortBy: "seq", Kinds: []news.Kind{news.Allegation, news.Response}, Size: 500}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ix.compile(tc.q)
			if err != nil {
				t.Fatal(err)
			}
			req := p.request(p.query())
			if !ix.scorch() {
				t.Fatal("not a scorch index: runPage would leave the loading to Bleve")
			}
			want, err := ix.run(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ix.runPage(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			if len(want.Hits) == 0 {
				t.Fatal("no hit: it tests nothing")
			}
			sameHits(t, got, want, true)
		})
	}
}

// TestDateBitmapsAreOneRequest: a date-sorted search answered from
// bitmaps and date columns finds what one Bleve request sorted on
// sort_date finds (the same total and hits in order), on an index of
// several segments with deleted documents, for pages inside, across and
// past the matches; and the plans it cannot answer go to the windows.
func TestDateBitmapsAreOneRequest(t *testing.T) {
	ctx := context.Background()
	ix, start := segmentedIndex(t)
	for _, tc := range []struct {
		name    string
		q       news.Query
		bitmaps bool
	}{
		{"all", news.Query{}, true},
		{"kind", news.Query{Kinds: []news.Kind{news.Sanction}}, true},
		{"by and actor", news.Query{By: []string{"US", "NZ"}, Actors: []string{"APT28"}}, true},
		{"since and until", news.Query{Kinds: []news.Kind{news.Allegation}, Since: start.AddDate(0, 3, 0), Until: start.AddDate(0, 9, 0)}, true},
		{"until only", news.Query{Until: start.AddDate(0, 1, 0)}, true},
		{"since past the newest", news.Query{Since: start.AddDate(5, 0, 0)}, true},
		{"tagged mention", news.Query{Mentions: [][]string{mentionOf(t, "APT29")}, SortBy: "date"}, true},
		{"articles", news.Query{Type: news.TypeArticle, Actors: []string{"RU"}}, true},
		{"words by date", news.Query{Text: "hackers", SortBy: "date"}, false},
		{"after a seq", news.Query{AfterSeq: 100, SortBy: "date"}, true},
		{"up to a seq, kinds, dates", news.Query{UpToSeq: 250, Kinds: []news.Kind{news.Allegation, news.Response}, Since: start.AddDate(0, 1, 0)}, true},
		{"seq window", news.Query{AfterSeq: 40, UpToSeq: 60, By: []string{"US"}}, true},
		{"a target", news.Query{Targets: []string{"hospitals"}, SortBy: "date"}, false},
	} {
		for _, pg := range []struct{ from, size int }{{0, 5}, {17, 3}, {40, 20}, {0, 300}, {990, 10}} {
			q := tc.q
			q.From, q.Size = pg.from, pg.size
			t.Run(fmt.Sprintf("%s/%d+%d", tc.name, pg.from, pg.size), func(t *testing.T) {
				p, err := ix.compile(q)
				if err != nil {
					t.Fatal(err)
				}
				bq, ok := bitmapDatePlan(p)
				if ok != tc.bitmaps {
					t.Fatalf("answered from bitmaps: %v, want %v", ok, tc.bitmaps)
				}
				if !ok {
					return
				}
				got, done, err := ix.searchDateBitmaps(ctx, p, bq)
				if err != nil || !done {
					t.Fatalf("done %v, %v", done, err)
				}
				ix.legacy = true
				want := mustSearch(t, ix, q)
				ix.legacy = false
				if want.Total == 0 && tc.name != "since past the newest" {
					t.Fatal("no match: it tests nothing")
				}
				if got.Total != want.Total || got.TotalAtLeast {
					t.Errorf("total %d (at least %v), want %d", got.Total, got.TotalAtLeast, want.Total)
				}
				if g, w := answerIDs(got), answerIDs(want); !reflect.DeepEqual(g, w) {
					t.Errorf("\n got %v\nwant %v", g, w)
				}
				for i := range min(len(got.Hits), len(want.Hits)) {
					if !reflect.DeepEqual(got.Hits[i].Statement, want.Hits[i].Statement) || got.Hits[i].Published != want.Hits[i].Published || !reflect.DeepEqual(got.Hits[i].Marks, want.Hits[i].Marks) {
						t.Errorf("hit %d: %+v, want %+v", i, got.Hits[i], want.Hits[i])
					}
				}
			})
		}
	}
}
