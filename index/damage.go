package index

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	bolt "go.etcd.io/bbolt"

	"github.com/newsdesk/newsdesk/internal/boltfile"
)

// ErrDamaged is matched (errors.Is) by the error Open returns for an index
// whose files are damaged: a garbled or empty index_meta.json, a truncated
// or garbled store/root.bolt, a segment (store/*.zap) whose checksum does
// not match, or any panic of Bleve while opening it.
var ErrDamaged = errors.New("index is damaged")

// DamagedError names the damaged index, the file and why.
type DamagedError struct {
	Dir    string // the index directory
	File   string // the damaged file, or "" when Bleve failed and no file could be blamed
	Reason string
}

func (e *DamagedError) Error() string {
	where := e.Dir
	if e.File != "" {
		where = e.File
	}
	return fmt.Sprintf("index %s is damaged: %s: %s; newsdesk will not write to it: run `newsdesk repair` for the way back", e.Dir, where, e.Reason)
}

// Is makes errors.Is(err, ErrDamaged) true.
func (e *DamagedError) Is(target error) bool { return target == ErrDamaged }

// zapFooterMin is the smallest zap footer (versions 11-15; 16 and later
// add an offset): crc, version, chunk mode, four offsets and a count.
const zapFooterMin = 4 + 4 + 4 + 8 + 8 + 8 + 8

// precheck looks at the index's files before Bleve opens them: Bleve
// panics or faults on some damage, a truncated root.bolt would be mapped
// past its end, and a segment that fails to load makes scorch fall back,
// silently, to an older snapshot or to an empty index. It checks
// index_meta.json, store/root.bolt, and the checksum of every segment in
// root.bolt's newest snapshot (the ones scorch loads; a segment file that
// is in no snapshot, left over from a crash mid-write, is no damage).
func precheck(dir string) error {
	if err := checkFiles(dir, nil); err != nil {
		return err
	}
	segs, ok := newestSegments(dir)
	if !ok {
		return nil // locked by another process, or no snapshot: Bleve says so
	}
	return checkSegments(dir, segs)
}

// newestSegments lists the segment files of the newest snapshot recorded in
// store/root.bolt, read-only. ok is false when root.bolt cannot be read
// now (another process holds it) or records no snapshot.
func newestSegments(dir string) (segs []string, ok bool) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if recover() != nil {
			segs, ok = nil, false
		}
	}()
	root := filepath.Join(dir, "store", "root.bolt")
	db, err := bolt.Open(root, 0o400, &bolt.Options{ReadOnly: true, Timeout: 50 * time.Millisecond})
	if err != nil {
		return nil, false
	}
	defer db.Close()
	_ = db.View(func(tx *bolt.Tx) error {
		snaps := tx.Bucket([]byte{'s'}) // bleve util.BoltSnapshotsBucket
		if snaps == nil {
			return nil
		}
		c := snaps.Cursor()
		k, v := c.Last()
		for k != nil && v != nil { // skip plain values: snapshots are buckets
			k, v = c.Prev()
		}
		snap := snaps.Bucket(k)
		if snap == nil {
			return nil
		}
		ok = true
		return snap.ForEachBucket(func(name []byte) error {
			p := snap.Bucket(name).Get([]byte{'p'}) // bleve util.BoltPathKey
			if len(p) > 0 && strings.HasSuffix(string(p), ".zap") && !strings.ContainsAny(string(p), "/\\") {
				segs = append(segs, filepath.Join(dir, "store", string(p)))
			}
			return nil
		})
	})
	return segs, ok
}

// Check examines the files of the index at dir and returns a *DamagedError
// naming the first damaged one (nil when it finds none, or when there is
// no index): index_meta.json, store/root.bolt, and each segment's checksum
// (streamed, one read of each). Run it only while no process has the index
// open (it cannot tell a segment being written from a damaged one).
func Check(dir string) error {
	segs, err := filepath.Glob(filepath.Join(dir, "store", "*.zap"))
	if err != nil {
		return fmt.Errorf("check index %s: %w", dir, err)
	}
	return checkFiles(dir, segs)
}

