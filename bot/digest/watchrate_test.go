package digest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/state"
)

// TestWatchRatePerChannel: a channel whose seven watches match more than
// its limit of alert items a minute gets at most the limit in a minute,
// across all watches; the watches beyond it wait for the next minute and
// the minute's last alert names them with the searches that show them; a
// crash in the middle of the minute and a restart grant no second budget;
// and no statement is posted twice.
func TestWatchRatePerChannel(t *testing.T) {
	const rate = 5
	// actor → stories matching its watch, in the order they are ingested
	watches := []struct {
		actor string
		n     int
	}{{"APT31", 4}, {"APT40", 3}, {"Sandworm", 1}, {"Turla", 2}, {"Kimsuky", 1}, {"Lazarus", 1}, {"APT28", 1}}
	for _, name := range platformNames {
		t.Run(name, func(t *testing.T) {
			start := time.Date(2026, 3, 27, 9, 0, 0, 0, time.UTC)
			e := newEnv(t, start, func(c *Config) { c.WatchRate = rate })
			p := e.platforms[name]
			ch := name + ":" + p.local(9)
			for _, w := range watches {
				if _, err := e.svc.Watch(e.ctx, ch, "actor:"+w.actor); err != nil {
					t.Fatal(err)
				}
			}
			for _, w := range watches {
				for i := range w.n {
					e.put(quoted(fmt.Sprintf("%s-%d", strings.ToLower(w.actor), i), "Wire", w.actor, fmt.Sprintf("%s operation %d", w.actor, i+1), published))
				}
			}
			// the minute's third alert is posted, then newsdesk dies
			posts := 0
			crashed := false
			e.svc.hook = func(step string) error {
				if crashed {
					return errCrash
				}
				if step == "after-post" {
					if posts++; posts == 3 {
						crashed = true
						return errCrash
					}
				}
				return nil
			}
			e.clock.Set(start.Add(61 * time.Second))
			e.svc.Tick(e.ctx)
			e.restart()
			e.svc.CatchUp(e.ctx)
			e.svc.Tick(e.ctx)
			first := e.posted(ch)
			items := func(posts []string) int {
				n := 0
				for _, p := range posts {
					n += strings.Count(p, "intrusion in Leeds")
				}
				return n
			}
			if got := items(first); got != rate {
				t.Errorf("minute 1: %d alert items in %d posts, want the limit, %d", got, len(first), rate)
			}
			if len(first) != rate {
				t.Fatalf("minute 1: %d alerts, want %d (one item each, round robin)", len(first), rate)
			}
			summary := first[len(first)-1]
			for _, want := range []string{"2 more new statements", "1 for actor:Lazarus", "1 for actor:APT28", "search actor:Lazarus sort:date", "search actor:APT28 sort:date"} {
				if !strings.Contains(summary, want) {
					t.Errorf("the minute's last alert does not name what was held back (%q):\n%s", want, summary)
				}
			}
			for _, held := range []string{"Lazarus operation", "APT28 operation"} {
				if strings.Contains(strings.Join(first, "\n"), held) {
					t.Errorf("minute 1 shows %q, held back", held)
				}
			}
			e.clock.Add(time.Minute)
			e.svc.Tick(e.ctx)
			e.restart()
			for range 2 {
				e.clock.Add(time.Minute)
				e.svc.CatchUp(e.ctx)
				e.svc.Tick(e.ctx)
			}
			all := e.posted(ch)
			second := all[len(first):]
			if len(second) != 2 || items(second) != 2 {
				t.Fatalf("after minute 1: %d alerts with %d items, want the two held back once each:\n%s", len(second), items(second), strings.Join(second, "\n---\n"))
			}
			for _, held := range []string{"Lazarus operation 1", "APT28 operation 1"} {
				if !strings.Contains(strings.Join(second, "\n"), held) {
					t.Errorf("the held back %q did not come in the next minute", held)
				}
			}
			text := strings.Join(all, "\n")
			for _, w := range watches {
				for i := range w.n {
					if n := strings.Count(text, fmt.Sprintf("%s operation %d intrusion", w.actor, i+1)); n > 1 {
						t.Errorf("%s operation %d posted %d times", w.actor, i+1, n)
					}
				}
			}
			if name == "slack" { // a Discord message carries its mark twice (nonce and footer)
				e.slots(ch) // each slot's message once
			}
		})
	}
}

// TestHeldNote: the footer line names each watch held back with its count
// and search, the first few one by one and the rest counted.
func TestHeldNote(t *testing.T) {
	due := func(filter string, n int) *watchDue {
		return &watchDue{sub: state.Subscription{Filter: filter}, total: n}
	}
	tests := []struct {
		name string
		held []*watchDue
		want string
	}{
		{"one", []*watchDue{due("actor:APT31", 1)},
			"1 more new statement beyond this channel's limit of 10 alert items a minute (1 for actor:APT31) come in the next alerts — now: search actor:APT31 sort:date"},
		{"seven", []*watchDue{due("a:1", 1), due("a:2", 2), due("a:3", 1), due("a:4", 1), due("a:5", 1), due("a:6", 3), due("a:7", 4)},
			"13 more new statements beyond this channel's limit of 10 alert items a minute (1 for a:1, 2 for a:2, 1 for a:3, 1 for a:4, 1 for a:5, 7 for 2 more watches) come in the next alerts — now: search a:1 sort:date · search a:2 sort:date · search a:3 sort:date · search a:4 sort:date · search a:5 sort:date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := heldNote(tt.held, 10); got != tt.want {
				t.Errorf("heldNote:\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}
