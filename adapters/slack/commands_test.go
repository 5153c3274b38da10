package slack

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/adapters/slack/slackfake"
	"github.com/newsdesk/newsdesk/bot"
)

func TestSignedCommandAnsweredWithHits(t *testing.T) {
	tests := []struct {
		name, text, wantType string
		wantIn               []string
		wantButton           bool
	}{
		{"search", "search APT31 since:2024-03-01", "ephemeral",
			[]string{"*APT31*", ":scales: *Indictment*", "NCSC (GB) → *APT31*", "_almost certain_", "2024-03-26",
				"<https://example.org/news/apt31-accusations-2024-03?src=seed&amp;lang=en|US, UK and New Zealand accuse China of cyber attacks; Beijing voices opposition>",
				"Page 1 of 2", "Next page: `/newsdesk search APT31 page:2`"}, true},
		{"shared", "search APT31 --share", "in_channel", []string{"*APT31*"}, false},
		{"error", "search nope:x", "ephemeral", []string{":warning: unknown field \"nope:\""}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := seedHandler()
			e := newEnv(t, h, nil)
			status, body := e.post(t, "/slack/commands", e.commandForm(tt.text, "r1"), testSecret, time.Now(), nil)
			if status != http.StatusOK {
				t.Fatalf("status %d: %s", status, body)
			}
			a := decodeAnswer(t, body)
			if a.ResponseType != tt.wantType {
				t.Errorf("response_type = %q, want %q", a.ResponseType, tt.wantType)
			}
			all := strings.Join(texts(t, body)["mrkdwn"], "\n")
			for _, w := range tt.wantIn {
				if !strings.Contains(all, w) {
					t.Errorf("answer lacks %q; mrkdwn:\n%s", w, all)
				}
			}
			if got := bytes.Contains(body, []byte(`"action_id":"newsdesk_share"`)); got != tt.wantButton {
				t.Errorf("share button present = %v, want %v", got, tt.wantButton)
			}
			reqs := h.requests()
			if len(reqs) != 1 {
				t.Fatalf("handler called %d times, want 1", len(reqs))
			}
			want := bot.Request{Platform: "slack", Channel: "C0SECDESK", User: "U0REPORTER", Text: tt.text}
			if reqs[0] != want {
				t.Errorf("request = %+v, want %+v", reqs[0], want)
			}
			if n := len(e.fake.Responses()); n != 0 {
				t.Errorf("%d response_url posts for an inline answer, want 0", n)
			}
			logs := e.logs.waitFor("path=/slack/commands status=200", 5*time.Second)
			if !strings.Contains(logs, "path=/slack/commands status=200") {
				t.Errorf("request not logged:\n%s", logs)
			}
			if strings.Contains(logs, tt.text) || strings.Contains(logs, "response_url") || strings.Contains(logs, testSecret) {
				t.Errorf("log holds the command text, its response_url or the secret:\n%s", logs)
			}
		})
	}
}

func TestUnverifiedCommandRefused(t *testing.T) {
	now := time.Now()
	tests := []struct {
		name   string
		sign   func(e *env, body []byte) (sent []byte, secret string, ts time.Time, hdr map[string]string)
		status int
	}{
		{"tampered body", func(e *env, body []byte) ([]byte, string, time.Time, map[string]string) {
			sig := slackfake.Sign(testSecret, body, now)
			tampered := bytes.Replace(body, []byte("APT31"), []byte("APT28"), 1)
			return tampered, "", now, map[string]string{"X-Slack-Signature": sig, "X-Slack-Request-Timestamp": ts(now)}
		}, http.StatusUnauthorized},
		{"wrong secret", func(e *env, body []byte) ([]byte, string, time.Time, map[string]string) {
			return body, "not-the-secret", now, nil
		}, http.StatusUnauthorized},
		{"six minutes old", func(e *env, body []byte) ([]byte, string, time.Time, map[string]string) {
			return body, testSecret, now.Add(-6 * time.Minute), nil
		}, http.StatusUnauthorized},
		{"six minutes ahead", func(e *env, body []byte) ([]byte, string, time.Time, map[string]string) {
			return body, testSecret, now.Add(6 * time.Minute), nil
		}, http.StatusUnauthorized},
		{"no headers", func(e *env, body []byte) ([]byte, string, time.Time, map[string]string) {
			return body, "", now, nil
		}, http.StatusUnauthorized},
		{"signature without timestamp", func(e *env, body []byte) ([]byte, string, time.Time, map[string]string) {
			return body, "", now, map[string]string{"X-Slack-Signature": slackfake.Sign(testSecret, body, now)}
		}, http.StatusUnauthorized},
		{"timestamp without signature", func(e *env, body []byte) ([]byte, string, time.Time, map[string]string) {
			return body, "", now, map[string]string{"X-Slack-Request-Timestamp": ts(now)}
		}, http.StatusUnauthorized},
		{"signature of another timestamp", func(e *env, body []byte) ([]byte, string, time.Time, map[string]string) {
			return body, "", now, map[string]string{"X-Slack-Signature": slackfake.Sign(testSecret, body, now.Add(-time.Second)), "X-Slack-Request-Timestamp": ts(now)}
		}, http.StatusUnauthorized},
		{"not hex", func(e *env, body []byte) ([]byte, string, time.Time, map[string]string) {
			return body, "", now, map[string]string{"X-Slack-Signature": "v0=zz", "X-Slack-Request-Timestamp": ts(now)}
		}, http.StatusUnauthorized},
		{"too large", func(e *env, body []byte) ([]byte, string, time.Time, map[string]string) {
			big := append(append([]byte{}, body...), []byte("&pad="+strings.Repeat("x", 70<<10))...)
			return big, testSecret, now, nil
		}, http.StatusRequestEntityTooLarge},
	}
	for _, path := range []string{"/slack/commands", "/slack/events", "/slack/interactions"} {
		for _, tt := range tests {
			t.Run(path+"/"+tt.name, func(t *testing.T) {
				h := seedHandler()
				e := newEnv(t, h, nil)
				body := e.commandForm("search APT31 secret-canary", "r1")
				sent, secret, at, hdr := tt.sign(e, body)
				status, resp := e.post(t, path, sent, secret, at, hdr)
				if status != tt.status {
					t.Fatalf("status %d, want %d (%s)", status, tt.status, resp)
				}
				if n := len(h.requests()); n != 0 {
					t.Errorf("handler ran %d times for a refused request", n)
				}
				logs := e.logs.String()
				if !strings.Contains(logs, "slack request refused") {
					t.Errorf("refusal not logged:\n%s", logs)
				}
				if strings.Contains(logs, "secret-canary") || strings.Contains(logs, testSecret) {
					t.Errorf("log contains the body or the secret:\n%s", logs)
				}
			})
		}
	}
}

