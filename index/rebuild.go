package index

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	bleveindex "github.com/blevesearch/bleve_index_api"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/newsdesk/newsdesk/news"
)

// ErrMappingVersion is wrapped by the error Open returns for an index
// written with another mapping version. Such an index is not lost: Rebuild
// (newsdesk reindex) copies its stored articles into an index with the
// current mapping.
var ErrMappingVersion = errors.New("index mapping version differs")

// mappingVersionError names both versions and the command that fixes it.
type mappingVersionError struct{ got, want string }

func (e *mappingVersionError) Error() string {
	return fmt.Sprintf("index mapping version is %s but this newsdesk needs %s: run `newsdesk reindex` to rebuild the index from its stored articles (nothing is lost; the old index is kept beside it)", e.got, e.want)
}

func (e *mappingVersionError) Unwrap() error { return ErrMappingVersion }

// Suffixes of the directories Rebuild keeps beside the index directory.
const (
	// rebuildSuffix holds a rebuild in progress. A leftover one (a crash
	// while copying) is removed and the rebuild redone.
	rebuildSuffix = ".rebuild"
	// rebuiltSuffix holds a finished, verified and closed rebuild waiting
	// to be swapped in. If the index directory is missing (a crash between
	// the two renames), Open and Rebuild finish the swap.
	rebuiltSuffix = ".rebuilt"
	// oldSuffix prefixes the timestamped name the replaced index is kept
	// under (path + ".old-20260102T150405Z").
	oldSuffix = ".old-"
)

// RebuildInfo says what Rebuild did.
type RebuildInfo struct {
	Articles   int    // articles copied into the new index
	Statements int    // statements they carry (after the transform)
	OldVersion string // mapping version of the replaced index ("none" when unrecorded)
	NewVersion string // mapping version of the new index
	// OldPath is where the replaced index now lives. Rebuild never deletes
	// it: once the new index has been checked, the user may remove it.
	OldPath string
	// Recovered lists leftovers of an interrupted rebuild that were
	// removed or finished, for the log.
	Recovered []string
}

