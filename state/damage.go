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
	bolterrors "go.etcd.io/bbolt/errors"

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

// precheck looks at the file's header before bbolt maps it: bbolt would
// silently initialise an empty file, and a truncated one makes an access
// past its end a SIGBUS. A missing file is fine (Open creates it).
func precheck(path string) error {
	err := boltfile.Check(path)
	switch {
	case err == nil, errors.Is(err, fs.ErrNotExist):
		return nil
	case boltfile.IsProblem(err):
		return &DamagedError{Path: path, Reason: err.Error()}
	default:
		return fmt.Errorf("open state %s: %w", path, err)
	}
}

// openBolt is bolt.Open with a garbled file's panic (or a memory fault in
// its mapping) turned into a DamagedError, as are bbolt's own errors for a
// file that is not a valid database.
func openBolt(path string, o *bolt.Options) (db *bolt.DB, err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if p := recover(); p != nil {
			db, err = nil, &DamagedError{Path: path, Reason: fmt.Sprintf("bbolt cannot read it (%v)", p)}
		}
	}()
	db, err = bolt.Open(path, 0o600, o)
	if errors.Is(err, bolterrors.ErrInvalid) || errors.Is(err, bolterrors.ErrChecksum) || errors.Is(err, bolterrors.ErrVersionMismatch) {
		return nil, &DamagedError{Path: path, Reason: fmt.Sprintf("bbolt refuses it (%v)", err)}
	}
	return db, err
}

// maxCheckProblems bounds the consistency problems quoted in the error.
const maxCheckProblems = 3

// consistent runs bbolt's consistency check over every page (the state
// file is small: a few hundred kilobytes).
func consistent(db *bolt.DB, path string) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if p := recover(); p != nil {
			err = &DamagedError{Path: path, Reason: fmt.Sprintf("bbolt's consistency check cannot read it (%v)", p)}
		}
	}()
	var problems []string
	n := 0
	verr := db.View(func(tx *bolt.Tx) error {
		for e := range tx.Check() {
			if n++; len(problems) < maxCheckProblems {
				problems = append(problems, e.Error())
			}
		}
		return nil
	})
	if verr != nil {
		return fmt.Errorf("check state %s: %w", path, verr)
	}
	if n > 0 {
		return &DamagedError{Path: path, Reason: fmt.Sprintf("bbolt's consistency check found %d problems (%s)", n, strings.Join(problems, "; "))}
	}
	return nil
}

// Inventory is what a damaged state file held, as far as it can still be
// read: Readable is false when nothing could be (then the counts are zero
// and everything in it is lost).
type Inventory struct {
	Readable      bool
	Subscriptions []string // the subscribed channels
	LedgerSlots   int
	FeedCursors   int
}

// String says what is lost with the file, for the operator.
func (in Inventory) String() string {
	if !in.Readable {
		return "its contents cannot be read: every subscription, the digest ledger and every feed cursor in it are lost; channels must subscribe again, and feeds are polled from scratch (ingestion is idempotent, so nothing is indexed twice)"
	}
	subs := "no subscriptions"
	if n := len(in.Subscriptions); n > 0 {
		subs = fmt.Sprintf("%d subscriptions (%s: they must subscribe again)", n, strings.Join(in.Subscriptions, ", "))
	}
	return fmt.Sprintf("it held %s, %d digest ledger records and %d feed cursors, as far as it can still be read; all are lost from the new state file", subs, in.LedgerSlots, in.FeedCursors)
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
