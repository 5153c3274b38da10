package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/newsdesk/newsdesk/adapters/slack/slackfake"
	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/chat"
)

// A post without a slot: one chat.postMessage, unfurling off, no
// metadata, the notification text and the rendered blocks.
func TestPostUnmarked(t *testing.T) {
	e := newEnv(t, seedHandler(), nil)
	id, err := e.a.Post(context.Background(), "C0DIGEST", seedReply(), "")
	if err != nil {
		t.Fatalf("Post: %v", err)
	}
	posts := e.fake.Posts()
	if len(posts) != 1 || e.fake.Calls("conversations.history") != 0 {
		t.Fatalf("%d messages posted after %d history reads, want 1 after none", len(posts), e.fake.Calls("conversations.history"))
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
	if want := (chat.Mark{Slot: "2024-03-26T08:00", Part: 1, Parts: 1}).String(); p.Metadata == nil || p.Metadata.EventType != SlotEventType || p.Metadata.EventPayload["mark"] != want {
		t.Fatalf("metadata = %+v, want event %s with mark %s", p.Metadata, SlotEventType, want)
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
		if md, want := p.Metadata, (chat.Mark{Slot: "2024-03-26T08:00", Part: i + 1, Parts: 3}).String(); md == nil || md.EventPayload["mark"] != want {
			t.Errorf("message %d metadata %+v, want mark %s (part %d of 3)", i, p.Metadata, want, i+1)
		}
	}
	if len(posts) != 3 || total != 1+4+3+4+120+1 || id != posts[0].TS {
		t.Errorf("%d messages, %d blocks, id %q; want 3 messages, 133 blocks, id of the first", len(posts), total, id)
	}
}

// FindSlot pages back through the history (cursor) for a mark buried
// under more than a page of chatter, within SlotLookback and
// MaxHistoryPages.
func TestFindSlotPagesBack(t *testing.T) {
	const ch, slot = "C0DIGEST", "2024-03-26T08:00"
	tests := []struct {
		name      string
		pageCap   int // the fake's MaxHistoryPage (0: none)
		chatter   int
		found     bool
		wantReads int
	}{
		{"under 250 messages", 0, 250, true, 3},
		{"Slack's 15 a page for non-Marketplace apps", 15, 40, true, 3},
		{"beyond the page limit", 15, 15 * chat.MaxHistoryPages, false, chat.MaxHistoryPages},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, seedHandler(), nil)
			e.fake.MaxHistoryPage = tt.pageCap
			ctx := context.Background()
			id, err := e.a.Post(ctx, ch, seedReply(), slot)
			if err != nil {
				t.Fatal(err)
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
	for i := range historyPage * chat.MaxHistoryPages {
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
