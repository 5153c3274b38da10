// Command train regenerates extract/model/statement.model from the labelled
// training data in extract/data/train (go generate ./extract/...). The same
// data always gives the same bytes.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"hash/fnv"
	"os"
	"strings"
	"time"

	"github.com/newsdesk/newsdesk/extract"
	"github.com/newsdesk/newsdesk/extract/eval"
	"github.com/newsdesk/newsdesk/extract/model"
)

func main() {
	data := flag.String("data", extract.TrainDir, "directory of *.jsonl training files")
	out := flag.String("out", "model/statement.model", "model file to write")
	folds := flag.Int("cv", 0, "instead of writing the model, print an N-fold cross-validation over the training documents (by origin)")
	flag.Parse()
	t0 := time.Now()
	files, err := extract.TrainFiles(*data)
	if err != nil {
		fmt.Fprintln(os.Stderr, "train:", err)
		os.Exit(1)
	}
	recs, err := eval.ReadFiles(files...)
	if err != nil {
		fmt.Fprintln(os.Stderr, "train:", err)
		os.Exit(1)
	}
	if *folds > 1 {
		crossValidate(recs, *folds)
		return
	}
	m, st, err := extract.Train(nil, recs, model.DefaultOptions)
	if err != nil {
		fmt.Fprintln(os.Stderr, "train:", err)
		os.Exit(1)
	}
	var b bytes.Buffer
	if _, err := m.WriteTo(&b); err != nil {
		fmt.Fprintln(os.Stderr, "train:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, b.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "train:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "train: %d records, %d sentences %v, %d features, %d labels not placed, %s -> %s\n",
		st.Records, st.Sentences, st.ByClass, m.Features(), len(st.Unplaced), time.Since(t0).Round(time.Millisecond), *out)
	for _, u := range st.Unplaced {
		fmt.Fprintln(os.Stderr, "  not placed:", u)
	}
}

// crossValidate trains on all folds but one and scores the held-out fold,
// for each fold, splitting by document (paragraphs of one document stay
// together), and prints the pooled scores per origin (written, real).
func crossValidate(recs []eval.Record, folds int) {
	doc := func(id string) string {
		if i := strings.Index(id, "#"); i >= 0 {
			return id[:i]
		}
		return id
	}
	pooled := map[string]*eval.Report{}
	for f := 0; f < folds; f++ {
		var tr, te []eval.Record
		for _, r := range recs {
			h := fnv.New32a()
			h.Write([]byte(doc(r.ID)))
			if int(h.Sum32()%uint32(folds)) == f {
				te = append(te, r)
			} else {
				tr = append(tr, r)
			}
		}
		m, _, err := extract.Train(nil, tr, model.DefaultOptions)
		if err != nil {
			fmt.Fprintln(os.Stderr, "train:", err)
			os.Exit(1)
		}
		var b bytes.Buffer
		m.WriteTo(&b)
		ex := extract.NewWithModel(nil, m, b.Bytes())
		byOrigin := map[string][]eval.Record{}
		for _, r := range te {
			byOrigin[r.Origin] = append(byOrigin[r.Origin], r)
		}
		for origin, sub := range byOrigin {
			rep, err := eval.Evaluate(context.Background(), ex, sub)
			if err != nil {
				fmt.Fprintln(os.Stderr, "train:", err)
				os.Exit(1)
			}
			if pooled[origin] == nil {
				pooled[origin] = &eval.Report{}
			}
			pooled[origin].Add(rep)
		}
	}
	for _, origin := range []string{"written", "real"} {
		if r := pooled[origin]; r != nil {
			fmt.Printf("%d-fold cross-validation, %s training records:\n%s\n", folds, origin, r)
		}
	}
}
