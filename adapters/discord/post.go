package discord

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/chat"
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

const (
	footerSep = " · "
	markRef   = "ref "
	// historyPage is the page size of a message list (Discord's largest).
	historyPage = 100
)

// markRoom is what a message keeps free in its last embed's footer for a
// mark.
var markRoom = utf8.RuneCountInString(footerSep+markRef) + chat.MaxMarkLen

// message is one Discord message of a post: its embeds, the message it
// answers (the first message of a reply) and, unmarked, a nonce that makes
// a resend within Discord's nonce window return the first copy.
type message struct {
	embeds []*discordgo.MessageEmbed
	ref    *discordgo.MessageReference
	nonce  string
}

// transport is Discord's side of chat delivery.
type transport struct{ a *Adapter }

var _ chat.Transport[message] = transport{}

// Split renders r as messages of at most 10 embeds and 6,000 characters,
// with room in each for a mark.
func (t transport) Split(r bot.Reply) []message {
	var out []message
	for _, g := range splitReserving(Render(r), markRoom) {
		out = append(out, message{embeds: g})
	}
	return out
}

// Send creates one message with empty allowed_mentions. A mark is the
// message's nonce (with enforce_nonce, so that a quick resend returns the
// message Discord already has) and goes, after "ref ", in its last embed's
// footer, where History reads it back once the nonce is forgotten.
func (t transport) Send(ctx context.Context, channel string, m message, mark chat.Mark) (string, error) {
	embeds := make([]*discordgo.MessageEmbed, len(m.embeds))
	for i, e := range m.embeds {
		c := *e
		c.Type = discordgo.EmbedTypeRich
		embeds[i] = &c
	}
	body := outgoing{MessageSend: &discordgo.MessageSend{Embeds: embeds, AllowedMentions: noMentions(), Reference: m.ref}}
	switch {
	case !mark.IsZero():
		body.Nonce, body.EnforceNonce = mark.String(), true
		if n := len(embeds); n > 0 {
			last := embeds[n-1]
			ref := markRef + mark.String()
			if last.Footer == nil {
				last.Footer = &discordgo.MessageEmbedFooter{Text: ref}
			} else {
				f := *last.Footer
				f.Text += footerSep + ref
				last.Footer = &f
			}
		}
	case m.nonce != "":
		body.Nonce, body.EnforceNonce = m.nonce, true
	}
	endpoint := discordgo.EndpointChannelMessages(channel)
	rctx, status := withStatus(ctx)
	resp, err := t.a.s.RequestWithBucketID("POST", endpoint, body, endpoint,
		discordgo.WithContext(rctx), discordgo.WithRestRetries(0), discordgo.WithRetryOnRatelimit(false))
	if err != nil {
		return "", withHTTPStatus(err, status.get())
	}
	var created struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(resp, &created); err != nil || created.ID == "" {
		return "", &chat.Error{Class: chat.Unknown, Err: fmt.Errorf("create message: unreadable answer %.200q: %v", resp, err)}
	}
	return created.ID, nil
}

// withHTTPStatus classifies an error discordgo does not type: it reports a
// 502 it does not retry itself (retries are chat's) as a plain error, so the
// status is taken from the transport instead of the error's text.
func withHTTPStatus(err error, status int) error {
	var re *discordgo.RESTError
	if !errors.As(err, &re) && status >= 500 {
		return &chat.Error{Class: chat.Unknown, Err: err}
	}
	return err
}

// History lists a page of the channel's messages (before the cursor, a
// message id), newest first. Only the bot's own messages carry marks: their
// nonce (when Discord still returns it) and their embed footers.
func (t transport) History(ctx context.Context, channel string, _ time.Time, cursor string) (chat.Page, error) {
	botID, err := t.a.selfID(ctx)
	if err != nil {
		return chat.Page{}, err
	}
	endpoint := discordgo.EndpointChannelMessages(channel)
	q := url.Values{"limit": {strconv.Itoa(historyPage)}}
	if cursor != "" {
		q.Set("before", cursor)
	}
	rctx, status := withStatus(ctx)
	resp, err := t.a.s.RequestWithBucketID("GET", endpoint+"?"+q.Encode(), nil, endpoint,
		discordgo.WithContext(rctx), discordgo.WithRestRetries(0), discordgo.WithRetryOnRatelimit(false))
	if err != nil {
		return chat.Page{}, fmt.Errorf("list messages: %w", withHTTPStatus(err, status.get()))
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
		return chat.Page{}, fmt.Errorf("read messages: %w", err)
	}
	var page chat.Page
	for _, m := range msgs {
		msg := chat.Message{ID: m.ID, At: m.Timestamp}
		if m.Author.ID == botID {
			var nonce string
			if json.Unmarshal(m.Nonce, &nonce) == nil {
				msg.Carries = append(msg.Carries, nonce)
			}
			for _, e := range m.Embeds {
				if e != nil && e.Footer != nil {
					msg.Carries = append(msg.Carries, e.Footer.Text)
				}
			}
		}
		page.Messages = append(page.Messages, msg)
	}
	if len(msgs) == historyPage {
		page.Next = msgs[len(msgs)-1].ID
	}
	return page, nil
}

