package discord

import (
	"bytes"
	"image/png"
	"strings"
	"testing"

	"github.com/newsdesk/newsdesk/adapters/discord/discordfake"
	"github.com/newsdesk/newsdesk/internal/testenv"
)

// TestMentionAnsweredByRealBot runs the real bot over a real in-memory
// index holding the seed article: the mention's reply carries its hits.
func TestMentionAnsweredByRealBot(t *testing.T) {
	t.Parallel()
	e := start(t, testenv.NewBot(t))
	const ch = "770000000000000001"
	bid := e.f.BotID
	if _, err := e.f.PushMessage(discordfake.PushedMessage{ChannelID: ch, GuildID: guild, AuthorID: alice,
		Content: "<@" + bid + "> search APT31", Mentions: []string{bid}}); err != nil {
		t.Fatal(err)
	}
	wait(t, e.f, "the reply", func() bool { return len(botMessages(e.f, ch)) == 1 })
	m := botMessages(e.f, ch)[0]
	assertNoMentions(t, m.AllowedMentions)
	text := embedText(m.Embeds)
	for _, want := range []string{"APT31", "Dowden"} {
		if !strings.Contains(text, want) {
			t.Errorf("reply lacks %q:\n%s", want, text)
		}
	}
	if len(m.Embeds) == 0 || len(m.Embeds[0].Fields) == 0 {
		t.Errorf("reply has no hit fields: %+v", m.Embeds)
	}
}

// TestTrendChartAttached: a trend command is answered with its summary,
// then a follow-up carries the PNG as a multipart attachment shown in an
// embed (the real discordgo client against the fake).
func TestTrendChartAttached(t *testing.T) {
	t.Parallel()
	e := start(t, testenv.Shared(t).Bot)
	tok, err := e.f.PushCommand(discordfake.PushedCommand{ChannelID: "740000000000000009", GuildID: guild, UserID: alice, Name: "newsdesk", Query: "trend actor:APT31"})
	if err != nil {
		t.Fatal(err)
	}
	wait(t, e.f, "the chart follow-up", func() bool {
		in, _ := e.f.Interaction(tok)
		return len(in.Followups) == 1
	})
	in, _ := e.f.Interaction(tok)
	if len(in.Edits) != 1 || !strings.Contains(embedText(in.Edits[0].Embeds), "statements (actor:APT31)") {
		t.Errorf("the answer lacks the chart's summary: %+v", in.Edits)
	}
	fu := in.Followups[0]
	assertNoMentions(t, fu.AllowedMentions)
	if len(fu.Files) != 1 || fu.Files[0].Name != "newsdesk-trend-actor-apt31.png" {
		t.Fatalf("follow-up files %+v, want the chart", fu.Files)
	}
	if _, err := png.Decode(bytes.NewReader(fu.Files[0].Bytes)); err != nil {
		t.Errorf("the attachment is not a PNG: %v", err)
	}
	if len(fu.Embeds) != 1 || fu.Embeds[0].Image == nil || fu.Embeds[0].Image.URL != "attachment://newsdesk-trend-actor-apt31.png" {
		t.Errorf("the follow-up does not show the attachment: %+v", fu.Embeds)
	}
}
