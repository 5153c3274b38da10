package index

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/newsdesk/newsdesk/news"
)

// TestTooBroadIsTyped: a search over the term searcher limit is refused
// with a *TooBroadError (which is news.ErrQueryTooBroad) before Bleve runs
// it, whatever Bleve's own refusal says.
func TestTooBroadIsTyped(t *testing.T) {
	ix, _ := openDisk(t)
	for _, tc := range []struct {
		name     string
		q        news.Query
		limit    int
		wantWord string
	}{
		{"fuzzy words", news.Query{Text: "said the officers attack cyber", Fuzzy: true}, 5, ""},
		{"one fuzzy word~2", news.Query{Text: "hack", FuzzyTerms: []news.FuzzyTerm{{Word: "said", Distance: 2}}}, 4, "said"},
		{"mentions", news.Query{Mentions: [][]string{{"APT31", "ZIRCONIUM", "Violet Typhoon"}}}, 3, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ix.maxTermSearchers = tc.limit
			_, err := ix.Search(context.Background(), tc.q)
			var tb *TooBroadError
			if !errors.As(err, &tb) {
				t.Fatalf("err %v (%T), want a *TooBroadError", err, errors.Unwrap(err))
			}
			if !errors.Is(err, ErrQueryTooBroad) || !errors.Is(err, news.ErrQueryTooBroad) {
				t.Errorf("%v is not ErrQueryTooBroad", err)
			}
			if tb.Limit != tc.limit || tb.Terms <= tc.limit {
				t.Errorf("TooBroadError{Terms: %d, Limit: %d}, want Limit %d < Terms", tb.Terms, tb.Limit, tc.limit)
			}
			if tc.wantWord != "" && tb.Word != tc.wantWord {
				t.Errorf("TooBroadError.Word = %q, want %q", tb.Word, tc.wantWord)
			}
			// A histogram of the same query (the trend command) is refused
			// the same way.
			months := []news.Interval{{Start: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}}
			if _, err := ix.Histogram(context.Background(), tc.q, months); !errors.As(err, &tb) {
				t.Errorf("Histogram: err %v, want a *TooBroadError", err)
			}
			ix.maxTermSearchers = DefaultMaxTermSearchers
			if _, err := ix.Search(context.Background(), tc.q); err != nil {
				t.Errorf("with the default limit: %v", err)
			}
			if _, err := ix.Histogram(context.Background(), tc.q, months); err != nil {
				t.Errorf("Histogram with the default limit: %v", err)
			}
		})
	}
}

// TestTermCountIsBleves: the count Search checks before it runs a query is
// the number of term searchers Bleve builds for it (Bleve's own counter
// passes the query at that limit and refuses it one below), so the typed
// refusal and Bleve's agree: on disk (scorch, which has a Levenshtein
// automaton) and in memory (which has not). Its term filters count as the
// term queries they are made of: on disk a filteredQuery reads them as
// postings, which Bleve's counter does not see, so the count is higher
// than Bleve's there by design, and Bleve is given the term queries.
func TestTermCountIsBleves(t *testing.T) {
	disk, _ := openDisk(t)
	mem, err := OpenMem()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = mem.Close() })
	if err := mem.Put(context.Background(), fixtures(t)); err != nil {
		t.Fatal(err)
	}
	t.Run("disk", func(t *testing.T) { testTermCount(t, disk) })
	t.Run("memory", func(t *testing.T) { testTermCount(t, mem) })
}

func testTermCount(t *testing.T, ix *Index) {
	adv, err := ix.idx.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	r, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, tc := range []struct {
		name string
		q    news.Query
	}{
		{"words", news.Query{Text: "said the officers attack cyber"}},
		{"fuzzy words", news.Query{Text: "said the officers attack cyber", Fuzzy: true}},
		{"fuzzy terms", news.Query{Text: "hack", FuzzyTerms: []news.FuzzyTerm{{Word: "said", Distance: 2}, {Word: "sanctons", Distance: 1}}}},
		{"phrase", news.Query{Text: `"Electoral Commission" breach`}},
		{"mentions", news.Query{Mentions: [][]string{{"APT31", "ZIRCONIUM", "Violet Typhoon"}}}},
		{"filters", news.Query{Text: "attack", Actors: []string{"APT31"}, By: []string{"GB", "US"}, Kinds: []news.Kind{news.Allegation}, Targets: []string{"Electoral Commission"}}},
		{"term filters", news.Query{Text: "attack", By: []string{"GB", "US"}, Kinds: []news.Kind{news.Allegation, news.Sanction}}},
		{"one filter", news.Query{Text: "attack", Kinds: []news.Kind{news.Allegation}}},
		{"articles", news.Query{Type: news.TypeArticle, Text: "cyber attack", Fuzzy: true}},
		{"no match", news.Query{Text: "zzzqqqxxx"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := compile(tc.q, nil, current)
			if err != nil {
				t.Fatal(err)
			}
			q := p.query()
			n, err := countTerms(r, ix.idx.Mapping(), q, 1<<30)
			if err != nil {
				t.Fatal(err)
			}
			if n < 2 {
				t.Fatalf("count %d: the query is too small to tell", n)
			}
			// Bleve's counter, over the request as Search builds it and
			// over the same with Bleve's own fuzzy match queries.
			for _, q := range []query.Query{bleveTerms(q), bleveFuzzy(bleveTerms(q))} {
				// with locations, and without them (where a phraseMatch
				// has its own searcher)
				for _, locations := range []bool{true, false} {
					bleveRuns := func(limit int) error {
						ctx := context.WithValue(context.Background(), search.MaxTermSearchersKey, limit)
						req := p.request(q)
						req.IncludeLocations = locations
						_, err := ix.idx.SearchInContext(ctx, req)
						return err
					}
					if err := bleveRuns(n); err != nil {
						t.Errorf("locations %v: count %d, and Bleve refuses it at that limit: %v", locations, n, err)
					}
					if err := bleveRuns(n - 1); err == nil {
						t.Errorf("locations %v: count %d, but Bleve runs it with a limit of %d", locations, n, n-1)
					}
				}
			}
		})
	}
}

