package discord

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
	"github.com/newsdesk/newsdesk/bot"
)

// noMentions is the allowed_mentions object of every message the bot sends:
// "parse": [] and no users or roles, so nothing in it can ping anyone.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// outgoing is a message create body. discordgo v0.29.0's MessageSend has no
// nonce, so the adapter sends this through Session.RequestWithBucketID.
type outgoing struct {
	*discordgo.MessageSend
	Nonce        string `json:"nonce,omitempty"`
	EnforceNonce bool   `json:"enforce_nonce,omitempty"`
}

// Nonce derives the message nonce for a key and part: "nd" and 22 hex
// digits of SHA-256 (24 characters; Discord allows 25). Part -1 is the last
// (or only) message of a post: the one that carries the slot marker.
func Nonce(key string, part int) string {
	k := key
	if part >= 0 {
		k += "#" + strconv.Itoa(part)
	}
	sum := sha256.Sum256([]byte(k))
	return "nd" + hex.EncodeToString(sum[:])[:22]
}

// SlotMarker is the text Post puts in the footer of the last embed of a
// slot's post, and FindSlot looks for.
func SlotMarker(slot string) string { return partMarker("slot:"+slot, -1) }

// partMarker is the footer text marking part (as in Nonce) of key's post.
func partMarker(key string, part int) string { return "ref " + Nonce(key, part) }

// partOf is the part number of message i of n in Nonce terms: i, but -1 for
// the last.
func partOf(i, n int) int {
	if i == n-1 {
		return -1
	}
	return i
}

// How far back a channel is searched for a slot's messages. The digest
// service gives a slot up a day after it was recorded, so its messages, if
// any, are younger than SlotLookback; the page bound keeps a very busy
// channel from costing more than MaxHistoryPages reads of 100 messages.
const (
	SlotLookback    = 48 * time.Hour
	MaxHistoryPages = 10
	historyPage     = 100
)

// Post posts a reply (a digest) to a channel and returns the id of the last
// message it took (the one carrying the slot marker). Embeds are split into
// messages of at most 10 embeds and 6,000 characters; allowed_mentions is
// empty on each.
//
// With a slot, message i of n carries the nonce Nonce("slot:"+slot, i) (the
// last: part -1) with enforce_nonce, so that a quick retry (after a lost
// response) returns the message Discord already has, and the footer of its
// last embed carries "ref " and that nonce: the last message's is
// SlotMarker(slot), which FindSlot looks for. Since Discord only honours a
// nonce for a few minutes, Post first reads the channel's recent history
// (the bot's messages, newest first, back to SlotLookback ago, at most
// MaxHistoryPages pages): a complete post (its last part is there) is
// returned without posting anything, and of a partial one (an earlier call
// failed at part k) only the missing parts are posted, in order. So Post may
// be called again for a slot whatever became of the last call: every part
// ends up in the channel once. A history read that fails fails the post
// (posting blind could double it).
//
// 5xx and network errors are retried with backoff (at most 4 attempts per
// message); 429s are left to discordgo's rate limiter, which waits
// retry_after and retries.
func (a *Adapter) Post(ctx context.Context, channel string, r bot.Reply, slot string) (string, error) {
	if !isSnowflake(channel) {
		return "", fmt.Errorf("discord: post: channel %q is not a Discord channel id", channel)
	}
	embeds := Render(r)
	if slot == "" {
		ids, err := a.send(ctx, channel, embeds, nil, "")
		if err != nil {
			return "", fmt.Errorf("discord: post to channel %s: %w", channel, err)
		}
		return ids[len(ids)-1], nil
	}
	key := "slot:" + slot
	marker := SlotMarker(slot)
	groups := splitReserving(embeds, utf8.RuneCountInString(footerSep+marker))
	want := make([]int, len(groups))
	for i, g := range groups {
		want[i] = partOf(i, len(groups))
		last := g[len(g)-1]
		m := partMarker(key, want[i])
		if last.Footer == nil {
			last.Footer = &discordgo.MessageEmbedFooter{Text: m}
		} else {
			last.Footer.Text += footerSep + m
		}
	}
	have, err := a.scanSlot(ctx, channel, key, want)
	if isForbidden(err) {
		// The bot may not read this channel's history. The digest service
		// calls Post for a slot only when it is new or FindSlot (which needs
		// the same permission) answered, so nothing of it can be there.
		a.log.Warn("discord: cannot read channel history to check for an earlier post; posting (grant Read Message History so a crash can be recovered without a repeat)",
			"channel", channel, "slot", slot, "err", err)
		have, err = map[int]string{}, nil
	}
	if err != nil {
		return "", fmt.Errorf("discord: post to channel %s: look for slot %q first: %w", channel, slot, err)
	}
	if id, ok := have[-1]; ok {
		a.log.Info("discord: slot already posted; nothing to do", "channel", channel, "slot", slot, "message", id)
		return id, nil
	}
	if len(have) > 0 {
		a.log.Info("discord: slot partly posted; posting the missing parts", "channel", channel, "slot", slot,
			"found", len(have), "parts", len(groups))
	}
	ids, err := a.sendGroups(ctx, channel, groups, nil, key, have)
	if err != nil {
		return "", fmt.Errorf("discord: post to channel %s: %w", channel, err)
	}
	return ids[len(ids)-1], nil
}