// Rebuild rebuilds the on-disk index at path with the current mapping from
// the articles stored in it, and returns what it did. It is what
// `newsdesk reindex` runs, and it works on an index that Open refuses
// because its mapping version differs (ErrMappingVersion).
//
// The index must not be open (Rebuild takes the directory's lock; a running
// newsdesk makes it fail after about a second). Rebuild:
//
//  1. opens the index at path read-only, without the version check;
//  2. reads every article document's stored article JSON, a batch
//     (Batches) at a time, in document order (no search, so no
//     result-window limit);
//  3. passes each article to transform (nil: unchanged) and writes the
//     result into a new index with the current mapping at
//     path+".rebuild". Each article keeps its stored ID, Seq and
//     IngestedAt whatever transform returns (a transform that changes the
//     ID is an error), and when transform is non-nil the article's union
//     fields are recomputed from its statements (news.Article.Summarize);
//  4. compacts the new index into one segment (Compact), checks it holds
//     as many articles as were read, closes it and renames it to
//     path+".rebuilt";
//  5. renames the old index to path+".old-<UTC timestamp>" and
//     path+".rebuilt" to path. The old copy is left for the user to
//     delete; RebuildInfo.OldPath names it.
//
// If transform returns an error for any article, or anything else fails
// before step 5, the index at path is left exactly as it was and the
// partial new index is removed. A crash midway leaves path intact plus a
// path+".rebuild" or path+".rebuilt" directory: the next Rebuild removes
// it and starts again. A crash between the two renames of step 5 leaves no
// directory at path: the next Open or Rebuild renames path+".rebuilt" into
// place.
//
// opts are those of the new index (WithActors: its mention tags).
func Rebuild(ctx context.Context, path string, transform func(news.Article) (news.Article, error), opts ...Option) (info RebuildInfo, err error) {
	info.NewVersion = mappingVersion
	finished, err := finishInterruptedRebuild(path)
	if err != nil {
		return info, err
	}
	if finished {
		info.Recovered = append(info.Recovered, "finished an interrupted swap: moved "+path+rebuiltSuffix+" to "+path)
	}
	if st, err := os.Stat(path); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return info, fmt.Errorf("rebuild index %s: there is no index there to rebuild: check the data directory", path)
		}
		return info, fmt.Errorf("rebuild index %s: %w", path, err)
	} else if !st.IsDir() {
		return info, fmt.Errorf("rebuild index %s: not a directory: check the data directory", path)
	}

	old, err := openReadOnly(path)
	if err != nil {
		return info, err
	}
	oldOpen := true
	closeOld := func() error {
		if !oldOpen {
			return nil
		}
		oldOpen = false
		if err := old.Close(); err != nil {
			return fmt.Errorf("rebuild index %s: close old index: %w", path, err)
		}
		return nil
	}
	defer func() {
		if cerr := closeOld(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	v, err := old.GetInternal(internalMappingKey)
	if err != nil {
		return info, fmt.Errorf("rebuild index %s: read mapping version: %w", path, err)
	}
	info.OldVersion = string(v)
	if info.OldVersion == "" {
		info.OldVersion = "none"
	}

	// path exists and is locked by us, so it is the source of truth: any
	// leftover of an earlier rebuild is stale.
	if err := removeLeftovers(path, &info); err != nil {
		return info, err
	}
	rebuiltPath := path + rebuiltSuffix
	if err := buildNew(ctx, path, &info, func(w *copier) error { return eachStored(ctx, old, w.add) }, transform, opts); err != nil {
		return info, err
	}

	// The swap. The old index stays open read-only across the renames so
	// that its lock keeps a newsdesk from opening it in between (except on
	// Windows, which cannot rename a directory with open files).
	if runtime.GOOS == "windows" {
		if err := closeOld(); err != nil {
			return info, err
		}
	}
	info.OldPath, err = freeOldName(path, time.Now())
	if err != nil {
		return info, fmt.Errorf("rebuild index %s: %w (the index is unchanged; the rebuilt one is in %s)", path, err, rebuiltPath)
	}
	if err := os.Rename(path, info.OldPath); err != nil {
		info.OldPath = ""
		return info, fmt.Errorf("rebuild index %s: move the old index aside: %w (the index is unchanged; the rebuilt one is in %s)", path, err, rebuiltPath)
	}
	if err := os.Rename(rebuiltPath, path); err != nil {
		// An Open of path may have finished the swap already
		// (finishInterruptedRebuild): then .rebuilt is gone and path exists.
		_, serr := os.Stat(path)
		if !errors.Is(err, fs.ErrNotExist) || serr != nil {
			return info, fmt.Errorf("rebuild index %s: move the rebuilt index into place: %w (the old index is in %s, the rebuilt one in %s: rename it to %s)", path, err, info.OldPath, rebuiltPath, path)
		}
	}
	if err := closeOld(); err != nil {
		return info, err
	}
	return info, nil
}

// openReadOnly opens an existing index for reading only, whatever its
// mapping version: nothing is written to it, and it holds a shared lock so
// that no newsdesk can open it for writing meanwhile.
func openReadOnly(path string) (bleve.Index, error) {
	bi, err := bleve.OpenUsing(path, map[string]any{"bolt_timeout": lockTimeout, "read_only": true})
	switch {
	case err == nil:
		return bi, nil
	case errors.Is(err, bleve.ErrorIndexPathDoesNotExist), errors.Is(err, bleve.ErrorIndexMetaMissing):
		return nil, fmt.Errorf("rebuild index %s: not a newsdesk index (no index metadata): check the data directory", path)
	case errors.Is(err, bolterrors.ErrTimeout):
		return nil, fmt.Errorf("rebuild index %s: the index is in use by another newsdesk process: stop it first: %w", path, err)
	default:
		return nil, fmt.Errorf("rebuild index %s: open old index: %w", path, err)
	}
}

// removeLeftovers removes what an interrupted rebuild of path left, noting
// it in info.
func removeLeftovers(path string, info *RebuildInfo) error {
	for _, p := range []string{path + rebuildSuffix, path + rebuiltSuffix} {
		removed, err := removeLeftover(p)
		if err != nil {
			return fmt.Errorf("rebuild index %s: %w", path, err)
		}
		if removed {
			info.Recovered = append(info.Recovered, "removed "+p+" left by an interrupted rebuild")
		}
	}
	return nil
}

// buildNew writes a new index at path+".rebuild" from what fill gives the
// copier, checks it holds every article, and renames it path+".rebuilt".
// On any error the partial index is removed and the index at path is
// untouched.
func buildNew(ctx context.Context, path string, info *RebuildInfo, fill func(*copier) error, transform func(news.Article) (news.Article, error), opts []Option) error {
	rebuildPath := path + rebuildSuffix
	nw, err := Open(rebuildPath, opts...)
	if err != nil {
		return fmt.Errorf("rebuild index %s: create new index: %w", path, err)
	}
	fail := func(err error) error {
		_ = nw.Close()
		_ = os.RemoveAll(rebuildPath)
		return fmt.Errorf("rebuild index %s: %w (the index is unchanged)", path, err)
	}
	w := &copier{ctx: ctx, dst: nw, transform: transform}
	if err := fill(w); err != nil {
		return fail(err)
	}
	if err := w.flush(); err != nil {
		return fail(err)
	}
	if err := nw.Compact(ctx); err != nil {
		return fail(err)
	}
	info.Articles, info.Statements = w.arts, w.stmts
	got, err := nw.Count(ctx)
	if err != nil {
		return fail(fmt.Errorf("count new index: %w", err))
	}
	if got != uint64(info.Articles) {
		return fail(fmt.Errorf("new index holds %d articles but %d were copied", got, info.Articles))
	}
	if err := nw.Close(); err != nil {
		_ = os.RemoveAll(rebuildPath)
		return fmt.Errorf("rebuild index %s: %w (the index is unchanged)", path, err)
	}
	if err := os.Rename(rebuildPath, path+rebuiltSuffix); err != nil {
		_ = os.RemoveAll(rebuildPath)
		return fmt.Errorf("rebuild index %s: %w (the index is unchanged)", path, err)
	}
	return nil
}

// copier writes articles into a new index in batches, transformed.
type copier struct {
	ctx         context.Context
	dst         *Index
	transform   func(news.Article) (news.Article, error)
	batch       []news.Article
	size        int // the batch's TextBytes
	arts, stmts int
}

func (w *copier) add(a news.Article) error {
	if w.transform != nil {
		orig := a
		var err error
		a, err = w.transform(orig)
		if err != nil {
			return fmt.Errorf("transform article %s: %w", orig.ID, err)
		}
		if a.ID != orig.ID {
			return fmt.Errorf("transform article %s: it changed the id to %q; a rebuild must keep ids", orig.ID, a.ID)
		}
		a.Seq, a.IngestedAt = orig.Seq, orig.IngestedAt
		a.Summarize()
	}
	if !Fits(len(w.batch), w.size, a) {
		if err := w.flush(); err != nil {
			return err
		}
	}
	w.batch = append(w.batch, a)
	w.size += TextBytes(a)
	return nil
}

func (w *copier) flush() error {
	if len(w.batch) == 0 {
		return nil
	}
	if err := w.dst.Put(w.ctx, w.batch); err != nil {
		return fmt.Errorf("write new index: %w", err)
	}
	w.arts += len(w.batch)
	for _, a := range w.batch {
		w.stmts += len(a.Statements)
	}
	w.batch, w.size = w.batch[:0], 0
	return nil
}

// Each calls fn with every article stored in the index, in internal order
// (the article store's migration reads an index that predates it).
func (ix *Index) Each(ctx context.Context, fn func(news.Article) error) error {
	return eachStored(ctx, ix.idx, fn)
}

// eachStored calls fn with every article document's stored article, in
// internal order, without a search (so without a result window).
func eachStored(ctx context.Context, src bleve.Index, fn func(news.Article) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("bleve panicked while reading the index: %v", r)
		}
	}()
	adv, err := src.Advanced()
	if err != nil {
		return fmt.Errorf("read index: %w", err)
	}
	r, err := adv.Reader()
	if err != nil {
		return fmt.Errorf("read index: %w", err)
	}
	defer func() { _ = r.Close() }()
	ids, err := r.DocIDReaderAll()
	if err != nil {
		return fmt.Errorf("read index: list documents: %w", err)
	}
	defer func() { _ = ids.Close() }()
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		iid, err := ids.Next()
		if err != nil {
			return fmt.Errorf("read index: next document: %w", err)
		}
		if iid == nil {
			return nil
		}
		id, err := r.ExternalID(iid)
		if err != nil {
			return fmt.Errorf("read index: document id: %w", err)
		}
		if strings.Contains(id, "#") {
			continue // a statement document: rebuilt from its article
		}
		a, err := storedArticle(r, id)
		if err != nil {
			return err
		}
		if err := fn(a); err != nil {
			return err
		}
	}
}

