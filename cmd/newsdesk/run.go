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
	"runtime/debug"
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
	"github.com/newsdesk/newsdesk/internal/progress"
	"github.com/newsdesk/newsdesk/internal/sample"
	"github.com/newsdesk/newsdesk/state"
)

// Exit codes.
const (
	exitOK    = 0
	exitError = 1 // the command ran and failed (a refused query, a bad file)
	exitUsage = 2 // the command line or configuration is wrong
)

const usageText = `newsdesk: state cyber attributions, answered in the channel.

Usage:
  newsdesk [global flags] [command] [flags] [arguments]

Commands:
  console                           the console on the data directory (the default; sample corpus on first run)
  ask "<command>" [--json]          answer one command, e.g. ask "search APT31"
  ingest PATH...                    ingest .txt/.md articles, .jsonl records, .xml/.rss/.atom feeds, or directories
  extract FILE [--json|--explain]   print the statements found in one article
  extract --eval FILE[,FILE]        precision, recall and F1 per kind and field on labelled sets
  serve [--listen ADDR]             run the Slack, Discord and HTTP fronts the environment enables
  digest --channel PLATFORM:ID --preview   print a channel's next digest
  reindex                           rebuild the index from the article store (serve stopped)
  repair                            check state.db, articles.db and the index (serve stopped); move damaged files aside, rebuild the index
  healthcheck [--listen ADDR]       ask a running serve for /healthz (exit 0 when healthy): the container's HEALTHCHECK
  feeds list|add|remove|poll [NAME|URL]   the official feeds followed: the catalog, enable or disable one, poll one once
  config check                      validate the configuration and print it (secrets hidden)
  slack manifest [--url https://HOST]   a Slack app manifest to paste at app creation (no --url: Socket Mode)
  discord invite [--client-id ID]   the OAuth2 URL that adds the bot with the permissions it needs
  version                           print the version
  help [command]                    this text, or one command's flags

Global flags (before or after the command):
  --data DIR      data directory (default $NEWSDESK_DATA, else ~/.local/share/newsdesk)
  --config FILE   YAML configuration (default $NEWSDESK_CONFIG)
  --version       print the version
`

// globals are the flags every command takes.
type globals struct {
	data, config string
}

