// Package boltfile checks a bbolt file's header before bbolt maps it, so
// that a damaged file is reported as such instead of crashing the process:
// bbolt silently initialises a zero-length file (losing whatever it was
// meant to hold), and a file shorter than its own high-water mark makes
// every access past the end a SIGBUS. The state store and the index (whose
// root.bolt is a bbolt file) and the article store use it; Open also turns
// bbolt's panics on a garbled file into a Problem and runs its consistency
// check. It imports the standard library and bbolt only.
package boltfile

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"os"
	"runtime/debug"
	"strings"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// The bbolt format (go.etcd.io/bbolt internal/common): two meta pages at
// the start, each a 16-byte page header followed by the meta record, in the
// machine's byte order.
const (
	magic          = 0xED0CDAED
	version        = 2
	pageHeaderSize = 16
	metaSize       = 64 // magic … txid, checksum
	checksumOffset = 56
	minPageSize    = 512
	maxPageSize    = 1 << 20
)

// Problem is why a file is damaged, in words for an operator.
type Problem struct{ Reason string }

func (p *Problem) Error() string { return p.Reason }

// Check reads the meta pages of the bbolt file at path and reports a
// *Problem when the file is empty, is not a bbolt file, has no valid meta
// page, or is shorter than the pages its newest valid meta page counts. It
// returns an error wrapping fs.ErrNotExist when there is no file, and other
// I/O errors as they are.
func Check(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	size := st.Size()
	if size == 0 {
		return &Problem{"it is empty (0 bytes): its contents were lost, most likely in a crash or on a full disk"}
	}
	m0, err0 := readMeta(f, 0)
	pageSize := int64(os.Getpagesize())
	if err0 == nil {
		pageSize = int64(m0.pageSize)
	}
	m1, err1 := readMeta(f, pageSize)
	var best *meta
	switch {
	case err0 == nil && err1 == nil:
		best = m0
		if m1.txid > m0.txid {
			best = m1
		}
	case err0 == nil:
		best = m0
	case err1 == nil:
		best = m1
	default:
		if size < 2*pageHeaderSize+metaSize {
			return &Problem{fmt.Sprintf("it is %d bytes long, too short to be a bbolt file: it was truncated", size)}
		}
		return &Problem{fmt.Sprintf("neither of its two header pages is valid (%v; %v): it is garbled or not a bbolt file", err0, err1)}
	}
	if want := int64(best.pgid) * int64(best.pageSize); size < want {
		return &Problem{fmt.Sprintf("it is %d bytes long but its header counts %d pages of %d bytes (%d bytes): it was truncated", size, best.pgid, best.pageSize, want)}
	}
	return nil
}

type meta struct {
	pageSize uint32
	pgid     uint64
	txid     uint64
}

// readMeta reads and validates the meta page at off.
func readMeta(r io.ReaderAt, off int64) (*meta, error) {
	b := make([]byte, metaSize)
	if _, err := r.ReadAt(b, off+pageHeaderSize); err != nil {
		return nil, fmt.Errorf("header page at %d: unreadable (%w)", off, err)
	}
	e := binary.NativeEndian
	switch {
	case e.Uint32(b[0:]) != magic:
		return nil, fmt.Errorf("header page at %d: no bbolt magic number", off)
	case e.Uint32(b[4:]) != version:
		return nil, fmt.Errorf("header page at %d: bbolt format version %d, want %d", off, e.Uint32(b[4:]), version)
	}
	h := fnv.New64a()
	_, _ = h.Write(b[:checksumOffset])
	if h.Sum64() != e.Uint64(b[checksumOffset:]) {
		return nil, fmt.Errorf("header page at %d: checksum mismatch", off)
	}
	m := &meta{pageSize: e.Uint32(b[8:]), pgid: e.Uint64(b[40:]), txid: e.Uint64(b[48:])}
	if m.pageSize < minPageSize || m.pageSize > maxPageSize || m.pageSize&(m.pageSize-1) != 0 {
		return nil, fmt.Errorf("header page at %d: page size %d is not plausible", off, m.pageSize)
	}
	return m, nil
}

// IsProblem reports whether err is (or wraps) a *Problem.
func IsProblem(err error) bool {
	var p *Problem
	return errors.As(err, &p)
}

// Open opens the bbolt file at path for a store that must never lose it
// silently: Check first (a missing file is created), then bolt.Open with a
// garbled file's panic or memory fault and bbolt's format errors turned into
// a *Problem, then bbolt's consistency check over every page. Lock timeouts
// and other I/O errors are returned as bbolt gives them.
func Open(path string, o *bolt.Options) (*bolt.DB, error) {
	if err := Check(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	db, err := open(path, o)
	if err != nil {
		return nil, err
	}
	if err := Consistent(db); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func open(path string, o *bolt.Options) (db *bolt.DB, err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if p := recover(); p != nil {
			db, err = nil, &Problem{fmt.Sprintf("bbolt cannot read it (%v)", p)}
		}
	}()
	db, err = bolt.Open(path, 0o600, o)
	if errors.Is(err, bolterrors.ErrInvalid) || errors.Is(err, bolterrors.ErrChecksum) || errors.Is(err, bolterrors.ErrVersionMismatch) {
		return nil, &Problem{fmt.Sprintf("bbolt refuses it (%v)", err)}
	}
	return db, err
}

// maxCheckProblems bounds the consistency problems quoted in a Problem.
const maxCheckProblems = 3

// Consistent runs bbolt's consistency check over every page and reports a
// *Problem when it finds any (or cannot read a page).
func Consistent(db *bolt.DB) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if p := recover(); p != nil {
			err = &Problem{fmt.Sprintf("bbolt's consistency check cannot read it (%v)", p)}
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
		return fmt.Errorf("consistency check: %w", verr)
	}
	if n > 0 {
		return &Problem{fmt.Sprintf("bbolt's consistency check found %d problems (%s)", n, strings.Join(problems, "; "))}
	}
	return nil
}
