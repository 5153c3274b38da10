package discord

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/adapters/discord/discordfake"
	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/internal/testenv"
)

// httpEnv is an adapter (connected to a fake Discord) whose HTTP
// interactions endpoint is served on loopback, with the application's key
// pair generated for the test.
type httpEnv struct {
	*env
	key    ed25519.PrivateKey
	url    string
	client *http.Client
}

func startHTTP(t testing.TB, h bot.Handler, opts ...envOpt) *httpEnv {
	t.Helper()
	_, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	return startHTTPWithKey(t, h, key, opts...)
}

// startHTTPWithKey is startHTTP with the application's key given (a
// restarted newsdesk keeps its key).
func startHTTPWithKey(t testing.TB, h bot.Handler, key ed25519.PrivateKey, opts ...envOpt) *httpEnv {
	t.Helper()
	pub := key.Public().(ed25519.PublicKey)
	opts = append(opts, func(c *Config) { c.PublicKey = hex.EncodeToString(pub) })
	e := start(t, h, opts...)
	mux := http.NewServeMux()
	e.a.Routes(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &httpEnv{env: e, key: key, url: srv.URL + InteractionsPath, client: srv.Client()}
}

// deliver sends a payload as Discord does and fails the test if Discord
// would refuse the answer.
func (e *httpEnv) deliver(t testing.TB, payload []byte) discordfake.Delivery {
	t.Helper()
	d, err := e.f.Deliver(context.Background(), e.client, e.url, e.key, payload)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func callbackRequests(f *discordfake.Fake) int {
	n := 0
	for _, r := range f.Requests() {
		if strings.HasPrefix(r.Path, "/interactions/") {
			n++
		}
	}
	return n
}

func TestHTTPPing(t *testing.T) {
	t.Parallel()
	e := startHTTP(t, nil)
	tok, payload := e.f.PingPayload()
	d := e.deliver(t, payload)
	if d.Status != 200 || strings.TrimSpace(string(d.Body)) != `{"type":1}` {
		t.Fatalf("PING answered %d %q, want 200 {\"type\":1}", d.Status, d.Body)
	}
	if in, _ := e.f.Interaction(tok); len(in.Callbacks) != 1 || in.Callbacks[0].Type != 1 {
		t.Errorf("callbacks = %+v, want one PONG", in.Callbacks)
	}
}

// TestHTTPRefusesUnverified: nothing unverified is parsed, answered or
// run, and the refused body never reaches the log.
func TestHTTPRefusesUnverified(t *testing.T) {
	t.Parallel()
	e := startHTTP(t, nil)
	_, otherKey, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	const marker = "body-marker-7f3a"
	for _, tc := range []struct {
		name  string
		build func(body []byte) *http.Request
		want  int
	}{
		{"bad signature", func(b []byte) *http.Request { return e.signed(t, otherKey, time.Now(), b) }, 401},
		{"tampered body", func(b []byte) *http.Request {
			r := e.signed(t, e.key, time.Now(), b)
			return withBody(r, bytes.Replace(b, []byte("help"), []byte("hElp"), 1))
		}, 401},
		{"tampered timestamp", func(b []byte) *http.Request {
			r := e.signed(t, e.key, time.Now(), b)
			ts, _ := strconv.ParseInt(r.Header.Get("X-Signature-Timestamp"), 10, 64)
			r.Header.Set("X-Signature-Timestamp", strconv.FormatInt(ts-1, 10)) // fresh, but not what was signed
			return r
		}, 401},
		{"no signature", func(b []byte) *http.Request {
			r := e.signed(t, e.key, time.Now(), b)
			r.Header.Del("X-Signature-Ed25519")
			return r
		}, 401},
		{"no timestamp", func(b []byte) *http.Request {
			r := e.signed(t, e.key, time.Now(), b)
			r.Header.Del("X-Signature-Timestamp")
			return r
		}, 401},
		{"no headers", func(b []byte) *http.Request {
			r := e.signed(t, e.key, time.Now(), b)
			r.Header.Del("X-Signature-Timestamp")
			r.Header.Del("X-Signature-Ed25519")
			return r
		}, 401},
		{"signature not hex", func(b []byte) *http.Request {
			r := e.signed(t, e.key, time.Now(), b)
			r.Header.Set("X-Signature-Ed25519", "zz"+r.Header.Get("X-Signature-Ed25519")[2:])
			return r
		}, 401},
		{"stale timestamp", func(b []byte) *http.Request { return e.signed(t, e.key, time.Now().Add(-6*time.Minute), b) }, 401},
		{"future timestamp", func(b []byte) *http.Request { return e.signed(t, e.key, time.Now().Add(6*time.Minute), b) }, 401},
		{"timestamp not a number", func(b []byte) *http.Request {
			r := e.signed(t, e.key, time.Now(), b)
			ts := time.Now().UTC().Format(time.RFC3339)
			r.Header.Set("X-Signature-Timestamp", ts)
			r.Header.Set("X-Signature-Ed25519", discordfake.Sign(e.key, ts, b))
			return r
		}, 401},
		{"body over 64 KiB", func(b []byte) *http.Request {
			big := append(bytes.TrimSuffix(b, []byte("}")), []byte(`,"pad":"`+strings.Repeat("x", 70<<10)+`"}`)...)
			return e.signed(t, e.key, time.Now(), big)
		}, 413},
		{"body over 64 KiB, no length", func(b []byte) *http.Request {
			big := append(bytes.TrimSuffix(b, []byte("}")), []byte(`,"pad":"`+strings.Repeat("x", 70<<10)+`"}`)...)
			r := e.signed(t, e.key, time.Now(), big)
			r.ContentLength = -1 // sent chunked
			return r
		}, 401},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok, payload := e.f.CommandPayload(discordfake.PushedCommand{ChannelID: "780000000000000001", GuildID: guild, UserID: alice, Name: "newsdesk", Query: "help " + marker})
			d, err := e.f.Send(e.client, tc.build(payload))
			if err != nil {
				t.Fatal(err)
			}
			if d.Status != tc.want {
				t.Errorf("status %d (%q), want %d", d.Status, d.Body, tc.want)
			}
			if in, _ := e.f.Interaction(tok); len(in.Callbacks) != 0 || len(in.Edits) != 0 {
				t.Errorf("an unverified interaction was answered: %+v", in)
			}
		})
	}
	if reqs := e.h.requests(); len(reqs) != 0 {
		t.Errorf("unverified requests reached the handler: %+v", reqs)
	}
	logs := e.log.String()
	if strings.Count(logs, "refused interaction request") < 12 {
		t.Errorf("refusals not logged:\n%s", logs)
	}
	if strings.Contains(logs, marker) {
		t.Errorf("a refused body reached the log:\n%s", logs)
	}
}

