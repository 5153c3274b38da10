package bot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/internal/testenv"
	"github.com/newsdesk/newsdesk/news"
)

// pagingQuotes are distinct claims of one ministry, each a quotation that
// shares no wording with the others but the word quokka.
var pagingQuotes = []string{
	"quokka hackers never touched Ministry networks whatsoever",
	"quokka allegations fabricated by Washington intelligence agencies",
	"quokka report insults Chinese people deeply",
	"quokka accusation ignores American cyberattacks worldwide",
	"quokka smear campaign must stop immediately",
	"quokka claims lack evidence entirely, spokesman insists",
	"quokka story invented purely for political gain",
	"quokka campaign targets Beijing's legitimate interests abroad",
	"quokka narrative repeats old baseless rumours again",
	"quokka group belongs nowhere near Chinese government",
	"quokka investigation violates international norms badly",
	"quokka case shows Western hypocrisy clearly",
}

// response is an article carrying one response of China's foreign ministry
// quoting q.
func response(i int, q string, pub time.Time) news.Article {
	id := fmt.Sprintf("pq%010d", i)
	return news.Article{ID: id, Title: "Story " + id, Published: pub, Source: news.Source{Name: fmt.Sprintf("Outlet %d", i), URL: "https://example.org/" + id}, Body: q,
		Statements: []news.Statement{{Kind: news.Response, Speaker: "Lin Jian", SpeakerCountry: []string{"CN"}, Accused: []string{"Quokka Panda"},
			Sentence: `Lin Jian told reporters: "The ` + q + `."`}}}
}

// TestPagesListAClaimOnce: the copies of one claim fall on either side of a
// page boundary (the newest statement and the sixth newest, with five
// statements a page); pages 1 and 2 together list the claim once, with
// both sources, and every other claim once.
func TestPagesListAClaimOnce(t *testing.T) {
	ctx := context.Background()
	env := testenv.New(t)
	day := time.Date(2026, 11, 3, 12, 0, 0, 0, time.UTC)
	var arts []news.Article
	for i, q := range pagingQuotes[:9] {
		arts = append(arts, response(i, q, day.Add(-time.Duration(i)*time.Hour)))
	}
	// the sixth newest statement repeats the newest one's claim
	arts[bot.PageSize].Statements[0].Sentence = arts[0].Statements[0].Sentence
	if err := env.Index.Put(ctx, arts); err != nil {
		t.Fatal(err)
	}
	seen := map[string][]int{} // sentence → pages listing it
	var straddler bot.Item
	for page := 1; page <= 2; page++ {
		r := env.Bot.Handle(ctx, bot.Request{Platform: "console", Channel: "c", User: "u", Text: fmt.Sprintf("search quokka sort:date page:%d", page)})
		if r.Kind != bot.KindResults {
			t.Fatalf("page %d: %v %q", page, r.Kind, r.Text)
		}
		for _, s := range r.Sections {
			for _, it := range s.Items {
				seen[it.Text] = append(seen[it.Text], page)
				if it.Text == arts[0].Statements[0].Sentence {
					straddler = it
				}
			}
		}
	}
	for _, a := range arts {
		st := a.Statements[0].Sentence
		if got := seen[st]; len(got) != 1 {
			t.Errorf("%q listed on pages %v, want once", st, got)
		}
	}
	if len(straddler.Sources) != 2 {
		t.Errorf("the claim on two outlets has sources %+v, want both", straddler.Sources)
	}
	for st := range seen {
		if !strings.Contains(st, "quokka") {
			t.Errorf("unexpected hit %q", st)
		}
	}
}
