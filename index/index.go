package index

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"iter"
	"log/slog"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/newsdesk/newsdesk/news"
)

// BatchSize and BatchBytes bound one Bleve batch: at most BatchSize
// articles (each adds one document per statement) and BatchBytes of
// title and body, whichever comes first (see Batches). Bleve analyses a
// whole batch before it builds the batch's segment, and the analysed
// tokens take tens of times the text, so the bytes bound the memory a
// write takes: a megabyte of text is about 500 articles of 2 KB.
const (
	BatchSize  = 500
	BatchBytes = 1 << 20
)

// Batches cuts arts, in order, into batches of at most BatchSize articles
// and BatchBytes of title and body; an article larger than BatchBytes is
// a batch of its own.
func Batches(arts []news.Article) iter.Seq[[]news.Article] {
	return func(yield func([]news.Article) bool) {
		for len(arts) > 0 {
			n, size := 0, 0
			for n < len(arts) && Fits(n, size, arts[n]) {
				size += TextBytes(arts[n])
				n++
			}
			if !yield(arts[:n:n]) {
				return
			}
			arts = arts[n:]
		}
	}
}

// Fits reports whether a batch of n articles holding size bytes of text
// (TextBytes) takes a in as well: the rule of Batches, for those who
// gather a batch as articles come.
func Fits(n, size int, a news.Article) bool {
	return n < BatchSize && (n == 0 || size+TextBytes(a) <= BatchBytes)
}

// TextBytes is what an article counts against BatchBytes: its title and
// body.
func TextBytes(a news.Article) int { return len(a.Title) + len(a.Body) }

// lockTimeout is how long Open waits for another process's lock on the
// index before it gives up with a clear error.
const lockTimeout = "1s"

// Index is newsdesk's Bleve index. It is safe for concurrent use.
type Index struct {
	path string
	idx  bleve.Index

	putMu sync.Mutex // serialises Put: it reads statement counts, then writes

	closeMu sync.Mutex
	closed  bool

	// maxTermSearchers bounds the leaf term searchers of one search
	// (search.MaxTermSearchersKey); timeout is the deadline given to a
	// search whose context has none.
	maxTermSearchers int
	timeout          time.Duration
	logMu            sync.Mutex // log is read by the warming goroutine
	log              *slog.Logger
	recovered        []string // what Open finished or advises, logged by SetLogger

	// newest is an upper bound of the newest published date indexed,
	// where date-sorted searches start their windows (see searchDate):
	// found in the term dictionary on first use, raised by Put.
	newestMu    sync.Mutex
	newestKnown bool
	newest      time.Time
	// tags tags the statement documents Put writes (nil: no gazetteer, or
	// a mapping without the tag fields); tagsComplete says every statement
	// document was tagged with it, so that mentions are searched by tag;
	// tagsStored says the index records a fingerprint, which a Put with
	// other tags (or none) must first erase. See WithActors.
	tags         *tagger
	tagsComplete bool
	tagsStored   bool
	// layout is that of the index's mapping version.
	layout layout
	// legacy makes Search build the one request it built before searches
	// followed their page (post-filters, a sort key read per match), for
	// the benchmarks and tests that compare the two.
	legacy bool
	// facets caches the segments' facet tables (see Facets), dates
	// their sort_date columns (see scoreTop.flush); warming builds them
	// in the background (see warm.go).
	facets  segmentCache[*facetTable]
	dates   segmentCache[dateColumn]
	warming warming
}

// Default limits for searches. See Search.
const (
	DefaultMaxTermSearchers = 4096
	DefaultTimeout          = 10 * time.Second
)

// Open opens the index at path, creating it when the path does not exist
// (or is an empty directory). A damaged index is refused with a
// *DamagedError naming the file (errors.Is(err, ErrDamaged)), never
// recreated: its files, including the checksum of every segment it will
// load (one streamed read of each), are checked before Bleve maps them, and
// a panic of Bleve while opening is recovered. Only one process may have an index open: a
// second one gets an error saying so after about a second.
//
// An index written with another mapping version is refused with an error
// wrapping ErrMappingVersion; Rebuild (newsdesk reindex) converts it. If a
// Rebuild was interrupted between its two renames (no directory at path,
// a finished rebuild at path+".rebuilt"), Open first moves the rebuilt
// index into place.
//
// WithActors gives it the gazetteer its statements are tagged with.
func Open(path string, opts ...Option) (*Index, error) {
	finished, err := finishInterruptedRebuild(path)
	if err != nil {
		return nil, fmt.Errorf("open index %s: %w", path, err)
	}
	ix, err := open(path, collect(opts))
	if err == nil && finished {
		ix.recovered = append(ix.recovered, "finished an interrupted rebuild: moved "+path+rebuiltSuffix+" to "+path)
	}
	return ix, err
}

