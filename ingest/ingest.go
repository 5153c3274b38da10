package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/newsdesk/newsdesk/index"
	"github.com/newsdesk/newsdesk/news"
)

// Records is the system of record (package articles): every article,
// durable before it is acknowledged, and the source of sequence numbers.
type Records interface {
	Put(ctx context.Context, arts []news.Article) error
	Article(ctx context.Context, id string) (news.Article, error)
	MaxSeq(ctx context.Context) (uint64, error)
	Each(ctx context.Context, after uint64, fn func(news.Article) error) error
	// Indexed confirms that the index holds the stored version of ids;
	// Unindexed lists what was stored and not yet confirmed.
	Indexed(ctx context.Context, ids []string) error
	Unindexed(ctx context.Context) ([]string, error)
}

// Index is the search index, derived from the records.
type Index interface {
	Put(ctx context.Context, arts []news.Article) error
	MaxSeq(ctx context.Context) (uint64, error)
	Each(ctx context.Context, fn func(news.Article) error) error
}

// Extractor finds the statements in a batch of documents (see
// news.Article.Document): one slice per document, in order. A document it
// refuses is named by a *news.DocumentError in the returned error. Version
// names what produced the statements; it is stored with each article.
type Extractor interface {
	Extract(ctx context.Context, docs []news.Document) ([][]news.Statement, error)
	Version() string
}

// Metrics is what the ingester reports: articles offered by source kind
// ("api", "feed", "file", "sample") and outcome ("added", "updated",
// "unchanged", "refused", "failed": not acknowledged because storing
// failed), and the articles and statements made durable and indexed.
// *metrics.Metrics satisfies it.
type Metrics interface {
	Ingested(source, outcome string, n int)
	Indexed(articles, statements int)
}

type noMetrics struct{}

func (noMetrics) Ingested(string, string, int) {}
func (noMetrics) Indexed(int, int)             {}

// BatchSize and BatchBytes bound one batch: at most BatchSize articles
// and BatchBytes of title and body, whichever comes first, so that memory
// stays flat whatever the input. They are the index's bounds
// (index.Batches): a batch is extracted, stored and acknowledged as one,
// and indexed as one Bleve batch.
const (
	BatchSize  = index.BatchSize
	BatchBytes = index.BatchBytes
)

// Ingester extracts, numbers and stores articles. It is safe for concurrent
// use: sequence numbers are assigned and made durable in one critical
// section, so the digest watermark never skips an article.
type Ingester struct {
	records Records
	index   Index
	ex      Extractor
	log     *slog.Logger
	now     func() time.Time

	metrics Metrics

	mu     sync.Mutex
	seq    uint64
	behind bool // an index write failed after the records were stored
}

// New returns an Ingester that continues the records' sequence. An index
// that holds articles the records do not (one that predates the article
// store) is copied into the records first; an index behind the records (an
// index write that failed after the records were stored) is caught up.
func New(ctx context.Context, records Records, index Index, ex Extractor, log *slog.Logger) (*Ingester, error) {
	if log == nil {
		log = slog.Default()
	}
	in := &Ingester{records: records, index: index, ex: ex, log: log, now: time.Now, metrics: noMetrics{}}
	seq, err := records.MaxSeq(ctx)
	if err != nil {
		return nil, fmt.Errorf("read ingestion sequence: %w", err)
	}
	if seq == 0 {
		if n, err := in.migrate(ctx); err != nil {
			return nil, err
		} else if n > 0 {
			log.Info("ingest: copied the index's articles into the article store, the system of record from now on", "articles", n)
			if seq, err = records.MaxSeq(ctx); err != nil {
				return nil, fmt.Errorf("read ingestion sequence: %w", err)
			}
		}
	}
	in.seq = seq
	if err := in.catchUp(ctx); err != nil {
		return nil, err
	}
	return in, nil
}

// migrate copies every article of the index into the empty records.
func (in *Ingester) migrate(ctx context.Context) (int, error) {
	var batch []news.Article
	n := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := in.records.Put(ctx, batch); err != nil {
			return fmt.Errorf("copy the index into the article store: %w", err)
		}
		in.confirm(ctx, batch) // they came from the index
		n += len(batch)
		batch = batch[:0]
		return nil
	}
	err := in.index.Each(ctx, func(a news.Article) error {
		batch = append(batch, a)
		if len(batch) == BatchSize {
			return flush()
		}
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("copy the index into the article store: %w", err)
	}
	return n, flush()
}