// Source yields the articles a rebuild writes: the article store's Each.
type Source func(ctx context.Context, fn func(news.Article) error) error

// RebuildFrom builds the index at path afresh, with the current mapping,
// from src (the article store, the system of record), transformed as in
// Rebuild. Unlike Rebuild it does not read the old index, so it works on an
// index that is damaged or gone (`newsdesk repair`). The new index is built
// beside the old one and swapped in only when complete; an old index at path
// is kept at path+".old-<UTC timestamp>" (RebuildInfo.OldPath), never
// deleted. The caller must hold the article store, which keeps any other
// newsdesk from running on this data directory.
func RebuildFrom(ctx context.Context, path string, src Source, transform func(news.Article) (news.Article, error), opts ...Option) (info RebuildInfo, err error) {
	info.NewVersion = mappingVersion
	info.OldVersion = "not read"
	if finished, err := finishInterruptedRebuild(path); err != nil {
		return info, err
	} else if finished {
		info.Recovered = append(info.Recovered, "finished an interrupted swap: moved "+path+rebuiltSuffix+" to "+path)
	}
	if err := removeLeftovers(path, &info); err != nil {
		return info, err
	}
	rebuiltPath := path + rebuiltSuffix
	if err := buildNew(ctx, path, &info, func(w *copier) error { return src(ctx, w.add) }, transform, opts); err != nil {
		return info, err
	}
	if _, err := os.Stat(path); err == nil {
		if info.OldPath, err = freeOldName(path, time.Now()); err != nil {
			return info, fmt.Errorf("rebuild index %s: %w (the index is unchanged; the rebuilt one is in %s)", path, err, rebuiltPath)
		}
		if err := os.Rename(path, info.OldPath); err != nil {
			info.OldPath = ""
			return info, fmt.Errorf("rebuild index %s: move the old index aside: %w (the index is unchanged; the rebuilt one is in %s)", path, err, rebuiltPath)
		}
	}
	if err := os.Rename(rebuiltPath, path); err != nil {
		return info, fmt.Errorf("rebuild index %s: move the rebuilt index into place: %w (the rebuilt one is in %s: rename it to %s)", path, err, rebuiltPath, path)
	}
	return info, nil
}

