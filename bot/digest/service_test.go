package digest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/chat/chattest"
	"github.com/newsdesk/newsdesk/news"
	"github.com/newsdesk/newsdesk/state"
)

func mustLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// channels returns one channel per platform.
func (e *env) channels(n int) []string {
	var out []string
	for _, name := range platformNames {
		out = append(out, name+":"+e.platforms[name].local(n))
	}
	return out
}

// A week of daily digests across a daylight-saving change posts exactly
// seven per channel, one per local day, in zones and at times where the
// change skips or repeats the digest's local hour.
func TestWeekAcrossDST(t *testing.T) {
	tests := []struct {
		name  string
		sub   bot.Subscription
		first string // local date of the week's first day
	}{
		{"London spring, 01:30 falls in the skipped hour", bot.Subscription{At: "01:30", TZ: "Europe/London"}, "2026-03-26"},
		{"London spring, 08:00", bot.Subscription{At: "08:00", TZ: "Europe/London"}, "2026-03-26"},
		{"New York spring, 02:30 falls in the skipped hour", bot.Subscription{At: "02:30", TZ: "America/New_York"}, "2026-03-05"},
		{"London autumn, 01:30 falls in the repeated hour", bot.Subscription{At: "01:30", TZ: "Europe/London"}, "2026-10-22"},
		{"New York autumn, 01:30 falls in the repeated hour", bot.Subscription{At: "01:30", TZ: "America/New_York"}, "2026-10-29"},
		{"London autumn, cron 30 1 * * * (robfig fires twice; one slot)", bot.Subscription{Cron: "30 1 * * *", TZ: "Europe/London"}, "2026-10-22"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			loc := mustLoc(t, tc.sub.TZ)
			day0, err := time.ParseInLocation(time.DateOnly, tc.first, loc)
			if err != nil {
				t.Fatal(err)
			}
			e := newEnv(t, day0.Add(-time.Minute), nil)
			chans := e.channels(1)
			for _, ch := range chans {
				s := tc.sub
				s.Quiet = "note" // a post every day, news or not
				e.subscribe(ch, s)
			}
			end := day0.AddDate(0, 0, 7)
			for i := 0; e.clock.Now().Before(end); i++ {
				if i%36 == 0 { // news every six hours
					e.put(story(fmt.Sprintf("s%d", i), "APT31", fmt.Sprintf("w%d", i), published))
				}
				e.clock.Add(10 * time.Minute)
				e.svc.Tick(e.ctx)
			}
			for _, ch := range chans {
				if got := len(e.posted(ch)); got != 7 {
					t.Errorf("%s: %d digests in the week, want 7", ch, got)
				}
				// One slot per local day, each posted once and recorded.
				for d := range 7 {
					date := day0.AddDate(0, 0, d).Format(time.DateOnly)
					key := ch + "|" + date
					if tc.sub.Cron != "" {
						key += "T01:30"
					}
					sl := e.slot(key)
					if sl.State != state.Posted || sl.MessageID == "" {
						t.Errorf("%s: %+v", key, sl)
					}
					if got := sl.Scheduled.In(loc).Format(time.DateOnly); got != date {
						t.Errorf("%s scheduled on local %s", key, got)
					}
				}
				if strings.HasPrefix(ch, "slack:") {
					if got := len(e.slots(ch)); got != 7 {
						t.Errorf("%s: %d slot marks, want 7", ch, got)
					}
				}
				// Everything ingested before the last slot was delivered.
				last := e.slot(ch + "|" + day0.AddDate(0, 0, 6).Format(time.DateOnly) + map[bool]string{true: "T01:30"}[tc.sub.Cron != ""])
				if want := e.seqAt(last.Scheduled); e.sub(ch).Watermark != want || last.Watermark != want {
					t.Errorf("%s: watermark %d (last slot %d), want %d", ch, e.sub(ch).Watermark, last.Watermark, want)
				}
			}
		})
	}
}

