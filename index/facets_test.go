package index

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"github.com/newsdesk/newsdesk/actors"
	"github.com/newsdesk/newsdesk/news"
)

// TestFacets counts a generated corpus's statements per kind, speaker
// country and accused actor, and checks every count, the order and the
// rest beyond the top terms against a plain walk over the same articles,
// with and without filters.
func TestFacets(t *testing.T) {
	ctx := context.Background()
	ix, err := Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	rng := rand.New(rand.NewPCG(3, 5))
	actors := []string{"APT31", "APT28", "Lazarus Group", "Sandworm Team", "CN", "RU"}
	countries := []string{"US", "GB", "NZ", "EU", "AU"}
	start := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	var arts []news.Article
	for i := range 150 {
		a := news.Article{ID: fmt.Sprintf("%012x", 0xf0000+i), Title: fmt.Sprintf("Article %d", i), Body: "Officials said the hackers struck.",
			Published: start.Add(time.Duration(i) * 24 * time.Hour), Seq: uint64(i + 1)}
		for range 1 + rng.IntN(3) {
			st := news.Statement{Kind: news.Kinds[rng.IntN(len(news.Kinds))], Speaker: "officials",
				SpeakerCountry: []string{countries[rng.IntN(len(countries))]}, Accused: []string{actors[rng.IntN(len(actors))]},
				Sentence: "Officials said the hackers struck."}
			if rng.IntN(4) == 0 { // two accusers, two accused
				st.SpeakerCountry = append(st.SpeakerCountry, countries[rng.IntN(len(countries))])
				st.Accused = append(st.Accused, actors[rng.IntN(len(actors))])
			}
			st.SpeakerCountry, st.Accused = slices.Compact(st.SpeakerCountry), slices.Compact(st.Accused)
			a.Statements = append(a.Statements, st)
		}
		a.Summarize()
		arts = append(arts, a)
	}
	if err := ix.Put(ctx, arts); err != nil {
		t.Fatal(err)
	}
	// want is the top n of each facet by a walk, with what is beyond.
	type walk struct {
		total                uint64
		kinds, by, actors    []news.Count
		otherBy, otherActors uint64
	}
	want := func(keep func(news.Article, news.Statement) bool, n int) walk {
		var w walk
		kinds, by, acc := map[string]uint64{}, map[string]uint64{}, map[string]uint64{}
		for _, a := range arts {
			for _, s := range a.Statements {
				if !keep(a, s) {
					continue
				}
				w.total++
				kinds[string(s.Kind)]++
				for _, c := range s.SpeakerCountry {
					by[strings.ToLower(c)]++
				}
				for _, x := range s.Accused {
					acc[strings.ToLower(x)]++
				}
			}
		}
		top := func(m map[string]uint64) ([]news.Count, uint64) {
			var cs []news.Count
			for t, c := range m {
				cs = append(cs, news.Count{Term: t, N: c})
			}
			slices.SortFunc(cs, func(a, b news.Count) int { return cmp.Or(cmp.Compare(b.N, a.N), strings.Compare(a.Term, b.Term)) })
			var other uint64
			for _, c := range cs[min(n, len(cs)):] {
				other += c.N
			}
			return cs[:min(n, len(cs))], other
		}
		w.kinds, _ = top(kinds)
		w.by, w.otherBy = top(by)
		w.actors, w.otherActors = top(acc)
		return w
	}
	for _, tc := range []struct {
		name string
		q    news.Query
		n    int
		keep func(news.Article, news.Statement) bool
	}{
		{"all", news.Query{}, 10, func(news.Article, news.Statement) bool { return true }},
		{"top 2", news.Query{}, 2, func(news.Article, news.Statement) bool { return true }},
		{"actor and kind", news.Query{Actors: []string{"APT31"}, Kinds: []news.Kind{news.Allegation, news.Sanction}}, 3, func(_ news.Article, s news.Statement) bool {
			return slices.Contains(s.Accused, "APT31") && (s.Kind == news.Allegation || s.Kind == news.Sanction)
		}},
		{"by and since", news.Query{By: []string{"gb"}, Since: start.AddDate(0, 2, 0)}, 5, func(a news.Article, s news.Statement) bool {
			return slices.Contains(s.SpeakerCountry, "GB") && !a.Published.Before(start.AddDate(0, 2, 0))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ix.Facets(ctx, tc.q, tc.n)
			if err != nil {
				t.Fatal(err)
			}
			w := want(tc.keep, tc.n)
			if w.total == 0 {
				t.Fatal("the case selects no statement: it tests nothing")
			}
			if got.Total != w.total {
				t.Errorf("total %d, want %d", got.Total, w.total)
			}
			for _, f := range []struct {
				name      string
				got, want []news.Count
			}{{"kinds", got.Kinds, w.kinds}, {"by", got.By, w.by}, {"actors", got.Actors, w.actors}} {
				if !slices.Equal(f.got, f.want) {
					t.Errorf("%s: %v, want %v", f.name, f.got, f.want)
				}
			}
			if got.OtherBy != w.otherBy || got.OtherActors != w.otherActors {
				t.Errorf("others: by %d actors %d, want %d and %d", got.OtherBy, got.OtherActors, w.otherBy, w.otherActors)
			}
		})
	}
	t.Run("articles refused", func(t *testing.T) {
		if _, err := ix.Facets(ctx, news.Query{Type: news.TypeArticle}, 5); !errors.Is(err, ErrBadQuery) {
			t.Errorf("articles: %v, want ErrBadQuery", err)
		}
	})
}

