package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/newsdesk/newsdesk/actors"
	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/bot/digest"
	"github.com/newsdesk/newsdesk/index"
	"github.com/newsdesk/newsdesk/internal/corpusgen"
	"github.com/newsdesk/newsdesk/news"
	"github.com/newsdesk/newsdesk/state"

	"github.com/newsdesk/newsdesk/bench/fts"
)

// Config is one benchmark run.
type Config struct {
	Statements int           // corpus size
	Seed       uint64        // corpus seed
	Reps       int           // repetitions of every query line per engine
	Keep       string        // directory to build in and reuse ("" = a temporary one, removed after)
	Corpus     string        // public corpus directory ("" = corpusgen.Dir())
	Window     int           // statements in the digest window
	Kinds      []string      // only these rows ("" or empty: all)
	Deadline   time.Duration // per call; default 5 minutes (the product's own timeouts would cut the slowest queries short)
	Log        io.Writer
}

func (c Config) wants(kind string) bool {
	return len(c.Kinds) == 0 || slices.Contains(c.Kinds, kind)
}

// Engine is what the benchmark asks of each side: newsdesk's index and
// the FTS5 yardstick both answer it, and the digest's Source is the same.
type Engine interface {
	Search(ctx context.Context, q news.Query) (news.Results, error)
	Article(ctx context.Context, id string) (news.Article, error)
	MaxSeq(ctx context.Context) (uint64, error)
	Facets(ctx context.Context, q news.Query, n int) (news.Facets, error)
}

var (
	_ Engine = (*index.Index)(nil)
	_ Engine = (*fts.Engine)(nil)
)

// Stats are latencies of one side of one row.
type Stats struct {
	Median, P99 time.Duration
	N           int    // timed runs
	Hits        uint64 // total matches summed over the row's queries (one run each)
}

// Row is one line of the table.
type Row struct {
	Kind     string
	Queries  int // distinct query lines
	ND, FTS  Stats
	Ratio    float64 // ND.Median / FTS.Median
	Examples []string
	PerQuery [][2]Stats // per query line: newsdesk, FTS5
}

// Build is the indexing part of the report.
type Build struct {
	Articles, Statements int
	ND, FTS              time.Duration // time to index the corpus (newsdesk: Put + Close; FTS5: inserts + optimize)
	NDBytes, FTSBytes    int64
	Reused               bool
}

// Check is one query both engines must answer alike.
type Check struct {
	Line              string
	NDTotal, FTSTotal uint64
	NDIDs, FTSIDs     []string
}

// Agree reports whether both engines gave the same total and hits.
func (c Check) Agree() bool { return c.NDTotal == c.FTSTotal && slices.Equal(c.NDIDs, c.FTSIDs) }

// Report is the whole run.
type Report struct {
	Config Config
	Build  Build
	Rows   []Row
	Checks []Check
}

// The query lines of each kind, in the command language.
var lines = []struct {
	kind  string
	lines []string
}{
	{"match", []string{"search ransomware", "search espionage telecommunications", "search critical infrastructure", "search sanctions Russia", "search Microsoft Exchange", "search election", "search spearphishing government", "search cryptocurrency"}},
	{"filtered", []string{"search kind:sanction by:US since:2022-01-01", "search espionage kind:allegation by:GB", "search kind:allegation by:US actor:APT28 since:2020-01-01 until:2024-12-31", "search ransomware kind:indictment by:US", "search by:EU kind:sanction", "search kind:response actor:APT31", "search government kind:allegation by:AU since:2024-01-01"}},
	{"phrase", []string{`search "critical infrastructure"`, `search "malicious cyber activity"`, `search "Ministry of State Security"`, `search "spear phishing"`, `search "threat group"`}},
	{"alias", []string{"search Violet Typhoon", "search Fancy Bear", "search Cozy Bear", "search Hidden Cobra", "search Charming Kitten sanctions"}},
	{"actor", []string{"actor Sandworm", "actor APT31", "actor Lazarus Group", "actor APT29", "actor MSS"}},
	{"fuzzy", []string{"search ransomwear~", "search sanctons~2 russia", "search espionnage~", "search infrastructre~ critical"}},
	{"latest", []string{"latest 10 kind:sanction", "latest 20", "latest 5 by:GB", "latest 10 actor:APT29", "latest 20 kind:response"}},
	{"page 5", []string{"search espionage page:5", "search sanctions by:US page:5", "search ransomware page:5", "search Cozy Bear page:5"}},
	{"counts", []string{"counts", "counts kind:sanction", "counts by:US since:2022-01-01", "counts actor:APT28", "counts espionage", "counts Cozy Bear"}},
}

