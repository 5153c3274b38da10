package index

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/news"
)

// fixtures loads the hand-written articles in testdata/articles.json.
func fixtures(t testing.TB) []news.Article {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "articles.json"))
	if err != nil {
		t.Fatal(err)
	}
	var arts []news.Article
	if err := json.Unmarshal(raw, &arts); err != nil {
		t.Fatalf("testdata/articles.json: %v", err)
	}
	for i := range arts {
		arts[i].Summarize()
	}
	return arts
}

func fixture(t testing.TB, id string) news.Article {
	t.Helper()
	for _, a := range fixtures(t) {
		if a.ID == id {
			return a
		}
	}
	t.Fatalf("no fixture %s", id)
	return news.Article{}
}

// openDisk opens a fresh on-disk index in a temporary directory, loaded
// with the fixtures, and closes it when the test ends.
func openDisk(t *testing.T) (*Index, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "index")
	ix, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	if err := ix.Put(context.Background(), fixtures(t)); err != nil {
		t.Fatal(err)
	}
	return ix, path
}

func hitIDs(res news.Results) []string {
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return ids
}

func mustSearch(t *testing.T, ix *Index, q news.Query) news.Results {
	t.Helper()
	res, err := ix.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("Search(%+v): %v", q, err)
	}
	return res
}

