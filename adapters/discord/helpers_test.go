package discord

import (
	"context"
	"flag"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/adapters/discord/discordfake"
	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/chat"
	"github.com/newsdesk/newsdesk/chat/chattest"
	"github.com/newsdesk/newsdesk/news"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

const seedURL = "https://www.vietnam.vn/en/my-anh-va-new-zealand-cao-buoc-trung-quoc-tan-cong-mang"

var seedDate = time.Date(2024, 3, 26, 0, 0, 0, 0, time.UTC)

// Sentences of the seed article (shared/seed/apt31-accusations-2024-03.txt).
const (
	sentDowden     = `In addition, Mr. Dowden also said the NCSC assessed with “almost certainty” that a hacker group nicknamed APT31, linked to the Chinese state, conducted espionage against British MPs in a separate campaign in 2021.`
	sentIndictment = `Britain and the United States have indicted APT31, listing a long list of its targets including White House staff, US senators, British lawmakers and government officials around the world who are critical of Beijing.`
	sentSanction   = `The announcement comes as both the UK and the US imposed sanctions on Wuhan Xiaoruizhi Science and Technology, which is believed to be a front company for China's Ministry of State Security.`
	sentEmbassy    = `The Chinese Embassy in the UK said the allegations were "completely baseless and malicious slander".`
	seedTitle      = `US, UK and New Zealand accuse China of cyber attacks`
)

func markOf(s, sub string) [][2]int {
	i := strings.Index(s, sub)
	if i < 0 {
		return nil
	}
	return [][2]int{{i, i + len(sub)}}
}

func seedItem(kind news.Kind, speaker string, by []string, accused []string, conf, sentence string) bot.Item {
	return bot.Item{
		Kind: kind, Speaker: speaker, SpeakerCountry: by, Accused: accused, Confidence: conf,
		Date: seedDate, ArticleID: "seed-apt31", Title: seedTitle, URL: seedURL, SourceName: "Sky News (via vietnam.vn)",
		Text: sentence, Marks: markOf(sentence, "APT31"),
	}
}

// seedResults is what "search APT31" answers with the seed article indexed.
func seedResults() bot.Reply {
	return bot.Reply{
		Kind:  bot.KindResults,
		Title: "4 statements for APT31",
		Sections: []bot.Section{{Items: []bot.Item{
			func() bot.Item {
				it := seedItem(news.Allegation, "Oliver Dowden", []string{"GB"}, []string{"APT31"}, "almost certain", sentDowden)
				it.Targets = []string{"British MPs"}
				it.EventDate = "2021"
				return it
			}(),
			seedItem(news.Indictment, "US prosecutors", []string{"US", "GB"}, []string{"APT31"}, "", sentIndictment),
			seedItem(news.Sanction, "UK and US governments", []string{"GB", "US"}, []string{"Wuhan Xiaoruizhi Science and Technology"}, "", sentSanction),
			seedItem(news.Response, "Chinese Embassy in the UK", []string{"CN"}, nil, "", sentEmbassy),
		}}},
		Page: 1, Pages: 2, Next: "search APT31 page:2",
	}
}

// hostile is a reply whose article text tries to ping and to break markdown.
func hostileReply() bot.Reply {
	text := "@everyone and @here: <@123456789012345678> <@!123456789012345678> <@&223456789012345678> <#323456789012345678> **bold** __u__ ~~s~~ ||spoiler|| `code` [click](https://evil.example) \\o/"
	it := seedItem(news.Allegation, "@everyone", []string{"GB"}, []string{"<@&1>"}, "likely", text)
	it.Title = "# Heading @here"
	it.URL = "javascript:alert(1)"
	return bot.Reply{Kind: bot.KindResults, Title: "> @everyone *title*", Text: "- list\n# head\n1. one @here",
		Sections: []bot.Section{{Items: []bot.Item{it}}}}
}

// fixedHandler answers from the seed article until internal/testenv can
// give a real bot; it records the requests it got.
type fixedHandler struct {
	mu   sync.Mutex
	reqs []bot.Request
}

func (h *fixedHandler) Handle(_ context.Context, req bot.Request) bot.Reply {
	h.mu.Lock()
	h.reqs = append(h.reqs, req)
	h.mu.Unlock()
	switch {
	case req.Text == "help":
		return bot.Reply{Kind: bot.KindMessage, Title: "newsdesk", Text: "search <words> · show <id> · latest · actor <name> · help"}
	case strings.HasPrefix(req.Text, "search APT31"), req.Text == "APT31":
		return seedResults()
	case strings.HasPrefix(req.Text, "hostile"):
		return hostileReply()
	case strings.HasPrefix(req.Text, "panic"):
		panic("handler exploded")
	default:
		return bot.Reply{Kind: bot.KindError, Text: "unknown field \"foo:\": use search <words> [actor:X] [by:GB] [kind:allegation] [since:2024-03-01]"}
	}
}

func (h *fixedHandler) requests() []bot.Request {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]bot.Request(nil), h.reqs...)
}