// catchUp indexes the records the index does not hold yet: those above
// the index's highest seq, then those stored without the index confirming
// them (an update that kept its seq, or any index write lost after the
// records took it).
func (in *Ingester) catchUp(ctx context.Context) error {
	have, err := in.index.MaxSeq(ctx)
	if err != nil {
		return fmt.Errorf("read the index's sequence: %w", err)
	}
	var batch []news.Article
	n := 0
	put := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := in.index.Put(ctx, batch); err != nil {
			return fmt.Errorf("index %d stored articles: %w", len(batch), err)
		}
		in.confirm(ctx, batch)
		n += len(batch)
		batch = batch[:0]
		return nil
	}
	add := func(a news.Article) error {
		batch = append(batch, a)
		if len(batch) == BatchSize {
			return put()
		}
		return nil
	}
	if have < in.seq {
		err = in.records.Each(ctx, have, add)
		if err == nil {
			err = put()
		}
	}
	if err == nil {
		var ids []string
		if ids, err = in.records.Unindexed(ctx); err == nil {
			for _, id := range ids {
				var a news.Article
				if a, err = in.records.Article(ctx, id); err != nil {
					break
				}
				if err = add(a); err != nil {
					break
				}
			}
			if err == nil {
				err = put()
			}
		}
	}
	if err != nil {
		in.behind = true
		return fmt.Errorf("catch the index up with the article store: %w", err)
	}
	in.behind = false
	if n > 0 {
		in.log.Info("ingest: indexed stored articles the index did not hold", "articles", n, "after_seq", have)
	}
	return nil
}

// confirm tells the records that the index holds batch. A failure is only
// logged: the articles are then indexed again, identically, after a
// restart.
func (in *Ingester) confirm(ctx context.Context, batch []news.Article) {
	ids := make([]string, len(batch))
	for i, a := range batch {
		ids[i] = a.ID
	}
	if err := in.records.Indexed(ctx, ids); err != nil {
		in.log.Warn("ingest: could not record that articles are indexed; they will be indexed again at the next start", "articles", len(ids), "err", err)
	}
}

// Result says what happened to a batch.
type Result struct {
	Added     []string     // ids of new articles, durable
	Updated   []string     // ids of changed articles, durable
	Unchanged []string     // ids already held as they are
	Errors    []*ItemError // items refused, each naming its source
}

// Merge adds o into r.
func (r *Result) Merge(o Result) {
	r.Added = append(r.Added, o.Added...)
	r.Updated = append(r.Updated, o.Updated...)
	r.Unchanged = append(r.Unchanged, o.Unchanged...)
	r.Errors = append(r.Errors, o.Errors...)
}

func (r Result) String() string {
	return fmt.Sprintf("%d added, %d updated, %d unchanged, %d refused", len(r.Added), len(r.Updated), len(r.Unchanged), len(r.Errors))
}

// Measure makes the ingester report to m. Call it before the ingester is
// shared.
func (in *Ingester) Measure(m Metrics) {
	if m != nil {
		in.metrics = m
	}
}

// Source kinds (the source label of the ingestion metrics).
const (
	FromAPI    = "api"
	FromFeed   = "feed"
	FromFile   = "file"
	FromSample = "sample"
)

// Ingest extracts and stores articles. source names them in errors. An
// article is in Added or Updated only once the batch that holds it is
// durable; if storing fails, the error is returned and those articles are
// not acknowledged. Articles go through in batches (BatchSize, BatchBytes):
// each batch is extracted on all cores outside the critical section, then
// numbered and stored inside it, while the next batch is extracted.
func (in *Ingester) Ingest(ctx context.Context, source string, arts []news.Article) (Result, error) {
	return in.IngestAs(ctx, FromFile, source, arts)
}

// IngestAs is Ingest counted under a source kind (FromAPI, FromFeed, …).
func (in *Ingester) IngestAs(ctx context.Context, kind, source string, arts []news.Article) (Result, error) {
	var res Result // merged on the pipeline's goroutine, read after finish
	pl := in.pipeline(ctx)
	var err error
	for chunk := range index.Batches(lastCopies(arts)) {
		if err = pl.push(source, chunk, func(r Result, _ error) { res.Merge(r) }); err != nil {
			break
		}
	}
	if ferr := pl.finish(); err == nil {
		err = ferr
	}
	in.count(kind, len(arts), res, err)
	return res, err
}

