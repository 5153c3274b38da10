package state

import (
	"context"
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