func (e *httpEnv) signed(t *testing.T, key ed25519.PrivateKey, at time.Time, body []byte) *http.Request {
	t.Helper()
	r, err := discordfake.SignedRequest(context.Background(), e.url, key, at, body)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func withBody(r *http.Request, b []byte) *http.Request {
	r2, _ := http.NewRequestWithContext(r.Context(), r.Method, r.URL.String(), bytes.NewReader(b))
	r2.Header = r.Header.Clone()
	return r2
}

func TestHTTPReplayRefused(t *testing.T) {
	t.Parallel()
	e := startHTTP(t, nil)
	tok, payload := e.f.CommandPayload(discordfake.PushedCommand{ChannelID: "780000000000000002", GuildID: guild, UserID: alice, Name: "newsdesk", Query: "help"})
	req := e.signed(t, e.key, time.Now(), payload)
	again := withBody(req, payload) // the same signed bytes, captured and sent again
	if d, err := e.f.Send(e.client, req); err != nil || d.Status != 200 {
		t.Fatalf("first delivery: %v %d %q", err, d.Status, d.Body)
	}
	wait(t, e.f, "the edited response", func() bool { in, _ := e.f.Interaction(tok); return len(in.Edits) == 1 })
	d, err := e.f.Send(e.client, again)
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != 401 {
		t.Errorf("replay answered %d %q, want 401", d.Status, d.Body)
	}
	if n := len(e.h.requests()); n != 1 {
		t.Errorf("handler ran %d times, want once", n)
	}
}

// TestHTTPCommandDeferredThenEdited: the HTTP answer itself defers the
// interaction (no callback request), then the real bot's hits edit the
// original response.
func TestHTTPCommandDeferredThenEdited(t *testing.T) {
	t.Parallel()
	e := startHTTP(t, testenv.Shared(t).Bot)
	const ch = "780000000000000003"
	tok, payload := e.f.CommandPayload(discordfake.PushedCommand{ChannelID: ch, GuildID: guild, UserID: alice, Name: "newsdesk", Query: " search APT31 "})
	d := e.deliver(t, payload)
	if d.Status != 200 || d.Type != 5 || strings.TrimSpace(string(d.Body)) != `{"type":5}` {
		t.Fatalf("answered %d %q, want 200 {\"type\":5}", d.Status, d.Body)
	}
	wait(t, e.f, "the edited response", func() bool { in, _ := e.f.Interaction(tok); return len(in.Edits) == 1 })
	in, _ := e.f.Interaction(tok)
	if len(in.Callbacks) != 1 || in.Callbacks[0].Type != 5 || in.Ephemeral {
		t.Fatalf("callbacks = %+v (ephemeral %v), want the one public deferral of the HTTP answer", in.Callbacks, in.Ephemeral)
	}
	if n := callbackRequests(e.f); n != 0 {
		t.Errorf("%d callback requests to the REST API; the HTTP answer is the callback", n)
	}
	if len(in.Followups) != 0 || in.Deleted {
		t.Errorf("follow-ups %d, deleted %v: want the answer in the original response", len(in.Followups), in.Deleted)
	}
	edit := in.Edits[0]
	assertNoMentions(t, edit.AllowedMentions)
	if len(edit.Embeds) == 0 || len(edit.Embeds[0].Fields) == 0 {
		t.Fatalf("edit has no hit fields: %s", edit.Raw)
	}
	text := embedText(edit.Embeds)
	for _, want := range []string{"APT31", "Dowden"} {
		if !strings.Contains(text, want) {
			t.Errorf("edited response lacks %q:\n%s", want, text)
		}
	}
}

func TestHTTPCommandErrorIsEphemeral(t *testing.T) {
	t.Parallel()
	e := startHTTP(t, nil)
	tok, payload := e.f.CommandPayload(discordfake.PushedCommand{ChannelID: "780000000000000004", GuildID: guild, UserID: alice, Name: "newsdesk", Query: "search foo:bar"})
	if d := e.deliver(t, payload); d.Type != 5 {
		t.Fatalf("answered %q, want a deferral", d.Body)
	}
	wait(t, e.f, "the original deleted", func() bool { in, _ := e.f.Interaction(tok); return in.Deleted })
	in, _ := e.f.Interaction(tok)
	if len(in.Followups) != 1 {
		t.Fatalf("got %d follow-ups, want 1", len(in.Followups))
	}
	fu := in.Followups[0]
	if fu.ReplacedOriginal || !fu.Ephemeral {
		t.Errorf("error follow-up: replaced original %v, ephemeral %v; want an ephemeral message of its own", fu.ReplacedOriginal, fu.Ephemeral)
	}
	if text := embedText(fu.Embeds); !strings.Contains(text, "unknown field") {
		t.Errorf("error follow-up = %q, want the handler's error", text)
	}
	if len(in.Edits) != 1 || strings.Contains(embedText(in.Edits[0].Embeds)+in.Edits[0].Content, "unknown field") {
		t.Errorf("the public original must only hold a placeholder, got %+v", in.Edits)
	}
}

// TestHTTPArticleCannotPing: @everyone and friends in article text reach
// Discord escaped, with allowed_mentions {"parse": []}.
func TestHTTPArticleCannotPing(t *testing.T) {
	t.Parallel()
	e := startHTTP(t, nil)
	tok, payload := e.f.CommandPayload(discordfake.PushedCommand{ChannelID: "780000000000000005", GuildID: guild, UserID: alice, Name: "newsdesk", Query: "hostile"})
	e.deliver(t, payload)
	wait(t, e.f, "the edited response", func() bool { in, _ := e.f.Interaction(tok); return len(in.Edits) == 1 })
	in, _ := e.f.Interaction(tok)
	edit := in.Edits[0]
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(edit.Raw, &raw); err != nil {
		t.Fatal(err)
	}
	if _, ok := raw["allowed_mentions"]; !ok {
		t.Fatalf("the edit has no allowed_mentions: %s", edit.Raw)
	}
	assertNoMentions(t, edit.AllowedMentions)
	text := embedText(edit.Embeds)
	for _, bad := range []string{"@everyone", "@here", "<@1234", "<@&2234"} {
		if strings.Contains(text, bad) {
			t.Errorf("edit contains live %q:\n%s", bad, text)
		}
	}
	if !strings.Contains(text, "@\u200beveryone") {
		t.Errorf("edit lacks the escaped @everyone:\n%s", text)
	}
}

func TestHTTPAutocomplete(t *testing.T) {
	t.Parallel()
	e := startHTTP(t, nil)
	for _, tc := range []struct {
		name, command, query string
		want                 string // first choice; "" for an empty list
	}{
		{"actor", "newsdesk", "actor Vio", "actor Violet Typhoon"},
		{"empty query", "newsdesk", "", "help"},
		{"another command", "weather", "Lon", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok, payload := e.f.CommandPayload(discordfake.PushedCommand{ChannelID: "780000000000000006", GuildID: guild, UserID: alice, Name: tc.command, Query: tc.query, Autocomplete: true})
			d := e.deliver(t, payload)
			if d.Status != 200 || d.Type != 8 {
				t.Fatalf("answered %d %q, want 200 with type 8", d.Status, d.Body)
			}
			var resp struct {
				Data struct {
					Choices *[]struct {
						Name  string `json:"name"`
						Value string `json:"value"`
					} `json:"choices"`
				} `json:"data"`
			}
			if err := json.Unmarshal(d.Body, &resp); err != nil {
				t.Fatal(err)
			}
			if resp.Data.Choices == nil {
				t.Fatalf("answer %s has no choices list (Discord requires one, even empty)", d.Body)
			}
			ch := *resp.Data.Choices
			switch {
			case tc.want == "" && len(ch) != 0:
				t.Errorf("choices = %+v, want none", ch)
			case tc.want != "" && (len(ch) == 0 || ch[0].Value != tc.want):
				t.Errorf("choices = %+v, want %q first", ch, tc.want)
			}
			if in, _ := e.f.Interaction(tok); len(in.Callbacks) != 1 || in.Callbacks[0].Type != 8 {
				t.Errorf("callbacks = %+v, want the one autocomplete result", in.Callbacks)
			}
		})
	}
	if len(e.h.requests()) != 0 {
		t.Error("autocomplete must not run commands")
	}
}

