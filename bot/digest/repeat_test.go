package digest

import (
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/news"
)

// quoted is an article carrying one allegation against actor in a quoted
// sentence that every outlet copies word for word.
func quoted(id, outlet, actor, words string, pub time.Time) news.Article {
	return news.Article{ID: id, Title: "Story " + id, Published: pub, Source: news.Source{Name: outlet, URL: "https://example.org/" + id}, Body: "b",
		Statements: []news.Statement{{Kind: news.Allegation, Speaker: "NCSC", SpeakerCountry: []string{"GB"}, Accused: []string{actor},
			Sentence: `The NCSC said ` + actor + ` was "almost certainly" behind the ` + words + ` intrusion in Leeds.`}}}
}

// TestOnlyPostedClaimsCountAsPosted: a claim that yesterday's digest held
// in its window but cut by max was never posted, so a second outlet
// carrying it today brings it into today's digest; a claim yesterday's
// digest posted does not come back, also after a restart.
func TestOnlyPostedClaimsCountAsPosted(t *testing.T) {
	for _, name := range platformNames {
		t.Run(name, func(t *testing.T) {
			loc := mustLoc(t, "Europe/London")
			e := newEnv(t, time.Date(2026, 3, 26, 7, 0, 0, 0, loc), nil)
			p := e.platforms[name]
			ch := name + ":" + p.local(7)
			e.subscribe(ch, bot.Subscription{At: "08:00", TZ: "Europe/London", Max: 1})
			day1 := time.Date(2026, 3, 25, 12, 0, 0, 0, time.UTC)
			// two sections of one statement each: the first seq's is shown, the other cut
			e.put(quoted("p1", "Wire A", "APT31", "hotel booking", day1), quoted("c1", "Wire A", "APT40", "port authority", day1))
			e.clock.Set(time.Date(2026, 3, 26, 8, 0, 5, 0, loc))
			e.svc.Tick(e.ctx)
			posts := e.posted(ch)
			if len(posts) != 1 || !strings.Contains(posts[0], "hotel booking") || strings.Contains(posts[0], "port authority") {
				t.Fatalf("day 1: want the APT31 claim posted and the APT40 one cut, got %d posts: %q", len(posts), posts)
			}
			e.restart()
			day2 := time.Date(2026, 3, 26, 10, 0, 0, 0, time.UTC)
			e.put(quoted("p2", "Wire B", "APT31", "hotel booking", day2), quoted("c2", "Wire B", "APT40", "port authority", day2))
			e.clock.Set(time.Date(2026, 3, 27, 8, 0, 5, 0, loc))
			e.svc.CatchUp(e.ctx)
			e.svc.Tick(e.ctx)
			posts = e.posted(ch)
			if len(posts) != 2 {
				t.Fatalf("%d posts, want 2 (day 2 has the claim day 1 cut)", len(posts))
			}
			if !strings.Contains(posts[1], "port authority") {
				t.Errorf("day 2 lacks the claim day 1 cut by max and never posted: %s", posts[1])
			}
			if strings.Contains(posts[1], "hotel booking") {
				t.Errorf("day 2 repeats the claim day 1 posted: %s", posts[1])
			}
		})
	}
}
