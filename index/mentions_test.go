package index

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/newsdesk/newsdesk/actors"
	"github.com/newsdesk/newsdesk/internal/corpusgen"
	"github.com/newsdesk/newsdesk/news"
)

// tagTestActors is the bundled gazetteer plus actors whose names test the
// edges of phrase matching: stop words inside a name (any term may stand
// there), a name of stop words only (it matches nothing), possessives and
// plurals (the analyzer stems them), and a name that is a prefix of
// another's.
func tagTestActors() []news.Actor {
	return append(actors.Default().All(),
		news.Actor{Name: "Bureau of Wolves", Aliases: []string{"Wolf Bureau", "of the", "Wolves"}},
		news.Actor{Name: "Grey Heron", Aliases: []string{"Grey Heron Team", "Heron"}},
	)
}

// tagTestArticles are written to exercise tagTestActors' edges.
func tagTestArticles() []news.Article {
	day := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	mk := func(id, title string, sentences ...string) news.Article {
		a := news.Article{ID: id, Title: title, Published: day, Source: news.Source{Name: "test"}, Seq: uint64(len(id))}
		for _, s := range sentences {
			a.Statements = append(a.Statements, news.Statement{Kind: news.Allegation, Sentence: s, SpeakerCountry: []string{"US"}, Offset: -1})
		}
		a.Summarize()
		day = day.Add(24 * time.Hour)
		return a
	}
	return []news.Article{
		mk("t1", "Officials name the Bureau of Wolves", "The Bureau in Wolves ran the campaign, officials said.", "Wolves' tools were found on the servers."),
		mk("t2", "Fancy Bear's new tools", "Officials said Fancy Bear's operators and other fancy bears used the exploit.", "The bureau of the wolves denied it."),
		mk("t3", "A quiet week", "The Grey Heron Team was blamed; a heron is a bird.", "Of the two groups, neither was named."),
		mk("t4", "APT29 and Cozy Bear", "Cozy   Bear, also known as APT29, targeted diplomats.", "Nobody named COZY BEAR in the headline of this one."),
		accusing(mk("t5", "A quiet statement", "The group behind it was named by the agency."), "APT29"), // accused, not named
	}
}

// accusing sets the accused of every statement of a.
func accusing(a news.Article, actors ...string) news.Article {
	for i := range a.Statements {
		a.Statements[i].Accused = actors
	}
	a.Actors = nil
	a.Summarize()
	return a
}

