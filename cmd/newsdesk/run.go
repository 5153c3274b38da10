package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/newsdesk/newsdesk/actors"
	"github.com/newsdesk/newsdesk/adapters/console"
	"github.com/newsdesk/newsdesk/articles"
	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/config"
	"github.com/newsdesk/newsdesk/extract"
	"github.com/newsdesk/newsdesk/index"
	"github.com/newsdesk/newsdesk/ingest"
	"github.com/newsdesk/newsdesk/internal/sample"
)

// Exit codes.
const (
	exitOK    = 0
	exitError = 1 // the command ran and failed (a refused query, a bad file)
	exitUsage = 2 // the command line or configuration is wrong
)

const usageText = `newsdesk: state cyber attributions, answered in the channel.

Usage:
  newsdesk                          console on the data directory (sample corpus on first run)
  newsdesk ask "<command>" [--json] answer one command, e.g. ask "search APT31"
  newsdesk ingest PATH...           ingest .txt/.md articles, .jsonl records, .xml/.rss/.atom feeds, or directories
  newsdesk extract FILE [--json]    print the statements found in one article
  newsdesk extract FILE --explain   each sentence's kind probabilities and the features that weighed most
  newsdesk extract --eval FILE[,FILE] [--misses]   precision, recall and F1 per kind and field on labelled sets
  newsdesk serve                    run the Slack, Discord and HTTP fronts the config enables
  newsdesk digest --channel PLATFORM:ID --preview   print a channel's next digest
  newsdesk reindex                  re-extract and re-index every stored article
  newsdesk repair                   check state.db and the index (serve stopped): move a damaged state.db aside, say how to recover a damaged index
  newsdesk config check             validate the configuration and print it (secrets hidden)

Global flags (before or after the command):
  --data DIR      data directory (default $NEWSDESK_DATA, else ~/.local/share/newsdesk)
  --config FILE   YAML configuration (default $NEWSDESK_CONFIG)
`

// globals are the flags every command takes.
type globals struct {
	data, config string
}

// splitFlags parses args with fs, allowing flags after positional
// arguments (newsdesk ask "search APT31" --json).
func splitFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmd := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	fs := flag.NewFlagSet("newsdesk "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usageText) }
	var g globals
	fs.StringVar(&g.data, "data", "", "data directory")
	fs.StringVar(&g.config, "config", os.Getenv("NEWSDESK_CONFIG"), "configuration file")
	asJSON := fs.Bool("json", false, "print JSON")
	eval := fs.String("eval", "", "labelled evaluation set (extract)")
	misses := fs.Bool("misses", false, "with --eval: list each disagreement")
	explain := fs.Bool("explain", false, "extract: show each sentence's kind probabilities and the features that weighed most")
	channel := fs.String("channel", "", "platform:channel-id (digest)")
	preview := fs.Bool("preview", false, "print without posting (digest)")
	pos, err := splitFlags(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	switch cmd {
	case "", "console":
		return cmdConsole(ctx, g, stdin, stdout, stderr)
	case "ask":
		if len(pos) != 1 {
			fmt.Fprintln(stderr, `usage: newsdesk ask "<command>" [--json], e.g. newsdesk ask "search APT31"`)
			return exitUsage
		}
		return cmdAsk(ctx, g, pos[0], *asJSON, stdout, stderr)
	case "ingest":
		if len(pos) == 0 {
			fmt.Fprintln(stderr, "usage: newsdesk ingest PATH... (files or directories)")
			return exitUsage
		}
		return cmdIngest(ctx, g, pos, stdout, stderr)
	case "extract":
		return cmdExtract(ctx, pos, *eval, *misses, *asJSON, *explain, stdout, stderr)
	case "serve":
		return cmdServe(ctx, g, stderr)
	case "digest":
		return cmdDigest(ctx, g, *channel, *preview, stdout, stderr)
	case "healthcheck":
		return cmdHealthcheck(ctx, g, stderr)
	case "reindex":
		return cmdReindex(ctx, g, stdout, stderr)
	case "repair":
		return cmdRepair(ctx, g, time.Now(), stdout, stderr)
	case "config":
		if len(pos) != 1 || pos[0] != "check" {
			fmt.Fprintln(stderr, "usage: newsdesk config check")
			return exitUsage
		}
		cfg, err := loadConfig(g)
		if err != nil {
			fmt.Fprintln(stderr, "newsdesk:", err)
			return exitUsage
		}
		fmt.Fprint(stdout, cfg.String())
		fmt.Fprintln(stdout, "# configuration OK")
		return exitOK
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usageText)
		return exitOK
	default:
		fmt.Fprintf(stderr, "newsdesk: unknown command %q\n\n%s", cmd, usageText)
		return exitUsage
	}
}

func loadConfig(g globals) (config.Config, error) {
	cfg, err := config.Load(g.config, os.LookupEnv)
	if err != nil {
		return cfg, err
	}
	if g.data != "" {
		cfg.Data = g.data
	}
	return cfg, nil
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}

// app is the opened data directory: the index and what works on it.
type app struct {
	cfg  config.Config
	log  *slog.Logger
	rs   *articles.Store // the system of record
	ix   *index.Index
	in   *ingest.Ingester
	gaz  *actors.Gazetteer
	bot  *bot.Bot
	data string

	closers []func() error // closed before the index, last first
}

