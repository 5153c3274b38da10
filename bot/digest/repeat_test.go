package digest

import (
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/news"
	"github.com/newsdesk/newsdesk/state"
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

// TestLegacyLedgerCountsItsWindow: a posted slot recorded before the ledger
// listed what a slot showed counts its whole window as posted, so a claim in
// it is not posted again when a second outlet carries it.
func TestLegacyLedgerCountsItsWindow(t *testing.T) {
	loc := mustLoc(t, "Europe/London")
	start := time.Date(2026, 3, 26, 7, 0, 0, 0, loc)
	e := newEnv(t, start, nil)
	ch := e.channels(1)[0]
	day1 := time.Date(2026, 3, 25, 12, 0, 0, 0, time.UTC)
	e.put(quoted("l1", "Wire A", "APT31", "hotel booking", day1))
	e.subscribe(ch, bot.Subscription{At: "08:00", TZ: "Europe/London"}) // the watermark starts at l1
	legacy := state.Slot{Key: ch + "|2026-03-25", Channel: ch, Scheduled: start.Add(-24 * time.Hour), From: 0, Watermark: 1, Count: 1, Created: start.Add(-24 * time.Hour)}
	if err := e.store.BeginSlot(e.ctx, legacy, false); err != nil {
		t.Fatal(err)
	}
	if err := e.store.CommitSlot(e.ctx, legacy.Key, "m1", start.Add(-24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	e.put(quoted("l2", "Wire B", "APT31", "hotel booking", day1.Add(time.Hour)), story("l3", "APT40", "quebec", day1.Add(2*time.Hour)))
	e.clock.Set(time.Date(2026, 3, 26, 8, 0, 5, 0, loc))
	e.svc.Tick(e.ctx)
	posts := e.posted(ch)
	if len(posts) != 1 || !strings.Contains(posts[0], "quebec") {
		t.Fatalf("want one digest with the new story, got %q", posts)
	}
	if strings.Contains(posts[0], "hotel booking") {
		t.Errorf("the claim of a legacy posted slot's window is posted again: %s", posts[0])
	}
}
