package index

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/news"
)

// TestHistogram counts, per kind and month, the statements of a generated
// corpus on disk, and checks every count against a plain walk over the
// same articles, with and without filters.
func TestHistogram(t *testing.T) {
	ctx := context.Background()
	ix, err := Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	rng := rand.New(rand.NewPCG(7, 11))
	actors := []string{"APT31", "APT28", "Lazarus Group"}
	countries := []string{"US", "GB", "NZ"}
	var arts []news.Article
	start := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 120 {
		a := news.Article{
			ID:        fmt.Sprintf("%012x", 0xa0000+i),
			Title:     fmt.Sprintf("Article %d", i),
			Body:      "Officials said the hackers struck.",
			Published: start.Add(time.Duration(rng.IntN(24*30)) * 24 * time.Hour).Add(time.Duration(rng.IntN(86400)) * time.Second),
			Seq:       uint64(i + 1),
		}
		for range 1 + rng.IntN(3) {
			a.Statements = append(a.Statements, news.Statement{
				Kind:           news.Kinds[rng.IntN(len(news.Kinds))],
				Speaker:        "officials",
				SpeakerCountry: []string{countries[rng.IntN(len(countries))]},
				Accused:        []string{actors[rng.IntN(len(actors))]},
				Sentence:       "Officials said the hackers struck.",
				Offset:         0,
			})
		}
		a.Summarize()
		arts = append(arts, a)
	}
	if err := ix.Put(ctx, arts); err != nil {
		t.Fatal(err)
	}
	var months []news.Interval
	for m := start; m.Before(start.AddDate(2, 1, 0)); m = m.AddDate(0, 1, 0) {
		months = append(months, news.Interval{Start: m, End: m.AddDate(0, 1, 0)})
	}
	want := func(keep func(news.Statement) bool) map[news.Kind][]uint64 {
		out := map[news.Kind][]uint64{}
		for _, a := range arts {
			for _, s := range a.Statements {
				if !keep(s) {
					continue
				}
				i := slices.IndexFunc(months, func(iv news.Interval) bool {
					return !a.Published.Before(iv.Start) && a.Published.Before(iv.End)
				})
				if i < 0 {
					continue
				}
				if out[s.Kind] == nil {
					out[s.Kind] = make([]uint64, len(months))
				}
				out[s.Kind][i]++
			}
		}
		return out
	}
	for _, tc := range []struct {
		name string
		q    news.Query
		keep func(news.Statement) bool
	}{
		{"all", news.Query{}, func(news.Statement) bool { return true }},
		{"actor", news.Query{Actors: []string{"APT31"}}, func(s news.Statement) bool { return s.Accused[0] == "APT31" }},
		{"by and kind", news.Query{By: []string{"GB"}, Kinds: []news.Kind{news.Sanction, news.Response}}, func(s news.Statement) bool {
			return s.SpeakerCountry[0] == "GB" && (s.Kind == news.Sanction || s.Kind == news.Response)
		}},
		{"since", news.Query{Since: start.AddDate(1, 0, 0)}, func(news.Statement) bool { return true }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ix.Histogram(ctx, tc.q, months)
			if err != nil {
				t.Fatal(err)
			}
			w := want(tc.keep)
			if tc.name == "since" {
				// months before Since count nothing
				for k, c := range w {
					for i := range 12 {
						c[i] = 0
					}
					if !slices.ContainsFunc(c, func(n uint64) bool { return n > 0 }) {
						delete(w, k)
					}
				}
			}
			if len(w) == 0 {
				t.Fatal("the case selects no statement: it tests nothing")
			}
			for _, k := range news.Kinds {
				if !slices.Equal(got[k], w[k]) {
					t.Errorf("%s: got %v, want %v", k, got[k], w[k])
				}
			}
		})
	}
	t.Run("bounds", func(t *testing.T) {
		if got, err := ix.Histogram(ctx, news.Query{}, nil); err != nil || got != nil {
			t.Errorf("no intervals: %v, %v; want nothing", got, err)
		}
		many := make([]news.Interval, MaxIntervals+1)
		if _, err := ix.Histogram(ctx, news.Query{}, many); !errors.Is(err, ErrBadQuery) {
			t.Errorf("%d intervals: %v; want ErrBadQuery", len(many), err)
		}
	})
}
