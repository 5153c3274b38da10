package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/adapters/slack/slackfake"
	"github.com/newsdesk/newsdesk/config"
)

// TestServeSlackCommand runs `newsdesk serve` as configured from the
// environment, with Slack's Web API pointed at a loopback fake, and sends it
// a signed slash command as Slack would (and as the README's curl does).
func TestServeSlackCommand(t *testing.T) {
	// the widest answer budget Slack allows, so a slow first search on a
	// loaded machine still answers inline
	fake, cfgFile := slackEnv(t, "slack:\n  ack_budget: 2500ms\n")
	r := startServe(t, cfgFile)
	if r.app.cfg.Slack.AckBudget.D() != 2500*time.Millisecond {
		t.Fatalf("ack budget %v: the test's config file was not read", r.app.cfg.Slack.AckBudget.D())
	}
	base := r.base

	body := url.Values{"command": {"/newsdesk"}, "text": {"search APT31"}, "channel_id": {"C1"}, "user_id": {"U1"},
		"response_url": {fake.ResponseURL("r1")}}.Encode()
	post := func(sign bool) *http.Response {
		req, _ := http.NewRequest(http.MethodPost, base+"/slack/commands", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if sign {
			slackfake.SignRequest(req, "s3cret", []byte(body), time.Now())
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	if resp := post(false); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("unsigned command: status %d, want 401", resp.StatusCode)
	}
	resp := post(true)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var answer struct {
		ResponseType string            `json:"response_type"`
		Blocks       []json.RawMessage `json:"blocks"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(b, &answer) != nil {
		t.Fatalf("signed command: status %d body %s", resp.StatusCode, b)
	}
	if answer.ResponseType != "ephemeral" || len(answer.Blocks) < 2 || !strings.Contains(string(b), "APT31") {
		t.Errorf("answer lacks APT31 hits: %s", b)
	}

	t.Setenv("NEWSDESK_LISTEN", strings.TrimPrefix(base, "http://"))
	if _, errs, code := newsdesk(t, t.TempDir(), "healthcheck"); code != 0 {
		t.Errorf("healthcheck against a running serve: exit %d %s", code, errs)
	}
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200, "/metrics": 200} {
		r, err := http.Get(base + path)
		if err != nil || r.StatusCode != want {
			t.Errorf("GET %s: %v %v", path, err, r)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/articles", strings.NewReader(`{"title":"FBI names APT31","text":"The FBI said APT31 did it.","date":"2024-04-01"}`))
	req.Header.Set("Authorization", "Bearer ingest-token")
	req.Header.Set("Content-Type", "application/json")
	ir, err := http.DefaultClient.Do(req)
	if err != nil || ir.StatusCode != 200 {
		t.Fatalf("ingest API: %v %v", err, ir)
	}
	ir.Body.Close()
}

// TestServeWithSlackSocketModeDown: Socket Mode unreachable at start-up
// (apps.connections.open keeps failing) leaves serve answering a signed
// slash command over HTTP, /healthz, and /readyz (200, slack_socket false).
func TestServeWithSlackSocketModeDown(t *testing.T) {
	fake := slackfake.New(t)
	fake.Fail("apps.connections.open", http.StatusNotFound, 1000, "")
	t.Setenv("NEWSDESK_CONFIG", "")
	t.Setenv("SLACK_BOT_TOKEN", "xoxb-test")
	t.Setenv("SLACK_SIGNING_SECRET", "s3cret")
	t.Setenv("SLACK_APP_TOKEN", "xapp-test")
	t.Setenv("SLACK_API_URL", fake.APIURL)
	r := startServe(t, "")
	if err := waitCalls(fake, "apps.connections.open", 1); err != nil {
		t.Fatal(err)
	}
	resp := r.slashCommand(t, "s3cret", "help", fake.ResponseURL("r1"))
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("signed command with Socket Mode down: %v", resp.Status)
	}
	if h, err := http.Get(r.base + "/healthz"); err != nil || h.StatusCode != http.StatusOK {
		t.Errorf("/healthz: %v %v", err, h)
	}
	if status, ready, parts := r.readyz(t); status != http.StatusOK || !ready || parts["slack_socket"] || len(parts) == 0 {
		t.Errorf("/readyz: %d ready %v parts %v, want 200, ready, slack_socket false", status, ready, parts)
	}
	if !r.running() {
		t.Fatal("serve stopped while Socket Mode was down")
	}
}

// waitCalls waits (bounded) until the fake has seen n calls of method.
func waitCalls(fake *slackfake.Server, method string, n int) error {
	deadline := time.After(10 * time.Second) // a deadlock guard, not a timing assertion
	for fake.Calls(method) < n {
		select {
		case <-deadline:
			return fmt.Errorf("%s never called", method)
		case <-time.After(time.Millisecond):
		}
	}
	return nil
}

// TestServeWithDiscordUnreachable: Discord cannot be reached at start-up
// (its API sent to a closed loopback port); serve keeps running, answers a
// signed Slack command and /healthz, and /readyz says Discord is down.
func TestServeWithDiscordUnreachable(t *testing.T) {
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + closed.Addr().String()
	closed.Close() // nothing listens there now: connection refused
	fake := slackfake.New(t)
	t.Setenv("NEWSDESK_CONFIG", "")
	t.Setenv("SLACK_BOT_TOKEN", "xoxb-test")
	t.Setenv("SLACK_SIGNING_SECRET", "s3cret")
	t.Setenv("SLACK_APP_TOKEN", "")
	t.Setenv("SLACK_API_URL", fake.APIURL)
	t.Setenv("DISCORD_BOT_TOKEN", "MTIzNDU2Nzg5MDEyMzQ1Njc4.discord.test")
	t.Setenv("DISCORD_API_URL", dead)
	r := startServe(t, "")
	resp := r.slashCommand(t, "s3cret", "search APT31", fake.ResponseURL("r1"))
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), "APT31") {
		t.Fatalf("signed command with Discord unreachable: %s %.300s", resp.Status, b)
	}
	if h, err := http.Get(r.base + "/healthz"); err != nil || h.StatusCode != http.StatusOK {
		t.Errorf("/healthz: %v %v", err, h)
	}
	status, ready, parts := r.readyz(t)
	if up, ok := parts["discord_gateway"]; status != http.StatusOK || !ready || !ok || up {
		t.Errorf("/readyz: %d ready %v parts %v, want 200, ready, discord_gateway false", status, ready, parts)
	}
	if !r.running() {
		t.Fatal("serve stopped while Discord was unreachable")
	}
}

// TestSearchPoolFromConfig: search.workers and search.queue size serve's
// admission pool, and zero keeps the machine's defaults.
func TestSearchPoolFromConfig(t *testing.T) {
	cpus := runtime.GOMAXPROCS(0)
	for _, c := range []struct {
		name            string
		workers, queue  int
		running, queued int
	}{
		{"defaults", 0, 0, 2 * cpus, 2 * cpus},
		{"set", 3, 7, 3, 7},
		{"no queue", 4, -1, 4, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			var cfg config.Config
			cfg.Search.Workers, cfg.Search.Queue = c.workers, c.queue
			running, queued := searchPool(cfg).Size()
			if running != c.running || queued != c.queued {
				t.Errorf("pool %d running, %d queued; want %d, %d", running, queued, c.running, c.queued)
			}
		})
	}
}
