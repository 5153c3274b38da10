package ingest_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/actors"
	"github.com/newsdesk/newsdesk/articles"
	"github.com/newsdesk/newsdesk/extract"
	"github.com/newsdesk/newsdesk/index"
	"github.com/newsdesk/newsdesk/ingest"
	"github.com/newsdesk/newsdesk/news"
)

func TestParseTextSeed(t *testing.T) {
	b, err := os.ReadFile("testdata/apt31-accusations-2024-03.txt")
	if err != nil {
		t.Fatal(err)
	}
	a, err := ingest.ParseText("testdata/apt31-accusations-2024-03.txt", b)
	if err != nil {
		t.Fatalf("ParseText: %v", err)
	}
	if !strings.HasPrefix(a.Title, "On March 25, US, UK and New Zealand officials accused China") {
		t.Errorf("title = %q", a.Title)
	}
	if a.Source.Name != "Sky News" {
		t.Errorf("source = %q, want Sky News from the caption", a.Source.Name)
	}
	if want := time.Date(2024, 3, 25, 0, 0, 0, 0, time.UTC); !a.Published.Equal(want) {
		t.Errorf("published = %v, want %v (month from the file name, day from the text)", a.Published, want)
	}
	for _, gone := range []string{"China is being accused by the West", "Comment (0)", "\nSource"} {
		if strings.Contains(a.Body, gone) {
			t.Errorf("body keeps %q", gone)
		}
	}
	if !strings.HasPrefix(a.Body, "The UK's Sky News agency quoted") || !strings.HasSuffix(a.Body, "global critical infrastructure at risk.") {
		t.Errorf("body = %.80q … %q", a.Body, a.Body[len(a.Body)-40:])
	}
	a2, _ := ingest.ParseText("elsewhere/apt31-accusations-2024-03.txt", b)
	if a.ID != a2.ID || len(a.ID) != 12 {
		t.Errorf("id %q is not stable (%q) or not 12 hex digits", a.ID, a2.ID)
	}
}

func TestParseTextFrontMatter(t *testing.T) {
	b, _ := os.ReadFile("testdata/front-matter.md")
	a, err := ingest.ParseText("front-matter.md", b)
	if err != nil {
		t.Fatal(err)
	}
	if a.Title != "Netherlands attributes Cyber attack to Russia's GRU" || a.Source.URL != "https://example.org/nl-gru" || a.Source.Name != "Example Times" {
		t.Errorf("article = %+v", a)
	}
	if strings.Contains(a.Body, "**") || strings.Contains(a.Body, "](") {
		t.Errorf("markdown left in body: %q", a.Body)
	}
	if a.Published.Format("2006-01-02") != "2024-05-02" {
		t.Errorf("published = %v", a.Published)
	}
}

func TestParseTextRefusals(t *testing.T) {
	latin1, _ := os.ReadFile("testdata/latin1.txt")
	tests := []struct {
		name string
		in   []byte
		want error
		msg  string
	}{
		{"non-UTF-8", latin1, ingest.ErrNotUTF8, "iconv"},
		{"oversized", []byte("Title\n" + strings.Repeat("x", ingest.MaxArticleBytes)), ingest.ErrTooLarge, "split it"},
		{"empty", []byte("  \n\n"), ingest.ErrNoTitle, "headline"},
		{"title only", []byte("Just a headline\n"), ingest.ErrNoBody, "body"},
		{"unclosed front matter", []byte("---\ntitle: x\n\nbody"), nil, "never closed"},
		{"bad front matter date", []byte("---\npublished: soon\n---\nTitle\nBody"), nil, "2024-03-25"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ingest.ParseText(tc.name, tc.in)
			if err == nil {
				t.Fatal("accepted")
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("error %v is not %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q does not say %q", err, tc.msg)
			}
		})
	}
}

