package discord

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/newsdesk/newsdesk/adapters/discord/discordfake"
	"github.com/newsdesk/newsdesk/bot"
)

const (
	guild   = "700000000000000001"
	channel = "700000000000000010"
	alice   = "700000000000000100"
)

func TestNewRejectsBadConfig(t *testing.T) {
	h := &fixedHandler{}
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"no token", Config{}, "DISCORD_BOT_TOKEN"},
		{"only prefix", Config{Token: "Bot "}, "DISCORD_BOT_TOKEN"},
		{"token with space", Config{Token: "abc def"}, "whitespace"},
		{"bad command", Config{Token: "t", Command: "NewsDesk!"}, "lowercase"},
		{"bad guild", Config{Token: "t", GuildID: "my-server"}, "DISCORD_GUILD_ID"},
		{"public key not hex", Config{Token: "t", PublicKey: "not-a-key"}, "DISCORD_PUBLIC_KEY"},
		{"public key too short", Config{Token: "t", PublicKey: "abcdef0123"}, "64 hex digits"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg, h, nil, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New(%+v) error = %v, want one mentioning %q", tc.cfg, err, tc.want)
			}
		})
	}
	if _, err := New(Config{Token: "t"}, nil, nil, nil); err == nil {
		t.Fatal("New with a nil handler: want an error")
	}
}

func TestConnectIdentifiesWithNonPrivilegedIntentsAndRegisters(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, guild string
	}{{"global", ""}, {"guild", guild}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := start(t, nil, func(c *Config) { c.GuildID = tc.guild })
			ids := e.f.Identifies()
			if len(ids) != 1 {
				t.Fatalf("got %d IDENTIFY, want 1", len(ids))
			}
			want := int(discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages)
			if ids[0].Intents != want {
				t.Errorf("intents = %d, want %d (GUILD_MESSAGES|DIRECT_MESSAGES, no MESSAGE_CONTENT)", ids[0].Intents, want)
			}
			if ids[0].Token != "Bot "+discordfake.DefaultToken {
				t.Errorf("identify token = %q, want the Bot-prefixed token", ids[0].Token)
			}
			cmds := e.f.Commands(tc.guild)
			if len(cmds) != 1 || cmds[0].Name != "newsdesk" {
				t.Fatalf("commands in %q = %+v, want one named newsdesk", tc.guild, cmds)
			}
			if other := e.f.Commands(map[string]string{"": guild, guild: ""}[tc.guild]); len(other) != 0 {
				t.Errorf("command also registered in the other scope: %+v", other)
			}
			o := cmds[0].Options
			if len(o) != 1 || o[0].Name != "query" || o[0].Type != discordgo.ApplicationCommandOptionString || !o[0].Required || !o[0].Autocomplete {
				t.Errorf("options = %+v, want one required string option \"query\" with autocomplete", o)
			}
			if e.a.BotID() != e.f.BotID {
				t.Errorf("BotID() = %q, want %q from READY", e.a.BotID(), e.f.BotID)
			}
		})
	}
}

func TestMentionAnsweredWithHits(t *testing.T) {
	t.Parallel()
	e := start(t, nil)
	bid := e.f.BotID
	for i, tc := range []struct {
		name     string
		msg      discordfake.PushedMessage
		wantText string
	}{
		{"<@id>", discordfake.PushedMessage{GuildID: guild, Content: "<@" + bid + "> search APT31", Mentions: []string{bid}}, "search APT31"},
		{"<@!id>", discordfake.PushedMessage{GuildID: guild, Content: "<@!" + bid + ">   search APT31 ", Mentions: []string{bid}}, "search APT31"},
		{"mention at the end", discordfake.PushedMessage{GuildID: guild, Content: "search APT31 <@" + bid + ">", Mentions: []string{bid}}, "search APT31"},
		{"reply ping (mentions only)", discordfake.PushedMessage{GuildID: guild, Content: "search APT31", Mentions: []string{bid}}, "search APT31"},
		{"direct message", discordfake.PushedMessage{Content: "search APT31"}, "search APT31"},
		{"bare mention is help", discordfake.PushedMessage{GuildID: guild, Content: "<@" + bid + ">", Mentions: []string{bid}}, "help"},
	} {
		ch := fmt.Sprintf("71%016d", i)
		t.Run(tc.name, func(t *testing.T) {
			tc.msg.ChannelID, tc.msg.AuthorID = ch, alice
			id, err := e.f.PushMessage(tc.msg)
			if err != nil {
				t.Fatal(err)
			}
			wait(t, e.f, "the reply", func() bool { return len(botMessages(e.f, ch)) == 1 })
			m := botMessages(e.f, ch)[0]
			var ref struct {
				MessageID string `json:"message_id"`
			}
			if err := json.Unmarshal(m.Reference, &ref); err != nil || ref.MessageID != id {
				t.Errorf("message_reference = %s, want a reply to %s", m.Reference, id)
			}
			assertNoMentions(t, m.AllowedMentions)
			var got *bot.Request
			for _, r := range e.h.requests() {
				if r.Channel == ch {
					got = &r
				}
			}
			if got == nil || got.Text != tc.wantText || got.Platform != "discord" || got.User != alice {
				t.Fatalf("handler got %+v, want text %q from %s on discord", got, tc.wantText, alice)
			}
			if tc.wantText != "search APT31" {
				return
			}
			all := embedText(m.Embeds)
			for _, want := range []string{"**APT31**", "Oliver Dowden (GB) → APT31", "*almost certain*", "2024-03-26", "[Sky News (via vietnam.vn)](" + seedURL + ")", "Chinese Embassy in the UK (CN)", "Page 1/2 · next: search APT31 page:2"} {
				if !strings.Contains(all, want) {
					t.Errorf("reply embeds lack %q:\n%s", want, all)
				}
			}
		})
	}
}