func checkFiles(dir string, segs []string) error {
	meta := filepath.Join(dir, "index_meta.json")
	b, err := os.ReadFile(meta)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil // no index (yet): Open creates one, or says the directory is not one
	case err != nil:
		return fmt.Errorf("check index %s: %w", dir, err)
	case len(b) == 0:
		return &DamagedError{Dir: dir, File: meta, Reason: "it is empty (0 bytes)"}
	}
	var m struct {
		Storage string `json:"storage"`
	}
	if err := json.Unmarshal(b, &m); err != nil || m.Storage == "" {
		return &DamagedError{Dir: dir, File: meta, Reason: "it is not the index's JSON description (garbled or truncated)"}
	}
	if m.Storage != "scorch" {
		return nil // not ours to judge
	}
	root := filepath.Join(dir, "store", "root.bolt")
	if err := boltfile.Check(root); err != nil {
		if boltfile.IsProblem(err) || errors.Is(err, fs.ErrNotExist) {
			return &DamagedError{Dir: dir, File: root, Reason: err.Error()}
		}
		return fmt.Errorf("check index %s: %w", dir, err)
	}
	return checkSegments(dir, segs)
}

func checkSegments(dir string, segs []string) error {
	sort.Strings(segs)
	for _, seg := range segs {
		if err := checkSegment(seg); err != nil {
			var p *segmentProblem
			if errors.As(err, &p) {
				return &DamagedError{Dir: dir, File: seg, Reason: p.reason}
			}
			return fmt.Errorf("check index %s: %w", dir, err)
		}
	}
	return nil
}

type segmentProblem struct{ reason string }

func (p *segmentProblem) Error() string { return p.reason }

// checkSegment checks a zap segment's footer (its format version) and the
// CRC-32 of everything before its last four bytes.
func checkSegment(path string) error {
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
	if size < zapFooterMin {
		return &segmentProblem{fmt.Sprintf("segment is %d bytes long, shorter than its footer: it was truncated", size)}
	}
	tail := make([]byte, 8) // version, crc
	if _, err := f.ReadAt(tail, size-8); err != nil {
		return err
	}
	if v := binary.BigEndian.Uint32(tail[:4]); v < 11 || v > 64 {
		return &segmentProblem{fmt.Sprintf("segment footer gives format version %d: it is truncated or garbled", v)}
	}
	h := crc32.NewIEEE()
	if _, err := io.CopyBuffer(h, io.NewSectionReader(f, 0, size-4), make([]byte, 1<<20)); err != nil {
		return err
	}
	if got, want := h.Sum32(), binary.BigEndian.Uint32(tail[4:]); got != want {
		return &segmentProblem{fmt.Sprintf("segment checksum %08x, its footer says %08x: it is truncated or garbled", got, want)}
	}
	return nil
}

// openBleve is bleve.OpenUsing with a panic (or a memory fault in a
// mapped file) while Bleve reads the index turned into an error.
func openBleve(dir string, cfg map[string]any) (bi bleve.Index, err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if p := recover(); p != nil {
			bi, err = nil, &DamagedError{Dir: dir, Reason: fmt.Sprintf("Bleve cannot read it (%v)", p)}
		}
	}()
	return bleve.OpenUsing(dir, cfg)
}

// diagnose blames a file for an open failure when one is damaged; else it
// returns Bleve's panic as a DamagedError, or nil for another failure.
func diagnose(dir string, openErr error) error {
	var d *DamagedError
	if err := Check(dir); errors.As(err, &d) {
		var panicked *DamagedError
		if errors.As(openErr, &panicked) {
			d.Reason += "; " + panicked.Reason
		}
		return d
	}
	if errors.As(openErr, &d) {
		return d
	}
	return nil
}
