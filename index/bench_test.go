package index

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/newsdesk/newsdesk/internal/procstat"
	"github.com/newsdesk/newsdesk/news"
)

// The benchmarks run over the White House corpus in /work/shared (or the
// file named by NEWSDESK_BENCH_CORPUS). Each record's text is split into
// paragraphs, grouped into news-sized articles of about benchArticleBytes,
// and given a few statements made from sentences with cue words, so that
// statement documents exist. NEWSDESK_BENCH_COPIES repeats the corpus
// (with new ids and shifted dates) to measure a larger index.
//
//	go test -run '^$' -bench . -benchtime=200x ./index/
//	NEWSDESK_BENCH_COPIES=20 go test -run '^$' -bench . -benchtime=200x ./index/
const (
	defaultBenchCorpus = "/work/shared/corpus/whitehouse-cyber-statements.jsonl"
	benchArticleBytes  = 5000
	benchStatements    = 4
)

type whRecord struct {
	ID            string `json:"id"`
	Title         string `json:"title"`
	PublishedTime string `json:"published_time"`
	Text          string `json:"text"`
	SourceName    string `json:"source_name"`
	SourceURL     string `json:"source_url"`
}

var (
	benchSentence = regexp.MustCompile(`[^.!?]+[.!?]`)
	benchCues     = []struct {
		kind news.Kind
		re   *regexp.Regexp
	}{
		{news.Indictment, regexp.MustCompile(`(?i)\b(indict|charged|charges)`)},
		{news.Sanction, regexp.MustCompile(`(?i)\bsanction`)},
		{news.Response, regexp.MustCompile(`(?i)\b(denied|denies|rejects?|baseless)\b`)},
		{news.Allegation, regexp.MustCompile(`(?i)\b(attribut|responsible for|accus|malicious cyber)`)},
	}
	benchActors = []struct {
		re      *regexp.Regexp
		accused string
		country string
	}{
		{regexp.MustCompile(`\b(SVR|APT29|SolarWinds)\b`), "APT29", "RU"},
		{regexp.MustCompile(`\b(Russia|Russian|Kremlin)\b`), "RU", "RU"},
		{regexp.MustCompile(`\b(MSS|Ministry of State Security|APT40|APT31)\b`), "APT40", "CN"},
		{regexp.MustCompile(`\b(China|PRC|Chinese|Beijing)\b`), "CN", "CN"},
		{regexp.MustCompile(`\b(Iran|Iranian)\b`), "IR", "IR"},
		{regexp.MustCompile(`\b(North Korea|DPRK|Lazarus)\b`), "KP", "KP"},
		{regexp.MustCompile(`\b(DarkSide|REvil|Kaseya|ransomware)\b`), "Ransomware actors", ""},
	}
)

// benchCorpus builds the articles, or skips the benchmark when the corpus
// file is absent.
func benchCorpus(b *testing.B) []news.Article {
	b.Helper()
	path := os.Getenv("NEWSDESK_BENCH_CORPUS")
	if path == "" {
		path = defaultBenchCorpus
	}
	f, err := os.Open(path)
	if err != nil {
		b.Skipf("benchmark corpus: %v", err)
	}
	defer f.Close()
	var recs []whRecord
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for line := 1; sc.Scan(); line++ {
		var r whRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			b.Fatalf("%s:%d: %v", path, line, err)
		}
		recs = append(recs, r)
	}
	if err := sc.Err(); err != nil {
		b.Fatalf("%s: %v", path, err)
	}
	copies := 1
	if s := os.Getenv("NEWSDESK_BENCH_COPIES"); s != "" {
		if copies, err = strconv.Atoi(s); err != nil || copies < 1 {
			b.Fatalf("NEWSDESK_BENCH_COPIES=%q: want a positive integer", s)
		}
	}
	var arts []news.Article
	seq := uint64(0)
	for c := range copies {
		for ri, r := range recs {
			pub, err := time.Parse("2006-01-02 15:04:05-07:00", r.PublishedTime)
			if err != nil {
				b.Fatalf("record %s: published_time %q: %v", r.ID, r.PublishedTime, err)
			}
			pub = pub.AddDate(0, 0, -7*c)
			for pi, body := range benchChunks(r.Text) {
				seq++
				a := news.Article{
					ID:        fmt.Sprintf("wh-%d-%d-%d", c, ri, pi),
					Title:     fmt.Sprintf("%s (part %d)", r.Title, pi+1),
					Body:      body,
					Published: pub,
					Source:    news.Source{Name: r.SourceName, URL: fmt.Sprintf("%s#c%d-p%d", r.SourceURL, c, pi)},
					Language:  "en",
					Seq:       seq,
				}
				a.Statements = benchStatementsOf(body)
				a.Summarize()
				arts = append(arts, a)
			}
		}
	}
	return arts
}

