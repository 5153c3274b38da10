package state

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// MaxFeedItemIDs bounds FeedCursor.ItemIDs: SetFeedCursor keeps the newest.
const MaxFeedItemIDs = 1000

// FeedCursor is what the feed poller remembers of one feed between polls.
type FeedCursor struct {
	URL          string    `json:"url"`
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"` // the Last-Modified header as sent
	ItemIDs      []string  `json:"item_ids,omitempty"`      // ids (GUIDs or links) already ingested, newest last
	Checked      time.Time `json:"checked,omitzero"`        // last successful poll
}

// FeedCursor returns the cursor stored for url, or a zero cursor (with URL
// set) when the feed has never been polled.
func (s *Store) FeedCursor(ctx context.Context, url string) (FeedCursor, error) {
	c := FeedCursor{URL: url}
	err := s.view(ctx, func(tx *bolt.Tx) error {
		_, err := getJSON(tx.Bucket(bucketFeeds), url, &c)
		return err
	})
	if err != nil {
		return FeedCursor{}, fmt.Errorf("read feed cursor %s: %w", url, err)
	}
	return c, nil
}

// SetFeedCursor stores c under c.URL, keeping at most MaxFeedItemIDs of the
// newest item ids.
func (s *Store) SetFeedCursor(ctx context.Context, c FeedCursor) error {
	if c.URL == "" {
		return fmt.Errorf("set feed cursor: URL is required")
	}
	if n := len(c.ItemIDs); n > MaxFeedItemIDs {
		c.ItemIDs = c.ItemIDs[n-MaxFeedItemIDs:]
	}
	err := s.update(ctx, func(tx *bolt.Tx) error {
		return putJSON(tx.Bucket(bucketFeeds), c.URL, c)
	})
	if err != nil {
		return fmt.Errorf("set feed cursor %s: %w", c.URL, err)
	}
	return nil
}

// EnabledFeed is a feed enabled from the command line or chat: a catalog
// source by Name, or a custom feed by URL (Name empty).
type EnabledFeed struct {
	Name  string    `json:"name,omitempty"`
	URL   string    `json:"url,omitempty"`
	By    string    `json:"by,omitempty"` // who enabled it: "cli", "slack:U123"
	Added time.Time `json:"added,omitzero"`
}

// Key is what the feed is stored under: its name, else its URL.
func (f EnabledFeed) Key() string {
	if f.Name != "" {
		return f.Name
	}
	return f.URL
}

// EnabledFeeds returns the feeds enabled, in key order.
func (s *Store) EnabledFeeds(ctx context.Context) ([]EnabledFeed, error) {
	var out []EnabledFeed
	err := s.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketEnabled).ForEach(func(k, v []byte) error {
			var f EnabledFeed
			if err := json.Unmarshal(v, &f); err != nil {
				return fmt.Errorf("decode enabled feed %q: %w", k, err)
			}
			out = append(out, f)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read enabled feeds: %w", err)
	}
	return out, nil
}

// EnableFeed stores f under its Key; added is false when it was enabled
// already (the stored record is then kept as it was).
func (s *Store) EnableFeed(ctx context.Context, f EnabledFeed) (added bool, err error) {
	if f.Key() == "" {
		return false, fmt.Errorf("enable feed: a name or URL is required")
	}
	err = s.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketEnabled)
		if b.Get([]byte(f.Key())) != nil {
			added = false
			return nil
		}
		added = true
		return putJSON(b, f.Key(), f)
	})
	if err != nil {
		return false, fmt.Errorf("enable feed %s: %w", f.Key(), err)
	}
	return added, nil
}

// DisableFeed removes the feed stored under key; existed is false when
// there was none.
func (s *Store) DisableFeed(ctx context.Context, key string) (existed bool, err error) {
	err = s.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketEnabled)
		existed = b.Get([]byte(key)) != nil
		if !existed {
			return nil
		}
		return b.Delete([]byte(key))
	})
	if err != nil {
		return false, fmt.Errorf("disable feed %s: %w", key, err)
	}
	return existed, nil
}
