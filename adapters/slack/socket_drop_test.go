package slack

import (
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/newsdesk/newsdesk/adapters/slack/slackfake"
)

// TestSocketModeDropAfterConnect: a Socket Mode connection that was up and
// is dropped by Slack (the websocket closed under it, or a disconnect
// envelope) comes back: at once when Slack answers, else with backoff (1s,
// 2s … on the injected clock) while Ready reports it down. A slash command
// over the new connection is answered once, and envelopes delivered again
// on it (the same envelope replayed, or the same command under a new
// envelope id) are acked with nothing done.
func TestSocketModeDropAfterConnect(t *testing.T) {
	for _, tc := range []struct {
		name string
		drop func(*slackfake.Server) error
		// failOpens is how many apps.connections.open calls fail (503)
		// after the drop; waits is the backoff that must follow.
		failOpens int
		waits     []time.Duration
	}{
		{"websocket closed, Slack back at once", (*slackfake.Server).DropSocket, 0, nil},
		{"websocket closed, Slack down for two tries", (*slackfake.Server).DropSocket, 2, []time.Duration{time.Second, 2 * time.Second}},
		{"disconnect envelope, Slack back at once", func(s *slackfake.Server) error { return s.SendDisconnect("refresh_requested") }, 0, nil},
		{"disconnect envelope, Slack down for three tries", func(s *slackfake.Server) error { return s.SendDisconnect("refresh_requested") }, 3,
			[]time.Duration{time.Second, 2 * time.Second, 4 * time.Second}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := slackfake.New(t)
			h := seedHandler()
			waits := make(chan time.Duration, 16)
			tick := make(chan time.Time)
			a, err := New(Config{BotToken: "xoxb-test", AppToken: "xapp-test", APIURL: fake.APIURL,
				After: func(d time.Duration) <-chan time.Time { waits <- d; return tick }},
				h, slog.New(slog.NewTextHandler(io.Discard, nil)))
			if err != nil {
				t.Fatal(err)
			}
			run := runSocketMode(t, fake, a, nil)
			const timeout = 10 * time.Second // deadlock guards, not timing assertions
			cmd := func(text, trigger string) slack.SlashCommand {
				return slack.SlashCommand{Command: "/newsdesk", Text: text, ChannelID: "C0SECDESK", UserID: "U0REPORTER",
					TeamID: slackfake.TeamID, TriggerID: trigger, ResponseURL: fake.ResponseURL(trigger)}
			}
			answered := func(env string) {
				t.Helper()
				ack, err := fake.WaitAck(env, timeout)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(string(ack.Payload), "*APT31*") {
					t.Fatalf("ack of %s = %.200s, want the answer", env, ack.Payload)
				}
			}
			env1, err := fake.SendSlashCommand(cmd("search APT31", "trig-1"))
			if err != nil {
				t.Fatal(err)
			}
			answered(env1)
			// The Connected event comes before the command on the client's
			// event stream, so by its ack the front is up.
			if part, up := a.Ready(); part != "slack_socket" || !up {
				t.Fatalf("Ready() = %q, %v on a live connection", part, up)
			}

			if tc.failOpens > 0 {
				fake.Fail("apps.connections.open", http.StatusServiceUnavailable, tc.failOpens, "")
			}
			if err := tc.drop(fake); err != nil {
				t.Fatal(err)
			}
			for i, want := range tc.waits {
				select {
				case d := <-waits:
					if d != want {
						t.Errorf("backoff %d: %s, want %s", i+1, d, want)
					}
				case <-run.done:
					t.Fatalf("RunSocketMode returned %v after the drop, want it to reconnect", run.err)
				case <-time.After(timeout):
					t.Fatalf("no backoff %d (%s) after the drop", i+1, want)
				}
				if _, up := a.Ready(); up {
					t.Errorf("Ready() up while reconnecting (backoff %d)", i+1)
				}
				tick <- time.Time{}
			}
			if err := fake.WaitSockets(2, timeout); err != nil {
				t.Fatal(err)
			}

			env2, err := fake.SendSlashCommand(cmd("search APT31 since:2024", "trig-2"))
			if err != nil {
				t.Fatal(err)
			}
			answered(env2)
			if _, up := a.Ready(); !up {
				t.Error("Ready() down after the connection came back")
			}

			// Delivered again on the new connection: each acked, none run.
			for _, env := range []string{env1, env2} {
				if err := fake.Replay(env); err != nil {
					t.Fatal(err)
				}
				acks, err := fake.WaitAcks(env, 2, timeout)
				if err != nil {
					t.Fatal(err)
				}
				if p := string(acks[1].Payload); p != "" && p != "null" {
					t.Errorf("replay of %s acked with %.200s, want a bare ack", env, p)
				}
			}
			env3, err := fake.SendSlashCommand(cmd("search APT31", "trig-1")) // trig-1 under a new envelope id
			if err != nil {
				t.Fatal(err)
			}
			ack, err := fake.WaitAck(env3, timeout)
			if err != nil {
				t.Fatal(err)
			}
			if p := string(ack.Payload); p != "" && p != "null" {
				t.Errorf("command trig-1 delivered again acked with %.200s, want a bare ack", p)
			}

			// A Share click over the new connection, replayed: shared once.
			click := map[string]any{"type": "block_actions", "trigger_id": "trig-share", "user": map[string]any{"id": "U0REPORTER"},
				"channel": map[string]any{"id": "C0SECDESK"}, "response_url": fake.ResponseURL("share-1"),
				"actions": []map[string]any{{"type": "button", "action_id": shareActionID, "block_id": "newsdesk_actions", "value": "search APT31 --share"}}}
			env4, err := fake.SendInteraction(click)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := fake.WaitResponses(1, timeout); err != nil {
				t.Fatal(err)
			}
			if err := fake.Replay(env4); err != nil {
				t.Fatal(err)
			}
			if _, err := fake.WaitAcks(env4, 2, timeout); err != nil {
				t.Fatal(err)
			}

			run.stop()
			var texts []string
			for _, r := range h.requests() {
				texts = append(texts, r.Text)
			}
			if want := []string{"search APT31", "search APT31 since:2024", "search APT31 --share"}; strings.Join(texts, "|") != strings.Join(want, "|") {
				t.Errorf("handler ran %q, want %q: each command and click once", texts, want)
			}
			var ids []string
			for _, r := range fake.Responses() {
				ids = append(ids, r.ID)
			}
			if len(ids) != 1 || ids[0] != "share-1" {
				t.Errorf("response_url posts to %q, want one to share-1: the shared answer (every command's answer fits its ack)", ids)
			}
			if got, want := fake.Calls("apps.connections.open"), 2+tc.failOpens; got != want {
				t.Errorf("apps.connections.open called %d times, want %d", got, want)
			}
			if len(waits) != 0 {
				t.Errorf("%d more backoff waits than the %d expected", len(waits), len(tc.waits))
			}
		})
	}
}

