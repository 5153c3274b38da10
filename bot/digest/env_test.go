package digest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/adapters/slack"
	"github.com/newsdesk/newsdesk/adapters/slack/slackfake"
	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/chat"
	"github.com/newsdesk/newsdesk/chat/chattest"
	"github.com/newsdesk/newsdesk/index"
	"github.com/newsdesk/newsdesk/news"
	"github.com/newsdesk/newsdesk/state"
)

// fakeClock is the injected clock: tests move it, the service reads it.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

func (c *fakeClock) Add(d time.Duration) { c.Set(c.Now().Add(d)) }

// platform is one chat platform of the env: its real adapter (the
// Poster) over its loopback fake, driven in the chat seam's terms.
type platform struct {
	poster Poster
	fake   chattest.Fake
	local  func(n int) string // a channel id of the platform
}

// platformNames are the platforms the delivery tests run on: one test
// body, written against the seam, for each.
var platformNames = []string{"slack", "discord"}

// env is a newsdesk in miniature: state on disk, a real in-memory Bleve
// index, the real Slack and Discord adapters talking to their fakes on
// loopback, and a fake clock.
type env struct {
	t         *testing.T
	ctx       context.Context
	path      string
	store     *state.Store
	ix        *index.Index
	clock     *fakeClock
	slack     *slackfake.Server
	platforms map[string]*platform
	posters   map[string]Poster
	mod       func(*Config)
	svc       *Service
	nextSeq   uint64
	putAt     []time.Time // putAt[seq-1]: when article seq was ingested
}

var errCrash = errors.New("simulated crash")

// delivery is the adapters' chat policy: three attempts a post, no real
// waiting.
var delivery = chat.Policy{MaxAttempts: 3, Sleep: chattest.NoWait}

func newEnv(t *testing.T, start time.Time, mod func(*Config)) *env {
	t.Helper()
	e := &env{t: t, ctx: context.Background(), path: filepath.Join(t.TempDir(), "state.db"), clock: &fakeClock{t: start}, mod: mod}
	var err error
	if e.ix, err = index.OpenMem(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.ix.Close() })
	e.slack = slackfake.New(t)
	sa, err := slack.New(slack.Config{
		BotToken: "xoxb-test", SigningSecret: "secret", APIURL: e.slack.APIURL, Delivery: delivery,
	}, &bot.Bot{}, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	e.platforms = map[string]*platform{"slack": {poster: sa, fake: e.slack.Conformance(), local: func(n int) string { return fmt.Sprintf("C%d", n) }}}
	addDiscord(t, e)
	e.posters = map[string]Poster{}
	for name, p := range e.platforms {
		e.posters[name] = p.poster
	}
	e.start()
	return e
}

func quietLog() *slog.Logger { return slog.New(slog.DiscardHandler) }

// start opens the state and builds a service, as newsdesk does at start-up.
func (e *env) start() {
	e.t.Helper()
	st, err := state.Open(e.path)
	if err != nil {
		e.t.Fatal(err)
	}
	e.store = st
	e.t.Cleanup(func() { st.Close() })
	cfg := Config{Store: st, Source: e.ix, Posters: e.posters, Filters: filterParser, Clock: e.clock, Log: quietLog()}
	if e.mod != nil {
		e.mod(&cfg)
	}
	if e.svc, err = New(cfg); err != nil {
		e.t.Fatal(err)
	}
}

// restart drops the service and its state handle (a crash or a deploy) and
// starts again from what is on disk.
func (e *env) restart() {
	e.t.Helper()
	if err := e.store.Close(); err != nil {
		e.t.Fatal(err)
	}
	e.start()
}

// put ingests articles, giving each the next sequence number.
func (e *env) put(arts ...news.Article) {
	e.t.Helper()
	for i := range arts {
		e.nextSeq++
		arts[i].Seq = e.nextSeq
		arts[i].IngestedAt = e.clock.Now()
		e.putAt = append(e.putAt, e.clock.Now())
	}
	if err := e.ix.Put(e.ctx, arts); err != nil {
		e.t.Fatal(err)
	}
}

// seqAt is the last seq ingested at or before t.
func (e *env) seqAt(t time.Time) uint64 {
	var n uint64
	for i, at := range e.putAt {
		if !at.After(t) {
			n = uint64(i + 1)
		}
	}
	return n
}

func (e *env) subscribe(channel string, sub bot.Subscription) {
	e.t.Helper()
	if err := e.svc.Subscribe(e.ctx, channel, sub); err != nil {
		e.t.Fatalf("subscribe %s: %v", channel, err)
	}
}

func (e *env) sub(channel string) state.Subscription {
	e.t.Helper()
	s, ok, err := e.store.Subscription(e.ctx, channel)
	if err != nil || !ok {
		e.t.Fatalf("subscription %s: ok=%v err=%v", channel, ok, err)
	}
	return s
}

// posted is what the platform holds for a channel: one entry per message,
// the text a reader would see (for content checks).
func (e *env) posted(channel string) []string {
	e.t.Helper()
	name, local, _ := strings.Cut(channel, ":")
	var out []string
	for _, p := range e.platforms[name].fake.Posted(local) {
		out = append(out, p.Text)
	}
	return out
}

// slots lists the slots marked on the messages in a channel and fails the
// test if a part of one appears twice.
func (e *env) slots(channel string) []string {
	e.t.Helper()
	// a long digest is several messages of one slot: each (slot, part) must
	// appear once, and the slot is listed once
	var out []string
	name, local, _ := strings.Cut(channel, ":")
	for s, parts := range chattest.Slots(e.platforms[name].fake.Posted(local)) {
		if len(slices.Compact(slices.Sorted(slices.Values(parts)))) != len(parts) {
			e.t.Errorf("slot %s: parts %v, some posted twice in %s", s, parts, channel)
		}
		out = append(out, s)
	}
	return out
}

func (e *env) slot(key string) state.Slot {
	e.t.Helper()
	sl, ok, err := e.store.Slot(e.ctx, key)
	if err != nil || !ok {
		e.t.Fatalf("slot %s: ok=%v err=%v", key, ok, err)
	}
	return sl
}

// filterParser is a small stand-in for bot.ParseFilters (wired in cmd):
// "actor:X" and "kind:K" only.
func filterParser(f string) (news.Query, error) {
	var q news.Query
	for _, w := range strings.Fields(f) {
		k, v, ok := strings.Cut(w, ":")
		switch {
		case ok && k == "actor":
			q.Actors = append(q.Actors, v)
		case ok && k == "kind":
			q.Kinds = append(q.Kinds, news.Kind(v))
		default:
			return q, fmt.Errorf("unknown filter %q", w)
		}
	}
	return q, nil
}

var published = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// story is an article with an allegation against actor and the accused
// state's response; word makes its text findable in a post.
func story(id, actor, word string, pub time.Time) news.Article {
	return news.Article{
		ID: id, Title: "Story " + id, Published: pub,
		Source: news.Source{Name: "Wire", URL: "https://example.org/" + id},
		Body:   "body " + word,
		Statements: []news.Statement{
			{Kind: news.Allegation, Speaker: "NCSC", SpeakerCountry: []string{"GB"}, Accused: []string{actor}, Confidence: "almost certain",
				Sentence: "The NCSC said " + actor + " was behind the " + word + " intrusion."},
			{Kind: news.Response, Speaker: "Embassy", SpeakerCountry: []string{"CN"}, Accused: []string{actor},
				Sentence: "The embassy called the " + word + " claims baseless."},
		},
	}
}
