package corpusgen

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/news"
)

var loaded = sync.OnceValues(func() (*Texts, error) { return Load("") })

// texts loads the public corpus once, or skips the test when it is absent.
func texts(t *testing.T) *Texts {
	t.Helper()
	tx, err := loaded()
	if errors.Is(err, ErrNoCorpus) {
		t.Skipf("public corpus absent: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return tx
}

func TestLoadMissingDirectory(t *testing.T) {
	_, err := Load(t.TempDir())
	if !errors.Is(err, ErrNoCorpus) {
		t.Fatalf("Load(empty dir) = %v, want an error matching ErrNoCorpus", err)
	}
}

func TestDeterminism(t *testing.T) {
	tx := texts(t)
	a := tx.Generate(Options{Seed: 7, Statements: 3000})
	b := tx.Generate(Options{Seed: 7, Statements: 3000})
	c := tx.Generate(Options{Seed: 8, Statements: 3000})
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed gave two different corpora")
	}
	if reflect.DeepEqual(a, c) {
		t.Fatal("seeds 7 and 8 gave the same corpus")
	}
	same := 0
	for i := range min(len(a), len(c)) {
		if a[i].Body == c[i].Body {
			same++
		}
	}
	if same > len(a)/100 {
		t.Errorf("seeds 7 and 8 share %d of %d article bodies", same, len(a))
	}
}

func TestCorpusShape(t *testing.T) {
	tx := texts(t)
	const n = 20000
	arts := tx.Generate(Options{Seed: 1, Statements: n})

	statements, ids := 0, map[string]bool{}
	kinds := map[news.Kind]int{}
	accused := map[string]int{}
	sentences := map[string]bool{}
	recent := 0 // published in the last third of the span
	end := DefaultEnd
	start := end.AddDate(-10, 0, 0)
	third := end.Add(-end.Sub(start) / 3)
	var prev time.Time
	for i, a := range arts {
		if ids[a.ID] {
			t.Fatalf("article %d: id %s used twice", i, a.ID)
		}
		ids[a.ID] = true
		if a.Seq != uint64(i+1) {
			t.Fatalf("article %d has seq %d, want %d", i, a.Seq, i+1)
		}
		if a.Published.Before(prev) {
			t.Fatalf("article %d published %v before article %d (%v): ingestion must follow publication", i, a.Published, i-1, prev)
		}
		prev = a.Published
		if a.Published.Before(start) || a.Published.After(end) {
			t.Fatalf("article %d published %v, outside [%v, %v]", i, a.Published, start, end)
		}
		if a.Published.After(third) {
			recent++
		}
		if a.Title == "" || a.Source.Name == "" || !strings.HasPrefix(a.Source.URL, "https://") {
			t.Fatalf("article %d lacks a title or source: %+v", i, a.Source)
		}
		inArticle := map[string]bool{}
		for j, s := range a.Statements {
			statements++
			kinds[s.Kind]++
			sentences[s.Sentence] = true
			if inArticle[s.Sentence] {
				t.Fatalf("article %d repeats the sentence %q", i, s.Sentence)
			}
			inArticle[s.Sentence] = true
			if got := a.Body[s.Offset : s.Offset+len(s.Sentence)]; got != s.Sentence {
				t.Fatalf("article %d statement %d: body at offset %d is %q, not the sentence", i, j, s.Offset, got)
			}
			if !s.Kind.Valid() || s.Speaker == "" || len(s.SpeakerCountry) != 1 {
				t.Fatalf("article %d statement %d: bad kind or speaker: %+v", i, j, s)
			}
			if _, ok := news.CountryCode(s.SpeakerCountry[0]); !ok {
				t.Fatalf("article %d statement %d: speaker country %q is not a known country", i, j, s.SpeakerCountry[0])
			}
			if s.Kind == news.Response {
				if len(s.Accused) < 2 || s.Accused[1] != s.SpeakerCountry[0] {
					t.Fatalf("article %d statement %d: a response must come from the accused state: %+v", i, j, s)
				}
			} else if len(s.Accused) > 1 && s.Accused[1] == s.SpeakerCountry[0] {
				t.Fatalf("article %d statement %d: %s accuses its own state's actor: %+v", i, j, s.SpeakerCountry[0], s)
			}
			if s.EventDate != "" && s.EventDate > a.Published.Format("2006-01-02") {
				t.Fatalf("article %d statement %d: event date %s after publication %v", i, j, s.EventDate, a.Published)
			}
			if len(s.Accused) > 0 {
				accused[s.Accused[0]]++
			}
		}
		if !slices.Equal(a.Kinds, uniqKinds(a.Statements)) {
			t.Fatalf("article %d: Kinds %v not summarised from its statements", i, a.Kinds)
		}
	}
	if statements != n {
		t.Fatalf("%d statements, want %d", statements, n)
	}

	share := func(k news.Kind) float64 { return float64(kinds[k]) / n }
	for _, c := range []struct {
		kind   news.Kind
		lo, hi float64
	}{
		{news.Allegation, 0.35, 0.65},
		{news.Response, 0.05, 0.25},
		{news.Sanction, 0.08, 0.25},
		{news.Indictment, 0.05, 0.20},
		{news.Other, 0.05, 0.20},
	} {
		t.Run(string(c.kind), func(t *testing.T) {
			if s := share(c.kind); s < c.lo || s > c.hi {
				t.Errorf("%s: %.3f of statements, want %.2f..%.2f", c.kind, s, c.lo, c.hi)
			}
		})
	}

	// Zipf: the most accused actor has a large but not overwhelming share,
	// and a long tail of actors is accused at all.
	counts := make([]int, 0, len(accused))
	for _, c := range accused {
		counts = append(counts, c)
	}
	slices.Sort(counts)
	slices.Reverse(counts)
	if top := float64(counts[0]) / n; top < 0.05 || top > 0.35 {
		t.Errorf("the most accused actor has %.3f of statements, want 0.05..0.35", top)
	}
	if len(counts) < 150 {
		t.Errorf("only %d distinct actors accused, want a long tail (150+)", len(counts))
	}
	if counts[9] < counts[0]/20 {
		t.Errorf("the 10th actor has %d statements against the first's %d: the head is too steep", counts[9], counts[0])
	}
	if f := float64(recent) / float64(len(arts)); f < 0.4 || f > 0.7 {
		t.Errorf("%.2f of articles in the newest third of the span, want 0.4..0.7 (more weight on recent years)", f)
	}
	if len(sentences) < tx.Sentences()/2 {
		t.Errorf("statements use %d distinct sentences of %d in the pool, want at least half", len(sentences), tx.Sentences())
	}
}

func uniqKinds(sts []news.Statement) []news.Kind {
	var ks []news.Kind
	for _, s := range sts {
		ks = append(ks, s.Kind)
	}
	slices.Sort(ks)
	return slices.Compact(ks)
}

func TestGeneratorStreamsTheSameCorpus(t *testing.T) {
	tx := texts(t)
	o := Options{Seed: 3, Statements: 500}
	all := tx.Generate(o)
	g := tx.New(o)
	if g.Articles() != len(all) {
		t.Fatalf("Articles() = %d, Generate gave %d", g.Articles(), len(all))
	}
	for i := range all {
		a, ok := g.Next()
		if !ok || !reflect.DeepEqual(a, all[i]) {
			t.Fatalf("article %d differs between Next and Generate", i)
		}
	}
	if _, ok := g.Next(); ok {
		t.Fatal("Next yields past the end")
	}
}