// A crash at each step of a delivery, followed by a restart, neither loses
// nor doubles the digest.
func TestRestartAtEveryStep(t *testing.T) {
	for _, step := range []string{"before-ledger", "after-ledger", "after-post"} {
		t.Run(step, func(t *testing.T) {
			loc := mustLoc(t, "Europe/London")
			start := time.Date(2026, 3, 27, 7, 0, 0, 0, loc)
			e := newEnv(t, start, nil)
			chans := e.channels(2)
			for _, ch := range chans {
				e.subscribe(ch, bot.Subscription{At: "08:00", TZ: "Europe/London"})
			}
			e.put(story("a1", "APT31", "alpha", published), story("a2", "APT40", "bravo", published))

			e.clock.Set(time.Date(2026, 3, 27, 8, 0, 30, 0, loc))
			crashes := 0
			e.svc.hook = func(s string) error {
				if s == step {
					crashes++
					return errCrash
				}
				return nil
			}
			e.svc.Tick(e.ctx)
			if crashes != len(chans) {
				t.Fatalf("crashed %d times, want once per channel (%d)", crashes, len(chans))
			}
			wantBefore := 0
			if step == "after-post" {
				wantBefore = 1
			}
			for _, ch := range chans {
				if got := len(e.posted(ch)); got != wantBefore {
					t.Fatalf("%s: %d posts at the crash, want %d", ch, got, wantBefore)
				}
			}

			e.clock.Add(3 * time.Minute)
			e.restart()
			e.svc.CatchUp(e.ctx)
			e.clock.Add(time.Minute)
			e.svc.Tick(e.ctx) // nothing more to do
			for _, ch := range chans {
				posts := e.posted(ch)
				if len(posts) != 1 {
					t.Fatalf("%s: %d posts after restart, want 1", ch, len(posts))
				}
				for _, w := range []string{"alpha", "bravo"} {
					if !strings.Contains(posts[0], w) {
						t.Errorf("%s: digest lacks %q", ch, w)
					}
				}
				sl := e.slot(ch + "|2026-03-27")
				if sl.State != state.Posted || sl.MessageID == "" || sl.Watermark != 2 {
					t.Errorf("%s: ledger %+v", ch, sl)
				}
				if got := e.sub(ch).Watermark; got != 2 {
					t.Errorf("%s: watermark %d, want 2", ch, got)
				}
			}
			for _, name := range platformNames {
				if step == "after-post" && e.platforms[name].fake.Calls(chattest.History) == 0 {
					t.Errorf("the restart did not look for the slot on %s before deciding", name)
				}
			}

			// The next day carries only what is new.
			e.put(story("a3", "APT31", "charlie", published))
			e.clock.Set(time.Date(2026, 3, 28, 8, 1, 0, 0, loc))
			e.svc.Tick(e.ctx)
			for _, ch := range chans {
				posts := e.posted(ch)
				if len(posts) != 2 {
					t.Fatalf("%s: %d posts after day 2, want 2", ch, len(posts))
				}
				if !strings.Contains(posts[1], "charlie") || strings.Contains(posts[1], "alpha") {
					t.Errorf("%s: day 2 digest is not just the new story: %.300s", ch, posts[1])
				}
			}
		})
	}
}

