package extract

import (
	"bytes"
	"testing"

	"github.com/newsdesk/newsdesk/extract/eval"
	"github.com/newsdesk/newsdesk/extract/model"
)

// TestModelMatchesData proves the embedded model is what the committed
// training data trains (go generate ./extract/...), byte for byte.
func TestModelMatchesData(t *testing.T) {
	files, err := TrainFiles(TrainDir)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := eval.ReadFiles(files...)
	if err != nil {
		t.Fatal(err)
	}
	m, st, err := Train(nil, recs, model.DefaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := m.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), model.Embedded()) {
		t.Fatalf("model/statement.model differs from what data/train trains (%d records, %d sentences); run go generate ./extract/...", st.Records, st.Sentences)
	}
	if len(st.Unplaced) > 0 {
		t.Errorf("%d labels whose sentence is not in its record, e.g. %s", len(st.Unplaced), st.Unplaced[0])
	}
}

// TestDevSets scores the development sets (testdata/dev: the old
// labelled, held-out and blind sets, which guided the rules that are now
// features). It logs the figures and fails only below floors set under the
// statement model's first run on them (statement+kind F1 0.57): they are
// not a measure of generalisation, the frozen test set is.
func TestDevSets(t *testing.T) {
	recs, err := eval.ReadFiles("testdata/dev/dev-labelled.jsonl", "testdata/dev/dev-heldout.jsonl", "testdata/dev/dev-blind.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := eval.Evaluate(t.Context(), New(nil), recs)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("development sets:\n%s", rep)
	if f := rep.Kind.F1(); f < 0.45 {
		t.Errorf("statement+kind F1 on the development sets = %.2f, below the floor of 0.45", f)
	}
	if f := rep.Accused.F1(); f < 0.80 {
		t.Errorf("accused F1 on the development sets = %.2f, below the floor of 0.80", f)
	}
}
