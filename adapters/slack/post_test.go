package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/newsdesk/newsdesk/adapters/slack/slackfake"
	"github.com/newsdesk/newsdesk/bot"
)

func TestPostRetriesThenPostsOnce(t *testing.T) {
	tests := []struct {
		name      string
		script    func(e *env)
		wantCalls int
	}{
		{"no trouble", func(e *env) {}, 1},
		{"429 then success", func(e *env) { e.fake.Fail("chat.postMessage", http.StatusTooManyRequests, 1, "0") }, 2},
		{"429 twice then success", func(e *env) { e.fake.Fail("chat.postMessage", http.StatusTooManyRequests, 2, "0") }, 3},
		{"429 without Retry-After then success", func(e *env) { e.fake.Fail("chat.postMessage", http.StatusTooManyRequests, 1, "") }, 2},
		{"503 then success", func(e *env) { e.fake.Fail("chat.postMessage", http.StatusServiceUnavailable, 1, "") }, 2},
		{"500, 502 then success", func(e *env) {
			e.fake.Fail("chat.postMessage", http.StatusInternalServerError, 1, "")
			e.fake.Fail("chat.postMessage", http.StatusBadGateway, 1, "")
		}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, seedHandler(), nil)
			tt.script(e)
			id, err := e.a.Post(context.Background(), "C0DIGEST", seedReply(), "")
			if err != nil {
				t.Fatalf("Post: %v", err)
			}
			posts := e.fake.Posts()
			if len(posts) != 1 {
				t.Fatalf("%d messages posted, want exactly 1", len(posts))
			}
			if got := e.fake.Calls("chat.postMessage"); got != tt.wantCalls {
				t.Errorf("chat.postMessage called %d times, want %d", got, tt.wantCalls)
			}
			p := posts[0]
			if id != p.TS || p.Channel != "C0DIGEST" {
				t.Errorf("id %q channel %q, want %q C0DIGEST", id, p.Channel, p.TS)
			}
			if p.UnfurlLinks != "false" || p.UnfurlMedia != "false" {
				t.Errorf("unfurl_links=%q unfurl_media=%q, want both false", p.UnfurlLinks, p.UnfurlMedia)
			}
			if p.Metadata != nil {
				t.Errorf("metadata %+v on a post without slot", p.Metadata)
			}
			if p.Text != "Search: APT31" || !strings.Contains(string(p.Blocks), "*APT31*") {
				t.Errorf("text %q blocks %s", p.Text, p.Blocks)
			}
		})
	}
}

func TestPostGivesUp(t *testing.T) {
	e := newEnv(t, seedHandler(), func(c *Config) { c.MaxAttempts = 3 })
	e.fake.Fail("chat.postMessage", http.StatusInternalServerError, 10, "")
	_, err := e.a.Post(context.Background(), "C0DIGEST", seedReply(), "")
	if err == nil || !strings.Contains(err.Error(), "gave up after 3 attempts") {
		t.Fatalf("err = %v, want gave up after 3 attempts", err)
	}
	if got := e.fake.Calls("chat.postMessage"); got != 3 {
		t.Errorf("%d calls, want 3", got)
	}
	if n := len(e.fake.Posts()); n != 0 {
		t.Errorf("%d posted", n)
	}
}

func TestPostHonoursContextDuringRetryAfter(t *testing.T) {
	e := newEnv(t, seedHandler(), nil)
	e.fake.Fail("chat.postMessage", http.StatusTooManyRequests, 1, "30")
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := e.a.Post(ctx, "C0DIGEST", seedReply(), "")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context deadline exceeded", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Post waited %s despite a 50ms context", d)
	}
	if n := len(e.fake.Posts()); n != 0 {
		t.Errorf("%d posted", n)
	}
}

func TestPostNotFoundChannelNotRetried(t *testing.T) {
	e := newEnv(t, seedHandler(), nil)
	_, err := e.a.Post(context.Background(), "", seedReply(), "")
	if err == nil {
		t.Fatal("Post to no channel succeeded")
	}
	e.fake.Token = "xoxb-other"
	_, err = e.a.Post(context.Background(), "C0DIGEST", seedReply(), "")
	if err == nil || !strings.Contains(err.Error(), "invalid_auth") {
		t.Fatalf("err = %v, want invalid_auth", err)
	}
	if got := e.fake.Calls("chat.postMessage"); got != 1 {
		t.Errorf("%d calls for a permanent error, want 1", got)
	}
}