// benchChunks splits text into paragraphs and groups them into articles.
func benchChunks(text string) []string {
	var out []string
	var cur strings.Builder
	for _, p := range strings.Split(text, "\n\n") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if cur.Len() > 0 && cur.Len()+len(p) > benchArticleBytes {
			out = append(out, cur.String())
			cur.Reset()
		}
		if cur.Len() > 0 {
			cur.WriteString("\n\n")
		}
		cur.WriteString(p)
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

func benchStatementsOf(body string) []news.Statement {
	var out []news.Statement
	for _, loc := range benchSentence.FindAllStringIndex(body, -1) {
		s := strings.TrimSpace(body[loc[0]:loc[1]])
		if len(s) < 40 {
			continue
		}
		for _, cue := range benchCues {
			if !cue.re.MatchString(s) {
				continue
			}
			st := news.Statement{Kind: cue.kind, Speaker: "The White House", SpeakerCountry: []string{"US"},
				Sentence: s, Offset: loc[0] + strings.Index(body[loc[0]:loc[1]], s)}
			if cue.kind == news.Response {
				st.Speaker = "Embassy spokesperson"
			}
			for _, a := range benchActors {
				if a.re.MatchString(s) {
					st.Accused = append(st.Accused, a.accused)
					if cue.kind == news.Response && a.country != "" {
						st.SpeakerCountry = []string{a.country}
					}
				}
			}
			slices.Sort(st.Accused)
			st.Accused = slices.Compact(st.Accused)
			out = append(out, st)
			break
		}
		if len(out) == benchStatements {
			break
		}
	}
	return out
}

func docCount(arts []news.Article) int {
	n := len(arts)
	for _, a := range arts {
		n += len(a.Statements)
	}
	return n
}

// BenchmarkPut measures indexing into a fresh on-disk index: every
// iteration puts the whole corpus (batches of BatchSize articles, durable).
func BenchmarkPut(b *testing.B) {
	arts := benchCorpus(b)
	docs := docCount(arts)
	ctx := context.Background()
	b.ResetTimer()
	var elapsed time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		ix, err := Open(filepath.Join(b.TempDir(), fmt.Sprintf("put-%d", i)))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		if err := ix.Put(ctx, arts); err != nil {
			b.Fatal(err)
		}
		elapsed += time.Since(start)
		b.StopTimer()
		if err := ix.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(docs*b.N)/elapsed.Seconds(), "docs/s")
	b.ReportMetric(float64(len(arts)*b.N)/elapsed.Seconds(), "articles/s")
	b.ReportMetric(float64(docs), "docs/corpus")
}

// benchIndex is built once per process and shared by the search
// benchmarks.
var benchIx struct {
	ix               *Index
	docs, statements int
}