// 429s and 5xx that outlast the adapter's retries leave the slot pending;
// a later tick, after the backoff, posts it once. A 5xx after the platform
// stored the message (a lost response) still gives one post. One body, on
// every platform, its faults scripted through the chat seam.
func TestRateLimitAndServerErrorsThenRecovery(t *testing.T) {
	for _, name := range platformNames {
		t.Run(name, func(t *testing.T) {
			loc := mustLoc(t, "America/New_York")
			e := newEnv(t, time.Date(2026, 3, 7, 6, 0, 0, 0, loc), nil)
			p := e.platforms[name]
			ch := name + ":" + p.local(77)
			calls := func() int { return p.fake.Calls(chattest.Send) }
			e.subscribe(ch, bot.Subscription{At: "07:00", TZ: "America/New_York"})
			e.put(story("b1", "Volt Typhoon", "delta", published))

			// more failures than the adapter tries (3 a post)
			p.fake.Fail(chattest.Send, chattest.RateLimited, 0, 2)
			p.fake.Fail(chattest.Send, chattest.ServerError, 0, 4)
			e.clock.Set(time.Date(2026, 3, 7, 7, 0, 10, 0, loc))
			e.svc.Tick(e.ctx)
			key := ch + "|2026-03-07"
			sl := e.slot(key)
			if sl.State != state.Pending || sl.Attempts != 1 || sl.LastError == "" {
				t.Fatalf("after exhausted retries: %+v", sl)
			}
			if got := len(e.posted(ch)); got != 0 {
				t.Fatalf("%d posts while the platform fails", got)
			}
			sent := calls()

			e.clock.Add(30 * time.Second) // before the backoff ends: no call
			e.svc.Tick(e.ctx)
			if got := calls(); got != sent {
				t.Fatalf("retried before the backoff: %d calls, had %d", got, sent)
			}
			e.clock.Set(sl.NextAttempt.Add(time.Second))
			for i := 0; i < 5 && e.slot(key).State == state.Pending; i++ {
				e.svc.Tick(e.ctx)
				e.clock.Add(time.Hour)
			}
			if got := len(e.posted(ch)); got != 1 {
				t.Fatalf("%d posts after recovery, want 1", got)
			}
			if sl := e.slot(key); sl.State != state.Posted || e.sub(ch).Watermark != 1 {
				t.Errorf("after recovery: %+v, watermark %d", sl, e.sub(ch).Watermark)
			}

			e.put(story("b2", "Volt Typhoon", "echo", published))
			p.fake.Fail(chattest.Send, chattest.LostResponse, 0, 1) // stored, answered 5xx
			e.clock.Set(time.Date(2026, 3, 8, 7, 0, 10, 0, loc))
			e.svc.Tick(e.ctx)
			e.clock.Add(2 * time.Hour)
			e.svc.Tick(e.ctx)
			if got := len(e.posted(ch)); got != 2 {
				t.Fatalf("%d posts after a lost response, want 2", got)
			}
			if sl := e.slot(ch + "|2026-03-08"); sl.State != state.Posted || e.sub(ch).Watermark != 2 {
				t.Errorf("after a lost response: %+v, watermark %d", sl, e.sub(ch).Watermark)
			}
		})
	}
}

// Statements ingested late but published earlier appear once: the window is
// by ingestion sequence.
func TestLateIngestedAppearsOnce(t *testing.T) {
	loc := mustLoc(t, "Europe/London")
	e := newEnv(t, time.Date(2026, 3, 26, 7, 0, 0, 0, loc), nil)
	chans := e.channels(3)
	for _, ch := range chans {
		e.subscribe(ch, bot.Subscription{At: "08:00", TZ: "Europe/London"})
	}
	e.put(story("c1", "APT31", "foxtrot", time.Date(2026, 3, 25, 12, 0, 0, 0, time.UTC)))
	e.clock.Set(time.Date(2026, 3, 26, 8, 0, 5, 0, loc))
	e.svc.Tick(e.ctx)

	// Published three weeks ago, ingested today.
	e.put(story("c0", "Sandworm", "golf", time.Date(2026, 3, 5, 12, 0, 0, 0, time.UTC)))
	for d := 1; d <= 3; d++ {
		e.clock.Set(time.Date(2026, 3, 26+d, 8, 0, 5, 0, loc))
		e.svc.Tick(e.ctx)
	}
	for _, ch := range chans {
		posts := e.posted(ch)
		if len(posts) != 2 { // day 1 and day 2; days 3 and 4 are quiet (skip)
			t.Fatalf("%s: %d posts, want 2", ch, len(posts))
		}
		n := 0
		for _, p := range posts {
			n += strings.Count(p, "golf intrusion")
		}
		if n == 0 || !strings.Contains(posts[1], "golf") || strings.Contains(posts[0], "golf") {
			t.Errorf("%s: the late story is not in exactly the second digest", ch)
		}
		if strings.Contains(posts[1], "foxtrot") {
			t.Errorf("%s: day 2 repeats day 1's story", ch)
		}
	}
}