func TestPostSlotAndFindSlot(t *testing.T) {
	e := newEnv(t, seedHandler(), nil)
	ctx := context.Background()
	if _, found, err := e.a.FindSlot(ctx, "C0DIGEST", "2024-03-26T08:00"); err != nil || found {
		t.Fatalf("FindSlot on an empty channel = found %v, %v", found, err)
	}
	_, _ = e.a.Post(ctx, "C0DIGEST", seedReply(), "2024-03-25T08:00")
	id, err := e.a.Post(ctx, "C0DIGEST", seedReply(), "2024-03-26T08:00")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = e.a.Post(ctx, "C0DIGEST", seedReply(), "")
	_, _ = e.a.Post(ctx, "C0OTHER", seedReply(), "2024-03-27T08:00")
	p := e.fake.Posts()[1]
	if p.Metadata == nil || p.Metadata.EventType != SlotEventType || p.Metadata.EventPayload["slot"] != "2024-03-26T08:00" {
		t.Fatalf("metadata = %+v", p.Metadata)
	}
	tests := []struct {
		channel, slot string
		found         bool
		id            string
	}{
		{"C0DIGEST", "2024-03-26T08:00", true, id},
		{"C0DIGEST", "2024-03-27T08:00", false, ""},
		{"C0OTHER", "2024-03-26T08:00", false, ""},
		{"C0OTHER", "2024-03-27T08:00", true, e.fake.Posts()[3].TS},
	}
	for _, tt := range tests {
		got, found, err := e.a.FindSlot(ctx, tt.channel, tt.slot)
		if err != nil || found != tt.found || got != tt.id {
			t.Errorf("FindSlot(%s, %s) = %q, %v, %v; want %q, %v", tt.channel, tt.slot, got, found, err, tt.id, tt.found)
		}
	}
}

func TestPostAfterAmbiguous5xxNotDoubled(t *testing.T) {
	e := newEnv(t, seedHandler(), nil)
	// Slack posts the message but answers 500: the retry must find it, not post again.
	e.fake.FailAfter("chat.postMessage", http.StatusInternalServerError, 1)
	id, err := e.a.Post(context.Background(), "C0DIGEST", seedReply(), "2024-03-26T08:00")
	if err != nil {
		t.Fatal(err)
	}
	posts := e.fake.Posts()
	if len(posts) != 1 || posts[0].TS != id {
		t.Fatalf("%d posts (id %q), want exactly the one Slack took", len(posts), id)
	}
	// One read before posting (is the slot there already?), one after the 500.
	if got := e.fake.Calls("conversations.history"); got != 2 {
		t.Errorf("conversations.history called %d times, want 2", got)
	}
}

// longReply is a digest that Post splits into 3 messages.
func longReply() bot.Reply {
	r := seedReply()
	item := r.Sections[0].Items[0]
	item.Text = strings.Repeat("APT31 again and again. ", 300) // ~6,900 characters
	r.Sections = nil
	for i := range 4 {
		s := bot.Section{Heading: "Accused: APT31 #" + string(rune('A'+i))}
		for range 30 {
			s.Items = append(s.Items, item)
		}
		r.Sections = append(r.Sections, s)
	}
	return r
}

func TestPostSplitsToSlackLimits(t *testing.T) {
	e := newEnv(t, seedHandler(), nil)
	r := longReply()
	// The second part is stored but answered with a 502: not posted twice.
	e.fake.Pass("chat.postMessage", 1)
	e.fake.FailAfter("chat.postMessage", http.StatusBadGateway, 1)
	id, err := e.a.Post(context.Background(), "C0DIGEST", r, "2024-03-26T08:00")
	if err != nil {
		t.Fatal(err)
	}
	posts := e.fake.Posts()
	if found, ok, err := e.a.FindSlot(context.Background(), "C0DIGEST", "2024-03-26T08:00"); err != nil || !ok || found != id {
		t.Errorf("FindSlot = %q, %v, %v; want the first part %q", found, ok, err, id)
	}
	// header + 4×(divider?, heading, the article's header) + 120 items + context.
	total := 0
	for i, p := range posts {
		var blocks []map[string]any
		if err := json.Unmarshal(p.Blocks, &blocks); err != nil {
			t.Fatal(err)
		}
		if len(blocks) > maxBlocks {
			t.Errorf("message %d has %d blocks", i, len(blocks))
		}
		total += len(blocks)
		for _, txt := range texts(t, p.Blocks)["mrkdwn"] {
			if n := len([]rune(txt)); n > maxSectionText {
				t.Errorf("message %d has a %d-character text", i, n)
			}
		}
		if md := p.Metadata; md == nil || md.EventPayload["slot"] != "2024-03-26T08:00" ||
			md.EventPayload["part"] != float64(i+1) || md.EventPayload["parts"] != float64(3) {
			t.Errorf("message %d metadata %+v, want slot 2024-03-26T08:00 part %d of 3", i, p.Metadata, i+1)
		}
	}
	if len(posts) != 3 || total != 1+4+3+4+120+1 || id != posts[0].TS {
		t.Errorf("%d messages, %d blocks, id %q; want 3 messages, 133 blocks, id of the first", len(posts), total, id)
	}
}

