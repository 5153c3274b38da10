package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/newsdesk/newsdesk/adapters/console"
	"github.com/newsdesk/newsdesk/bot/feeds"
	"github.com/newsdesk/newsdesk/config"
	"github.com/newsdesk/newsdesk/fetch"
	"github.com/newsdesk/newsdesk/ingest"
	"github.com/newsdesk/newsdesk/internal/metrics"
	"github.com/newsdesk/newsdesk/sources"
	"github.com/newsdesk/newsdesk/state"
)

// registry is the feeds to poll: the catalog, the config's feeds and those
// added, kept in st (nil: the config's only).
func registry(cfg config.Config, st *state.Store) (*sources.Registry, error) {
	cat, err := sources.Default()
	if err != nil {
		return nil, err
	}
	r := &sources.Registry{Catalog: cat}
	if st != nil {
		r.Store = st
	}
	for _, f := range cfg.Feeds {
		r.Config = append(r.Config, sources.Configured{Name: f.Name, URL: f.URL, Every: f.Every.D()})
	}
	return r, r.CheckConfig()
}

// chatFeeds gives the bot its feeds command over st.
func chatFeeds(cfg config.Config, st *state.Store) (*feeds.Chat, error) {
	r, err := registry(cfg, st)
	if err != nil {
		return nil, err
	}
	return &feeds.Chat{Registry: r}, nil
}

// fetcher is the one guarded fetcher for feeds and their pages.
func (a *app) fetcher() *fetch.Fetcher {
	return fetch.New(fetch.NewClient(a.cfg.Fetch.AllowPrivate), fetch.Options{})
}

// poller polls one feed through f, full text included when the source
// wants it.
func (a *app) poller(st *state.Store, f *fetch.Fetcher, s ingest.FeedSpec, polled func(string)) *ingest.Poller {
	p := &ingest.Poller{In: a.in, URL: s.URL, Feeds: f, Cursors: st, Publisher: s.Publisher, Country: s.Country,
		Log: a.log.With("feed", s.URL), Polled: polled}
	if s.FullText {
		p.Pages = f
	}
	return p
}

// feedPollers polls every enabled feed (config and state), reading the
// list again every minute, until ctx ends.
func (a *app) feedPollers(st *state.Store, m *metrics.Metrics) (func(context.Context) error, error) {
	r, err := registry(a.cfg, st)
	if err != nil {
		return nil, err
	}
	r.Log = a.log
	f := a.fetcher()
	polled := m.FeedPolled
	if a.feedPolled != nil {
		polled = func(outcome string) { m.FeedPolled(outcome); a.feedPolled(outcome) }
	}
	ps := &ingest.Pollers{
		List: r.Specs,
		New:  func(s ingest.FeedSpec) *ingest.Poller { return a.poller(st, f, s, polled) },
		Log:  a.log,
	}
	return ps.Run, nil
}

const feedsUsage = "usage: newsdesk feeds list | feeds add NAME|URL | feeds remove NAME|URL | feeds poll NAME|URL"

// cmdFeeds lists, adds, removes or polls once the feeds newsdesk follows.
func cmdFeeds(ctx context.Context, g globals, pos []string, stdout, stderr io.Writer) int {
	if len(pos) == 0 || (pos[0] == "list") != (len(pos) == 1) || len(pos) > 2 {
		return usageError(stderr, feedsUsage)
	}
	switch pos[0] {
	case "list", "add", "remove":
		cfg, err := loadConfig(g)
		if err != nil {
			fmt.Fprintln(stderr, "newsdesk:", err)
			return exitUsage
		}
		if err := os.MkdirAll(cfg.Data, 0o750); err != nil {
			fmt.Fprintf(stderr, "newsdesk: create data directory %s: %v\n", cfg.Data, err)
			return exitError
		}
		st, err := state.Open(filepath.Join(cfg.Data, "state.db"))
		if err != nil {
			fmt.Fprintln(stderr, "newsdesk:", err)
			return exitError
		}
		defer st.Close()
		r, err := registry(cfg, st)
		if err != nil {
			fmt.Fprintln(stderr, "newsdesk:", err)
			return exitUsage
		}
		switch pos[0] {
		case "list":
			return feedsList(ctx, r, stdout, stderr)
		case "add":
			f, added, err := r.Add(ctx, pos[1], "cli")
			if err != nil {
				return feedsRefused(err, stderr)
			}
			if !added {
				where := "already"
				if f.Origin == sources.FromConfig {
					where += ", in the config file"
				}
				fmt.Fprintf(stdout, "%s is enabled %s\n", f.Label(), where)
				return exitOK
			}
			fmt.Fprintf(stdout, "enabled %s (%s); a running serve starts polling it within a minute\n", f.Label(), f.URL)
			if f.Verify {
				fmt.Fprintf(stdout, "its address is marked verify in the catalog: %s\ncheck it with: newsdesk feeds poll %s\n", f.Notes, f.Label())
			}
			return exitOK
		default:
			f, err := r.Remove(ctx, pos[1])
			if err != nil {
				return feedsRefused(err, stderr)
			}
			fmt.Fprintf(stdout, "removed %s; a running serve stops polling it within a minute (what it ingested stays)\n", f.Label())
			return exitOK
		}
	case "poll":
		return feedsPoll(ctx, g, pos[1], stdout, stderr)
	}
	return usageError(stderr, feedsUsage)
}

func feedsRefused(err error, stderr io.Writer) int {
	fmt.Fprintln(stderr, "newsdesk:", err)
	if sources.IsRefusal(err) {
		return exitUsage
	}
	return exitError
}

func feedsList(ctx context.Context, r *sources.Registry, stdout, stderr io.Writer) int {
	l, err := r.List(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "newsdesk:", err)
		return exitError
	}
	console.WriteFeeds(stdout, l)
	return exitOK
}

// feedsPoll polls one feed once through the normal ingest path and says
// what was ingested, skipped and failed, with reasons.
func feedsPoll(ctx context.Context, g globals, arg string, stdout, stderr io.Writer) int {
	a, err := open(ctx, g, stderr, true)
	if err != nil {
		fmt.Fprintln(stderr, "newsdesk:", err)
		return exitError
	}
	defer a.Close()
	cat, err := sources.Default()
	if err != nil {
		fmt.Fprintln(stderr, "newsdesk:", err)
		return exitError
	}
	s, err := cat.Resolve(arg)
	if err != nil {
		return feedsRefused(err, stderr)
	}
	st, err := a.openState()
	if err != nil {
		fmt.Fprintln(stderr, "newsdesk:", err)
		return exitError
	}
	defer st.Close()
	p := a.poller(st, a.fetcher(), sources.Feed{Source: s}.Spec(), nil)
	fmt.Fprintf(stdout, "feed %s (%s)\n", s.URL, s.Label())
	res, err := p.Poll(ctx)
	var fe *ingest.FeedError
	if errors.As(err, &fe) {
		fmt.Fprintf(stdout, "failed: the feed could not be read (reason=%s): %v\nnothing was ingested; it is tried again at the next poll\n", fe.Reason(), fe.Err)
		return exitError
	}
	console.WritePoll(stdout, res)
	if err != nil {
		fmt.Fprintln(stderr, "newsdesk:", err)
		return exitError
	}
	return exitOK
}
