package index

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/news"
)

// generated returns n synthetic articles with distinct seqs and ingestion
// times; every third has no statements, the others one or two.
func generated(n int, firstSeq uint64) []news.Article {
	actors := []string{"APT28", "APT31", "Lazarus Group", "Sandworm", "Volt Typhoon"}
	countries := []string{"US", "GB", "NZ", "AU", "CA"}
	kinds := []news.Kind{news.Allegation, news.Indictment, news.Sanction, news.Response}
	base := time.Date(2024, 1, 1, 9, 0, 0, 0, time.UTC)
	arts := make([]news.Article, n)
	for i := range arts {
		seq := firstSeq + uint64(i)
		a := news.Article{
			ID:         fmt.Sprintf("gen-%05d", i),
			Title:      fmt.Sprintf("Report %d on %s activity", i, actors[i%len(actors)]),
			Body:       fmt.Sprintf("Officials described campaign number %d attributed to %s against ministries.", i, actors[i%len(actors)]),
			Published:  base.Add(time.Duration(i%97) * 24 * time.Hour),
			Source:     news.Source{Name: "Generated Wire", URL: fmt.Sprintf("https://example.test/%d", i)},
			Language:   "en",
			IngestedAt: base.Add(time.Duration(i) * time.Minute),
			Seq:        seq,
		}
		for s := 0; s < i%3; s++ {
			a.Statements = append(a.Statements, news.Statement{
				Kind:           kinds[(i+s)%len(kinds)],
				Speaker:        "the National Cyber Security Centre",
				SpeakerCountry: []string{countries[(i+s)%len(countries)]},
				Accused:        []string{actors[(i+s)%len(actors)]},
				Targets:        []string{"ministries"},
				Confidence:     "highly likely",
				Sentence:       fmt.Sprintf("Statement %d-%d: %s conducted campaign %d.", i, s, actors[(i+s)%len(actors)], i),
				Offset:         s * 10,
			})
		}
		a.Summarize()
		arts[i] = a
	}
	return arts
}

// buildOld writes arts into a new on-disk index, records mapping version
// "0" in it as an older newsdesk would have, and closes it. It returns the
// index's path and, per article id, the article as the index gave it back.
func buildOld(t *testing.T, arts []news.Article) (string, map[string]news.Article) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "index")
	ix, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ix.Close() }()
	if err := ix.Put(ctx, arts); err != nil {
		t.Fatal(err)
	}
	stored := make(map[string]news.Article, len(arts))
	for _, a := range arts {
		got, err := ix.Article(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		stored[a.ID] = got
	}
	if err := ix.idx.SetInternal(internalMappingKey, []byte("0")); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	return path, stored
}

// answer is the comparable part of a search result.
type answer struct {
	Total uint64
	Hits  []string // id@seq
}

func answerOf(res news.Results) answer {
	a := answer{Total: res.Total}
	for _, h := range res.Hits {
		a.Hits = append(a.Hits, fmt.Sprintf("%s@%d", h.ID, h.Seq))
	}
	return a
}

// rebuildQueries are the searches whose answers must survive a rebuild.
var rebuildQueries = []news.Query{
	{Text: "campaign", Size: 25},
	{Text: `"conducted campaign"`, SortBy: "date", Size: 25},
	{Actors: []string{"APT31"}, SortBy: "seq", Size: 50},
	{By: []string{"GB"}, Kinds: []news.Kind{news.Sanction}, SortBy: "date", Size: 50},
	{Type: news.TypeArticle, SortBy: "seq", AfterSeq: 900, Size: 100},
	{Type: news.TypeArticle, Text: "ministries", Size: 10, From: 20},
	{Mentions: [][]string{{"APT31", "ZIRCONIUM", "Violet Typhoon"}}, SortBy: "date", Size: 20},
}

func answers(t *testing.T, ix *Index) []answer {
	t.Helper()
	out := make([]answer, len(rebuildQueries))
	for i, q := range rebuildQueries {
		out[i] = answerOf(mustSearch(t, ix, q))
	}
	return out
}