// searchIndex opens the index the search benchmarks share. It is built
// from benchCorpus in a temporary directory removed at exit, or, when
// NEWSDESK_BENCH_INDEX names a directory, kept there and reused by later
// runs with the same corpus and copies (a large index takes minutes to
// build):
//
//	NEWSDESK_BENCH_INDEX=/tmp/nd-bench-400 NEWSDESK_BENCH_COPIES=400 go test -run '^$' -bench Search ./index/
func searchIndex(b *testing.B) *Index {
	b.Helper()
	if benchIx.ix != nil {
		return benchIx.ix
	}
	keep := os.Getenv("NEWSDESK_BENCH_INDEX")
	dir := keep
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "newsdesk-bench-"); err != nil {
			b.Fatal(err)
		}
	}
	path := filepath.Join(dir, "index")
	stamp := filepath.Join(dir, "corpus")
	want := fmt.Sprintf("corpus=%s copies=%s mapping=%s\n", os.Getenv("NEWSDESK_BENCH_CORPUS"), os.Getenv("NEWSDESK_BENCH_COPIES"), mappingVersion)
	var docs, statements int
	if got, err := os.ReadFile(stamp); keep != "" && err == nil && strings.HasPrefix(string(got), want) {
		if _, err := fmt.Sscanf(strings.TrimPrefix(string(got), want), "docs=%d statements=%d", &docs, &statements); err != nil {
			b.Fatalf("%s: %v", stamp, err)
		}
	} else {
		if err := os.RemoveAll(path); err != nil {
			b.Fatal(err)
		}
		arts := benchCorpus(b)
		docs = docCount(arts)
		statements = docs - len(arts)
		ix, err := Open(path)
		if err != nil {
			b.Fatal(err)
		}
		if err := ix.Put(context.Background(), arts); err != nil {
			b.Fatal(err)
		}
		// Close and reopen, as the bot opens an existing index; this also
		// lets the writes settle so that searches are measured, not merges.
		if err := ix.Close(); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(stamp, []byte(fmt.Sprintf("%sdocs=%d statements=%d\n", want, docs, statements)), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	ix, err := Open(path)
	if err != nil {
		b.Fatal(err)
	}
	benchIx.ix, benchIx.docs, benchIx.statements = ix, docs, statements
	// The index lives for the rest of the process; close it (and remove a
	// temporary one) at exit via TestMain's cleanup list.
	benchCleanup = append(benchCleanup, func() {
		_ = ix.Close()
		if keep == "" {
			_ = os.RemoveAll(dir)
		}
	})
	return ix
}

var benchCleanup []func()

func TestMain(m *testing.M) {
	code := m.Run()
	for _, f := range benchCleanup {
		f()
	}
	os.Exit(code)
}

// runLatency runs the queries round-robin, one per iteration, and reports
// the median and 99th percentile latency in milliseconds and the mean CPU
// time per query (cpu-ms/op, steadier on a busy machine): as Search runs
// them (new) and as the one request Search made before its cost followed
// the page (old), on the same index in the same run.
func runLatency(b *testing.B, queries []news.Query) {
	ix := searchIndex(b)
	for _, mode := range []struct {
		name   string
		legacy bool
	}{{"old", true}, {"new", false}} {
		b.Run(mode.name, func(b *testing.B) {
			ix.legacy = mode.legacy
			defer func() { ix.legacy = false }()
			latency(b, ix, queries)
		})
	}
}

func latency(b *testing.B, ix *Index, queries []news.Query) {
	ctx := context.Background()
	lat := make([]time.Duration, 0, b.N)
	hits := 0
	for _, q := range queries { // warm up
		if _, err := ix.Search(ctx, q); err != nil {
			b.Fatalf("%+v: %v", q, err)
		}
	}
	cpu0 := procstat.CPU()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		q := queries[i%len(queries)]
		start := time.Now()
		res, err := ix.Search(ctx, q)
		lat = append(lat, time.Since(start))
		if err != nil {
			b.Fatalf("%+v: %v", q, err)
		}
		hits += len(res.Hits)
	}
	b.StopTimer()
	cpu := procstat.CPU() - cpu0
	if hits == 0 {
		b.Fatalf("the queries found nothing: the benchmark measures nothing")
	}
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(lat[len(lat)/2]), "median-ms")
	b.ReportMetric(ms(lat[min(len(lat)-1, len(lat)*99/100)]), "p99-ms")
	b.ReportMetric(ms(cpu)/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(benchIx.docs), "docs")
	b.ReportMetric(float64(benchIx.statements), "statements")
}

func BenchmarkSearchMatch(b *testing.B) {
	runLatency(b, []news.Query{
		{Text: "ransomware"},
		{Text: "Russia sanctions"},
		{Text: "critical infrastructure"},
		{Text: "SolarWinds"},
		{Text: "Ministry of State Security"},
		{Text: "malicious cyber activity"},
		{Text: "Colonial Pipeline"},
		{Text: "China hackers"},
	})
}

func BenchmarkSearchMatchArticles(b *testing.B) {
	runLatency(b, []news.Query{
		{Type: news.TypeArticle, Text: "ransomware"},
		{Type: news.TypeArticle, Text: "Russia sanctions"},
		{Type: news.TypeArticle, Text: "critical infrastructure"},
		{Type: news.TypeArticle, Text: "SolarWinds"},
	})
}

func BenchmarkSearchFiltered(b *testing.B) {
	since := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	until := time.Date(2022, 12, 31, 0, 0, 0, 0, time.UTC)
	runLatency(b, []news.Query{
		{Kinds: []news.Kind{news.Allegation}, By: []string{"US"}, Since: since, Until: until},
		{Text: "cyber", Kinds: []news.Kind{news.Sanction}, By: []string{"US"}, Since: since, Until: until},
		{Kinds: []news.Kind{news.Allegation, news.Sanction}, By: []string{"US"}, Since: since, Until: until, Actors: []string{"RU"}},
		{Text: "ransomware", Kinds: []news.Kind{news.Allegation}, By: []string{"US"}, Since: since, Until: until},
	})
}

