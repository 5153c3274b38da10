package slack

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

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
	if got := e.fake.Calls("conversations.history"); got != 1 {
		t.Errorf("conversations.history called %d times, want 1", got)
	}
}

func TestPostSplitsToSlackLimits(t *testing.T) {
	e := newEnv(t, seedHandler(), nil)
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
	// header + 4×(divider?, heading) + 120 items + context.
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
	if len(posts) != 3 || total != 1+4+3+120+1 || id != posts[0].TS {
		t.Errorf("%d messages, %d blocks, id %q; want 3 messages, 129 blocks, id of the first", len(posts), total, id)
	}
}