// checkNoLeftovers fails if a rebuild left a working directory behind.
func checkNoLeftovers(t *testing.T, path string) {
	t.Helper()
	for _, p := range []string{path + rebuildSuffix, path + rebuiltSuffix} {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s still exists after Rebuild (stat: %v)", p, err)
		}
	}
}

func TestRebuildOldMappingVersion(t *testing.T) {
	ctx := context.Background()
	// More than two batches, so that the copy crosses batch boundaries.
	arts := append(fixtures(t), generated(2*BatchSize+237, 100)...)
	path, stored := buildOld(t, arts)

	// What the index answered before its version was changed: build a
	// current-version copy to ask (the old one can no longer be opened).
	ref, err := OpenMem()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ref.Close() }()
	if err := ref.Put(ctx, arts); err != nil {
		t.Fatal(err)
	}
	want := answers(t, ref)

	_, err = Open(path)
	if !errors.Is(err, ErrMappingVersion) {
		t.Fatalf("Open(old mapping version) = %v, want ErrMappingVersion", err)
	}
	for _, s := range []string{"mapping version is 0", "needs " + mappingVersion, "newsdesk reindex"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("Open error %q does not say %q", err, s)
		}
	}

	info, err := Rebuild(ctx, path, nil)
	if err != nil {
		t.Fatalf("Rebuild: %v", err)
	}
	if info.Articles != len(arts) || info.OldVersion != "0" || info.NewVersion != mappingVersion {
		t.Errorf("Rebuild info = %+v, want %d articles, version 0 -> %s", info, len(arts), mappingVersion)
	}
	wantStmts := 0
	for _, a := range arts {
		wantStmts += len(a.Statements)
	}
	if info.Statements != wantStmts {
		t.Errorf("Rebuild copied %d statements, want %d", info.Statements, wantStmts)
	}
	if len(info.Recovered) != 0 {
		t.Errorf("Rebuild recovered %v from a clean directory", info.Recovered)
	}
	if !strings.HasPrefix(info.OldPath, path+oldSuffix) {
		t.Errorf("OldPath = %q, want it beside %s", info.OldPath, path)
	}
	checkNoLeftovers(t, path)

	// The old copy is kept, untouched: still version 0, all articles.
	old, err := openReadOnly(info.OldPath)
	if err != nil {
		t.Fatalf("old copy: %v", err)
	}
	if v, _ := old.GetInternal(internalMappingKey); string(v) != "0" {
		t.Errorf("old copy's mapping version = %q, want 0", v)
	}
	if n, _ := old.DocCount(); n != uint64(len(arts)+wantStmts) {
		t.Errorf("old copy holds %d documents, want %d", n, len(arts)+wantStmts)
	}
	_ = old.Close()

	ix, err := Open(path)
	if err != nil {
		t.Fatalf("Open after Rebuild: %v", err)
	}
	defer func() { _ = ix.Close() }()
	if n, err := ix.Count(ctx); err != nil || n != uint64(len(arts)) {
		t.Errorf("Count after Rebuild = %d, %v; want %d", n, err, len(arts))
	}
	if m, err := ix.MaxSeq(ctx); err != nil || m != 100+uint64(2*BatchSize+236) {
		t.Errorf("MaxSeq after Rebuild = %d, %v", m, err)
	}
	for id, w := range stored {
		got, err := ix.Article(ctx, id)
		if err != nil {
			t.Fatalf("Article(%s) after Rebuild: %v", id, err)
		}
		if !reflect.DeepEqual(got, w) {
			t.Fatalf("Article(%s) after Rebuild =\n%+v\nwant\n%+v", id, got, w)
		}
	}
	got := answers(t, ix)
	for i, q := range rebuildQueries {
		if len(want[i].Hits) == 0 {
			t.Errorf("query %+v finds nothing: the comparison proves nothing", q)
		}
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("Search(%+v) after Rebuild = %v, want %v", q, got[i], want[i])
		}
	}
}

