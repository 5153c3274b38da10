package index

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"

	"github.com/newsdesk/newsdesk/news"
)

// posting is what a term reader says of one document.
type posting struct {
	doc     uint64
	freq    uint64
	norm    float64
	vectors []bleveindex.TermFieldVector
}

func postingOf(d *bleveindex.TermFieldDoc) posting {
	p := posting{doc: d.ID.Value(), freq: d.Freq, norm: d.Norm}
	for _, v := range d.Vectors {
		p.vectors = append(p.vectors, *v)
	}
	return p
}

// readAll walks r by Next from where it is.
func readAll(t *testing.T, r bleveindex.TermFieldReader) []posting {
	t.Helper()
	var out []posting
	var d bleveindex.TermFieldDoc // one buffer, reused as searchers reuse it
	for {
		got, err := r.Next(&d)
		if err != nil {
			t.Fatal(err)
		}
		if got == nil {
			return out
		}
		out = append(out, postingOf(got))
	}
}

// segmentedSnapshot is segmentedIndex and its current snapshot, held
// until the test ends.
func segmentedSnapshot(t *testing.T) (*Index, *scorch.IndexSnapshot) {
	t.Helper()
	ix, _ := segmentedIndex(t)
	snap, release, err := ix.snapshot()
	if err != nil || snap == nil {
		t.Fatalf("snapshot: %v", err)
	}
	t.Cleanup(release)
	return ix, snap
}

// filteredOn is snap read through the filter q (terms alone).
func filteredOn(t *testing.T, ix *Index, snap *scorch.IndexSnapshot, q query.Query) *filteredReader {
	t.Helper()
	f := &postingsFilter{q: q}
	segs, ok, err := f.on(snap, ix.idx.Mapping())
	if err != nil || !ok {
		t.Fatalf("filter: %v %v", ok, err)
	}
	return &filteredReader{IndexSnapshot: snap, segmentMap: newSegmentMap(snap), filter: segs}
}

