package slack

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/newsdesk/newsdesk/adapters/slack/slackfake"
	"github.com/newsdesk/newsdesk/bot"
)

var jsonHeader = map[string]string{"Content-Type": "application/json"}

func TestEventsURLVerification(t *testing.T) {
	e := newEnv(t, seedHandler(), nil)
	body := []byte(`{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`)
	status, resp := e.post(t, "/slack/events", body, testSecret, time.Now(), jsonHeader)
	if status != http.StatusOK || string(resp) != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Fatalf("status %d body %q, want the challenge", status, resp)
	}
}

func TestAppMentionAnsweredInThread(t *testing.T) {
	h := seedHandler()
	e := newEnv(t, h, nil)
	mention := func(eventID, text, ts string) []byte {
		b, _ := json.Marshal(slackfake.AppMention(eventID, "C0SECDESK", "U0REPORTER", text, ts))
		return b
	}
	first := mention("Ev001", "<@"+slackfake.BotUserID+"> search APT31", "1711400100.000200")
	if status, _ := e.post(t, "/slack/events", first, testSecret, time.Now(), jsonHeader); status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	posts, err := e.fake.WaitPosts(1, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	p := posts[0]
	if p.Channel != "C0SECDESK" || p.ThreadTS != "1711400100.000200" || !strings.Contains(string(p.Blocks), "*APT31*") {
		t.Errorf("reply channel %q thread %q blocks %s", p.Channel, p.ThreadTS, p.Blocks)
	}
	if p.UnfurlLinks != "false" {
		t.Errorf("unfurl_links = %q", p.UnfurlLinks)
	}
	// Slack retries the same event: not answered twice.
	retried := map[string]string{"Content-Type": "application/json", "X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
	if status, _ := e.post(t, "/slack/events", first, testSecret, time.Now(), retried); status != http.StatusOK {
		t.Fatalf("retry status %d", status)
	}
	// A bot's message mentioning us is ignored.
	var fromBot map[string]any
	_ = json.Unmarshal(mention("Ev002", "<@"+slackfake.BotUserID+"> help", "1711400101.000100"), &fromBot)
	fromBot["event"].(map[string]any)["bot_id"] = "BOTHER"
	b, _ := json.Marshal(fromBot)
	e.post(t, "/slack/events", b, testSecret, time.Now(), jsonHeader)
	// A mention inside a thread is answered in that thread.
	var inThread map[string]any
	_ = json.Unmarshal(mention("Ev003", "<@"+slackfake.BotUserID+"> latest", "1711400102.000100"), &inThread)
	inThread["event"].(map[string]any)["thread_ts"] = "1711400000.000001"
	b, _ = json.Marshal(inThread)
	e.post(t, "/slack/events", b, testSecret, time.Now(), jsonHeader)

	posts, err = e.fake.WaitPosts(2, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = e.a.Shutdown(ctx)
	posts = e.fake.Posts()
	if len(posts) != 2 || posts[1].ThreadTS != "1711400000.000001" {
		var threads []string
		for _, p := range posts {
			threads = append(threads, p.ThreadTS)
		}
		t.Fatalf("%d posts in threads %q, want 2, the second in thread 1711400000.000001", len(posts), threads)
	}
	var texts []string
	for _, r := range h.requests() {
		texts = append(texts, r.Text)
	}
	if strings.Join(texts, "|") != "search APT31|latest" {
		t.Errorf("handler saw %q, want the two mentions stripped of the bot's name", texts)
	}
}

func TestSocketMode(t *testing.T) {
	fake := slackfake.New(t)
	h := seedHandler()
	slow := newBlockingHandler()
	var handler bot.Handler = bot.HandlerFunc(func(ctx context.Context, req bot.Request) bot.Reply {
		if strings.HasPrefix(req.Text, "slow") {
			return slow.Handle(ctx, req)
		}
		return h.Handle(ctx, req)
	})
	a, err := New(Config{BotToken: "xoxb-test", AppToken: "xapp-test", APIURL: fake.APIURL, AckBudget: 200 * time.Millisecond},
		handler, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	run := runSocketMode(t, fake, a, nil)
	cmd := slack.SlashCommand{Command: "/newsdesk", Text: "search APT31", ChannelID: "C0SECDESK", UserID: "U0REPORTER",
		TeamID: slackfake.TeamID, ResponseURL: fake.ResponseURL("sock-1")}

	t.Run("slash command acked with the answer", func(t *testing.T) {
		env, err := fake.SendSlashCommand(cmd)
		if err != nil {
			t.Fatal(err)
		}
		ack, err := fake.WaitAck(env, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		var ans answerJSON
		if err := json.Unmarshal(ack.Payload, &ans); err != nil {
			t.Fatalf("ack payload %s: %v", ack.Payload, err)
		}
		if ans.ResponseType != "ephemeral" || len(ans.Blocks) == 0 || !strings.Contains(string(ack.Payload), "*APT31*") {
			t.Errorf("ack payload = %s", ack.Payload)
		}
	})

	t.Run("slow slash command acked then answered via response_url", func(t *testing.T) {
		c := cmd
		c.Text, c.ResponseURL = "slow search APT31", fake.ResponseURL("sock-slow")
		env, err := fake.SendSlashCommand(c)
		if err != nil {
			t.Fatal(err)
		}
		ack, err := fake.WaitAck(env, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(ack.Payload), workingText) {
			t.Errorf("ack payload = %s, want %q", ack.Payload, workingText)
		}
		close(slow.release)
		resps, err := fake.WaitResponses(1, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if resps[0].ID != "sock-slow" || !strings.Contains(string(resps[0].Blocks), "*APT31*") {
			t.Errorf("late answer to %q: %s", resps[0].ID, resps[0].Blocks)
		}
	})

	t.Run("app_mention acked and answered in thread once", func(t *testing.T) {
		ev := slackfake.AppMention("EvSock1", "C0SECDESK", "U0REPORTER", "<@"+slackfake.BotUserID+"> search APT31", "1711400200.000100")
		for range 2 { // delivered twice: answered once
			env, err := fake.SendEvent(ev)
			if err != nil {
				t.Fatal(err)
			}
			ack, err := fake.WaitAck(env, 5*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			if len(ack.Payload) != 0 && string(ack.Payload) != "null" {
				t.Errorf("events_api ack carries a payload: %s", ack.Payload)
			}
		}
		posts, err := fake.WaitPosts(1, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if posts[0].ThreadTS != "1711400200.000100" || posts[0].Channel != "C0SECDESK" {
			t.Errorf("mention reply in channel %q thread %q", posts[0].Channel, posts[0].ThreadTS)
		}
	})

	// Once stopped, every envelope seen has been fully handled.
	run.stop()
	if n := len(fake.Posts()); n != 1 {
		t.Errorf("%d replies to one mention delivered twice, want 1", n)
	}
	if n := len(fake.Responses()); n != 1 {
		t.Errorf("%d response_url posts, want 1 (the slow command)", n)
	}
}

func TestNewValidatesConfig(t *testing.T) {
	ok := Config{BotToken: "xoxb-1", SigningSecret: "s"}
	tests := []struct {
		name string
		mod  func(*Config)
		want string // substring of the error; "" means valid
	}{
		{"valid http", func(*Config) {}, ""},
		{"valid socket mode", func(c *Config) { c.SigningSecret, c.AppToken = "", "xapp-1" }, ""},
		{"no bot token", func(c *Config) { c.BotToken = "" }, "set SLACK_BOT_TOKEN"},
		{"user token", func(c *Config) { c.BotToken = "xoxp-1" }, "must start with xoxb-"},
		{"no way in", func(c *Config) { c.SigningSecret = "" }, "set SLACK_SIGNING_SECRET"},
		{"bad app token", func(c *Config) { c.AppToken = "xoxb-2" }, "SLACK_APP_TOKEN"},
		{"bad api url", func(c *Config) { c.APIURL = "slack.com/api" }, "not an http(s) URL"},
		{"bad command", func(c *Config) { c.Command = "newsdesk" }, "must start with /"},
		{"ack budget too long", func(c *Config) { c.AckBudget = 3 * time.Second }, "ack budget"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.mod(&c)
			a, err := New(c, seedHandler(), nil)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				if a.cfg.APIURL != DefaultAPIURL || a.cfg.Command != "/newsdesk" || a.cfg.AckBudget != time.Second {
					t.Errorf("defaults not applied: %+v", a.cfg)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to say %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "xoxb-1") || strings.Contains(err.Error(), "xoxp-1") {
				t.Errorf("error leaks a token: %v", err)
			}
		})
	}
	if _, err := New(ok, nil, nil); err == nil {
		t.Error("New accepted a nil handler")
	}
	a, _ := New(Config{BotToken: "xoxb-1", AppToken: "xapp-1", APIURL: "http://127.0.0.1:1/api"}, seedHandler(), nil)
	if a.cfg.APIURL != "http://127.0.0.1:1/api/" {
		t.Errorf("APIURL %q: trailing slash not added", a.cfg.APIURL)
	}
	mux := http.NewServeMux()
	a.Routes(mux) // no signing secret: no HTTP endpoints
	if _, pattern := mux.Handler(httpReq(http.MethodPost, "/slack/commands")); pattern != "" {
		t.Errorf("without a signing secret /slack/commands is routed to %q", pattern)
	}
	noSocket, _ := New(ok, seedHandler(), nil)
	if err := noSocket.RunSocketMode(context.Background()); err == nil || !strings.Contains(err.Error(), "SLACK_APP_TOKEN") {
		t.Errorf("RunSocketMode without app token: %v", err)
	}
}

func httpReq(method, path string) *http.Request {
	r, _ := http.NewRequest(method, "http://x"+path, nil)
	return r
}
