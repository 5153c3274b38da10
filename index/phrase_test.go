package index

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/newsdesk/newsdesk/actors"
	"github.com/newsdesk/newsdesk/news"
)

// phraseArticles are articles whose sentences, speakers, headlines and
// targets hold phrases and their near misses: the words apart, reversed,
// with a stop word between or not, repeated, and split across two
// values of a field.
func phraseArticles() []news.Article {
	sentences := []string{
		"Officials said the threat group struck hospitals.",
		"The group threat was reported to the ministry.",
		"A threat of the group was seen near water utilities.",
		"The threat and group were unrelated, officials said.",
		"The Ministry of State Security denied it; the threat group did not.",
		"A Ministry State Security office was named, a very very bad threat group.",
		"Hospitals said the threat, the group and the ministry were very bad.",
		"Threat group threat group: the threat group again.",
	}
	speakers := []string{"officials", "the threat group", "Ministry of State Security", "group threat analysts"}
	targets := [][]string{{"alpha beta", "gamma delta epsilon"}, {"zeta"}, {"water utilities"}, nil}
	start := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	var arts []news.Article
	for i := range 120 {
		a := news.Article{ID: fmt.Sprintf("%012x", 0xb0000+i), Title: []string{"Threat group named", "A report on the group", "Ministry of State Security answers"}[i%3],
			Body: sentences[i%len(sentences)] + " " + sentences[(i+3)%len(sentences)], Published: start.Add(time.Duration(i) * 30 * time.Hour),
			Seq: uint64(i + 1), Source: news.Source{Name: "wire"}}
		for n := range 1 + i%3 {
			a.Statements = append(a.Statements, news.Statement{
				Kind: news.Kinds[(i+n)%len(news.Kinds)], Speaker: speakers[(i+n)%len(speakers)],
				SpeakerCountry: []string{[]string{"US", "GB", "NZ"}[(i+n)%3]}, Accused: []string{"CN"},
				Sentence: sentences[(i*3+n)%len(sentences)], Targets: targets[(i+n)%len(targets)], Offset: -1})
		}
		a.Summarize()
		arts = append(arts, a)
	}
	return arts
}