// TestFilteredTermReader: a filtered reader gives, for each term, the
// postings Bleve's snapshot reader gives for the documents the filter
// holds (found here from Bleve's readers of the filter's terms), with the
// same frequencies, norms and locations; its count is the whole term's;
// and Advance lands where it would on those postings, forwards, between
// documents, past the end and back. The index has several segments with
// deleted documents, and terms held by one document of a segment.
func TestFilteredTermReader(t *testing.T) {
	ctx := context.Background()
	ix, snap := segmentedSnapshot(t)
	m := ix.idx.Mapping()
	filterTerms := [][2]string{{fKind, string(news.Allegation)}, {fKind, string(news.Sanction)}, {fType, string(news.TypeArticle)}}
	var fq []query.Query
	keep := map[uint64]bool{}
	for _, ft := range filterTerms {
		fq = append(fq, term(ft[0], ft[1]))
		r, err := snap.TermFieldReader(ctx, []byte(ft[1]), ft[0], false, false, false)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range readAll(t, r) {
			keep[p.doc] = true
		}
		_ = r.Close()
	}
	fr := filteredOn(t, ix, snap, bleve.NewDisjunctionQuery(fq...))

	// Bleve stores the postings of a term one document holds, without
	// locations, as a single hit: each sort key is one, searched here for
	// a document the filter holds and one it does not
	in, out := "", ""
	dict, err := snap.FieldDict(fSortSeq)
	if err != nil {
		t.Fatal(err)
	}
	single := func(term string) bool { // a single hit in its segment
		for _, s := range snap.Segments() {
			d, err := s.Segment().Dictionary(fSortSeq)
			if err != nil {
				t.Fatal(err)
			}
			pl, err := d.PostingsList([]byte(term), s.Deleted(), nil)
			if err != nil {
				t.Fatal(err)
			}
			if o, ok := pl.Iterator(true, true, false, nil).(segment.OptimizablePostingsIterator); ok && pl.Count() == 1 {
				_, one := o.DocNum1Hit()
				return one
			}
		}
		return false
	}
	for e, err := dict.Next(); e != nil && err == nil && (in == "" || out == ""); e, err = dict.Next() {
		if !single(e.Term) {
			continue
		}
		r, err := snap.TermFieldReader(ctx, []byte(e.Term), fSortSeq, false, false, false)
		if err != nil {
			t.Fatal(err)
		}
		if ps := readAll(t, r); len(ps) == 1 && keep[ps[0].doc] && in == "" {
			in = e.Term
		} else if len(ps) == 1 && !keep[ps[0].doc] && out == "" {
			out = e.Term
		}
		_ = r.Close()
	}
	_ = dict.Close()
	if in == "" || out == "" {
		t.Fatalf("sort keys in the filter %q and out of it %q: the case needs both", in, out)
	}

	checked := 0 // segments whose postings are checked one by one
	for _, tc := range []struct {
		field, text string
		none        bool // the filter holds no document with the term
	}{
		{fSentence, "hackers", false}, {fSentence, "slander", false}, {fSentence, "nowhere", true},
		{fHeadline, "report", false}, {fTitle, "7", false}, {fTitle, "123", false}, {fTitle, "espionage", false},
		{fSortSeq, in, false}, {fSortSeq, out, true},
	} {
		tokens, field, err := analyse(m, tc.field, tc.text)
		if err != nil || len(tokens) != 1 {
			t.Fatalf("%s:%s analyses to %v (%v)", tc.field, tc.text, tokens, err)
		}
		tok := []byte(tokens[0])
		for _, vectors := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s:%s/vectors=%v", field, tokens[0], vectors), func(t *testing.T) {
				open := func() (bleveindex.TermFieldReader, bleveindex.TermFieldReader) {
					b, err := snap.TermFieldReader(ctx, tok, field, true, true, vectors)
					if err != nil {
						t.Fatal(err)
					}
					r, err := fr.TermFieldReader(ctx, tok, field, true, true, vectors)
					if err != nil {
						t.Fatal(err)
					}
					t.Cleanup(func() { _ = b.Close(); _ = r.Close() })
					return b, r
				}
				b, r := open()
				for _, it := range r.(*filteredTermReader).its {
					if c, ok := it.(*checkedIterator); ok {
						if o, ok := c.PostingsIterator.(segment.OptimizablePostingsIterator); ok {
							if _, one := o.DocNum1Hit(); one {
								checked++
							}
						}
					}
				}
				if r.Count() != b.Count() {
					t.Errorf("count %d, Bleve's %d", r.Count(), b.Count())
				}
				var want []posting
				for _, p := range readAll(t, b) {
					if keep[p.doc] {
						want = append(want, p)
					}
				}
				got := readAll(t, r)
				if (len(want) == 0) != tc.none {
					t.Fatalf("the filter holds %d documents with the term", len(want))
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("postings\n got %v\nwant %v", got, want)
				}

				// Advance, on a fresh reader: onto a match, between
				// matches, onto the last, past the end, then back
				_, r = open()
				if len(want) == 0 {
					return
				}
				last := want[len(want)-1].doc
				targets := []uint64{want[0].doc, want[len(want)/2].doc + 1, last, last + 1, want[0].doc + 1, 0}
				for _, target := range targets {
					var wantAt *posting
					for i := range want {
						if want[i].doc >= target {
							wantAt = &want[i]
							break
						}
					}
					d, err := r.Advance(bleveindex.NewIndexInternalID(nil, target), nil)
					if err != nil {
						t.Fatal(err)
					}
					switch {
					case d == nil && wantAt == nil:
					case d == nil || wantAt == nil:
						t.Fatalf("advance to %d: got %v, want %v", target, d, wantAt)
					case !reflect.DeepEqual(postingOf(d), *wantAt):
						t.Fatalf("advance to %d: got %v, want %v", target, postingOf(d), *wantAt)
					}
				}
			})
		}
	}
	if checked == 0 {
		t.Error("no term is a single hit in a segment: the checked path is untested")
	}
}