// slotPartsPosted lists the (part, parts) marks of the channel's posts for slot,
// in the order they were posted.
func slotPartsPosted(e *env, channel, slot string) [][2]int {
	var out [][2]int
	for _, p := range e.fake.Posts() {
		if p.Channel != channel || p.Metadata == nil || p.Metadata.EventPayload["slot"] != slot {
			continue
		}
		part, _ := p.Metadata.EventPayload["part"].(float64)
		parts, _ := p.Metadata.EventPayload["parts"].(float64)
		out = append(out, [2]int{int(part), int(parts)})
	}
	return out
}

// A post cut short (part k of 3 fails for good) is not found, and the next
// Post completes it: every part in the channel exactly once, in order.
func TestPostCompletesPartialSlot(t *testing.T) {
	const ch, slot = "C0DIGEST", "2024-03-26T08:00"
	for _, failing := range []int{2, 3} {
		t.Run(fmt.Sprintf("part %d fails", failing), func(t *testing.T) {
			e := newEnv(t, seedHandler(), func(c *Config) { c.MaxAttempts = 3 })
			ctx := context.Background()
			e.fake.Pass("chat.postMessage", failing-1)
			e.fake.Fail("chat.postMessage", http.StatusServiceUnavailable, 3, "")
			first, err := e.a.Post(ctx, ch, longReply(), slot)
			want := fmt.Sprintf("message %d of 3", failing)
			if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "gave up after 3 attempts") {
				t.Fatalf("Post = %v, want it to give up on %s", err, want)
			}
			if posts := e.fake.Posts(); len(posts) != failing-1 || first != posts[0].TS {
				t.Fatalf("%d posted (first %q), want %d and the first's ts", len(posts), first, failing-1)
			}
			if id, found, err := e.a.FindSlot(ctx, ch, slot); err != nil || found {
				t.Fatalf("FindSlot on a partial post = %q, %v, %v; want not found", id, found, err)
			}
			e.fake.AddMessage(slackfake.Message{Channel: ch, Text: "chatter between the attempts"})

			id, err := e.a.Post(ctx, ch, longReply(), slot)
			if err != nil || id != first {
				t.Fatalf("second Post = %q, %v; want the first part %q", id, err, first)
			}
			want3 := [][2]int{{1, 3}, {2, 3}, {3, 3}}
			if got := slotPartsPosted(e, ch, slot); !slices.Equal(got, want3) {
				t.Fatalf("parts posted %v, want %v", got, want3)
			}
			if got, found, err := e.a.FindSlot(ctx, ch, slot); err != nil || !found || got != first {
				t.Errorf("FindSlot = %q, %v, %v; want %q, found", got, found, err, first)
			}
			// Once more (a commit lost after the post): nothing is posted.
			if id, err := e.a.Post(ctx, ch, longReply(), slot); err != nil || id != first {
				t.Errorf("third Post = %q, %v; want %q", id, err, first)
			}
			if n := len(e.fake.Posts()); n != 3 {
				t.Errorf("%d messages posted in all, want 3", n)
			}
		})
	}
}

