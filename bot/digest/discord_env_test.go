package digest

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/adapters/discord"
	"github.com/newsdesk/newsdesk/adapters/discord/discordfake"
	"github.com/newsdesk/newsdesk/bot"
)

// addDiscord adds the real Discord adapter talking to the Discord fake.
func addDiscord(t *testing.T, e *env) {
	t.Helper()
	f := discordfake.New(t)
	a, err := discord.New(discord.Config{Token: f.Token, HTTPClient: f.Client(), RetryBackoff: time.Millisecond}, &bot.Bot{}, nil, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	e.discord = f
	e.posters["discord"] = a
}

// discordPosted is the messages in a Discord channel, as embed JSON.
func discordPosted(e *env, local string) []string {
	var out []string
	for _, m := range e.discord.Messages(local) {
		b, _ := json.Marshal(m.Embeds)
		out = append(out, m.Content+"\n"+string(b))
	}
	return out
}
