package digest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/chat/chattest"
	"github.com/newsdesk/newsdesk/news"
	"github.com/newsdesk/newsdesk/state"
)

// bigStory is one article with n allegations against actor (every tenth a
// response), all sharing the article's seq.
func bigStory(id, actor string, n int) news.Article {
	a := news.Article{
		ID: id, Title: "Story " + id, Published: published,
		Source: news.Source{Name: "Wire", URL: "https://example.org/" + id},
		Body:   "body of a very long report",
	}
	for i := range n {
		st := news.Statement{Kind: news.Allegation, Speaker: "NCSC", SpeakerCountry: []string{"GB"}, Accused: []string{actor},
			Sentence: fmt.Sprintf("The NCSC said %s ran operation number %d.", actor, i)}
		if i%10 == 9 {
			st = news.Statement{Kind: news.Response, Speaker: "Embassy", SpeakerCountry: []string{"CN"}, Accused: []string{actor},
				Sentence: fmt.Sprintf("The embassy called claim %d baseless.", i)}
		}
		a.Statements = append(a.Statements, st)
	}
	return a
}

// capped is the real index with a smaller cap on hits per call (the
// index's own is 10,000), so that a seq larger than one call returns is
// cheap to test.
type capped struct {
	Source
	max int
}

func (c capped) Search(ctx context.Context, q news.Query) (news.Results, error) {
	q.Size = min(q.Size, c.max)
	return c.Source.Search(ctx, q)
}

// An article with more statements than a page (or than a whole window) does
// not stop the channel's digests: the window reads the seq alone, holds it
// whole when it fits (the digest shows Max and counts the rest), and
// otherwise takes the first MaxWindow statements and says in the footer how
// many were left out. A big seq that does not fit behind other statements
// waits, whole, for the next digest.
func TestWindowArticleLargerThanPage(t *testing.T) {
	const big = 1500
	tests := []struct {
		name      string
		maxWindow int
		capSize   int // the Source returns at most this many hits a call (0: the index's own cap)
		bigFirst  bool
		// per daily digest: statements in the window, left out, posted
		// text that must appear
		windows []int
		left    []int
		want    []string
	}{
		{
			name: "fits the window", bigFirst: true,
			windows: []int{big + 2}, left: []int{0},
			want: []string{fmt.Sprintf("also: %d on ", big-(DefaultMax-2))}, // the two others get their share first
		},
		{
			name: "larger than the window", maxWindow: 1200, bigFirst: true,
			windows: []int{1200, 2}, left: []int{big - 1200, 0},
			want: []string{"300 more statements of one article did not fit in a digest and were left out", "hotel intrusion"},
		},
		{
			name: "behind other statements, larger than the room left", maxWindow: 1200,
			windows: []int{2, 1200}, left: []int{0, big - 1200},
			want: []string{"hotel intrusion", "300 more statements of one article did not fit"},
		},
		{
			name: "larger than a Search call returns", capSize: 500,
			windows: []int{2, 500}, left: []int{0, big - 500},
			want: []string{"hotel intrusion", "1000 more statements of one article did not fit"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			loc := mustLoc(t, "Europe/London")
			e := newEnv(t, time.Date(2026, 3, 27, 7, 0, 0, 0, loc), func(c *Config) {
				c.MaxWindow, c.PageSize = tc.maxWindow, 1000
				if tc.capSize > 0 {
					c.Source = capped{Source: c.Source, max: tc.capSize}
				}
			})
			if e.svc.cfg.PageSize != 1000 {
				t.Fatalf("page size %d; the test needs an article larger than a page", e.svc.cfg.PageSize)
			}
			ch := "slack:CBIG"
			e.subscribe(ch, bot.Subscription{At: "08:00", TZ: "Europe/London"})
			arts := []news.Article{bigStory("big", "APT31", big), story("s1", "APT28", "hotel", published)}
			if !tc.bigFirst {
				arts[0], arts[1] = arts[1], arts[0]
			}
			e.put(arts...)

			for d, want := range tc.windows {
				w, err := e.svc.window(e.ctx, e.sub(ch))
				if err != nil {
					t.Fatalf("digest %d: window: %v", d+1, err)
				}
				seen := map[string]bool{}
				for _, h := range w.hits {
					if seen[h.ID] {
						t.Errorf("digest %d: hit %s twice", d+1, h.ID)
					}
					seen[h.ID] = true
				}
				if len(w.hits) != want || w.left != tc.left[d] {
					t.Errorf("digest %d: window of %d statements, %d left out; want %d and %d", d+1, len(w.hits), w.left, want, tc.left[d])
				}

				e.clock.Set(time.Date(2026, 3, 27+d, 8, 0, 10, 0, loc))
				e.svc.Tick(e.ctx)
				posts := e.posted(ch)
				if len(posts) != d+1 {
					t.Fatalf("after digest %d: %d posts", d+1, len(posts))
				}
				if !strings.Contains(posts[d], tc.want[d]) {
					t.Errorf("digest %d lacks %q:\n…%s", d+1, tc.want[d], posts[d][max(0, len(posts[d])-600):])
				}
				if got := strings.Count(posts[d], "operation number"); got > DefaultMax {
					t.Errorf("digest %d shows %d items, more than Max %d", d+1, got, DefaultMax)
				}
				if sl := e.slot(ch + "|" + e.clock.Now().In(loc).Format(time.DateOnly)); sl.State != state.Posted || sl.Count != want {
					t.Errorf("digest %d: slot %s with %d statements", d+1, sl.State, sl.Count)
				}
			}
			if got := e.sub(ch).Watermark; got != 2 {
				t.Errorf("watermark %d after the digests, want 2", got)
			}
			e.clock.Add(24 * time.Hour)
			e.svc.Tick(e.ctx)
			if got := len(e.posted(ch)); got != len(tc.windows) {
				t.Errorf("%d posts; nothing new should post nothing", got)
			}
		})
	}
}

