package digest

import (
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/chat/chattest"
)

// TestWatchAlertsOnce: a channel watching actor:APT31 gets exactly one post
// for a newly ingested APT31 article within a minute, none for an
// unrelated one, none again after a restart with the ledger in place; and
// 429 then 5xx from the platform still end in one post. On every platform.
func TestWatchAlertsOnce(t *testing.T) {
	for _, name := range platformNames {
		t.Run(name, func(t *testing.T) {
			start := time.Date(2026, 3, 27, 9, 0, 0, 0, time.UTC)
			e := newEnv(t, start, nil)
			p := e.platforms[name]
			ch := name + ":" + p.local(5)
			e.put(story("old", "APT31", "before", published)) // before the watch: never alerted
			if added, err := e.svc.Watch(e.ctx, ch, "actor:APT31"); err != nil || !added {
				t.Fatalf("watch: %v %v", added, err)
			}
			if added, err := e.svc.Watch(e.ctx, ch, "  ACTOR:apt31 "); err != nil || added {
				t.Errorf("the same filter watched twice: %v %v", added, err)
			}
			e.put(story("w1", "APT31", "kilo", published), story("w2", "Sandworm", "lima", published))
			p.fake.Fail(chattest.Send, chattest.RateLimited, 0, 1)
			p.fake.Fail(chattest.Send, chattest.ServerError, 0, 1)
			e.clock.Set(start.Add(61 * time.Second))
			e.svc.Tick(e.ctx)
			for i := 0; i < 5 && len(e.posted(ch)) == 0; i++ {
				e.clock.Add(time.Minute)
				e.svc.Tick(e.ctx)
			}
			posts := e.posted(ch)
			if len(posts) != 1 {
				t.Fatalf("%d posts, want one alert", len(posts))
			}
			if !strings.Contains(posts[0], "kilo intrusion") || strings.Contains(posts[0], "lima") || strings.Contains(posts[0], "before") {
				t.Errorf("the alert holds the wrong statements:\n%s", posts[0])
			}
			// quiet minutes post nothing; a restart does not repeat the alert
			e.restart()
			for range 3 {
				e.clock.Add(time.Minute)
				e.svc.CatchUp(e.ctx)
				e.svc.Tick(e.ctx)
			}
			if got := len(e.posted(ch)); got != 1 {
				t.Errorf("%d posts after quiet minutes and a restart, want still 1", got)
			}
			// the digest subscription of the channel is not the watch
			if _, ok, _ := e.store.Subscription(e.ctx, ch); ok {
				t.Error("watching made the channel a digest subscriber")
			}
			ws, err := e.svc.Watches(e.ctx, ch)
			if err != nil || len(ws) != 1 || ws[0] != "actor:APT31" {
				t.Errorf("watches = %v, %v", ws, err)
			}
			if n, err := e.svc.Unwatch(e.ctx, ch, ""); err != nil || n != 1 {
				t.Errorf("unwatch all: %d, %v", n, err)
			}
			e.put(story("w3", "APT31", "mike", published))
			e.clock.Add(2 * time.Minute)
			e.svc.Tick(e.ctx)
			if got := len(e.posted(ch)); got != 1 {
				t.Errorf("%d posts after unwatch, want still 1", got)
			}
		})
	}
}
