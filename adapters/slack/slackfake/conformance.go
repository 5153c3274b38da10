package slackfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/slack-go/slack"

	"github.com/newsdesk/newsdesk/chat/chattest"
)

// ConformanceRetryAfter is the Retry-After of the fake's scripted 429s in
// the chat conformance suite.
const ConformanceRetryAfter = 3 * time.Second

// Conformance is the fake as the chat conformance suite drives it
// (chattest.Fake): failures in Slack's own wire protocol, and the
// channel's history as Slack holds it.
func (s *Server) Conformance() chattest.Fake { return conformance{s} }

type conformance struct{ s *Server }

var _ chattest.Fake = conformance{}

func method(op chattest.Op) string {
	if op == chattest.History {
		return "conversations.history"
	}
	return "chat.postMessage"
}

func (c conformance) Fail(op chattest.Op, fault chattest.Fault, pass, n int) {
	m := method(op)
	c.s.Pass(m, pass)
	switch fault {
	case chattest.RateLimited:
		c.s.Fail(m, http.StatusTooManyRequests, n, fmt.Sprint(int(ConformanceRetryAfter/time.Second)))
	case chattest.ServerError:
		c.s.Fail(m, http.StatusServiceUnavailable, n, "")
	case chattest.LostResponse:
		c.s.FailAfter(m, http.StatusInternalServerError, n)
	case chattest.Forbidden:
		c.s.Fail(m, http.StatusForbidden, n, "")
	case chattest.Permanent:
		c.s.Fail(m, http.StatusBadRequest, n, "")
	}
}

func (c conformance) Calls(op chattest.Op) int { return c.s.Calls(method(op)) }

// Posted lists the bot's messages in the channel (posted or added), with
// their metadata payload as JSON and their text and blocks.
func (c conformance) Posted(channel string) []chattest.Posted {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	blocks := map[string]json.RawMessage{}
	for _, p := range c.s.posts {
		blocks[p.TS] = p.Blocks
	}
	var out []chattest.Posted
	for _, e := range c.s.msgs {
		if e.channel != channel || e.botID != BotID || e.threadTS != "" {
			continue
		}
		p := chattest.Posted{ID: e.ts, Text: e.text + "\n" + string(blocks[e.ts])}
		if e.metadata != nil {
			b, _ := json.Marshal(e.metadata.EventPayload)
			p.Carries = string(b)
		}
		out = append(out, p)
	}
	return out
}

func (c conformance) Chatter(channel string, n int) {
	for i := range n {
		c.s.AddMessage(Message{Channel: channel, Text: fmt.Sprint("chatter ", i)})
	}
}

// Legacy adds messages as newsdesk posted a slot before the chat package:
// metadata event newsdesk_digest with {"slot", "part", "parts"}.
func (c conformance) Legacy(channel, slot string, k, n int) {
	for i := 1; i <= k; i++ {
		c.s.AddMessage(Message{Channel: channel, BotID: BotID, Text: "digest", Metadata: &slack.SlackMetadata{
			EventType: "newsdesk_digest", EventPayload: map[string]any{"slot": slot, "part": i, "parts": n}}})
	}
}

func (c conformance) RetryAfter() time.Duration { return ConformanceRetryAfter }