// checkLines must give both engines the same total and the same hits in
// the same order: exact filters sorted by date.
var checkLines = []string{
	"latest 20 kind:sanction by:US",
	"search kind:allegation by:GB since:2023-01-01 sort:date",
	"search actor:APT29 kind:allegation kind:sanction sort:date page:3",
	"latest 10 kind:response actor:CN",
}

// facetLines must give both engines the same counts.
var facetLines = []string{
	"counts by:US since:2022-01-01",
	"counts Cozy Bear kind:allegation",
}

// op is one timed call on one engine.
type op func(ctx context.Context, e Engine) (uint64, error)

// Run builds (or reuses) both indexes over the generated corpus and times
// every query kind on both, interleaved.
func Run(ctx context.Context, cfg Config) (Report, error) {
	if cfg.Reps <= 0 {
		cfg.Reps = 30
	}
	if cfg.Window <= 0 {
		cfg.Window = 10_000
	}
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	if cfg.Deadline <= 0 {
		cfg.Deadline = 5 * time.Minute
	}
	logf := func(format string, args ...any) { fmt.Fprintf(cfg.Log, format+"\n", args...) }
	rep := Report{Config: cfg}

	dir := cfg.Keep
	if dir == "" {
		tmp, err := os.MkdirTemp("", "newsdesk-bench-")
		if err != nil {
			return rep, err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	texts, err := corpusgen.Load(cfg.Corpus)
	if err != nil {
		return rep, err
	}
	opts := corpusgen.Options{Seed: cfg.Seed, Statements: cfg.Statements}
	meta, err := corpusMeta(texts, opts)
	if err != nil {
		return rep, err
	}
	ndPath, ftsPath := filepath.Join(dir, "newsdesk-index"), filepath.Join(dir, "fts5.db")
	rep.Build = Build{Articles: len(meta.ids), Statements: cfg.Statements}
	sameCorpus, sameND := reusable(dir, cfg)
	switch {
	case sameND:
		rep.Build.Reused = true
		logf("reusing the indexes in %s", dir)
	case sameCorpus:
		// FTS5's index holds the corpus: only newsdesk's is rebuilt.
		b, err := readBuild(dir)
		if err != nil {
			return rep, err
		}
		if err := os.RemoveAll(ndPath); err != nil {
			return rep, err
		}
		logf("rebuilding newsdesk's index (%s) beside the kept FTS5 index…", ndFormat)
		if b.ND, err = buildND(ctx, ndPath, texts, opts); err != nil {
			return rep, err
		}
		logf("  %v", b.ND.Round(time.Millisecond))
		rep.Build.ND, rep.Build.FTS = b.ND, b.FTS
		if err := writeBuild(dir, cfg, rep.Build); err != nil {
			return rep, err
		}
		rep.Build.Reused = true
	default:
		for _, p := range []string{ndPath, ftsPath, ftsPath + "-wal", ftsPath + "-shm", filepath.Join(dir, "build.json")} {
			if err := os.RemoveAll(p); err != nil {
				return rep, err
			}
		}
		logf("indexing %d statements (%d articles) into newsdesk's index…", cfg.Statements, len(meta.ids))
		if rep.Build.ND, err = buildND(ctx, ndPath, texts, opts); err != nil {
			return rep, err
		}
		logf("  %v; now into SQLite FTS5…", rep.Build.ND.Round(time.Millisecond))
		if rep.Build.FTS, err = buildFTS(ctx, ftsPath, texts, opts); err != nil {
			return rep, err
		}
		logf("  %v", rep.Build.FTS.Round(time.Millisecond))
		if err := writeBuild(dir, cfg, rep.Build); err != nil {
			return rep, err
		}
	}
	if rep.Build.Reused {
		if b, err := readBuild(dir); err == nil {
			rep.Build.ND, rep.Build.FTS = b.ND, b.FTS
		}
	}

	ix, err := index.Open(ndPath, index.WithActors(actors.Default().All()))
	if err != nil {
		return rep, err
	}
	defer ix.Close()
	fe, err := fts.Open(ftsPath)
	if err != nil {
		return rep, err
	}
	defer fe.Close()
	engines := [2]Engine{ix, fe}
	gaz := actors.Default()

	// Checks: the same question gets the same answer.
	for _, l := range checkLines {
		q, err := parse(l, gaz)
		if err != nil {
			return rep, err
		}
		// the agreement needs the exact count, which the product's latest
		// and search do not ask for (TotalUpTo)
		q.TotalUpTo = 0
		c := Check{Line: l}
		for i, e := range engines {
			res, err := e.Search(ctx, q)
			if err != nil {
				return rep, fmt.Errorf("check %q: %w", l, err)
			}
			ids := make([]string, len(res.Hits))
			for j, h := range res.Hits {
				ids[j] = h.ID
			}
			if i == 0 {
				c.NDTotal, c.NDIDs = res.Total, ids
			} else {
				c.FTSTotal, c.FTSIDs = res.Total, ids
			}
		}
		rep.Checks = append(rep.Checks, c)
	}

	for _, l := range facetLines {
		cmd, err := bot.Parse(l, gaz)
		if err != nil {
			return rep, fmt.Errorf("check %q: %w", l, err)
		}
		c := Check{Line: l}
		for i, e := range engines {
			f, err := e.Facets(ctx, cmd.Query, bot.FacetTerms)
			if err != nil {
				return rep, fmt.Errorf("check %q: %w", l, err)
			}
			var ids []string
			for _, fc := range []struct {
				name string
				cs   []news.Count
			}{{"kind", f.Kinds}, {"by", f.By}, {"actor", f.Actors}} {
				for _, x := range fc.cs {
					ids = append(ids, fmt.Sprintf("%s:%s=%d", fc.name, x.Term, x.N))
				}
			}
			ids = append(ids, fmt.Sprintf("others=%d/%d", f.OtherBy, f.OtherActors))
			if i == 0 {
				c.NDTotal, c.NDIDs = f.Total, ids
			} else {
				c.FTSTotal, c.FTSIDs = f.Total, ids
			}
		}
		rep.Checks = append(rep.Checks, c)
	}

	// Query kinds.
	for _, k := range lines {
		if !cfg.wants(k.kind) {
			continue
		}
		var ops []op
		for _, l := range k.lines {
			o, err := queryOp(l, gaz)
			if err != nil {
				return rep, err
			}
			ops = append(ops, o)
		}
		logf("timing %s (%d queries × %d)…", k.kind, len(ops), cfg.Reps)
		row, err := timeRow(ctx, engines, ops, cfg.Reps, cfg.Deadline)
		if err != nil {
			return rep, fmt.Errorf("%s: %w", k.kind, err)
		}
		row.Kind, row.Examples = k.kind, k.lines
		rep.Rows = append(rep.Rows, row)
	}

	if cfg.wants("show") {
		if err := showRow(ctx, cfg, engines, meta, &rep); err != nil {
			return rep, err
		}
	}
	if cfg.wants("digest") {
		if err := digestRow(ctx, cfg, dir, engines, gaz, meta, &rep); err != nil {
			return rep, err
		}
	}
	// Sizes last: the segments a Compact merged stay on disk until the
	// open index has persisted a newer snapshot, which it has by now.
	rep.Build.NDBytes, rep.Build.FTSBytes = dirSize(ndPath), dirSize(ftsPath)+dirSize(ftsPath+"-wal")
	return rep, nil
}

func showRow(ctx context.Context, cfg Config, engines [2]Engine, meta corpus, rep *Report) error {
	// show: articles picked evenly through the corpus.
	var showOps []op
	var examples []string
	for i := range 8 {
		id := meta.ids[(i*len(meta.ids))/8+len(meta.ids)/16]
		examples = append(examples, "show "+id)
		showOps = append(showOps, func(ctx context.Context, e Engine) (uint64, error) {
			a, err := e.Article(ctx, id)
			return uint64(len(a.Statements)), err
		})
	}
	fmt.Fprintln(cfg.Log, "timing show…")
	row, err := timeRow(ctx, engines, showOps, cfg.Reps, cfg.Deadline)
	if err != nil {
		return fmt.Errorf("show: %w", err)
	}
	row.Kind, row.Examples = "show", examples
	rep.Rows = append(rep.Rows, row)
	return nil
}

func digestRow(ctx context.Context, cfg Config, dir string, engines [2]Engine, gaz *actors.Gazetteer, meta corpus, rep *Report) error {
	// digest: window and build of the newest cfg.Window statements a
	// digest holds, through the digest service's own code on each engine.
	fmt.Fprintf(cfg.Log, "timing digest window + build (%d statements)…\n", cfg.Window)
	watermark := meta.watermark(cfg.Window)
	var digestOps []op
	for i, e := range engines {
		svc, closeFn, err := digestService(ctx, filepath.Join(dir, fmt.Sprintf("state-%d.db", i)), e, gaz, watermark)
		if err != nil {
			return err
		}
		defer closeFn()
		digestOps = append(digestOps, func(ctx context.Context, _ Engine) (uint64, error) {
			r, err := svc.Preview(ctx, benchChannel)
			n := uint64(0)
			for _, s := range r.Sections {
				n += uint64(len(s.Items))
			}
			return n, err
		})
	}
	digestReps := max(3, cfg.Reps/5)
	row, err := timeRowPaired(ctx, digestOps[0], digestOps[1], engines, digestReps, cfg.Deadline)
	if err != nil {
		return fmt.Errorf("digest: %w", err)
	}
	row.Kind, row.Examples = "digest", []string{fmt.Sprintf("digest preview, window of %d statements", cfg.Window)}
	rep.Rows = append(rep.Rows, row)
	return nil
}

// queryOp turns a command line into what the bot asks of the index for
// it: the parsed query for search and latest; for actor, the timeline
// query bot.Bot builds (the actor's name and aliases, newest first); for
// counts, the facets of the parsed query (its total as hits).
func queryOp(line string, gaz *actors.Gazetteer) (op, error) {
	if strings.HasPrefix(line, "counts") {
		cmd, err := bot.Parse(line, gaz)
		if err != nil {
			return nil, fmt.Errorf("query %q: %w", line, err)
		}
		return func(ctx context.Context, e Engine) (uint64, error) {
			f, err := e.Facets(ctx, cmd.Query, bot.FacetTerms)
			return f.Total, err
		}, nil
	}
	q, err := parse(line, gaz)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, e Engine) (uint64, error) {
		res, err := e.Search(ctx, q)
		return res.Total, err
	}, nil
}

func parse(line string, gaz *actors.Gazetteer) (news.Query, error) {
	cmd, err := bot.Parse(line, gaz)
	if err != nil {
		return news.Query{}, fmt.Errorf("query %q: %w", line, err)
	}
	switch cmd.Name {
	case "search", "latest":
		return cmd.Query, nil
	case "actor":
		a, ok := gaz.Lookup(cmd.Actor)
		if !ok {
			return news.Query{}, fmt.Errorf("query %q: no such actor", line)
		}
		return bot.ActorTimeline(a), nil
	}
	return news.Query{}, fmt.Errorf("query %q: %s is not a query", line, cmd.Name)
}

// timeRow runs every op reps times on both engines, interleaved: each
// round runs the ops in a shuffled order, and for each op newsdesk then
// FTS5 or FTS5 then newsdesk (alternating), so machine noise falls on both.
func timeRow(ctx context.Context, engines [2]Engine, ops []op, reps int, deadline time.Duration) (Row, error) {
	row := Row{Queries: len(ops)}
	call := func(o op, e Engine) (uint64, error) {
		ctx, cancel := context.WithTimeout(ctx, deadline)
		defer cancel()
		return o(ctx, e)
	}
	// Warm up and count hits.
	for side, e := range engines {
		for _, o := range ops {
			n, err := call(o, e)
			if err != nil {
				return row, err
			}
			if side == 0 {
				row.ND.Hits += n
			} else {
				row.FTS.Hits += n
			}
		}
	}
	var lat [2][]time.Duration
	per := make([][2][]time.Duration, len(ops))
	rng := rand.New(rand.NewPCG(uint64(len(ops)), uint64(reps)))
	order := make([]int, len(ops))
	for i := range order {
		order[i] = i
	}
	for r := range reps {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for k, i := range order {
			for _, side := range [][2]int{{0, 1}, {1, 0}}[(r+k)%2] {
				start := time.Now()
				if _, err := call(ops[i], engines[side]); err != nil {
					return row, err
				}
				d := time.Since(start)
				lat[side] = append(lat[side], d)
				per[i][side] = append(per[i][side], d)
			}
		}
	}
	row.ND.Median, row.ND.P99, row.ND.N = percentiles(lat[0])
	row.FTS.Median, row.FTS.P99, row.FTS.N = percentiles(lat[1])
	row.Ratio = float64(row.ND.Median) / float64(max(row.FTS.Median, 1))
	for _, p := range per {
		var s [2]Stats
		for side := range 2 {
			s[side].Median, s[side].P99, s[side].N = percentiles(p[side])
		}
		row.PerQuery = append(row.PerQuery, s)
	}
	return row, nil
}

// timeRowPaired is timeRow for one op per engine that closes over its
// engine already (the digest services).
func timeRowPaired(ctx context.Context, nd, ft op, engines [2]Engine, reps int, deadline time.Duration) (Row, error) {
	pair := func(ctx context.Context, e Engine) (uint64, error) {
		if e == engines[0] {
			return nd(ctx, e)
		}
		return ft(ctx, e)
	}
	return timeRow(ctx, engines, []op{pair}, reps, deadline)
}

func percentiles(d []time.Duration) (median, p99 time.Duration, n int) {
	if len(d) == 0 {
		return 0, 0, 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2], s[min(len(s)-1, len(s)*99/100)], len(s)
}

// corpus is what the run remembers of the corpus besides the indexes.
type corpus struct {
	ids []string // article ids in seq order
	// digestCounts[i] is the number of statements of article i (seq i+1)
	// a digest holds (every kind but other).
	digestCounts []int
}

// watermark is the seq after which about n digest statements follow.
func (c corpus) watermark(n int) uint64 {
	got := 0
	for i := len(c.digestCounts) - 1; i >= 0; i-- {
		got += c.digestCounts[i]
		if got >= n {
			return uint64(i) // articles i.. have seqs i+1..
		}
	}
	return 0
}

func corpusMeta(texts *corpusgen.Texts, o corpusgen.Options) (corpus, error) {
	g := texts.New(o)
	var c corpus
	for a, ok := g.Next(); ok; a, ok = g.Next() {
		if a.Seq != uint64(len(c.ids)+1) {
			return c, fmt.Errorf("corpus: article %s has seq %d, want %d", a.ID, a.Seq, len(c.ids)+1)
		}
		c.ids = append(c.ids, a.ID)
		n := 0
		for _, s := range a.Statements {
			if s.Kind != news.Other {
				n++
			}
		}
		c.digestCounts = append(c.digestCounts, n)
	}
	return c, nil
}

// batches streams the corpus to put in batches of index.BatchSize.
func batches(texts *corpusgen.Texts, o corpusgen.Options, put func([]news.Article) error) error {
	g := texts.New(o)
	batch := make([]news.Article, 0, index.BatchSize)
	for a, ok := g.Next(); ok; a, ok = g.Next() {
		batch = append(batch, a)
		if len(batch) == index.BatchSize {
			if err := put(batch); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	if len(batch) > 0 {
		return put(batch)
	}
	return nil
}

// buildND indexes the corpus into a new newsdesk index, timing the Put
// calls, the Compact that leaves it in one segment (as newsdesk reindex
// does) and the Close that makes it durable (corpus generation is not
// timed).
func buildND(ctx context.Context, path string, texts *corpusgen.Texts, o corpusgen.Options) (time.Duration, error) {
	var took time.Duration
	start := time.Now()
	ix, err := index.Open(path, index.WithActors(actors.Default().All()))
	if err != nil {
		return 0, err
	}
	took += time.Since(start)
	err = batches(texts, o, func(b []news.Article) error {
		start := time.Now()
		err := ix.Put(ctx, b)
		took += time.Since(start)
		return err
	})
	start = time.Now()
	if err == nil {
		// as newsdesk reindex leaves an index: one segment
		err = ix.Compact(ctx)
	}
	if cerr := ix.Close(); err == nil {
		err = cerr
	}
	took += time.Since(start)
	return took, err
}

// buildFTS does the same for the FTS5 database, with the optimize a bulk
// load ends with.
func buildFTS(ctx context.Context, path string, texts *corpusgen.Texts, o corpusgen.Options) (time.Duration, error) {
	var took time.Duration
	start := time.Now()
	e, err := fts.Open(path)
	if err != nil {
		return 0, err
	}
	took += time.Since(start)
	err = batches(texts, o, func(b []news.Article) error {
		start := time.Now()
		err := e.Put(ctx, b)
		took += time.Since(start)
		return err
	})
	start = time.Now()
	if err == nil {
		err = e.Optimize(ctx)
	}
	if cerr := e.Close(); err == nil {
		err = cerr
	}
	took += time.Since(start)
	return took, err
}

const benchChannel = "console:bench"

// nopPoster satisfies digest.Poster; Preview never posts.
type nopPoster struct{}

var _ digest.Poster = nopPoster{}

func (nopPoster) Post(context.Context, string, bot.Reply, string) (string, error) {
	return "", errors.New("the benchmark does not post")
}
func (nopPoster) FindSlot(context.Context, string, string) (string, bool, error) {
	return "", false, nil
}

// digestService is a digest service over src with a subscription whose
// watermark leaves the window the benchmark wants.
func digestService(ctx context.Context, path string, src Engine, gaz *actors.Gazetteer, watermark uint64) (*digest.Service, func(), error) {
	_ = os.Remove(path)
	st, err := state.Open(path)
	if err != nil {
		return nil, nil, err
	}
	svc, err := digest.New(digest.Config{
		Store: st, Source: src, Posters: map[string]digest.Poster{"console": nopPoster{}},
		Filters: func(f string) (news.Query, error) { return bot.ParseFilters(f, gaz) },
	})
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	if err := svc.Subscribe(ctx, benchChannel, bot.Subscription{At: "08:00", TZ: "UTC"}); err != nil {
		st.Close()
		return nil, nil, err
	}
	err = st.UpdateSubscription(ctx, benchChannel, func(s *state.Subscription, _ bool) error {
		s.Watermark = watermark
		return nil
	})
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return svc, func() { st.Close() }, nil
}

// build.json records what a kept directory holds.
type buildRecord struct {
	Statements int
	Seed       uint64
	ND, FTS    time.Duration
	// NDFormat is ndFormat when newsdesk's index was built: another value
	// rebuilds newsdesk's index alone (FTS5's is kept).
	NDFormat string
}

// ndFormat names what newsdesk's index holds beyond the corpus: its
// mapping version, whether statements carry mention tags, and the format
// of their stored hits (format 2 holds the names' marks).
const ndFormat = "mapping 3, tagger 2, binary hits 2, compacted"

func writeBuild(dir string, cfg Config, b Build) error {
	raw, err := json.Marshal(buildRecord{Statements: cfg.Statements, Seed: cfg.Seed, ND: b.ND, FTS: b.FTS, NDFormat: ndFormat})
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "build.json"), raw, 0o644)
}

func readBuild(dir string) (buildRecord, error) {
	var b buildRecord
	raw, err := os.ReadFile(filepath.Join(dir, "build.json"))
	if err != nil {
		return b, err
	}
	return b, json.Unmarshal(raw, &b)
}

// reusable says whether the indexes in dir hold this corpus (both), and
// whether newsdesk's is of the current format.
func reusable(dir string, cfg Config) (corpus, nd bool) {
	b, err := readBuild(dir)
	corpus = err == nil && b.Statements == cfg.Statements && b.Seed == cfg.Seed
	return corpus, corpus && b.NDFormat == ndFormat
}

func dirSize(path string) int64 {
	var n int64
	_ = filepath.Walk(path, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			n += fi.Size()
		}
		return nil
	})
	return n
}

