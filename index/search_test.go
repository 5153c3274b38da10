package index

import (
	"context"
	"errors"
	"log/slog"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"github.com/newsdesk/newsdesk/news"
)

func day(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestSearch(t *testing.T) {
	ix, _ := openDisk(t)
	apt31 := []string{"APT31", "ZIRCONIUM", "Violet Typhoon", "Judgment Panda"}
	for _, tc := range []struct {
		name  string
		q     news.Query
		want  []string // exact hit ids, in order when ordered is set
		first string   // when set: the first hit
		last  string   // when set: the last hit
		order bool
	}{
		{name: "words", q: news.Query{Text: "APT31"}, want: []string{"seed-apt31#1", "seed-apt31#2"}},
		{name: "all words required", q: news.Query{Text: "APT31 quokka"}, want: nil},
		{name: "kind and word", q: news.Query{Text: "embassy", Kinds: []news.Kind{news.Response}},
			want: []string{"seed-apt31#5", "seed-apt31#6", "doj-sandworm-indictment#1"}},
		{name: "kinds any of", q: news.Query{Kinds: []news.Kind{news.Sanction, news.Indictment}},
			want: []string{"seed-apt31#2", "seed-apt31#3", "eu-apt28-bundestag#0", "doj-sandworm-indictment#0"}},
		{name: "by", q: news.Query{By: []string{"RU"}}, want: []string{"doj-sandworm-indictment#1"}},
		{name: "by lower case, any of", q: news.Query{By: []string{"eu", "nz"}},
			want: []string{"seed-apt31#4", "eu-apt28-bundestag#0"}},
		{name: "actors", q: news.Query{Actors: []string{"APT31"}}, want: []string{"seed-apt31#1", "seed-apt31#2"}},
		{name: "actors case-insensitive, any of", q: news.Query{Actors: []string{"apt31", "lazarus group"}},
			want: []string{"seed-apt31#1", "seed-apt31#2", "fbi-lazarus-harmony#0"}},
		{name: "targets exact", q: news.Query{Targets: []string{"electoral commission"}}, want: []string{"seed-apt31#0"}},
		{name: "targets phrase", q: news.Query{Targets: []string{"MPs"}}, want: []string{"seed-apt31#1"}},
		{name: "since inclusive", q: news.Query{Since: day("2020-10-22T10:00:00+02:00")},
			want: []string{"eu-apt28-bundestag#0", "fbi-lazarus-harmony#0", "seed-apt31#0", "seed-apt31#1", "seed-apt31#2",
				"seed-apt31#3", "seed-apt31#4", "seed-apt31#5", "seed-apt31#6"}},
		{name: "until exclusive", q: news.Query{Until: day("2020-10-22T10:00:00+02:00")},
			want: []string{"doj-sandworm-indictment#0", "doj-sandworm-indictment#1", "msft-zirconium-2020#0"}},
		{name: "date window", q: news.Query{Since: day("2020-10-01T00:00:00Z"), Until: day("2021-01-01T00:00:00Z"), Kinds: []news.Kind{news.Indictment}, By: []string{"US"}},
			want: []string{"doj-sandworm-indictment#0"}},
		{name: "far future", q: news.Query{Text: "APT31", Since: day("2030-01-01T00:00:00Z")}, want: nil},
		{name: "beyond bleve's dates", q: news.Query{Since: day("3000-01-01T00:00:00Z")}, want: nil},
		{name: "after seq", q: news.Query{AfterSeq: 3}, want: []string{"eu-apt28-bundestag#0", "msft-zirconium-2020#0"}},
		{name: "up to seq", q: news.Query{UpToSeq: 2}, want: []string{"seed-apt31#0", "seed-apt31#1", "seed-apt31#2",
			"seed-apt31#3", "seed-apt31#4", "seed-apt31#5", "seed-apt31#6", "fbi-lazarus-harmony#0"}},
		{name: "seq range", q: news.Query{AfterSeq: 2, UpToSeq: 4}, want: []string{"doj-sandworm-indictment#0", "doj-sandworm-indictment#1", "eu-apt28-bundestag#0"}},
		{name: "mentions by tag and alias", q: news.Query{Mentions: [][]string{apt31}},
			want: []string{"seed-apt31#1", "seed-apt31#2", "msft-zirconium-2020#0"}},
		{name: "mentions alias only", q: news.Query{Mentions: [][]string{{"APT31", "ZIRCONIUM"}}, Actors: nil, Kinds: []news.Kind{news.Allegation}},
			want: []string{"seed-apt31#1", "msft-zirconium-2020#0"}},
		{name: "every mention required", q: news.Query{Mentions: [][]string{apt31, {"Lazarus Group", "HIDDEN COBRA"}}}, want: nil},
		{name: "mention in the title", q: news.Query{Mentions: [][]string{{"Sandworm Team", "NotPetya"}}},
			want: []string{"doj-sandworm-indictment#0", "doj-sandworm-indictment#1"}, first: "doj-sandworm-indictment#0"},
		{name: "phrase", q: news.Query{Text: `"malicious slander"`}, want: []string{"seed-apt31#5"}},
		{name: "curly-quoted phrase", q: news.Query{Text: `“malicious slander”`}, want: []string{"seed-apt31#5"}},
		{name: "phrase out of order", q: news.Query{Text: `"slander malicious"`}, want: nil},
		{name: "phrase and word", q: news.Query{Text: `"Electoral Commission" Dowden`}, want: []string{"seed-apt31#0"}},
		{name: "not fuzzy", q: news.Query{Text: "sanctons"}, want: nil},
		{name: "fuzzy", q: news.Query{Text: "sanctons", Fuzzy: true}, want: []string{"seed-apt31#3", "seed-apt31#4", "eu-apt28-bundestag#0"}},
		{name: "fuzzy term, distance 1", q: news.Query{FuzzyTerms: []news.FuzzyTerm{{Word: "sanctons", Distance: 1}}}, want: []string{"seed-apt31#3", "seed-apt31#4", "eu-apt28-bundestag#0"}},
		{name: "fuzzy term, two edits at distance 1", q: news.Query{FuzzyTerms: []news.FuzzyTerm{{Word: "sanctxxns", Distance: 1}}}, want: nil},
		{name: "fuzzy term, two edits at distance 2", q: news.Query{FuzzyTerms: []news.FuzzyTerm{{Word: "sanctxxns", Distance: 2}}}, want: []string{"seed-apt31#3", "seed-apt31#4", "eu-apt28-bundestag#0"}},
		{name: "fuzzy term and an exact word", q: news.Query{Text: "Bundestag", FuzzyTerms: []news.FuzzyTerm{{Word: "sanctons", Distance: 1}}}, want: []string{"eu-apt28-bundestag#0"}},
		{name: "speaker", q: news.Query{Text: "Liu Bangyu"}, want: []string{"seed-apt31#6"}},
		{name: "sentence outranks title", q: news.Query{Text: "GRU"},
			want: []string{"doj-sandworm-indictment#0", "doj-sandworm-indictment#1", "eu-apt28-bundestag#0"},
			last: "doj-sandworm-indictment#1"},
		{name: "stop words only", q: news.Query{Text: "the of"}, want: nil},
		{name: "query syntax is text", q: news.Query{Text: `/.*/ *a* +APT31 title:x`}, want: nil},
		{name: "articles", q: news.Query{Type: news.TypeArticle, Text: "Bundestag"}, want: []string{"eu-apt28-bundestag"}},
		{name: "articles by actor union", q: news.Query{Type: news.TypeArticle, Actors: []string{"APT31"}}, want: []string{"seed-apt31"}},
		{name: "articles by kind union", q: news.Query{Type: news.TypeArticle, Kinds: []news.Kind{news.Response}, SortBy: "seq"},
			want: []string{"seed-apt31", "doj-sandworm-indictment"}, order: true},
		{name: "articles mention alias in body", q: news.Query{Type: news.TypeArticle, Mentions: [][]string{apt31}},
			want: []string{"seed-apt31", "msft-zirconium-2020"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := tc.q
			q.Size = 100
			res := mustSearch(t, ix, q)
			got := hitIDs(res)
			if int(res.Total) != len(got) {
				t.Errorf("Total = %d, hits %d", res.Total, len(got))
			}
			if tc.first != "" && (len(got) == 0 || got[0] != tc.first) {
				t.Errorf("first hit %v, want %s", got, tc.first)
			}
			if tc.last != "" && (len(got) == 0 || got[len(got)-1] != tc.last) {
				t.Errorf("last hit %v, want %s", got, tc.last)
			}
			want := slices.Clone(tc.want)
			if !tc.order {
				slices.Sort(got)
				slices.Sort(want)
			}
			if !slices.Equal(got, want) {
				t.Errorf("hits = %v\n          want %v", got, want)
			}
			checkHits(t, res, q.Type)
		})
	}
}

// checkHits asserts what every hit must satisfy: its stored fields are
// there and its marks lie inside, in order, on rune boundaries.
func checkHits(t *testing.T, res news.Results, typ news.DocType) {
	t.Helper()
	for _, h := range res.Hits {
		if h.ArticleID == "" || h.Title == "" || h.Published.IsZero() || h.Source.URL == "" || h.Seq == 0 {
			t.Errorf("hit %s lacks article fields: %+v", h.ID, h)
		}
		text := h.Snippet
		if typ == news.TypeArticle {
			if h.Statement != nil {
				t.Errorf("article hit %s has a statement", h.ID)
			}
		} else {
			if h.Statement == nil {
				t.Fatalf("statement hit %s has no statement", h.ID)
			}
			text = h.Statement.Sentence
		}
		prev := -1
		for _, m := range h.Marks {
			if m[0] <= prev || m[0] >= m[1] || m[1] > len(text) {
				t.Errorf("hit %s: bad mark %v (previous end %d, text length %d)", h.ID, m, prev, len(text))
				continue
			}
			if !utf8.ValidString(text[m[0]:m[1]]) {
				t.Errorf("hit %s: mark %v splits a rune", h.ID, m)
			}
			prev = m[1]
		}
	}
}

func TestMarks(t *testing.T) {
	ix, _ := openDisk(t)
	for _, tc := range []struct {
		name string
		q    news.Query
		id   string
		want []string // marked text, in order
	}{
		{"word", news.Query{Text: "APT31", Kinds: []news.Kind{news.Indictment}}, "seed-apt31#2", []string{"APT31"}},
		{"stemmed words", news.Query{Text: "indicted Britain"}, "seed-apt31#2", []string{"Britain", "indicted"}},
		{"phrase", news.Query{Text: `"malicious slander"`}, "seed-apt31#5", []string{"malicious", "slander"}},
		{"fuzzy", news.Query{Text: "sanctons", Fuzzy: true, By: []string{"EU"}}, "eu-apt28-bundestag#0", []string{"sanctions"}},
		{"alias", news.Query{Mentions: [][]string{{"APT31", "Zirconium"}}, By: []string{"US"}, Kinds: []news.Kind{news.Allegation}}, "msft-zirconium-2020#0", []string{"Zirconium"}},
		{"date sort keeps marks", news.Query{Text: "Horizon", SortBy: "date"}, "fbi-lazarus-harmony#0", []string{"Horizon"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := mustSearch(t, ix, tc.q)
			if len(res.Hits) == 0 || res.Hits[0].ID != tc.id {
				t.Fatalf("hits %v, want %s first", hitIDs(res), tc.id)
			}
			h := res.Hits[0]
			var got []string
			for _, m := range h.Marks {
				got = append(got, h.Statement.Sentence[m[0]:m[1]])
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("marked %q, want %q in %q", got, tc.want, h.Statement.Sentence)
			}
		})
	}
}

func TestArticleSnippet(t *testing.T) {
	ix, _ := openDisk(t)
	res := mustSearch(t, ix, news.Query{Type: news.TypeArticle, Text: "slander"})
	if len(res.Hits) != 1 || res.Hits[0].ID != "seed-apt31" {
		t.Fatalf("hits %v, want seed-apt31", hitIDs(res))
	}
	h := res.Hits[0]
	if len(h.Snippet) > SnippetBytes || !utf8.ValidString(h.Snippet) || strings.ContainsAny(h.Snippet, "\n\r") {
		t.Errorf("snippet %d bytes, valid %v: %q", len(h.Snippet), utf8.ValidString(h.Snippet), h.Snippet)
	}
	body := fixture(t, "seed-apt31").Body
	if !strings.Contains(strings.ReplaceAll(body, "\n", " "), h.Snippet) {
		t.Errorf("snippet is not a passage of the body: %q", h.Snippet)
	}
	if len(h.Marks) != 1 || h.Snippet[h.Marks[0][0]:h.Marks[0][1]] != "slander" {
		t.Errorf("snippet marks %v in %q, want one mark on 'slander'", h.Marks, h.Snippet)
	}
	if strings.HasPrefix(body, h.Snippet[:20]) {
		t.Errorf("snippet starts at the top of the body, not near the match: %q", h.Snippet)
	}

	// No text: the snippet is the start of the body, unmarked.
	res = mustSearch(t, ix, news.Query{Type: news.TypeArticle, Actors: []string{"APT28"}})
	if len(res.Hits) != 1 || !strings.HasPrefix(body2(t), res.Hits[0].Snippet) || res.Hits[0].Marks != nil {
		t.Errorf("unscored article hit: %+v", res.Hits)
	}
}

func body2(t *testing.T) string {
	return strings.ReplaceAll(fixture(t, "eu-apt28-bundestag").Body, "\n", " ")
}

func TestSnippet(t *testing.T) {
	long := strings.Repeat("Ünïcode wörds here, ", 40) // 2-byte runes throughout
	at := strings.Index(long[400:], "wörds") + 400
	for _, tc := range []struct {
		name   string
		body   string
		marks  [][2]int
		marked string
	}{
		{"empty", "", nil, ""},
		{"short, no marks", "Hello\nworld.", nil, ""},
		{"mark at start", "Sanctions were imposed. " + long, [][2]int{{0, 9}}, "Sanctions"},
		{"mark deep in multibyte text", long, [][2]int{{at, at + len("wörds")}}, "wörds"},
		{"mark near the end", long + "the end", [][2]int{{len(long) + 4, len(long) + 7}}, "end"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, ms := snippet(tc.body, tc.marks)
			if len(s) > SnippetBytes || !utf8.ValidString(s) || strings.ContainsAny(s, "\n\r\t") {
				t.Fatalf("snippet %q (%d bytes)", s, len(s))
			}
			if strings.TrimSpace(s) != s {
				t.Errorf("snippet has surrounding space: %q", s)
			}
			if tc.body != "" && s == "" {
				t.Fatal("empty snippet of a non-empty body")
			}
			if tc.marked == "" {
				if len(ms) != 0 {
					t.Errorf("marks %v, want none", ms)
				}
				return
			}
			if len(ms) != 1 || s[ms[0][0]:ms[0][1]] != tc.marked {
				t.Errorf("marks %v in %q, want one on %q", ms, s, tc.marked)
			}
		})
	}
}

