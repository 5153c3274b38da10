package discord

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/adapters/discord/discordfake"
	"github.com/newsdesk/newsdesk/internal/testenv"
)

// BenchmarkMentionToReply measures the latency from a MESSAGE_CREATE pushed
// by the fake gateway to the reply's REST call arriving at the fake
// (gateway read, event dispatch, handler, rendering, discordgo's rate
// limiter and HTTP on loopback), reported as p50-ms and p99-ms. "fixed" uses
// the fixed handler (the adapter's own cost); "realbot" the real bot over
// an in-memory index with the sample corpus (search included).
func BenchmarkMentionToReply(b *testing.B) {
	b.Run("fixed", func(b *testing.B) { benchMention(b, nil) })
	b.Run("realbot", func(b *testing.B) { benchMention(b, testenv.NewBot(b)) })
}

func benchMention(b *testing.B, h Handler) {
	e := start(b, h)
	const ch = "760000000000000001"
	bid := e.f.BotID
	lat := make([]time.Duration, 0, b.N)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		before := len(botMessages(e.f, ch))
		t0 := time.Now()
		if _, err := e.f.PushMessage(discordfake.PushedMessage{ChannelID: ch, GuildID: guild, AuthorID: alice,
			Content: "<@" + bid + "> search APT31", Mentions: []string{bid}}); err != nil {
			b.Fatal(err)
		}
		if err := e.f.WaitFor(ctx, func() bool { return len(botMessages(e.f, ch)) > before }); err != nil {
			b.Fatal(err)
		}
		ms := botMessages(e.f, ch)
		lat = append(lat, ms[len(ms)-1].At.Sub(t0))
	}
	b.StopTimer()
	slices.Sort(lat)
	q := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(q(0.50), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
}
