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

// The articles are kept by seq, so that a batch of new articles is
// written at the end of the file: a store keyed by article id (a hash)
// has each batch's writes land on pages all over it, and bbolt maps in
// every page it rewrites, so the resident set grew with the store.
var (
	bucketDocs = []byte("docs") // seq (big-endian) ++ id -> article JSON
	bucketIDs  = []byte("ids")  // id -> seq (big-endian)
	// ids stored but not yet confirmed in the index (see Indexed); an
	// update that keeps its seq is found here, not by seq
	bucketUnindexed = []byte("unindexed")

	// the first layout, moved into docs and ids by Open (see upgrade)
	bucketArticles = []byte("articles") // id -> article JSON
	bucketBySeq    = []byte("by_seq")   // seq (big-endian) -> id
)

// upgradeBatch is how many articles of the first layout one transaction
// moves.
var upgradeBatch = 512

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
	db    *bolt.DB
	path  string
	moved int // articles Open moved from the first layout
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
	firstLayout := false
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketDocs, bucketIDs, bucketUnindexed} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		firstLayout = tx.Bucket(bucketArticles) != nil
		return nil
	})
	moved := 0
	if err == nil && firstLayout {
		moved, err = upgrade(db, path)
	}
	if err != nil {
		db.Close()
		var de *DamagedError
		if errors.As(err, &de) {
			return nil, err
		}
		return nil, fmt.Errorf("open article store %s: %w", path, err)
	}
	return &Store{db: db, path: path, moved: moved}, nil
}

// Moved is how many articles Open moved from the store's first layout
// (kept by id); 0 once a store has been opened by this version.
func (s *Store) Moved() int { return s.moved }

// upgrade moves the articles of the first layout (by id) into docs and
// ids, upgradeBatch to a transaction, so that a store of any size moves
// in bounded memory and a move cut short goes on at the next Open; every
// article is in one layout or the other at each commit. Then it drops the
// first layout's buckets. An article it cannot read is refused as damage,
// and stays where it was.
func upgrade(db *bolt.DB, path string) (int, error) {
	total := 0
	for {
		n, done, err := upgradeStep(db, path)
		total += n
		if err != nil || done {
			return total, err
		}
	}
}

// upgradeStep moves up to upgradeBatch articles (n of them), or drops the
// emptied buckets of the first layout; done is true when nothing is left
// to do.
func upgradeStep(db *bolt.DB, path string) (n int, done bool, err error) {
	err = db.Update(func(tx *bolt.Tx) error {
		old := tx.Bucket(bucketArticles)
		if old == nil {
			done = true
			return nil
		}
		docs, ids := tx.Bucket(bucketDocs), tx.Bucket(bucketIDs)
		var moved [][]byte
		c := old.Cursor()
		for k, v := c.First(); k != nil && len(moved) < upgradeBatch; k, v = c.Next() {
			var a news.Article
			if err := json.Unmarshal(v, &a); err != nil {
				return &DamagedError{Path: path, Reason: fmt.Sprintf("article %q is not readable (%v)", k, err)}
			}
			if err := putDoc(docs, ids, string(k), a.Seq, v); err != nil {
				return err
			}
			moved = append(moved, append([]byte(nil), k...))
		}
		for _, k := range moved {
			if err := old.Delete(k); err != nil {
				return err
			}
		}
		if n = len(moved); n > 0 {
			return nil
		}
		if err := tx.DeleteBucket(bucketArticles); err != nil {
			return err
		}
		if tx.Bucket(bucketBySeq) != nil {
			return tx.DeleteBucket(bucketBySeq)
		}
		return nil
	})
	if err != nil {
		n = 0 // the transaction moved nothing
	}
	return n, done, err
}

// docKey is an article's key in docs: its seq, then its id, so that two
// articles sharing a seq never share a key.
func docKey(seq uint64, id string) []byte {
	return append(seqKey(seq), id...)
}

// decodeSeq is article id's seq as the ids bucket holds it.
func decodeSeq(id string, b []byte) (uint64, error) {
	if len(b) != 8 {
		return 0, fmt.Errorf("article %s: its seq is %d bytes, not 8", id, len(b))
	}
	return binary.BigEndian.Uint64(b), nil
}

// putDoc stores raw as the article id at seq, removing its copy under
// another seq.
func putDoc(docs, ids *bolt.Bucket, id string, seq uint64, raw []byte) error {
	if old := ids.Get([]byte(id)); old != nil {
		prev, err := decodeSeq(id, old)
		if err != nil {
			return err
		}
		if prev != seq {
			if err := docs.Delete(docKey(prev, id)); err != nil {
				return err
			}
		}
	}
	if err := docs.Put(docKey(seq, id), raw); err != nil {
		return err
	}
	return ids.Put([]byte(id), seqKey(seq))
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
		docs, ids, ub := tx.Bucket(bucketDocs), tx.Bucket(bucketIDs), tx.Bucket(bucketUnindexed)
		for _, a := range arts {
			if a.ID == "" {
				return fmt.Errorf("an article without an id")
			}
			b, err := json.Marshal(a)
			if err != nil {
				return fmt.Errorf("encode article %s: %w", a.ID, err)
			}
			if err := putDoc(docs, ids, a.ID, a.Seq, b); err != nil {
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
		raw := tx.Bucket(bucketIDs).Get([]byte(id))
		if raw == nil {
			return fmt.Errorf("article %s: %w", id, news.ErrNotFound)
		}
		seq, err := decodeSeq(id, raw)
		if err != nil {
			return err
		}
		b := tx.Bucket(bucketDocs).Get(docKey(seq, id))
		if b == nil {
			return fmt.Errorf("article %s: listed at seq %d, not stored there", id, seq)
		}
		return json.Unmarshal(b, &a)
	})
	return a, err
}

// MaxSeq is the highest sequence number stored (0 when empty).
func (s *Store) MaxSeq(ctx context.Context) (uint64, error) {
	var seq uint64
	err := s.db.View(func(tx *bolt.Tx) error {
		if k, _ := tx.Bucket(bucketDocs).Cursor().Last(); len(k) >= 8 {
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
		n = tx.Bucket(bucketIDs).Stats().KeyN
		return nil
	})
	return n, err
}

// Each calls fn with every stored article whose seq is above after, in
// sequence order, reading in batches so that a long walk does not hold one
// read transaction open; it stops at fn's first error.
func (s *Store) Each(ctx context.Context, after uint64, fn func(news.Article) error) error {
	const batch = 256
	if after == ^uint64(0) {
		return nil
	}
	from := seqKey(after + 1)
	for {
		var arts []news.Article
		err := s.db.View(func(tx *bolt.Tx) error {
			c := tx.Bucket(bucketDocs).Cursor()
			for k, v := c.Seek(from); k != nil && len(arts) < batch; k, v = c.Next() {
				// the next batch starts at the first key after this one
				from = append(append(from[:0], k...), 0)
				var a news.Article
				if err := json.Unmarshal(v, &a); err != nil {
					return fmt.Errorf("article %q: %w", k[min(len(k), 8):], err)
				}
				if len(k) < 8 || a.Seq != binary.BigEndian.Uint64(k) {
					return fmt.Errorf("article %s is stored under another seq than its own (%d)", a.ID, a.Seq)
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
