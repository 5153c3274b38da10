package state

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

// DefaultLockTimeout is how long Open waits for another process to release
// the state file.
const DefaultLockTimeout = 2 * time.Second

// seenBatchDelay is how long a delivery FirstSeen records waits for others
// to share its transaction. Each transaction is two fdatasyncs and the
// pages it changes; under 200 signed commands a second (two more arrive
// in 10 ms on average), waiting 10 ms instead of 2 took a quarter of
// serve's CPU per command off (2.2–2.3 ms to 1.6–1.7 at 100k statements),
// for 5 ms more before each acknowledgement, which Slack allows 3 s.
const seenBatchDelay = 10 * time.Millisecond

// ErrLocked is returned (wrapped) by Open when another process holds the
// state file.
var ErrLocked = errors.New("state file is in use by another process")

var (
	bucketMeta   = []byte("meta")
	bucketSubs   = []byte("subscriptions")
	bucketLedger = []byte("digest_ledger")
	bucketFeeds  = []byte("feed_cursors")
	// bucketEnabled holds the feeds enabled from the command line or chat.
	bucketEnabled = []byte("feeds_enabled")
	// bucketSeen maps a delivery key to its expiry; bucketSeenExp holds
	// expiry+key, in time order, for pruning (FirstSeen).
	bucketSeen    = []byte("seen_deliveries")
	bucketSeenExp = []byte("seen_by_expiry")
	keySchema     = []byte("schema")
)

const schemaVersion = "1"

// Store is the open state file. It is safe for concurrent use.
type Store struct {
	db   *bolt.DB
	path string
}

// Options tune Open. The zero value is the default.
type Options struct {
	// LockTimeout bounds the wait for another process's lock; 0 means
	// DefaultLockTimeout.
	LockTimeout time.Duration
}

// Open opens (creating if needed) the state file at path. A file that
// exists but is damaged (empty, truncated, garbled, or failing bbolt's
// consistency check) is refused with a *DamagedError naming it and the fix
// (errors.Is(err, ErrDamaged)); it is never recreated or overwritten.
func Open(path string) (*Store, error) { return OpenWith(path, Options{}) }

// OpenWith is Open with options.
func OpenWith(path string, o Options) (*Store, error) {
	if o.LockTimeout <= 0 {
		o.LockTimeout = DefaultLockTimeout
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("open state %s: create directory: %w", path, err)
	}
	db, err := openChecked(path, &bolt.Options{Timeout: o.LockTimeout})
	if db != nil {
		db.MaxBatchDelay = seenBatchDelay
	}
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, fmt.Errorf("open state %s: %w (waited %s for its lock): stop the other newsdesk or use another data directory", path, ErrLocked, o.LockTimeout)
	}
	var damaged *DamagedError
	if errors.As(err, &damaged) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("open state %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketMeta, bucketSubs, bucketLedger, bucketFeeds, bucketEnabled, bucketSeen, bucketSeenExp} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bucketMeta)
		switch v := meta.Get(keySchema); {
		case v == nil:
			return meta.Put(keySchema, []byte(schemaVersion))
		case string(v) != schemaVersion:
			return fmt.Errorf("schema version %q, this newsdesk reads %q", v, schemaVersion)
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open state %s: %w", path, err)
	}
	return &Store{db: db, path: path}, nil
}

// Path is the file the store was opened from.
func (s *Store) Path() string { return s.path }

// Close releases the file.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close state %s: %w", s.path, err)
	}
	return nil
}

func (s *Store) view(ctx context.Context, fn func(*bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.View(fn)
}

func (s *Store) update(ctx context.Context, fn func(*bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.Update(fn)
}

// batch is update through bbolt's Batch: concurrent callers share one
// transaction and one sync, so a busy front does not queue on the file. fn
// may run more than once (bbolt retries a failed batch one by one), so it
// must set its results afresh each time.
func (s *Store) batch(ctx context.Context, fn func(*bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.Batch(fn)
}

func getJSON(b *bolt.Bucket, key string, v any) (bool, error) {
	raw := b.Get([]byte(key))
	if raw == nil {
		return false, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return true, fmt.Errorf("decode %q: %w", key, err)
	}
	return true, nil
}

func putJSON(b *bolt.Bucket, key string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %q: %w", key, err)
	}
	return b.Put([]byte(key), raw)
}