func TestRoundTripOnDisk(t *testing.T) {
	ix, path := openDisk(t)
	ctx := context.Background()
	queries := []news.Query{
		{Text: "APT31"},
		{Text: "embassy", Kinds: []news.Kind{news.Response}},
		{Type: news.TypeArticle, Text: "Bundestag"},
		{SortBy: "seq", Size: 100},
		{Mentions: [][]string{{"APT31", "ZIRCONIUM", "Violet Typhoon"}}},
	}
	before := make([]news.Results, len(queries))
	for i, q := range queries {
		before[i] = mustSearch(t, ix, q)
		if len(before[i].Hits) == 0 {
			t.Fatalf("query %+v found nothing before reopening", q)
		}
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}

	ix2, err := Open(path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer ix2.Close()
	for i, q := range queries {
		after := mustSearch(t, ix2, q)
		if after.Total != before[i].Total {
			t.Errorf("query %+v: total %d after reopening, %d before", q, after.Total, before[i].Total)
		}
		for j := range after.Hits {
			a, b := after.Hits[j], before[i].Hits[j]
			a.Score, b.Score = 0, 0 // scores may differ in the last bits across segment layouts
			if !reflect.DeepEqual(a, b) {
				t.Errorf("query %+v hit %d after reopening:\n got %+v\nwant %+v", q, j, a, b)
			}
		}
	}
	for _, want := range fixtures(t) {
		got, err := ix2.Article(ctx, want.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Published.Equal(want.Published) || got.Published.Format(time.RFC3339) != want.Published.Format(time.RFC3339) {
			t.Errorf("article %s published %v, want %v (zone kept)", want.ID, got.Published, want.Published)
		}
		got.Published = want.Published
		got.IngestedAt = want.IngestedAt
		if !reflect.DeepEqual(got, want) {
			t.Errorf("article %s after reopening:\n got %+v\nwant %+v", want.ID, got, want)
		}
	}
	if n, err := ix2.Count(ctx); err != nil || n != 5 {
		t.Errorf("Count = %d, %v; want 5", n, err)
	}
	if s, err := ix2.MaxSeq(ctx); err != nil || s != 5 {
		t.Errorf("MaxSeq = %d, %v; want 5", s, err)
	}
}

func TestEmptyIndex(t *testing.T) {
	ix, err := Open(filepath.Join(t.TempDir(), "empty"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	if n, err := ix.Count(ctx); err != nil || n != 0 {
		t.Errorf("Count = %d, %v; want 0", n, err)
	}
	if s, err := ix.MaxSeq(ctx); err != nil || s != 0 {
		t.Errorf("MaxSeq = %d, %v; want 0", s, err)
	}
	res := mustSearch(t, ix, news.Query{Text: "APT31"})
	if res.Total != 0 || len(res.Hits) != 0 {
		t.Errorf("search on empty index: %+v", res)
	}
}

func TestRePutReplaces(t *testing.T) {
	ix, _ := openDisk(t)
	ctx := context.Background()
	seedStatements := func() []string {
		res := mustSearch(t, ix, news.Query{SortBy: "seq", Size: 100})
		var ids []string
		for _, h := range res.Hits {
			if h.ArticleID == "seed-apt31" {
				ids = append(ids, h.ID)
			}
		}
		return ids
	}
	if got := seedStatements(); len(got) != 7 {
		t.Fatalf("before re-put: %d seed statements, want 7: %v", len(got), got)
	}

	// The same article again, unchanged: nothing changes.
	if err := ix.Put(ctx, fixtures(t)); err != nil {
		t.Fatal(err)
	}
	if n, _ := ix.Count(ctx); n != 5 {
		t.Errorf("Count after identical re-put = %d, want 5", n)
	}
	if got := seedStatements(); len(got) != 7 {
		t.Errorf("after identical re-put: %d seed statements, want 7", len(got))
	}

	// Fewer statements, one reworded: the extra statement documents go.
	a := fixture(t, "seed-apt31")
	a.Statements = a.Statements[:3]
	a.Statements[0].Sentence = "A reworded allegation about quokkas."
	a.Summarize()
	if err := ix.Put(ctx, []news.Article{a}); err != nil {
		t.Fatal(err)
	}
	if n, _ := ix.Count(ctx); n != 5 {
		t.Errorf("Count after re-put = %d, want 5", n)
	}
	want := []string{"seed-apt31#0", "seed-apt31#1", "seed-apt31#2"}
	if got := seedStatements(); !reflect.DeepEqual(got, want) {
		t.Errorf("statements after re-put = %v, want %v", got, want)
	}
	if res := mustSearch(t, ix, news.Query{Text: "slander"}); res.Total != 0 {
		t.Errorf("a deleted statement is still found: %v", hitIDs(res))
	}
	if res := mustSearch(t, ix, news.Query{Text: "quokkas"}); !reflect.DeepEqual(hitIDs(res), []string{"seed-apt31#0"}) {
		t.Errorf("reworded statement: got %v", hitIDs(res))
	}
	got, err := ix.Article(ctx, "seed-apt31")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Statements) != 3 {
		t.Errorf("stored article has %d statements, want 3", len(got.Statements))
	}

	// The same id twice in one Put: the last one wins, in one batch.
	b := fixture(t, "seed-apt31")
	c := fixture(t, "seed-apt31")
	c.Statements = c.Statements[5:6]
	c.Summarize()
	if err := ix.Put(ctx, []news.Article{b, c}); err != nil {
		t.Fatal(err)
	}
	if got := seedStatements(); !reflect.DeepEqual(got, []string{"seed-apt31#0"}) {
		t.Errorf("after putting 7 then 1 statements in one batch: %v", got)
	}
	if n, _ := ix.Count(ctx); n != 5 {
		t.Errorf("Count = %d, want 5", n)
	}
}

func TestPutRejectsBadArticles(t *testing.T) {
	ix, err := OpenMem()
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	good := fixture(t, "eu-apt28-bundestag")
	for _, tc := range []struct {
		name, id, want string
	}{
		{"empty id", "", "empty id"},
		{"blank id", "  ", "empty id"},
		{"hash in id", "a#1", "reserves"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := good
			bad.ID = tc.id
			err := ix.Put(ctx, []news.Article{good, bad})
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "article 1") {
				t.Fatalf("Put = %v, want an error naming article 1 and %q", err, tc.want)
			}
			if n, _ := ix.Count(ctx); n != 0 {
				t.Errorf("a rejected Put wrote %d articles", n)
			}
		})
	}
}

func TestArticleNotFound(t *testing.T) {
	ix, _ := openDisk(t)
	for _, id := range []string{"nope", "", "seed-apt31#0"} {
		if _, err := ix.Article(context.Background(), id); !errors.Is(err, news.ErrNotFound) {
			t.Errorf("Article(%q) = %v, want news.ErrNotFound", id, err)
		}
	}
}

func TestSecondOpenFails(t *testing.T) {
	_, path := openDisk(t)
	start := time.Now()
	ix2, err := Open(path)
	if err == nil {
		ix2.Close()
		t.Fatal("a second Open of an index in use succeeded")
	}
	if !strings.Contains(err.Error(), "in use by another newsdesk process") || !strings.Contains(err.Error(), path) {
		t.Errorf("second Open error = %q, want it to name the path and say it is in use", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("second Open took %v to fail", d)
	}
}

func TestOpenPaths(t *testing.T) {
	dir := t.TempDir()

	empty := filepath.Join(dir, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	ix, err := Open(empty)
	if err != nil {
		t.Fatalf("Open(empty directory) = %v, want a new index", err)
	}
	ix.Close()

	other := filepath.Join(dir, "other")
	if err := os.Mkdir(other, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(other, "notes.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(other); err == nil || !strings.Contains(err.Error(), "not a newsdesk index") {
		t.Errorf("Open(directory with other files) = %v, want 'not a newsdesk index'", err)
	}
	if _, err := os.Stat(filepath.Join(other, "notes.txt")); err != nil {
		t.Errorf("Open touched a foreign directory: %v", err)
	}
}

func TestMappingVersionMismatch(t *testing.T) {
	ix, path := openDisk(t)
	if err := ix.idx.SetInternal(internalMappingKey, []byte("0")); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	_, err := Open(path)
	if err == nil || !strings.Contains(err.Error(), "reindex") {
		t.Fatalf("Open of an index with another mapping version = %v, want a reindex hint", err)
	}
}

func TestCancelledContext(t *testing.T) {
	ix, _ := openDisk(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ix.Search(ctx, news.Query{Text: "APT31"}); !errors.Is(err, context.Canceled) {
		t.Errorf("Search with cancelled context = %v, want context.Canceled", err)
	}
	if err := ix.Put(ctx, fixtures(t)); !errors.Is(err, context.Canceled) {
		t.Errorf("Put with cancelled context = %v, want context.Canceled", err)
	}
	if _, err := ix.Count(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Count with cancelled context = %v, want context.Canceled", err)
	}
	if _, err := ix.Article(ctx, "seed-apt31"); !errors.Is(err, context.Canceled) {
		t.Errorf("Article with cancelled context = %v, want context.Canceled", err)
	}
	dctx, dcancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer dcancel()
	if _, err := ix.Search(dctx, news.Query{Text: "APT31"}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Search past its deadline = %v, want context.DeadlineExceeded", err)
	}
}

func TestConcurrentPutAndSearch(t *testing.T) {
	ix, _ := openDisk(t)
	ctx := context.Background()
	arts := fixtures(t)
	done := make(chan error, 4)
	for w := range 2 {
		go func() {
			for i := range 10 {
				a := arts[(w+i)%len(arts)]
				a.Statements = a.Statements[:len(a.Statements)-i%2] // alternate dropping the last statement
				a.Summarize()
				if err := ix.Put(ctx, []news.Article{a}); err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
		go func() {
			for range 20 {
				if _, err := ix.Search(ctx, news.Query{Text: "cyber", Kinds: []news.Kind{news.Allegation}}); err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	// Whatever the interleaving, every article is there once and every
	// statement document belongs to the stored article.
	if n, _ := ix.Count(ctx); n != uint64(len(arts)) {
		t.Errorf("Count = %d, want %d", n, len(arts))
	}
	res := mustSearch(t, ix, news.Query{SortBy: "seq", Size: 1000})
	per := map[string]int{}
	for _, h := range res.Hits {
		per[h.ArticleID]++
	}
	for _, a := range arts {
		stored, err := ix.Article(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if per[a.ID] != len(stored.Statements) {
			t.Errorf("article %s: %d statement documents, stored article has %d statements", a.ID, per[a.ID], len(stored.Statements))
		}
	}
}

// TestSetLogger: the index logs through the logger it is given, so the
// process's log level holds (a panic in a search is logged there).
func TestSetLogger(t *testing.T) {
	ix, err := OpenMem()
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	var buf strings.Builder
	ix.SetLogger(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelError})))
	if ix.log.Enabled(context.Background(), slog.LevelInfo) || !ix.log.Enabled(context.Background(), slog.LevelError) {
		t.Error("the index does not log at the level it was given")
	}
	ix.log.Error("probe")
	if !strings.Contains(buf.String(), "probe") {
		t.Errorf("the index logged elsewhere: %q", buf.String())
	}
}

// TestCompact: an index written in several batches has several segments;
// Compact leaves one, with the same answers, and the index reopens.
func TestCompact(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "index")
	ix, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range fixtures(t) { // one batch, so one segment, each
		if err := ix.Put(ctx, []news.Article{a}); err != nil {
			t.Fatal(err)
		}
	}
	before, err := ix.segments()
	if err != nil {
		t.Fatal(err)
	}
	if before < 2 {
		t.Fatalf("%d segments before Compact, want several", before)
	}
	q := news.Query{Text: "cyber", Size: 50}
	want := hitIDs(mustSearch(t, ix, q))
	if len(want) == 0 {
		t.Fatal("no hits to compare")
	}
	if err := ix.Compact(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := ix.segments(); err != nil || n != 1 {
		t.Fatalf("segments after Compact = %d, %v; want 1", n, err)
	}
	if got := hitIDs(mustSearch(t, ix, q)); !slices.Equal(got, want) {
		t.Errorf("hits after Compact %v, before %v", got, want)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ix, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if got := hitIDs(mustSearch(t, ix, q)); !slices.Equal(got, want) {
		t.Errorf("hits after reopening %v, before %v", got, want)
	}
}

// TestPutInParts: a Put large enough to be written as several Bleve
// batches at once keeps an article's documents together: the last copy of
// an id wins, a re-put with fewer statements deletes the rest, and every
// statement is found.
func TestPutInParts(t *testing.T) {
	defer func(n int) { putParts = n }(putParts)
	putParts = 3 // whatever the machine's cores
	ix, err := OpenMem()
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	seed := fixture(t, "seed-apt31")
	n := 3*minPart + 7
	many := func(stmts int) []news.Article {
		arts := make([]news.Article, n)
		for i := range arts {
			a := seed
			a.ID = "art-" + strconv.Itoa(i)
			a.Seq = uint64(i + 1)
			a.Statements = slices.Clone(seed.Statements[:stmts])
			a.Summarize()
			arts[i] = a
		}
		return arts
	}
	statementsPer := func() map[string]int {
		res := mustSearch(t, ix, news.Query{SortBy: "seq", Size: 10 * n})
		per := map[string]int{}
		for _, h := range res.Hits {
			per[h.ArticleID]++
		}
		return per
	}
	// every article with 4 statements, and a last copy of art-5 with 1
	arts := many(4)
	last := arts[5]
	last.Statements = last.Statements[:1]
	last.Summarize()
	if err := ix.Put(ctx, append(arts, last)); err != nil {
		t.Fatal(err)
	}
	if got, _ := ix.Count(ctx); got != uint64(n) {
		t.Fatalf("Count = %d, want %d", got, n)
	}
	per := statementsPer()
	for i := range n {
		id, want := "art-"+strconv.Itoa(i), 4
		if i == 5 {
			want = 1
		}
		if per[id] != want {
			t.Errorf("after the first put, %s has %d statement documents, want %d", id, per[id], want)
		}
	}
	// again with 2 statements each: the other two go
	if err := ix.Put(ctx, many(2)); err != nil {
		t.Fatal(err)
	}
	per = statementsPer()
	for i := range n {
		if id := "art-" + strconv.Itoa(i); per[id] != 2 {
			t.Errorf("after the re-put, %s has %d statement documents, want 2", id, per[id])
		}
	}
}

// TestPutCutsBatchesByBytes: a Put of large articles is written in Bleve
// batches of at most BatchBytes of text each (what bounds the memory a
// batch's analysis takes), not in one batch of up to BatchSize articles,
// and every article is indexed.
func TestPutCutsBatchesByBytes(t *testing.T) {
	ix, err := Open(filepath.Join(t.TempDir(), "index")) // scorch, which counts its batches
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	seed := fixture(t, "seed-apt31")
	body := strings.Repeat(seed.Body+"\n\n", 100<<10/(len(seed.Body)+2)+1) // about 100 KB
	n := 3*BatchBytes/len(body) + 1
	arts := make([]news.Article, n)
	for i := range arts {
		a := seed
		a.ID = "big-" + strconv.Itoa(i)
		a.Seq = uint64(i + 1)
		a.Body = body
		a.Summarize()
		arts[i] = a
	}
	batches := func() uint64 {
		st, _ := ix.idx.StatsMap()["index"].(map[string]any)
		b, _ := st["TotBatches"].(uint64)
		return b
	}
	before := batches()
	if err := ix.Put(context.Background(), arts); err != nil {
		t.Fatal(err)
	}
	if got := batches() - before; got < 4 {
		t.Errorf("%d articles of %d bytes (%d MB) went in %d Bleve batches, want at least 4 (BatchBytes %d)", n, len(body), n*len(body)>>20, got, BatchBytes)
	}
	if got, _ := ix.Count(context.Background()); got != uint64(n) {
		t.Errorf("Count = %d, want %d", got, n)
	}
}

// TestBatches: Batches cuts at BatchSize articles or BatchBytes of title
// and body, whichever comes first, keeps the order, and gives an article
// larger than BatchBytes a batch of its own.
func TestBatches(t *testing.T) {
	arts := func(sizes ...int) []news.Article {
		out := make([]news.Article, len(sizes))
		for i, n := range sizes {
			out[i] = news.Article{ID: "a" + strconv.Itoa(i), Title: "t", Body: strings.Repeat("x", n-1)}
		}
		return out
	}
	repeat := func(n, size int) []int { return slices.Repeat([]int{size}, n) }
	for _, tt := range []struct {
		name  string
		sizes []int
		want  []int // articles per batch
	}{
		{"none", nil, nil},
		{"small ones, cut by count", repeat(2*BatchSize+200, 100), []int{BatchSize, BatchSize, 200}},
		{"large ones, cut by bytes", repeat(5, 400<<10), []int{2, 2, 1}},
		{"exactly full", repeat(4, BatchBytes/4), []int{4}},
		{"one byte over", append(repeat(4, BatchBytes/4), 1), []int{4, 1}},
		{"one larger than a batch", []int{100, 3 * BatchBytes, 100}, []int{1, 1, 1}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := arts(tt.sizes...)
			var got []int
			var ids []string
			for b := range Batches(in) {
				got = append(got, len(b))
				size := 0
				for _, a := range b {
					ids = append(ids, a.ID)
					size += TextBytes(a)
				}
				if len(b) > 1 && size > BatchBytes {
					t.Errorf("a batch of %d articles holds %d bytes, more than BatchBytes", len(b), size)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("batches of %v articles, want %v", got, tt.want)
			}
			var want []string
			for _, a := range in {
				want = append(want, a.ID)
			}
			if !slices.Equal(ids, want) {
				t.Errorf("the batches hold %v, want %v in order", ids, want)
			}
		})
	}
}