func TestSortOrders(t *testing.T) {
	ix, _ := openDisk(t)
	seed := func(ns ...string) []string {
		var out []string
		for _, n := range ns {
			out = append(out, "seed-apt31#"+n)
		}
		return out
	}
	all := seed("0", "1", "2", "3", "4", "5", "6")
	byDate := append(slices.Clone(all), "fbi-lazarus-harmony#0", "eu-apt28-bundestag#0",
		"doj-sandworm-indictment#0", "doj-sandworm-indictment#1", "msft-zirconium-2020#0")
	bySeq := append(slices.Clone(all), "fbi-lazarus-harmony#0", "doj-sandworm-indictment#0",
		"doj-sandworm-indictment#1", "eu-apt28-bundestag#0", "msft-zirconium-2020#0")
	for _, tc := range []struct {
		name string
		q    news.Query
		want []string
	}{
		{"default without text is date", news.Query{}, byDate},
		{"date", news.Query{SortBy: "date"}, byDate},
		{"seq", news.Query{SortBy: "seq"}, bySeq},
		{"score ties break newest first", news.Query{Text: "said", SortBy: "score", Kinds: []news.Kind{news.Response}},
			nil}, // checked below: scores descending
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := tc.q
			q.Size = 100
			res := mustSearch(t, ix, q)
			if tc.want != nil {
				if got := hitIDs(res); !slices.Equal(got, tc.want) {
					t.Errorf("order\n got %v\nwant %v", got, tc.want)
				}
				return
			}
			if len(res.Hits) < 2 {
				t.Fatalf("want several hits, got %v", hitIDs(res))
			}
			for i := 1; i < len(res.Hits); i++ {
				a, b := res.Hits[i-1], res.Hits[i]
				if a.Score < b.Score || (a.Score == b.Score && a.Published.Before(b.Published)) {
					t.Errorf("hit %d (%s %.4f %v) ranks above hit %d (%s %.4f %v)", i-1, a.ID, a.Score, a.Published, i, b.ID, b.Score, b.Published)
				}
			}
		})
	}
}