func BenchmarkSearchPhrase(b *testing.B) {
	runLatency(b, []news.Query{
		{Text: `"critical infrastructure"`},
		{Text: `"malicious cyber activity"`},
		{Text: `"Ministry of State Security"`},
		{Text: `"Colonial Pipeline"`},
		{Type: news.TypeArticle, Text: `"ransomware attacks"`},
	})
}

func BenchmarkSearchMentions(b *testing.B) {
	runLatency(b, []news.Query{
		{Mentions: [][]string{{"APT29", "Cozy Bear", "The Dukes", "NOBELIUM", "Midnight Blizzard", "SVR"}}},
		{Mentions: [][]string{{"APT40", "Ministry of State Security", "Gingham Typhoon", "BRONZE MOHAWK"}}, Text: "hackers"},
	})
}

func BenchmarkSearchFuzzy(b *testing.B) {
	runLatency(b, []news.Query{
		{Text: "ransomwear", Fuzzy: true},
		{Text: "sanctons russia", Fuzzy: true},
	})
}

// BenchmarkSearchLatest runs date-sorted queries as the bot's latest
// (which shows no count) and search … sort:date (which counts up to
// 10,000) ask them: newest first, with and without filters, and a page
// beyond the first.
func BenchmarkSearchLatest(b *testing.B) {
	runLatency(b, []news.Query{
		{SortBy: "date", Size: 5, TotalUpTo: 1},
		{SortBy: "date", Size: 20, Kinds: []news.Kind{news.Allegation}, TotalUpTo: 1},
		{SortBy: "date", Size: 5, By: []string{"US"}, Actors: []string{"RU"}, TotalUpTo: 1},
		{SortBy: "date", Size: 5, Kinds: []news.Kind{news.Response}, TotalUpTo: 1},
		{SortBy: "date", Size: 5, From: 10, Text: "cyber", TotalUpTo: 10_000},
		{SortBy: "date", Size: 5, Text: "ransomware", TotalUpTo: 10_000},
	})
}

// BenchmarkSearchLatestExact is BenchmarkSearchLatest with an exact
// Total, as the actor timeline and digests ask.
func BenchmarkSearchLatestExact(b *testing.B) {
	runLatency(b, []news.Query{
		{SortBy: "date", Size: 5},
		{SortBy: "date", Size: 20, Kinds: []news.Kind{news.Allegation}},
		{SortBy: "date", Size: 5, By: []string{"US"}, Actors: []string{"RU"}},
		{SortBy: "date", Size: 5, Kinds: []news.Kind{news.Response}},
		{SortBy: "date", Size: 5, From: 10, Text: "cyber"},
		{SortBy: "date", Size: 5, Text: "ransomware"},
	})
}

// BenchmarkFuzzyBudget sets fuzzy searches as Search runs them (fuzzyMatch:
// each word's expansion counted as the dictionary is walked) beside the
// same requests with Bleve's own fuzzy match queries (no typed count): the
// ratio is what counting costs. cpu-ms/op is steadier than ns/op on a
// shared machine.
func BenchmarkFuzzyBudget(b *testing.B) {
	ix := searchIndex(b)
	ctx := context.Background()
	var budgeted, plain []*bleve.SearchRequest
	for _, q := range []news.Query{{Text: "ransomwear", Fuzzy: true}, {Text: "sanctons russia", Fuzzy: true},
		{Text: "hackers", FuzzyTerms: []news.FuzzyTerm{{Word: "infrastructure", Distance: 2}}}} {
		p, err := compile(q, nil, current)
		if err != nil {
			b.Fatal(err)
		}
		budgeted = append(budgeted, p.request(p.query()))
		plain = append(plain, p.request(bleveFuzzy(p.query())))
	}
	for _, mode := range []struct {
		name string
		reqs []*bleve.SearchRequest
	}{{"bleve", plain}, {"budgeted", budgeted}} {
		b.Run(mode.name, func(b *testing.B) {
			cpu0 := procstat.CPU()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := ix.run(ctx, mode.reqs[i%len(mode.reqs)]); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(procstat.CPU()-cpu0)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
		})
	}
}