type staticSuggester []string

func (s staticSuggester) Suggest(prefix string, n int) []string {
	var out []string
	for _, name := range s {
		if strings.HasPrefix(strings.ToLower(name), strings.ToLower(prefix)) && len(out) < n {
			out = append(out, name)
		}
	}
	return out
}

var actorNames = staticSuggester{"APT28", "APT29", "APT31", "Violet Typhoon", "Volt Typhoon", "Lazarus Group", "ZIRCONIUM"}

// testLog sends slog output to t.Log until the test ends, and keeps it
// for String.
type testLog struct {
	t    testing.TB
	done atomic.Bool
	mu   sync.Mutex
	all  strings.Builder
}

func (w *testLog) Write(p []byte) (int, error) {
	w.mu.Lock()
	w.all.Write(p)
	w.mu.Unlock()
	if !w.done.Load() {
		w.t.Log(strings.TrimRight(string(p), "\n"))
	}
	return len(p), nil
}

// String is everything logged so far.
func (w *testLog) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.all.String()
}

type env struct {
	f   *discordfake.Fake
	a   *Adapter
	h   *fixedHandler
	log *testLog
}

type envOpt func(*Config)

// start runs an adapter with the fixed handler against a fresh fake and
// waits until it is connected and its command registered. The adapter is
// stopped (and Run's nil return checked) when the test ends.
func start(t testing.TB, h bot.Handler, opts ...envOpt) *env {
	t.Helper()
	f := discordfake.New(t)
	cfg := Config{Token: discordfake.DefaultToken, HTTPClient: f.Client(), Delivery: chat.Policy{Sleep: chattest.NoWait}, ShutdownGrace: 5 * time.Second}
	for _, o := range opts {
		o(&cfg)
	}
	lw := &testLog{t: t}
	var fh *fixedHandler
	if h == nil {
		fh = &fixedHandler{}
		h = fh
	}
	level := slog.LevelDebug
	if _, bench := t.(*testing.B); bench {
		level = slog.LevelInfo
	}
	a, err := New(cfg, h, actorNames, slog.New(slog.NewTextHandler(lw, &slog.HandlerOptions{Level: level})))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run returned %v after cancel, want nil", err)
			}
		case <-time.After(15 * time.Second):
			t.Errorf("Run did not return within 15s of cancel")
		}
		lw.done.Store(true)
	})
	wait(t, f, "connected and command registered", func() bool {
		return f.Connected() && len(f.Commands(cfg.GuildID)) == 1
	})
	return &env{f: f, a: a, h: fh, log: lw}
}

// wait blocks until cond holds (checked at every change in the fake), or
// fails the test after 10s (a deadlock guard, not a timing assertion).
func wait(t testing.TB, f *discordfake.Fake, what string, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := f.WaitFor(ctx, cond); err != nil {
		t.Fatalf("waiting for %s: %v", what, err)
	}
}

func botMessages(f *discordfake.Fake, channel string) []discordfake.Message {
	var out []discordfake.Message
	for _, m := range f.Messages(channel) {
		if m.AuthorID == f.BotID && m.Raw != nil { // posted through the REST API
			out = append(out, m)
		}
	}
	return out
}
