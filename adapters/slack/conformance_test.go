package slack

import (
	"fmt"
	"testing"

	"github.com/slack-go/slack"

	"github.com/newsdesk/newsdesk/chat"
	"github.com/newsdesk/newsdesk/chat/chattest"
)

// The chat seam's delivery promises hold for Slack: the real slack-go
// client against the fake's Web API.
func TestConformance(t *testing.T) {
	chattest.RunConformance(t, func(t *testing.T) chattest.Harness[message] {
		e := newEnv(t, seedHandler(), nil)
		return chattest.Harness[message]{
			Transport: transport{e.a},
			Fake:      e.fake.Conformance(),
			Channel:   func(i int) string { return fmt.Sprintf("C0CONF%02d", i) },
			Message: func(i int) message {
				return message{blocks: []slack.Block{section(fmt.Sprint("part ", i+1))}, text: "digest"}
			},
			Long: longReply(),
		}
	})
}

// Slack's errors are classified by type: a 429 with its Retry-After, a
// 5xx or a lost connection (unknown outcome), the refusals for lack of
// permission; everything else is permanent.
func TestClassify(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want chat.Class
	}{
		{"rate limited", &slack.RateLimitedError{RetryAfter: 7}, chat.RateLimited},
		{"429 status", slack.StatusCodeError{Code: 429}, chat.RateLimited},
		{"500", slack.StatusCodeError{Code: 500}, chat.Unknown},
		{"503", fmt.Errorf("post: %w", slack.StatusCodeError{Code: 503}), chat.Unknown},
		{"403", slack.StatusCodeError{Code: 403}, chat.Forbidden},
		{"missing_scope", slack.SlackErrorResponse{Err: "missing_scope"}, chat.Forbidden},
		{"not_in_channel", slack.SlackErrorResponse{Err: "not_in_channel"}, chat.Forbidden},
		{"invalid_auth", slack.SlackErrorResponse{Err: "invalid_auth"}, chat.Permanent},
		{"channel_not_found", slack.SlackErrorResponse{Err: "channel_not_found"}, chat.Permanent},
		{"400", slack.StatusCodeError{Code: 400}, chat.Permanent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := transport{}.Classify(tt.err)
			if got.Class != tt.want {
				t.Errorf("Classify(%v) = %v, want %v", tt.err, got.Class, tt.want)
			}
			if rl, ok := tt.err.(*slack.RateLimitedError); ok && got.RetryAfter != rl.RetryAfter {
				t.Errorf("RetryAfter %v, want %v", got.RetryAfter, rl.RetryAfter)
			}
		})
	}
}