// open opens the index in the data directory, filling an empty one with the
// bundled sample corpus when the config allows.
func open(ctx context.Context, g globals, stderr io.Writer, quiet bool) (*app, error) {
	cfg, err := loadConfig(g)
	if err != nil {
		return nil, err
	}
	level := cfg.LogLevel
	if quiet && level == "info" {
		level = "warn"
	}
	log := newLogger(stderr, level)
	if err := os.MkdirAll(cfg.Data, 0o750); err != nil {
		return nil, fmt.Errorf("create data directory %s: %w (set --data or NEWSDESK_DATA)", cfg.Data, err)
	}
	rs, err := articles.Open(filepath.Join(cfg.Data, articles.FileName), 0)
	if err != nil {
		return nil, err
	}
	ix, err := index.Open(filepath.Join(cfg.Data, "index"))
	if err != nil {
		rs.Close()
		return nil, err
	}
	gaz := actors.Default()
	in, err := ingest.New(ctx, rs, ix, extract.New(gaz), log)
	if err != nil {
		ix.Close()
		rs.Close()
		return nil, err
	}
	a := &app{cfg: cfg, log: log, rs: rs, ix: ix, in: in, gaz: gaz, data: cfg.Data}
	a.bot = &bot.Bot{Index: ix, Actors: gaz, Log: log, Timeout: cfg.Search.Timeout.D(), Admins: map[string]bool{}}
	for _, u := range cfg.Admins {
		a.bot.Admins[u] = true
	}
	if n, err := ix.Count(ctx); err != nil {
		ix.Close()
		rs.Close()
		return nil, err
	} else if n == 0 && cfg.SampleOn() {
		if !quiet {
			fmt.Fprintln(stderr, "newsdesk: indexing the bundled sample corpus into", cfg.Data, "(first run)…")
		}
		res, err := in.FS(ctx, sample.FS())
		if err != nil {
			ix.Close()
			rs.Close()
			return nil, fmt.Errorf("index the sample corpus: %w", err)
		}
		for _, e := range res.Errors {
			log.Warn("sample corpus item refused", "err", e)
		}
	}
	return a, nil
}

func (a *app) Close() error {
	for i := len(a.closers) - 1; i >= 0; i-- {
		_ = a.closers[i]()
	}
	err := a.ix.Close()
	if rerr := a.rs.Close(); err == nil {
		err = rerr
	}
	return err
}

func cmdConsole(ctx context.Context, g globals, stdin io.Reader, stdout, stderr io.Writer) int {
	a, err := open(ctx, g, stderr, false)
	if err != nil {
		fmt.Fprintln(stderr, "newsdesk:", err)
		return exitError
	}
	defer a.Close()
	a.bot.Digests = a.consoleDigests(stdout)
	interactive := isTerminal(stdin)
	if err := console.Run(ctx, a.bot, stdin, stdout, interactive, interactive && isTerminal(stdout)); err != nil {
		fmt.Fprintln(stderr, "newsdesk:", err)
		return exitError
	}
	return exitOK
}

// isRecords reports whether a file holds many records (JSON Lines, a feed)
// rather than one article.
func isRecords(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".jsonl", ".ndjson", ".xml", ".rss", ".atom":
		return true
	}
	return false
}

func isTerminal(v any) bool {
	f, ok := v.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func cmdAsk(ctx context.Context, g globals, line string, asJSON bool, stdout, stderr io.Writer) int {
	a, err := open(ctx, g, stderr, true)
	if err != nil {
		fmt.Fprintln(stderr, "newsdesk:", err)
		return exitError
	}
	defer a.Close()
	digestOut := stdout
	if asJSON {
		digestOut = stderr // stdout holds only the JSON answer
	}
	a.bot.Digests = a.consoleDigests(digestOut)
	r := a.bot.Handle(ctx, bot.Request{Platform: "console", Channel: "local", User: "local", Text: line})
	if asJSON {
		if err := console.WriteJSON(stdout, r); err != nil {
			fmt.Fprintln(stderr, "newsdesk:", err)
			return exitError
		}
	} else if r.Kind != bot.KindError {
		fmt.Fprint(stdout, console.Render(r, false))
	}
	if r.Kind == bot.KindError {
		fmt.Fprintln(stderr, "newsdesk: "+console.Clean(r.Text))
		return exitError
	}
	return exitOK
}

func cmdIngest(ctx context.Context, g globals, paths []string, stdout, stderr io.Writer) int {
	a, err := open(ctx, g, stderr, true)
	if err != nil {
		fmt.Fprintln(stderr, "newsdesk:", err)
		return exitError
	}
	defer a.Close()
	res, err := a.in.Paths(ctx, paths...)
	for _, e := range res.Errors {
		fmt.Fprintln(stderr, "newsdesk: refused", e)
	}
	fmt.Fprintln(stdout, res.String())
	if err != nil {
		fmt.Fprintln(stderr, "newsdesk:", err)
		return exitError
	}
	if len(res.Errors) > 0 {
		return exitError
	}
	return exitOK
}