func open(path string, o options) (*Index, error) {
	if err := precheck(path); err != nil {
		return nil, err
	}
	cfg := map[string]any{"bolt_timeout": lockTimeout}
	bi, err := openBleve(path, cfg)
	created := false
	version := mappingVersion
	switch {
	case err == nil:
		v, verr := checkMappingVersion(bi)
		if verr != nil {
			_ = bi.Close()
			return nil, fmt.Errorf("open index %s: %w", path, verr)
		}
		version = v
	case errors.Is(err, bleve.ErrorIndexPathDoesNotExist), errors.Is(err, bleve.ErrorIndexMetaMissing):
		if entries, _ := os.ReadDir(path); len(entries) > 0 {
			return nil, fmt.Errorf("create index %s: the directory exists but is not a newsdesk index: choose another data directory or empty it", path)
		}
		_ = os.Remove(path) // an empty directory: Bleve wants to create it
		m, merr := newMapping()
		if merr != nil {
			return nil, fmt.Errorf("create index %s: mapping: %w", path, merr)
		}
		bi, err = bleve.NewUsing(path, m, scorch.Name, scorch.Name, cfg)
		if errors.Is(err, bleve.ErrorIndexPathExists) {
			return nil, fmt.Errorf("create index %s: the path exists but is not a newsdesk index: choose another data directory", path)
		}
		if err != nil {
			return nil, fmt.Errorf("create index %s: %w", path, err)
		}
		if err := bi.SetInternal(internalMappingKey, []byte(mappingVersion)); err != nil {
			_ = bi.Close()
			return nil, fmt.Errorf("create index %s: record mapping version: %w", path, err)
		}
		created = true
	case errors.Is(err, bolterrors.ErrTimeout):
		return nil, fmt.Errorf("index %s is in use by another newsdesk process: stop it or use another data directory: %w", path, err)
	default:
		if d := diagnose(path, err); d != nil {
			return nil, d
		}
		return nil, fmt.Errorf("open index %s: %w", path, err)
	}
	ix, err := newIndex(path, bi, o, version, created)
	if err != nil {
		_ = bi.Close()
		return nil, fmt.Errorf("open index %s: %w", path, err)
	}
	return ix, nil
}

// memPath is the Path of an index held in memory.
const memPath = "(memory)"

// OpenMem returns an empty index held in memory, for tests.
func OpenMem(opts ...Option) (*Index, error) {
	m, err := newMapping()
	if err != nil {
		return nil, fmt.Errorf("create in-memory index: mapping: %w", err)
	}
	bi, err := bleve.NewMemOnly(m)
	if err != nil {
		return nil, fmt.Errorf("create in-memory index: %w", err)
	}
	ix, err := newIndex(memPath, bi, collect(opts), mappingVersion, true)
	if err != nil {
		_ = bi.Close()
		return nil, fmt.Errorf("create in-memory index: %w", err)
	}
	return ix, nil
}