func TestHTTPOtherCommandAnsweredPrivately(t *testing.T) {
	t.Parallel()
	e := startHTTP(t, nil)
	_, payload := e.f.CommandPayload(discordfake.PushedCommand{ChannelID: "780000000000000007", GuildID: guild, UserID: alice, Name: "weather", Query: "London"})
	d := e.deliver(t, payload)
	var resp struct {
		Type int `json:"type"`
		Data struct {
			Content         string          `json:"content"`
			Flags           int             `json:"flags"`
			AllowedMentions json.RawMessage `json:"allowed_mentions"`
		} `json:"data"`
	}
	if err := json.Unmarshal(d.Body, &resp); err != nil {
		t.Fatal(err)
	}
	if resp.Type != 4 || resp.Data.Flags&64 == 0 || !strings.Contains(resp.Data.Content, "/newsdesk") {
		t.Errorf("answered %s, want an ephemeral message (type 4, flags 64) naming /newsdesk", d.Body)
	}
	assertNoMentions(t, resp.Data.AllowedMentions)
	if len(e.h.requests()) != 0 {
		t.Error("another command reached the handler")
	}
}

// TestHTTPEditRetriedUntilAcknowledged: after an HTTP deferral nothing
// confirms that Discord has processed it, so a 404 on the first edit is
// retried; after a gateway deferral (confirmed by the callback's 204) it
// is not.
func TestHTTPEditRetriedUntilAcknowledged(t *testing.T) {
	t.Parallel()
	patches := func(f *discordfake.Fake, tok string) (n404, n200 int) {
		for _, r := range f.Requests() {
			if r.Method == http.MethodPatch && strings.Contains(r.Path, tok) {
				if r.Status == 404 {
					n404++
				} else if r.Status == 200 {
					n200++
				}
			}
		}
		return
	}
	t.Run("http", func(t *testing.T) {
		t.Parallel()
		e := startHTTP(t, nil)
		e.f.Fail(discordfake.Failure{Method: http.MethodPatch, Path: "/webhooks/*/*/messages/@original", Status: 404, Times: 2})
		tok, payload := e.f.CommandPayload(discordfake.PushedCommand{ChannelID: "780000000000000008", GuildID: guild, UserID: alice, Name: "newsdesk", Query: "help"})
		e.deliver(t, payload)
		wait(t, e.f, "the edited response", func() bool { in, _ := e.f.Interaction(tok); return len(in.Edits) == 1 })
		if n404, n200 := patches(e.f, tok); n404 != 2 || n200 != 1 {
			t.Errorf("PATCH @original: %d×404 then %d×200, want 2 then 1", n404, n200)
		}
	})
	t.Run("gateway", func(t *testing.T) {
		t.Parallel()
		e := start(t, nil)
		e.f.Fail(discordfake.Failure{Method: http.MethodPatch, Path: "/webhooks/*/*/messages/@original", Status: 404, Times: 2})
		tok, err := e.f.PushCommand(discordfake.PushedCommand{ChannelID: "780000000000000009", GuildID: guild, UserID: alice, Name: "newsdesk", Query: "help"})
		if err != nil {
			t.Fatal(err)
		}
		wait(t, e.f, "the failed edit", func() bool { n404, _ := patches(e.f, tok); return n404 >= 1 })
		e.a.shutdown() // waits for the answer in progress
		if n404, n200 := patches(e.f, tok); n404 != 1 || n200 != 0 {
			t.Errorf("PATCH @original: %d×404, %d×200; want one attempt (a confirmed deferral is not retried)", n404, n200)
		}
	})
}