func (g *globals) register(fs *flag.FlagSet) {
	fs.StringVar(&g.data, "data", g.data, "data directory (default $NEWSDESK_DATA, else ~/.local/share/newsdesk)")
	fs.StringVar(&g.config, "config", g.config, "YAML configuration file (default $NEWSDESK_CONFIG)")
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

// opts are the values of every command's own flags.
type opts struct {
	asJSON, misses, explain, preview bool
	eval, channel, listen            string
	baseURL, clientID                string
	png, charts                      string
}

// command is one subcommand: its usage line, what it does, its own flags
// and what runs it.
type command struct {
	usage, summary string
	flags          func(fs *flag.FlagSet, o *opts)
	run            func(ctx context.Context, g globals, o opts, pos []string, stdin io.Reader, stdout, stderr io.Writer) int
}

func commands() map[string]command {
	listen := func(fs *flag.FlagSet, o *opts) {
		fs.StringVar(&o.listen, "listen", "", "HTTP listen address, e.g. :8080 or 127.0.0.1:9000 (default listen: or $NEWSDESK_LISTEN, else :8080)")
	}
	return map[string]command{
		"console": {usage: "newsdesk console [--charts DIR]", summary: "The console on the data directory (the sample corpus fills an empty index unless sample: false or NEWSDESK_SAMPLE=false). Trend charts are written as PNG files into --charts (default: the current directory).",
			flags: func(fs *flag.FlagSet, o *opts) {
				fs.StringVar(&o.charts, "charts", ".", "directory that trend charts are written to as PNG files")
			},
			run: func(ctx context.Context, g globals, o opts, pos []string, stdin io.Reader, stdout, stderr io.Writer) int {
				if len(pos) != 0 {
					return usageError(stderr, "console takes no arguments; to answer one command use: newsdesk ask \"search APT31\"")
				}
				if o.charts == "" {
					o.charts = "."
				}
				return cmdConsole(ctx, g, o.charts, stdin, stdout, stderr)
			}},
		"ask": {usage: `newsdesk ask "<command>" [--json] [--png FILE]`, summary: `Answer one command, e.g. newsdesk ask "search APT31". Exit 1 when the command is refused (the message on stderr). A trend's chart is written to --png FILE.`,
			flags: func(fs *flag.FlagSet, o *opts) {
				fs.BoolVar(&o.asJSON, "json", false, "print the answer as one JSON object")
				fs.StringVar(&o.png, "png", "", "write a trend's chart to this PNG file")
			},
			run: func(ctx context.Context, g globals, o opts, pos []string, _ io.Reader, stdout, stderr io.Writer) int {
				if len(pos) != 1 {
					return usageError(stderr, `usage: newsdesk ask "<command>" [--json], e.g. newsdesk ask "search APT31"`)
				}
				return cmdAsk(ctx, g, pos[0], o.asJSON, o.png, stdout, stderr)
			}},
		"ingest": {usage: "newsdesk ingest PATH...", summary: "Ingest .txt/.md articles, .jsonl/.ndjson records, .xml/.rss/.atom feeds, or directories of them.",
			run: func(ctx context.Context, g globals, _ opts, pos []string, _ io.Reader, stdout, stderr io.Writer) int {
				if len(pos) == 0 {
					return usageError(stderr, "usage: newsdesk ingest PATH... (files or directories)")
				}
				return cmdIngest(ctx, g, pos, stdout, stderr)
			}},
		"extract": {usage: "newsdesk extract FILE [--json|--explain] | newsdesk extract --eval FILE[,FILE] [--misses]", summary: "Print the statements found in one article, or score the extractor on labelled sets.",
			flags: func(fs *flag.FlagSet, o *opts) {
				fs.BoolVar(&o.asJSON, "json", false, "print JSON")
				fs.BoolVar(&o.explain, "explain", false, "show each sentence's kind probabilities and the features that weighed most")
				fs.StringVar(&o.eval, "eval", "", "labelled evaluation set(s), comma-separated")
				fs.BoolVar(&o.misses, "misses", false, "with --eval: list each disagreement")
			},
			run: func(ctx context.Context, _ globals, o opts, pos []string, _ io.Reader, stdout, stderr io.Writer) int {
				return cmdExtract(ctx, pos, o.eval, o.misses, o.asJSON, o.explain, stdout, stderr)
			}},
		"serve": {usage: "newsdesk serve [--listen ADDR]", summary: "Run the Slack, Discord and HTTP fronts the environment enables, the digest scheduler and the feed poller.",
			flags: listen,
			run: func(ctx context.Context, g globals, o opts, pos []string, _ io.Reader, _, stderr io.Writer) int {
				if len(pos) != 0 {
					return usageError(stderr, "usage: newsdesk serve [--listen ADDR]")
				}
				return cmdServe(ctx, g, o.listen, stderr)
			}},
		"digest": {usage: "newsdesk digest --channel PLATFORM:ID --preview", summary: "Print a channel's next digest without posting it.",
			flags: func(fs *flag.FlagSet, o *opts) {
				fs.StringVar(&o.channel, "channel", "", "platform:channel-id, e.g. slack:C0123ABC")
				fs.BoolVar(&o.preview, "preview", false, "print without posting (required)")
			},
			run: func(ctx context.Context, g globals, o opts, _ []string, _ io.Reader, stdout, stderr io.Writer) int {
				return cmdDigest(ctx, g, o.channel, o.preview, stdout, stderr)
			}},
		"healthcheck": {usage: "newsdesk healthcheck [--listen ADDR]", summary: "Ask a running serve for /healthz: exit 0 when it answers 200 (the container's HEALTHCHECK).",
			flags: listen,
			run: func(ctx context.Context, g globals, o opts, _ []string, _ io.Reader, _, stderr io.Writer) int {
				return cmdHealthcheck(ctx, g, o.listen, stderr)
			}},
		"reindex": {usage: "newsdesk reindex", summary: "Rebuild the index from the article store with the current mapping, re-extracting what an older extractor produced (stop serve first; the old index is kept).",
			run: func(ctx context.Context, g globals, _ opts, _ []string, _ io.Reader, stdout, stderr io.Writer) int {
				return cmdReindex(ctx, g, stdout, stderr)
			}},
		"repair": {usage: "newsdesk repair", summary: "Check state.db, articles.db and the index (stop serve first): damaged files are moved aside, never deleted; a damaged index is rebuilt from the article store.",
			run: func(ctx context.Context, g globals, _ opts, _ []string, _ io.Reader, stdout, stderr io.Writer) int {
				return cmdRepair(ctx, g, time.Now(), stdout, stderr)
			}},
		"feeds": {usage: "newsdesk feeds list | feeds add NAME|URL | feeds remove NAME|URL | feeds poll NAME|URL", summary: "The official feeds newsdesk follows: list the catalog with what is enabled, enable or disable a source by name or any feed by URL (a running serve follows within a minute), or poll one once and ingest it, saying what was ingested, skipped and failed.",
			run: func(ctx context.Context, g globals, _ opts, pos []string, _ io.Reader, stdout, stderr io.Writer) int {
				return cmdFeeds(ctx, g, pos, stdout, stderr)
			}},
		"config": {usage: "newsdesk config check", summary: "Validate the configuration (file and environment) and print it, secrets hidden.",
			run: func(_ context.Context, g globals, _ opts, pos []string, _ io.Reader, stdout, stderr io.Writer) int {
				if len(pos) != 1 || pos[0] != "check" {
					return usageError(stderr, "usage: newsdesk config check")
				}
				cfg, err := loadConfig(g)
				if err != nil {
					fmt.Fprintln(stderr, "newsdesk:", err)
					return exitUsage
				}
				fmt.Fprint(stdout, cfg.String())
				fmt.Fprintln(stdout, "# configuration OK")
				return exitOK
			}},
		"slack": {usage: "newsdesk slack manifest [--url https://HOST]", summary: "Print a Slack app manifest to paste at app creation: the slash command, scopes, event subscriptions and interactivity at HOST, or Socket Mode when no --url is given.",
			flags: func(fs *flag.FlagSet, o *opts) {
				fs.StringVar(&o.baseURL, "url", "", "public https base URL of newsdesk serve (none: Socket Mode)")
			},
			run: func(_ context.Context, g globals, o opts, pos []string, _ io.Reader, stdout, stderr io.Writer) int {
				return cmdSlackManifest(g, pos, o.baseURL, stdout, stderr)
			}},
		"discord": {usage: "newsdesk discord invite [--client-id ID]", summary: "Print the OAuth2 URL that adds the bot to a server with exactly the permissions it needs.",
			flags: func(fs *flag.FlagSet, o *opts) {
				fs.StringVar(&o.clientID, "client-id", "", "Discord application id (default: read from $DISCORD_BOT_TOKEN)")
			},
			run: func(_ context.Context, g globals, o opts, pos []string, _ io.Reader, stdout, stderr io.Writer) int {
				return cmdDiscordInvite(g, pos, o.clientID, stdout, stderr)
			}},
		"version": {usage: "newsdesk version", summary: "Print the version.",
			run: func(_ context.Context, _ globals, _ opts, _ []string, _ io.Reader, stdout, _ io.Writer) int {
				fmt.Fprintln(stdout, "newsdesk", version())
				return exitOK
			}},
	}
}

func usageError(stderr io.Writer, msg string) int {
	fmt.Fprintln(stderr, msg)
	return exitUsage
}

// commandHelp prints one command's usage, summary and flags (its own and
// the global ones).
func commandHelp(w io.Writer, name string, c command) {
	fs := commandFlags(name, c, &globals{}, &opts{})
	fmt.Fprintf(w, "usage: %s\n\n%s\n\nFlags:\n", c.usage, c.summary)
	fs.SetOutput(w)
	fs.PrintDefaults()
}

func commandFlags(name string, c command, g *globals, o *opts) *flag.FlagSet {
	fs := flag.NewFlagSet("newsdesk "+name, flag.ContinueOnError)
	fs.Usage = func() {} // help is printed by run, on stdout
	if c.flags != nil {
		c.flags(fs, o)
	}
	g.register(fs)
	return fs
}

// run parses the command line: global flags, then the command (console
// when there is none), then its own flags, which may come after its
// arguments; global flags are accepted there too.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	g := globals{config: os.Getenv("NEWSDESK_CONFIG")}
	top := flag.NewFlagSet("newsdesk", flag.ContinueOnError)
	top.SetOutput(stderr)
	top.Usage = func() {}
	g.register(top)
	showVersion := top.Bool("version", false, "print the version")
	if err := top.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usageText)
			return exitOK
		}
		fmt.Fprint(stderr, "\n"+usageText)
		return exitUsage
	}
	if *showVersion {
		fmt.Fprintln(stdout, "newsdesk", version())
		return exitOK
	}
	args = top.Args()
	name := "console"
	if len(args) > 0 {
		name, args = args[0], args[1:]
	}
	cmds := commands()
	if name == "help" {
		if len(args) == 0 {
			fmt.Fprint(stdout, usageText)
			return exitOK
		}
		c, ok := cmds[args[0]]
		if !ok {
			fmt.Fprintf(stderr, "newsdesk: no command %q\n\n%s", args[0], usageText)
			return exitUsage
		}
		commandHelp(stdout, args[0], c)
		return exitOK
	}
	c, ok := cmds[name]
	if !ok {
		fmt.Fprintf(stderr, "newsdesk: unknown command %q\n\n%s", name, usageText)
		return exitUsage
	}
	var o opts
	fs := commandFlags(name, c, &g, &o)
	fs.SetOutput(stderr)
	pos, err := splitFlags(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			commandHelp(stdout, name, c)
			return exitOK
		}
		fmt.Fprintf(stderr, "usage: %s (newsdesk help %s lists its flags)\n", c.usage, name)
		return exitUsage
	}
	return c.run(ctx, g, o, pos, stdin, stdout, stderr)
}

