package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/newsdesk/newsdesk/actors"
	"github.com/newsdesk/newsdesk/adapters/console"
	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/bot/digest"
	"github.com/newsdesk/newsdesk/chat"
	"github.com/newsdesk/newsdesk/config"
	"github.com/newsdesk/newsdesk/extract"
	"github.com/newsdesk/newsdesk/index"
	"github.com/newsdesk/newsdesk/ingest"
	"github.com/newsdesk/newsdesk/internal/admit"
	"github.com/newsdesk/newsdesk/internal/metrics"
	"github.com/newsdesk/newsdesk/internal/progress"
	"github.com/newsdesk/newsdesk/internal/ready"
	"github.com/newsdesk/newsdesk/internal/server"
	"github.com/newsdesk/newsdesk/news"
	"github.com/newsdesk/newsdesk/state"
)

// openState opens the state store in the data directory. The caller closes
// it.
func (a *app) openState() (*state.Store, error) {
	return state.Open(filepath.Join(a.data, "state.db"))
}

// openDigests builds the digest service over st with the given posters.
func (a *app) openDigests(st *state.Store, posters map[string]digest.Poster, m digest.Metrics) (*digest.Service, error) {
	return digest.New(digest.Config{
		Store:        st,
		Source:       a.ix,
		Posters:      posters,
		Filters:      func(f string) (news.Query, error) { return bot.ParseFilters(f, a.gaz) },
		Log:          a.log,
		DefaultMax:   a.cfg.Digest.MaxItems,
		DefaultQuiet: a.cfg.Digest.Quiet,
		Grace:        a.cfg.Digest.Grace.D(),
		WatchRate:    a.cfg.Digest.WatchRate,
		Metrics:      m,
	})
}

// state opens the state store once for the console and ask (closed with
// the app).
func (a *app) state() (*state.Store, error) {
	if a.st != nil {
		return a.st, nil
	}
	st, err := a.openState()
	if err != nil {
		return nil, err
	}
	a.st = st
	a.closers = append(a.closers, st.Close)
	return st, nil
}

// consoleDigests gives the console and ask their digest commands; a failure
// to open the state leaves digests off with a warning.
func (a *app) consoleDigests(w io.Writer) bot.Digests {
	st, err := a.state()
	if err != nil {
		a.log.Warn("digests are off in this session", "err", err)
		return nil
	}
	svc, err := a.openDigests(st, map[string]digest.Poster{"console": console.NewPoster(w)}, nil)
	if err != nil {
		a.log.Warn("digests are off in this session", "err", err)
		return nil
	}
	return svc
}

// consoleFeeds gives the console and ask the feeds command; a failure to
// open the state leaves it off with a warning.
func (a *app) consoleFeeds() bot.Feeds {
	st, err := a.state()
	if err != nil {
		a.log.Warn("the feeds command is off in this session", "err", err)
		return nil
	}
	f, err := chatFeeds(a.cfg, st)
	if err != nil {
		a.log.Warn("the feeds command is off in this session", "err", err)
		return nil
	}
	return f
}

func cmdServe(ctx context.Context, g globals, listen string, stderr io.Writer) int {
	a, err := open(ctx, g, stderr, false)
	if err != nil {
		fmt.Fprintln(stderr, "newsdesk:", err)
		return exitError
	}
	defer a.Close()
	if listen != "" {
		a.cfg.Listen = listen
	}
	ln, err := net.Listen("tcp", a.cfg.Listen)
	if err != nil {
		fmt.Fprintf(stderr, "newsdesk: listen on %s (set --listen, listen: or NEWSDESK_LISTEN): %v\n", a.cfg.Listen, err)
		return exitError
	}
	if err := serve(ctx, a, ln); err != nil {
		a.log.Error("serve stopped", "err", err)
		fmt.Fprintln(stderr, "newsdesk:", err)
		return exitError
	}
	return exitOK
}

// searchPool is the admission pool for command work: search.workers
// running (0: twice the CPUs), search.queue waiting (0: as many; -1: none).
func searchPool(cfg config.Config) *admit.Pool {
	return admit.New(admit.Config{Running: cfg.Search.Workers, Queue: cfg.Search.Queue})
}

// serve wires the server: the admission pools, metrics, the state store
// (feed cursors, the digest ledger, every delivery seen), feed polling, the
// fronts, digests and the ingestion API; internal/server runs them on ln
// until ctx ends or one fails.
func serve(ctx context.Context, a *app, ln net.Listener) error {
	cfg, log := a.cfg, a.log
	a.ix.KeepWarm() // commands should not wait for a segment's caches
	// Admission control: a bounded pool for command work shared by the
	// fronts, sized by search.workers and search.queue, and one of its own
	// for the ingestion API.
	work := searchPool(cfg)
	ingestion := admit.New(admit.Config{Running: runtime.GOMAXPROCS(0), Queue: runtime.GOMAXPROCS(0)})
	running, queued := work.Size()
	log.Info("admission control", "running", running, "queued", queued)
	m := metrics.New()
	a.in.Measure(m)
	a.bot.Metrics = m
	m.Corpus(a.ix)

	st, err := a.openState()
	if err != nil {
		return err
	}
	defer st.Close()
	pollFeeds, err := a.feedPollers(st, m)
	if err != nil {
		return err
	}
	if a.bot.Feeds, err = chatFeeds(cfg, st); err != nil {
		return err
	}
	var api http.Handler
	if cfg.Secrets.APIToken != "" {
		api = &ingest.API{In: a.in, Token: cfg.Secrets.APIToken, Log: log.With("api", "ingest"), Admit: ingestion}
	}
	return server.Run(ctx, server.Config{
		Fronts: fronts(cfg, a.gaz),
		Deps:   chat.Deps{Handler: a.bot, Deliveries: st, Metrics: m, Admit: work, Log: log},
		Digests: func(posters map[string]digest.Poster) (func(context.Context) error, error) {
			svc, err := a.openDigests(st, posters, m)
			if err != nil {
				return nil, err
			}
			a.bot.Digests, a.bot.Watcher = svc, svc
			return svc.Run, nil
		},
		Runners: []func(context.Context) error{pollFeeds},
		API:     api,
		Ready: []ready.Part{
			{Name: "index", Vital: true, Up: func(ctx context.Context) bool { _, err := a.ix.Count(ctx); return err == nil }},
			{Name: "state", Vital: true, Up: func(ctx context.Context) bool { _, err := st.SeenCount(ctx); return err == nil }},
		},
		Metrics: m.Handler(),
		Log:     log,
	}, ln)
}