// A slot missed while newsdesk was down is posted once at start-up within
// the grace period; several missed slots give one digest, and slots missed
// beyond the grace period give none (their statements wait for the next).
func TestCatchUpAfterDowntime(t *testing.T) {
	loc := mustLoc(t, "Europe/London")
	tests := []struct {
		name     string
		back     time.Time // when newsdesk comes back
		want     int       // digests posted at start-up
		wantSlot string
	}{
		{"missed by two hours", time.Date(2026, 3, 27, 10, 0, 0, 0, loc), 1, "2026-03-27"},
		{"down three days", time.Date(2026, 3, 30, 9, 0, 0, 0, loc), 1, "2026-03-30"},
		{"back after the grace period", time.Date(2026, 3, 27, 20, 0, 0, 0, loc), 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, time.Date(2026, 3, 27, 6, 0, 0, 0, loc), func(c *Config) { c.Grace = 6 * time.Hour })
			ch := "slack:CUP"
			e.subscribe(ch, bot.Subscription{At: "08:00", TZ: "Europe/London"})
			e.put(story("d1", "APT28", "hotel", published))
			e.store.Close() // down at 06:00

			e.clock.Set(tc.back)
			e.start()
			e.svc.CatchUp(e.ctx)
			e.clock.Add(time.Minute)
			e.svc.Tick(e.ctx)
			if got := len(e.posted(ch)); got != tc.want {
				t.Fatalf("%d digests at start-up, want %d", got, tc.want)
			}
			if tc.wantSlot != "" {
				e.slot(ch + "|" + tc.wantSlot)
			}
			// The next day's digest holds the statements either way, once.
			next := time.Date(tc.back.Year(), tc.back.Month(), tc.back.Day()+1, 8, 0, 1, 0, loc)
			e.clock.Set(next)
			e.svc.Tick(e.ctx)
			posts := e.posted(ch)
			n := 0
			for _, p := range posts {
				n += strings.Count(p, "hotel intrusion")
			}
			if n != 1 {
				t.Errorf("the story appeared %d times in %d digests, want once", n, len(posts))
			}
		})
	}
}

func TestPostNowAndPreview(t *testing.T) {
	loc := mustLoc(t, "Europe/London")
	e := newEnv(t, time.Date(2026, 3, 27, 6, 0, 0, 0, loc), nil)
	ch := "slack:CNOW"
	r, err := e.svc.Preview(e.ctx, ch)
	if err != nil || r.Kind != bot.KindError {
		t.Fatalf("preview unsubscribed: %+v, %v", r, err)
	}
	e.put(story("old", "APT31", "before", published)) // before the subscription: not in it
	e.subscribe(ch, bot.Subscription{At: "08:00", TZ: "Europe/London", Filter: "actor:APT40"})
	e.put(story("e1", "APT40", "india", published), story("e2", "APT31", "juliet", published))

	r, err = e.svc.Preview(e.ctx, ch)
	if err != nil || r.Kind != bot.KindDigest || len(r.Sections) != 1 || r.Sections[0].Heading != "APT40" {
		t.Fatalf("preview: %+v, %v", r, err)
	}
	if !strings.HasPrefix(r.Title, "Preview: ") || len(e.posted(ch)) != 0 || e.sub(ch).Watermark != 1 {
		t.Fatalf("preview posted or moved the watermark: %q", r.Title)
	}

	r, err = e.svc.PostNow(e.ctx, ch)
	if err != nil || !strings.Contains(r.Text, "Posted the digest: 2 new statements") {
		t.Fatalf("digest now: %+v, %v", r, err)
	}
	posts := e.posted(ch)
	if len(posts) != 1 || !strings.Contains(posts[0], "india") || strings.Contains(posts[0], "juliet") {
		t.Fatalf("digest now posted %d: %.300v", len(posts), posts)
	}
	if e.sub(ch).Watermark != 2 {
		t.Errorf("watermark %d, want 2 (the filtered window's last seq)", e.sub(ch).Watermark)
	}
	r, err = e.svc.PostNow(e.ctx, ch)
	if err != nil || !strings.HasPrefix(r.Text, "Nothing new since ") || len(e.posted(ch)) != 1 {
		t.Fatalf("second digest now: %+v, %v", r, err)
	}
	// The scheduled slot has nothing new either (quiet skip): no post.
	e.clock.Set(time.Date(2026, 3, 27, 8, 0, 1, 0, loc))
	e.svc.Tick(e.ctx)
	if len(e.posted(ch)) != 1 {
		t.Errorf("the quiet slot posted")
	}

	existed, err := e.svc.Unsubscribe(e.ctx, ch)
	if err != nil || !existed {
		t.Fatalf("unsubscribe: %v %v", existed, err)
	}
	if r, _ := e.svc.PostNow(e.ctx, ch); r.Kind != bot.KindError {
		t.Errorf("digest now after unsubscribe: %+v", r)
	}
}

