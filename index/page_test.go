package index

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2/search"

	"github.com/newsdesk/newsdesk/news"
)

// datedCorpus is n articles over about six years: four articles share each
// date (ties on published, broken by seq), every 50th has no date, every
// 97th is dated in the future; statements repeat a few sentences (ties on
// score) with varied kinds, speakers' countries and accused.
func datedCorpus(n int) []news.Article {
	actors := []string{"APT28", "APT31", "Lazarus Group", "Sandworm", "Volt Typhoon"}
	countries := []string{"US", "GB", "NZ", "AU", "CA"}
	kinds := []news.Kind{news.Allegation, news.Indictment, news.Sanction, news.Response}
	sentences := []string{
		"The government attributes the ransomware campaign against hospitals to %s.",
		"Officials said %s ran a malicious cyber campaign against ministries and hospitals.",
		"%s is responsible for the intrusion into the electoral commission, ministers said.",
		"The embassy denied that %s had any part in the cyber attacks.",
	}
	base := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	arts := make([]news.Article, n)
	for i := range arts {
		a := news.Article{
			ID:        fmt.Sprintf("dated-%04d", i),
			Title:     fmt.Sprintf("Report %d on %s", i, actors[i%len(actors)]),
			Body:      fmt.Sprintf("Cyber campaign number %d attributed to %s against hospitals.", i, actors[i%len(actors)]),
			Published: base.AddDate(0, 0, -(i/4)*4),
			Source:    news.Source{Name: "Dated Wire", URL: fmt.Sprintf("https://example.test/%d", i)},
			Language:  "en",
			Seq:       uint64(i + 1),
		}
		switch {
		case i%50 == 7:
			a.Published = time.Time{}
		case i%97 == 3:
			a.Published = base.AddDate(3, 0, i)
		}
		for s := 0; s < 1+i%3; s++ {
			actor := actors[(i+s)%len(actors)]
			a.Statements = append(a.Statements, news.Statement{
				Kind:           kinds[(i+s)%len(kinds)],
				Speaker:        "the ministry",
				SpeakerCountry: []string{countries[(i+2*s)%len(countries)]},
				Accused:        []string{actor},
				Sentence:       fmt.Sprintf(sentences[(i+s)%len(sentences)], actor),
			})
		}
		a.Summarize()
		arts[i] = a
	}
	return arts
}

