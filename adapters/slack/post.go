package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/slack-go/slack"

	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/chat"
)

// SlotEventType is the message metadata event type of a digest's messages;
// the payload {"mark": …} carries the chat.Mark.
const SlotEventType = "newsdesk_digest"

// historyPage is the page size asked of conversations.history (Slack caps
// apps outside its Marketplace at 15).
const historyPage = 100

// message is one Slack message of a post: its blocks (at most 50), the
// notification text, and the thread it answers in ("" for none).
type message struct {
	blocks []slack.Block
	text   string
	thread string
}

// transport is Slack's side of chat delivery.
type transport struct{ a *Adapter }

var _ chat.Transport[message] = transport{}

// Split renders r as messages of at most 50 blocks.
func (t transport) Split(r bot.Reply) []message {
	text := fallbackText(r)
	var out []message
	for _, chunk := range split(render(r, t.a.cfg.Command)) {
		out = append(out, message{blocks: chunk, text: text})
	}
	return out
}

// Send posts one message with chat.postMessage, link and media unfurling
// off; a mark goes in the message metadata.
func (t transport) Send(ctx context.Context, channel string, m message, mark chat.Mark) (string, error) {
	opts := []slack.MsgOption{
		slack.MsgOptionText(m.text, false),
		slack.MsgOptionBlocks(m.blocks...),
		slack.MsgOptionDisableLinkUnfurl(),
		slack.MsgOptionDisableMediaUnfurl(),
	}
	if !mark.IsZero() {
		opts = append(opts, slack.MsgOptionMetadata(slack.SlackMetadata{
			EventType: SlotEventType, EventPayload: map[string]any{"mark": mark.String()},
		}))
	}
	if m.thread != "" {
		opts = append(opts, slack.MsgOptionTS(m.thread))
	}
	_, ts, err := t.a.api.PostMessageContext(ctx, channel, opts...)
	return ts, err
}

// History reads a page of conversations.history with metadata; a
// message's metadata payload is what carries its mark.
func (t transport) History(ctx context.Context, channel string, since time.Time, cursor string) (chat.Page, error) {
	resp, err := t.a.api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
		ChannelID: channel, Limit: historyPage, IncludeAllMetadata: true, Cursor: cursor,
		Oldest: strconv.FormatInt(since.Unix(), 10) + ".000000",
	})
	if err != nil {
		return chat.Page{}, err
	}
	var page chat.Page
	for _, m := range resp.Messages {
		msg := chat.Message{ID: m.Timestamp}
		if m.Metadata.EventType == SlotEventType {
			b, _ := json.Marshal(m.Metadata.EventPayload)
			msg.Carries = []string{string(b)}
		}
		page.Messages = append(page.Messages, msg)
	}
	if resp.HasMore {
		page.Next = resp.ResponseMetaData.NextCursor
	}
	return page, nil
}

// Classify: a 429 (*slack.RateLimitedError with its Retry-After, or a bare
// 429 status), a 5xx or a lost connection (outcome unknown), a refusal for
// lack of permission (missing_scope, not_in_channel, … or HTTP 403);
// anything else is permanent.
func (transport) Classify(err error) *chat.Error {
	var (
		rl *slack.RateLimitedError
		sc slack.StatusCodeError
		se slack.SlackErrorResponse
		ue *url.Error
	)
	switch {
	case errors.As(err, &rl):
		return &chat.Error{Class: chat.RateLimited, RetryAfter: rl.RetryAfter}
	case errors.As(err, &sc) && sc.Code == http.StatusTooManyRequests:
		return &chat.Error{Class: chat.RateLimited}
	case errors.As(err, &sc) && sc.Code >= 500:
		return &chat.Error{Class: chat.Unknown}
	case errors.As(err, &sc) && sc.Code == http.StatusForbidden:
		return &chat.Error{Class: chat.Forbidden}
	case errors.As(err, &se):
		switch se.Err {
		case "missing_scope", "not_in_channel", "no_permission", "not_allowed_token_type", "access_denied":
			return &chat.Error{Class: chat.Forbidden}
		}
	case errors.As(err, &ue):
		return &chat.Error{Class: chat.Unknown}
	}
	return &chat.Error{Class: chat.Permanent}
}

// Post renders r and posts it to channel (chat.Deliver: split into
// messages of at most 50 blocks, unfurling off); the first message's
// timestamp is the returned id. With a slot every message carries its
// chat.Mark in its metadata (event type "newsdesk_digest"), and a slot
// already posted, wholly or in part, is completed, never repeated.
func (a *Adapter) Post(ctx context.Context, channel string, r bot.Reply, slot string) (string, error) {
	if channel == "" {
		return "", errors.New("slack post: no channel id")
	}
	d, err := chat.Post(ctx, transport{a}, channel, r, slot, a.policy)
	if err != nil {
		return d.First(), fmt.Errorf("slack post: %w", err)
	}
	return d.First(), nil
}

// FindSlot reports whether the channel holds a complete post for slot
// (chat.Find) and returns its first message's timestamp.
func (a *Adapter) FindSlot(ctx context.Context, channel, slot string) (string, bool, error) {
	if channel == "" {
		return "", false, errors.New("slack find slot: no channel id")
	}
	d, found, err := chat.Find(ctx, transport{a}, channel, slot, a.policy)
	if err != nil {
		return "", false, fmt.Errorf("slack %w", err)
	}
	return d.First(), found, nil
}

// HistoryHint says what lets newsdesk read a Slack channel's history.
func (a *Adapter) HistoryHint() string {
	return "the Slack app needs the channels:history scope (groups:history for a private channel) and must be in the channel"
}