// newIndex wraps an open Bleve index of that mapping version; created: it
// was created empty just now, so its mention tags are complete from the
// start (see WithActors).
func newIndex(path string, bi bleve.Index, o options, version string, created bool) (*Index, error) {
	ix := &Index{path: path, idx: bi, maxTermSearchers: DefaultMaxTermSearchers, timeout: DefaultTimeout, log: slog.Default(), layout: layouts[version]}
	if version != mappingVersion {
		ix.recovered = append(ix.recovered, fmt.Sprintf("the index has mapping version %s (this newsdesk writes %s): it works as it is, and newsdesk reindex rebuilds it for faster searches", version, mappingVersion))
	}
	if !ix.layout.tags {
		return ix, nil // a mapping without the tag fields: mentions are searched with phrases
	}
	tg, err := newTagger(bi.Mapping(), o.actors)
	if err != nil {
		return nil, err
	}
	ix.tags = tg
	stored, err := bi.GetInternal(internalTagsKey)
	if err != nil {
		return nil, fmt.Errorf("read mention tags: %w", err)
	}
	if created && tg != nil {
		if err := bi.SetInternal(internalTagsKey, []byte(tg.fingerprint)); err != nil {
			return nil, fmt.Errorf("record mention tags: %w", err)
		}
		stored = []byte(tg.fingerprint)
	}
	ix.tagsStored = len(stored) > 0
	ix.tagsComplete = tg != nil && string(stored) == tg.fingerprint
	if tg != nil && !ix.tagsComplete && version == mappingVersion {
		ix.recovered = append(ix.recovered, "actor names are searched as phrases, more slowly: the index was written with another gazetteer or none; newsdesk reindex tags it with this one")
	}
	return ix, nil
}

// layout is what a mapping version holds that compile and Put depend on.
type layout struct {
	headline string // the field of a statement's headline
	tags     bool   // the mention tag fields exist
	// ownText: the statement text fields (sentence, speaker, headline)
	// exist in no article document, so a search with words needs no
	// type filter.
	ownText bool
}

// layouts are the mapping versions this code opens: versions 1 and 2 keep
// a statement's headline in title, which article documents share, and
// version 1 lacks the tag fields, so its mentions are searched with
// phrases.
var layouts = map[string]layout{
	"1":            {headline: fTitle},
	"2":            {headline: fTitle, tags: true},
	mappingVersion: {headline: fHeadline, tags: true, ownText: true},
}

func checkMappingVersion(bi bleve.Index) (string, error) {
	v, err := bi.GetInternal(internalMappingKey)
	if err != nil {
		return "", fmt.Errorf("read mapping version: %w", err)
	}
	if _, ok := layouts[string(v)]; !ok {
		got := string(v)
		if got == "" {
			got = "none"
		}
		return "", &mappingVersionError{got: got, want: mappingVersion}
	}
	return string(v), nil
}

// SetLogger makes the index log through l (the process's logger, with its
// level) instead of slog.Default, and logs there what Open recovered (an
// interrupted rebuild it finished) or advises (a rebuild, for an index of
// an older mapping version or with stale mention tags). Call it before the
// index is shared.
func (ix *Index) SetLogger(l *slog.Logger) {
	if l == nil {
		return
	}
	ix.logMu.Lock()
	ix.log = l
	ix.logMu.Unlock()
	for _, r := range ix.recovered {
		l.Warn("index: " + r)
	}
	ix.recovered = nil
}

// logger is the index's logger.
func (ix *Index) logger() *slog.Logger {
	ix.logMu.Lock()
	defer ix.logMu.Unlock()
	return ix.log
}

// Path is the directory of the index ("(memory)" for OpenMem).
func (ix *Index) Path() string { return ix.path }

// Close closes the index; it releases the lock on the directory. Closing
// an index twice is harmless.
func (ix *Index) Close() error {
	ix.closeMu.Lock()
	defer ix.closeMu.Unlock()
	if ix.closed {
		return nil
	}
	ix.closed = true
	ix.stopWarming()
	if err := ix.idx.Close(); err != nil {
		return fmt.Errorf("close index %s: %w", ix.path, err)
	}
	return nil
}

// Put indexes articles: for each, the article document and one document
// per statement. Putting an article again replaces it and deletes the
// statement documents it no longer has. Articles are written in Batches;
// when Put returns nil every batch is durable. On error, batches
// already written stay written (re-putting them is harmless).
func (ix *Index) Put(ctx context.Context, arts []news.Article) error {
	for i := range arts {
		if err := validate(&arts[i]); err != nil {
			return fmt.Errorf("put articles: article %d (id %q): %w", i, arts[i].ID, err)
		}
	}
	ix.putMu.Lock()
	defer ix.putMu.Unlock()
	if ix.tagsStored && !ix.tagsComplete {
		// The index was tagged with another gazetteer: once this Put
		// writes, no gazetteer's tags are complete until a rebuild.
		if err := ix.idx.DeleteInternal(internalTagsKey); err != nil {
			return fmt.Errorf("put articles: erase the mention tags' fingerprint: %w", err)
		}
		ix.tagsStored = false
	}
	start := 0
	for chunk := range Batches(arts) {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("put articles: %w", err)
		}
		if err := ix.putBatch(chunk); err != nil {
			return fmt.Errorf("put articles %d-%d: %w", start, start+len(chunk)-1, err)
		}
		start += len(chunk)
	}
	ix.warming.wrote(time.Now())
	return nil
}

