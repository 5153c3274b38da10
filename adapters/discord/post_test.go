package discord

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/newsdesk/newsdesk/adapters/discord/discordfake"
	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/chat"
	"github.com/newsdesk/newsdesk/chat/chattest"
	"github.com/newsdesk/newsdesk/news"
)

// poster is an adapter that is not connected to the gateway: digests may
// post through it on their own.
func poster(t *testing.T) (*discordfake.Fake, *Adapter) {
	t.Helper()
	f := discordfake.New(t)
	a, err := New(Config{Token: discordfake.DefaultToken, HTTPClient: f.Client(), Delivery: chat.Policy{Sleep: chattest.NoWait}}, &fixedHandler{}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return f, a
}

func digestReply() bot.Reply {
	r := seedResults()
	r.Kind = bot.KindDigest
	r.Title = "Daily digest: 4 new statements"
	r.Sections[0].Heading = "APT31"
	r.Page, r.Pages, r.Next = 0, 0, ""
	r.Footer = "New since 2024-03-25 08:00 UTC"
	return r
}

// The chat seam's delivery promises hold for Discord: the real discordgo
// client against the fake's REST API.
func TestConformance(t *testing.T) {
	chattest.RunConformance(t, func(t *testing.T) chattest.Harness[message] {
		f, a := poster(t)
		return chattest.Harness[message]{
			Transport: transport{a},
			Fake:      f.Conformance(),
			Channel:   func(i int) string { return fmt.Sprintf("7500000000000009%02d", i) },
			Message: func(i int) message {
				return message{embeds: []*discordgo.MessageEmbed{{Title: fmt.Sprint("part ", i+1), Footer: &discordgo.MessageEmbedFooter{Text: "New since yesterday"}}}}
			},
			Long: longDigest(40),
		}
	})
}

// Discord's errors are classified by type, and by the transport's status
// where discordgo gives none (a 502 it did not retry).
func TestClassify(t *testing.T) {
	rest := func(code int) error {
		return &discordgo.RESTError{Response: &http.Response{StatusCode: code, Status: fmt.Sprint(code)}}
	}
	tests := []struct {
		name string
		err  error
		want chat.Class
	}{
		{"rate limited", &discordgo.RateLimitError{RateLimit: &discordgo.RateLimit{TooManyRequests: &discordgo.TooManyRequests{RetryAfter: 7 * time.Second}}}, chat.RateLimited},
		{"429", rest(429), chat.RateLimited},
		{"500", rest(500), chat.Unknown},
		{"403", rest(403), chat.Forbidden},
		{"404", rest(404), chat.Permanent},
		{"400", fmt.Errorf("create: %w", rest(400)), chat.Permanent},
		{"network", &url.Error{Op: "Post", URL: "https://discord.com/api/v9/channels/1/messages", Err: errors.New("connection reset")}, chat.Unknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := chat.ClassOf(chat.Errorf(transport{}.Classify(tt.err).Class, 0, "%w", tt.err)); got != tt.want {
				t.Errorf("Classify(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
	if got := (transport{}).Classify(tests[0].err); got.RetryAfter != 7*time.Second {
		t.Errorf("RetryAfter %v, want 7s", got.RetryAfter)
	}
}

func TestPostNonceAndFindSlot(t *testing.T) {
	t.Parallel()
	f, a := poster(t)
	ctx := context.Background()
	const ch = "750000000000000004"
	slot := "discord:" + ch + "/2024-03-26T08:00Z"

	if _, found, err := a.FindSlot(ctx, ch, slot); err != nil || found {
		t.Fatalf("FindSlot before posting = found %v, err %v; want not found", found, err)
	}
	mark := chat.Mark{Slot: slot, Part: 1, Parts: 1}.String()
	// Someone else's message quoting the mark does not count.
	f.AddMessage(ch, discordfake.Message{AuthorID: alice, Content: mark, Nonce: mark,
		Embeds: []*discordgo.MessageEmbed{{Title: "x", Footer: &discordgo.MessageEmbedFooter{Text: "ref " + mark}}}})

	id, err := a.Post(ctx, ch, digestReply(), slot)
	if err != nil {
		t.Fatal(err)
	}
	msgs := botMessages(f, ch)
	if len(msgs) != 1 {
		t.Fatalf("%d messages, want 1", len(msgs))
	}
	m := msgs[0]
	if m.Nonce != mark || !m.EnforceNonce {
		t.Errorf("nonce %q, enforce_nonce %v: want the mark %q, enforced", m.Nonce, m.EnforceNonce, mark)
	}
	assertNoMentions(t, m.AllowedMentions)
	last := m.Embeds[len(m.Embeds)-1]
	if last.Footer == nil || !strings.Contains(last.Footer.Text, "ref "+mark) {
		t.Errorf("last embed footer = %+v, want the mark %q", last.Footer, mark)
	}
	got, found, err := a.FindSlot(ctx, ch, slot)
	if err != nil || !found || got != id {
		t.Errorf("FindSlot = %q, %v, %v; want %q, true", got, found, err, id)
	}
	if _, found, _ := a.FindSlot(ctx, ch, slot+"x"); found {
		t.Error("FindSlot found another slot's message")
	}
	// Posting the same slot again (a retry after a crash) returns the
	// message Discord already has.
	again, err := a.Post(ctx, ch, digestReply(), slot)
	if err != nil || again != id {
		t.Errorf("second Post = %q, %v; want the first message %q", again, err, id)
	}
	if n := len(botMessages(f, ch)); n != 1 {
		t.Errorf("%d messages after posting the slot twice, want 1", n)
	}
	// Without a slot there is no nonce.
	if _, err := a.Post(ctx, ch, digestReply(), ""); err != nil {
		t.Fatal(err)
	}
	if ms := botMessages(f, ch); len(ms) != 2 || ms[1].Nonce != "" || ms[1].EnforceNonce {
		t.Errorf("post without slot: %+v, want a second message without nonce", ms)
	}
}

func TestPostRejectsBadChannel(t *testing.T) {
	_, a := poster(t)
	if _, err := a.Post(context.Background(), "#general", digestReply(), ""); err == nil || !strings.Contains(err.Error(), "#general") {
		t.Errorf("Post to #general: err = %v, want one naming the channel", err)
	}
	if _, _, err := a.FindSlot(context.Background(), "", "s"); err == nil {
		t.Error("FindSlot with no channel: want an error")
	}
}

func longDigest(n int) bot.Reply {
	r := bot.Reply{Kind: bot.KindDigest, Title: "Daily digest", Footer: "New since yesterday"}
	for s := range 3 {
		sec := bot.Section{Heading: fmt.Sprintf("Actor %d", s)}
		for i := range n {
			it := seedItem(news.Allegation, "Speaker "+strings.Repeat("x", 40), []string{"GB", "US"}, []string{"APT31"}, "likely",
				strings.Repeat(sentDowden+" ", 3))
			it.Answers = []bot.Item{seedItem(news.Response, "Embassy", []string{"CN"}, nil, "", sentEmbassy)}
			it.Title = fmt.Sprintf("Item %d.%d", s, i)
			sec.Items = append(sec.Items, it)
		}
		r.Sections = append(r.Sections, sec)
	}
	return r
}

func TestPostSplitsLongDigestWithinLimits(t *testing.T) {
	t.Parallel()
	f, a := poster(t)
	const ch = "750000000000000006"
	slot := "big"
	id, err := a.Post(context.Background(), ch, longDigest(40), slot)
	if err != nil {
		t.Fatalf("Post: %v", err) // the fake refuses embeds over Discord's limits with a 400
	}
	msgs := botMessages(f, ch)
	if len(msgs) < 2 {
		t.Fatalf("%d messages, want the digest split over several", len(msgs))
	}
	if msgs[len(msgs)-1].ID != id {
		t.Errorf("Post returned %s, want the last message %s", id, msgs[len(msgs)-1].ID)
	}
	nonces := map[string]bool{}
	fields := 0
	for i, m := range msgs {
		assertNoMentions(t, m.AllowedMentions)
		if nonces[m.Nonce] || m.Nonce == "" {
			t.Errorf("message %d nonce %q is empty or repeated", i, m.Nonce)
		}
		nonces[m.Nonce] = true
		total := 0
		for _, e := range m.Embeds {
			total += discordfake.EmbedChars(e)
			fields += len(e.Fields)
		}
		if total > MaxEmbedChars || len(m.Embeds) > 10 {
			t.Errorf("message %d: %d embeds, %d characters", i, len(m.Embeds), total)
		}
		if want := (chat.Mark{Slot: slot, Part: i + 1, Parts: len(msgs)}).String(); m.Nonce != want || !strings.Contains(embedText(m.Embeds), "ref "+want) {
			t.Errorf("message %d nonce %q, want its mark %q there and in its footer", i, m.Nonce, want)
		}
	}
	if fields != 120+3 { // every item, and its article's header once per section
		t.Errorf("%d fields posted, want all 120 items and 3 article headers", fields)
	}
	if got, found, _ := a.FindSlot(context.Background(), ch, slot); !found || got != id {
		t.Errorf("FindSlot = %q, %v; want the last message %s", got, found, id)
	}
}

func TestFindSlotWithoutGatewayAsksWhoAmI(t *testing.T) {
	t.Parallel()
	f, a := poster(t)
	if _, _, err := a.FindSlot(context.Background(), "750000000000000007", "s"); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range f.Requests() {
		if r.Path == "/users/@me" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d users/@me requests, want 1", n)
	}
}

// BenchmarkFindSlotFullScan is FindSlot's worst case: the slot is not in a
// busy channel, so every page down to chat.MaxHistoryPages is read.
func BenchmarkFindSlotFullScan(b *testing.B) {
	f := discordfake.New(b)
	a, err := New(Config{Token: discordfake.DefaultToken, HTTPClient: f.Client()}, &fixedHandler{}, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	const ch = "750000000000000300"
	for i := range historyPage * chat.MaxHistoryPages {
		f.AddMessage(ch, discordfake.Message{AuthorID: alice, Content: fmt.Sprint("chatter ", i)})
	}
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		if _, found, err := a.FindSlot(ctx, ch, "absent"); err != nil || found {
			b.Fatal(found, err)
		}
	}
}
