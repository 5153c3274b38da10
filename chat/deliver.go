package chat

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/newsdesk/newsdesk/bot"
)

// Transport is what a platform gives the delivery code: its messages (M:
// Slack blocks, Discord embeds), how a reply is split into them, how one is
// sent carrying a mark, how its history is read, and what its errors mean.
type Transport[M any] interface {
	Classifier
	// Split renders a reply as messages within the platform's limits,
	// keeping room in each for a mark (at most MaxMarkLen characters).
	Split(r bot.Reply) []M
	// Send posts one message to channel and returns its id. A non-zero
	// mark goes with it where History reads it back (Slack: message
	// metadata; Discord: the nonce and the last embed's footer).
	Send(ctx context.Context, channel string, msg M, mark Mark) (id string, err error)
	// History reads one page of the channel's messages posted by this bot
	// since a time, newest first, from cursor ("" for the newest). Next is
	// the cursor of the page after, "" at the end.
	History(ctx context.Context, channel string, since time.Time, cursor string) (Page, error)
}

// Page is one page of a channel's history, newest first.
type Page struct {
	Messages []Message
	Next     string
}

// Message is a message read back from a channel: its id, when it was
// posted (zero: not said; History has applied since) and the texts that
// may carry a mark (Slack: the metadata payload as JSON; Discord: the
// nonce and each embed footer). Marks in any format newsdesk has posted
// are recognised in them.
type Message struct {
	ID      string
	At      time.Time
	Carries []string
}

// Delivery is what a channel holds of one post: IDs[i] is the id of
// message i+1 ("" when a complete post was found without it), Posted how
// many of them this call sent.
type Delivery struct {
	IDs    []string
	Posted int
}

// First is the id of the first message known, "" if none.
func (d Delivery) First() string {
	for _, id := range d.IDs {
		if id != "" {
			return id
		}
	}
	return ""
}

// Last is the id of the last message known, "" if none.
func (d Delivery) Last() string {
	for _, id := range slices.Backward(d.IDs) {
		if id != "" {
			return id
		}
	}
	return ""
}

// Post splits r with t.Split and delivers it (Deliver).
func Post[M any](ctx context.Context, t Transport[M], channel string, r bot.Reply, slot string, p Policy) (Delivery, error) {
	return Deliver(ctx, t, channel, slot, t.Split(r), p)
}

// Deliver posts parts to channel as one post, each message once.
//
// Without a slot the messages are sent in order, each retried as Retry
// says (an Unknown failure is sent again: a platform that can, such as
// Discord with a nonce, drops the copy).
//
// With a slot, message i of n carries Mark{slot, i, n}, and Deliver first
// reads the channel's recent history (newest first, back to
// Policy.Lookback, at most Policy.MaxPages pages) for the slot's messages:
// a complete post (its last part is there) is returned without sending
// anything, and of a partial one (an earlier call failed, or the process
// died, after part k) only the missing parts are sent, in order. A post
// found split differently is posted whole. So Deliver may be called again
// for a slot whatever became of the last call: every part ends up in the
// channel once. A history read that fails fails the delivery (posting
// blind could double it), except a Forbidden one: the digest service
// delivers a slot only when it is new or Find (which needs the same
// permission) answered, so nothing of it can be there. After an Unknown
// failure of a marked send the channel is searched for that part before it
// is sent again; if that search fails the part is not sent again
// (ErrNotRepeated).
//
// When part k fails, the error says which, and the Delivery holds the ids
// of the parts before it.
func Deliver[M any](ctx context.Context, t Transport[M], channel, slot string, parts []M, p Policy) (d Delivery, err error) {
	p = p.withDefaults()
	if p.Failed != nil {
		defer func() {
			if err != nil && ctx.Err() == nil {
				p.Failed()
			}
		}()
	}
	return deliver(ctx, t, channel, slot, parts, p)
}

func deliver[M any](ctx context.Context, t Transport[M], channel, slot string, parts []M, p Policy) (Delivery, error) {
	n := len(parts)
	switch {
	case n == 0:
		return Delivery{}, &Error{Class: Permanent, Err: errors.New("nothing to post")}
	case slot != "" && n > MaxParts:
		return Delivery{}, &Error{Class: Permanent, Err: fmt.Errorf("%d messages: a post takes at most %d", n, MaxParts)}
	}
	d := Delivery{IDs: make([]string, n)}
	have := map[int]string{}
	if slot != "" {
		h, err := scan(ctx, t, p, channel, slot, (*holding).hasFirst)
		if errors.Is(err, ErrForbidden) {
			p.Log.Warn("cannot read the channel's history to check for an earlier post; posting (grant the bot read access to the channel's history so that a crash can be recovered without a repeat)",
				"channel", channel, "slot", slot, "err", err)
			h, err = newHolding(), nil
		}
		if err != nil {
			return Delivery{}, fmt.Errorf("look for slot %q in the channel first: %w", slot, err)
		}
		if done, ok := h.complete(); ok {
			p.Log.Info("slot already posted; nothing to do", "channel", channel, "slot", slot, "id", done.First())
			return done, nil
		}
		have = h.have(n)
		if h.otherSplit(n) {
			p.Log.Warn("slot partly posted with another split; posting it whole", "channel", channel, "slot", slot, "parts_now", n)
		}
		if len(have) > 0 {
			p.Log.Info("slot partly posted; posting the missing parts", "channel", channel, "slot", slot, "found", len(have), "parts", n)
		}
	}
	for i, msg := range parts {
		var m Mark
		if slot != "" {
			m = Mark{Slot: slot, Part: i + 1, Parts: n}
		}
		if id, ok := have[i+1]; ok {
			d.IDs[i] = id
			continue
		}
		var id string
		var check func() (bool, error)
		if !m.IsZero() {
			check = func() (bool, error) {
				h, err := scan(ctx, t, p, channel, slot, func(h *holding) bool { _, ok := h.byParts[n][m.Part]; return ok || h.first })
				if err != nil {
					return false, err
				}
				got, ok := h.byParts[n][m.Part]
				if ok {
					id = got
				}
				return ok, nil
			}
		}
		err := Retry(ctx, t, p, "send", func() error {
			var err error
			id, err = t.Send(ctx, channel, msg, m)
			return err
		}, check)
		if err != nil {
			d.IDs = d.IDs[:i]
			return d, fmt.Errorf("message %d of %d: %w", i+1, n, err)
		}
		d.IDs[i] = id
		d.Posted++
	}
	p.Log.Info("posted", "channel", channel, "messages", n, "new", d.Posted, "slot", slot, "id", d.First())
	return d, nil
}

