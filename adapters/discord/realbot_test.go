package discord

import (
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
