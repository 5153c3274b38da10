package discord

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

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
func SlotMarker(slot string) string { return "ref " + Nonce("slot:"+slot, -1) }

// Post posts a reply (a digest) to a channel and returns the id of the last
// message it took (the one carrying the slot marker). Embeds are split into
// messages of at most 10 embeds and 6,000 characters; allowed_mentions is
// empty on each. With a slot, every message carries a nonce derived from
// the slot with enforce_nonce, so that a retried post (after a lost
// response, a crash, a 5xx) returns the message Discord already has
// instead of posting it twice, and the last embed's footer carries
// SlotMarker(slot) for FindSlot. 5xx and network errors are retried with
// backoff (at most 4 attempts per message); 429s are left to discordgo's
// rate limiter, which waits retry_after and retries.
func (a *Adapter) Post(ctx context.Context, channel string, r bot.Reply, slot string) (string, error) {
	if !isSnowflake(channel) {
		return "", fmt.Errorf("discord: post: channel %q is not a Discord channel id", channel)
	}
	embeds := Render(r)
	key := ""
	if slot != "" {
		key = "slot:" + slot
		last := embeds[len(embeds)-1]
		marker := SlotMarker(slot)
		if last.Footer == nil {
			last.Footer = &discordgo.MessageEmbedFooter{Text: marker}
		} else {
			last.Footer.Text += " · " + marker
		}
	}
	ids, err := a.send(ctx, channel, embeds, nil, key)
	if err != nil {
		return "", fmt.Errorf("discord: post to channel %s: %w", channel, err)
	}
	return ids[len(ids)-1], nil
}

// send posts embeds as one or more messages; ref (if any) goes on the
// first. With a key, message i carries Nonce(key, i) with enforce_nonce,
// the last Nonce(key, -1).
func (a *Adapter) send(ctx context.Context, channel string, embeds []*discordgo.MessageEmbed, ref *discordgo.MessageReference, key string) ([]string, error) {
	groups := split(embeds)
	ids := make([]string, 0, len(groups))
	for i, g := range groups {
		msg := &discordgo.MessageSend{Embeds: g, AllowedMentions: noMentions()}
		if i == 0 {
			msg.Reference = ref
		}
		body := outgoing{MessageSend: msg}
		if key != "" {
			part := i
			if i == len(groups)-1 {
				part = -1
			}
			body.Nonce, body.EnforceNonce = Nonce(key, part), true
		}
		id, err := a.create(ctx, channel, body)
		if err != nil {
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
		resp, err := a.s.RequestWithBucketID("POST", endpoint, body, endpoint,
			discordgo.WithContext(ctx), discordgo.WithRestRetries(0))
		if err == nil {
			var m struct {
				ID string `json:"id"`
			}
			if err := json.Unmarshal(resp, &m); err != nil || m.ID == "" {
				return "", fmt.Errorf("create message: unreadable answer %.200q: %v", resp, err)
			}
			return m.ID, nil
		}
		if !retryable(ctx, err) || attempt == maxAttempts {
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

// retryable: 5xx answers (a 502 reaches us as discordgo's "Exceeded Max
// retries" error since retries are ours) and network errors; never 4xx or a
// finished context.
func retryable(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	var re *discordgo.RESTError
	if errors.As(err, &re) {
		return re.Response != nil && re.Response.StatusCode >= 500
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return true
	}
	return strings.Contains(err.Error(), "Exceeded Max retries HTTP 5")
}

// FindSlot looks through the channel's 50 most recent messages for one the
// bot posted for slot: its nonce (when Discord returns it) or the slot
// marker in an embed footer. Digests call it after a crash between "slot
// recorded" and "message id recorded".
func (a *Adapter) FindSlot(ctx context.Context, channel, slot string) (string, bool, error) {
	if !isSnowflake(channel) {
		return "", false, fmt.Errorf("discord: find slot: channel %q is not a Discord channel id", channel)
	}
	botID, err := a.selfID(ctx)
	if err != nil {
		return "", false, fmt.Errorf("discord: find slot in channel %s: %w", channel, err)
	}
	endpoint := discordgo.EndpointChannelMessages(channel)
	resp, err := a.s.RequestWithBucketID("GET", endpoint+"?limit=50", nil, endpoint, discordgo.WithContext(ctx))
	if err != nil {
		return "", false, fmt.Errorf("discord: find slot in channel %s: list messages: %w", channel, err)
	}
	var msgs []struct {
		ID     string `json:"id"`
		Author struct {
			ID string `json:"id"`
		} `json:"author"`
		Nonce  json.RawMessage           `json:"nonce"`
		Embeds []*discordgo.MessageEmbed `json:"embeds"`
	}
	if err := json.Unmarshal(resp, &msgs); err != nil {
		return "", false, fmt.Errorf("discord: find slot in channel %s: read messages: %w", channel, err)
	}
	nonce, _ := json.Marshal(Nonce("slot:"+slot, -1))
	marker := SlotMarker(slot)
	for _, m := range msgs {
		if m.Author.ID != botID {
			continue
		}
		if string(m.Nonce) == string(nonce) {
			return m.ID, true, nil
		}
		for _, e := range m.Embeds {
			if e != nil && e.Footer != nil && strings.Contains(e.Footer.Text, marker) {
				return m.ID, true, nil
			}
		}
	}
	return "", false, nil
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