// version is set at link time (-ldflags "-X main.buildVersion=v1.2.3");
// otherwise it comes from the module's build information.
var buildVersion string

func version() string {
	if buildVersion != "" {
		return buildVersion
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += " " + s.Value[:12]
		}
	}
	return v + " " + bi.GoVersion
}

func loadConfig(g globals) (config.Config, error) {
	cfg, err := config.Load(g.config, os.LookupEnv)
	if err != nil {
		return cfg, err
	}
	if g.data != "" {
		cfg.Data = g.data
	}
	// feeds: [{name: …}] must name a catalog source
	if _, err := registry(cfg, nil); err != nil {
		if g.config != "" {
			return cfg, fmt.Errorf("config %s: %w", g.config, err)
		}
		return cfg, err
	}
	return cfg, nil
}

// openArticles opens the article store of the data directory, logging
// how many articles it moved from the store's first layout.
func openArticles(data string, log *slog.Logger) (*articles.Store, error) {
	rs, err := articles.Open(filepath.Join(data, articles.FileName), 0)
	if err != nil {
		return nil, err
	}
	if n := rs.Moved(); n > 0 {
		log.Info("article store: moved to its layout by seq", "articles", n, "path", rs.Path())
	}
	return rs, nil
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

	st *state.Store // opened once by state()

	// feedPolled, when set (tests), hears each feed poll's outcome in serve.
	feedPolled func(outcome string)
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
	rs, err := openArticles(cfg.Data, log)
	if err != nil {
		return nil, err
	}
	gaz := actors.Default()
	ix, err := index.Open(filepath.Join(cfg.Data, "index"), index.WithActors(gaz.All()))
	if err != nil {
		rs.Close()
		return nil, err
	}
	ix.SetLogger(log.With("component", "index"))
	in, err := ingest.New(ctx, rs, ix, extract.New(gaz), log)
	if err != nil {
		ix.Close()
		rs.Close()
		return nil, err
	}
	a := &app{cfg: cfg, log: log, rs: rs, ix: ix, in: in, gaz: gaz, data: cfg.Data}
	a.bot = &bot.Bot{Index: ix, Actors: gaz, Log: log, Timeout: cfg.Search.Timeout.D(), Admins: map[string]bool{}, Trends: ix}
	for _, u := range cfg.AdminIDs() {
		a.bot.Admins[u] = true
	}
	if cfg.SampleOn() {
		var notice io.Writer
		if !quiet {
			notice = stderr
		}
		if _, err := sample.Seed(ctx, ix, in, notice, log); err != nil {
			ix.Close()
			rs.Close()
			return nil, err
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

func cmdConsole(ctx context.Context, g globals, charts string, stdin io.Reader, stdout, stderr io.Writer) int {
	a, err := open(ctx, g, stderr, false)
	if err != nil {
		fmt.Fprintln(stderr, "newsdesk:", err)
		return exitError
	}
	a.ix.KeepWarm()
	defer a.Close()
	a.bot.Digests = a.consoleDigests(stdout)
	a.bot.Feeds = a.consoleFeeds()
	interactive := isTerminal(stdin)
	o := console.Options{Interactive: interactive, Color: interactive && isTerminal(stdout), Width: console.Width(stdout), ChartDir: charts}
	if err := console.RunOptions(ctx, a.bot, stdin, stdout, o); err != nil {
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

func cmdAsk(ctx context.Context, g globals, line string, asJSON bool, pngPath string, stdout, stderr io.Writer) int {
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
	a.bot.Feeds = a.consoleFeeds()
	r := a.bot.Handle(ctx, bot.Request{Platform: "console", Channel: "local", User: "local", Text: line})
	saved := ""
	if pngPath != "" && r.Kind != bot.KindError {
		if r.Chart == nil {
			fmt.Fprintln(stderr, "newsdesk: --png: the answer holds no chart (only trend draws one)")
			return exitError
		}
		if saved, err = console.SaveChart(pngPath, r.Chart); err != nil {
			fmt.Fprintln(stderr, "newsdesk:", err)
			return exitError
		}
	}
	if asJSON {
		j := console.JSON(r)
		if j.Chart != nil {
			j.Chart.File = saved
		}
		if err := console.WriteJSONReply(stdout, j); err != nil {
			fmt.Fprintln(stderr, "newsdesk:", err)
			return exitError
		}
	} else if r.Kind != bot.KindError {
		fmt.Fprint(stdout, console.Render(r, false))
		switch {
		case saved != "":
			fmt.Fprintln(stdout, "Chart written to "+saved)
		case r.Chart != nil:
			fmt.Fprintln(stdout, "(The chart is an image: add --png FILE to save it.)")
		}
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
	var bar *progress.Bar
	res, err := a.in.PathsProgress(ctx, func(p ingest.Progress) {
		if bar == nil {
			bar = progress.New(stderr, isTerminal(stderr), p.BytesTotal, "ingest", true)
		}
		bar.Set(p.Bytes, progress.Files(p.Files, p.FilesTotal, p.Articles))
	}, paths...)
	bar.Done()
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