// TestFacetsAgreeWithDocValues checks Facets, which counts from postings
// and facet tables, against Bleve's term facets over doc values on an
// index of several segments with deleted documents, for every shape of
// query: terms alone (counted without a search), and words, phrases,
// fuzzy words, dates and untagged mentions (collected by a search).
// segmentedIndex is an on-disk index of 400 generated articles put in five
// batches, then a third of them again with fewer statements: several
// segments, each with deleted documents. start is the first article's
// date; they are 36 hours apart.
func segmentedIndex(t *testing.T) (ix *Index, start time.Time) {
	t.Helper()
	ctx := context.Background()
	var err error
	ix, err = Open(filepath.Join(t.TempDir(), "index"), WithActors(actors.Default().All()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	rng := rand.New(rand.NewPCG(7, 11))
	accused := []string{"APT31", "APT28", "Lazarus Group", "Sandworm Team", "CN", "RU", "KP"}
	countries := []string{"US", "GB", "NZ", "EU", "AU", "JP"}
	sentences := []string{
		"Officials said the hackers from APT28 struck critical infrastructure.",
		"The ministry called the espionage accusation baseless and malicious slander.",
		"Treasury sanctioned two front companies tied to Lazarus Group.",
		"Prosecutors indicted hackers for ransomware attacks on hospitals.",
		"Cozy Bear targeted government email in a spear phishing campaign.",
	}
	start = time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)
	mk := func(i, stmts int) news.Article {
		a := news.Article{ID: fmt.Sprintf("%012x", 0xa0000+i), Title: fmt.Sprintf("Report %d on cyber espionage", i),
			Body: sentences[i%len(sentences)], Published: start.Add(time.Duration(i) * 36 * time.Hour), Seq: uint64(i + 1),
			Source: news.Source{Name: "wire"}}
		for range stmts {
			st := news.Statement{Kind: news.Kinds[rng.IntN(len(news.Kinds))], Speaker: "officials",
				SpeakerCountry: []string{countries[rng.IntN(len(countries))]}, Accused: []string{accused[rng.IntN(len(accused))]},
				Sentence: sentences[rng.IntN(len(sentences))], Offset: -1}
			if rng.IntN(3) == 0 {
				st.SpeakerCountry = append(st.SpeakerCountry, countries[rng.IntN(len(countries))])
				st.Accused = append(st.Accused, accused[rng.IntN(len(accused))])
			}
			st.SpeakerCountry, st.Accused = slices.Compact(st.SpeakerCountry), slices.Compact(st.Accused)
			a.Statements = append(a.Statements, st)
		}
		a.Summarize()
		return a
	}
	// Five batches, five segments at least; then a third of the articles
	// again with fewer statements, which deletes documents in each.
	for b := range 5 {
		var arts []news.Article
		for i := b * 80; i < (b+1)*80; i++ {
			arts = append(arts, mk(i, 1+rng.IntN(4)))
		}
		if err := ix.Put(ctx, arts); err != nil {
			t.Fatal(err)
		}
	}
	var again []news.Article
	for i := 0; i < 400; i += 3 {
		again = append(again, mk(i, 1))
	}
	if err := ix.Put(ctx, again); err != nil {
		t.Fatal(err)
	}
	if n, err := ix.segments(); err != nil || n < 2 {
		t.Fatalf("%d segments (%v): the case needs several", n, err)
	}
	return ix, start
}

func TestFacetsAgreeWithDocValues(t *testing.T) {
	ctx := context.Background()
	ix, start := segmentedIndex(t)
	since := start.AddDate(0, 6, 0)
	for _, tc := range []struct {
		name     string
		q        news.Query
		searched bool // collected by a search, not evaluated from postings
	}{
		{"all", news.Query{}, false},
		{"kind", news.Query{Kinds: []news.Kind{news.Sanction}}, false},
		{"kinds and by", news.Query{Kinds: []news.Kind{news.Allegation, news.Indictment}, By: []string{"US", "gb"}}, false},
		{"actor", news.Query{Actors: []string{"APT28"}}, false},
		{"words", news.Query{Text: "hackers infrastructure"}, false},
		{"stop words only", news.Query{Text: "the of"}, false},
		{"tagged mention", news.Query{Mentions: [][]string{mentionOf(t, "APT29")}}, false},
		{"words and filters", news.Query{Text: "espionage", By: []string{"NZ"}}, false},
		{"phrase", news.Query{Text: `"spear phishing"`}, true},
		{"fuzzy", news.Query{FuzzyTerms: []news.FuzzyTerm{{Word: "ransomwear", Distance: 1}}}, true},
		{"since", news.Query{Since: since}, true},
		{"by and until", news.Query{By: []string{"AU"}, Until: since}, true},
		{"untagged mention", news.Query{Mentions: [][]string{{"Bureau of Nobody"}}}, true},
		{"no match", news.Query{Actors: []string{"nobody"}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, n := range []int{3, MaxFacetTerms} {
				got, err := ix.Facets(ctx, tc.q, n)
				if err != nil {
					t.Fatal(err)
				}
				want, err := ix.facetsByDocValues(ctx, tc.q, n)
				if err != nil {
					t.Fatal(err)
				}
				if got.Total != want.Total || !slices.Equal(got.Kinds, want.Kinds) || !slices.Equal(got.By, want.By) ||
					!slices.Equal(got.Actors, want.Actors) || got.OtherBy != want.OtherBy || got.OtherActors != want.OtherActors {
					t.Errorf("top %d:\n got %+v\nwant %+v", n, got, want)
				}
			}
			p, _, err := ix.facetPlan(tc.q, 1)
			if err != nil {
				t.Fatal(err)
			}
			var set matchSet
			defer set.release()
			evaluated, err := ix.evaluate(&set, p.query())
			if err != nil {
				t.Fatal(err)
			}
			if evaluated == tc.searched {
				t.Errorf("evaluated from postings: %v, want %v", evaluated, !tc.searched)
			}
		})
	}
	t.Run("tables of merged segments are dropped", func(t *testing.T) {
		if _, err := ix.Facets(ctx, news.Query{}, 5); err != nil {
			t.Fatal(err)
		}
		if err := ix.Compact(ctx); err != nil {
			t.Fatal(err)
		}
		got, err := ix.Facets(ctx, news.Query{}, 5)
		if err != nil {
			t.Fatal(err)
		}
		want, err := ix.facetsByDocValues(ctx, news.Query{}, 5)
		if err != nil {
			t.Fatal(err)
		}
		if got.Total != want.Total || !slices.Equal(got.Actors, want.Actors) {
			t.Errorf("after compaction: %+v, want %+v", got, want)
		}
		// the warming goroutine drops what merged segments left
		if err := ix.warm(make(chan struct{})); err != nil {
			t.Fatal(err)
		}
		segs, err := ix.segments()
		if err != nil {
			t.Fatal(err)
		}
		cached := ix.facets.len()
		if cached != segs*len(facetFields) {
			t.Errorf("%d facet tables cached for %d segments, want %d", cached, segs, segs*len(facetFields))
		}
	})
}

// TestEvaluateMatchesTheSearch checks the matches evaluated from postings
// against those the recorded search collects, document by document.
func TestEvaluateMatchesTheSearch(t *testing.T) {
	ctx := context.Background()
	ix, err := Open(filepath.Join(t.TempDir(), "index"), WithActors(actors.Default().All()))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	arts := fixtures(t)
	for _, a := range arts {
		if err := ix.Put(ctx, []news.Article{a}); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []news.Query{
		{}, {Kinds: []news.Kind{news.Allegation}}, {By: []string{"US", "GB"}}, {Text: "hacking"},
		{Text: "cyber", Kinds: []news.Kind{news.Allegation, news.Response}}, {Mentions: [][]string{mentionOf(t, "APT31")}},
		{Type: news.TypeArticle, Text: "China"},
	} {
		p, err := ix.compile(q)
		if err != nil {
			t.Fatal(err)
		}
		var evaluated, searched matchSet
		ok, err := ix.evaluate(&evaluated, p.query())
		if err != nil || !ok {
			t.Fatalf("%+v: evaluated %v, %v", q, ok, err)
		}
		req := bleve.NewSearchRequestOptions(searched.record(p.query()), 0, 0, false)
		req.Score = "none"
		req.SortByCustom(search.SortOrder{&search.SortScore{Desc: true}})
		res, err := ix.run(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if res.Total == 0 {
			t.Errorf("%+v matches nothing: it tests nothing", q)
		}
		// by id: a merge between the two may change the segments
		if got, want := matchedIDs(t, &evaluated), matchedIDs(t, &searched); !slices.Equal(got, want) || uint64(len(want)) != res.Total {
			t.Errorf("%+v: evaluated %v, searched %v (total %d)", q, got, want, res.Total)
		}
		evaluated.release()
		searched.release()
	}
}

// matchedIDs is the ids of a match set's documents, sorted.
func matchedIDs(t *testing.T, m *matchSet) []string {
	t.Helper()
	var ids []string
	for i := range m.segs {
		it := m.bitmap(i).Iterator()
		for it.HasNext() {
			id, err := m.snap.ExternalID(bleveindex.NewIndexInternalID(nil, m.offsets[i]+uint64(it.Next())))
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// mentionOf is the names of the default gazetteer's actor name, as the
// bot puts them in a query.
func mentionOf(t *testing.T, name string) []string {
	t.Helper()
	a, ok := actors.Default().Lookup(name)
	if !ok {
		t.Fatalf("no actor %q in the default gazetteer", name)
	}
	return append([]string{a.Name}, a.Aliases...)
}

// TestFacetsInMemory counts on an in-memory index, whose reader is no
// scorch snapshot (Facets falls back to doc values), as on disk.
func TestFacetsInMemory(t *testing.T) {
	ctx := context.Background()
	mem, err := OpenMem()
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()
	disk, _ := openDisk(t)
	if err := mem.Put(ctx, fixtures(t)); err != nil {
		t.Fatal(err)
	}
	for _, q := range []news.Query{{}, {Kinds: []news.Kind{news.Response}}, {Text: "cyber"}, {Text: `"baseless and malicious"`}} {
		got, err := mem.Facets(ctx, q, 5)
		if err != nil {
			t.Fatal(err)
		}
		want, err := disk.Facets(ctx, q, 5)
		if err != nil {
			t.Fatal(err)
		}
		if want.Total == 0 {
			t.Fatalf("%+v matches nothing: it tests nothing", q)
		}
		if got.Total != want.Total || !slices.Equal(got.Kinds, want.Kinds) || !slices.Equal(got.By, want.By) || !slices.Equal(got.Actors, want.Actors) {
			t.Errorf("%+v: in memory %+v, on disk %+v", q, got, want)
		}
	}
}