// count reports what one call did with n articles.
func (in *Ingester) count(kind string, n int, res Result, err error) {
	in.metrics.Ingested(kind, "added", len(res.Added))
	in.metrics.Ingested(kind, "updated", len(res.Updated))
	in.metrics.Ingested(kind, "unchanged", len(res.Unchanged))
	in.metrics.Ingested(kind, "refused", len(res.Errors))
	if err != nil {
		in.metrics.Ingested(kind, "failed", n-len(res.Added)-len(res.Updated)-len(res.Unchanged)-len(res.Errors))
	}
}

// lastCopies drops every copy of an id but the last.
func lastCopies(arts []news.Article) []news.Article {
	last := make(map[string]int, len(arts))
	for i, a := range arts {
		last[a.ID] = i
	}
	todo := make([]news.Article, 0, len(last))
	for i, a := range arts {
		if last[a.ID] == i {
			todo = append(todo, a)
		}
	}
	return todo
}

// A pipeline extracts batches and stores them in the order they are
// pushed, each as soon as it is extracted and the one before it is stored;
// extraction runs on every core and storing mostly on one, so the next
// batch is extracted while one is stored. It holds at most two batches:
// the one the storer has taken and the one queued behind it. push and
// finish are called from one goroutine; each batch's stored runs on the
// pipeline's own.
type pipeline struct {
	in     *Ingester
	ctx    context.Context
	cancel context.CancelFunc
	queue  chan *extracting // in push order; room for one
	done   chan struct{}    // closed when the storer has stopped
	mu     sync.Mutex
	err    error // the first failure: nothing is stored after it
}

// extracting is a batch on its way through a pipeline.
type extracting struct {
	source  string
	arts    []news.Article
	stored  func(Result, error)
	refused []error
	err     error
	done    chan struct{} // closed when extraction has ended
}

func (in *Ingester) pipeline(ctx context.Context) *pipeline {
	ctx, cancel := context.WithCancel(ctx)
	p := &pipeline{in: in, ctx: ctx, cancel: cancel, queue: make(chan *extracting, 1), done: make(chan struct{})}
	go p.storeAll()
	return p
}

// push starts extracting arts, waiting while the pipeline holds two
// batches; stored is given the batch's result once it is stored or has
// failed to be. After a failure push returns it and takes nothing more.
func (p *pipeline) push(source string, arts []news.Article, stored func(Result, error)) error {
	if err := p.failed(); err != nil {
		return err
	}
	e := &extracting{source: source, arts: arts, stored: stored, done: make(chan struct{})}
	select {
	case p.queue <- e: // extraction starts once the batch has its place
	case <-p.ctx.Done():
		if err := p.failed(); err != nil {
			return err
		}
		return p.ctx.Err()
	}
	go func() {
		defer close(e.done)
		e.refused, e.err = extractAll(p.ctx, p.in.ex, arts)
	}()
	return nil
}

// finish waits until every batch pushed is stored, or the first failure,
// and returns that failure.
func (p *pipeline) finish() error {
	close(p.queue)
	<-p.done
	p.cancel()
	return p.failed()
}

// stop abandons the batches not yet stored (they are not acknowledged)
// and waits for the pipeline to end; err says why.
func (p *pipeline) stop(err error) {
	p.fail(err)
	_ = p.finish()
}

func (p *pipeline) failed() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

func (p *pipeline) fail(err error) {
	p.mu.Lock()
	if p.err == nil {
		p.err = err
	}
	p.mu.Unlock()
	p.cancel()
}

func (p *pipeline) storeAll() {
	defer close(p.done)
	for e := range p.queue {
		<-e.done
		if p.failed() == nil {
			if e.err != nil {
				p.fail(fmt.Errorf("extract %s: %w", e.source, e.err))
			} else {
				r, err := p.in.commit(p.ctx, e.source, e.arts, e.refused)
				e.stored(r, err)
				if err != nil {
					p.fail(err)
				}
			}
		}
	}
}

