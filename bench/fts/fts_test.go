package fts

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/news"
)

func TestLevenshtein(t *testing.T) {
	for _, c := range []struct {
		a, b  string
		limit int
		want  int
	}{
		{"sanction", "sanction", 2, 0},
		{"sancton", "sanction", 2, 1},
		{"ransomwear", "ransomwar", 2, 1},
		{"espionag", "espionnag", 1, 1},
		{"abc", "xyz", 1, 2}, // over the limit: limit+1
		{"", "ab", 2, 2},
	} {
		t.Run(c.a+"/"+c.b, func(t *testing.T) {
			if got := levenshtein(c.a, c.b, c.limit); got != c.want {
				t.Errorf("levenshtein(%q, %q, %d) = %d, want %d", c.a, c.b, c.limit, got, c.want)
			}
		})
	}
}

func open(t *testing.T) *Engine {
	t.Helper()
	e, err := Open(filepath.Join(t.TempDir(), "fts.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	pub := time.Date(2024, 3, 25, 0, 0, 0, 0, time.UTC)
	arts := []news.Article{
		{ID: "a1", Title: "UK accuses China", Published: pub, Seq: 1, Statements: []news.Statement{
			{Kind: news.Allegation, Speaker: "NCSC", SpeakerCountry: []string{"GB"}, Accused: []string{"APT31", "CN"}, Sentence: "APT31 conducted espionage against British MPs."},
			{Kind: news.Response, Speaker: "Chinese Embassy spokesperson", SpeakerCountry: []string{"CN"}, Accused: []string{"APT31", "CN"}, Sentence: "The claims are baseless and malicious slander."},
		}},
		{ID: "a2", Title: "Sanctions on Russia", Published: pub.AddDate(0, 1, 0), Seq: 2, Statements: []news.Statement{
			{Kind: news.Sanction, Speaker: "Treasury Department", SpeakerCountry: []string{"US"}, Accused: []string{"APT29", "RU"}, Sentence: "Treasury imposed sanctions on SVR officers."},
		}},
	}
	if err := e.Put(context.Background(), arts); err != nil {
		t.Fatal(err)
	}
	if err := e.Optimize(context.Background()); err != nil {
		t.Fatal(err)
	}
	return e
}

func TestSearch(t *testing.T) {
	e := open(t)
	ctx := context.Background()
	for _, c := range []struct {
		name string
		q    news.Query
		want []string
	}{
		{"words", news.Query{Text: "espionage MPs"}, []string{"a1#0"}},
		{"stop words dropped", news.Query{Text: "the espionage"}, []string{"a1#0"}},
		{"stemmed", news.Query{Text: "sanction"}, []string{"a2#0"}},
		{"phrase", news.Query{Text: `"malicious slander"`}, []string{"a1#1"}},
		{"words must share a field", news.Query{Text: "Treasury espionage"}, nil},
		{"fuzzy word", news.Query{FuzzyTerms: []news.FuzzyTerm{{Word: "espionnage", Distance: 1}}}, []string{"a1#0"}},
		{"mention by alias in text", news.Query{Mentions: [][]string{{"APT29", "SVR"}}}, []string{"a2#0"}},
		{"mention by actor field", news.Query{Mentions: [][]string{{"CN", "China"}}}, []string{"a1#0", "a1#1"}},
		{"filters sorted by date", news.Query{By: []string{"GB", "US"}}, []string{"a2#0", "a1#0"}},
		{"kind and actor", news.Query{Kinds: []news.Kind{news.Response}, Actors: []string{"apt31"}}, []string{"a1#1"}},
		{"since", news.Query{Since: time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)}, []string{"a2#0"}},
		{"after seq, seq order", news.Query{AfterSeq: 0, SortBy: "seq"}, []string{"a1#0", "a1#1", "a2#0"}},
		{"after seq", news.Query{AfterSeq: 1, SortBy: "seq"}, []string{"a2#0"}},
		{"up to seq", news.Query{UpToSeq: 1, SortBy: "seq"}, []string{"a1#0", "a1#1"}},
		{"FTS5 syntax is data", news.Query{Text: `espionage AND NEAR( sentence: "x*`}, nil},
		{"quote in a word", news.Query{Text: `MPs" OR "sanctions`}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, err := e.Search(ctx, c.q)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, h := range res.Hits {
				got = append(got, h.ID)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("hits %v, want %v", got, c.want)
			}
			if res.Total != uint64(len(c.want)) {
				t.Errorf("total %d, want %d", res.Total, len(c.want))
			}
		})
	}
}

// TestTotalUpTo: counting stops at Query.TotalUpTo, as newsdesk's does,
// and says so; a count under the cap is exact.
func TestTotalUpTo(t *testing.T) {
	e := open(t)
	ctx := context.Background()
	for _, c := range []struct {
		upTo    int
		total   uint64
		atLeast bool
	}{{0, 3, false}, {1, 1, true}, {2, 2, true}, {3, 3, false}, {10, 3, false}} {
		t.Run(fmt.Sprint(c.upTo), func(t *testing.T) {
			res, err := e.Search(ctx, news.Query{SortBy: "seq", Size: 1, TotalUpTo: c.upTo})
			if err != nil {
				t.Fatal(err)
			}
			if res.Total != c.total || res.TotalAtLeast != c.atLeast || len(res.Hits) != 1 {
				t.Errorf("total %d (at least %v), %d hits; want %d (%v), 1 hit", res.Total, res.TotalAtLeast, len(res.Hits), c.total, c.atLeast)
			}
		})
	}
}

func TestArticle(t *testing.T) {
	e := open(t)
	a, err := e.Article(context.Background(), "a1")
	if err != nil || len(a.Statements) != 2 || a.Title != "UK accuses China" {
		t.Fatalf("Article(a1) = %+v, %v", a, err)
	}
	if _, err := e.Article(context.Background(), "nope"); !errors.Is(err, news.ErrNotFound) {
		t.Fatalf("Article(nope) error = %v, want news.ErrNotFound", err)
	}
	if n, err := e.MaxSeq(context.Background()); err != nil || n != 2 {
		t.Fatalf("MaxSeq = %d, %v; want 2", n, err)
	}
}

func TestFacets(t *testing.T) {
	e := open(t)
	ctx := context.Background()
	f, err := e.Facets(ctx, news.Query{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := news.Facets{Total: 3,
		Kinds:  []news.Count{{Term: "allegation", N: 1}, {Term: "response", N: 1}, {Term: "sanction", N: 1}},
		By:     []news.Count{{Term: "cn", N: 1}, {Term: "gb", N: 1}, {Term: "us", N: 1}},
		Actors: []news.Count{{Term: "apt31", N: 2}, {Term: "cn", N: 2}, {Term: "apt29", N: 1}, {Term: "ru", N: 1}}}
	if !reflect.DeepEqual(f, want) {
		t.Errorf("facets\n %+v, want\n %+v", f, want)
	}
	f, err = e.Facets(ctx, news.Query{Text: "espionage sanctions", Fuzzy: false, Kinds: []news.Kind{news.Allegation}}, 1)
	if err != nil || f.Total != 0 {
		t.Errorf("no match: %+v, %v", f, err)
	}
	f, err = e.Facets(ctx, news.Query{Actors: []string{"APT31"}}, 1)
	if err != nil || f.Total != 2 || len(f.Actors) != 1 || f.Actors[0] != (news.Count{Term: "apt31", N: 2}) || f.OtherActors != 2 || f.OtherBy != 1 {
		t.Errorf("actor APT31, top 1: %+v, %v", f, err)
	}
}