func TestRebuildTransform(t *testing.T) {
	ctx := context.Background()
	arts := append(fixtures(t), generated(40, 1000)...)
	path, stored := buildOld(t, arts)

	calls := 0
	info, err := Rebuild(ctx, path, func(a news.Article) (news.Article, error) {
		calls++
		// A re-extraction that finds one statement per article, names
		// Turla, and tries (wrongly) to change the seq and ingestion time.
		a.Statements = []news.Statement{{
			Kind: news.Sanction, Speaker: "HM Treasury", SpeakerCountry: []string{"GB"},
			Accused: []string{"Turla"}, Sentence: "Treasury sanctioned Turla operators for " + a.ID + ".",
		}}
		a.Seq += 1_000_000
		a.IngestedAt = time.Time{}
		a.Actors = nil // stale unions are recomputed by Rebuild
		return a, nil
	})
	if err != nil {
		t.Fatalf("Rebuild: %v", err)
	}
	if calls != len(arts) || info.Articles != len(arts) || info.Statements != len(arts) {
		t.Errorf("transform called %d times, info %+v; want %d articles with one statement each", calls, info, len(arts))
	}
	ix, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ix.Close() }()
	for id, w := range stored {
		got, err := ix.Article(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if got.Seq != w.Seq || !got.IngestedAt.Equal(w.IngestedAt) {
			t.Errorf("%s: seq %d ingested %v after Rebuild, want the stored %d %v", id, got.Seq, got.IngestedAt, w.Seq, w.IngestedAt)
		}
		if len(got.Statements) != 1 || got.Statements[0].Speaker != "HM Treasury" {
			t.Errorf("%s: statements after Rebuild = %+v, want the transformed one", id, got.Statements)
		}
		if !reflect.DeepEqual(got.Actors, []string{"Turla"}) || !reflect.DeepEqual(got.Kinds, []news.Kind{news.Sanction}) {
			t.Errorf("%s: unions after Rebuild = %v %v, want [Turla] [sanction]", id, got.Actors, got.Kinds)
		}
		if got.Body != w.Body || got.Title != w.Title {
			t.Errorf("%s: body or title changed by a statements-only transform", id)
		}
	}
	res := mustSearch(t, ix, news.Query{Actors: []string{"turla"}, SortBy: "seq", Size: 100})
	if res.Total != uint64(len(arts)) {
		t.Errorf("search actor:turla after Rebuild found %d, want %d", res.Total, len(arts))
	}
	for _, h := range res.Hits {
		if h.Seq != stored[h.ArticleID].Seq {
			t.Errorf("hit %s has seq %d, want %d", h.ID, h.Seq, stored[h.ArticleID].Seq)
		}
	}
	if res := mustSearch(t, ix, news.Query{Actors: []string{"apt31"}}); res.Total != 0 {
		t.Errorf("old statements still searchable after Rebuild: %v", hitIDs(res))
	}
}

func TestRebuildTransformErrorLeavesIndex(t *testing.T) {
	ctx := context.Background()
	arts := generated(30, 1)
	path, _ := buildOld(t, arts)
	before, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	boom := errors.New("extractor exploded")
	_, err = Rebuild(ctx, path, func(a news.Article) (news.Article, error) {
		if a.ID == "gen-00017" {
			return a, boom
		}
		return a, nil
	})
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "gen-00017") || !strings.Contains(err.Error(), "unchanged") {
		t.Fatalf("Rebuild with a failing transform = %v, want the transform's error naming the article", err)
	}
	after, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before) {
		t.Errorf("directory after a failed Rebuild = %v, want %v", after, before)
	}
	if _, err := Open(path); !errors.Is(err, ErrMappingVersion) {
		t.Errorf("Open after a failed Rebuild = %v, want the old index (ErrMappingVersion)", err)
	}
	// An id-changing transform is refused too.
	_, err = Rebuild(ctx, path, func(a news.Article) (news.Article, error) { a.ID += "x"; return a, nil })
	if err == nil || !strings.Contains(err.Error(), "keep ids") {
		t.Errorf("Rebuild with an id-changing transform = %v, want a refusal", err)
	}
}