func TestRoutes(t *testing.T) {
	pub, _, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, key  string
		wantStatus int // of a GET and an unsigned POST
		wantLog    string
	}{
		{"no public key", "", 404, "DISCORD_PUBLIC_KEY is not set"},
		{"public key", hex.EncodeToString(pub), 0, "serving HTTP interactions"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lw := &testLog{t: t}
			defer lw.done.Store(true)
			a, err := New(Config{Token: "t", PublicKey: tc.key}, &fixedHandler{}, nil, slog.New(slog.NewTextHandler(lw, nil)))
			if err != nil {
				t.Fatal(err)
			}
			mux := http.NewServeMux()
			a.Routes(mux)
			if !strings.Contains(lw.String(), tc.wantLog) {
				t.Errorf("log = %q, want %q", lw.String(), tc.wantLog)
			}
			get := httptest.NewRecorder()
			mux.ServeHTTP(get, httptest.NewRequest(http.MethodGet, InteractionsPath, nil))
			post := httptest.NewRecorder()
			mux.ServeHTTP(post, httptest.NewRequest(http.MethodPost, InteractionsPath, strings.NewReader(`{"type":1}`)))
			if tc.wantStatus == 404 {
				if get.Code != 404 || post.Code != 404 {
					t.Errorf("without a key: GET %d, POST %d; want nothing served (404)", get.Code, post.Code)
				}
				return
			}
			if get.Code != http.StatusMethodNotAllowed || post.Code != http.StatusUnauthorized {
				t.Errorf("GET %d, unsigned POST %d; want 405 and 401", get.Code, post.Code)
			}
		})
	}
}

func TestHTTPRefusedWhileShuttingDown(t *testing.T) {
	t.Parallel()
	e := startHTTP(t, nil)
	e.a.shutdown()
	tok, payload := e.f.CommandPayload(discordfake.PushedCommand{ChannelID: "780000000000000010", GuildID: guild, UserID: alice, Name: "newsdesk", Query: "help"})
	d := e.deliver(t, payload)
	if d.Status != http.StatusServiceUnavailable {
		t.Errorf("answered %d during shutdown, want 503", d.Status)
	}
	if in, _ := e.f.Interaction(tok); len(in.Callbacks) != 0 {
		t.Errorf("deferred an interaction it will not answer: %+v", in.Callbacks)
	}
}
