package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/adapters/slack/slackfake"
	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/chat"
	"github.com/newsdesk/newsdesk/chat/chattest"
	"github.com/newsdesk/newsdesk/news"
)

const testSecret = "8f742231b10e8888abcd99yyyzzz85a5"

var seedPublished = time.Date(2024, 3, 26, 9, 0, 0, 0, time.UTC)

const (
	seedTitle = "US, UK and New Zealand accuse China of cyber attacks; Beijing voices opposition"
	seedURL   = "https://example.org/news/apt31-accusations-2024-03?src=seed&lang=en"
)

// seedItem builds an item from a sentence of the seed article, marking every
// occurrence of mark.
func seedItem(kind news.Kind, speaker string, countries, accused, targets []string, confidence, sentence, mark string) bot.Item {
	var marks [][2]int
	for i := 0; mark != ""; {
		j := strings.Index(sentence[i:], mark)
		if j < 0 {
			break
		}
		marks = append(marks, [2]int{i + j, i + j + len(mark)})
		i += j + len(mark)
	}
	return bot.Item{Kind: kind, Speaker: speaker, SpeakerCountry: countries, Accused: accused, Targets: targets,
		Confidence: confidence, Date: seedPublished, ArticleID: "apt31-2024-03", Title: seedTitle, URL: seedURL,
		SourceName: "Sky News", Text: sentence, Marks: marks}
}

// seedReply is what `search APT31` answers over the seed article.
func seedReply() bot.Reply {
	return bot.Reply{
		Kind:  bot.KindResults,
		Title: "Search: APT31",
		Sections: []bot.Section{{Items: []bot.Item{
			seedItem(news.Allegation, "NCSC", []string{"GB"}, []string{"APT31"}, []string{"British MPs"}, "almost certain",
				"In addition, Mr. Dowden also said the NCSC assessed with “almost certainty” that a hacker group nicknamed APT31, linked to the Chinese state, conducted espionage against British MPs in a separate campaign in 2021.", "APT31"),
			seedItem(news.Indictment, "US prosecutors", []string{"GB", "US"}, []string{"APT31"}, []string{"White House staff", "US senators"}, "",
				"Britain and the United States have indicted APT31, listing a long list of its targets including White House staff, US senators, British lawmakers and government officials around the world who are critical of Beijing.", "APT31"),
			seedItem(news.Sanction, "UK and US governments", []string{"GB", "US"}, []string{"APT31"}, nil, "",
				"The announcement comes as both the UK and the US imposed sanctions on Wuhan Xiaoruizhi Science and Technology, which is believed to be a front company for China's Ministry of State Security.", ""),
			seedItem(news.Response, "Chinese Embassy in the UK", []string{"CN"}, []string{"GB"}, nil, "",
				"The Chinese Embassy in the UK said the allegations were \"completely baseless and malicious slander\".", ""),
		}}},
		Footer: "4 statements from 1 article",
		Page:   1, Pages: 2, Next: "search APT31 page:2",
	}
}

// fixedHandler answers every command with a fixed reply and records requests.
type fixedHandler struct {
	mu    sync.Mutex
	reply func(req bot.Request) bot.Reply
	reqs  []bot.Request
}

func (h *fixedHandler) Handle(ctx context.Context, req bot.Request) bot.Reply {
	h.mu.Lock()
	h.reqs = append(h.reqs, req)
	h.mu.Unlock()
	return h.reply(req)
}

func (h *fixedHandler) requests() []bot.Request {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]bot.Request(nil), h.reqs...)
}

// seedHandler answers like the bot does over the seed article: search hits,
// shared in the channel on --share, a one-line error for an unknown field.
func seedHandler() *fixedHandler {
	return &fixedHandler{reply: func(req bot.Request) bot.Reply {
		if strings.Contains(req.Text, "nope:") {
			return bot.Reply{Kind: bot.KindError, Text: `unknown field "nope:": use actor:, by:, kind:, target:, since:, until:`}
		}
		r := seedReply()
		r.Public = strings.Contains(req.Text, "--share")
		return r
	}}
}

// blockingHandler answers only once released: a slow search.
type blockingHandler struct {
	release chan struct{}
	started chan struct{}
}

func newBlockingHandler() *blockingHandler {
	return &blockingHandler{release: make(chan struct{}), started: make(chan struct{}, 10)}
}

func (h *blockingHandler) Handle(ctx context.Context, req bot.Request) bot.Reply {
	h.started <- struct{}{}
	select {
	case <-h.release:
		return seedReply()
	case <-ctx.Done():
		return bot.Reply{Kind: bot.KindError, Text: "search timed out"}
	}
}