func validate(a *news.Article) error {
	switch {
	case strings.TrimSpace(a.ID) == "":
		return errors.New("empty id: every article needs a stable id")
	case strings.Contains(a.ID, "#"):
		return errors.New("id contains '#', which the index reserves for statement ids")
	case !utf8.ValidString(a.ID):
		return errors.New("id is not valid UTF-8")
	case len(a.ID) > 512:
		return errors.New("id is longer than 512 bytes")
	}
	return nil
}

// putParts is how many Bleve batches putBatch writes at once: Bleve
// builds a batch's segment on the calling goroutine, so one batch keeps
// one core busy however many there are.
var putParts = min(runtime.GOMAXPROCS(0), 4)

// minPart is the fewest articles worth a batch of their own.
const minPart = 64

// putBatch writes arts in up to putParts Bleve batches at once, split by
// article id so that an article's documents share a batch.
func (ix *Index) putBatch(arts []news.Article) error {
	k := min(putParts, len(arts)/minPart)
	if k <= 1 {
		return ix.putPart(arts)
	}
	parts := make([][]news.Article, k)
	for _, a := range arts {
		h := fnv.New32a()
		h.Write([]byte(a.ID))
		i := h.Sum32() % uint32(k)
		parts[i] = append(parts[i], a)
	}
	errs := make([]error, k)
	var wg sync.WaitGroup
	for i, part := range parts {
		wg.Go(func() { errs[i] = ix.putPart(part) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

func (ix *Index) putPart(arts []news.Article) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("bleve panicked while indexing: %v", r)
		}
	}()
	b := ix.idx.NewBatch()
	pending := map[string]int{} // statement docs written or existing, per article id
	for _, a := range arts {
		old, ok := pending[a.ID]
		if !ok {
			old, err = ix.statementCount(a.ID)
			if err != nil {
				return err
			}
		}
		docs, err := documents(a, ix.tags, ix.layout.headline)
		if err != nil {
			return fmt.Errorf("article %s: %w", a.ID, err)
		}
		for _, d := range docs {
			if err := b.Index(d.id, d.fields); err != nil {
				return fmt.Errorf("article %s: document %s: %w", a.ID, d.id, err)
			}
		}
		for n := len(a.Statements); n < old; n++ {
			b.Delete(statementID(a.ID, n))
		}
		pending[a.ID] = max(old, len(a.Statements))
	}
	if err := ix.idx.Batch(b); err != nil {
		return fmt.Errorf("write batch to index %s: %w", ix.path, err)
	}
	ix.newestMu.Lock()
	for _, a := range arts {
		if p := clampTime(a.Published); p.After(ix.newest) {
			ix.newest = p
		}
	}
	ix.newestMu.Unlock()
	return nil
}

// statementCount is the number of statement documents the index holds for
// an article (0 when the article is absent).
func (ix *Index) statementCount(id string) (int, error) {
	var n int
	var perr error
	found, err := ix.storedField(id, fNStmt, func(v []byte) {
		n, perr = strconv.Atoi(string(v))
	})
	if err != nil || !found {
		return 0, err
	}
	if perr != nil {
		return 0, fmt.Errorf("article %s: bad stored statement count: %w", id, perr)
	}
	return n, nil
}

// storedField calls fn with the stored value of field in document id and
// reports whether the document had that field.
func (ix *Index) storedField(id, field string, fn func([]byte)) (bool, error) {
	doc, err := ix.idx.Document(id)
	if err != nil {
		return false, fmt.Errorf("read document %s: %w", id, err)
	}
	if doc == nil {
		return false, nil
	}
	found := false
	doc.VisitFields(func(f bleveindex.Field) {
		if !found && f.Name() == field {
			found = true
			fn(f.Value())
		}
	})
	return found, nil
}

func statementID(articleID string, n int) string {
	return articleID + "#" + strconv.Itoa(n)
}

type document struct {
	id     string
	fields map[string]any
}

// storedHit is kept with each statement document (see encodeHit):
// everything a statement hit shows, without a second lookup. Indexes
// written before encodeHit hold it as JSON, with these names.
type storedHit struct {
	ArticleID string         `json:"article_id"`
	Title     string         `json:"title"`
	Published time.Time      `json:"published"`
	Source    news.Source    `json:"source"`
	Seq       uint64         `json:"seq"`
	Statement news.Statement `json:"statement"`

	// Tagged says the statement was tagged when it was written, and
	// Names holds, per actor its sentence names, the byte ranges of the
	// name's terms (tagger.named): what a search by tag marks, read
	// rather than found again. Hits of earlier indexes have neither.
	Tagged bool        `json:"-"`
	Names  []nameMarks `json:"-"`
}

// nameMarks is the byte ranges, in a sentence, of the terms of an
// actor's names.
type nameMarks struct {
	Actor string
	Marks [][2]int
}

// documents turns an article into its Bleve documents; tg (when not nil)
// tags the statement documents with the actors they name; headline is the
// field of a statement's headline in the index's mapping.
func documents(a news.Article, tg *tagger, headline string) ([]document, error) {
	if len(a.Statements) > 0 && a.Actors == nil && a.Countries == nil && a.Targets == nil && a.Kinds == nil {
		a.Summarize()
	}
	raw, err := json.Marshal(a)
	if err != nil {
		return nil, fmt.Errorf("encode article: %w", err)
	}
	kinds := make([]string, len(a.Kinds))
	for i, k := range a.Kinds {
		kinds[i] = string(k)
	}
	art := map[string]any{
		fType:           string(news.TypeArticle),
		fArticleID:      a.ID,
		fTitle:          a.Title,
		fBody:           a.Body,
		fActors:         a.Actors,
		fSpeakerCountry: a.Countries,
		fKind:           kinds,
		fTargets:        a.Targets,
		fTargetsText:    a.Targets,
		fSourceName:     a.Source.Name,
		fSeq:            float64(a.Seq),
		fSortDate:       sortDateKey(a.Published, a.Seq, -1, a.ID),
		fSortSeq:        sortSeqKey(a.Seq, -1, a.ID),
		fDoc:            string(raw),
		fNStmt:          strconv.Itoa(len(a.Statements)),
	}
	if !a.Published.IsZero() {
		art[fPublished] = clampTime(a.Published)
	}
	docs := []document{{id: a.ID, fields: art}}
	var titleTags []string
	if tg != nil && len(a.Statements) > 0 {
		titleTags = tg.tags(a.Title)
	}
	for n, s := range a.Statements {
		// A statement carries its own seq when an update kept it from an
		// earlier version of the article; else it shares the article's.
		seq := a.Seq
		if s.Seq != 0 {
			seq = s.Seq
		}
		var mentions []string
		var names []nameMarks
		if tg != nil {
			names = tg.named(s.Sentence)
			mentions = tg.mentions(names, s.Accused)
		}
		h, err := encodeHit(storedHit{
			ArticleID: a.ID, Title: a.Title, Published: a.Published,
			Source: a.Source, Seq: seq, Statement: s,
			Tagged: tg != nil, Names: names,
		})
		if err != nil {
			return nil, fmt.Errorf("encode statement %d: %w", n, err)
		}
		st := map[string]any{
			fType:           string(news.TypeStatement),
			fArticleID:      a.ID,
			headline:        a.Title,
			fSentence:       s.Sentence,
			fSpeaker:        s.Speaker,
			fActors:         s.Accused,
			fSpeakerCountry: s.SpeakerCountry,
			fKind:           string(s.Kind),
			fTargets:        s.Targets,
			fTargetsText:    s.Targets,
			fConfidence:     s.Confidence,
			fSourceName:     a.Source.Name,
			fSeq:            float64(seq),
			fSortDate:       sortDateKey(a.Published, seq, n, statementID(a.ID, n)),
			fSortSeq:        sortSeqKey(seq, n, statementID(a.ID, n)),
			fHit:            string(h),
		}
		if !a.Published.IsZero() {
			st[fPublished] = clampTime(a.Published)
		}
		if tg != nil {
			st[fMentions] = mentions
			st[fTitleMentions] = titleTags
		}
		docs = append(docs, document{id: statementID(a.ID, n), fields: st})
	}
	return docs, nil
}

// sortDateKey orders ascending as: published newest first (none last),
// then seq highest first, then the article before its statements in
// order, then id.
func sortDateKey(published time.Time, seq uint64, n int, id string) string {
	var u uint64 // order-preserving unsigned nanoseconds; 0 for no date
	if !published.IsZero() {
		u = uint64(clampTime(published).UnixNano()) ^ (1 << 63)
	}
	return fmt.Sprintf("%016x%016x%08x%s", ^u, ^seq, uint32(n+1), id)
}

// sortSeqKey orders ascending as: seq, then the article before its
// statements in order, then id. Its first 16 bytes are seq in hex.
func sortSeqKey(seq uint64, n int, id string) string {
	return fmt.Sprintf("%016x%08x%s", seq, uint32(n+1), id)
}

// Article returns the article with that id as it was put, or an error
// wrapping news.ErrNotFound.
func (ix *Index) Article(ctx context.Context, id string) (a news.Article, err error) {
	if err := ctx.Err(); err != nil {
		return a, fmt.Errorf("article %s: %w", id, err)
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("article %s: bleve panicked: %v", id, r)
		}
	}()
	if id == "" || strings.Contains(id, "#") {
		return a, fmt.Errorf("article %q: %w", id, news.ErrNotFound)
	}
	var raw []byte
	found, err := ix.storedField(id, fDoc, func(v []byte) { raw = append([]byte(nil), v...) })
	if err != nil {
		return a, fmt.Errorf("article %s: %w", id, err)
	}
	if !found {
		return a, fmt.Errorf("article %s: %w", id, news.ErrNotFound)
	}
	if err := json.Unmarshal(raw, &a); err != nil {
		return a, fmt.Errorf("article %s: decode stored article: %w", id, err)
	}
	return a, nil
}