// TestPagedSearchMatchesOneRequest compares every search path with the one
// Bleve request the index used to make (post-filters, both sort keys read
// for every match): the same hits, in the same order, with the same
// scores, marks and Total, on a real on-disk index with many dates, ties
// on date and score, documents without a date or dated in the future,
// pages beyond the first, untils inside, after and long after the dates
// of the corpus, and the newest date known from Put or from the term
// dictionary.
func TestPagedSearchMatchesOneRequest(t *testing.T) {
	path := filepath.Join(t.TempDir(), "index")
	ix, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { ix.Close() }()
	arts := datedCorpus(1200)
	// Several batches, so the index has several segments.
	for start := 0; start < len(arts); start += 300 {
		if err := ix.Put(context.Background(), arts[start:start+300]); err != nil {
			t.Fatal(err)
		}
	}
	day := func(s string) time.Time {
		return time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -mustAtoi(s))
	}
	queries := []news.Query{
		{},
		{SortBy: "date"},
		{Type: news.TypeArticle},
		{Kinds: []news.Kind{news.Sanction}},
		{By: []string{"NZ"}, Actors: []string{"apt31"}},
		{Kinds: []news.Kind{news.Response}, Since: day("400"), Until: day("30")},
		{Since: day("20")},
		{Until: day("1000")},
		{Until: day("-2000"), Kinds: []news.Kind{news.Allegation}},
		{Until: day("-600"), SortBy: "date", Text: "cyber"},
		{Since: day("900"), Until: day("850"), Kinds: []news.Kind{news.Sanction}},
		{Text: "hospitals"},
		{Text: "ransomware hospitals", Kinds: []news.Kind{news.Allegation, news.Indictment}},
		{Text: "cyber", SortBy: "date"},
		{Text: `"electoral commission"`, By: []string{"US", "GB"}},
		{Text: "campaign", Since: day("700"), Until: day("100")},
		{Mentions: [][]string{{"Volt Typhoon", "Bronze Silhouette"}}},
		{Mentions: [][]string{{"Sandworm"}}, SortBy: "date", Kinds: []news.Kind{news.Response}},
		{Type: news.TypeArticle, Text: "hospitals", SortBy: "date"},
		{Type: news.TypeArticle, Text: "campaign hospitals"},
		{Targets: []string{"nowhere"}},
		{SortBy: "seq", By: []string{"AU"}},
		{AfterSeq: 1100, SortBy: "date"},
		{SortBy: "score", Kinds: []news.Kind{news.Indictment}},
	}
	pages := []struct{ from, size int }{{0, 5}, {0, 1}, {5, 5}, {17, 3}, {40, 20}, {0, 300}, {995, 10}, {2500, 5}}
	compare := func(t *testing.T, ix *Index) {
		for qi, q := range queries {
			for _, pg := range pages {
				q := q
				q.From, q.Size = pg.from, pg.size
				t.Run(fmt.Sprintf("q%d/from%d-size%d", qi, pg.from, pg.size), func(t *testing.T) {
					ix.legacy = true
					want := mustSearch(t, ix, q)
					ix.legacy = false
					got := mustSearch(t, ix, q)
					if len(want.Hits) == 0 && pg.from == 0 && len(q.Targets) == 0 {
						t.Fatalf("%+v finds nothing: the comparison shows nothing", q)
					}
					if got.Total != want.Total || got.TotalAtLeast {
						t.Errorf("Total %d (at least %v), want %d", got.Total, got.TotalAtLeast, want.Total)
					}
					if g, w := answerIDs(got), answerIDs(want); !reflect.DeepEqual(g, w) {
						t.Fatalf("%+v:\n got %v\nwant %v", q, g, w)
					}
					for i := range want.Hits {
						g, w := got.Hits[i], want.Hits[i]
						if g.Score != w.Score || !reflect.DeepEqual(g.Marks, w.Marks) {
							t.Errorf("hit %d %s: score %v marks %v, want %v %v", i, w.ID, g.Score, g.Marks, w.Score, w.Marks)
						}
					}
				})
			}
		}
	}
	// The newest date as Put raised it, then as a reopened index finds it
	// in the term dictionary.
	t.Run("put", func(t *testing.T) { compare(t, ix) })
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if ix, err = Open(path); err != nil {
		t.Fatal(err)
	}
	t.Run("reopened", func(t *testing.T) { compare(t, ix) })
}

func answerIDs(res news.Results) []string {
	ids := hitIDs(res)
	if ids == nil {
		return []string{}
	}
	return ids
}

func mustAtoi(s string) int {
	var n int
	if _, err := fmt.Sscanf(s, "%d", &n); err != nil {
		panic(err)
	}
	return n
}

func TestNewestPublished(t *testing.T) {
	path := filepath.Join(t.TempDir(), "index")
	ix, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { ix.Close() }()
	newest := func(t *testing.T, want time.Time) {
		t.Helper()
		got, err := ix.newestPublished()
		if err != nil {
			t.Fatal(err)
		}
		if !got.Equal(want) {
			t.Errorf("newest published %v, want %v", got, want)
		}
	}
	newest(t, time.Time{})
	undated := news.Article{ID: "undated", Title: "No date", Seq: 1}
	put := func(arts ...news.Article) {
		t.Helper()
		if err := ix.Put(context.Background(), arts); err != nil {
			t.Fatal(err)
		}
	}
	put(undated)
	newest(t, time.Time{})
	arts := datedCorpus(300)
	put(arts...)
	var want time.Time
	for _, a := range arts {
		if a.Published.After(want) {
			want = a.Published
		}
	}
	newest(t, want)
	later := arts[10]
	later.ID, later.Published = "later", want.Add(time.Nanosecond)
	put(later)
	newest(t, later.Published)
	for _, reopen := range []string{"reopened", "reopened again"} {
		if err := ix.Close(); err != nil {
			t.Fatal(err)
		}
		if ix, err = Open(path); err != nil {
			t.Fatal(err)
		}
		t.Run(reopen, func(t *testing.T) { newest(t, later.Published) })
	}
}

