// Command bench measures newsdesk's index against SQLite FTS5 on the same
// generated corpus and the same parsed queries, and prints one table.
//
//	cd bench && go run . -n 100000
//
// It generates -n statements with internal/corpusgen (seeded, from the
// public corpus), indexes them into newsdesk's index (package index, on
// disk) and into an SQLite FTS5 database (package fts), timing both, then
// runs every query kind of the command language on both engines,
// interleaved, -queries times per query, and prints medians, p99s and the
// ratio of medians. -keep DIR builds in DIR and reuses what it holds on the
// next run with the same -n and -seed.
//
// It lives in a module of its own so that the product does not depend on
// SQLite.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/newsdesk/newsdesk/internal/corpusgen"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	var cfg Config
	fs.IntVar(&cfg.Statements, "n", 10_000, "statements in the generated corpus")
	fs.IntVar(&cfg.Reps, "queries", 30, "timed runs of every query per engine")
	fs.Uint64Var(&cfg.Seed, "seed", 1, "corpus seed")
	fs.StringVar(&cfg.Keep, "keep", "", "build the indexes in this directory and reuse them when -n and -seed match (default: a temporary directory)")
	fs.StringVar(&cfg.Corpus, "corpus", "", "directory of the public corpus (default $NEWSDESK_CORPUS or "+corpusgen.DefaultDir+")")
	fs.IntVar(&cfg.Window, "window", 10_000, "statements in the digest window")
	quiet := fs.Bool("q", false, "no progress lines on stderr")
	verbose := fs.Bool("v", false, "also print each query's median and p99")
	kinds := fs.String("kinds", "", "comma-separated rows to run (match,filtered,phrase,alias,actor,fuzzy,latest,page 5,counts,show,digest); default all")
	fs.DurationVar(&cfg.Deadline, "deadline", 5*time.Minute, "deadline of one call")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the run (build and queries, both engines) to this file")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			return 1
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			return 1
		}
		defer pprof.StopCPUProfile()
	}
	if cfg.Statements < 100 {
		fmt.Fprintln(os.Stderr, "bench: -n must be at least 100")
		return 2
	}
	if !*quiet {
		cfg.Log = os.Stderr
	}
	if *kinds != "" {
		cfg.Kinds = strings.Split(*kinds, ",")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	rep, err := Run(ctx, cfg)
	if errors.Is(err, corpusgen.ErrNoCorpus) {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	rep.Print(os.Stdout)
	if *verbose {
		rep.PrintQueries(os.Stdout)
	}
	return 0
}
