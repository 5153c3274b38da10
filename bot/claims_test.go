package bot_test

import (
	"context"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/bot/digest"
	"github.com/newsdesk/newsdesk/internal/testenv"
	"github.com/newsdesk/newsdesk/news"
)

// TestOneClaimManyOutlets: three outlets carrying the same ministry quote
// give one claim with three sources, earliest first, in search and in a
// digest; another claim of the same ministry stays apart.
func TestOneClaimManyOutlets(t *testing.T) {
	ctx := context.Background()
	env := testenv.NewOnDisk(t)
	before, err := env.Index.MaxSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	quote := `"The so-called Quokka Panda report is completely groundless and a political smear," the spokesperson said.`
	arts := []news.Article{
		{ID: "c1a1a1a1a1a1", Title: "China rejects Quokka Panda hacking claims", Published: day.Add(2 * time.Hour), Source: news.Source{Name: "Outlet B", URL: "https://b.example/1"},
			Body: "China's foreign ministry on Tuesday rejected accusations by the United States that the Quokka Panda group works for its Ministry of State Security.\n\n" + quote},
		{ID: "c2a2a2a2a2a2", Title: "Beijing dismisses US cyber accusation", Published: day, Source: news.Source{Name: "Outlet A", URL: "https://a.example/1"},
			Body: "China's foreign ministry dismissed the American accusation about the Quokka Panda group on Tuesday.\n\n" + `Foreign ministry spokesperson Lin Jian told reporters: "The so-called Quokka Panda report is completely groundless and a political smear."`},
		{ID: "c3a3a3a3a3a3", Title: "China: Quokka Panda report a smear", Published: day.Add(5 * time.Hour), Source: news.Source{Name: "Outlet C", URL: "https://c.example/1"},
			Body: `The Chinese foreign ministry spokesperson said the so-called Quokka Panda report was "completely groundless and a political smear" and urged Washington to stop.`},
	}
	res, err := env.Ingester.Ingest(ctx, "test", arts)
	if err != nil || len(res.Added) != 3 {
		t.Fatalf("ingest: %v %s", err, res)
	}
	r := env.Bot.Handle(ctx, bot.Request{Platform: "console", Channel: "c", User: "u", Text: `search "political smear"`})
	var its []bot.Item
	for _, s := range r.Sections {
		its = append(its, s.Items...)
	}
	if len(its) == 0 {
		t.Fatalf("no hits: %v %q", r.Kind, r.Text)
	}
	check := func(where string, it bot.Item) {
		t.Helper()
		if len(it.Sources) != 3 {
			t.Fatalf("%s: %d sources (%+v), want the claim once with its three outlets", where, len(it.Sources), it.Sources)
		}
		if it.SourceName != "Outlet A" || it.Sources[0].SourceName != "Outlet A" || it.Sources[1].SourceName != "Outlet B" || it.Sources[2].SourceName != "Outlet C" {
			t.Errorf("%s: shown from %q, sources %+v; want the earliest (Outlet A) first", where, it.SourceName, it.Sources)
		}
		if rb := it.ReportedBy(); rb != "Also reported by Outlet B (3 Nov 2026), Outlet C (3 Nov 2026)" {
			t.Errorf("%s: reported-by line %q", where, rb)
		}
	}
	smear := 0
	for _, it := range its {
		if it.Kind == news.Response && len(it.Sources) > 0 {
			smear++
			check("search", it)
		}
	}
	if smear != 1 {
		t.Errorf("search shows the claim %d times, want once: %+v", smear, its)
	}

	hits, err := env.Index.Search(ctx, news.Query{AfterSeq: before, SortBy: "seq", Size: 100})
	if err != nil {
		t.Fatal(err)
	}
	d := digest.Build(hits.Hits, digest.BuildOptions{Max: 30, Now: day.Add(24 * time.Hour)})
	found := 0
	for _, s := range d.Sections {
		for _, it := range s.Items {
			for _, x := range append([]bot.Item{it}, it.Answers...) {
				if len(x.Sources) > 0 {
					found++
					check("digest", x)
				}
			}
		}
	}
	if found != 1 {
		t.Errorf("the digest shows the claim %d times with sources, want once", found)
	}
}

// TestShowLinksAnswersAcrossArticles: a response published a day after an
// accusation, in another article, shows under the accusation's article,
// and the accusation under the response's.
func TestShowLinksAnswersAcrossArticles(t *testing.T) {
	ctx := context.Background()
	env := testenv.NewOnDisk(t)
	day := time.Date(2026, 10, 6, 14, 0, 0, 0, time.UTC)
	arts := []news.Article{
		{ID: "d1d1d1d1d1d1", Title: "US accuses Chinese hackers of breaching water utilities", Published: day, Source: news.Source{Name: "Outlet A", URL: "https://a.example/2"},
			Body: "The FBI said on Monday that hackers working for China's Ministry of State Security broke into three American water utilities."},
		{ID: "d2d2d2d2d2d2", Title: "China calls US water hacking claim a fabrication", Published: day.Add(26 * time.Hour), Source: news.Source{Name: "Outlet B", URL: "https://b.example/2"},
			Body: `China's foreign ministry rejected the American accusations as "pure fabrication" and said Washington was the real threat to cyberspace.`},
		{ID: "d3d3d3d3d3d3", Title: "China answers an older story", Published: day.Add(40 * 24 * time.Hour), Source: news.Source{Name: "Outlet C", URL: "https://c.example/2"},
			Body: `China's foreign ministry rejected the American accusations of hacking as "groundless".`},
	}
	if res, err := env.Ingester.Ingest(ctx, "test", arts); err != nil || len(res.Added) != 3 {
		t.Fatalf("ingest: %v %s", err, res)
	}
	section := func(r bot.Reply, heading string) []bot.Item {
		for _, s := range r.Sections {
			if s.Heading == heading {
				return s.Items
			}
		}
		return nil
	}
	show := func(id string) bot.Reply {
		return env.Bot.Handle(ctx, bot.Request{Platform: "console", Channel: "c", User: "u", Text: "show " + id})
	}
	r := show("d1d1d1d1d1d1")
	if len(r.Sections) == 0 || len(r.Sections[0].Items) == 0 {
		t.Fatalf("the accusation's article has no statement: %+v", r)
	}
	ans := section(r, "Answered elsewhere")
	if len(ans) == 0 {
		t.Fatal("the accusation's article shows no answer")
	}
	for _, it := range ans {
		if it.ArticleID != "d2d2d2d2d2d2" || it.Kind != news.Response {
			t.Errorf("answered elsewhere: %+v; want only responses of d2d2d2d2d2d2 (d3 is 40 days later)", it)
		}
	}
	r = show("d2d2d2d2d2d2")
	got := section(r, "Answering")
	if len(got) == 0 {
		t.Fatal("the response's article shows nothing it answers")
	}
	for _, it := range got {
		if it.ArticleID != "d1d1d1d1d1d1" || it.Kind != news.Allegation {
			t.Errorf("answering: %+v; want only the US allegations of d1d1d1d1d1d1", it)
		}
	}
}