// FindSlot pages back through the history (cursor) for a mark buried
// under more than a page of chatter, within SlotLookback and
// MaxHistoryPages.
func TestFindSlotPagesBack(t *testing.T) {
	const ch, slot = "C0DIGEST", "2024-03-26T08:00"
	old := &slack.SlackMetadata{EventType: SlotEventType, EventPayload: map[string]any{"slot": slot, "part": 1, "parts": 1}}
	tests := []struct {
		name      string
		pageCap   int // the fake's MaxHistoryPage (0: none)
		multi     bool
		chatter   int
		stale     bool // the slot's message is older than SlotLookback (added, not posted)
		found     bool
		wantReads int
	}{
		{"under 250 messages", 0, false, 250, false, true, 3},
		{"multi-part under 150", 0, true, 150, false, true, 2},
		{"Slack's 15 a page for non-Marketplace apps", 15, false, 40, false, true, 3},
		{"beyond the page limit", 15, false, 15 * MaxHistoryPages, false, false, MaxHistoryPages},
		{"older than the lookback", 0, false, 10, true, false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, seedHandler(), nil)
			e.fake.MaxHistoryPage = tt.pageCap
			ctx := context.Background()
			var id string
			switch {
			case tt.stale:
				id = e.fake.AddMessage(slackfake.Message{Channel: ch, BotID: slackfake.BotID, Text: "digest",
					At: time.Now().Add(-SlotLookback - time.Hour), Metadata: old})
			case tt.multi:
				var err error
				if id, err = e.a.Post(ctx, ch, longReply(), slot); err != nil {
					t.Fatal(err)
				}
			default:
				var err error
				if id, err = e.a.Post(ctx, ch, seedReply(), slot); err != nil {
					t.Fatal(err)
				}
			}
			for i := range tt.chatter {
				e.fake.AddMessage(slackfake.Message{Channel: ch, Text: fmt.Sprint("chatter ", i)})
			}
			before := e.fake.Calls("conversations.history")
			got, found, err := e.a.FindSlot(ctx, ch, slot)
			if err != nil || found != tt.found || (found && got != id) {
				t.Errorf("FindSlot = %q, %v, %v; want found=%v (id %q)", got, found, err, tt.found, id)
			}
			if reads := e.fake.Calls("conversations.history") - before; reads != tt.wantReads {
				t.Errorf("%d history pages read, want %d", reads, tt.wantReads)
			}
		})
	}
}

// BenchmarkFindSlotFullScan is FindSlot's worst case: the slot is not in a
// busy channel, so every page down to MaxHistoryPages is read.
func BenchmarkFindSlotFullScan(b *testing.B) {
	e := newEnv(b, seedHandler(), nil)
	for i := range historyPage * MaxHistoryPages {
		e.fake.AddMessage(slackfake.Message{Channel: "C0DIGEST", Text: fmt.Sprint("chatter ", i)})
	}
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		if _, found, err := e.a.FindSlot(ctx, "C0DIGEST", "absent"); err != nil || found {
			b.Fatal(found, err)
		}
	}
}

// Without a history scope the check before a slot's post is refused; the
// post still goes out once. A passing failure of the same read fails it.
func TestPostSlotWithoutHistoryScope(t *testing.T) {
	e := newEnv(t, seedHandler(), nil)
	e.fake.Fail("conversations.history", http.StatusForbidden, 100, "")
	if _, err := e.a.Post(context.Background(), "C0PRIVATE", seedReply(), "slack:C0PRIVATE|2026-03-29"); err != nil {
		t.Fatalf("Post without history scope: %v", err)
	}
	if n := len(e.fake.Posts()); n != 1 {
		t.Errorf("%d messages, want 1", n)
	}

	e2 := newEnv(t, seedHandler(), nil)
	e2.fake.Fail("conversations.history", http.StatusServiceUnavailable, 100, "")
	if _, err := e2.a.Post(context.Background(), "C0DOWN", seedReply(), "slack:C0DOWN|2026-03-29"); err == nil {
		t.Error("Post went ahead although the history read failed for a passing reason")
	}
	if n := len(e2.fake.Posts()); n != 0 {
		t.Errorf("%d messages posted blind, want 0", n)
	}
}

// A post whose 5xx answer was lost (Slack stored it) is not repeated when
// the channel cannot be checked: one message and an error, never two.
func TestPostLost5xxWithoutHistoryIsNotRepeated(t *testing.T) {
	e := newEnv(t, seedHandler(), nil)
	e.fake.Fail("conversations.history", http.StatusForbidden, 100, "")
	e.fake.FailAfter("chat.postMessage", http.StatusInternalServerError, 1)
	_, err := e.a.Post(context.Background(), "C0PRIVATE", seedReply(), "slack:C0PRIVATE|2026-03-30")
	if err == nil || !strings.Contains(err.Error(), "not repeated blind") {
		t.Errorf("Post error = %v, want a refusal to repeat blind", err)
	}
	if n := len(e.fake.Posts()); n != 1 {
		t.Errorf("%d messages in the channel, want exactly 1", n)
	}
}