func TestWindowStart(t *testing.T) {
	anchor := time.Date(2024, 6, 1, 13, 14, 15, 16, time.UTC)
	prev := anchor.Add(time.Hour)
	for _, span := range dateWindows {
		got := windowStart(anchor, span)
		if got.After(anchor.Add(-span)) || got.Before(anchor.Add(-span-span/16)) {
			t.Errorf("span %v: start %v, want in (%v - span/16, %v]", span, got, anchor.Add(-span), anchor.Add(-span))
		}
		if !got.Before(prev) {
			t.Errorf("span %v: start %v not before the previous %v", span, got, prev)
		}
		prev = got
	}
	if got := windowStart(time.Date(1700, 1, 1, 0, 0, 0, 0, time.UTC), dateWindows[len(dateWindows)-1]); got.Before(minTime.Add(-time.Duration(1) << 60)) {
		t.Errorf("a window before Bleve's dates starts at %v", got)
	}
}

// TestScoreTopKeepsTheTies: whatever the order matches come in, scoreTop
// keeps exactly those scoring at least the k-th best, so that the dates
// read at the end can order every tie at the page's edge.
func TestScoreTopKeepsTheTies(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []struct {
		name   string
		n, k   int
		scores int // distinct scores drawn from
	}{
		{"all tied", 200, 10, 1},
		{"few scores", 500, 25, 4},
		{"many scores", 500, 75, 300},
		{"fewer matches than k", 8, 15, 3},
		{"k of one", 100, 1, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dropped := 0
			top := &scoreTop{k: tc.k, perScore: map[float64]int{}, drop: func(*search.DocumentMatch) { dropped++ }}
			var all []float64
			for range tc.n {
				s := float64(rng.IntN(tc.scores))
				all = append(all, s)
				top.add(&search.DocumentMatch{Score: s})
			}
			slices.Sort(all)
			slices.Reverse(all)
			edge := all[min(tc.k, len(all))-1]
			want := 0
			for _, s := range all {
				if s >= edge {
					want++
				}
			}
			if len(top.h) != want || dropped != tc.n-want {
				t.Errorf("kept %d, dropped %d; want the %d scoring at least %v", len(top.h), dropped, want, edge)
			}
			for _, d := range top.h {
				if d.Score < edge {
					t.Errorf("kept a score of %v, below the edge %v", d.Score, edge)
				}
			}
		})
	}
}

// TestScoreTiesOnWholeKeys: matches equal in score, published date, seq
// and statement number (articles put without a seq, on one day) are
// ordered by their whole sort_date keys, as the one Bleve request sorted
// on [score, sort_date] orders them, across segments and pages; and so are
// date-sorted matches.
func TestScoreTiesOnWholeKeys(t *testing.T) {
	ix, err := Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	day := time.Date(2025, 2, 3, 0, 0, 0, 0, time.UTC)
	var arts []news.Article
	for i := range 90 {
		a := news.Article{ID: fmt.Sprintf("tie-%03d", (i*37)%90), Title: "Hackers", Body: "Hackers struck.", Published: day,
			Source: news.Source{Name: "wire"}}
		if i%9 == 4 {
			a.Published = day.Add(time.Hour) // a few newer
		}
		a.Statements = []news.Statement{{Kind: news.Allegation, Sentence: "Officials said hackers struck the ministry.", SpeakerCountry: []string{"US"}, Offset: -1}}
		a.Summarize()
		arts = append(arts, a)
	}
	for start := 0; start < len(arts); start += 30 {
		if err := ix.Put(context.Background(), arts[start:start+30]); err != nil {
			t.Fatal(err)
		}
	}
	for _, pg := range []struct {
		q          news.Query
		from, size int
	}{
		{news.Query{Text: "hackers"}, 0, 10}, {news.Query{Text: "hackers"}, 5, 20}, {news.Query{Text: "hackers"}, 60, 30},
		// by date, from the date columns: the same ties
		{news.Query{Kinds: []news.Kind{news.Allegation}}, 0, 10}, {news.Query{By: []string{"US"}}, 25, 30},
	} {
		q := pg.q
		q.From, q.Size = pg.from, pg.size
		ix.legacy = true
		want := mustSearch(t, ix, q)
		ix.legacy = false
		got := mustSearch(t, ix, q)
		if len(want.Hits) < pg.size/2 {
			t.Fatalf("page %+v: %d hits: too few to tell", pg, len(want.Hits))
		}
		if g, w := answerIDs(got), answerIDs(want); !reflect.DeepEqual(g, w) {
			t.Errorf("page %+v:\n got %v\nwant %v", pg, g, w)
		}
	}
}
