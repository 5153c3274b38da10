package state

import (
	"context"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Subscription is a channel's digest subscription with its delivery
// progress. Channel is platform-qualified ("slack:C123").
type Subscription struct {
	Channel string `json:"channel"`

	// What the channel asked for.
	At     string `json:"at,omitempty"`   // "08:00" local time
	Cron   string `json:"cron,omitempty"` // robfig/cron expression, 5 fields
	TZ     string `json:"tz,omitempty"`   // IANA zone
	Filter string `json:"filter,omitempty"`
	Max    int    `json:"max,omitempty"`
	Quiet  string `json:"quiet,omitempty"` // "skip" or "note"

	// Watermark is the highest ingestion sequence delivered to the channel:
	// the next digest holds statements with seq > Watermark.
	Watermark uint64 `json:"watermark"`
	// LastDelivered is when the last digest was posted (the subscription
	// time before the first): "Nothing new since LastDelivered".
	LastDelivered time.Time `json:"last_delivered"`
	// Handled is the scheduled instant of the latest slot the scheduler has
	// dealt with (posted, started, skipped as quiet, or given up as missed);
	// slots at or before it are never considered again.
	Handled time.Time `json:"handled"`

	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
}

// Subscription returns the channel's subscription; ok is false when the
// channel has none.
func (s *Store) Subscription(ctx context.Context, channel string) (sub Subscription, ok bool, err error) {
	err = s.view(ctx, func(tx *bolt.Tx) error {
		ok, err = getJSON(tx.Bucket(bucketSubs), channel, &sub)
		return err
	})
	if err != nil {
		return Subscription{}, false, fmt.Errorf("read subscription %s: %w", channel, err)
	}
	return sub, ok, nil
}

// Subscriptions lists every subscription in channel order.
func (s *Store) Subscriptions(ctx context.Context) ([]Subscription, error) {
	var subs []Subscription
	err := s.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSubs).ForEach(func(k, _ []byte) error {
			var sub Subscription
			if _, err := getJSON(tx.Bucket(bucketSubs), string(k), &sub); err != nil {
				return err
			}
			subs = append(subs, sub)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list subscriptions: %w", err)
	}
	return subs, nil
}

// UpdateSubscription reads the channel's subscription (the zero value with
// Channel set when there is none; exists says which), lets fn change it and
// writes it back, all in one transaction. An error from fn aborts the write.
func (s *Store) UpdateSubscription(ctx context.Context, channel string, fn func(sub *Subscription, exists bool) error) error {
	err := s.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSubs)
		var sub Subscription
		exists, err := getJSON(b, channel, &sub)
		if err != nil {
			return err
		}
		sub.Channel = channel
		if err := fn(&sub, exists); err != nil {
			return err
		}
		sub.Channel = channel
		return putJSON(b, channel, sub)
	})
	if err != nil {
		return fmt.Errorf("update subscription %s: %w", channel, err)
	}
	return nil
}

// DeleteSubscription removes the channel's subscription; existed says
// whether there was one. The ledger keeps its records.
func (s *Store) DeleteSubscription(ctx context.Context, channel string) (existed bool, err error) {
	err = s.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSubs)
		existed = b.Get([]byte(channel)) != nil
		return b.Delete([]byte(channel))
	})
	if err != nil {
		return false, fmt.Errorf("delete subscription %s: %w", channel, err)
	}
	return existed, nil
}

// MarkHandled records that the scheduler has dealt with the slot scheduled
// at t without posting (a quiet day, or a slot missed beyond the grace
// period). It never moves Handled backwards.
func (s *Store) MarkHandled(ctx context.Context, channel string, t time.Time) error {
	err := s.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSubs)
		var sub Subscription
		ok, err := getJSON(b, channel, &sub)
		if err != nil || !ok {
			return err // unsubscribed meanwhile: nothing to mark
		}
		if !t.After(sub.Handled) {
			return nil
		}
		sub.Handled = t
		return putJSON(b, channel, sub)
	})
	if err != nil {
		return fmt.Errorf("mark slot handled for %s: %w", channel, err)
	}
	return nil
}
