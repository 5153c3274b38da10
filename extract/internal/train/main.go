// Command train regenerates extract/model/statement.model from the labelled
// training data in extract/data/train (go generate ./extract/...). The same
// data always gives the same bytes.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/newsdesk/newsdesk/extract"
	"github.com/newsdesk/newsdesk/extract/eval"
	"github.com/newsdesk/newsdesk/extract/model"
)

func main() {
	data := flag.String("data", extract.TrainDir, "directory of *.jsonl training files")
	out := flag.String("out", "model/statement.model", "model file to write")
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