const footerSep = " · "

// splitReserving groups embeds into messages within Discord's limits (10
// embeds, 6,000 characters), keeping room for reserve more characters in
// every message (a slot marker in its last embed's footer).
func splitReserving(embeds []*discordgo.MessageEmbed, reserve int) [][]*discordgo.MessageEmbed {
	var out [][]*discordgo.MessageEmbed
	var cur []*discordgo.MessageEmbed
	total := 0
	for _, e := range embeds {
		n := chars(e)
		if len(cur) > 0 && (len(cur) == MaxEmbedsPerMessage || total+n+reserve > MaxEmbedChars) {
			out = append(out, cur)
			cur, total = nil, 0
		}
		cur = append(cur, e)
		total += n
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// send posts embeds as one or more messages; ref (if any) goes on the
// first. With a key, message i carries Nonce(key, i) with enforce_nonce,
// the last Nonce(key, -1).
func (a *Adapter) send(ctx context.Context, channel string, embeds []*discordgo.MessageEmbed, ref *discordgo.MessageReference, key string) ([]string, error) {
	return a.sendGroups(ctx, channel, split(embeds), ref, key, nil)
}

// sendGroups posts each group as a message, as send does, except the parts
// in have (by part number, as in Nonce: their message ids), which are in
// the channel already.
func (a *Adapter) sendGroups(ctx context.Context, channel string, groups [][]*discordgo.MessageEmbed, ref *discordgo.MessageReference, key string, have map[int]string) ([]string, error) {
	ids := make([]string, 0, len(groups))
	for i, g := range groups {
		part := partOf(i, len(groups))
		if id, ok := have[part]; ok {
			ids = append(ids, id)
			continue
		}
		msg := &discordgo.MessageSend{Embeds: g, AllowedMentions: noMentions()}
		if i == 0 {
			msg.Reference = ref
		}
		body := outgoing{MessageSend: msg}
		if key != "" {
			body.Nonce, body.EnforceNonce = Nonce(key, part), true
		}
		id, err := a.create(ctx, channel, body)
		if err != nil {
			if ctx.Err() == nil {
				a.cfg.Metrics.PostFailed(Platform, "message")
			}
			return ids, fmt.Errorf("message %d of %d: %w", i+1, len(groups), err)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// create sends one message, retrying 5xx and network errors with backoff.
func (a *Adapter) create(ctx context.Context, channel string, body outgoing) (string, error) {
	for _, e := range body.Embeds {
		e.Type = discordgo.EmbedTypeRich
	}
	endpoint := discordgo.EndpointChannelMessages(channel)
	wait := a.cfg.RetryBackoff
	for attempt := 1; ; attempt++ {
		rctx, status := withStatus(ctx)
		resp, err := a.s.RequestWithBucketID("POST", endpoint, body, endpoint,
			discordgo.WithContext(rctx), discordgo.WithRestRetries(0))
		if err == nil {
			var m struct {
				ID string `json:"id"`
			}
			if err := json.Unmarshal(resp, &m); err != nil || m.ID == "" {
				return "", fmt.Errorf("create message: unreadable answer %.200q: %v", resp, err)
			}
			return m.ID, nil
		}
		if !retryable(ctx, err, status.get()) || attempt == maxAttempts {
			return "", fmt.Errorf("create message (attempt %d): %w", attempt, err)
		}
		a.log.Warn("discord: create message failed; retrying", "channel", channel, "attempt", attempt, "wait", wait, "err", err)
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("create message: %w (after %v)", ctx.Err(), err)
		case <-time.After(wait):
		}
		wait *= 2
	}
}

// retryable: 5xx answers and network errors; never 4xx or a finished
// context. status is the HTTP status of the last answer (0 if none came):
// discordgo reports a 502 it does not retry itself (retries are ours) as an
// untyped error, so the status is taken from the transport instead of the
// error's text.
func retryable(ctx context.Context, err error, status int) bool {
	if ctx.Err() != nil {
		return false
	}
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Response != nil {
		return re.Response.StatusCode >= 500
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return true
	}
	return status >= 500
}

// FindSlot reports whether the channel holds a complete post for slot: the
// bot's message carrying its last part (nonce, when Discord returns it, or
// SlotMarker(slot) in an embed footer), and returns that message's id. A
// post cut short by a failure is not found (Post completes it). It reads the
// bot's messages newest first, paging back (before) to SlotLookback ago, at
// most MaxHistoryPages pages.
func (a *Adapter) FindSlot(ctx context.Context, channel, slot string) (string, bool, error) {
	if !isSnowflake(channel) {
		return "", false, fmt.Errorf("discord: find slot: channel %q is not a Discord channel id", channel)
	}
	found, err := a.scanSlot(ctx, channel, "slot:"+slot, []int{-1})
	if err != nil {
		return "", false, fmt.Errorf("discord: find slot %q in channel %s: %w", slot, channel, err)
	}
	id, ok := found[-1]
	return id, ok, nil
}

// scanSlot looks through the channel's recent history for the bot's
// messages marking the wanted parts of key's post (see Nonce) and returns
// their ids by part. It reads pages of 100 messages newest first (before:
// the oldest id so far) until it has seen the last part (-1) or the first
// (0; every later part is newer), or reaches messages older than
// SlotLookback, the end of the channel, or MaxHistoryPages pages.
func (a *Adapter) scanSlot(ctx context.Context, channel, key string, want []int) (map[int]string, error) {
	botID, err := a.selfID(ctx)
	if err != nil {
		return nil, err
	}
	type marks struct {
		nonce  []byte
		marker string
	}
	look := make(map[int]marks, len(want))
	for _, p := range want {
		n, _ := json.Marshal(Nonce(key, p))
		look[p] = marks{nonce: n, marker: partMarker(key, p)}
	}
	since := time.Now().Add(-SlotLookback)
	endpoint := discordgo.EndpointChannelMessages(channel)
	found := map[int]string{}
	before := ""
	for page := 1; ; page++ {
		q := url.Values{"limit": {strconv.Itoa(historyPage)}}
		if before != "" {
			q.Set("before", before)
		}
		resp, err := a.s.RequestWithBucketID("GET", endpoint+"?"+q.Encode(), nil, endpoint, discordgo.WithContext(ctx))
		if err != nil {
			return nil, fmt.Errorf("list messages: %w", err)
		}
		var msgs []struct {
			ID     string `json:"id"`
			Author struct {
				ID string `json:"id"`
			} `json:"author"`
			Nonce     json.RawMessage           `json:"nonce"`
			Embeds    []*discordgo.MessageEmbed `json:"embeds"`
			Timestamp time.Time                 `json:"timestamp"`
		}
		if err := json.Unmarshal(resp, &msgs); err != nil {
			return nil, fmt.Errorf("read messages: %w", err)
		}
		old := false
		for _, m := range msgs {
			if !m.Timestamp.IsZero() && m.Timestamp.Before(since) {
				old = true // newest first: the rest are older still
				break
			}
			if m.Author.ID != botID {
				continue
			}
			for p, mk := range look {
				if bytes.Equal(m.Nonce, mk.nonce) || footerHas(m.Embeds, mk.marker) {
					found[p] = m.ID // older pages come later: the oldest copy wins
				}
			}
		}
		_, last := found[-1]
		_, first := found[0]
		switch {
		case last || first || old || len(msgs) < historyPage:
			return found, nil
		case page == MaxHistoryPages:
			a.log.Warn("discord: slot search stopped at the page limit; older messages not searched",
				"channel", channel, "key", key, "pages", page)
			return found, nil
		}
		before = msgs[len(msgs)-1].ID
	}
}

func footerHas(embeds []*discordgo.MessageEmbed, marker string) bool {
	for _, e := range embeds {
		if e != nil && e.Footer != nil && strings.Contains(e.Footer.Text, marker) {
			return true
		}
	}
	return false
}

// selfID is the bot's user id: from READY when connected, else users/@me.
func (a *Adapter) selfID(ctx context.Context) (string, error) {
	if id, _ := a.identity(); id != "" {
		return id, nil
	}
	u, err := a.s.User("@me", discordgo.WithContext(ctx))
	if err != nil {
		return "", fmt.Errorf("who am I (users/@me): %w", err)
	}
	a.setIdentity(u, nil)
	return u.ID, nil
}

// isForbidden reports a refusal for lack of permission (HTTP 403: Missing
// Access, Missing Permissions), as opposed to a passing failure.
func isForbidden(err error) bool {
	var re *discordgo.RESTError
	return errors.As(err, &re) && re.Response != nil && re.Response.StatusCode == http.StatusForbidden
}