// MaxSeq returns the highest Seq indexed, 0 when the index is empty.
func (ix *Index) MaxSeq(ctx context.Context) (uint64, error) {
	req := bleve.NewSearchRequestOptions(typeQuery(news.TypeArticle), 1, 0, false)
	req.SortByCustom(search.SortOrder{&search.SortField{Field: fSortSeq, Type: search.SortFieldAsString, Desc: true}})
	req.Score = "none"
	res, err := ix.run(ctx, req)
	if err != nil {
		return 0, fmt.Errorf("max seq: %w", err)
	}
	if len(res.Hits) == 0 || len(res.Hits[0].Sort) == 0 {
		return 0, nil
	}
	key := res.Hits[0].Sort[0]
	if len(key) < 16 {
		return 0, fmt.Errorf("max seq: bad sort key %q", key)
	}
	seq, err := strconv.ParseUint(key[:16], 16, 64)
	if err != nil {
		return 0, fmt.Errorf("max seq: bad sort key %q: %w", key, err)
	}
	return seq, nil
}

// Count returns the number of articles in the index.
func (ix *Index) Count(ctx context.Context) (uint64, error) {
	req := bleve.NewSearchRequestOptions(typeQuery(news.TypeArticle), 0, 0, false)
	res, err := ix.run(ctx, req)
	if err != nil {
		return 0, fmt.Errorf("count articles: %w", err)
	}
	return res.Total, nil
}

func typeQuery(t news.DocType) query.Query {
	q := bleve.NewTermQuery(string(t))
	q.SetField(fType)
	return q
}

// Compact merges the index's segments into one and returns when the merged
// segment is on disk. A search sets up its term searchers once per
// segment, so a bulk-loaded index (tens of segments) answers faster after
// it; Rebuild compacts the index it builds. It rewrites the whole index,
// so it is for the end of a bulk load, not for every Put; Put keeps
// working meanwhile. An index held in memory is left as it is.
func (ix *Index) Compact(ctx context.Context) error {
	adv, err := ix.idx.Advanced()
	if err != nil {
		return fmt.Errorf("compact index %s: %w", ix.path, err)
	}
	sc, ok := adv.(*scorch.Scorch)
	if !ok || ix.path == memPath {
		return nil
	}
	if err := sc.ForceMerge(ctx, nil); err != nil {
		return fmt.Errorf("compact index %s: %w", ix.path, err)
	}
	return nil
}
