package state

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// SlotState is where a digest slot stands.
type SlotState string

// Slot states.
const (
	// Pending: recorded before posting; the post may or may not have
	// reached the platform.
	Pending SlotState = "pending"
	// Posted: the platform holds the message; the channel's watermark has
	// moved to the slot's.
	Posted SlotState = "posted"
	// Abandoned: given up; the watermark did not move, so its statements go
	// into the channel's next digest. Either the platform confirmed it holds
	// no message for the slot (AbandonSlot), or it could not be asked for
	// longer than the caller would wait (GiveUpSlot: Slot.Unconfirmed is set,
	// and the message may exist).
	Abandoned SlotState = "abandoned"
)

// ErrSlotExists is returned (wrapped) by BeginSlot when the ledger already
// has the slot.
var ErrSlotExists = errors.New("digest slot already in the ledger")

// Slot is one digest delivery in the ledger. Its Key begins with
// Channel + "|" (PendingSlots finds a channel's slots by that prefix).
type Slot struct {
	Key     string    `json:"key"`     // unique, e.g. "slack:C1|2026-03-29"
	Channel string    `json:"channel"` // platform-qualified
	State   SlotState `json:"state"`

	Scheduled time.Time `json:"scheduled"` // the slot's instant (or the request time for "digest now")
	// From and Watermark bound the digest: statements with
	// From < seq <= Watermark. Committing moves the channel's watermark to
	// Watermark.
	From      uint64 `json:"from"`
	Watermark uint64 `json:"watermark"`
	Count     int    `json:"count"` // statements in the window
	// Shown are the ids of the statements the body shows (each item, its
	// answers and the other reports of its claim), and Items how many
	// items it shows (answers count): what the channel got once the slot
	// is Posted, as opposed to what its window held. Kept after posting.
	Shown []string `json:"shown,omitempty"`
	Items int      `json:"items,omitempty"`
	// Body is the digest as the caller will post it (opaque bytes), kept
	// while pending so a retry posts the same thing; dropped once posted.
	Body json.RawMessage `json:"body,omitempty"`

	MessageID string `json:"message_id,omitempty"`
	// Unconfirmed: abandoned without the platform confirming that it holds
	// no message for the slot (GiveUpSlot). The message may exist, so the
	// next digest, which carries the slot's statements again, may repeat
	// them; the caller tells the channel so.
	Unconfirmed bool `json:"unconfirmed,omitempty"`

	Attempts    int       `json:"attempts,omitempty"`
	LastError   string    `json:"last_error,omitempty"`
	NextAttempt time.Time `json:"next_attempt,omitzero"`

	Created time.Time `json:"created"`
	Done    time.Time `json:"done,omitzero"` // posted or abandoned
}

// Slot returns the ledger's record of key; ok is false when there is none.
func (s *Store) Slot(ctx context.Context, key string) (slot Slot, ok bool, err error) {
	err = s.view(ctx, func(tx *bolt.Tx) error {
		ok, err = getJSON(tx.Bucket(bucketLedger), key, &slot)
		return err
	})
	if err != nil {
		return Slot{}, false, fmt.Errorf("read digest slot %s: %w", key, err)
	}
	return slot, ok, nil
}

// PendingSlots lists the channel's pending slots, oldest first.
func (s *Store) PendingSlots(ctx context.Context, channel string) ([]Slot, error) {
	all, err := s.Slots(ctx, channel)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, sl := range all {
		if sl.State == Pending {
			out = append(out, sl)
		}
	}
	return out, nil
}

// Slots lists the channel's slots in the ledger (pending, and posted or
// abandoned ones not yet pruned), oldest first.
func (s *Store) Slots(ctx context.Context, channel string) ([]Slot, error) {
	var out []Slot
	prefix := []byte(channel + "|")
	err := s.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketLedger).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var sl Slot
			if err := json.Unmarshal(v, &sl); err != nil {
				return fmt.Errorf("decode %q: %w", k, err)
			}
			if sl.Channel == channel {
				out = append(out, sl)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list digest slots of %s: %w", channel, err)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Created.Before(out[j].Created) })
	return out, nil
}

// BeginSlot records sl as pending before it is posted. In the same
// transaction it moves the channel subscription's Handled mark to
// sl.Scheduled when handled is true (a scheduled slot; "digest now" passes
// false). It fails with ErrSlotExists when the ledger already has the key,
// and leaves everything unchanged.
func (s *Store) BeginSlot(ctx context.Context, sl Slot, handled bool) error {
	if sl.Channel == "" || !strings.HasPrefix(sl.Key, sl.Channel+"|") || len(sl.Key) == len(sl.Channel)+1 {
		return fmt.Errorf("begin digest slot %q: the key must be the channel, \"|\" and a slot name", sl.Key)
	}
	sl.State = Pending
	err := s.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketLedger)
		if b.Get([]byte(sl.Key)) != nil {
			return ErrSlotExists
		}
		if err := putJSON(b, sl.Key, sl); err != nil {
			return err
		}
		if !handled {
			return nil
		}
		subs := tx.Bucket(bucketSubs)
		var sub Subscription
		ok, err := getJSON(subs, sl.Channel, &sub)
		if err != nil || !ok || !sl.Scheduled.After(sub.Handled) {
			return err
		}
		sub.Handled = sl.Scheduled
		return putJSON(subs, sl.Channel, sub)
	})
	if err != nil {
		return fmt.Errorf("begin digest slot %s: %w", sl.Key, err)
	}
	return nil
}