func TestSubscribeRefusesBadInput(t *testing.T) {
	e := newEnv(t, time.Date(2026, 3, 27, 6, 0, 0, 0, time.UTC), nil)
	tests := []struct {
		ch   string
		sub  bot.Subscription
		want string
	}{
		{"slack:C1", bot.Subscription{At: "25:00"}, "not a time of day"},
		{"slack:C1", bot.Subscription{At: "08:00", TZ: "Europe/Lundon"}, "not an IANA time zone"},
		{"slack:C1", bot.Subscription{At: "08:00", Cron: "0 8 * * *"}, "not both"},
		{"slack:C1", bot.Subscription{Cron: "*/5 * * * *"}, "more often than every 1h0m0s"},
		{"slack:C1", bot.Subscription{Cron: "0 8 * *"}, "five fields"},
		{"slack:C1", bot.Subscription{Cron: "@every 1h"}, "five fields"},
		{"slack:C1", bot.Subscription{Cron: "0 8 31 2 *"}, "never fires"},
		{"slack:C1", bot.Subscription{Filter: "colour:red"}, `filter "colour:red"`},
		{"slack:C1", bot.Subscription{Quiet: "loud"}, "skip or note"},
		{"teams:C1", bot.Subscription{}, `no poster for platform "teams"`},
		{"C1", bot.Subscription{}, "want platform:id"},
	}
	for _, tc := range tests {
		err := e.svc.Subscribe(e.ctx, tc.ch, tc.sub)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Subscribe(%s, %+v) = %v, want an error containing %q", tc.ch, tc.sub, err, tc.want)
		}
	}
	if subs, _ := e.store.Subscriptions(e.ctx); len(subs) != 0 {
		t.Errorf("bad input stored %d subscriptions", len(subs))
	}
}

// The window pages through the index by sequence without splitting an
// article's statements across digests or reading one twice.
func TestWindowPagesBySeq(t *testing.T) {
	e := newEnv(t, time.Date(2026, 3, 27, 6, 0, 0, 0, time.UTC), func(c *Config) { c.PageSize = 3; c.Backfill = true })
	for i := range 7 {
		e.put(story(fmt.Sprintf("p%d", i), "APT31", fmt.Sprintf("w%d", i), published)) // 2 statements each
	}
	e.subscribe("slack:CW", bot.Subscription{})
	w, err := e.svc.window(e.ctx, e.sub("slack:CW"))
	if err != nil {
		t.Fatal(err)
	}
	if len(w.hits) != 14 || w.maxSeq != 7 {
		t.Fatalf("window: %d hits up to seq %d, want 14 up to 7", len(w.hits), w.maxSeq)
	}
	seen := map[string]bool{}
	for _, h := range w.hits {
		if seen[h.ID] {
			t.Errorf("hit %s twice", h.ID)
		}
		seen[h.ID] = true
	}

	// MaxWindow stops at an article boundary; the rest comes next time.
	e.svc.cfg.MaxWindow = 5
	w, err = e.svc.window(e.ctx, e.sub("slack:CW"))
	if err != nil {
		t.Fatal(err)
	}
	if len(w.hits)%2 != 0 || w.maxSeq != uint64(len(w.hits)/2) {
		t.Errorf("capped window: %d hits up to seq %d", len(w.hits), w.maxSeq)
	}
}