// Classify: a 429 (*discordgo.RateLimitError with its retry_after, or a
// bare 429), a 5xx or a network error (outcome unknown), a 403 (Missing
// Access, Missing Permissions); any other answer is permanent.
func (transport) Classify(err error) *chat.Error {
	var (
		rl *discordgo.RateLimitError
		re *discordgo.RESTError
		ue *url.Error
	)
	switch {
	case errors.As(err, &rl) && rl.RateLimit != nil && rl.TooManyRequests != nil:
		return &chat.Error{Class: chat.RateLimited, RetryAfter: rl.RetryAfter}
	case errors.As(err, &rl):
		return &chat.Error{Class: chat.RateLimited}
	case errors.As(err, &re) && re.Response != nil:
		switch code := re.Response.StatusCode; {
		case code == http.StatusTooManyRequests:
			return &chat.Error{Class: chat.RateLimited}
		case code >= 500:
			return &chat.Error{Class: chat.Unknown}
		case code == http.StatusForbidden:
			return &chat.Error{Class: chat.Forbidden}
		}
	case errors.As(err, &ue):
		return &chat.Error{Class: chat.Unknown}
	}
	return &chat.Error{Class: chat.Permanent}
}

// reply posts embeds as a reply to a message (ref on the first part),
// each part with a nonce derived from key, so that a resend after a lost
// answer returns the message Discord already has.
func (a *Adapter) reply(ctx context.Context, channel string, embeds []*discordgo.MessageEmbed, ref *discordgo.MessageReference, key string) error {
	groups := split(embeds)
	msgs := make([]message, len(groups))
	for i, g := range groups {
		msgs[i] = message{embeds: g, nonce: chat.Mark{Slot: key, Part: i + 1, Parts: len(groups)}.String()}
	}
	msgs[0].ref = ref
	_, err := chat.Deliver(ctx, transport{a}, channel, "", msgs, a.policy)
	return err
}

// Post posts a reply (a digest) to a channel through chat.Deliver and
// returns the id of the last message it took. Embeds are split into
// messages of at most 10 embeds and 6,000 characters; allowed_mentions is
// empty on each. With a slot every message carries its chat.Mark (see
// transport.Send), and a slot already posted, wholly or in part, is
// completed, never repeated.
func (a *Adapter) Post(ctx context.Context, channel string, r bot.Reply, slot string) (string, error) {
	if !isSnowflake(channel) {
		return "", fmt.Errorf("discord: post: channel %q is not a Discord channel id", channel)
	}
	d, err := chat.Post(ctx, transport{a}, channel, r, slot, a.policy)
	if err != nil {
		return d.Last(), fmt.Errorf("discord: post to channel %s: %w", channel, err)
	}
	return d.Last(), nil
}

// FindSlot reports whether the channel holds a complete post for slot
// (chat.Find) and returns its last message's id.
func (a *Adapter) FindSlot(ctx context.Context, channel, slot string) (string, bool, error) {
	if !isSnowflake(channel) {
		return "", false, fmt.Errorf("discord: find slot: channel %q is not a Discord channel id", channel)
	}
	d, found, err := chat.Find(ctx, transport{a}, channel, slot, a.policy)
	if err != nil {
		return "", false, fmt.Errorf("discord: in channel %s: %w", channel, err)
	}
	return d.Last(), found, nil
}

// HistoryHint says what lets newsdesk read a Discord channel's history.
func (a *Adapter) HistoryHint() string {
	return "the Discord bot needs the Read Message History permission in the channel"
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
