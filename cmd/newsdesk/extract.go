package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/newsdesk/newsdesk/actors"
	"github.com/newsdesk/newsdesk/adapters/console"
	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/extract"
	"github.com/newsdesk/newsdesk/extract/eval"
	"github.com/newsdesk/newsdesk/ingest"
	"github.com/newsdesk/newsdesk/news"
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
			writeExplanations(stdout, art.Title, exps, asJSON)
			continue
		}
		sts, err := ex.Document(art.Document())
		if err != nil {
			fmt.Fprintf(stderr, "newsdesk: %s: %v\n", pos[0], err)
			code = exitError
			continue
		}
		writeStatements(stdout, art, sts, asJSON, isRecords(pos[0]))
	}
	return code
}

func writeStatements(w io.Writer, art news.Article, sts []news.Statement, asJSON, records bool) {
	if sts == nil {
		sts = []news.Statement{}
	}
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		if !records {
			_ = enc.Encode(struct {
				Statements []news.Statement `json:"statements"`
			}{sts})
			return
		}
		_ = enc.Encode(struct {
			ID         string           `json:"id,omitempty"`
			Title      string           `json:"title,omitempty"`
			Statements []news.Statement `json:"statements"`
		}{art.ID, art.Title, sts})
		return
	}
	fmt.Fprintf(w, "== %s ==\n", console.Clean(art.Title))
	for i, s := range sts {
		it := bot.Item{Kind: s.Kind, Speaker: s.Speaker, SpeakerCountry: s.SpeakerCountry, Accused: s.Accused, Confidence: s.Confidence}
		fmt.Fprintf(w, "%d. [%s %.2f] %s", i+1, strings.ToUpper(string(s.Kind)), s.Probability, console.Clean(console.Who(it)))
		if s.Confidence != "" {
			fmt.Fprintf(w, " · %s", s.Confidence)
		}
		if s.EventDate != "" {
			fmt.Fprintf(w, " · %s", s.EventDate)
		}
		fmt.Fprintf(w, "\n   %q (offset %d)\n", console.Clean(s.Sentence), s.Offset)
	}
}

func writeExplanations(w io.Writer, title string, exps []extract.Explanation, asJSON bool) {
	if asJSON {
		type weighed struct {
			Feature string  `json:"feature"`
			Weight  float64 `json:"weight"`
		}
		type item struct {
			Sentence      string             `json:"sentence"`
			Offset        int                `json:"offset"`
			Kind          string             `json:"kind"`
			Probabilities map[string]float64 `json:"probabilities"`
			Weighed       []weighed          `json:"weighed"`
			Statement     *news.Statement    `json:"statement,omitempty"`
		}
		out := make([]item, 0, len(exps))
		for _, e := range exps {
			it := item{Sentence: e.Text, Offset: e.Offset, Kind: e.Kind, Probabilities: e.Probabilities, Statement: e.Statement}
			for _, c := range e.Weighed {
				it.Weighed = append(it.Weighed, weighed{c.Feature, c.Weight})
			}
			out = append(out, it)
		}
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(struct {
			Sentences []item `json:"sentences"`
		}{out})
		return
	}
	fmt.Fprintf(w, "== %s ==\n", console.Clean(title))
	for i, e := range exps {
		fmt.Fprintf(w, "%d. %s  %q\n   ", i+1, strings.ToUpper(e.Kind), console.Clean(e.Text))
		for _, c := range extract.Classes {
			fmt.Fprintf(w, " %s %.2f", c, e.Probabilities[c])
		}
		fmt.Fprintln(w)
		if len(e.Weighed) > 0 {
			parts := make([]string, len(e.Weighed))
			for j, c := range e.Weighed {
				parts[j] = fmt.Sprintf("%s %+.2f", c.Feature, c.Weight)
			}
			fmt.Fprintf(w, "    weighed: %s\n", console.Clean(strings.Join(parts, ", ")))
		}
	}
}