func TestRebuildLeftovers(t *testing.T) {
	ctx := context.Background()
	arts := generated(25, 1)

	t.Run("half-written .rebuild is removed and redone", func(t *testing.T) {
		path, _ := buildOld(t, arts)
		// A crash while copying: a partial index in .rebuild.
		partial, err := Open(path + rebuildSuffix)
		if err != nil {
			t.Fatal(err)
		}
		if err := partial.Put(ctx, arts[:5]); err != nil {
			t.Fatal(err)
		}
		if err := partial.Close(); err != nil {
			t.Fatal(err)
		}
		info, err := Rebuild(ctx, path, nil)
		if err != nil {
			t.Fatalf("Rebuild over a leftover .rebuild: %v", err)
		}
		if info.Articles != len(arts) || len(info.Recovered) != 1 {
			t.Errorf("info = %+v, want %d articles and one recovery", info, len(arts))
		}
		checkNoLeftovers(t, path)
		ix, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = ix.Close() }()
		if n, _ := ix.Count(ctx); n != uint64(len(arts)) {
			t.Errorf("Count = %d, want %d", n, len(arts))
		}
	})

	t.Run("junk .rebuild and stale .rebuilt are removed", func(t *testing.T) {
		path, _ := buildOld(t, arts)
		if err := os.MkdirAll(filepath.Join(path+rebuildSuffix, "store"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(path+rebuildSuffix, "store", "root.bolt"), []byte("torn"), 0o600); err != nil {
			t.Fatal(err)
		}
		stale, err := Open(path + rebuiltSuffix)
		if err != nil {
			t.Fatal(err)
		}
		if err := stale.Put(ctx, arts[:1]); err != nil {
			t.Fatal(err)
		}
		_ = stale.Close()
		info, err := Rebuild(ctx, path, nil)
		if err != nil {
			t.Fatalf("Rebuild: %v", err)
		}
		if info.Articles != len(arts) || len(info.Recovered) != 2 {
			t.Errorf("info = %+v, want %d articles and two recoveries", info, len(arts))
		}
		checkNoLeftovers(t, path)
	})

	t.Run("Open finishes a swap cut between its renames", func(t *testing.T) {
		path, stored := buildOld(t, arts)
		info, err := Rebuild(ctx, path, nil)
		if err != nil {
			t.Fatal(err)
		}
		// Replay the crash: the new index is back in .rebuilt, nothing at path.
		if err := os.Rename(path, path+rebuiltSuffix); err != nil {
			t.Fatal(err)
		}
		// nothing goes to the default logger: the process's logger,
		// given with SetLogger, hears what Open recovered
		var dflt, given bytes.Buffer
		saved := slog.Default()
		slog.SetDefault(slog.New(slog.NewTextHandler(&dflt, nil)))
		ix, err := Open(path)
		slog.SetDefault(saved)
		if err != nil {
			t.Fatalf("Open with only %s: %v", rebuiltSuffix, err)
		}
		defer func() { _ = ix.Close() }()
		ix.SetLogger(slog.New(slog.NewTextHandler(&given, nil)))
		if dflt.Len() > 0 {
			t.Errorf("Open logged to the default logger: %s", dflt.String())
		}
		if !strings.Contains(given.String(), "level=WARN") || !strings.Contains(given.String(), "finished an interrupted rebuild") {
			t.Errorf("the given logger did not hear of the finished rebuild: %q", given.String())
		}
		checkNoLeftovers(t, path)
		if n, _ := ix.Count(ctx); n != uint64(len(stored)) {
			t.Errorf("Count = %d, want %d (Open created an empty index instead of finishing the swap?)", n, len(stored))
		}
		if _, err := os.Stat(info.OldPath); err != nil {
			t.Errorf("old copy: %v", err)
		}
	})

	t.Run("Rebuild finishes a swap cut between its renames", func(t *testing.T) {
		path, _ := buildOld(t, arts)
		if _, err := Rebuild(ctx, path, nil); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(path, path+rebuiltSuffix); err != nil {
			t.Fatal(err)
		}
		info, err := Rebuild(ctx, path, nil)
		if err != nil {
			t.Fatalf("Rebuild with only %s: %v", rebuiltSuffix, err)
		}
		if info.Articles != len(arts) || info.OldVersion != mappingVersion || len(info.Recovered) != 1 {
			t.Errorf("info = %+v, want %d articles from the finished swap", info, len(arts))
		}
		checkNoLeftovers(t, path)
	})
}