// syncBuffer is a log sink the service may write from any goroutine.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// noHistory wraps a real adapter: its FindSlot is refused, as for a bot
// that may post but not read the channel, while Post goes to the platform.
type noHistory struct{ Poster }

func (noHistory) FindSlot(context.Context, string, string) (string, bool, error) {
	return "", false, errors.New("find slot: missing access to the channel history")
}

func (n noHistory) HistoryHint() string { return n.Poster.(Hinter).HistoryHint() }

// A slot whose post failed cannot be checked on the platform when the bot
// may post but not read the channel's history (Discord without Read Message
// History, a private Slack channel without groups:history). It is not posted
// blind, and it does not block the channel forever: after GiveUp it is given
// up with an error in the log naming the channel and the fix, its
// statements stay above the watermark, and the next slot posts, carrying
// them with a footer that says they may repeat.
func TestFindSlotFailingGivesUp(t *testing.T) {
	hints := map[string]string{"slack": "groups:history", "discord": "Read Message History"}
	cases := []struct {
		name   string
		wrap   func(Poster) Poster   // nil: the real adapter
		break_ func(f chattest.Fake) // the first post fails; the history cannot be read
	}{
		{
			name: "FindSlot refused, Post works",
			wrap: func(p Poster) Poster { return noHistory{p} },
			break_: func(f chattest.Fake) {
				f.Fail(chattest.Send, chattest.ServerError, 0, 3) // every attempt of the adapter's first Post
			},
		},
		{
			name: "history unreadable",
			break_: func(f chattest.Fake) {
				f.Fail(chattest.Send, chattest.ServerError, 0, 1)
				f.Fail(chattest.History, chattest.Forbidden, 0, 1000)
			},
		},
	}
	type testCase struct {
		name, platform, hint string
		n                    int // the channel's number
		wrap                 func(Poster) Poster
		break_               func(f chattest.Fake)
	}
	var tests []testCase
	for _, name := range platformNames {
		for i, c := range cases {
			tests = append(tests, testCase{name: name + ", " + c.name, platform: name, hint: hints[name], wrap: c.wrap, break_: c.break_, n: 98 + i})
		}
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			loc := mustLoc(t, "Europe/London")
			logs := &syncBuffer{}
			platform := tc.platform
			e := newEnv(t, time.Date(2026, 3, 27, 7, 0, 0, 0, loc), func(c *Config) {
				c.Log = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
				if tc.wrap != nil {
					ps := maps.Clone(c.Posters)
					ps[platform] = tc.wrap(ps[platform])
					c.Posters = ps
				}
			})
			ch := platform + ":" + e.platforms[platform].local(tc.n)
			e.subscribe(ch, bot.Subscription{At: "08:00", TZ: "Europe/London"})
			e.put(story("f1", "APT28", "november", published))
			tc.break_(e.platforms[platform].fake)

			e.clock.Set(time.Date(2026, 3, 27, 8, 0, 10, 0, loc))
			e.svc.Tick(e.ctx)
			day1 := ch + "|2026-03-27"
			if sl := e.slot(day1); sl.State != state.Pending || sl.Attempts != 1 {
				t.Fatalf("after the failed post: %s, %d attempts", sl.State, sl.Attempts)
			}
			e.put(story("f2", "APT28", "oscar", published))
			for e.clock.Now().Before(time.Date(2026, 3, 28, 7, 0, 0, 0, loc)) {
				e.clock.Add(time.Hour)
				e.svc.Tick(e.ctx)
			}
			sl := e.slot(day1)
			if sl.State != state.Pending || sl.Attempts < 3 || !strings.Contains(sl.LastError, tc.hint) {
				t.Fatalf("before GiveUp: %s after %d attempts, last error %q (want the hint %q)", sl.State, sl.Attempts, sl.LastError, tc.hint)
			}
			if got := len(e.posted(ch)); got != 0 {
				t.Fatalf("%d posts while the platform could not be checked; want none (no blind post)", got)
			}
			if strings.Contains(logs.String(), "level=ERROR") {
				t.Errorf("an error logged before GiveUp:\n%s", logs)
			}

			e.clock.Set(time.Date(2026, 3, 28, 9, 30, 0, 0, loc)) // past GiveUp and the last backoff; the day-2 slot is due
			e.svc.Tick(e.ctx)
			sl = e.slot(day1)
			if sl.State != state.Abandoned || !sl.Unconfirmed {
				t.Fatalf("after GiveUp: %s, unconfirmed %v", sl.State, sl.Unconfirmed)
			}
			var errLine string
			for _, l := range strings.Split(logs.String(), "\n") {
				if strings.Contains(l, "level=ERROR") {
					errLine = l
				}
			}
			if !strings.Contains(errLine, ch) || !strings.Contains(errLine, tc.hint) {
				t.Errorf("the error log should name the channel %s and the fix %q: %q", ch, tc.hint, errLine)
			}
			d2 := e.slot(ch + "|2026-03-28")
			if d2.From != 0 || d2.Watermark != e.nextSeq {
				t.Errorf("day 2 covers seqs %d to %d; want from the old watermark 0 to %d", d2.From, d2.Watermark, e.nextSeq)
			}
			posts := e.posted(ch)
			if len(posts) != 1 {
				t.Fatalf("%d posts after giving up; the day-2 digest should post\n%s", len(posts), logs)
			}
			for _, word := range []string{"november", "oscar", "could not confirm reached this channel"} {
				if !strings.Contains(posts[0], word) {
					t.Errorf("the day-2 digest lacks %q:\n%.800s", word, posts[0])
				}
			}
			if d2 := e.slot(ch + "|2026-03-28"); d2.State != state.Posted {
				t.Errorf("day 2: %s; want posted", d2.State)
			}
			if got := e.sub(ch).Watermark; got != e.nextSeq {
				t.Errorf("watermark %d, want %d", got, e.nextSeq)
			}

			// The day after, the note is gone.
			e.put(story("f3", "APT28", "papa", published))
			e.clock.Set(time.Date(2026, 3, 29, 8, 0, 10, 0, loc))
			e.svc.Tick(e.ctx)
			posts = e.posted(ch)
			if len(posts) != 2 || !strings.Contains(posts[1], "papa") || strings.Contains(posts[1], "november") || strings.Contains(posts[1], "could not confirm") {
				t.Errorf("day 3: %d posts; want a plain digest of the new story:\n%.600v", len(posts), posts)
			}
		})
	}
}

