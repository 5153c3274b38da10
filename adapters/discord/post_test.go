package discord

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/newsdesk/newsdesk/adapters/discord/discordfake"
	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/news"
)

// poster is an adapter that is not connected to the gateway: digests may
// post through it on their own.
func poster(t *testing.T) (*discordfake.Fake, *Adapter) {
	t.Helper()
	f := discordfake.New(t)
	a, err := New(Config{Token: discordfake.DefaultToken, HTTPClient: f.Client(), RetryBackoff: time.Millisecond}, &fixedHandler{}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return f, a
}

func messagePosts(f *discordfake.Fake, ch string) []discordfake.Request {
	var out []discordfake.Request
	for _, r := range f.Requests() {
		if r.Method == http.MethodPost && r.Path == "/channels/"+ch+"/messages" {
			out = append(out, r)
		}
	}
	return out
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

func TestPostRetriesThenPostsOnce(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		fail     discordfake.Failure
		attempts int
	}{
		{"429 once", discordfake.Failure{Status: 429}, 2},
		{"429 twice", discordfake.Failure{Status: 429, Times: 2}, 3},
		{"500 once", discordfake.Failure{Status: 500}, 2},
		{"502 once", discordfake.Failure{Status: 502}, 2},
		{"503 three times", discordfake.Failure{Status: 503, Times: 3}, 4},
		{"500 after the message was stored", discordfake.Failure{Status: 500, AfterCommit: true}, 2},
		{"502 after the message was stored, twice", discordfake.Failure{Status: 502, AfterCommit: true, Times: 2}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, a := poster(t)
			const ch = "750000000000000001"
			tc.fail.Method, tc.fail.Path = "POST", "/channels/*/messages"
			f.Fail(tc.fail)
			id, err := a.Post(context.Background(), ch, digestReply(), "digest:"+ch+":2024-03-26")
			if err != nil {
				t.Fatalf("Post: %v", err)
			}
			msgs := botMessages(f, ch)
			if len(msgs) != 1 || msgs[0].ID != id {
				t.Fatalf("channel holds %d messages (want 1 with id %s): %+v", len(msgs), id, msgs)
			}
			if n := len(messagePosts(f, ch)); n != tc.attempts {
				t.Errorf("%d POSTs, want %d", n, tc.attempts)
			}
			assertNoMentions(t, msgs[0].AllowedMentions)
		})
	}
}

func TestPostGivesUp(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		fail     discordfake.Failure
		attempts int
		want     string
	}{
		{"5xx every time", discordfake.Failure{Status: 500, Times: 100}, maxAttempts, "500"},
		{"4xx at once", discordfake.Failure{Status: 403}, 1, "403"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, a := poster(t)
			const ch = "750000000000000002"
			tc.fail.Method, tc.fail.Path = "POST", "/channels/*/messages"
			f.Fail(tc.fail)
			_, err := a.Post(context.Background(), ch, digestReply(), "s1")
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), ch) {
				t.Fatalf("Post error = %v, want one naming the channel and %s", err, tc.want)
			}
			if n := len(messagePosts(f, ch)); n != tc.attempts {
				t.Errorf("%d POSTs, want %d", n, tc.attempts)
			}
		})
	}
}