func embedText(es []*discordgo.MessageEmbed) string {
	var b strings.Builder
	for _, e := range es {
		b.WriteString(e.Title + "\n" + e.Description + "\n")
		for _, f := range e.Fields {
			b.WriteString(f.Name + "\n" + f.Value + "\n")
		}
		if e.Footer != nil {
			b.WriteString(e.Footer.Text + "\n")
		}
	}
	return b.String()
}

func assertNoMentions(t *testing.T, raw json.RawMessage) {
	t.Helper()
	var am struct {
		Parse *[]string `json:"parse"`
		Users []string  `json:"users"`
		Roles []string  `json:"roles"`
	}
	if err := json.Unmarshal(raw, &am); err != nil || am.Parse == nil || len(*am.Parse) != 0 || len(am.Users) != 0 || len(am.Roles) != 0 {
		t.Errorf("allowed_mentions = %s, want {\"parse\":[]} with no users or roles", raw)
	}
}

func TestMessagesNotForTheBotAreIgnored(t *testing.T) {
	t.Parallel()
	e := start(t, nil)
	bid := e.f.BotID
	const ch = "720000000000000001"
	ignored := []discordfake.PushedMessage{
		{GuildID: guild, AuthorID: alice, Content: "search APT31"},                                                                         // no mention
		{GuildID: guild, AuthorID: alice, Content: "<@" + alice + "> search APT31", Mentions: []string{alice}},                             // someone else
		{GuildID: guild, AuthorID: "730000000000000001", AuthorBot: true, Content: "<@" + bid + "> search APT31", Mentions: []string{bid}}, // another bot
		{GuildID: guild, AuthorID: bid, AuthorBot: true, Content: "<@" + bid + "> search APT31", Mentions: []string{bid}},                  // itself
		{AuthorID: bid, AuthorBot: true, Content: "search APT31"},                                                                          // its own DM
		{GuildID: guild, AuthorID: bid, Content: "<@" + bid + "> search APT31", Mentions: []string{bid}},                                   // itself, even without the bot flag
	}
	for _, m := range ignored {
		m.ChannelID = ch
		if _, err := e.f.PushMessage(m); err != nil {
			t.Fatal(err)
		}
	}
	// A sentinel that must be answered: the events before it were
	// dispatched first, so by its answer they have been dealt with.
	if _, err := e.f.PushMessage(discordfake.PushedMessage{ChannelID: ch, GuildID: guild, AuthorID: alice, Content: "<@" + bid + "> help", Mentions: []string{bid}}); err != nil {
		t.Fatal(err)
	}
	wait(t, e.f, "the sentinel's reply", func() bool { return len(botMessages(e.f, ch)) >= 1 })
	if got := e.h.requests(); len(got) != 1 || got[0].Text != "help" {
		t.Errorf("handler got %+v, want only the sentinel's \"help\"", got)
	}
	if n := len(botMessages(e.f, ch)); n != 1 {
		t.Errorf("bot posted %d messages, want 1 (the sentinel's reply)", n)
	}
}