// syncBuffer is a log sink safe for concurrent writers.
type syncBuffer struct {
	mu      sync.Mutex
	b       bytes.Buffer
	changed chan struct{} // closed and replaced on every write
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.changed != nil {
		close(s.changed)
		s.changed = nil
	}
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor waits until the log holds sub (the request log line is written
// after the answer has been flushed to the client) or timeout passes, and
// returns the log.
func (s *syncBuffer) waitFor(sub string, timeout time.Duration) string {
	deadline := time.After(timeout)
	for {
		s.mu.Lock()
		out := s.b.String()
		if strings.Contains(out, sub) {
			s.mu.Unlock()
			return out
		}
		if s.changed == nil {
			s.changed = make(chan struct{})
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-deadline:
			return s.String()
		}
	}
}

type env struct {
	a    *Adapter
	fake *slackfake.Server
	srv  *httptest.Server
	logs *syncBuffer
}

// newEnv starts a fake Slack and the adapter's HTTP endpoints over it.
func newEnv(t testing.TB, h bot.Handler, mod func(*Config)) *env {
	t.Helper()
	return newWrappedEnv(t, h, mod, nil)
}

// newWrappedEnv is newEnv with the adapter's routes behind wrap (nil: none),
// as serve puts admit.Arrivals at the top of the chain.
func newWrappedEnv(t testing.TB, h bot.Handler, mod func(*Config), wrap func(http.Handler) http.Handler) *env {
	t.Helper()
	fake := slackfake.New(t)
	fake.Token = "xoxb-test-token"
	cfg := Config{
		BotToken:      "xoxb-test-token",
		SigningSecret: testSecret,
		APIURL:        fake.APIURL,
		AckBudget:     time.Second,
		Delivery:      chat.Policy{Sleep: chattest.NoWait},
	}
	if mod != nil {
		mod(&cfg)
	}
	logs := &syncBuffer{}
	var sink io.Writer = logs
	if _, bench := t.(*testing.B); bench {
		sink = io.Discard // the request log is still formatted, not kept
	}
	a, err := New(cfg, h, slog.New(slog.NewTextHandler(sink, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	mux := http.NewServeMux()
	a.Routes(mux)
	var top http.Handler = mux
	if wrap != nil {
		top = wrap(mux)
	}
	srv := httptest.NewServer(top)
	t.Cleanup(func() {
		srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := a.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	return &env{a: a, fake: fake, srv: srv, logs: logs}
}

// commandForm is the form Slack POSTs for a slash command.
func (e *env) commandForm(text, responseID string) []byte {
	v := url.Values{
		"token": {"legacy-unused"}, "team_id": {slackfake.TeamID}, "team_domain": {"newsdesk"},
		"channel_id": {"C0SECDESK"}, "channel_name": {"security-desk"}, "user_id": {"U0REPORTER"},
		"user_name": {"reporter"}, "command": {"/newsdesk"}, "text": {text},
		"response_url": {e.fake.ResponseURL(responseID)}, "trigger_id": {"123.456.abc"}, "api_app_id": {"ANEWSDESK"},
	}
	return []byte(v.Encode())
}

// post POSTs body to path, signed with secret at ts (unsigned when secret is "").
func (e *env) post(t testing.TB, path string, body []byte, secret string, ts time.Time, header map[string]string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if secret != "" {
		slackfake.SignRequest(req, secret, body, ts)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// answer decodes a slash command answer.
type answerJSON struct {
	ResponseType string            `json:"response_type"`
	Text         string            `json:"text"`
	Blocks       []json.RawMessage `json:"blocks"`
}

func decodeAnswer(t testing.TB, b []byte) answerJSON {
	t.Helper()
	var a answerJSON
	if err := json.Unmarshal(b, &a); err != nil {
		t.Fatalf("answer is not JSON: %v: %s", err, b)
	}
	return a
}

// texts returns every "text" string anywhere in a JSON document, with the
// type of the text object that holds it ("mrkdwn", "plain_text" or "").
func texts(t testing.TB, doc []byte) map[string][]string {
	t.Helper()
	var v any
	if err := json.Unmarshal(doc, &v); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	out := map[string][]string{}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if s, ok := x["text"].(string); ok {
				typ, _ := x["type"].(string)
				out[typ] = append(out[typ], s)
			}
			for _, c := range x {
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(v)
	return out
}

// socketRun is a's Socket Mode running for a test.
type socketRun struct {
	done chan struct{} // closed when RunSocketMode has returned
	err  error         // what it returned, once done
	stop func()
}

// runSocketMode runs a's Socket Mode until stop is called or the test
// ends: stop calls before (if not nil), cancels RunSocketMode, expects
// nil from it and shuts a down. It returns once the fake holds the socket.
func runSocketMode(t *testing.T, fake *slackfake.Server, a *Adapter, before func()) *socketRun {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &socketRun{done: make(chan struct{})}
	go func() { r.err = a.RunSocketMode(ctx); close(r.done) }()
	stopped := false
	r.stop = func() {
		if stopped {
			return
		}
		stopped = true
		if before != nil {
			before()
		}
		cancel()
		<-r.done
		if r.err != nil {
			t.Errorf("RunSocketMode = %v after cancel, want nil", r.err)
		}
		sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer scancel()
		if err := a.Shutdown(sctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	}
	t.Cleanup(r.stop)
	if err := fake.WaitSocket(10 * time.Second); err != nil { // a deadlock guard, not a timing assertion
		t.Fatal(err)
	}
	return r
}