// Run catches up at start and then ticks on its own.
func TestRun(t *testing.T) {
	loc := mustLoc(t, "Europe/London")
	e := newEnv(t, time.Date(2026, 3, 27, 7, 0, 0, 0, loc), func(c *Config) { c.Tick = 5 * time.Millisecond })
	ch := "slack:CRUN"
	e.subscribe(ch, bot.Subscription{At: "08:00", TZ: "Europe/London"})
	e.put(story("r1", "APT41", "kilo", published))
	e.clock.Set(time.Date(2026, 3, 27, 8, 30, 0, 0, loc)) // missed while down
	ctx, cancel := context.WithCancel(e.ctx)
	done := make(chan error, 1)
	go func() { done <- e.svc.Run(ctx) }()
	if _, err := e.slack.WaitPosts(1, 5*time.Second); err != nil {
		t.Fatalf("catch-up: %v", err)
	}
	e.put(story("r2", "APT41", "lima", published))
	e.clock.Set(time.Date(2026, 3, 28, 8, 0, 1, 0, loc))
	if _, err := e.slack.WaitPosts(2, 5*time.Second); err != nil {
		t.Fatalf("next day: %v", err)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Run returned %v", err)
	}
	if got := len(e.posted(ch)); got != 2 {
		t.Errorf("%d posts, want 2", got)
	}
}