func TestPaging(t *testing.T) {
	ix, _ := openDisk(t)
	all := hitIDs(mustSearch(t, ix, news.Query{SortBy: "seq", Size: 100}))
	if len(all) != 12 {
		t.Fatalf("%d statements, want 12", len(all))
	}
	var paged []string
	for from := 0; from < 16; from += 5 {
		res := mustSearch(t, ix, news.Query{SortBy: "seq", Size: 5, From: from})
		if res.Total != 12 {
			t.Errorf("page from %d: Total %d, want 12", from, res.Total)
		}
		paged = append(paged, hitIDs(res)...)
	}
	if !slices.Equal(paged, all) {
		t.Errorf("pages joined = %v, want %v", paged, all)
	}
	if res := mustSearch(t, ix, news.Query{}); len(res.Hits) != DefaultSize {
		t.Errorf("default size: %d hits, want %d", len(res.Hits), DefaultSize)
	}
}

func TestRequestBounds(t *testing.T) {
	for _, tc := range []struct {
		q          news.Query
		size, from int
	}{
		{news.Query{}, DefaultSize, 0},
		{news.Query{Size: -3, From: -2}, DefaultSize, 0},
		{news.Query{Size: 1 << 30, From: 1 << 30}, MaxSize, MaxFrom},
		{news.Query{Size: 25, From: 50}, 25, 50},
	} {
		p, err := compile(tc.q, nil, current)
		if err != nil {
			t.Fatal(err)
		}
		if p.size != tc.size || p.from != tc.from {
			t.Errorf("%+v: size %d from %d, want %d %d", tc.q, p.size, p.from, tc.size, tc.from)
		}
	}
	for _, q := range []news.Query{{SortBy: "random"}, {Type: "tweet"}} {
		if _, err := (&Index{}).Search(context.Background(), q); !errors.Is(err, ErrBadQuery) {
			t.Errorf("%+v: err %v, want ErrBadQuery", q, err)
		}
	}
}

