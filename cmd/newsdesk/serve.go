package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/newsdesk/newsdesk/actors"
	"github.com/newsdesk/newsdesk/adapters/console"
	"github.com/newsdesk/newsdesk/articles"
	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/bot/digest"
	"github.com/newsdesk/newsdesk/chat"
	"github.com/newsdesk/newsdesk/extract"
	"github.com/newsdesk/newsdesk/index"
	"github.com/newsdesk/newsdesk/ingest"
	"github.com/newsdesk/newsdesk/internal/admit"
	"github.com/newsdesk/newsdesk/internal/metrics"
	"github.com/newsdesk/newsdesk/internal/progress"
	"github.com/newsdesk/newsdesk/internal/ready"
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

// serve runs every enabled front on ln until ctx ends or one fails.
func serve(ctx context.Context, a *app, ln net.Listener) error {
	cfg, log := a.cfg, a.log
	mux := http.NewServeMux()
	posters := map[string]digest.Poster{}
	var runners []func(context.Context) error
	// stops wait for the fronts' background work (late answers) after the
	// listener and runners end and before the state store closes.
	var stops []func(context.Context) error
	var parts []ready.Part // what /readyz reports
	// Admission control: a bounded pool for command work (2×GOMAXPROCS
	// running, as many queued) shared by the fronts, and one of its own
	// for the ingestion API.
	work := admit.New(admit.Config{})
	ingestion := admit.New(admit.Config{Running: runtime.GOMAXPROCS(0), Queue: runtime.GOMAXPROCS(0)})
	m := metrics.New()
	a.in.Measure(m)
	a.bot.Metrics = m
	m.Gauge("newsdesk_articles", "Articles in the index.", func(ctx context.Context) (float64, error) {
		n, err := a.ix.Count(ctx)
		return float64(n), err
	})
	m.Gauge("newsdesk_ingest_seq", "Highest ingestion sequence number in the index.", func(ctx context.Context) (float64, error) {
		n, err := a.ix.MaxSeq(ctx)
		return float64(n), err
	})

	// The state store holds the feed cursors and enabled feeds, the digest
	// ledger and, for the fronts, every delivery seen (so that a replayed
	// request is executed once, even after a restart).
	st, err := a.openState()
	if err != nil {
		return err
	}
	defer st.Close()
	// Feeds are polled whether or not a chat platform is enabled (an
	// ingest-only server), each through the guarded fetcher.
	pollFeeds, err := a.feedPollers(st, m)
	if err != nil {
		return err
	}
	runners = append(runners, pollFeeds)
	if a.bot.Feeds, err = chatFeeds(cfg, st); err != nil {
		return err
	}
	registry := fronts(cfg, a.gaz)
	started, err := registry.Start(chat.Deps{Handler: a.bot, Deliveries: st, Metrics: m, Admit: work, Log: log})
	if err != nil {
		return err
	}
	for _, f := range started {
		if p, ok := f.(digest.Poster); ok {
			posters[f.Name()] = p
		}
		if r, ok := f.(chat.Router); ok {
			r.Routes(mux)
		}
		// Run retries an unreachable platform itself, and /readyz says so
		runners = append(runners, f.Run)
		if part, _ := f.Ready(); part != "" {
			parts = append(parts, ready.Part{Name: part, Up: func(context.Context) bool { _, up := f.Ready(); return up }})
		}
		stops = append(stops, f.Shutdown)
	}
	if len(posters) > 0 {
		svc, err := a.openDigests(st, posters, m)
		if err != nil {
			return err
		}
		a.bot.Digests = svc
		a.bot.Watcher = svc
		runners = append(runners, svc.Run)
	} else {
		log.Warn("no chat platform is enabled (feeds are still polled and the ingestion API served): set SLACK_BOT_TOKEN (+ SLACK_SIGNING_SECRET or SLACK_APP_TOKEN) or DISCORD_BOT_TOKEN", "platforms", len(registry))
	}
	if cfg.Secrets.APIToken != "" {
		mux.Handle("POST /api/v1/articles", &ingest.API{In: a.in, Token: cfg.Secrets.APIToken, Log: log.With("api", "ingest"), Admit: ingestion})
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	parts = append(parts, ready.Part{Name: "index", Vital: true, Up: func(ctx context.Context) bool {
		_, err := a.ix.Count(ctx)
		return err == nil
	}})
	if st != nil {
		parts = append(parts, ready.Part{Name: "state", Vital: true, Up: func(ctx context.Context) bool {
			_, err := st.SeenCount(ctx)
			return err == nil
		}})
	}
	mux.HandleFunc("GET /readyz", ready.Handler(parts))
	mux.Handle("GET /metrics", m.Handler())

	running, queued := work.Size()
	log.Info("admission control", "running", running, "queued", queued)
	// Arrivals is first in the chain: the Slack ack budget counts from here.
	srv := &http.Server{Handler: admit.Arrivals(nil, mux), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 60 * time.Second}
	log.Info("newsdesk serving", "addr", ln.Addr().String(), "data", a.data)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, len(runners)+1)
	var wg sync.WaitGroup
	for _, run := range runners {
		wg.Go(func() {
			if err := run(ctx); err != nil && !errors.Is(err, context.Canceled) {
				errc <- err
			}
		})
	}
	wg.Go(func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errc <- err
		}
	})
	var runErr error
	select {
	case <-ctx.Done():
		log.Info("shutting down")
	case runErr = <-errc:
	}
	cancel()
	sctx, scancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer scancel()
	_ = srv.Shutdown(sctx)
	wg.Wait()
	for _, stop := range stops {
		if err := stop(sctx); err != nil {
			log.Warn("shutdown", "err", err)
		}
	}
	return runErr
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
	ex := extract.New(actors.Default())
	ixPath := filepath.Join(cfg.Data, "index")
	rs, err := articles.Open(filepath.Join(cfg.Data, articles.FileName), 0)
	if err != nil {
		fmt.Fprintln(stderr, "newsdesk: reindex:", err)
		return exitError
	}
	defer rs.Close()
	if n, err := rs.Len(ctx); err != nil {
		fmt.Fprintln(stderr, "newsdesk: reindex:", err)
		return exitError
	} else if n == 0 {
		// a data directory older than the article store: rebuild from the
		// index itself; the next start copies it into the store
		rs.Close()
		info, err := index.Rebuild(ctx, ixPath, func(a news.Article) (news.Article, error) {
			b, err := ingest.Reextract(ctx, ex, a)
			if err != nil {
				log.Warn("reindex: extraction refused a stored article; keeping its old statements", "id", a.ID, "err", err)
				return a, nil
			}
			return b, nil
		})
		if err != nil {
			fmt.Fprintln(stderr, "newsdesk: reindex:", err)
			return exitError
		}
		fmt.Fprintf(stdout, "reindexed %d articles from the index itself (%d statements, mapping %s → %s); the old index is kept at %s: delete it once newsdesk works\n",
			info.Articles, info.Statements, info.OldVersion, info.NewVersion, info.OldPath)
		return exitOK
	}
	n, _ := rs.Len(ctx)
	bar := progress.New(stderr, isTerminal(stderr), int64(n), "reindex", false)
	info, redone, err := ingest.ReindexProgress(ctx, rs, ixPath, ex, log, func(done int) { bar.Set(int64(done), "") })
	bar.Done()
	if err != nil {
		fmt.Fprintln(stderr, "newsdesk: reindex:", err)
		return exitError
	}
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
