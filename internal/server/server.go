// Package server runs what `newsdesk serve` serves on one listener: the
// chat fronts a registry enables, the digest service over the posters
// those fronts offer, background runners (feed polling), the ingestion API
// and the operator endpoints /healthz, /readyz and /metrics.
//
// It owns the order of a server's life: fronts are built before anything
// listens; every runner and the HTTP server run until the context ends or
// one of them fails; then the listener stops taking requests, the runners
// end, and only after that do the fronts finish the answers still in
// progress, so that the caller may close the stores once Run returns.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/newsdesk/newsdesk/bot/digest"
	"github.com/newsdesk/newsdesk/chat"
	"github.com/newsdesk/newsdesk/internal/admit"
	"github.com/newsdesk/newsdesk/internal/ready"
)

// Config is what Run serves. Fronts and Deps are required; the rest may be
// left zero.
type Config struct {
	// Fronts is the registry of chat platforms; Deps is what each enabled
	// one is built with.
	Fronts chat.Registry
	Deps   chat.Deps

	// Digests, called once when at least one started front posts digests,
	// builds the digest service over those posters (keyed by platform
	// name) and returns what runs it. With no such front, digests are off
	// and a warning says how to enable a platform.
	Digests func(posters map[string]digest.Poster) (run func(context.Context) error, err error)

	// Runners run beside the fronts until the context ends (feed polling).
	// A runner's error other than the context's stops the server.
	Runners []func(context.Context) error

	// API, when set, serves POST /api/v1/articles (the ingestion API).
	API http.Handler
	// Ready is what /readyz reports besides the fronts (the index and the
	// state store, both vital).
	Ready []ready.Part
	// Metrics, when set, serves GET /metrics.
	Metrics http.Handler

	Log *slog.Logger
	// ShutdownTimeout bounds the wait for requests and answers in progress
	// once the server stops (15 s when zero).
	ShutdownTimeout time.Duration
}

// Run builds the enabled fronts and serves on ln until ctx ends, which is
// a clean stop (nil), or a runner, a front or the listener fails (that
// error). It has shut everything down in order when it returns.
func Run(ctx context.Context, cfg Config, ln net.Listener) error {
	log := cfg.Log
	if log == nil {
		log = slog.Default()
	}
	if cfg.Deps.Log == nil {
		cfg.Deps.Log = log
	}
	mux := http.NewServeMux()
	runners := append([]func(context.Context) error(nil), cfg.Runners...)
	parts := []ready.Part(nil)
	var stops []func(context.Context) error

	started, err := cfg.Fronts.Start(cfg.Deps)
	if err != nil {
		return fmt.Errorf("start chat platforms: %w", err)
	}
	posters := map[string]digest.Poster{}
	for _, f := range started {
		if p, ok := f.(digest.Poster); ok {
			posters[f.Name()] = p
		}
		if r, ok := f.(chat.Router); ok {
			r.Routes(mux)
		}
		// Run retries an unreachable platform itself, and /readyz says so.
		runners = append(runners, f.Run)
		if part, _ := f.Ready(); part != "" {
			parts = append(parts, ready.Part{Name: part, Up: func(context.Context) bool { _, up := f.Ready(); return up }})
		}
		stops = append(stops, f.Shutdown)
	}
	switch {
	case len(posters) > 0 && cfg.Digests != nil:
		run, err := cfg.Digests(posters)
		if err != nil {
			return fmt.Errorf("start digests: %w", err)
		}
		runners = append(runners, run)
	case len(posters) == 0:
		log.Warn("no chat platform is enabled (feeds are still polled and the ingestion API served): set SLACK_BOT_TOKEN (+ SLACK_SIGNING_SECRET or SLACK_APP_TOKEN) or DISCORD_BOT_TOKEN", "platforms", len(cfg.Fronts))
	}

	if cfg.API != nil {
		mux.Handle("POST /api/v1/articles", cfg.API)
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("GET /readyz", ready.Handler(append(parts, cfg.Ready...)))
	if cfg.Metrics != nil {
		mux.Handle("GET /metrics", cfg.Metrics)
	}
	// Arrivals is first in the chain: the Slack ack budget counts from here.
	srv := &http.Server{Handler: admit.Arrivals(nil, mux), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 60 * time.Second}
	log.Info("newsdesk serving", "addr", ln.Addr().String(), "fronts", len(started))

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
			errc <- fmt.Errorf("serve http on %s: %w", ln.Addr(), err)
		}
	})
	var runErr error
	select {
	case <-ctx.Done():
		log.Info("shutting down")
	case runErr = <-errc:
	}
	cancel()
	timeout := cfg.ShutdownTimeout
	if timeout <= 0 {
		timeout = 15 * time.Second
	}
	sctx, scancel := context.WithTimeout(context.Background(), timeout)
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