func TestParseJSONLKeepsGoodLines(t *testing.T) {
	arts, errs := ingest.ParseFile("testdata/mixed.jsonl")
	if len(arts) != 2 {
		t.Fatalf("got %d articles, want the 2 good lines", len(arts))
	}
	var lines []int
	for _, e := range errs {
		if !strings.HasPrefix(e.Error(), "testdata/mixed.jsonl:") {
			t.Errorf("error %q does not name the file", e)
		}
		lines = append(lines, e.Line)
	}
	if len(lines) != 3 || lines[0] != 2 || lines[1] != 3 || lines[2] != 4 {
		t.Errorf("error lines = %v, want [2 3 4]", lines)
	}
	if arts[0].Source.URL != "https://example.org/news/uk-sanctions?utm_source=x" || arts[0].Source.Name != "example.org" {
		t.Errorf("source = %+v", arts[0].Source)
	}
	if arts[1].Source.Name != "Example Wire" || arts[1].Published.UTC().Hour() != 16 {
		t.Errorf("second = %+v %v", arts[1].Source, arts[1].Published)
	}
	// tracking parameters do not change the id
	a2, _ := ingest.ParseJSONL("x", strings.NewReader(`{"title":"t","text":"b","url":"https://www.example.org/news/uk-sanctions/"}`))
	if a2[0].ID != arts[0].ID {
		t.Errorf("canonical URL ids differ: %s vs %s", a2[0].ID, arts[0].ID)
	}
}

func TestParseJSONLOverlongLine(t *testing.T) {
	in := `{"title":"a","text":"b"}` + "\n" + `{"title":"big","text":"` + strings.Repeat("x", ingest.MaxArticleBytes+10) + `"}` + "\n" + `{"title":"c","text":"d"}` + "\n"
	arts, errs := ingest.ParseJSONL("big.jsonl", strings.NewReader(in))
	if len(arts) != 2 || len(errs) != 1 || errs[0].Line != 2 || !errors.Is(errs[0], ingest.ErrTooLarge) {
		t.Fatalf("arts %d, errs %v", len(arts), errs)
	}
}

func TestParseFeed(t *testing.T) {
	arts, errs := ingest.ParseFile("testdata/feed.xml")
	if len(errs) > 0 || len(arts) != 1 {
		t.Fatalf("arts %d errs %v (the empty item must be skipped)", len(arts), errs)
	}
	a := arts[0]
	if a.Source.Name != "Example Security Desk" || a.Source.URL != "https://example.org/feed/1" {
		t.Errorf("source %+v", a.Source)
	}
	if strings.Contains(a.Body, "<") || strings.Contains(a.Body, "alert") || !strings.Contains(a.Body, "highly likely") {
		t.Errorf("body %q", a.Body)
	}
	if strings.Count(a.Body, "\n\n") != 1 {
		t.Errorf("paragraphs not kept: %q", a.Body)
	}
}

func newIngester(t *testing.T, dir string) (*ingest.Ingester, *index.Index) {
	t.Helper()
	in, ix, rs := newIngesterRecords(t, dir)
	t.Cleanup(func() { rs.Close() })
	return in, ix
}

// newBenchIngester is newIngester for benchmarks.
func newBenchIngester(b *testing.B, dir string) (*ingest.Ingester, *index.Index) {
	b.Helper()
	rs, err := articles.Open(filepath.Join(dir, articles.FileName), 0)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { rs.Close() })
	ix, err := index.Open(filepath.Join(dir, "index"), index.WithActors(actors.Default().All())) // tagged, as serve's
	if err != nil {
		b.Fatal(err)
	}
	in, err := ingest.New(context.Background(), rs, ix, extract.New(actors.Default()), nil)
	if err != nil {
		b.Fatal(err)
	}
	return in, ix
}

// newIngesterRecords is newIngester that also returns the article store,
// for the caller to close.
func newIngesterRecords(t *testing.T, dir string) (*ingest.Ingester, *index.Index, *articles.Store) {
	t.Helper()
	return newIngesterRecordsWith(t, dir, extract.New(actors.Default()))
}