// TestTagsFindWhatPhrasesFind: on the same articles, an index that tags
// statements with the gazetteer answers every mention query with the
// same total, the same hits in the same order and the same marks as an
// index that searches the names as phrases.
func TestTagsFindWhatPhrasesFind(t *testing.T) {
	ctx := context.Background()
	arts := tagTestArticles()
	if texts, err := corpusgen.Load(""); err == nil {
		arts = append(arts, texts.Generate(corpusgen.Options{Seed: 3, Statements: 1000})...)
	} else if !errors.Is(err, corpusgen.ErrNoCorpus) {
		t.Fatal(err)
	}
	gaz := tagTestActors()
	tagged, err := OpenMem(WithActors(gaz))
	if err != nil {
		t.Fatal(err)
	}
	defer tagged.Close()
	phrases, err := OpenMem()
	if err != nil {
		t.Fatal(err)
	}
	defer phrases.Close()
	for _, ix := range []*Index{tagged, phrases} {
		if err := ix.Put(ctx, arts); err != nil {
			t.Fatal(err)
		}
	}
	if !tagged.tagsComplete || phrases.tagsComplete {
		t.Fatalf("tagsComplete = %v (tagged) / %v (phrases), want true / false", tagged.tagsComplete, phrases.tagsComplete)
	}

	lower := func(arts []news.Article) string {
		var b strings.Builder
		for _, a := range arts {
			b.WriteString(strings.ToLower(a.Title + "\n"))
			for _, s := range a.Statements {
				b.WriteString(strings.ToLower(s.Sentence + "\n"))
			}
		}
		return b.String()
	}
	edges, all := lower(tagTestArticles()), lower(arts)
	found := 0
	for i, a := range gaz {
		names := append([]string{a.Name}, a.Aliases...)
		inEdges, inAll := false, false
		for _, n := range names {
			inEdges = inEdges || strings.Contains(edges, strings.ToLower(n))
			inAll = inAll || strings.Contains(all, strings.ToLower(n))
		}
		// every actor the edge articles name, a sixth of those the
		// corpus names, and a sample of the others
		if !inEdges && !(inAll && i%6 == 0) && i%50 != 0 {
			continue
		}
		for _, q := range []news.Query{
			{Mentions: [][]string{names}, SortBy: "date", Size: 50},
			{Mentions: [][]string{names}, Kinds: []news.Kind{news.Allegation}, SortBy: "date", Size: 20, From: 20},
		} {
			t.Run(fmt.Sprintf("%s/from%d", a.Name, q.From), func(t *testing.T) {
				p, err := tagged.compile(q)
				if err != nil {
					t.Fatal(err)
				}
				if !p.tagged[strings.ToLower(a.Name)] {
					t.Fatalf("the tagged index searched %s with phrases", a.Name)
				}
				got, err := tagged.Search(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				want, err := phrases.Search(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				if got.Total != want.Total {
					t.Fatalf("total %d by tag, %d by phrase", got.Total, want.Total)
				}
				if !slices.Equal(hitIDs(got), hitIDs(want)) {
					t.Fatalf("hits by tag %v, by phrase %v", hitIDs(got), hitIDs(want))
				}
				for j := range got.Hits {
					if !slices.Equal(got.Hits[j].Marks, want.Hits[j].Marks) {
						t.Errorf("hit %s %q: marks by tag %v, by phrase %v", got.Hits[j].ID, got.Hits[j].Statement.Sentence, got.Hits[j].Marks, want.Hits[j].Marks)
					}
				}
				if q.From == 0 && got.Total > 0 {
					found++
				}
			})
		}
	}
	// the comparison is worth something only if mentions were found
	if min := 4; found < min {
		t.Errorf("%d actors had hits, want at least %d", found, min)
	}
}

// TestStoredNamesMarkAsFound: the names stored with a statement (named,
// read back by storedMarks) mark what finding them again in its sentence
// marks (marks, which hits of earlier indexes get), for each actor the
// sentence names and for all of them at once; a hit stored untagged has
// none to read.
func TestStoredNamesMarkAsFound(t *testing.T) {
	ix, err := OpenMem(WithActors(tagTestActors()))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	arts := tagTestArticles()
	if texts, err := corpusgen.Load(""); err == nil {
		arts = append(arts, texts.Generate(corpusgen.Options{Seed: 5, Statements: 500})...)
	}
	named := 0
	for _, a := range arts {
		for _, s := range a.Statements {
			names := ix.tags.named(s.Sentence)
			h := storedHit{Tagged: true, Names: names}
			all := map[string]bool{}
			for _, n := range names {
				all[n.Actor] = true
				got, _ := storedMarks(h, map[string]bool{n.Actor: true})
				if want := ix.tags.marks(s.Sentence, map[string]bool{n.Actor: true}); !slices.Equal(mergeMarks(got), mergeMarks(want)) {
					t.Errorf("%q, %s: stored %v, found %v", s.Sentence, n.Actor, got, want)
				}
				named++
			}
			got, ok := storedMarks(h, all)
			if want := ix.tags.marks(s.Sentence, all); !ok || !slices.Equal(mergeMarks(got), mergeMarks(want)) {
				t.Errorf("%q, all: stored %v (%v), found %v", s.Sentence, got, ok, want)
			}
			if _, ok := storedMarks(storedHit{Names: names}, all); ok {
				t.Errorf("an untagged hit gave stored marks")
			}
		}
	}
	if named < 10 {
		t.Fatalf("%d names found: it tests little", named)
	}
}

// TestTagsEdges pins what the edge names of tagTestActors match.
func TestTagsEdges(t *testing.T) {
	ix, err := OpenMem(WithActors(tagTestActors()))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Put(context.Background(), tagTestArticles()); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"The Bureau in Wolves ran it", []string{"bureau of wolves"}}, // any term where the stop word was
		{"The bureau of the wolves denied it.", []string{"bureau of wolves"}},
		{"Of the two groups", nil}, // "of the" is stop words only
		{"Fancy Bear's operators and other fancy bears", []string{"apt28"}},
		{"a heron is a bird", []string{"grey heron"}},
		{"Grey Heron Team", []string{"grey heron"}},
		{"Cozy   Bear", []string{"apt29"}},
	} {
		got := ix.tags.tags(tc.text)
		slices.Sort(got)
		if !slices.Equal(got, tc.want) {
			t.Errorf("tags(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

// TestTagsFingerprint: an index created with a gazetteer searches by tag;
// opened with another gazetteer (or none) it searches with phrases, and
// its first Put erases the fingerprint, so that not even the first
// gazetteer's tags count as complete until a Rebuild, which tags afresh.
func TestTagsFingerprint(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "index")
	full := tagTestActors()
	other := full[:len(full)-1] // the same gazetteer less one actor
	heron := news.Query{Mentions: [][]string{{"Grey Heron", "Grey Heron Team", "Heron"}}, SortBy: "date"}
	open := func(opts ...Option) *Index {
		t.Helper()
		ix, err := Open(path, opts...)
		if err != nil {
			t.Fatal(err)
		}
		return ix
	}
	check := func(ix *Index, wantTagged bool, wantTotal uint64) {
		t.Helper()
		p, err := ix.compile(heron)
		if err != nil {
			t.Fatal(err)
		}
		if got := len(p.tagged) > 0; got != wantTagged {
			t.Errorf("searched by tag = %v, want %v", got, wantTagged)
		}
		res, err := ix.Search(ctx, heron)
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != wantTotal {
			t.Errorf("total = %d, want %d", res.Total, wantTotal)
		}
	}

	ix := open(WithActors(full))
	if err := ix.Put(ctx, tagTestArticles()[:3]); err != nil {
		t.Fatal(err)
	}
	check(ix, true, 1)
	ix.Close()

	ix = open(WithActors(full)) // the same gazetteer: still complete
	check(ix, true, 1)
	ix.Close()

	ix = open(WithActors(other)) // another: phrases, same answer
	check(ix, false, 1)
	var logs strings.Builder
	ix.SetLogger(slog.New(slog.NewTextHandler(&logs, nil)))
	if !strings.Contains(logs.String(), "newsdesk reindex tags it") {
		t.Errorf("opening with another gazetteer logged %q; want advice to reindex", logs.String())
	}
	if err := ix.Put(ctx, tagTestArticles()[3:]); err != nil {
		t.Fatal(err)
	}
	ix.Close()

	ix = open(WithActors(full)) // t4 was tagged with the other gazetteer
	check(ix, false, 1)
	ix.Close()

	if _, err := Rebuild(ctx, path, nil, WithActors(full)); err != nil {
		t.Fatal(err)
	}
	ix = open(WithActors(full))
	check(ix, true, 1)
	ix.Close()

	ix = open() // no gazetteer: phrases; a Put erases the fingerprint
	check(ix, false, 1)
	if err := ix.Put(ctx, tagTestArticles()[:1]); err != nil {
		t.Fatal(err)
	}
	ix.Close()
	ix = open(WithActors(full))
	defer ix.Close()
	check(ix, false, 1)
}

// TestLayouts: indexes of mapping versions 1 and 2 (testdata/index-v1
// and index-v2, written from testdata/articles.json by the code of those
// versions: version 1 is every data directory from before mention tags,
// version 2 was tagged with tagger version 1 and the bundled gazetteer)
// keep a statement's headline in title, which article documents share,
// and JSON hits, and their tags (if any) are not this tagger's. They open,
// advise a reindex, search mentions as phrases and words with the type
// filter, and give the answers an index of the current version gives.
func TestLayouts(t *testing.T) {
	ctx := context.Background()
	gaz := actors.Default().All()
	cur, err := OpenMem(WithActors(gaz))
	if err != nil {
		t.Fatal(err)
	}
	defer cur.Close()
	if err := cur.Put(ctx, fixtures(t)); err != nil {
		t.Fatal(err)
	}
	hasType := func(p *plan) bool {
		for _, f := range p.filters {
			if tq, ok := f.(*query.TermQuery); ok && tq.FieldVal == fType {
				return true
			}
		}
		return false
	}
	cases := []struct {
		name     string
		q        news.Query
		typeTerm bool // the current layout filters on type
	}{
		{"headline words", news.Query{Text: "Beijing voiced opposition"}, false},
		{"sentence words", news.Query{Text: "indictment"}, false},
		{"phrase", news.Query{Text: `"Lazarus Group"`}, false},
		{"fuzzy", news.Query{FuzzyTerms: []news.FuzzyTerm{{Word: "Bundestg", Distance: 1}}}, false},
		{"words and filters", news.Query{Text: "sanctions", Kinds: []news.Kind{news.Sanction}}, false},
		// tags score otherwise than phrases: compared newest first
		{"mention", news.Query{Mentions: [][]string{nameList(t, "APT31")}, SortBy: "date"}, false},
		{"mention and filter", news.Query{Mentions: [][]string{nameList(t, "APT31")}, By: []string{"GB"}, SortBy: "date"}, false},
		{"filters", news.Query{Kinds: []news.Kind{news.Indictment}, SortBy: "date"}, true},
		{"articles", news.Query{Type: news.TypeArticle, Text: "hackers"}, true},
	}
	for _, version := range []string{"1", "2"} {
		t.Run("version"+version, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "index")
			if err := os.CopyFS(path, os.DirFS(filepath.Join("testdata", "index-v"+version))); err != nil {
				t.Fatal(err)
			}
			old, err := Open(path, WithActors(gaz))
			if err != nil {
				t.Fatal(err)
			}
			defer old.Close()
			if old.layout != layouts[version] || old.tagsComplete {
				t.Fatalf("layout %+v, tags complete %v; want version %s's, not tagged", old.layout, old.tagsComplete, version)
			}
			var logs strings.Builder
			old.SetLogger(slog.New(slog.NewTextHandler(&logs, nil)))
			if !strings.Contains(logs.String(), "mapping version "+version) || !strings.Contains(logs.String(), "newsdesk reindex") {
				t.Errorf("opening it logged %q; want advice to reindex", logs.String())
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					p, err := cur.compile(tc.q)
					if err != nil {
						t.Fatal(err)
					}
					if got := hasType(p); got != tc.typeTerm {
						t.Errorf("current layout: type filter %v, want %v", got, tc.typeTerm)
					}
					if p, err = old.compile(tc.q); err != nil || !hasType(p) {
						t.Errorf("version %s layout: type filter %v (%v), want one", version, hasType(p), err)
					}
					want, got := mustSearch(t, old, tc.q), mustSearch(t, cur, tc.q)
					if got.Total == 0 {
						t.Fatal("no hits to compare")
					}
					if got.Total != want.Total || !slices.Equal(hitIDs(got), hitIDs(want)) {
						t.Errorf("current: %d %v; version %s: %d %v", got.Total, hitIDs(got), version, want.Total, hitIDs(want))
					}
					for _, h := range got.Hits {
						if (tc.q.Type == news.TypeArticle) == strings.Contains(h.ID, "#") {
							t.Errorf("hit %s is not a %s", h.ID, cmp.Or(tc.q.Type, news.TypeStatement))
						}
					}
				})
			}
			// a write to an old index works, and is found
			a := fixtures(t)[0]
			a.ID, a.Title = "new-one", "A new article about Zirconium"
			if err := old.Put(ctx, []news.Article{a}); err != nil {
				t.Fatal(err)
			}
			if res := mustSearch(t, old, news.Query{Text: "Zirconium", Size: 50}); !slices.Contains(hitIDs(res), "new-one#0") {
				t.Errorf("a statement put into the version %s index is not found: %v", version, hitIDs(res))
			}
		})
	}
}

func nameList(t *testing.T, name string) []string {
	t.Helper()
	a, ok := actors.Default().Lookup(name)
	if !ok {
		t.Fatalf("no actor %s", name)
	}
	return append([]string{a.Name}, a.Aliases...)
}
