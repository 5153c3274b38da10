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
