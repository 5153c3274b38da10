package state

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// maxPrunePerCall bounds the expired deliveries FirstSeen deletes in one
// transaction, so that a backlog (after a long stop) never makes one
// request slow; the rest go in later calls.
const maxPrunePerCall = 256

// FirstSeen records that the delivery named key (a request signature, an
// event id, an interaction id: the caller namespaces it, such as
// "slack:event:Ev123") arrived at now, and reports whether this is its
// first arrival within keep. A key seen before and not yet expired returns
// false and is not extended. The record is durable when FirstSeen returns,
// so a restart does not forget it; deliveries whose keep has passed are
// pruned, a bounded number per call, oldest first.
//
// The chat adapters use it to execute a replayed request once: they declare
// an interface with this method, which *Store satisfies.
func (s *Store) FirstSeen(ctx context.Context, key string, now time.Time, keep time.Duration) (bool, error) {
	if key == "" {
		return false, errors.New("first seen: empty key")
	}
	if keep <= 0 {
		return false, fmt.Errorf("first seen %s: keep %s is not positive", key, keep)
	}
	first := false
	err := s.batch(ctx, func(tx *bolt.Tx) error {
		first = false
		seen, byExp := tx.Bucket(bucketSeen), tx.Bucket(bucketSeenExp)
		if err := pruneSeen(seen, byExp, now); err != nil {
			return err
		}
		if exp, ok := decodeExpiry(seen.Get([]byte(key))); ok && now.Before(exp) {
			return nil
		} else if ok {
			// expired but not yet pruned: replace it
			if err := byExp.Delete(expiryKey(exp, key)); err != nil {
				return err
			}
		}
		first = true
		exp := now.Add(keep)
		if err := seen.Put([]byte(key), encodeExpiry(exp)); err != nil {
			return err
		}
		return byExp.Put(expiryKey(exp, key), nil)
	})
	if err != nil {
		return false, fmt.Errorf("record delivery %s in %s: %w", key, s.path, err)
	}
	return first, nil
}

// pruneSeen deletes up to maxPrunePerCall deliveries that expired by now.
func pruneSeen(seen, byExp *bolt.Bucket, now time.Time) error {
	limit := encodeExpiry(now)
	c := byExp.Cursor()
	var done [][]byte
	for k, _ := c.First(); k != nil && len(done) < maxPrunePerCall; k, _ = c.Next() {
		if len(k) < 8 || bytes.Compare(k[:8], limit) > 0 {
			break
		}
		done = append(done, k)
	}
	for _, k := range done {
		if err := byExp.Delete(k); err != nil {
			return err
		}
		if err := seen.Delete(k[8:]); err != nil {
			return err
		}
	}
	return nil
}

// SeenCount is the number of deliveries FirstSeen remembers (expired ones
// not yet pruned included).
func (s *Store) SeenCount(ctx context.Context) (int, error) {
	n := 0
	err := s.view(ctx, func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketSeen).Stats().KeyN
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("count deliveries in %s: %w", s.path, err)
	}
	return n, nil
}

// encodeExpiry is a big-endian Unix nanosecond count, so that byte order
// is time order (for instants after 1970).
func encodeExpiry(t time.Time) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, uint64(max(t.UnixNano(), 0)))
	return b
}

func decodeExpiry(b []byte) (time.Time, bool) {
	if len(b) != 8 {
		return time.Time{}, false
	}
	return time.Unix(0, int64(binary.BigEndian.Uint64(b))), true
}

func expiryKey(exp time.Time, key string) []byte {
	return append(encodeExpiry(exp), key...)
}
