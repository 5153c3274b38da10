package state

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/newsdesk/newsdesk/internal/boltfile"
)

// ErrDamaged is matched (errors.Is) by the error Open returns for a state
// file it will not use because it is damaged: empty, truncated, garbled, or
// failing bbolt's consistency check. Open never recreates or overwrites such
// a file; Quarantine moves it aside.
var ErrDamaged = errors.New("state file is damaged")

// DamagedError says which state file is damaged and why.
type DamagedError struct {
	Path   string
	Reason string
}

func (e *DamagedError) Error() string {
	return fmt.Sprintf("state file %s is damaged: %s; newsdesk will not overwrite it: run `newsdesk repair` to move it aside and start a new one (the subscriptions, digest ledger and feed cursors it held are then lost)", e.Path, e.Reason)
}

// Is makes errors.Is(err, ErrDamaged) true.
func (e *DamagedError) Is(target error) bool { return target == ErrDamaged }

// openChecked opens the state file through boltfile.Open: a damaged file
// is a DamagedError, never recreated.
func openChecked(path string, o *bolt.Options) (*bolt.DB, error) {
	db, err := boltfile.Open(path, o)
	if boltfile.IsProblem(err) {
		return nil, &DamagedError{Path: path, Reason: err.Error()}
	}
	return db, err
}

// Inventory is what a damaged state file held, as far as it can still be
// read: Readable is false when nothing could be (then the counts are zero
// and everything in it is lost).
type Inventory struct {
	Readable      bool
	Subscriptions []string // the subscribed channels
	LedgerSlots   int
	FeedCursors   int
	EnabledFeeds  []string // feeds enabled from the command line or chat
}

// String says what is lost with the file, for the operator.
func (in Inventory) String() string {
	if !in.Readable {
		return "its contents cannot be read: every subscription and watch, the digest ledger, every feed cursor and every feed enabled from the command line or chat in it are lost; channels must subscribe (and watch) again, feeds enabled outside the config file must be added again (newsdesk feeds add), and feeds are polled from scratch (ingestion is idempotent, so nothing is indexed twice)"
	}
	subs := "no subscriptions"
	if n := len(in.Subscriptions); n > 0 {
		subs = fmt.Sprintf("%d subscriptions (%s: they must subscribe again)", n, strings.Join(in.Subscriptions, ", "))
	}
	feeds := "no feeds enabled from the command line or chat"
	if n := len(in.EnabledFeeds); n > 0 {
		feeds = fmt.Sprintf("%d feeds enabled from the command line or chat (%s: add them again with newsdesk feeds add)", n, strings.Join(in.EnabledFeeds, ", "))
	}
	return fmt.Sprintf("it held %s, %s, %d digest ledger records and %d feed cursors, as far as it can still be read; all are lost from the new state file", subs, feeds, in.LedgerSlots, in.FeedCursors)
}

// inspect reads what it can of a damaged file, read-only; any failure
// leaves Readable false.
func inspect(path string) (in Inventory) {
	if boltfile.Check(path) != nil {
		return Inventory{}
	}
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if recover() != nil {
			in = Inventory{}
		}
	}()
	db, err := bolt.Open(path, 0o400, &bolt.Options{ReadOnly: true, Timeout: DefaultLockTimeout})
	if err != nil {
		return Inventory{}
	}
	defer db.Close()
	err = db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketSubs); b != nil {
			if err := b.ForEach(func(k, _ []byte) error {
				in.Subscriptions = append(in.Subscriptions, string(k))
				return nil
			}); err != nil {
				return err
			}
		}
		if b := tx.Bucket(bucketLedger); b != nil {
			in.LedgerSlots = b.Stats().KeyN
		}
		if b := tx.Bucket(bucketFeeds); b != nil {
			in.FeedCursors = b.Stats().KeyN
		}
		if b := tx.Bucket(bucketEnabled); b != nil {
			if err := b.ForEach(func(k, _ []byte) error {
				in.EnabledFeeds = append(in.EnabledFeeds, string(k))
				return nil
			}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Inventory{}
	}
	in.Readable = true
	return in
}

// Quarantine moves a damaged state file aside, to path+".damaged-<UTC
// time>", never deleting anything, and says what it held. The next Open
// starts a new, empty file. It refuses a file that Open would accept.
func Quarantine(path string, now time.Time) (moved string, lost Inventory, err error) {
	if _, err := os.Lstat(path); err != nil {
		return "", Inventory{}, fmt.Errorf("quarantine %s: %w", path, err)
	}
	s, err := Open(path)
	if err == nil {
		s.Close()
		return "", Inventory{}, fmt.Errorf("quarantine %s: the state file is not damaged; nothing to do", path)
	}
	if !errors.Is(err, ErrDamaged) {
		return "", Inventory{}, fmt.Errorf("quarantine %s: %w", path, err)
	}
	lost = inspect(path)
	base := path + ".damaged-" + now.UTC().Format("20060102T150405Z")
	moved = base
	for i := 2; ; i++ {
		if _, err := os.Lstat(moved); errors.Is(err, fs.ErrNotExist) {
			break
		}
		moved = fmt.Sprintf("%s.%d", base, i)
	}
	if err := os.Rename(path, moved); err != nil {
		return "", lost, fmt.Errorf("quarantine %s: move it aside: %w", path, err)
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return moved, lost, nil
}