// TestNoPatternQueries walks the query tree built from hostile text and
// fails on any query type that expands terms by pattern.
func TestNoPatternQueries(t *testing.T) {
	hostile := []news.Query{
		{Text: `/.*/`}, {Text: `*a*`}, {Text: `a* ?b "c*" title:/x/ +y -z ~w`, Fuzzy: true},
		{Mentions: [][]string{{"*", "/.*/"}}}, {Targets: []string{"*a*"}}, {Actors: []string{".*"}},
		{Type: news.TypeArticle, Text: `"/.*/" *`},
	}
	var walk func(t *testing.T, q query.Query)
	walk = func(t *testing.T, q query.Query) {
		switch q := q.(type) {
		case *query.BooleanQuery:
			for _, c := range []query.Query{q.Must, q.Should, q.MustNot, q.Filter} {
				if c != nil {
					walk(t, c)
				}
			}
		case *query.ConjunctionQuery:
			for _, c := range q.Conjuncts {
				walk(t, c)
			}
		case *query.DisjunctionQuery:
			for _, c := range q.Disjuncts {
				walk(t, c)
			}
		case *filteredQuery:
			walk(t, q.q)
			for _, f := range q.filter.queries() {
				walk(t, f)
			}
		case *query.MatchQuery, *query.MatchPhraseQuery, *query.TermQuery, *fuzzyMatch, *phraseMatch,
			*query.DateRangeQuery, *query.NumericRangeQuery, *query.MatchAllQuery:
		default:
			t.Errorf("query type %T built from user text", q)
		}
	}
	for _, q := range hostile {
		p, err := compile(q, nil, current)
		if err != nil {
			t.Fatal(err)
		}
		walk(t, p.query())
		walk(t, p.windowQuery(window{upper: time.Now(), rest: true}))
		walk(t, legacyRequest(p).Query)
	}

	ix, _ := openDisk(t)
	for _, q := range hostile {
		start := time.Now()
		if _, err := ix.Search(context.Background(), q); err != nil {
			t.Errorf("%+v: %v", q, err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%+v took %v", q, d)
		}
	}
}

func TestTermSearcherLimit(t *testing.T) {
	ix, _ := openDisk(t)
	q := news.Query{Text: "said the officers attack cyber", Fuzzy: true, Mentions: [][]string{{"APT31", "ZIRCONIUM", "Violet Typhoon"}}}
	if _, err := ix.Search(context.Background(), q); err != nil {
		t.Fatalf("with the default limit: %v", err)
	}
	ix.maxTermSearchers = 5
	_, err := ix.Search(context.Background(), q)
	if !errors.Is(err, ErrQueryTooBroad) {
		t.Fatalf("with a limit of 5 term searchers: err %v, want ErrQueryTooBroad", err)
	}
}

// panicQuery is a Bleve query whose searcher panics, standing in for a bug
// inside Bleve.
type panicQuery struct{}

func (panicQuery) Searcher(context.Context, bleveindex.IndexReader, mapping.IndexMapping, search.SearcherOptions) (search.Searcher, error) {
	panic("boom")
}

func TestPanicBecomesError(t *testing.T) {
	ix, _ := openDisk(t)
	var logged strings.Builder
	ix.log = slog.New(slog.NewTextHandler(&logged, nil))
	_, err := ix.run(context.Background(), bleve.NewSearchRequest(panicQuery{}))
	if err == nil || !strings.Contains(err.Error(), "panicked") {
		t.Fatalf("run(panicking query) = %v, want a 'panicked' error", err)
	}
	if !strings.Contains(logged.String(), "boom") || !strings.Contains(logged.String(), "stack") {
		t.Errorf("the panic was not logged with its stack: %q", logged.String())
	}
	// The index still answers.
	if res := mustSearch(t, ix, news.Query{Text: "APT31"}); res.Total == 0 {
		t.Error("no hits after a recovered panic")
	}
}

func TestSplitText(t *testing.T) {
	for _, tc := range []struct {
		in      string
		words   string
		phrases []string
	}{
		{"", "", nil},
		{"  APT31   sanctions ", "APT31 sanctions", nil},
		{`"Electoral Commission" hack`, "hack", []string{"Electoral Commission"}},
		{`a "b c" d "e"`, "a d", []string{"b c", "e"}},
		{`“curly quotes” x`, "x", []string{"curly quotes"}},
		{`open "quote runs on`, "open", []string{"quote runs on"}},
		{`"" empty`, "empty", nil},
	} {
		w, p := splitText(tc.in)
		if w != tc.words || !slices.Equal(p, tc.phrases) {
			t.Errorf("splitText(%q) = %q, %q; want %q, %q", tc.in, w, p, tc.words, tc.phrases)
		}
	}
}

// TestSearchAcrossSegments puts the articles one batch each (so the index
// has several segments) and checks that filtered searches find what they
// find in a one-segment index.
func TestSearchAcrossSegments(t *testing.T) {
	one, _ := openDisk(t)
	many, err := Open(t.TempDir() + "/many")
	if err != nil {
		t.Fatal(err)
	}
	defer many.Close()
	for _, a := range fixtures(t) {
		if err := many.Put(context.Background(), []news.Article{a}); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []news.Query{
		{Kinds: []news.Kind{news.Response}},
		{Text: "embassy", Kinds: []news.Kind{news.Response}},
		{By: []string{"US"}, Since: day("2020-01-01T00:00:00Z"), Until: day("2024-01-01T00:00:00Z")},
		{AfterSeq: 2, Text: "cyber"},
		{Mentions: [][]string{{"APT31", "ZIRCONIUM"}}, By: []string{"US", "GB"}},
		{SortBy: "seq", Size: 100},
	} {
		want := hitIDs(mustSearch(t, one, q))
		got := hitIDs(mustSearch(t, many, q))
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("%+v: several segments %v, one segment %v", q, got, want)
		}
	}
}
