package slack

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/slack-go/slack"

	"github.com/newsdesk/newsdesk/bot"
)

// SlotEventType is the message metadata event type that marks a digest slot.
const SlotEventType = "newsdesk_digest"

const maxBackoff = 10 * time.Second

// retry calls call until it succeeds, fails for good, or runs out of
// attempts. A 429 waits the Retry-After Slack sent (*slack.RateLimitedError);
// a 5xx (or a 429 without Retry-After) backs off exponentially with jitter.
// After a 5xx the outcome is unknown: when afterServerError is set it is
// asked whether the call took effect after all (found=true ends the loop
// without calling again). All waiting is under ctx.
func (a *Adapter) retry(ctx context.Context, what string, call func() error, afterServerError func() (found bool)) error {
	for attempt := 1; ; attempt++ {
		err := call()
		if err == nil {
			return nil
		}
		var (
			wait    time.Duration
			rl      *slack.RateLimitedError
			sc      slack.StatusCodeError
			unknown bool
		)
		switch {
		case errors.As(err, &rl):
			wait = rl.RetryAfter
		case errors.As(err, &sc) && sc.Code == http.StatusTooManyRequests:
			wait = a.backoff(attempt)
		case errors.As(err, &sc) && sc.Code >= 500:
			wait = a.backoff(attempt)
			unknown = true
		default:
			return fmt.Errorf("%s: %w", what, err)
		}
		if attempt >= a.cfg.MaxAttempts {
			return fmt.Errorf("%s: gave up after %d attempts: %w", what, attempt, err)
		}
		a.log.Warn("slack call will be retried", "call", what, "attempt", attempt, "wait", wait, "error", err)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%s: %w (last error: %v)", what, ctx.Err(), err)
		case <-t.C:
		}
		if unknown && afterServerError != nil && afterServerError() {
			return nil
		}
	}
}

func (a *Adapter) backoff(attempt int) time.Duration {
	d := a.cfg.RetryBackoff << (attempt - 1)
	if d > maxBackoff || d <= 0 {
		d = maxBackoff
	}
	return d + rand.N(a.cfg.RetryBackoff/2+1)
}

// mark identifies one message of a digest slot: part of parts (from 1).
type mark struct {
	slot        string
	part, parts int
}

// postBlocks posts one message (at most 50 blocks) with unfurling off.
// When m.slot is set the message carries the slot's metadata, and after an
// ambiguous 5xx the channel is checked for that part before posting again.
func (a *Adapter) postBlocks(ctx context.Context, channel string, blocks []slack.Block, text string, m mark, extra ...slack.MsgOption) (string, error) {
	slot := m.slot
	opts := []slack.MsgOption{
		slack.MsgOptionText(text, false),
		slack.MsgOptionBlocks(blocks...),
		slack.MsgOptionDisableLinkUnfurl(),
		slack.MsgOptionDisableMediaUnfurl(),
	}
	if slot != "" {
		opts = append(opts, slack.MsgOptionMetadata(slack.SlackMetadata{
			EventType:    SlotEventType,
			EventPayload: map[string]any{"slot": slot, "part": m.part, "parts": m.parts},
		}))
	}
	opts = append(opts, extra...)
	var ts string
	var check func() bool
	if slot != "" {
		check = func() bool {
			id, found, err := a.findPart(ctx, channel, slot, m.part)
			if err != nil {
				a.log.Warn("could not check the channel for a slot after a server error", "slot", slot, "error", err)
				return false
			}
			ts = id
			return found
		}
	}
	err := a.retry(ctx, "chat.postMessage to "+channel, func() error {
		var err error
		_, ts, err = a.api.PostMessageContext(ctx, channel, opts...)
		return err
	}, check)
	return ts, err
}

// Post renders r and posts it to channel with chat.postMessage, link and
// media unfurling off, split into messages of at most 50 blocks; the first
// message's timestamp is the returned id. When slot is set every message
// carries metadata (event type "newsdesk_digest", payload {"slot": slot,
// "part": i, "parts": n}); FindSlot finds part 1. 429 and 5xx are retried
// (see Config.MaxAttempts); after a 5xx, whose outcome is unknown, the
// channel is checked for the part before it is posted again. If a later part
// fails, the error says which, and the id of the first part is still
// returned.
func (a *Adapter) Post(ctx context.Context, channel string, r bot.Reply, slot string) (string, error) {
	if channel == "" {
		return "", errors.New("slack post: no channel id")
	}
	chunks := split(render(r, a.cfg.Command))
	text := fallbackText(r)
	var first string
	for i, chunk := range chunks {
		m := mark{}
		if slot != "" {
			m = mark{slot: slot, part: i + 1, parts: len(chunks)}
		}
		ts, err := a.postBlocks(ctx, channel, chunk, text, m)
		if err != nil {
			return first, fmt.Errorf("slack post message %d of %d: %w", i+1, len(chunks), err)
		}
		if i == 0 {
			first = ts
		}
	}
	a.log.Info("posted", "channel", channel, "messages", len(chunks), "slot", slot, "id", first)
	return first, nil
}

// FindSlot looks through the channel's recent history (the last 100
// messages, with metadata) for the (first) message marking slot, and
// returns its timestamp.
func (a *Adapter) FindSlot(ctx context.Context, channel, slot string) (string, bool, error) {
	return a.findPart(ctx, channel, slot, 1)
}

func (a *Adapter) findPart(ctx context.Context, channel, slot string, part int) (string, bool, error) {
	var resp *slack.GetConversationHistoryResponse
	err := a.retry(ctx, "conversations.history of "+channel, func() error {
		var err error
		resp, err = a.api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
			ChannelID: channel, Limit: 100, IncludeAllMetadata: true,
		})
		return err
	}, nil)
	if err != nil {
		return "", false, fmt.Errorf("slack find slot %q: %w", slot, err)
	}
	for _, m := range resp.Messages {
		if m.Metadata.EventType != SlotEventType {
			continue
		}
		s, _ := m.Metadata.EventPayload["slot"].(string)
		if s != slot {
			continue
		}
		// A message without a part number (older marks) counts as part 1.
		p, hasPart := m.Metadata.EventPayload["part"].(float64)
		if (!hasPart && part == 1) || (hasPart && int(p) == part) {
			return m.Timestamp, true, nil
		}
	}
	return "", false, nil
}
