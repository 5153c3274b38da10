package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/newsdesk/newsdesk/actors"
	"github.com/newsdesk/newsdesk/adapters/console"
	"github.com/newsdesk/newsdesk/extract"
	"github.com/newsdesk/newsdesk/extract/eval"
	"github.com/newsdesk/newsdesk/ingest"
)

func cmdExtract(ctx context.Context, pos []string, evalFiles string, misses, asJSON, explain bool, stdout, stderr io.Writer) int {
	ex := extract.New(actors.Default())
	if evalFiles != "" {
		recs, err := eval.ReadFiles(strings.Split(evalFiles, ",")...)
		if err != nil {
			fmt.Fprintln(stderr, "newsdesk: evaluate:", err)
			return exitError
		}
		rep, err := eval.Evaluate(ctx, ex, recs)
		if err != nil {
			fmt.Fprintln(stderr, "newsdesk: evaluate:", err)
			return exitError
		}
		fmt.Fprintf(stdout, "extractor %s\n", ex.Version())
		fmt.Fprint(stdout, rep.String())
		if misses {
			for _, m := range rep.Misses {
				fmt.Fprintln(stdout, console.Clean(m))
			}
		}
		return exitOK
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "usage: newsdesk extract FILE [--json|--explain] | newsdesk extract --eval FILE[,FILE]")
		return exitUsage
	}
	arts, errs := ingest.ParseFile(pos[0])
	for _, e := range errs {
		fmt.Fprintln(stderr, "newsdesk:", e)
	}
	if len(errs) > 0 && len(arts) == 0 {
		return exitError
	}
	code := exitOK
	for _, art := range arts {
		if explain {
			exps, err := ex.Explain(art.Document(), 8)
			if err != nil {
				fmt.Fprintf(stderr, "newsdesk: %s: %v\n", pos[0], err)
				code = exitError
				continue
			}
			console.WriteExplanations(stdout, art.Title, exps, asJSON)
			continue
		}
		sts, err := ex.Document(art.Document())
		if err != nil {
			fmt.Fprintf(stderr, "newsdesk: %s: %v\n", pos[0], err)
			code = exitError
			continue
		}
		console.WriteStatements(stdout, art, sts, asJSON, isRecords(pos[0]))
	}
	return code
}