// "digest now" racing the scheduler posts the new statements once.
func TestPostNowRacesTick(t *testing.T) {
	loc := mustLoc(t, "Europe/London")
	e := newEnv(t, time.Date(2026, 3, 27, 7, 0, 0, 0, loc), nil)
	chans := e.channels(4)
	for _, ch := range chans {
		e.subscribe(ch, bot.Subscription{At: "08:00", TZ: "Europe/London"})
	}
	e.put(story("x1", "APT29", "mike", published))
	e.clock.Set(time.Date(2026, 3, 27, 8, 0, 0, 0, loc))
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%2 == 0 {
				e.svc.Tick(e.ctx)
				return
			}
			for _, ch := range chans {
				if _, err := e.svc.PostNow(e.ctx, ch); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	for _, ch := range chans {
		if got := len(e.posted(ch)); got != 1 {
			t.Errorf("%s: %d posts, want 1", ch, got)
		}
	}
}

// flaky wraps a real adapter; while down, Post fails without reaching the
// platform (as when the platform refuses the bot for a day).
type flaky struct {
	Poster
	down atomic.Bool
}

func (f *flaky) Post(ctx context.Context, channel string, r bot.Reply, slot string) (string, error) {
	if f.down.Load() {
		return "", errors.New("platform unavailable")
	}
	return f.Poster.Post(ctx, channel, r, slot)
}

// A slot that cannot be posted for longer than GiveUp is abandoned once the
// platform confirms it does not have it; its statements go into the next
// digest, which is posted once the platform is back.
func TestGiveUpThenNextDigestCarriesAll(t *testing.T) {
	loc := mustLoc(t, "Europe/London")
	var fl *flaky
	counts := &countMetrics{}
	e := newEnv(t, time.Date(2026, 3, 27, 7, 0, 0, 0, loc), func(c *Config) {
		if fl == nil {
			fl = &flaky{Poster: c.Posters["slack"]}
		}
		c.Posters = map[string]Poster{"slack": fl}
		c.Metrics = counts
	})
	e.restart() // pick up the wrapper
	ch := "slack:CGIVE"
	e.subscribe(ch, bot.Subscription{At: "08:00", TZ: "Europe/London"})
	e.put(story("g1", "APT28", "november", published))
	fl.down.Store(true)
	for e.clock.Now().Before(time.Date(2026, 3, 28, 7, 30, 0, 0, loc)) {
		e.put(story(fmt.Sprintf("g%d", e.nextSeq+1), "APT28", fmt.Sprintf("filler%d", e.nextSeq), published))
		e.clock.Add(time.Hour)
		e.svc.Tick(e.ctx)
	}
	if sl := e.slot(ch + "|2026-03-27"); sl.State != state.Pending || sl.Attempts < 3 {
		t.Fatalf("day 1 before giving up: %s, %d attempts", sl.State, sl.Attempts)
	}
	e.clock.Set(time.Date(2026, 3, 28, 9, 30, 0, 0, loc)) // past GiveUp and the last backoff
	e.svc.Tick(e.ctx)
	if sl := e.slot(ch + "|2026-03-27"); sl.State != state.Abandoned {
		t.Fatalf("day 1 after GiveUp: %s, %d attempts", sl.State, sl.Attempts)
	}
	if sl := e.slot(ch + "|2026-03-28"); sl.State != state.Pending || sl.From != 0 {
		t.Fatalf("day 2 should start from the old watermark: %s from %d", sl.State, sl.From)
	}
	fl.down.Store(false)
	e.clock.Add(2 * time.Hour)
	e.svc.Tick(e.ctx)
	posts := e.posted(ch)
	if len(posts) != 1 || !strings.Contains(posts[0], "november") {
		t.Fatalf("%d posts; the day-2 digest should carry day 1's statements", len(posts))
	}
	if got := e.sub(ch).Watermark; got != e.nextSeq {
		t.Errorf("watermark %d, want %d", got, e.nextSeq)
	}
	counts.mu.Lock()
	defer counts.mu.Unlock()
	if c := counts.n; c["slack/given_up"] != 1 || c["slack/posted"] != 1 || c["slack/failed"] < 3 {
		t.Errorf("digest metrics %v: want 1 given up, 1 posted, at least 3 failed", c)
	}
}

// countMetrics counts digest outcomes by platform/outcome.
type countMetrics struct {
	mu sync.Mutex
	n  map[string]int
}

func (m *countMetrics) Digest(platform, outcome string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.n == nil {
		m.n = map[string]int{}
	}
	m.n[platform+"/"+outcome]++
}

// TestPreviewSaysWhen: the preview's title names the next slot's local
// date and time, and its text says when it will be posted.
func TestPreviewSaysWhen(t *testing.T) {
	loc := mustLoc(t, "Europe/London")
	tests := []struct {
		name  string
		now   time.Time
		sub   bot.Subscription
		title string
		text  string
	}{
		{"before today's slot", time.Date(2026, 3, 27, 6, 0, 0, 0, loc), bot.Subscription{At: "08:00", TZ: "Europe/London"},
			"Preview: Digest for Fri 27 Mar 2026, 08:00 GMT", "Next digest: Fri 27 Mar 08:00 GMT (in 2 h)"},
		{"after today's slot: tomorrow", time.Date(2026, 3, 27, 18, 40, 0, 0, loc), bot.Subscription{At: "08:00", TZ: "Europe/London"},
			"Preview: Digest for Sat 28 Mar 2026, 08:00 GMT", "Next digest: Sat 28 Mar 08:00 GMT (in 13 h 20 min)"},
		{"across the clock change", time.Date(2026, 3, 28, 9, 0, 0, 0, loc), bot.Subscription{At: "08:00", TZ: "Europe/London"},
			"Preview: Digest for Sun 29 Mar 2026, 08:00 BST", "Next digest: Sun 29 Mar 08:00 BST (in 22 h)"},
		{"cron, another zone, over the weekend", time.Date(2026, 3, 27, 15, 0, 0, 0, time.UTC), bot.Subscription{Cron: "30 9 * * 1-5", TZ: "America/New_York"},
			"Preview: Digest for Mon 30 Mar 2026, 09:30 EDT", "Next digest: Mon 30 Mar 09:30 EDT (in 2 days 22 h)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tt.now, nil)
			ch := "slack:CWHEN"
			e.subscribe(ch, tt.sub)
			r, err := e.svc.Preview(e.ctx, ch)
			if err != nil {
				t.Fatal(err)
			}
			if r.Title != tt.title {
				t.Errorf("title %q, want %q", r.Title, tt.title)
			}
			if !strings.HasPrefix(r.Text, tt.text) {
				t.Errorf("text %q, want it to start %q", r.Text, tt.text)
			}
		})
	}
}