// newIngesterRecordsWith is newIngesterRecords with the extractor ex.
func newIngesterRecordsWith(t *testing.T, dir string, ex ingest.Extractor) (*ingest.Ingester, *index.Index, *articles.Store) {
	t.Helper()
	rs, err := articles.Open(filepath.Join(dir, articles.FileName), 0)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := index.Open(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	in, err := ingest.New(context.Background(), rs, ix, ex, nil)
	if err != nil {
		t.Fatal(err)
	}
	return in, ix, rs
}

func TestIngestIdempotentAndDurable(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	in, ix, rs := newIngesterRecords(t, dir)
	res, err := in.Paths(ctx, "testdata")
	if err != nil {
		t.Fatal(err)
	}
	// seed + 2 good jsonl lines + front-matter.md + 1 feed item; latin1.txt and 3 jsonl lines refused
	if len(res.Added) != 5 || len(res.Errors) != 4 {
		t.Fatalf("first ingest: %s; errors %v", res, res.Errors)
	}
	seq, _ := ix.MaxSeq(ctx)
	if seq != 5 {
		t.Errorf("max seq = %d, want 5", seq)
	}
	again, err := in.Paths(ctx, "testdata")
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Added)+len(again.Updated) != 0 || len(again.Unchanged) != 5 {
		t.Errorf("second ingest changed something: %s", again)
	}
	if seq2, _ := ix.MaxSeq(ctx); seq2 != seq {
		t.Errorf("max seq moved from %d to %d on a re-ingest", seq, seq2)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if err := rs.Close(); err != nil {
		t.Fatal(err)
	}
	// acknowledged means durable: a new process sees every added article
	in2, ix2 := newIngester(t, dir)
	defer ix2.Close()
	for _, id := range res.Added {
		if _, err := ix2.Article(ctx, id); err != nil {
			t.Errorf("article %s acknowledged but not found after reopen: %v", id, err)
		}
	}
	// and the sequence continues where it stopped
	r3, err := in2.Ingest(ctx, "new", []news.Article{{ID: "feedfeedfeed", Title: "New", Body: "The FBI said APT31 did it."}})
	if err != nil || len(r3.Added) != 1 {
		t.Fatalf("ingest after reopen: %v %s", err, r3)
	}
	a, _ := ix2.Article(ctx, "feedfeedfeed")
	if a.Seq != 6 {
		t.Errorf("seq after reopen = %d, want 6", a.Seq)
	}
}

func TestIngestNotAcknowledgedWhenStoreFails(t *testing.T) {
	ctx := context.Background()
	in, ix := newIngester(t, t.TempDir())
	ix.Close() // the store now refuses every write
	arts, _ := ingest.ParseFile("testdata/apt31-accusations-2024-03.txt")
	res, err := in.Ingest(ctx, "seed", arts)
	if err == nil {
		t.Fatal("ingest into a closed index succeeded")
	}
	if len(res.Added) != 0 {
		t.Errorf("acknowledged %v although the store failed", res.Added)
	}
}

func TestAPI(t *testing.T) {
	in, ix := newIngester(t, t.TempDir())
	defer ix.Close()
	srv := httptest.NewServer(&ingest.API{In: in, Token: "s3cret"})
	defer srv.Close()
	post := func(token, ctype, body string) (*http.Response, string) {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/v1/articles?name=apt31-2024-03-25.txt", strings.NewReader(body))
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		req.Header.Set("Content-Type", ctype)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var sb strings.Builder
		_, _ = io.Copy(&sb, resp.Body)
		return resp, sb.String()
	}
	mixed, _ := os.ReadFile("testdata/mixed.jsonl")
	tests := []struct {
		name, token, ctype, body string
		status                   int
		contains                 string
	}{
		{"no token", "", "application/x-ndjson", string(mixed), 401, "Bearer"},
		{"wrong token", "guess", "application/x-ndjson", string(mixed), 401, "Bearer"},
		{"jsonl with bad lines", "s3cret", "application/x-ndjson", string(mixed), 200, `"line":2`},
		{"same again is unchanged", "s3cret", "application/x-ndjson", string(mixed), 200, `"added":[]`},
		{"json array", "s3cret", "application/json", `[{"title":"A","text":"The NCSC said so.","date":"2024-01-02"},{"title":"B"}]`, 200, `"line":2`},
		{"text article", "s3cret", "text/plain; charset=utf-8", "Headline\nThe FBI said APT31 did it.", 200, `"added":["`},
		{"all refused", "s3cret", "application/json", `{"title":""}`, 422, "no \\\"title\\\""},
		{"unsupported type", "s3cret", "application/xml", "<a/>", 415, "Content-Type"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := post(tc.token, tc.ctype, tc.body)
			if resp.StatusCode != tc.status || !strings.Contains(body, tc.contains) {
				t.Errorf("status %d body %s; want %d containing %s", resp.StatusCode, body, tc.status, tc.contains)
			}
		})
	}
}