// An updated article keeps the seqs of the statements it had and gives its
// new ones the update's seq: the next digest holds only the new ones, with
// the article's statements of one digest spread over several seqs.
func TestWindowUpdatedArticle(t *testing.T) {
	loc := mustLoc(t, "Europe/London")
	e := newEnv(t, time.Date(2026, 3, 27, 7, 0, 0, 0, loc), func(c *Config) { c.PageSize = 2 })
	ch := "slack:CUPD"
	e.subscribe(ch, bot.Subscription{At: "08:00", TZ: "Europe/London"})
	e.put(story("u1", "APT31", "quebec", published)) // seq 1
	e.clock.Set(time.Date(2026, 3, 27, 8, 0, 10, 0, loc))
	e.svc.Tick(e.ctx)

	e.put(story("u2", "APT28", "romeo", published)) // seq 2
	upd := story("u1", "APT31", "quebec", published)
	for i := range upd.Statements {
		upd.Statements[i].Seq = 1 // kept from the first version
	}
	upd.Statements = append(upd.Statements,
		news.Statement{Kind: news.Allegation, Speaker: "FBI", SpeakerCountry: []string{"US"}, Accused: []string{"APT31"},
			Sentence: "The FBI said APT31 was behind the sierra breach."},
		news.Statement{Kind: news.Indictment, Speaker: "DOJ", SpeakerCountry: []string{"US"}, Accused: []string{"APT31"},
			Sentence: "The DOJ charged seven APT31 officers over the tango campaign."})
	e.put(upd) // seq 3: the new statements' seq

	w, err := e.svc.window(e.ctx, e.sub(ch))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range w.hits {
		got = append(got, fmt.Sprintf("%s@%d", h.ArticleID, h.Seq))
	}
	if want := "u2@2 u2@2 u1@3 u1@3"; strings.Join(got, " ") != want || w.maxSeq != 3 {
		t.Errorf("window = %s up to %d, want %s up to 3", strings.Join(got, " "), w.maxSeq, want)
	}

	e.clock.Set(time.Date(2026, 3, 28, 8, 0, 10, 0, loc))
	e.svc.Tick(e.ctx)
	posts := e.posted(ch)
	if len(posts) != 2 {
		t.Fatalf("%d posts, want 2", len(posts))
	}
	for _, word := range []string{"romeo", "sierra", "tango"} {
		if !strings.Contains(posts[1], word) {
			t.Errorf("day 2 lacks %q", word)
		}
	}
	if strings.Contains(posts[1], "quebec") {
		t.Error("day 2 repeats the statements the article had before its update")
	}
	if got := e.sub(ch).Watermark; got != 3 {
		t.Errorf("watermark %d, want 3", got)
	}
}