// commit numbers and stores one extracted batch; refused holds the
// extractor's refusal of each article, if any.
func (in *Ingester) commit(ctx context.Context, source string, todo []news.Article, refused []error) (Result, error) {
	var res Result
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.behind {
		if err := in.catchUp(ctx); err != nil {
			return res, err
		}
	}
	var batch []news.Article
	var added, updated []string
	for i := range todo {
		a := todo[i]
		if err := refused[i]; err != nil {
			res.Errors = append(res.Errors, &ItemError{Source: source + " (" + a.Title + ")", Err: err})
			continue
		}
		old, err := in.records.Article(ctx, a.ID)
		isNew := errors.Is(err, news.ErrNotFound)
		if err != nil && !isNew {
			return res, fmt.Errorf("look up article %s: %w", a.ID, err)
		}
		if !isNew && sameContent(old, a) {
			res.Unchanged = append(res.Unchanged, a.ID)
			continue
		}
		// Statements said before keep the seq they were first ingested at,
		// so digests never repeat them; only new ones take the new seq.
		said := isNew
		if !isNew {
			said = carrySeqs(old, a.Statements)
		}
		if said {
			in.seq++
			a.Seq = in.seq
			a.IngestedAt = in.now().UTC()
		} else {
			a.Seq, a.IngestedAt = old.Seq, old.IngestedAt
		}
		batch = append(batch, a)
		if isNew {
			added = append(added, a.ID)
		} else {
			updated = append(updated, a.ID)
		}
	}
	if len(batch) == 0 {
		return res, nil
	}
	// the records first: once they hold the batch it is durable
	if err := in.records.Put(ctx, batch); err != nil {
		// the seqs given out stay used: a gap is harmless to digest
		// windows, a reused number is not
		return res, fmt.Errorf("store %d articles from %s: %w", len(batch), source, err)
	}
	if err := in.index.Put(ctx, batch); err != nil {
		// stored but not searchable: the next call catches the index up
		// before anything else
		in.behind = true
		return res, fmt.Errorf("index %d stored articles from %s: %w", len(batch), source, err)
	}
	in.confirm(ctx, batch)
	res.Added = append(res.Added, added...)
	res.Updated = append(res.Updated, updated...)
	sts := 0
	for _, a := range batch {
		sts += len(a.Statements)
	}
	in.metrics.Indexed(len(batch), sts)
	return res, nil
}

// extractAll extracts every article in place (statements, unions and the
// extractor's version) and returns, per article, the extractor's refusal.
func extractAll(ctx context.Context, ex Extractor, arts []news.Article) ([]error, error) {
	docs := make([]news.Document, len(arts))
	for i, a := range arts {
		docs[i] = a.Document()
	}
	sts, err := ex.Extract(ctx, docs)
	refused := make([]error, len(arts))
	if err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		var de *news.DocumentError
		for _, e := range unjoin(err) {
			if errors.As(e, &de) && de.Index >= 0 && de.Index < len(arts) {
				refused[de.Index] = de.Err
				continue
			}
			return nil, err
		}
	}
	if len(sts) != len(arts) {
		return nil, fmt.Errorf("the extractor returned %d results for %d documents", len(sts), len(arts))
	}
	for i := range arts {
		if refused[i] != nil {
			continue
		}
		arts[i].Statements = sts[i]
		arts[i].Extractor = ex.Version()
		arts[i].Summarize()
	}
	return refused, nil
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// Reextract re-extracts a stored article whose statements an older
// extractor produced (reindex, repair): statements it already had keep their
// seq; statements the new extractor finds for the first time take the
// article's seq, so a digest does not bring back an old article. An article
// already extracted by ex's version is returned unchanged.
func Reextract(ctx context.Context, ex Extractor, a news.Article) (news.Article, error) {
	if a.Extractor == ex.Version() {
		return a, nil
	}
	old := a
	one := []news.Article{a}
	refused, err := extractAll(ctx, ex, one)
	if err != nil {
		return old, err
	}
	if refused[0] != nil {
		return old, refused[0]
	}
	a = one[0]
	carrySeqs(old, a.Statements)
	for i := range a.Statements {
		if a.Statements[i].Seq == 0 {
			a.Statements[i].Seq = old.Seq
		}
	}
	return a, nil
}