func TestSourceNameForOfficialHosts(t *testing.T) {
	for url, want := range map[string]string{
		"https://bidenwhitehouse.archives.gov/briefing-room/statements-releases/2021/07/19/x/": "The White House",
		"https://www.ncsc.gov.uk/news/x":               "NCSC",
		"https://www.gov.uk/government/news/x":         "UK Government",
		"https://news.example.org/story":               "news.example.org",
		"https://www.justice.gov/opa/pr/seven-hackers": "US Department of Justice",
	} {
		arts, errs := ingest.ParseJSONL("x", strings.NewReader(`{"title":"t","text":"b","url":"`+url+`"}`))
		if len(errs) > 0 || arts[0].Source.Name != want {
			t.Errorf("%s: source name %q, want %q (%v)", url, arts[0].Source.Name, want, errs)
		}
	}
}

// An updated article re-enters digests only with what it newly says:
// statements it already had keep the seq they were first ingested at.
func TestUpdateKeepsStatementSeqs(t *testing.T) {
	ctx := context.Background()
	in, ix := newIngester(t, t.TempDir())
	defer ix.Close()
	v1 := news.Article{ID: "a1a1a1a1a1a1", Title: "UK accuses China", Body: "The NCSC said APT31 hacked the Electoral Commission."}
	if _, err := in.Ingest(ctx, "v1", []news.Article{v1}); err != nil {
		t.Fatal(err)
	}
	other := news.Article{ID: "b2b2b2b2b2b2", Title: "Other", Body: "The FBI said APT40 hacked a university."}
	if _, err := in.Ingest(ctx, "other", []news.Article{other}); err != nil {
		t.Fatal(err)
	}
	v2 := v1
	v2.Body += "\n\nThe Chinese Embassy in the UK said the allegations were \"completely baseless and malicious slander\"."
	res, err := in.Ingest(ctx, "v2", []news.Article{v2})
	if err != nil || len(res.Updated) != 1 {
		t.Fatalf("update: %v %s", err, res)
	}
	got, _ := ix.Search(ctx, news.Query{AfterSeq: 2, SortBy: "seq", Size: 50})
	if len(got.Hits) == 0 {
		t.Fatal("the update's new statement is not after seq 2")
	}
	for _, h := range got.Hits {
		if strings.Contains(h.Statement.Sentence, "Electoral Commission") {
			t.Errorf("an unchanged statement came back in the window after seq 2: %q (seq %d)", h.Statement.Sentence, h.Seq)
		}
	}
	all, _ := ix.Search(ctx, news.Query{SortBy: "seq", Size: 50})
	for _, h := range all.Hits {
		if strings.Contains(h.Statement.Sentence, "Electoral Commission") && h.Seq != 1 {
			t.Errorf("the old statement moved to seq %d, want 1", h.Seq)
		}
	}
}

func TestDuplicateIDInOneCallLastWins(t *testing.T) {
	in, ix := newIngester(t, t.TempDir())
	defer ix.Close()
	a := news.Article{ID: "c3c3c3c3c3c3", Title: "First", Body: "The NCSC said so."}
	b := a
	b.Title = "Second"
	res, err := in.Ingest(context.Background(), "dup", []news.Article{a, b})
	if err != nil || len(res.Added) != 1 {
		t.Fatalf("%v %s", err, res)
	}
	if got, _ := ix.Article(context.Background(), a.ID); got.Title != "Second" {
		t.Errorf("stored %q, want the last copy", got.Title)
	}
}