// TestFilteredConjunction: the readers of a conjunction of filtered terms
// (a match of two words) walk only the documents both hold.
func TestFilteredConjunction(t *testing.T) {
	ctx := context.Background()
	ix, snap := segmentedSnapshot(t)
	fr := filteredOn(t, ix, snap, term(fKind, string(news.Allegation)))
	docs := func(r bleveindex.TermFieldReader) map[uint64]bool {
		out := map[uint64]bool{}
		for _, p := range readAll(t, r) {
			out[p.doc] = true
		}
		return out
	}
	open := func(word string) bleveindex.TermFieldReader {
		r, err := fr.TermFieldReader(ctx, []byte(word), fSentence, true, true, false)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	hackers, infra := docs(open("hacker")), docs(open("infrastructur"))
	var both []uint64
	for d := range hackers {
		if infra[d] {
			both = append(both, d)
		}
	}
	if len(both) == 0 || len(both) == len(hackers) {
		t.Fatalf("%d of %d documents hold both words: the case needs some, not all", len(both), len(hackers))
	}
	a, b := open("hacker"), open("infrastructur")
	octx, err := a.(bleveindex.Optimizable).Optimize("conjunction", nil)
	if err != nil {
		t.Fatal(err)
	}
	if octx, err = b.(bleveindex.Optimizable).Optimize("conjunction", octx); err != nil {
		t.Fatal(err)
	}
	if _, err := octx.Finish(); err != nil {
		t.Fatal(err)
	}
	for name, r := range map[string]bleveindex.TermFieldReader{"hacker": a, "infrastructur": b} {
		got := docs(r)
		for d := range got {
			if !hackers[d] || !infra[d] {
				t.Errorf("%s's reader stops on document %d, which does not hold both words", name, d)
			}
		}
		// a checked segment (one document) is walked whole; every other
		// document both words hold must be there
		for _, d := range both {
			if !got[d] {
				t.Errorf("%s's reader skips document %d, which holds both words", name, d)
			}
		}
	}
}

// TestFilteredQueryIsBlevesConjunction: a scored query whose filters
// (terms, a date range) narrow its postings finds what it finds as
// Bleve's conjunction of the query and its filters: the same total, hits,
// order and scores, relevance-sorted and date-sorted, on an index of
// several segments with deleted documents. (An unscored query keeps
// Bleve's term queries, which Bleve joins as bitmaps itself.)
func TestFilteredQueryIsBlevesConjunction(t *testing.T) {
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
		{"words and a date range", news.Query{Text: "espionage", Since: start.AddDate(0, 2, 0), Until: start.AddDate(0, 9, 0)}},
		// every statement's speaker is "officials"; articles 60 and 120
		// are published at the range's bounds, the first in it, the
		// second not
		{"a date range's bounds", news.Query{Text: "officials", Since: start.Add(60 * 36 * time.Hour), Until: start.Add(120 * 36 * time.Hour), Size: 1000}},
		{"a phrase since a date", news.Query{Text: `"critical infrastructure"`, Since: start.AddDate(0, 5, 0)}},
		{"words, a filter and dates, by date", news.Query{Text: "officials", Kinds: []news.Kind{news.Response}, Since: start.AddDate(0, 1, 0), Until: start.AddDate(0, 11, 0), SortBy: "date", Size: 50, From: 10}},
		{"fuzzy words until a date, and a filter", news.Query{Text: "hakers", Fuzzy: true, By: []string{"GB"}, Until: start.AddDate(0, 4, 0)}},
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
			if !hasFilteredQuery(q) {
				t.Fatalf("%+v compiles to no filteredQuery: it tests nothing", tc.q)
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
			// and the postings were narrowed, not searched beside the
			// filter (which would find the same)
			ranged := !tc.q.Since.IsZero() || !tc.q.Until.IsZero()
			rewrite(q, func(q query.Query) query.Query {
				if f, ok := q.(*filteredQuery); ok {
					if f.filter.snap == nil || !f.filter.ok {
						t.Errorf("the filter was not applied to the postings")
					}
					if ranged != (f.filter.dates != nil) {
						t.Errorf("date range %v, in the filter %v", ranged, f.filter.dates != nil)
					}
				}
				return q
			})
		})
	}
}

func hasFilteredQuery(q query.Query) bool {
	switch q := q.(type) {
	case *filteredQuery:
		return true
	case *query.ConjunctionQuery:
		for _, c := range q.Conjuncts {
			if hasFilteredQuery(c) {
				return true
			}
		}
	}
	return false
}

// TestFilteredFuzzyExpandsOnce: a fuzzy word under a filter walks the
// term dictionary once per field for a request's two steps (runPage), as
// it does unfiltered: the expansions are kept by snapshot, which a filter
// does not change.
func TestFilteredFuzzyExpandsOnce(t *testing.T) {
	ix, _ := segmentedIndex(t)
	p, err := ix.compile(news.Query{Text: "hakers", Fuzzy: true, Kinds: []news.Kind{news.Allegation}})
	if err != nil {
		t.Fatal(err)
	}
	q := p.query()
	if !hasFilteredQuery(q) {
		t.Fatal("no filteredQuery: it tests nothing")
	}
	res, err := ix.runPage(context.Background(), p.request(q))
	if err != nil || len(res.Hits) == 0 {
		t.Fatalf("%d hits, %v: it tests nothing", len(res.Hits), err)
	}
	fuzzies := 0
	rewrite(q, func(q query.Query) query.Query {
		if z, ok := q.(*fuzzyMatch); ok {
			fuzzies++
			if n := len(z.expanded.m); n != 1 {
				t.Errorf("%s: %d expansions of one word kept: the dictionary was walked %d times", z.FieldVal, n, n)
			}
		}
		return q
	})
	if fuzzies == 0 {
		t.Fatal("no fuzzyMatch: it tests nothing")
	}
}