// carrySeqs gives each statement that the old version of the article
// already had that statement's seq, and reports whether any statement is
// new.
func carrySeqs(old news.Article, sts []news.Statement) (anyNew bool) {
	for i := range sts {
		j := slices.IndexFunc(old.Statements, func(o news.Statement) bool { return sameStatement(o, sts[i]) })
		if j < 0 {
			anyNew = true
			continue
		}
		sts[i].Seq = old.Statements[j].Seq
		if sts[i].Seq == 0 {
			sts[i].Seq = old.Seq
		}
	}
	return anyNew
}

func sameContent(a, b news.Article) bool {
	return a.Title == b.Title && a.Body == b.Body && a.Published.Equal(b.Published) && a.Source == b.Source && a.Language == b.Language &&
		slices.EqualFunc(a.Statements, b.Statements, sameStatement)
}

func sameStatement(a, b news.Statement) bool {
	return a.Kind == b.Kind && a.Speaker == b.Speaker && a.Sentence == b.Sentence && a.Confidence == b.Confidence &&
		slices.Equal(a.Accused, b.Accused) && slices.Equal(a.SpeakerCountry, b.SpeakerCountry) && slices.Equal(a.Targets, b.Targets)
}

// ParseFile reads one file by its extension: .jsonl/.ndjson as JSON Lines,
// .xml/.rss/.atom as a feed, anything else as a text or Markdown article.
func ParseFile(path string) ([]news.Article, []*ItemError) {
	f, err := os.Open(path)
	if err != nil {
		return nil, []*ItemError{{Source: path, Err: err}}
	}
	defer f.Close()
	return Parse(path, f)
}

// Parse reads one named source by its name's extension (see ParseFile).
func Parse(name string, r io.Reader) ([]news.Article, []*ItemError) {
	if isJSONL(name) {
		return ParseJSONL(name, r)
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xml", ".rss", ".atom":
		arts, err := ParseFeed(r)
		if err != nil {
			return nil, []*ItemError{{Source: name, Err: err}}
		}
		return arts, nil
	}
	b, err := io.ReadAll(io.LimitReader(r, MaxArticleBytes+1))
	if err != nil {
		return nil, []*ItemError{{Source: name, Err: err}}
	}
	a, err := ParseText(name, b)
	if err != nil {
		return nil, []*ItemError{{Source: name, Err: err}}
	}
	return []news.Article{a}, nil
}

// FS ingests every article file in fsys (the bundled sample corpus).
func (in *Ingester) FS(ctx context.Context, fsys fs.FS) (Result, error) {
	var res Result
	err := fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !articleExts[strings.ToLower(filepath.Ext(path))] {
			return err
		}
		f, err := fsys.Open(path)
		if err != nil {
			return err
		}
		arts, errs := Parse(path, f)
		f.Close()
		res.Errors = append(res.Errors, errs...)
		r, err := in.IngestAs(ctx, FromSample, path, arts)
		res.Merge(r)
		return err
	})
	return res, err
}

// articleExts are the file kinds a directory walk picks up.
var articleExts = map[string]bool{".txt": true, ".md": true, ".markdown": true, ".jsonl": true, ".ndjson": true, ".xml": true, ".rss": true, ".atom": true}

// Progress is how far a Paths call has got: files and bytes of files read
// and ingested, of the totals found by the walk, and articles acknowledged
// so far (added, updated or unchanged).
type Progress struct {
	Files, FilesTotal int
	Bytes, BytesTotal int64
	Articles          int
}

// Paths ingests files and directories (walked for articleExts files).
// Every file is tried; problems are collected in the result. The error is
// non-nil only when the store fails.
func (in *Ingester) Paths(ctx context.Context, paths ...string) (Result, error) {
	return in.PathsProgress(ctx, nil, paths...)
}