// TestExtractorVersionAndReextract: ingest stores the extractor's version
// with each article; Reextract (reindex) re-extracts only what an older
// version produced, and keeps each statement's seq, so a rebuild never
// brings an old statement back into a digest.
func TestExtractorVersionAndReextract(t *testing.T) {
	ctx := context.Background()
	in, ix := newIngester(t, t.TempDir())
	defer ix.Close()
	ex := extract.New(actors.Default())
	arts := []news.Article{
		{ID: "c3c3c3c3c3c3", Title: "UK accuses China", Body: "The NCSC said APT31 hacked the Electoral Commission."},
		{ID: "d4d4d4d4d4d4", Title: "Later", Body: "The FBI said APT40 hacked a university."},
	}
	if _, err := in.Ingest(ctx, "t", arts); err != nil {
		t.Fatal(err)
	}
	stored, err := ix.Article(ctx, "c3c3c3c3c3c3")
	if err != nil {
		t.Fatal(err)
	}
	if stored.Extractor != ex.Version() {
		t.Fatalf("stored extractor version %q, want %q", stored.Extractor, ex.Version())
	}
	if len(stored.Statements) == 0 {
		t.Fatal("the article has no statement to carry")
	}
	same, err := ingest.Reextract(ctx, ex, stored)
	if err != nil || same.Extractor != stored.Extractor || len(same.Statements) != len(stored.Statements) {
		t.Fatalf("Reextract of a current article changed it: %v %+v", err, same)
	}
	// as if an older extractor had produced it, with a statement it no longer finds
	old := stored
	old.Extractor = "features-0+model-old"
	old.Statements = append([]news.Statement{{Kind: news.Other, Sentence: "gone", Seq: 1}}, stored.Statements...)
	old.Statements[1].Seq = 1
	old.Seq = 1
	b, err := ingest.Reextract(ctx, ex, old)
	if err != nil {
		t.Fatal(err)
	}
	if b.Extractor != ex.Version() {
		t.Errorf("re-extracted version %q, want %q", b.Extractor, ex.Version())
	}
	for _, s := range b.Statements {
		if s.Sentence == "gone" {
			t.Error("a statement the current extractor does not find survived")
		}
		if s.Seq != 1 {
			t.Errorf("statement %q has seq %d after re-extraction, want the article's first seq 1", s.Sentence, s.Seq)
		}
	}
}

