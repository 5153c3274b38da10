package slack

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/adapters/slack/slackfake"
	"github.com/newsdesk/newsdesk/state"
)

// TestReplayExecutedOnce sends each kind of signed Slack request, then the
// very same bytes with the same signature again: at once, and after a
// restart (a new adapter over the reopened state store). The request is
// executed once; each replay is answered 200 with nothing done and logged
// once. The store is the one serve uses (state.Store); the adapter sees it
// only through its Deliveries interface.
func TestReplayExecutedOnce(t *testing.T) {
	cases := []struct {
		name string
		path string
		body func(e *env) []byte
		// header for every delivery (the event retry header on replays too)
		header map[string]string
		// done waits for the first delivery's effect and counts effects
		effects func(e *env) int
	}{
		{
			name: "slash command",
			path: "/slack/commands",
			body: func(e *env) []byte { return e.commandForm("digest now", "r1") },
		},
		{
			name: "share click",
			path: "/slack/interactions",
			body: func(e *env) []byte {
				payload, _ := json.Marshal(map[string]any{
					"type": "block_actions", "trigger_id": "111.222.abc", "user": map[string]any{"id": "U0REPORTER"},
					"channel": map[string]any{"id": "C0SECDESK"}, "response_url": e.fake.ResponseURL("share-1"),
					"actions": []map[string]any{{"type": "button", "action_id": shareActionID, "block_id": "newsdesk_actions", "value": "search APT31"}},
				})
				return []byte(url.Values{"payload": {string(payload)}}.Encode())
			},
			effects: func(e *env) int {
				if _, err := e.fake.WaitResponses(1, 5*time.Second); err != nil {
					return 0
				}
				return len(e.fake.Responses())
			},
		},
		{
			name:   "app_mention event",
			path:   "/slack/events",
			header: map[string]string{"Content-Type": "application/json"},
			body: func(e *env) []byte {
				b, _ := json.Marshal(slackfake.AppMention("Ev0REPLAY", "C0SECDESK", "U0REPORTER", "<@"+slackfake.BotUserID+"> search APT31", "1711400100.000200"))
				return b
			},
			effects: func(e *env) int {
				if _, err := e.fake.WaitPosts(1, 5*time.Second); err != nil {
					return 0
				}
				return len(e.fake.Posts())
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state.db")
			st, err := state.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			h := seedHandler()
			e := newEnv(t, h, func(c *Config) { c.Deliveries = st })
			body := tc.body(e)
			ts := time.Now()
			if status, _ := e.post(t, tc.path, body, testSecret, ts, tc.header); status != http.StatusOK {
				t.Fatalf("first delivery: status %d", status)
			}
			if tc.effects != nil && tc.effects(e) != 1 {
				t.Fatal("the first delivery had no effect")
			}
			status, answer := e.post(t, tc.path, body, testSecret, ts, tc.header)
			if status != http.StatusOK || len(answer) != 0 {
				t.Errorf("replay: status %d body of %d bytes, want 200 and nothing", status, len(answer))
			}

			// restart: the adapter stops, the store is closed and reopened,
			// a new adapter serves; the same bytes arrive again (an event
			// as Slack's retry, with a fresh signature: same event id)
			stop(t, e)
			if err := st.Close(); err != nil {
				t.Fatal(err)
			}
			st2, err := state.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st2.Close() })
			h2 := seedHandler()
			e2 := newEnv(t, h2, func(c *Config) { c.Deliveries = st2 })
			replayTS := ts
			header := tc.header
			if tc.path == "/slack/events" {
				replayTS = time.Now().Add(time.Second)
				header = map[string]string{"Content-Type": "application/json", "X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
			}
			status, answer = e2.post(t, tc.path, body, testSecret, replayTS, header)
			if status != http.StatusOK || len(answer) != 0 {
				t.Errorf("replay after restart: status %d body of %d bytes, want 200 and nothing", status, len(answer))
			}
			stop(t, e2)

			if n := len(h.requests()) + len(h2.requests()); n != 1 {
				t.Errorf("handler ran %d times, want once", n)
			}
			if tc.effects != nil {
				if n := len(e.fake.Responses()) + len(e.fake.Posts()) + len(e2.fake.Posts()); n != 1 {
					t.Errorf("%d messages sent, want 1", n)
				}
			}
			if n := strings.Count(e.logs.String(), "a replay, ignored"); n != 1 {
				t.Errorf("%d replay log lines before the restart, want 1:\n%s", n, e.logs)
			}
			if n := strings.Count(e2.logs.String(), "a replay, ignored"); n != 1 {
				t.Errorf("%d replay log lines after the restart, want 1:\n%s", n, e2.logs)
			}
		})
	}
}

// stop ends an env's HTTP server and background work.
func stop(t *testing.T, e *env) {
	t.Helper()
	e.srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := e.a.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
}

// failingDeliveries cannot record anything.
type failingDeliveries struct{}

func (failingDeliveries) FirstSeen(context.Context, string, time.Time, time.Duration) (bool, error) {
	return false, context.DeadlineExceeded
}

func TestCommandNotExecutedWhenItsDeliveryCannotBeRecorded(t *testing.T) {
	h := seedHandler()
	e := newEnv(t, h, func(c *Config) { c.Deliveries = failingDeliveries{} })
	status, _ := e.post(t, "/slack/commands", e.commandForm("digest now", "r1"), testSecret, time.Now(), nil)
	if status != http.StatusServiceUnavailable {
		t.Errorf("status %d, want 503", status)
	}
	if n := len(h.requests()); n != 0 {
		t.Errorf("handler ran %d times, want never", n)
	}
}