// PathsProgress is Paths reporting its progress after every batch stored
// and every file with nothing to store (report may be nil; it is called
// from one goroutine at a time, not always the caller's). Small files are
// ingested together, many to a batch; a JSON Lines file is read a record
// at a time, its batches each counting their share of its bytes.
func (in *Ingester) PathsProgress(ctx context.Context, report func(Progress), paths ...string) (Result, error) {
	type file struct {
		path string
		size int64
	}
	var (
		mu    sync.Mutex // res and p: batches are stored on the pipeline's goroutine
		res   Result
		p     Progress
		files []file
	)
	for _, root := range paths {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if path != root && strings.HasPrefix(d.Name(), ".") {
					return filepath.SkipDir
				}
				return nil
			}
			if path == root || articleExts[strings.ToLower(filepath.Ext(path))] {
				var size int64
				if fi, err := d.Info(); err == nil {
					size = fi.Size()
				}
				files = append(files, file{path, size})
				p.BytesTotal += size
			}
			return nil
		})
		if err != nil {
			res.Errors = append(res.Errors, &ItemError{Source: root, Err: err})
		}
	}
	p.FilesTotal = len(files)
	if report == nil {
		report = func(Progress) {}
	}
	report(p)
	var (
		pending []news.Article
		size    int      // title and body bytes in pending
		from    []string // the files pending came from
		read    int64    // input bytes read into pending
		done    int      // files read to their end into pending
	)
	pl := in.pipeline(ctx)
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		src := from[0]
		if len(from) > 1 {
			src = fmt.Sprintf("%s and %d more files", from[0], len(from)-1)
		}
		// pending was gathered by index.Fits: one batch
		todo, bytes, files := lastCopies(pending), read, done
		pending, size, from, read, done = nil, 0, nil, 0, 0
		return pl.push(src, todo, func(r Result, err error) {
			in.count(FromFile, len(todo), r, err)
			mu.Lock()
			defer mu.Unlock()
			res.Merge(r)
			p.Articles += len(r.Added) + len(r.Updated) + len(r.Unchanged)
			p.Bytes += bytes
			p.Files += files
			report(p)
		})
	}
	add := func(path string, a news.Article) error {
		if !index.Fits(len(pending), size, a) {
			if err := flush(); err != nil {
				return err
			}
		}
		if len(from) == 0 || from[len(from)-1] != path {
			from = append(from, path)
		}
		pending = append(pending, a)
		size += index.TextBytes(a)
		if len(pending) == BatchSize || size >= BatchBytes {
			return flush() // full: stored without waiting for more input
		}
		return nil
	}
	readAll := func() error {
		for _, f := range files {
			if err := ctx.Err(); err != nil {
				return err
			}
			before, n := read, 0
			var errs []*ItemError
			err := readFile(f.path, f.size, &errs, &read, func(path string, a news.Article) error {
				n++
				return add(path, a)
			})
			mu.Lock()
			res.Errors = append(res.Errors, errs...)
			if n == 0 { // nothing to store: the file is done now
				p.Bytes += read - before
				p.Files++
				read = before
				report(p)
			}
			mu.Unlock()
			if err != nil {
				return err
			}
			if n > 0 {
				done++ // once its last batch is stored
			}
		}
		return flush()
	}
	err := readAll()
	if err != nil {
		pl.stop(err)
		mu.Lock()
		defer mu.Unlock()
		return res, err
	}
	err = pl.finish()
	mu.Lock()
	defer mu.Unlock()
	if err == nil && (read > 0 || done > 0) {
		// read after the last batch was cut, with nothing to store:
		// done now that every batch is stored
		p.Bytes += read
		p.Files += done
		report(p)
	}
	return res, err
}

// readFile gives add, in order, every article of the file at path, which
// had size bytes when listed, adding to *read the bytes it reads (size in
// all); what cannot be read is added to errs. It stops at add's first
// error and returns it.
func readFile(path string, size int64, errs *[]*ItemError, read *int64, add func(string, news.Article) error) error {
	if !isJSONL(path) {
		arts, perrs := ParseFile(path)
		*errs = append(*errs, perrs...)
		*read += size
		for _, a := range arts {
			if err := add(path, a); err != nil {
				return err
			}
		}
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		*errs = append(*errs, &ItemError{Source: path, Err: err})
		*read += size
		return nil
	}
	defer f.Close()
	cr := &countingReader{r: f, n: read}
	for a, ierr := range JSONL(path, cr) {
		if ierr != nil {
			*errs = append(*errs, ierr)
			continue
		}
		if err := add(path, a); err != nil {
			return err
		}
	}
	*read += size - cr.total // the file changed since it was listed: keep the totals
	return nil
}

func isJSONL(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".jsonl", ".ndjson":
		return true
	}
	return false
}

// countingReader adds the bytes read to *n (and to total).
type countingReader struct {
	r     io.Reader
	n     *int64
	total int64
}

func (c *countingReader) Read(b []byte) (int, error) {
	k, err := c.r.Read(b)
	*c.n += int64(k)
	c.total += int64(k)
	return k, err
}
