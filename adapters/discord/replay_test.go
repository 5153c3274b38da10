package discord

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/adapters/discord/discordfake"
	"github.com/newsdesk/newsdesk/state"
)

// TestHTTPReplayRefusedAcrossRestart: a signed interaction captured and
// sent again after newsdesk restarted (a new adapter over the reopened
// state store, the same application key) is refused and not executed.
func TestHTTPReplayRefusedAcrossRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	st, err := state.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	e := startHTTP(t, nil, func(c *Config) { c.Deliveries = st })
	tok, payload := e.f.CommandPayload(discordfake.PushedCommand{ChannelID: "780000000000000002", GuildID: guild, UserID: alice, Name: "newsdesk", Query: "help"})
	req := e.signed(t, e.key, time.Now(), payload)
	again := withBody(req, payload)
	if d, err := e.f.Send(e.client, req); err != nil || d.Status != 200 {
		t.Fatalf("first delivery: %v %d %q", err, d.Status, d.Body)
	}
	wait(t, e.f, "the edited response", func() bool { in, _ := e.f.Interaction(tok); return len(in.Edits) == 1 })
	// restart: the first adapter keeps running (its cleanup stops it), but
	// the store it wrote is closed and reopened under a new adapter
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	st2, err := state.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st2.Close() })
	e2 := startHTTPWithKey(t, nil, e.key, func(c *Config) { c.Deliveries = st2 })
	again.URL, _ = again.URL.Parse(e2.url)
	again.Host = again.URL.Host
	d, err := e2.f.Send(e2.client, again)
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != http.StatusUnauthorized {
		t.Errorf("replay after restart answered %d %q, want 401", d.Status, d.Body)
	}
	if n := len(e.h.requests()) + len(e2.h.requests()); n != 1 {
		t.Errorf("handler ran %d times, want once", n)
	}
	if n := strings.Count(e2.log.String(), "a replay, ignored"); n != 1 {
		t.Errorf("%d replay log lines, want 1:\n%s", n, e2.log)
	}
}

// TestHTTPInteractionWithoutIDRefused: Discord gives every interaction an
// id; a signed one without is not executed (the replay guard cannot tell
// it apart from another).
func TestHTTPInteractionWithoutIDRefused(t *testing.T) {
	t.Parallel()
	e := startHTTP(t, nil)
	_, payload := e.f.CommandPayload(discordfake.PushedCommand{ChannelID: "780000000000000002", GuildID: guild, UserID: alice, Name: "newsdesk", Query: "help"})
	var m map[string]any
	if err := json.Unmarshal(payload, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "id")
	payload, _ = json.Marshal(m)
	for range 2 {
		d := e.deliver(t, payload)
		if d.Status != http.StatusBadRequest {
			t.Errorf("interaction without id answered %d %q, want 400", d.Status, d.Body)
		}
	}
	if n := len(e.h.requests()); n != 0 {
		t.Errorf("handler ran %d times, want never", n)
	}
}

// TestGatewayInteractionDeliveredTwiceAnsweredOnce: the gateway can deliver
// an INTERACTION_CREATE again (after a RESUME); it is executed once.
func TestGatewayInteractionDeliveredTwiceAnsweredOnce(t *testing.T) {
	t.Parallel()
	e := start(t, nil)
	tok, payload := e.f.CommandPayload(discordfake.PushedCommand{ChannelID: "780000000000000002", GuildID: guild, UserID: alice, Name: "newsdesk", Query: "help"})
	var d map[string]any
	if err := json.Unmarshal(payload, &d); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := e.f.Dispatch("INTERACTION_CREATE", d); err != nil {
			t.Fatal(err)
		}
	}
	wait(t, e.f, "the edited response", func() bool { in, _ := e.f.Interaction(tok); return len(in.Edits) == 1 })
	wait(t, e.f, "the replay logged", func() bool { return strings.Contains(e.log.String(), "a replay, ignored") })
	if n := len(e.h.requests()); n != 1 {
		t.Errorf("handler ran %d times, want once", n)
	}
	if in, _ := e.f.Interaction(tok); len(in.Callbacks) != 1 {
		t.Errorf("%d callbacks, want 1", len(in.Callbacks))
	}
}