// phraseIndex holds phraseArticles on disk in several segments, a third
// of them put again with one statement fewer (deleted documents).
func phraseIndex(t *testing.T) *Index {
	t.Helper()
	ctx := context.Background()
	ix, err := Open(filepath.Join(t.TempDir(), "index"), WithActors(actors.Default().All()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	arts := phraseArticles()
	for b := 0; b < len(arts); b += 30 {
		if err := ix.Put(ctx, arts[b:b+30]); err != nil {
			t.Fatal(err)
		}
	}
	var again []news.Article
	for i := 2; i < len(arts); i += 3 {
		a := arts[i]
		a.Statements = a.Statements[:len(a.Statements)-1]
		a.Summarize()
		again = append(again, a)
	}
	if err := ix.Put(ctx, again); err != nil {
		t.Fatal(err)
	}
	if n, err := ix.segments(); err != nil || n < 2 {
		t.Fatalf("%d segments (%v): the case needs several", n, err)
	}
	return ix
}

// blevePhrases is q with each phraseMatch replaced by the Bleve
// match_phrase query it stands for.
func blevePhrases(q query.Query) query.Query {
	return rewrite(q, func(q query.Query) query.Query {
		if p, ok := q.(*phraseMatch); ok {
			return p.bleve()
		}
		return q
	})
}

func hasPhraseMatch(q query.Query) bool {
	found := false
	rewrite(q, func(q query.Query) query.Query {
		if _, ok := q.(*phraseMatch); ok {
			found = true
		}
		return q
	})
	return found
}

// TestPhraseMatchIsBlevesPhrase: a search with phrases finds what it
// found with Bleve's match_phrase queries in their place: the same total
// and hits, in the same order with the same scores, relevance-sorted and
// date-sorted (unscored), on disk (several segments, deleted documents)
// and in memory; and a page with its match locations is the page one
// Bleve request with its phrase searcher returns.
func TestPhraseMatchIsBlevesPhrase(t *testing.T) {
	ctx := context.Background()
	disk := phraseIndex(t)
	mem, err := OpenMem(WithActors(actors.Default().All()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = mem.Close() })
	if err := mem.Put(ctx, phraseArticles()); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		q    news.Query
		none bool // Bleve finds nothing
	}{
		{"two words", news.Query{Text: `"threat group"`}, false},
		{"reversed", news.Query{Text: `"group threat"`}, false},
		{"stop words between", news.Query{Text: `"threat of the group"`}, false},
		{"a name with a stop word", news.Query{Text: `"Ministry of State Security"`}, false},
		{"a name without it", news.Query{Text: `"Ministry State Security"`}, false},
		{"a repeated word", news.Query{Text: `"very very bad"`}, false},
		{"a phrase repeated", news.Query{Text: `"threat group threat group"`}, false},
		{"one word", news.Query{Text: `"hospitals"`}, false},
		{"a leading stop word", news.Query{Text: `"the threat group"`}, false},
		{"phrase and words", news.Query{Text: `"threat group" hospitals`}, false},
		{"two phrases", news.Query{Text: `"threat group" "state security"`}, false},
		{"phrase and filters", news.Query{Text: `"threat group"`, By: []string{"US", "NZ"}, Kinds: []news.Kind{news.Allegation, news.Response}}, false},
		{"by date", news.Query{Text: `"threat group"`, SortBy: "date", Size: 50}, false},
		{"by date, words", news.Query{Text: `"state security" officials`, SortBy: "date", Size: 50, From: 10}, false},
		{"articles", news.Query{Type: news.TypeArticle, Text: `"threat group"`}, false},
		{"a target within one value", news.Query{Targets: []string{"gamma delta"}}, false},
		// beta is the second word of one value, epsilon the third of the
		// next: a phrase at their positions, were values one text
		{"a target across two values", news.Query{Targets: []string{"beta epsilon"}}, true},
		{"an untagged name", news.Query{Mentions: [][]string{{"Threat Group", "threat group"}}}, false},
		{"nothing", news.Query{Text: `"hospitals ministry threat"`}, true},
	}
	for _, ix := range []struct {
		name string
		ix   *Index
	}{{"disk", disk}, {"memory", mem}} {
		for _, tc := range cases {
			t.Run(ix.name+"/"+tc.name, func(t *testing.T) {
				p, err := ix.ix.compile(tc.q)
				if err != nil {
					t.Fatal(err)
				}
				q := p.query()
				if !hasPhraseMatch(q) {
					t.Fatalf("%+v compiles to no phraseMatch: it tests nothing", tc.q)
				}
				run := func(req *bleve.SearchRequest) *bleve.SearchResult {
					res, err := ix.ix.run(ctx, req)
					if err != nil {
						t.Fatal(err)
					}
					return res
				}
				all := func(q query.Query) *bleve.SearchRequest {
					req := p.request(q)
					req.Size, req.From, req.IncludeLocations = 1000, 0, false
					return req
				}
				got, want := run(all(q)), run(all(blevePhrases(q)))
				if (want.Total == 0) != tc.none {
					t.Fatalf("Bleve finds %d", want.Total)
				}
				sameHits(t, got, want, false)
				if ix.name == "disk" && p.scored() {
					page, err := ix.ix.runPage(ctx, p.request(q))
					if err != nil {
						t.Fatal(err)
					}
					sameHits(t, page, run(p.request(blevePhrases(q))), true)
				}
			})
		}
	}
}

func sameHits(t *testing.T, got, want *bleve.SearchResult, locations bool) {
	t.Helper()
	if got.Total != want.Total || len(got.Hits) != len(want.Hits) {
		t.Fatalf("total %d (%d hits), want %d (%d)", got.Total, len(got.Hits), want.Total, len(want.Hits))
	}
	for i, w := range want.Hits {
		g := got.Hits[i]
		if g.ID != w.ID || g.Score != w.Score {
			t.Fatalf("hit %d: %s %v, want %s %v", i, g.ID, g.Score, w.ID, w.Score)
		}
		if locations && (!reflect.DeepEqual(g.Locations, w.Locations) || !reflect.DeepEqual(g.Fields, w.Fields)) {
			t.Fatalf("hit %d (%s): locations %v fields %v, want %v %v", i, w.ID, g.Locations, g.Fields, w.Locations, w.Fields)
		}
	}
}