// rewrite is q with each leaf (a query that is no conjunction or
// disjunction) replaced by leaf(it); q itself is not changed.
func rewrite(q query.Query, leaf func(query.Query) query.Query) query.Query {
	switch q := q.(type) {
	case *query.ConjunctionQuery:
		c := *q
		c.Conjuncts = make([]query.Query, len(q.Conjuncts))
		for i, x := range q.Conjuncts {
			c.Conjuncts[i] = rewrite(x, leaf)
		}
		return &c
	case *query.DisjunctionQuery:
		d := *q
		d.Disjuncts = make([]query.Query, len(q.Disjuncts))
		for i, x := range q.Disjuncts {
			d.Disjuncts[i] = rewrite(x, leaf)
		}
		return &d
	case *filteredQuery:
		f := *q
		f.q = rewrite(q.q, leaf)
		return leaf(&f)
	default:
		return leaf(q)
	}
}

// bleveTerms is q with each filteredQuery replaced by the conjunction it
// stands for: the query it filters, the filter's term queries and its
// date range.
func bleveTerms(q query.Query) query.Query {
	return rewrite(q, func(q query.Query) query.Query {
		switch f := q.(type) {
		case *filteredQuery:
			return query.NewConjunctionQuery(append([]query.Query{f.q}, f.filter.queries()...))
		}
		return q
	})
}

// bleveFuzzy is q with each fuzzyMatch replaced by the Bleve match query
// it stands for (the same words, field, operator, fuzziness and boost).
func bleveFuzzy(q query.Query) query.Query {
	return rewrite(q, func(q query.Query) query.Query {
		f, ok := q.(*fuzzyMatch)
		if !ok {
			return q
		}
		m := query.NewMatchQuery(f.Match)
		m.SetField(f.FieldVal)
		m.SetOperator(query.MatchQueryOperatorAnd)
		m.SetFuzziness(f.Fuzziness)
		if f.BoostVal != nil {
			m.SetBoost(f.Boost())
		}
		return m
	})
}

// TestFuzzyMatchIsBlevesFuzzy: a search with fuzzy words finds what it
// found with Bleve's own fuzzy match queries, with the same scores in the
// same order, on disk and in memory.
func TestFuzzyMatchIsBlevesFuzzy(t *testing.T) {
	disk, _ := openDisk(t)
	mem, err := OpenMem()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = mem.Close() })
	if err := mem.Put(context.Background(), fixtures(t)); err != nil {
		t.Fatal(err)
	}
	for _, ix := range []struct {
		name string
		ix   *Index
	}{{"disk", disk}, {"memory", mem}} {
		for _, tc := range []struct {
			name string
			q    news.Query
		}{
			{"fuzzy words", news.Query{Text: "officers Russia", Fuzzy: true}},
			{"misspelt", news.Query{Text: "sanctons GRU", Fuzzy: true}},
			{"fuzzy terms", news.Query{Text: "said", FuzzyTerms: []news.FuzzyTerm{{Word: "Dowdin", Distance: 1}, {Word: "hakcer", Distance: 2}}}},
			{"articles", news.Query{Type: news.TypeArticle, Text: "cyber atacks", Fuzzy: true}},
			{"with filters", news.Query{Text: "atacks", Fuzzy: true, By: []string{"GB", "US"}}},
		} {
			t.Run(ix.name+"/"+tc.name, func(t *testing.T) {
				p, err := compile(tc.q, nil, current)
				if err != nil {
					t.Fatal(err)
				}
				p.size = 50
				ours, err := ix.ix.run(context.Background(), p.request(p.query()))
				if err != nil {
					t.Fatal(err)
				}
				theirs, err := ix.ix.run(context.Background(), p.request(bleveFuzzy(p.query())))
				if err != nil {
					t.Fatal(err)
				}
				if ours.Total == 0 {
					t.Fatal("no hits: the comparison shows nothing")
				}
				if ours.Total != theirs.Total || len(ours.Hits) != len(theirs.Hits) {
					t.Fatalf("%d hits (%d shown), Bleve's fuzzy query %d (%d)", ours.Total, len(ours.Hits), theirs.Total, len(theirs.Hits))
				}
				for i := range ours.Hits {
					if o, b := ours.Hits[i], theirs.Hits[i]; o.ID != b.ID || o.Score != b.Score {
						t.Errorf("hit %d: %s %v, Bleve's fuzzy query %s %v", i, o.ID, o.Score, b.ID, b.Score)
					}
				}
			})
		}
	}
}