// TestSocketModeReplayWhileAnswering: Slack delivers a slash command's
// envelope again while its first delivery is still being answered. On the
// same client (the same connection, or one slack-go reopened at once) the
// replay is not acked on its own, so the one ack Slack gets carries the
// answer. When the connection the command came on is gone for good (a new
// session after backoff), the replay is acked bare and the answer, which
// can no longer be an ack, goes through response_url. The command runs
// once either way.
func TestSocketModeReplayWhileAnswering(t *testing.T) {
	for _, tc := range []struct {
		name string
		drop bool
		// failOpens > 0: the reconnect fails that often, so a new session
		// (a new client) takes over after backoff.
		failOpens int
		// viaResponseURL: the answer arrives through response_url and the
		// replay gets a bare ack; else the answer is the envelope's one ack.
		viaResponseURL bool
	}{
		{"same connection", false, 0, false},
		{"connection dropped and reopened at once", true, 0, false},
		{"connection gone, new session after backoff", true, 1, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := slackfake.New(t)
			slow := newBlockingHandler()
			logs := &syncBuffer{}
			tick := make(chan time.Time)
			// The clock stands still: the ack budget never runs out, so
			// the answer is the ack whenever the handler is released.
			a, err := New(Config{BotToken: "xoxb-test", AppToken: "xapp-test", APIURL: fake.APIURL, Clock: stillClock{},
				After: func(time.Duration) <-chan time.Time { return tick }},
				slow, slog.New(slog.NewTextHandler(logs, nil)))
			if err != nil {
				t.Fatal(err)
			}
			released := false
			release := func() {
				if !released {
					released = true
					close(slow.release)
				}
			}
			run := runSocketMode(t, fake, a, release)
			const timeout = 10 * time.Second // deadlock guards, not timing assertions
			env, err := fake.SendSlashCommand(slack.SlashCommand{Command: "/newsdesk", Text: "search APT31", ChannelID: "C0SECDESK",
				UserID: "U0REPORTER", TeamID: slackfake.TeamID, TriggerID: "trig-slow", ResponseURL: fake.ResponseURL("slow-1")})
			if err != nil {
				t.Fatal(err)
			}
			select {
			case <-slow.started:
			case <-time.After(timeout):
				t.Fatal("the command never reached the handler")
			}
			if tc.drop {
				if tc.failOpens > 0 {
					fake.Fail("apps.connections.open", http.StatusServiceUnavailable, tc.failOpens, "")
				}
				if err := fake.DropSocket(); err != nil {
					t.Fatal(err)
				}
				if tc.failOpens > 0 {
					select {
					case tick <- time.Time{}:
					case <-time.After(timeout):
						t.Fatal("no backoff after the failed reconnect")
					}
				}
				if err := fake.WaitSockets(2, timeout); err != nil {
					t.Fatal(err)
				}
			}
			if err := fake.Replay(env); err != nil {
				t.Fatal(err)
			}
			if out := logs.waitFor("already delivered", timeout); !strings.Contains(out, "already delivered") {
				t.Fatalf("the replay was not seen as one; log:\n%s", out)
			}
			if tc.viaResponseURL {
				acks, err := fake.WaitAcks(env, 1, timeout)
				if err != nil {
					t.Fatal(err)
				}
				if p := string(acks[0].Payload); p != "" && p != "null" {
					t.Errorf("replay acked with %.200s, want a bare ack", p)
				}
			}
			release()
			if tc.viaResponseURL {
				resps, err := fake.WaitResponses(1, timeout)
				if err != nil {
					t.Fatal(err)
				}
				if resps[0].ID != "slow-1" || !strings.Contains(string(resps[0].Blocks), "*APT31*") {
					t.Errorf("response_url post to %s: %.200s, want the answer to slow-1", resps[0].ID, resps[0].Blocks)
				}
			} else {
				acks, err := fake.WaitAcks(env, 1, timeout)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(string(acks[0].Payload), "*APT31*") {
					t.Errorf("the envelope's ack = %.200s, want the answer", acks[0].Payload)
				}
			}
			run.stop()
			var acks int
			for _, a := range fake.Acks() {
				if a.EnvelopeID == env {
					acks++
				}
			}
			if acks != 1 {
				t.Errorf("%d acks of %s, want 1", acks, env)
			}
			if n := len(fake.Responses()); tc.viaResponseURL != (n == 1) || n > 1 {
				t.Errorf("%d response_url posts (via response_url: %v)", n, tc.viaResponseURL)
			}
			if n := len(slow.started); n != 0 {
				t.Errorf("the command ran %d more times", n)
			}
		})
	}
}

// stillClock is a Clock whose time does not pass: After never fires.
type stillClock struct{}

func (stillClock) Now() time.Time                       { return time.Date(2026, 3, 25, 12, 0, 0, 0, time.UTC) }
func (stillClock) After(time.Duration) <-chan time.Time { return nil }