func TestRebuildRefusals(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()

	if _, err := Rebuild(ctx, filepath.Join(dir, "missing"), nil); err == nil || !strings.Contains(err.Error(), "no index there") {
		t.Errorf("Rebuild(missing) = %v, want 'no index there'", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Rebuild(missing) created the directory")
	}
	foreign := filepath.Join(dir, "foreign")
	if err := os.MkdirAll(foreign, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Rebuild(ctx, foreign, nil); err == nil || !strings.Contains(err.Error(), "not a newsdesk index") {
		t.Errorf("Rebuild(foreign directory) = %v, want 'not a newsdesk index'", err)
	}

	// An index in use by a running newsdesk is refused, not copied.
	path := filepath.Join(dir, "index")
	ix, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ix.Close() }()
	if err := ix.Put(ctx, generated(3, 1)); err != nil {
		t.Fatal(err)
	}
	if _, err := Rebuild(ctx, path, nil); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Errorf("Rebuild(open index) = %v, want 'in use'", err)
	}
	checkNoLeftovers(t, path)

	// A cancelled context stops the copy and leaves the index as it was.
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Rebuild(cctx, path, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("Rebuild(cancelled) = %v, want context.Canceled", err)
	}
	checkNoLeftovers(t, path)
	ix2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := ix2.Count(ctx); n != 3 {
		t.Errorf("Count after a cancelled Rebuild = %d, want 3", n)
	}
	_ = ix2.Close()
}

// BenchmarkRebuild measures Rebuild of an on-disk index holding the bench
// corpus (identity transform): read every stored article, write the new
// index, swap. The replaced copies are removed between iterations.
//
//	go test -run '^$' -bench Rebuild -benchtime=3x ./index/
func BenchmarkRebuild(b *testing.B) {
	arts := benchCorpus(b)
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "index")
	ix, err := Open(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := ix.Put(ctx, arts); err != nil {
		b.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		b.Fatal(err)
	}
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.DiscardHandler))
	defer slog.SetDefault(prev)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		info, err := Rebuild(ctx, path, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if info.Articles != len(arts) {
			b.Fatalf("rebuilt %d articles, want %d", info.Articles, len(arts))
		}
		if err := os.RemoveAll(info.OldPath); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(len(arts)*b.N)/b.Elapsed().Seconds(), "articles/s")
	b.ReportMetric(float64(docCount(arts)), "docs/corpus")
}

// TestRebuildFrom builds the index from an outside source (the article
// store) whether the old index is sound, damaged or gone, keeping the old
// one.
func TestRebuildFrom(t *testing.T) {
	ctx := context.Background()
	arts := []news.Article{
		{ID: "r1r1r1r1r1r1", Title: "One", Body: "The FBI said APT31 did it.", Seq: 1, Statements: []news.Statement{{Kind: news.Allegation, Sentence: "The FBI said APT31 did it.", Accused: []string{"APT31"}}}},
		{ID: "r2r2r2r2r2r2", Title: "Two", Body: "x", Seq: 2},
	}
	src := func(ctx context.Context, fn func(news.Article) error) error {
		for _, a := range arts {
			if err := fn(a); err != nil {
				return err
			}
		}
		return nil
	}
	for _, tt := range []struct {
		name    string
		prepare func(t *testing.T, path string)
		oldKept bool
	}{
		{"gone", func(t *testing.T, path string) {}, false},
		{"damaged", func(t *testing.T, path string) {
			if err := os.MkdirAll(path, 0o750); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(path, "index_meta.json"), []byte("{garbled"), 0o600); err != nil {
				t.Fatal(err)
			}
		}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "index")
			tt.prepare(t, path)
			info, err := RebuildFrom(ctx, path, src, nil)
			if err != nil {
				t.Fatal(err)
			}
			if info.Articles != 2 || info.Statements != 1 || (info.OldPath != "") != tt.oldKept {
				t.Errorf("info = %+v, want 2 articles, 1 statement, old kept %v", info, tt.oldKept)
			}
			ix, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer ix.Close()
			if a, err := ix.Article(ctx, "r1r1r1r1r1r1"); err != nil || a.Seq != 1 || len(a.Statements) != 1 {
				t.Errorf("rebuilt article = %+v, %v", a, err)
			}
		})
	}
}
