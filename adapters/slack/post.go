package slack

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
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
// without calling again); if it cannot tell (err), the call is not repeated
// blind and retry fails. All waiting is under ctx.
func (a *Adapter) retry(ctx context.Context, what string, call func() error, afterServerError func() (found bool, err error)) error {
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
		if unknown && afterServerError != nil {
			found, cerr := afterServerError()
			if cerr != nil {
				return fmt.Errorf("%s: %w; its outcome could not be checked (%v), so it is not repeated blind", what, err, cerr)
			}
			if found {
				return nil
			}
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

// How far back the channel is searched for a slot's messages. The digest
// service gives a slot up a day after it was recorded, so its messages, if
// any, are younger than SlotLookback; the page bound keeps a very busy
// channel from costing more than MaxHistoryPages reads (conversations.history
// is rate limited hard for apps outside the Slack Marketplace: Slack caps
// them at 15 messages a page and a page a minute).
const (
	SlotLookback    = 48 * time.Hour
	MaxHistoryPages = 10
	historyPage     = 100
)

// slotParts is what a channel holds of one slot: the ts of each part found
// (of the oldest copy, should there be two), by part and part count.
type slotParts map[mark]string

// complete returns the first part of a complete post of the slot (one whose
// last part is in the channel): its ts, or the last part's when the first is
// not found.
func (sp slotParts) complete() (string, bool) {
	for m, ts := range sp {
		if m.part != m.parts {
			continue
		}
		if first, ok := sp[mark{slot: m.slot, part: 1, parts: m.parts}]; ok {
			return first, true
		}
		return ts, true
	}
	return "", false
}

// hasFirst reports whether a first part was seen: history is read newest
// first, so every later part, posted after it, was seen too.
func (sp slotParts) hasFirst() bool {
	for m := range sp {
		if m.part == 1 {
			return true
		}
	}
	return false
}

// scanSlot reads the channel's history newest first, page by page (cursor),
// back to SlotLookback ago and at most MaxHistoryPages pages, collecting
// the messages marked with slot, until done says it has seen enough.
func (a *Adapter) scanSlot(ctx context.Context, channel, slot string, done func(slotParts) bool) (slotParts, error) {
	found := slotParts{}
	params := &slack.GetConversationHistoryParameters{
		ChannelID: channel, Limit: historyPage, IncludeAllMetadata: true,
		Oldest: strconv.FormatInt(time.Now().Add(-SlotLookback).Unix(), 10) + ".000000",
	}
	for page := 1; ; page++ {
		var resp *slack.GetConversationHistoryResponse
		err := a.retry(ctx, "conversations.history of "+channel, func() error {
			var err error
			resp, err = a.api.GetConversationHistoryContext(ctx, params)
			return err
		}, nil)
		if err != nil {
			return found, err
		}
		for _, m := range resp.Messages {
			if mk, ok := slotMark(m.Metadata); ok && mk.slot == slot {
				found[mk] = m.Timestamp // older pages come later: the oldest copy wins
			}
		}
		next := resp.ResponseMetaData.NextCursor
		switch {
		case done(found), !resp.HasMore || next == "":
			return found, nil
		case page == MaxHistoryPages:
			a.log.Warn("slack: slot search stopped at the page limit; older messages not searched",
				"channel", channel, "slot", slot, "pages", page)
			return found, nil
		}
		params.Cursor = next
	}
}

// slotMark reads a message's slot metadata. A mark without a part number
// (an older post) counts as a one-message post.
func slotMark(md slack.SlackMetadata) (mark, bool) {
	if md.EventType != SlotEventType {
		return mark{}, false
	}
	s, ok := md.EventPayload["slot"].(string)
	if !ok || s == "" {
		return mark{}, false
	}
	m := mark{slot: s, part: 1, parts: 1}
	if p, ok := md.EventPayload["part"].(float64); ok {
		m.part = int(p)
	}
	if n, ok := md.EventPayload["parts"].(float64); ok {
		m.parts = int(n)
	}
	if m.part < 1 || m.parts < m.part {
		return mark{}, false
	}
	return m, true
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
	var check func() (bool, error)
	if slot != "" {
		check = func() (bool, error) {
			found, err := a.scanSlot(ctx, channel, slot, func(sp slotParts) bool { _, ok := sp[m]; return ok })
			if err != nil {
				return false, err
			}
			id, ok := found[m]
			if ok {
				ts = id
			}
			return ok, nil
		}
	}
	err := a.retry(ctx, "chat.postMessage to "+channel, func() error {
		var err error
		_, ts, err = a.api.PostMessageContext(ctx, channel, opts...)
		return err
	}, check)
	if err != nil && ctx.Err() == nil {
		a.cfg.Metrics.PostFailed("slack", "message")
	}
	return ts, err
}

// Post renders r and posts it to channel with chat.postMessage, link and
// media unfurling off, split into messages of at most 50 blocks; the first
// message's timestamp is the returned id.
//
// When slot is set every message carries metadata (event type
// "newsdesk_digest", payload {"slot": slot, "part": i, "parts": n}), and
// Post first reads the channel's recent history (newest first, back to
// SlotLookback ago, at most MaxHistoryPages pages) for the slot's messages:
// a complete post (its last part is there) is returned without posting
// anything, and of a partial one (an earlier attempt failed after part k)
// only the missing parts are posted, in order. So Post may be
// called again for a slot whatever became of the last call: every part ends
// up in the channel once. A history read that fails fails the post (posting
// blind could double it).
//
// 429 and 5xx are retried (see Config.MaxAttempts); after a 5xx, whose
// outcome is unknown, the channel is checked for the part before it is
// posted again. If a later part fails, the error says which, and the id of
// the first part is still returned.
func (a *Adapter) Post(ctx context.Context, channel string, r bot.Reply, slot string) (string, error) {
	if channel == "" {
		return "", errors.New("slack post: no channel id")
	}
	chunks := split(render(r, a.cfg.Command))
	text := fallbackText(r)
	have := slotParts{}
	if slot != "" {
		var err error
		have, err = a.scanSlot(ctx, channel, slot, slotParts.hasFirst)
		if isForbidden(err) {
			// No history scope here. The digest service calls Post for a
			// slot only when it is new or FindSlot (which needs the same
			// scope) answered, so nothing of it can be in the channel.
			a.log.Warn("cannot read channel history to check for an earlier post; posting (add channels:history, groups:history or im:history so a crash can be recovered without a repeat)",
				"channel", channel, "slot", slot, "err", err)
			have, err = slotParts{}, nil
		}
		if err != nil {
			return "", fmt.Errorf("slack post: look for slot %q in the channel first: %w", slot, err)
		}
		if id, ok := have.complete(); ok {
			a.log.Info("slot already posted; nothing to do", "channel", channel, "slot", slot, "id", id)
			return id, nil
		}
		for m := range have {
			if m.parts != len(chunks) {
				a.log.Warn("slot partly posted with another split; posting it whole", "channel", channel, "slot", slot,
					"parts_found", m.parts, "parts_now", len(chunks))
				break
			}
		}
	}
	var first string
	posted := 0
	for i, chunk := range chunks {
		m := mark{}
		if slot != "" {
			m = mark{slot: slot, part: i + 1, parts: len(chunks)}
		}
		ts, ok := have[m]
		if !ok || slot == "" {
			var err error
			ts, err = a.postBlocks(ctx, channel, chunk, text, m)
			if err != nil {
				return first, fmt.Errorf("slack post message %d of %d: %w", i+1, len(chunks), err)
			}
			posted++
		}
		if i == 0 {
			first = ts
		}
	}
	a.log.Info("posted", "channel", channel, "messages", len(chunks), "new", posted, "slot", slot, "id", first)
	return first, nil
}

// FindSlot reports whether the channel holds a complete post for slot (its
// last part: a post cut short by a failure is not found, and Post completes
// it), and returns its first message's timestamp. It reads the channel's
// history newest first, paging back to SlotLookback ago (at most
// MaxHistoryPages pages).
func (a *Adapter) FindSlot(ctx context.Context, channel, slot string) (string, bool, error) {
	if channel == "" {
		return "", false, errors.New("slack find slot: no channel id")
	}
	found, err := a.scanSlot(ctx, channel, slot, slotParts.hasFirst)
	if err != nil {
		return "", false, fmt.Errorf("slack find slot %q: %w", slot, err)
	}
	id, ok := found.complete()
	return id, ok, nil
}

// isForbidden reports a refusal for lack of permission (a missing scope,
// not in the channel, HTTP 403), as opposed to a passing failure.
func isForbidden(err error) bool {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		switch se.Err {
		case "missing_scope", "not_in_channel", "no_permission", "not_allowed_token_type", "access_denied":
			return true
		}
	}
	var sc slack.StatusCodeError
	return errors.As(err, &sc) && sc.Code == http.StatusForbidden
}
