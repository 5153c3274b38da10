package ingest_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newsdesk/newsdesk/actors"
	"github.com/newsdesk/newsdesk/extract"
	"github.com/newsdesk/newsdesk/index"
	"github.com/newsdesk/newsdesk/ingest"
	"github.com/newsdesk/newsdesk/news"
)

// failingExtractor is the real extractor, failing as a whole any call
// given the document titled fail.
type failingExtractor struct {
	ingest.Extractor
	fail string
}

var errExtractor = errors.New("extractor down")

func (f *failingExtractor) Extract(ctx context.Context, docs []news.Document) ([][]news.Statement, error) {
	for _, d := range docs {
		if d.Title == f.fail {
			return nil, errExtractor
		}
	}
	return f.Extractor.Extract(ctx, docs)
}

func smallArticles(n int) []news.Article {
	arts := make([]news.Article, n)
	for i := range arts {
		arts[i] = news.Article{ID: fmt.Sprintf("p%011d", i), Title: fmt.Sprintf("Note %d", i), Body: "The NCSC said APT31 targeted parliament."}
	}
	return arts
}

func newIngesterWith(t *testing.T, ex ingest.Extractor) (*ingest.Ingester, *index.Index) {
	t.Helper()
	in, ix, rs := newIngesterRecordsWith(t, t.TempDir(), ex)
	t.Cleanup(func() { ix.Close(); rs.Close() })
	return in, ix
}

// TestBatchesStoredInOrder: a call of several batches, each extracted
// while the one before it is stored, numbers its articles in the order
// given.
func TestBatchesStoredInOrder(t *testing.T) {
	ctx := context.Background()
	in, ix := newIngesterWith(t, extract.New(actors.Default()))
	arts := smallArticles(3*ingest.BatchSize + 17)
	res, err := in.Ingest(ctx, "many", arts)
	if err != nil || len(res.Added) != len(arts) {
		t.Fatalf("%v %s", err, res)
	}
	for i, a := range arts {
		got, err := ix.Article(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Seq != uint64(i+1) || len(got.Statements) == 0 {
			t.Fatalf("article %d: seq %d with %d statements, want seq %d, extracted", i, got.Seq, len(got.Statements), i+1)
		}
	}
}

// TestBatchFailureStopsTheRest: when a batch cannot be extracted, the
// batches before it stay acknowledged and durable, and none after it is
// stored, though it may already have been extracted.
func TestBatchFailureStopsTheRest(t *testing.T) {
	for _, fail := range []int{1, 2, 3} {
		t.Run(fmt.Sprint("batch ", fail), func(t *testing.T) {
			ctx := context.Background()
			arts := smallArticles(4 * ingest.BatchSize)
			in, ix := newIngesterWith(t, &failingExtractor{Extractor: extract.New(actors.Default()), fail: arts[(fail-1)*ingest.BatchSize+7].Title})
			res, err := in.Ingest(ctx, "many", arts)
			if !errors.Is(err, errExtractor) {
				t.Fatalf("err = %v, want the extractor's", err)
			}
			want := (fail - 1) * ingest.BatchSize
			if len(res.Added) != want {
				t.Fatalf("acknowledged %d articles, want the %d of the batches before the failure", len(res.Added), want)
			}
			for i, a := range arts {
				_, err := ix.Article(ctx, a.ID)
				switch stored := err == nil; {
				case i < want && !stored:
					t.Fatalf("article %d acknowledged but not stored: %v", i, err)
				case i >= want && stored:
					t.Fatalf("article %d stored after the failed batch", i)
				}
			}
		})
	}
}

// TestPathsStreamsJSONL: a JSON Lines file larger than a batch goes in
// several batches, progress after each; a bad line is named by its
// number and the lines around it are kept.
func TestPathsStreamsJSONL(t *testing.T) {
	ctx := context.Background()
	in, _ := newIngesterWith(t, extract.New(actors.Default()))
	n := 2*ingest.BatchSize + 100
	var b strings.Builder
	for i := range n {
		if i == 700 {
			b.WriteString("{not json\n")
		}
		fmt.Fprintf(&b, `{"title":"Note %d","text":"The NCSC said APT31 targeted parliament.","url":"https://example.gov/n/%d"}`+"\n", i, i)
	}
	path := filepath.Join(t.TempDir(), "big.jsonl")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	var seen []ingest.Progress
	res, err := in.PathsProgress(ctx, func(p ingest.Progress) { seen = append(seen, p) }, path)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Added) != n {
		t.Errorf("added %d, want %d", len(res.Added), n)
	}
	if len(res.Errors) != 1 || res.Errors[0].Line != 701 {
		t.Errorf("errors %v, want line 701", res.Errors)
	}
	if len(seen) != 1+3 {
		t.Errorf("%d progress reports, want the start and one per batch (3)", len(seen))
	}
	for i := 1; i < len(seen); i++ {
		if seen[i].Articles <= seen[i-1].Articles || seen[i].Bytes < seen[i-1].Bytes {
			t.Errorf("report %d did not move on: %+v after %+v", i, seen[i], seen[i-1])
		}
	}
	if last := seen[len(seen)-1]; last.Files != 1 || last.Bytes != int64(b.Len()) || last.Articles != n {
		t.Errorf("last report %+v, want the file, its %d bytes and %d articles", last, b.Len(), n)
	}
}

// TestPathsProgressEndsDone: when a file's last batch is cut exactly at
// its last record (nothing is left to store after it), the last progress
// report still counts the file and all of its bytes.
func TestPathsProgressEndsDone(t *testing.T) {
	ctx := context.Background()
	in, _ := newIngesterWith(t, extract.New(actors.Default()))
	var b strings.Builder
	for i := range ingest.BatchSize {
		fmt.Fprintf(&b, `{"title":"Note %d","text":"The NCSC said APT31 targeted parliament.","url":"https://example.gov/n/%d"}`+"\n", i, i)
	}
	path := filepath.Join(t.TempDir(), "exact.jsonl")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	var last ingest.Progress
	res, err := in.PathsProgress(ctx, func(p ingest.Progress) { last = p }, path)
	if err != nil || len(res.Added) != ingest.BatchSize {
		t.Fatalf("%v %s", err, res)
	}
	if last.Files != 1 || last.Bytes != int64(b.Len()) || last.Articles != ingest.BatchSize {
		t.Errorf("last report %+v, want 1 file, %d bytes and %d articles", last, b.Len(), ingest.BatchSize)
	}
}