// CommitSlot records that the slot's message is on the platform: in one
// transaction the slot becomes Posted with messageID, its body is dropped,
// and the channel's watermark moves up to the slot's (never down) with
// LastDelivered = at. Committing a slot that is already posted is a no-op.
func (s *Store) CommitSlot(ctx context.Context, key, messageID string, at time.Time) error {
	err := s.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketLedger)
		sl, err := loadSlot(b, key)
		if err != nil {
			return err
		}
		if sl.State == Posted {
			return nil
		}
		sl.State, sl.MessageID, sl.Done, sl.Body = Posted, messageID, at, nil
		sl.LastError, sl.NextAttempt = "", time.Time{}
		if err := putJSON(b, key, sl); err != nil {
			return err
		}
		subs := tx.Bucket(bucketSubs)
		var sub Subscription
		ok, err := getJSON(subs, sl.Channel, &sub)
		if err != nil || !ok {
			return err // unsubscribed meanwhile: the ledger still says posted
		}
		if sl.Watermark > sub.Watermark {
			sub.Watermark = sl.Watermark
		}
		sub.LastDelivered = at
		return putJSON(subs, sl.Channel, sub)
	})
	if err != nil {
		return fmt.Errorf("commit digest slot %s: %w", key, err)
	}
	return nil
}

// FailSlot records a failed attempt on a pending slot: Attempts+1, the error
// text and when to try again.
func (s *Store) FailSlot(ctx context.Context, key string, cause error, next time.Time) error {
	return s.modifyPending(ctx, key, "record failed attempt on", func(sl *Slot) {
		sl.Attempts++
		sl.LastError = cause.Error()
		sl.NextAttempt = next
	})
}

// AbandonSlot gives up a pending slot that the platform confirmed it never
// received. The channel's watermark does not move.
func (s *Store) AbandonSlot(ctx context.Context, key string, at time.Time) error {
	return s.modifyPending(ctx, key, "abandon", func(sl *Slot) {
		sl.State, sl.Done, sl.Body = Abandoned, at, nil
	})
}

// GiveUpSlot abandons a pending slot without the platform's confirmation
// that it never received it (the platform could not be asked): the slot
// becomes Abandoned with Unconfirmed set and cause as its last error. The
// channel's watermark does not move.
func (s *Store) GiveUpSlot(ctx context.Context, key string, at time.Time, cause error) error {
	return s.modifyPending(ctx, key, "give up", func(sl *Slot) {
		sl.State, sl.Done, sl.Body, sl.Unconfirmed = Abandoned, at, nil, true
		if cause != nil {
			sl.LastError = cause.Error()
		}
		sl.NextAttempt = time.Time{}
	})
}

// loadSlot reads one ledger entry; a missing one is an error.
func loadSlot(b *bolt.Bucket, key string) (Slot, error) {
	var sl Slot
	ok, err := getJSON(b, key, &sl)
	if err != nil {
		return sl, err
	}
	if !ok {
		return sl, fmt.Errorf("no such slot")
	}
	return sl, nil
}

func (s *Store) modifyPending(ctx context.Context, key, what string, fn func(*Slot)) error {
	err := s.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketLedger)
		sl, err := loadSlot(b, key)
		if err != nil {
			return err
		}
		if sl.State != Pending {
			return fmt.Errorf("slot is %s, not pending", sl.State)
		}
		fn(&sl)
		return putJSON(b, key, sl)
	})
	if err != nil {
		return fmt.Errorf("%s digest slot %s: %w", what, key, err)
	}
	return nil
}

// PruneSlots deletes posted and abandoned records finished before t (the
// ledger otherwise grows by a record per channel per slot). Pending records
// are kept. It returns how many it deleted.
func (s *Store) PruneSlots(ctx context.Context, before time.Time) (int, error) {
	n := 0
	err := s.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketLedger)
		var dead [][]byte
		err := b.ForEach(func(k, v []byte) error {
			var sl Slot
			if err := json.Unmarshal(v, &sl); err != nil {
				return fmt.Errorf("decode %q: %w", k, err)
			}
			if sl.State != Pending && !sl.Done.IsZero() && sl.Done.Before(before) {
				dead = append(dead, bytes.Clone(k))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range dead {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		n = len(dead)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("prune digest ledger: %w", err)
	}
	return n, nil
}
