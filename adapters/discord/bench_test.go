package discord

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/adapters/discord/discordfake"
	"github.com/newsdesk/newsdesk/bot"
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

func benchMention(b *testing.B, h bot.Handler) {
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

// BenchmarkHTTPInteraction measures the HTTP interactions endpoint.
//
// "defer/fixed" and "defer/realbot": a signed APPLICATION_COMMAND POSTed on
// loopback, from sending the request to having read the {"type":5} answer
// (body cap, timestamp and Ed25519 verification, parsing, replay guard,
// deferral), as defer-p50-µs and defer-p99-µs; edit-p50-ms and edit-p99-ms are from sending
// to the original response's edit arriving at the fake (the handler's
// work, rendering and the webhook PATCH, including the retries after a 404
// while the fake has not yet processed the deferral: edit-404s/op), with
// the fixed handler or the real bot over the sample corpus. Each iteration
// waits for its edit.
//
// "verify-ping": ServeInteraction in process on a pre-signed PING (no
// network): the cost of verifying and answering one request.
func BenchmarkHTTPInteraction(b *testing.B) {
	b.Run("defer/fixed", func(b *testing.B) { benchHTTPDefer(b, nil) })
	b.Run("defer/realbot", func(b *testing.B) { benchHTTPDefer(b, testenv.Shared(b).Bot) })
	b.Run("verify-ping", benchVerifyPing)
}

func benchHTTPDefer(b *testing.B, h bot.Handler) {
	e := startHTTP(b, h)
	const ch = "760000000000000002"
	ctx := context.Background()
	deferLat := make([]time.Duration, 0, b.N)
	editLat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tok, payload := e.f.CommandPayload(discordfake.PushedCommand{ChannelID: ch, GuildID: guild, UserID: alice, Name: "newsdesk", Query: "search APT31"})
		d, err := e.f.Deliver(ctx, e.client, e.url, e.key, payload)
		if err != nil || d.Type != 5 {
			b.Fatalf("delivery: %v, answer %d %q", err, d.Status, d.Body)
		}
		deferLat = append(deferLat, d.Answered.Sub(d.Sent))
		if err := e.f.WaitFor(ctx, func() bool { in, _ := e.f.Interaction(tok); return len(in.Edits) == 1 }); err != nil {
			b.Fatal(err)
		}
		in, _ := e.f.Interaction(tok)
		editLat = append(editLat, in.Edits[0].At.Sub(d.Sent))
	}
	b.StopTimer()
	b.ReportMetric(quantile(deferLat, 0.50)*1000, "defer-p50-µs")
	b.ReportMetric(quantile(deferLat, 0.99)*1000, "defer-p99-µs")
	b.ReportMetric(quantile(editLat, 0.50), "edit-p50-ms")
	b.ReportMetric(quantile(editLat, 0.99), "edit-p99-ms")
	retries := 0
	for _, r := range e.f.Requests() {
		if r.Method == http.MethodPatch && r.Status == http.StatusNotFound {
			retries++
		}
	}
	b.ReportMetric(float64(retries)/float64(b.N), "edit-404s/op")
}

func benchVerifyPing(b *testing.B) {
	e := startHTTP(b, nil)
	reqs := make([]*http.Request, b.N)
	for i := range reqs {
		_, payload := e.f.PingPayload()
		r, err := discordfake.SignedRequest(context.Background(), "http://newsdesk.test"+InteractionsPath, e.key, time.Now(), payload)
		if err != nil {
			b.Fatal(err)
		}
		reqs[i] = r
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		w := httptest.NewRecorder()
		e.a.ServeInteraction(w, reqs[i])
		if w.Code != 200 {
			b.Fatalf("PING answered %d %q", w.Code, w.Body)
		}
	}
}

// quantile returns the q-quantile of ds in milliseconds (ds is sorted).
func quantile(ds []time.Duration, q float64) float64 {
	slices.Sort(ds)
	return float64(ds[min(len(ds)-1, int(q*float64(len(ds))))].Nanoseconds()) / 1e6
}
