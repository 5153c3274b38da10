package bot_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/index"
	"github.com/newsdesk/newsdesk/news"
)

// BenchmarkSearchPage compares the two ways of reading page n of a search's
// claims over 3,000 matching statements (quotations of 8 words from 2,900;
// one claim in four carried by a second outlet): "per-page" reads only the page's hits (From (n-1)·5, 15
// hits) and merges them, which lists a claim straddling a page boundary on
// both pages; "from-start" reads n·15 hits from the first and merges them
// all, as search does. Run with -bench SearchPage.
func BenchmarkSearchPage(b *testing.B) {
	ctx := context.Background()
	ix, err := index.OpenMem()
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ix.Close() })
	rng := rand.New(rand.NewPCG(1, 2))
	// press copy's vocabulary is wide: each quotation draws from a few
	// thousand words
	base := strings.Fields("hack network allegation fabricate intelligence agency report insult people accusation ignore attack smear campaign evidence story invent politics gain interest narrative rumour government investigation norm hypocrisy capital ministry")
	var words []string
	for i := range 100 {
		for _, w := range base {
			words = append(words, fmt.Sprintf("%s%c%c", w, 'a'+i%26, 'a'+i/26))
		}
	}
	day := time.Date(2026, 11, 3, 12, 0, 0, 0, time.UTC)
	var arts []news.Article
	var prev string
	for i := range 3000 {
		q := "quokka"
		for range 7 {
			q += " " + words[rng.IntN(len(words))]
		}
		if i%4 == 1 {
			q = prev // a second outlet's copy of the claim before it
		}
		prev = q
		id := fmt.Sprintf("bq%010d", i)
		arts = append(arts, news.Article{ID: id, Title: id, Published: day.Add(-time.Duration(i) * time.Minute), Source: news.Source{Name: "Outlet", URL: "https://example.org/" + id}, Body: q,
			Statements: []news.Statement{{Kind: news.Response, Speaker: "Lin Jian", SpeakerCountry: []string{"CN"}, Accused: []string{"Quokka Panda"}, Sentence: `Lin Jian said: "The ` + q + `."`}}})
	}
	if err := ix.Put(ctx, arts); err != nil {
		b.Fatal(err)
	}
	q := news.Query{Type: news.TypeStatement, Text: "quokka", SortBy: "date", TotalUpTo: bot.MaxCount}
	for _, page := range []int{1, 10, bot.MaxPage} {
		shapes := []struct {
			name       string
			from, size int
		}{
			{"per-page", (page - 1) * bot.PageSize, 3 * bot.PageSize},
			{"from-start", 0, page * bot.PageSize * 3},
		}
		for _, sh := range shapes {
			b.Run(fmt.Sprintf("page=%d/%s", page, sh.name), func(b *testing.B) {
				q := q
				q.From, q.Size = sh.from, sh.size
				for b.Loop() {
					res, err := ix.Search(ctx, q)
					if err != nil {
						b.Fatal(err)
					}
					if len(bot.MergeClaims(res.Hits)) == 0 {
						b.Fatal("no claims")
					}
				}
			})
		}
	}
}