// TestClaimPostedOnceAcrossOutlets: a second outlet carrying, a day later,
// the claim an earlier digest held does not bring it into the next digest.
func TestClaimPostedOnceAcrossOutlets(t *testing.T) {
	loc := mustLoc(t, "Europe/London")
	e := newEnv(t, time.Date(2026, 3, 26, 7, 0, 0, 0, loc), nil)
	ch := e.channels(1)[0]
	e.subscribe(ch, bot.Subscription{At: "08:00", TZ: "Europe/London"})
	claim := func(id, outlet string, pub time.Time) news.Article {
		return news.Article{ID: id, Title: "Story " + id, Published: pub, Source: news.Source{Name: outlet, URL: "https://example.org/" + id}, Body: "b",
			Statements: []news.Statement{{Kind: news.Allegation, Speaker: "NCSC", SpeakerCountry: []string{"GB"}, Accused: []string{"APT31"},
				Sentence: `The NCSC said APT31 was "almost certainly" behind the hotel booking intrusion in Leeds.`}}}
	}
	e.put(claim("k1", "Wire A", time.Date(2026, 3, 25, 12, 0, 0, 0, time.UTC)))
	e.clock.Set(time.Date(2026, 3, 26, 8, 0, 5, 0, loc))
	e.svc.Tick(e.ctx)
	e.put(claim("k2", "Wire B", time.Date(2026, 3, 26, 10, 0, 0, 0, time.UTC)), story("k3", "APT40", "quebec", time.Date(2026, 3, 26, 11, 0, 0, 0, time.UTC)))
	e.clock.Set(time.Date(2026, 3, 27, 8, 0, 5, 0, loc))
	e.svc.Tick(e.ctx)
	posts := e.posted(ch)
	if len(posts) != 2 {
		t.Fatalf("%d posts, want 2", len(posts))
	}
	if !strings.Contains(posts[0], "hotel booking intrusion") {
		t.Errorf("day 1 lacks the claim: %s", posts[0])
	}
	if strings.Contains(posts[1], "hotel booking intrusion") || !strings.Contains(posts[1], "quebec") {
		t.Errorf("day 2 repeats the claim or lacks the new story: %s", posts[1])
	}
}

// The repeat check finds the earlier claim however many statements of the
// same kind and government the new window holds: reading the earlier ones
// is not crowded out by the window's own.
func TestRepeatFoundBehindBusyWindow(t *testing.T) {
	loc := mustLoc(t, "Europe/London")
	e := newEnv(t, time.Date(2026, 3, 26, 7, 0, 0, 0, loc), nil)
	ch := e.channels(1)[0]
	e.subscribe(ch, bot.Subscription{At: "08:00", TZ: "Europe/London"})
	claim := func(id, outlet string, pub time.Time) news.Article {
		return news.Article{ID: id, Title: "Story " + id, Published: pub, Source: news.Source{Name: outlet, URL: "https://example.org/" + id}, Body: "b",
			Statements: []news.Statement{{Kind: news.Allegation, Speaker: "NCSC", SpeakerCountry: []string{"GB"}, Accused: []string{"APT31"},
				Sentence: `The NCSC said APT31 was "almost certainly" behind the hotel booking intrusion in Leeds.`}}}
	}
	e.put(claim("k1", "Wire A", time.Date(2026, 3, 25, 12, 0, 0, 0, time.UTC)))
	e.clock.Set(time.Date(2026, 3, 26, 8, 0, 5, 0, loc))
	e.svc.Tick(e.ctx)
	if got := len(e.posted(ch)); got != 1 {
		t.Fatalf("%d posts, want 1", got)
	}
	arts := []news.Article{claim("k2", "Wire B", time.Date(2026, 3, 26, 10, 0, 0, 0, time.UTC))}
	for i := range repeatMax + 10 { // newer GB allegations than k2, more than repeatMax
		arts = append(arts, story(fmt.Sprintf("f%d", i), "APT40", fmt.Sprintf("w%d", i), time.Date(2026, 3, 26, 11, 0, i, 0, time.UTC)))
	}
	e.put(arts...)
	w, err := e.svc.window(e.ctx, e.sub(ch))
	if err != nil {
		t.Fatal(err)
	}
	if len(w.hits) != 2*(repeatMax+10) {
		t.Errorf("window: %d hits, want %d", len(w.hits), 2*(repeatMax+10))
	}
	for _, h := range w.hits {
		if h.ArticleID == "k2" {
			t.Errorf("window holds %s, a claim the last digest posted", h.ID)
		}
	}
}