func ts(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }

func TestSlowCommandAnsweredViaResponseURL(t *testing.T) {
	h := newBlockingHandler()
	e := newEnv(t, h, func(c *Config) { c.AckBudget = 20 * time.Millisecond })
	status, body := e.post(t, "/slack/commands", e.commandForm("search APT31", "slow-1"), testSecret, time.Now(), nil)
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, body)
	}
	ack := decodeAnswer(t, body)
	if ack.ResponseType != "ephemeral" || ack.Text != workingText || len(ack.Blocks) != 0 {
		t.Fatalf("ack = %+v, want an ephemeral %q", ack, workingText)
	}
	if n := len(e.fake.Responses()); n != 0 {
		t.Fatalf("%d responses before the search finished", n)
	}
	close(h.release)
	resps, err := e.fake.WaitResponses(1, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	r := resps[0]
	if r.ID != "slow-1" || r.ResponseType != "ephemeral" {
		t.Errorf("response = id %q type %q, want slow-1 ephemeral", r.ID, r.ResponseType)
	}
	if !bytes.Contains(r.Blocks, []byte("*APT31*")) || !bytes.Contains(r.Blocks, []byte(`"newsdesk_share"`)) {
		t.Errorf("late answer lacks the hits or the share button: %s", r.Blocks)
	}
	if n := len(e.fake.Posts()); n != 0 {
		t.Errorf("%d chat.postMessage calls for a slash command, want 0", n)
	}
}

func TestLongReplySplitAcrossResponses(t *testing.T) {
	big := seedReply()
	item := big.Sections[0].Items[0]
	big.Sections[0].Items = nil
	for range 70 {
		big.Sections[0].Items = append(big.Sections[0].Items, item)
	}
	h := &fixedHandler{reply: func(bot.Request) bot.Reply { return big }}
	e := newEnv(t, h, nil)
	status, body := e.post(t, "/slack/commands", e.commandForm("latest 70", "big"), testSecret, time.Now(), nil)
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	first := decodeAnswer(t, body)
	if len(first.Blocks) != maxBlocks {
		t.Errorf("first message has %d blocks, want %d", len(first.Blocks), maxBlocks)
	}
	resps, err := e.fake.WaitResponses(1, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	var rest []json.RawMessage
	_ = json.Unmarshal(resps[0].Blocks, &rest)
	// header + the article's header + 70 items + context = 73 blocks: 50
	// inline, 23 in the follow-up.
	if len(rest) != 23 {
		t.Errorf("follow-up has %d blocks, want 23", len(rest))
	}
}

func TestShareButton(t *testing.T) {
	h := seedHandler()
	e := newEnv(t, h, nil)
	payload, _ := json.Marshal(map[string]any{
		"type": "block_actions", "user": map[string]any{"id": "U0REPORTER"},
		"channel": map[string]any{"id": "C0SECDESK"}, "response_url": e.fake.ResponseURL("share-1"),
		"actions": []map[string]any{{"type": "button", "action_id": shareActionID, "block_id": "newsdesk_actions", "value": "search APT31"}},
	})
	body := []byte(url.Values{"payload": {string(payload)}}.Encode())
	status, _ := e.post(t, "/slack/interactions", body, testSecret, time.Now(), nil)
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	resps, err := e.fake.WaitResponses(1, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if resps[0].ResponseType != "in_channel" || !bytes.Contains(resps[0].Blocks, []byte("*APT31*")) {
		t.Errorf("share posted %q %s, want in_channel hits", resps[0].ResponseType, resps[0].Blocks)
	}
	if bytes.Contains(resps[0].Blocks, []byte(shareActionID)) {
		t.Error("a shared message still carries the share button")
	}
	if got := h.requests(); len(got) != 1 || got[0].Text != "search APT31" || got[0].Channel != "C0SECDESK" {
		t.Errorf("handler requests = %+v", got)
	}
}
