package digest

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/adapters/slack"
	"github.com/newsdesk/newsdesk/adapters/slack/slackfake"
	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/chat"
	"github.com/newsdesk/newsdesk/chat/chattest"
	"github.com/newsdesk/newsdesk/internal/testenv"
	"github.com/newsdesk/newsdesk/news"
	"github.com/newsdesk/newsdesk/state"
)

// The first digest of a backfilled subscription over the bundled sample
// corpus (the seed article and the White House statements, ingested and
// extracted for real) follows the digest's rules and posts to Slack once.
func TestSampleCorpusDigest(t *testing.T) {
	env := testenv.New(t)
	st, err := state.Open(filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	fake := slackfake.New(t)
	sa, err := slack.New(slack.Config{BotToken: "xoxb-test", SigningSecret: "s", APIURL: fake.APIURL, Delivery: chat.Policy{Sleep: chattest.NoWait}}, env.Bot, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	clock := &fakeClock{t: time.Date(2026, 3, 27, 9, 0, 0, 0, time.UTC)}
	svc, err := New(Config{Store: st, Source: env.Index, Posters: map[string]Poster{"slack": sa}, Clock: clock, Log: quietLog(),
		Backfill: true, Filters: func(f string) (news.Query, error) { return bot.ParseFilters(f, env.Actors) }})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if err := svc.Subscribe(ctx, "slack:CSEED", bot.Subscription{At: "08:00", TZ: "Europe/London", Filter: "actor:APT31", Max: 50}); err != nil {
		t.Fatal(err)
	}
	r, err := svc.Preview(ctx, "slack:CSEED")
	if err != nil || r.Kind != bot.KindDigest || len(r.Sections) == 0 {
		t.Fatalf("preview: %+v, %v", r, err)
	}
	answered := 0
	for _, s := range r.Sections {
		sawResponse := false
		for _, it := range s.Items {
			if it.Kind == news.Response {
				sawResponse = true
			} else if sawResponse {
				t.Errorf("section %s: %s after a response", s.Heading, it.Kind)
			}
			answered += len(it.Answers)
			if it.Text == "" || (it.URL == "" && it.SourceName == "") { // the seed text file has a source name, no URL
				t.Errorf("item without sentence or source: %+v", it)
			}
		}
	}
	if answered == 0 {
		t.Errorf("no response placed under an allegation: %+v", r.Sections)
	}
	if _, err := svc.PostNow(ctx, "slack:CSEED"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.PostNow(ctx, "slack:CSEED"); err != nil {
		t.Fatal(err)
	}
	posts := fake.Posts()
	if len(posts) == 0 || !strings.Contains(string(posts[0].Blocks), "APT31") {
		t.Fatalf("%d posts", len(posts))
	}
	if slots := chattest.Slots(fake.Conformance().Posted("CSEED")); len(slots) != 1 {
		t.Errorf("%d digests posted, want 1", len(slots))
	}
}