func TestHandlerPanicAnswersWithError(t *testing.T) {
	t.Parallel()
	e := start(t, nil)
	const ch = "720000000000000002"
	if _, err := e.f.PushMessage(discordfake.PushedMessage{ChannelID: ch, AuthorID: alice, Content: "panic now"}); err != nil {
		t.Fatal(err)
	}
	wait(t, e.f, "the reply", func() bool { return len(botMessages(e.f, ch)) == 1 })
	if got := embedText(botMessages(e.f, ch)[0].Embeds); !strings.Contains(got, "Something went wrong") {
		t.Errorf("reply = %q, want the generic error", got)
	}
}

func TestArticleTextCannotPing(t *testing.T) {
	t.Parallel()
	e := start(t, nil)
	const ch = "720000000000000003"
	if _, err := e.f.PushMessage(discordfake.PushedMessage{ChannelID: ch, AuthorID: alice, Content: "hostile"}); err != nil {
		t.Fatal(err)
	}
	wait(t, e.f, "the reply", func() bool { return len(botMessages(e.f, ch)) == 1 })
	m := botMessages(e.f, ch)[0]
	assertNoMentions(t, m.AllowedMentions)
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(m.Raw, &raw); err != nil {
		t.Fatal(err)
	}
	if _, ok := raw["allowed_mentions"]; !ok {
		t.Fatalf("request body has no allowed_mentions: %s", m.Raw)
	}
	text := embedText(m.Embeds)
	for _, bad := range []string{"@everyone", "@here", "<@1234", "<@!1234", "<@&2234", "<#3234", "[click](", "javascript:"} {
		if strings.Contains(text, bad) {
			t.Errorf("reply contains live %q:\n%s", bad, text)
		}
	}
	for _, want := range []string{"@\u200beveryone", "@\u200bhere", "<@\u200b123456789012345678>", `\*\*bold\*\*`, `\[click\]`} {
		if !strings.Contains(text, want) {
			t.Errorf("reply lacks escaped %q:\n%s", want, text)
		}
	}
}

func TestReconnectAfterGatewayDrop(t *testing.T) {
	t.Parallel()
	e := start(t, nil)
	e.f.DropGateway()
	wait(t, e.f, "a second session", func() bool { return e.f.Sessions() >= 2 && e.f.Connected() })
	if r := e.f.Resumes(); r != 1 {
		t.Errorf("got %d RESUME, want 1 (the same session resumed)", r)
	}
	const ch = "720000000000000004"
	if _, err := e.f.PushMessage(discordfake.PushedMessage{ChannelID: ch, GuildID: guild, AuthorID: alice, Content: "<@" + e.f.BotID + "> search APT31", Mentions: []string{e.f.BotID}}); err != nil {
		t.Fatal(err)
	}
	wait(t, e.f, "the reply after reconnecting", func() bool { return len(botMessages(e.f, ch)) == 1 })
}

func TestHeartbeatsAcknowledged(t *testing.T) {
	t.Parallel()
	e := start(t, nil)
	wait(t, e.f, "a heartbeat", func() bool { return e.f.Heartbeats() >= 1 })
}

// slowHandler blocks until released, to catch shutdown mid-answer.
type slowHandler struct {
	started chan struct{}
	release chan struct{}
}

func (h *slowHandler) Handle(ctx context.Context, req bot.Request) bot.Reply {
	close(h.started)
	<-h.release
	return bot.Reply{Kind: bot.KindMessage, Text: "done: " + req.Text}
}

func TestRunShutsDownCleanly(t *testing.T) {
	t.Parallel()
	f := discordfake.New(t)
	h := &slowHandler{started: make(chan struct{}), release: make(chan struct{})}
	a, err := New(Config{Token: discordfake.DefaultToken, HTTPClient: f.Client()}, h, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	wait(t, f, "connected", func() bool { return f.Connected() && len(f.Commands("")) == 1 })
	const ch = "720000000000000009"
	if _, err := f.PushMessage(discordfake.PushedMessage{ChannelID: ch, AuthorID: alice, Content: "latest"}); err != nil {
		t.Fatal(err)
	}
	<-h.started
	cancel() // SIGTERM while an answer is in progress
	wait(t, f, "the gateway closed", func() bool { return !f.Connected() })
	select {
	case err := <-done:
		t.Fatalf("Run returned (%v) before the answer in progress finished", err)
	default:
	}
	close(h.release)
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run = %v, want nil", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Run did not return")
	}
	if ms := botMessages(f, ch); len(ms) != 1 || !strings.Contains(embedText(ms[0].Embeds), "done: latest") {
		t.Errorf("the answer in progress was not delivered: %+v", ms)
	}
	if _, err := f.PushMessage(discordfake.PushedMessage{ChannelID: ch, AuthorID: alice, Content: "latest"}); err == nil {
		t.Error("the fake still has a gateway connection after Run returned")
	}
}