// TestExtractionRefusalIsNamed: an article the extractor refuses is an
// error naming it; the rest of the batch goes in.
func TestExtractionRefusalIsNamed(t *testing.T) {
	ctx := context.Background()
	in, ix := newIngester(t, t.TempDir())
	defer ix.Close()
	res, err := in.Ingest(ctx, "batch", []news.Article{
		{ID: "e5e5e5e5e5e5", Title: "Huge", Body: strings.Repeat("a", extract.MaxBody+1)},
		{ID: "f6f6f6f6f6f6", Title: "Fine", Body: "The FBI said APT40 hacked a university."},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Added) != 1 || res.Added[0] != "f6f6f6f6f6f6" || len(res.Errors) != 1 || !errors.Is(res.Errors[0], extract.ErrTooLarge) || !strings.Contains(res.Errors[0].Error(), "Huge") {
		t.Errorf("got %s, errors %v; want the fine article added and the huge one refused by name", res, res.Errors)
	}
}

// TestRecordsAreTheSystemOfRecord: an index that predates the article
// store is copied into it at start; an index that fell behind the records
// (an index write lost after the records were stored) is caught up; and the
// sequence continues from the records.
func TestRecordsAreTheSystemOfRecord(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ix, err := index.Open(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	// an old data directory: articles in the index only
	old := []news.Article{{ID: "aaaaaaaaaaa1", Title: "Old", Body: "The FBI said APT40 hacked a university.", Seq: 1}, {ID: "aaaaaaaaaaa2", Title: "Older", Body: "x", Seq: 2}}
	if err := ix.Put(ctx, old); err != nil {
		t.Fatal(err)
	}
	rs, err := articles.Open(filepath.Join(dir, articles.FileName), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	in, err := ingest.New(ctx, rs, ix, extract.New(actors.Default()), nil)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := rs.Len(ctx); n != 2 {
		t.Fatalf("article store holds %d articles after the migration, want 2", n)
	}
	// a record the index lost: stored, then the index restarts behind it
	if err := rs.Put(ctx, []news.Article{{ID: "aaaaaaaaaaa3", Title: "Lost", Body: "The NCSC said the GRU hacked the ministry.", Seq: 3}}); err != nil {
		t.Fatal(err)
	}
	in, err = ingest.New(ctx, rs, ix, extract.New(actors.Default()), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ix.Article(ctx, "aaaaaaaaaaa3"); err != nil {
		t.Errorf("the index was not caught up with the record it lacked: %v", err)
	}
	res, err := in.Ingest(ctx, "new", []news.Article{{ID: "aaaaaaaaaaa4", Title: "New", Body: "The FBI said APT31 did it."}})
	if err != nil || len(res.Added) != 1 {
		t.Fatalf("ingest: %v %s", err, res)
	}
	for _, get := range []func(context.Context, string) (news.Article, error){rs.Article, ix.Article} {
		if a, err := get(ctx, "aaaaaaaaaaa4"); err != nil || a.Seq != 4 {
			t.Errorf("new article: seq %d, %v; want 4 in both the records and the index", a.Seq, err)
		}
	}
}

// TestUpdateLostByTheIndexIsCaughtUp: an update that keeps its seq (no new
// statement, so digests must not see it again) is stored, then the index
// write fails; the next ingester must index the stored version, not keep
// the stale one because the index's highest seq already matches.
func TestUpdateLostByTheIndexIsCaughtUp(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	rs, err := articles.Open(filepath.Join(dir, articles.FileName), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	ix, err := index.Open(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	ex := extract.New(actors.Default())
	in, err := ingest.New(ctx, rs, ix, ex, nil)
	if err != nil {
		t.Fatal(err)
	}
	body := "The FBI said APT31 hacked a university."
	if res, err := in.Ingest(ctx, "first", []news.Article{{ID: "bbbbbbbbbbb1", Title: "First headline", Body: body}}); err != nil || len(res.Added) != 1 {
		t.Fatalf("first ingest: %v %s", err, res)
	}
	// the index goes away under the ingester: the records take the
	// corrected headline, the index write fails
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	res, err := in.Ingest(ctx, "correction", []news.Article{{ID: "bbbbbbbbbbb1", Title: "Corrected headline", Body: body}})
	if err == nil {
		t.Fatalf("ingest into a closed index succeeded: %s", res)
	}
	if a, err := rs.Article(ctx, "bbbbbbbbbbb1"); err != nil || a.Title != "Corrected headline" || a.Seq != 1 {
		t.Fatalf("records hold %q seq %d (%v); want the correction at seq 1", a.Title, a.Seq, err)
	}
	// a new process: the index is reopened and caught up
	ix2, err := index.Open(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix2.Close()
	if _, err := ingest.New(ctx, rs, ix2, ex, nil); err != nil {
		t.Fatal(err)
	}
	a, err := ix2.Article(ctx, "bbbbbbbbbbb1")
	if err != nil {
		t.Fatal(err)
	}
	if a.Title != "Corrected headline" {
		t.Errorf("the index kept %q after catch-up; want the stored correction", a.Title)
	}
	if a.Seq != 1 {
		t.Errorf("seq = %d after catch-up, want 1 (an update without new statements keeps its seq)", a.Seq)
	}
}

// TestReindexConfirmsEveryRecord: the index Reindex builds holds every
// record, re-extracted where an older extractor made it, so nothing is
// left for the next start to catch up.
func TestReindexConfirmsEveryRecord(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	rs, err := articles.Open(filepath.Join(dir, articles.FileName), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	stored := []news.Article{
		{ID: "ccccccccccc1", Title: "One", Body: "The FBI said APT31 hacked a university.", Seq: 1, Extractor: "old"},
		{ID: "ccccccccccc2", Title: "Two", Body: "Nothing here.", Seq: 2, Extractor: "old"},
	}
	if err := rs.Put(ctx, stored); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "index")
	ex := extract.New(actors.Default())
	if _, redone, err := ingest.Reindex(ctx, rs, path, ex, nil); err != nil || redone != 2 {
		t.Fatalf("reindex: %d re-extracted, %v; want 2", redone, err)
	}
	if ids, err := rs.Unindexed(ctx); err != nil || len(ids) != 0 {
		t.Errorf("unindexed after reindex = %v, %v; want none", ids, err)
	}
	ix, err := index.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	a, err := ix.Article(ctx, "ccccccccccc1")
	if err != nil || a.Extractor != ex.Version() || len(a.Statements) == 0 {
		t.Errorf("reindexed article: extractor %q, %d statements, %v; want %q and the FBI statement", a.Extractor, len(a.Statements), err, ex.Version())
	}
}

// TestPathsProgress: progress only moves forward and ends with every file
// and byte the walk found and every article acknowledged.
func TestPathsProgress(t *testing.T) {
	ctx := context.Background()
	in, _, _ := newIngesterRecords(t, t.TempDir())
	var seen []ingest.Progress
	res, err := in.PathsProgress(ctx, func(p ingest.Progress) { seen = append(seen, p) }, "testdata")
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) < 3 {
		t.Fatalf("%d reports, want one at the start and one per batch or empty file", len(seen))
	}
	first, last := seen[0], seen[len(seen)-1]
	if first.Files != 0 || first.Bytes != 0 || first.FilesTotal == 0 || first.BytesTotal == 0 {
		t.Errorf("first report %+v, want totals and nothing done", first)
	}
	for i := 1; i < len(seen); i++ {
		a, b := seen[i-1], seen[i]
		if b.Files < a.Files || b.Bytes < a.Bytes || b.Articles < a.Articles || b.FilesTotal != a.FilesTotal || b.BytesTotal != a.BytesTotal {
			t.Errorf("report %d went backwards or changed its totals: %+v after %+v", i, b, a)
		}
	}
	if last.Files != last.FilesTotal || last.Bytes != last.BytesTotal {
		t.Errorf("last report %+v, want every file and byte done", last)
	}
	if want := len(res.Added) + len(res.Updated) + len(res.Unchanged); last.Articles != want || want == 0 {
		t.Errorf("last report counts %d articles, the result %d", last.Articles, want)
	}
}

// TestReindexAll rebuilds from the records when they hold articles, and
// from the index itself, re-extracting, when they hold none (a data
// directory older than the article store).
func TestReindexAll(t *testing.T) {
	ctx := context.Background()
	ex := extract.New(actors.Default())
	old := []news.Article{
		{ID: "ddddddddddd1", Title: "One", Body: "The FBI said APT31 hacked a university.", Seq: 1, Extractor: "old"},
		{ID: "ddddddddddd2", Title: "Two", Body: "Nothing here.", Seq: 2, Extractor: "old"},
	}
	for _, c := range []struct {
		name      string
		inRecords bool
	}{{"from the records", true}, {"from the index itself", false}} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			rs, err := articles.Open(filepath.Join(dir, articles.FileName), 0)
			if err != nil {
				t.Fatal(err)
			}
			defer rs.Close()
			path := filepath.Join(dir, "index")
			if c.inRecords {
				err = rs.Put(ctx, old)
			} else {
				var ix *index.Index
				if ix, err = index.Open(path); err == nil {
					err = ix.Put(ctx, old)
					ix.Close()
				}
			}
			if err != nil {
				t.Fatal(err)
			}
			var reported int
			r, err := ingest.ReindexAll(ctx, rs, path, ex, nil, func(done int) { reported = done })
			if err != nil {
				t.Fatal(err)
			}
			if r.FromIndex == c.inRecords || r.Articles != 2 {
				t.Errorf("ReindexAll = %+v: want 2 articles, FromIndex %v", r, !c.inRecords)
			}
			if c.inRecords && (r.Redone != 2 || reported != 2) {
				t.Errorf("re-extracted %d, progress %d: want 2 and 2", r.Redone, reported)
			}
			ix, err := index.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer ix.Close()
			a, err := ix.Article(ctx, "ddddddddddd1")
			if err != nil || a.Extractor != ex.Version() || len(a.Statements) == 0 {
				t.Errorf("reindexed article: extractor %q, %d statements, %v; want %q and the FBI statement", a.Extractor, len(a.Statements), err, ex.Version())
			}
		})
	}
}