// Find reports whether the channel holds a complete post for slot (its
// last part: a post cut short by a failure is not found, and Deliver
// completes it) and what of it was found. It reads the channel's history
// as Deliver does.
func Find[M any](ctx context.Context, t Transport[M], channel, slot string, p Policy) (Delivery, bool, error) {
	p = p.withDefaults()
	h, err := scan(ctx, t, p, channel, slot, (*holding).hasFirst)
	if err != nil {
		return Delivery{}, false, fmt.Errorf("find slot %q: %w", slot, err)
	}
	d, ok := h.complete()
	return d, ok, nil
}

// holding is what a channel holds of one slot: the id of each part found
// (of the oldest copy, should there be two), by part count and part; old
// Discord marks, which name no part count, apart.
type holding struct {
	byParts    map[int]map[int]string
	legacy     map[int]string // old Discord marks: part → id
	legacyLast string         // old Discord: the last part's id
	first      bool           // a first part was seen
}

func newHolding() *holding {
	return &holding{byParts: map[int]map[int]string{}, legacy: map[int]string{}}
}

func (h *holding) add(id string, f found) {
	switch {
	case f.parts == 0 && f.last:
		h.legacyLast = id
	case f.parts == 0:
		h.legacy[f.part] = id
	default:
		if h.byParts[f.parts] == nil {
			h.byParts[f.parts] = map[int]string{}
		}
		h.byParts[f.parts][f.part] = id
	}
	if f.part == 1 {
		h.first = true
	}
}

// hasFirst reports whether a first part was seen: history is read newest
// first, so every later part, posted after it, was seen too.
func (h *holding) hasFirst() bool { return h.first }

// complete returns a complete post (one whose last part is there), fewest
// parts first.
func (h *holding) complete() (Delivery, bool) {
	counts := make([]int, 0, len(h.byParts))
	for n := range h.byParts {
		counts = append(counts, n)
	}
	slices.Sort(counts)
	for _, n := range counts {
		ps := h.byParts[n]
		if _, ok := ps[n]; !ok {
			continue
		}
		d := Delivery{IDs: make([]string, n)}
		for p, id := range ps {
			d.IDs[p-1] = id
		}
		return d, true
	}
	if h.legacyLast != "" {
		var d Delivery
		for p := 1; h.legacy[p] != ""; p++ {
			d.IDs = append(d.IDs, h.legacy[p])
		}
		d.IDs = append(d.IDs, h.legacyLast)
		return d, true
	}
	return Delivery{}, false
}

// have is the parts of an n-part post already in the channel. Old Discord
// marks count by their position (that post was split the same way).
func (h *holding) have(n int) map[int]string {
	out := map[int]string{}
	for p, id := range h.legacy {
		if p < n {
			out[p] = id
		}
	}
	for p, id := range h.byParts[n] {
		out[p] = id
	}
	return out
}

// otherSplit reports parts found of a post split into other than n parts.
func (h *holding) otherSplit(n int) bool {
	for c := range h.byParts {
		if c != n {
			return true
		}
	}
	return false
}

// scan reads the channel's history newest first, page by page, back to
// p.Lookback ago and at most p.MaxPages pages, collecting slot's marks,
// until done says it has seen enough. Each page read is retried as Retry
// says.
func scan[M any](ctx context.Context, t Transport[M], p Policy, channel, slot string, done func(*holding) bool) (*holding, error) {
	r := newReader(slot)
	since := p.Now().Add(-p.Lookback)
	h := newHolding()
	cursor := ""
	for page := 1; ; page++ {
		var pg Page
		err := Retry(ctx, t, p, "read the channel's history", func() error {
			var err error
			pg, err = t.History(ctx, channel, since, cursor)
			return err
		}, nil)
		if err != nil {
			return h, err
		}
		old := false
		for _, m := range pg.Messages {
			if !m.At.IsZero() && m.At.Before(since) {
				old = true // newest first: the rest are older still
				break
			}
			for _, c := range m.Carries {
				for _, f := range r.read(c) {
					h.add(m.ID, f) // older pages come later: the oldest copy wins
				}
			}
		}
		switch {
		case done(h), old, pg.Next == "":
			return h, nil
		case page >= p.MaxPages:
			p.Log.Warn("slot search stopped at the page limit; older messages not searched",
				"channel", channel, "slot", slot, "pages", page)
			return h, nil
		}
		cursor = pg.Next
	}
}
