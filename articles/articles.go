// Package articles owns the system of record: every ingested article with
// its statements and sequence numbers, in a bbolt file of its own
// (articles.db in the data directory), written and synced before an
// ingestion is acknowledged. It is the only source of sequence numbers; the
// Bleve index is derived from it and rebuilt from it (reindex, repair).
//
// A damaged file is refused with a DamagedError naming it, never recreated
// or overwritten. articles imports the standard library, news, bbolt and
// internal/boltfile; it must not import index, ingest or bot.
package articles

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/newsdesk/newsdesk/internal/boltfile"
	"github.com/newsdesk/newsdesk/news"
)

// FileName is the store's file in the data directory.
const FileName = "articles.db"

var (
	bucketArticles = []byte("articles") // id -> article JSON
	bucketBySeq    = []byte("by_seq")   // seq (big-endian) -> id
	// ids stored but not yet confirmed in the index (see Indexed); an
	// update that keeps its seq is found here, not by seq
	bucketUnindexed = []byte("unindexed")
)

// ErrLocked is matched by the error Open returns when another process holds
// the file.
var ErrLocked = errors.New("article store in use by another newsdesk process")

// ErrDamaged is matched by the error Open returns for a damaged file.
var ErrDamaged = errors.New("article store is damaged")

// DamagedError names the damaged file and why.
type DamagedError struct {
	Path, Reason string
}

func (e *DamagedError) Error() string {
	return fmt.Sprintf("article store %s is damaged: %s; newsdesk will not overwrite it: restore it from a backup, or move it aside and ingest the articles again (the index may still hold them: `newsdesk repair` says what it can recover)", e.Path, e.Reason)
}

// Is makes errors.Is(err, ErrDamaged) true.
func (e *DamagedError) Is(target error) bool { return target == ErrDamaged }

// Store is the article store. It is safe for concurrent use.
type Store struct {
	db   *bolt.DB
	path string
}

// Open opens (or creates) the store at path, waiting up to lock for another
// process's lock.
func Open(path string, lock time.Duration) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("open article store %s: create directory: %w", path, err)
	}
	if lock <= 0 {
		lock = time.Second
	}
	db, err := boltfile.Open(path, &bolt.Options{Timeout: lock})
	switch {
	case boltfile.IsProblem(err):
		return nil, &DamagedError{Path: path, Reason: err.Error()}
	case errors.Is(err, bolt.ErrTimeout):
		return nil, fmt.Errorf("open article store %s: %w (waited %s for its lock): stop the other newsdesk or use another data directory", path, ErrLocked, lock)
	case err != nil:
		return nil, fmt.Errorf("open article store %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketArticles, bucketBySeq, bucketUnindexed} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open article store %s: %w", path, err)
	}
	return &Store{db: db, path: path}, nil
}

// Path is the store's file.
func (s *Store) Path() string { return s.path }

// Close closes the store.
func (s *Store) Close() error { return s.db.Close() }

func seqKey(seq uint64) []byte {
	var k [8]byte
	binary.BigEndian.PutUint64(k[:], seq)
	return k[:]
}

// Put stores arts (replacing earlier versions of the same ids) in one
// transaction; when it returns nil they are on disk. They count as
// unindexed until Indexed names them.
func (s *Store) Put(ctx context.Context, arts []news.Article) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		ab, sb, ub := tx.Bucket(bucketArticles), tx.Bucket(bucketBySeq), tx.Bucket(bucketUnindexed)
		for _, a := range arts {
			if a.ID == "" {
				return fmt.Errorf("an article without an id")
			}
			if old := ab.Get([]byte(a.ID)); old != nil {
				var o news.Article
				if err := json.Unmarshal(old, &o); err == nil && o.Seq != a.Seq {
					if err := sb.Delete(seqKey(o.Seq)); err != nil {
						return err
					}
				}
			}
			b, err := json.Marshal(a)
			if err != nil {
				return fmt.Errorf("encode article %s: %w", a.ID, err)
			}
			if err := ab.Put([]byte(a.ID), b); err != nil {
				return err
			}
			if err := sb.Put(seqKey(a.Seq), []byte(a.ID)); err != nil {
				return err
			}
			if err := ub.Put([]byte(a.ID), nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store %d articles in %s: %w", len(arts), s.path, err)
	}
	return nil
}

// Indexed records that the index holds the stored version of ids, so that
// Unindexed no longer lists them. Forgetting to call it costs only a
// second, identical index write after a restart.
func (s *Store) Indexed(ctx context.Context, ids []string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		ub := tx.Bucket(bucketUnindexed)
		for _, id := range ids {
			if err := ub.Delete([]byte(id)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("mark %d articles indexed in %s: %w", len(ids), s.path, err)
	}
	return nil
}

// Unindexed lists the ids stored since the index last confirmed them
// (Indexed), in id order.
func (s *Store) Unindexed(ctx context.Context) ([]string, error) {
	var ids []string
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketUnindexed).ForEach(func(k, _ []byte) error {
			ids = append(ids, string(k))
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", s.path, err)
	}
	return ids, nil
}

// Article returns the stored article id, or an error matching
// news.ErrNotFound.
func (s *Store) Article(ctx context.Context, id string) (news.Article, error) {
	var a news.Article
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketArticles).Get([]byte(id))
		if b == nil {
			return fmt.Errorf("article %s: %w", id, news.ErrNotFound)
		}
		return json.Unmarshal(b, &a)
	})
	return a, err
}

// MaxSeq is the highest sequence number stored (0 when empty).
func (s *Store) MaxSeq(ctx context.Context) (uint64, error) {
	var seq uint64
	err := s.db.View(func(tx *bolt.Tx) error {
		if k, _ := tx.Bucket(bucketBySeq).Cursor().Last(); k != nil {
			seq = binary.BigEndian.Uint64(k)
		}
		return nil
	})
	return seq, err
}

// Len is how many articles are stored.
func (s *Store) Len(ctx context.Context) (int, error) {
	n := 0
	err := s.db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketArticles).Stats().KeyN
		return nil
	})
	return n, err
}

// Each calls fn with every stored article whose seq is above after, in
// sequence order, reading in batches so that a long walk does not hold one
// read transaction open; it stops at fn's first error.
func (s *Store) Each(ctx context.Context, after uint64, fn func(news.Article) error) error {
	const batch = 256
	next := after + 1
	if after == ^uint64(0) {
		return nil
	}
	for {
		var arts []news.Article
		err := s.db.View(func(tx *bolt.Tx) error {
			ab := tx.Bucket(bucketArticles)
			c := tx.Bucket(bucketBySeq).Cursor()
			for k, id := c.Seek(seqKey(next)); k != nil && len(arts) < batch; k, id = c.Next() {
				next = binary.BigEndian.Uint64(k) + 1
				b := ab.Get(id)
				if b == nil {
					continue // superseded
				}
				var a news.Article
				if err := json.Unmarshal(b, &a); err != nil {
					return fmt.Errorf("article %s: %w", id, err)
				}
				if a.Seq != binary.BigEndian.Uint64(k) {
					continue // an older seq of an updated article
				}
				arts = append(arts, a)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("read %s: %w", s.path, err)
		}
		for _, a := range arts {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := fn(a); err != nil {
				return err
			}
		}
		if len(arts) < batch {
			return nil
		}
	}
}