// storedArticle decodes the article JSON stored in article document id.
func storedArticle(r bleveindex.IndexReader, id string) (news.Article, error) {
	var a news.Article
	doc, err := r.Document(id)
	if err != nil {
		return a, fmt.Errorf("read old index: document %s: %w", id, err)
	}
	if doc == nil {
		return a, fmt.Errorf("read old index: document %s vanished while reading", id)
	}
	var raw []byte
	doc.VisitFields(func(f bleveindex.Field) {
		if raw == nil && f.Name() == fDoc {
			raw = append([]byte{}, f.Value()...)
		}
	})
	if raw == nil {
		return a, fmt.Errorf("read old index: document %s has no stored article (field %q): this index cannot be rebuilt by this newsdesk", id, fDoc)
	}
	if err := json.Unmarshal(raw, &a); err != nil {
		return a, fmt.Errorf("read old index: document %s: decode stored article: %w", id, err)
	}
	if a.ID != id {
		return a, fmt.Errorf("read old index: document %s holds article %q", id, a.ID)
	}
	return a, nil
}

// removeLeftover removes a leftover rebuild directory and reports whether
// there was one. A rebuild directory another process has open (a
// concurrent rebuild) is refused, not removed.
func removeLeftover(p string) (bool, error) {
	if _, err := os.Lstat(p); errors.Is(err, fs.ErrNotExist) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	probe, err := bleve.OpenUsing(p, map[string]any{"bolt_timeout": lockTimeout, "read_only": true})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return false, fmt.Errorf("%s is in use: another rebuild is running; wait for it to finish", p)
	}
	if err == nil {
		_ = probe.Close()
	}
	if err := os.RemoveAll(p); err != nil {
		return false, fmt.Errorf("remove leftover %s: %w", p, err)
	}
	return true, nil
}

// finishInterruptedRebuild completes a swap a crash cut short: no index at
// path, a finished one at path+".rebuilt". It reports whether it did.
func finishInterruptedRebuild(path string) (bool, error) {
	if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	rebuilt := path + rebuiltSuffix
	if st, err := os.Stat(rebuilt); err != nil || !st.IsDir() {
		return false, nil
	}
	if err := os.Rename(rebuilt, path); err != nil {
		if _, serr := os.Stat(path); serr == nil {
			return false, nil // another process finished it
		}
		return false, fmt.Errorf("finish interrupted rebuild: move %s to %s: %w", rebuilt, path, err)
	}
	return true, nil
}

// freeOldName picks path+".old-<UTC timestamp>", with a counter when that
// name is taken.
func freeOldName(path string, now time.Time) (string, error) {
	base := path + oldSuffix + now.UTC().Format("20060102T150405Z")
	for i := 0; i < 100; i++ {
		p := base
		if i > 0 {
			p = fmt.Sprintf("%s.%d", base, i)
		}
		if _, err := os.Lstat(p); errors.Is(err, fs.ErrNotExist) {
			return p, nil
		} else if err != nil {
			return "", err
		}
	}
	return "", fmt.Errorf("no free name for the old index beside %s: remove old %s* copies", path, oldSuffix)
}