// PrintQueries writes each query line's medians, for finding the slow ones.
func (r Report) PrintQueries(w io.Writer) {
	fmt.Fprintf(w, "\nper query (newsdesk median / p99 | FTS5 median / p99):\n")
	for _, row := range r.Rows {
		for i, s := range row.PerQuery {
			ex := ""
			if i < len(row.Examples) {
				ex = row.Examples[i]
			}
			fmt.Fprintf(w, "  %-8s %-75s %9s / %9s | %9s / %9s\n", row.Kind, ex, ms(s[0].Median), ms(s[0].P99), ms(s[1].Median), ms(s[1].P99))
		}
	}
}

// Print writes the report as one table.
func (r Report) Print(w io.Writer) {
	b := r.Build
	fmt.Fprintf(w, "corpus: %d statements in %d articles (seed %d); %d runs per query per engine, interleaved\n",
		b.Statements, b.Articles, r.Config.Seed, r.Config.Reps)
	fmt.Fprintf(w, "\n| %-9s | %7s | %10s | %10s | %10s | %10s | %10s | %10s | %6s |\n", "kind", "queries", "nd hits", "fts hits", "nd median", "nd p99", "fts median", "fts p99", "nd/fts")
	fmt.Fprintf(w, "|%s|%s:|%s:|%s:|%s:|%s:|%s:|%s:|%s:|\n", strings.Repeat("-", 11), strings.Repeat("-", 8), strings.Repeat("-", 11), strings.Repeat("-", 11), strings.Repeat("-", 11), strings.Repeat("-", 11), strings.Repeat("-", 11), strings.Repeat("-", 11), strings.Repeat("-", 7))
	for _, row := range r.Rows {
		fmt.Fprintf(w, "| %-9s | %7d | %10d | %10d | %10s | %10s | %10s | %10s | %5.2f× |\n", row.Kind, row.Queries, row.ND.Hits, row.FTS.Hits,
			ms(row.ND.Median), ms(row.ND.P99), ms(row.FTS.Median), ms(row.FTS.P99), row.Ratio)
	}
	reused := ""
	if b.Reused {
		reused = " (reused; times from the build)"
	}
	ratio := 0.0
	if b.FTS > 0 {
		ratio = b.ND.Seconds() / b.FTS.Seconds()
	}
	fmt.Fprintf(w, "| %-9s | %7s | %10s | %10s | %10s | %10s | %10s | %10s | %5.2f× |\n", "index", "", mb(b.NDBytes), mb(b.FTSBytes),
		b.ND.Round(10*time.Millisecond).String(), "", b.FTS.Round(10*time.Millisecond).String(), "", ratio)
	fmt.Fprintf(w, "\nindex: time to index the whole corpus%s; hits columns hold the size on disk.\n", reused)
	fmt.Fprintf(w, "hits: total matches of the row's queries (one run each); show: statements of the articles; digest: items shown.\n")
	fmt.Fprintf(w, "\nsame answer from both engines (total and hit ids, in order):\n")
	for _, c := range r.Checks {
		v := "same"
		if !c.Agree() {
			v = fmt.Sprintf("DIFFERENT (ids %v vs %v)", c.NDIDs, c.FTSIDs)
		}
		fmt.Fprintf(w, "  %-60s total %d / %d: %s\n", c.Line, c.NDTotal, c.FTSTotal, v)
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

func mb(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/(1<<20)) }