func cmdDigest(ctx context.Context, g globals, channel string, preview bool, stdout, stderr io.Writer) int {
	if channel == "" || !strings.Contains(channel, ":") || !preview {
		fmt.Fprintln(stderr, "usage: newsdesk digest --channel PLATFORM:ID --preview   (e.g. --channel slack:C0123ABC)")
		return exitUsage
	}
	a, err := open(ctx, g, stderr, true)
	if err != nil {
		fmt.Fprintln(stderr, "newsdesk:", err)
		return exitError
	}
	defer a.Close()
	st, err := a.openState()
	if err != nil {
		fmt.Fprintln(stderr, "newsdesk:", err)
		return exitError
	}
	defer st.Close()
	svc, err := a.openDigests(st, map[string]digest.Poster{"console": console.NewPoster(stdout)}, nil)
	if err != nil {
		fmt.Fprintln(stderr, "newsdesk:", err)
		return exitError
	}
	r, err := svc.Preview(ctx, channel)
	if err != nil {
		fmt.Fprintln(stderr, "newsdesk: digest preview:", err)
		return exitError
	}
	if r.Kind == bot.KindError {
		fmt.Fprintln(stderr, "newsdesk: "+console.Clean(r.Text))
		return exitError
	}
	fmt.Fprint(stdout, console.Render(r, false))
	return exitOK
}

// cmdReindex rebuilds the index from its stored articles with the current
// mapping and extractor: after an upgrade, or when Open refuses an index
// written by an older newsdesk. Sequence numbers are kept, so digests do
// not repeat anything.
func cmdReindex(ctx context.Context, g globals, stdout, stderr io.Writer) int {
	cfg, err := loadConfig(g)
	if err != nil {
		fmt.Fprintln(stderr, "newsdesk:", err)
		return exitUsage
	}
	log := newLogger(stderr, cfg.LogLevel)
	gaz := actors.Default()
	ex := extract.New(gaz)
	ixPath := filepath.Join(cfg.Data, "index")
	rs, err := openArticles(cfg.Data, log)
	if err != nil {
		fmt.Fprintln(stderr, "newsdesk: reindex:", err)
		return exitError
	}
	defer rs.Close()
	n, err := rs.Len(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "newsdesk: reindex:", err)
		return exitError
	}
	bar := progress.New(stderr, isTerminal(stderr) && n > 0, int64(n), "reindex", false)
	r, err := ingest.ReindexAll(ctx, rs, ixPath, ex, log, func(done int) { bar.Set(int64(done), "") }, index.WithActors(gaz.All()))
	bar.Done()
	if err != nil {
		fmt.Fprintln(stderr, "newsdesk: reindex:", err)
		return exitError
	}
	if r.FromIndex {
		fmt.Fprintf(stdout, "reindexed %d articles from the index itself (%d statements, mapping %s → %s); the old index is kept at %s: delete it once newsdesk works\n",
			r.Articles, r.Statements, r.OldVersion, r.NewVersion, r.OldPath)
		return exitOK
	}
	info, redone := r.RebuildInfo, r.Redone
	kept := "there was no old index"
	if info.OldPath != "" {
		kept = "the old index is kept at " + info.OldPath + ": delete it once newsdesk works"
	}
	fmt.Fprintf(stdout, "reindexed %d articles from the article store (%d statements, %d re-extracted with %s); %s\n",
		info.Articles, info.Statements, redone, ex.Version(), kept)
	return exitOK
}

// cmdHealthcheck asks a running serve for /healthz (the container's
// HEALTHCHECK runs this, so the image needs no curl).
func cmdHealthcheck(ctx context.Context, g globals, listen string, stderr io.Writer) int {
	cfg, err := loadConfig(g)
	if err != nil {
		fmt.Fprintln(stderr, "newsdesk:", err)
		return exitUsage
	}
	if listen != "" {
		cfg.Listen = listen
	}
	host, port, err := net.SplitHostPort(cfg.Listen)
	if err != nil {
		fmt.Fprintln(stderr, "newsdesk: listen:", err)
		return exitUsage
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort(host, port)+"/healthz", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintln(stderr, "newsdesk: unhealthy:", err)
		return exitError
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintln(stderr, "newsdesk: unhealthy:", resp.Status)
		return exitError
	}
	return exitOK
}
