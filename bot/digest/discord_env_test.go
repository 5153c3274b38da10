package digest

import (
	"fmt"
	"testing"

	"github.com/newsdesk/newsdesk/adapters/discord"
	"github.com/newsdesk/newsdesk/adapters/discord/discordfake"
	"github.com/newsdesk/newsdesk/bot"
)

// addDiscord adds the real Discord adapter talking to the Discord fake.
func addDiscord(t *testing.T, e *env) {
	t.Helper()
	f := discordfake.New(t)
	a, err := discord.New(discord.Config{Token: f.Token, HTTPClient: f.Client(), Delivery: delivery}, &bot.Bot{}, nil, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	e.platforms["discord"] = &platform{poster: a, fake: f.Conformance(), local: func(n int) string { return fmt.Sprint(100000000000000000 + n) }}
}