func TestPostStopsOnContext(t *testing.T) {
	t.Parallel()
	f := discordfake.New(t)
	a, err := New(Config{Token: discordfake.DefaultToken, HTTPClient: f.Client(), RetryBackoff: time.Hour}, &fixedHandler{}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	f.Fail(discordfake.Failure{Method: "POST", Path: "/channels/*/messages", Status: 500})
	ctx, cancel := context.WithCancel(context.Background())
	changed := f.Changed()
	go func() {
		<-changed // the first (failing) POST arrived
		cancel()
	}()
	if _, err := a.Post(ctx, "750000000000000003", digestReply(), "s"); err == nil || !strings.Contains(err.Error(), "context canceled") {
		t.Fatalf("Post error = %v, want context canceled", err)
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
	// Someone else's message quoting the marker does not count.
	f.AddMessage(ch, discordfake.Message{AuthorID: alice, Content: SlotMarker(slot)})

	id, err := a.Post(ctx, ch, digestReply(), slot)
	if err != nil {
		t.Fatal(err)
	}
	msgs := botMessages(f, ch)
	if len(msgs) != 1 {
		t.Fatalf("%d messages, want 1", len(msgs))
	}
	m := msgs[0]
	if m.Nonce == "" || len(m.Nonce) > 25 || !m.EnforceNonce {
		t.Errorf("nonce %q (len %d), enforce_nonce %v: want a nonce of at most 25 characters, enforced", m.Nonce, len(m.Nonce), m.EnforceNonce)
	}
	last := m.Embeds[len(m.Embeds)-1]
	if last.Footer == nil || !strings.Contains(last.Footer.Text, SlotMarker(slot)) {
		t.Errorf("last embed footer = %+v, want the slot marker %q", last.Footer, SlotMarker(slot))
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

func messageLists(f *discordfake.Fake, ch string) int {
	n := 0
	for _, r := range f.Requests() {
		if r.Method == http.MethodGet && r.Path == "/channels/"+ch+"/messages" {
			n++
		}
	}
	return n
}

// FindSlot pages back (before) through the channel for a marker buried
// under more than a page of chatter, within SlotLookback and
// MaxHistoryPages.
func TestFindSlotPagesBack(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		multi     bool
		chatter   int
		age       time.Duration // how long ago the slot was posted
		found     bool
		wantReads int
	}{
		{"under 120 messages", false, 120, 0, true, 2},
		{"multi-part under 250", true, 250, 0, true, 3},
		{"beyond the page limit", false, historyPage * MaxHistoryPages, 0, false, MaxHistoryPages},
		{"older than the lookback", false, 10, SlotLookback + time.Hour, false, 1},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, a := poster(t)
			ctx := context.Background()
			ch := fmt.Sprintf("7500000000000001%02d", i)
			const slot = "discord:2024-03-26T08:00Z"
			r := digestReply()
			if tt.multi {
				r = longDigest(40)
			}
			id, err := a.Post(ctx, ch, r, slot)
			if err != nil {
				t.Fatal(err)
			}
			f.Age(ch, tt.age)
			for i := range tt.chatter {
				f.AddMessage(ch, discordfake.Message{AuthorID: alice, Content: fmt.Sprint("chatter ", i)})
			}
			before := messageLists(f, ch)
			got, found, err := a.FindSlot(ctx, ch, slot)
			if err != nil || found != tt.found || (found && got != id) {
				t.Errorf("FindSlot = %q, %v, %v; want found=%v (id %s)", got, found, err, tt.found, id)
			}
			if reads := messageLists(f, ch) - before; reads != tt.wantReads {
				t.Errorf("%d message pages read, want %d", reads, tt.wantReads)
			}
		})
	}
}

// A post cut short (message k of n fails for good) is not found, and the
// next Post, a minute or more later (past Discord's nonce window, or not),
// posts only the missing messages: every part exactly once, in order.
func TestPostCompletesPartialSlot(t *testing.T) {
	t.Parallel()
	const slot = "discord:2024-03-26T08:00Z"
	key := "slot:" + slot
	for i, tc := range []struct {
		name    string
		failing int // 1-based; 0: the last
		aged    bool
	}{
		{"second fails, retried past the nonce window", 2, true},
		{"last fails, retried past the nonce window", 0, true},
		{"second fails, retried within the nonce window", 2, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, a := poster(t)
			ctx := context.Background()
			ch := fmt.Sprintf("7500000000000002%02d", i)
			n := len(splitReserving(Render(longDigest(40)), utf8.RuneCountInString(footerSep+SlotMarker(slot))))
			if n < 3 {
				t.Fatalf("the long digest makes %d messages; the test wants 3 or more", n)
			}
			failing := tc.failing
			if failing == 0 {
				failing = n
			}
			f.Fail(discordfake.Failure{Method: "POST", Path: "/channels/*/messages", Status: 503, Times: maxAttempts, Pass: failing - 1})
			_, err := a.Post(ctx, ch, longDigest(40), slot)
			if want := fmt.Sprintf("message %d of %d", failing, n); err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("Post = %v, want a failure at %s", err, want)
			}
			if got := len(botMessages(f, ch)); got != failing-1 {
				t.Fatalf("%d messages posted, want %d", got, failing-1)
			}
			if id, found, err := a.FindSlot(ctx, ch, slot); err != nil || found {
				t.Fatalf("FindSlot on a partial post = %q, %v, %v; want not found", id, found, err)
			}
			if tc.aged {
				f.Age(ch, discordfake.DefaultNonceWindow+time.Minute)
			}
			f.AddMessage(ch, discordfake.Message{AuthorID: alice, Content: "chatter between the attempts"})
			posts := len(messagePosts(f, ch))

			id, err := a.Post(ctx, ch, longDigest(40), slot)
			if err != nil {
				t.Fatalf("second Post: %v", err)
			}
			if sent := len(messagePosts(f, ch)) - posts; sent != n-failing+1 {
				t.Errorf("second Post sent %d messages, want only the %d missing", sent, n-failing+1)
			}
			msgs := botMessages(f, ch)
			if len(msgs) != n || msgs[n-1].ID != id {
				t.Fatalf("%d messages (last %v), want %d, the last %s", len(msgs), msgs[len(msgs)-1].ID, n, id)
			}
			for j, m := range msgs {
				if want := partMarker(key, partOf(j, n)); !strings.Contains(embedText(m.Embeds), want) {
					t.Errorf("message %d does not carry %q: parts out of order or doubled", j, want)
				}
			}
			if got, found, err := a.FindSlot(ctx, ch, slot); err != nil || !found || got != id {
				t.Errorf("FindSlot = %q, %v, %v; want %s, found", got, found, err, id)
			}
			// Once more (the commit was lost): nothing is sent.
			posts = len(messagePosts(f, ch))
			if again, err := a.Post(ctx, ch, longDigest(40), slot); err != nil || again != id {
				t.Errorf("third Post = %q, %v; want %s", again, err, id)
			}
			if sent := len(messagePosts(f, ch)) - posts; sent != 0 {
				t.Errorf("third Post sent %d messages, want none", sent)
			}
		})
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
		marked := strings.Contains(embedText(m.Embeds), SlotMarker(slot))
		if marked != (i == len(msgs)-1) {
			t.Errorf("message %d carries the slot marker: %v; want only the last", i, marked)
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
// busy channel, so every page down to MaxHistoryPages is read.
func BenchmarkFindSlotFullScan(b *testing.B) {
	f := discordfake.New(b)
	a, err := New(Config{Token: discordfake.DefaultToken, HTTPClient: f.Client(), RetryBackoff: time.Millisecond}, &fixedHandler{}, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	const ch = "750000000000000300"
	for i := range historyPage * MaxHistoryPages {
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

// Without Read Message History the check before a slot's post is refused;
// the post still goes out once. A passing failure of the same read fails it.
func TestPostSlotWithoutReadHistory(t *testing.T) {
	t.Parallel()
	f, a := poster(t)
	ctx := context.Background()
	const ch = "750000000000000077"
	f.Fail(discordfake.Failure{Method: http.MethodGet, Path: "/channels/*/messages", Status: http.StatusForbidden, Times: 100})
	if _, err := a.Post(ctx, ch, digestReply(), "discord:"+ch+"/2026-03-29"); err != nil {
		t.Fatalf("Post without Read Message History: %v", err)
	}
	if n := len(botMessages(f, ch)); n != 1 {
		t.Errorf("%d messages, want 1", n)
	}

	f2, a2 := poster(t)
	const ch2 = "750000000000000078"
	f2.Fail(discordfake.Failure{Method: http.MethodGet, Path: "/channels/*/messages", Status: http.StatusServiceUnavailable, Times: 100})
	if _, err := a2.Post(ctx, ch2, digestReply(), "discord:"+ch2+"/2026-03-29"); err == nil {
		t.Error("Post went ahead although the history read failed for a passing reason")
	}
	if n := len(botMessages(f2, ch2)); n != 0 {
		t.Errorf("%d messages posted blind, want 0", n)
	}
}
