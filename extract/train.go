package extract

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/newsdesk/newsdesk/actors"
	"github.com/newsdesk/newsdesk/extract/eval"
	"github.com/newsdesk/newsdesk/extract/model"
)

// TrainDir is where the committed training data lives, relative to this
// package.
const TrainDir = "data/train"

// TrainStats says what a training run learnt from.
type TrainStats struct {
	Records, Sentences int
	ByClass            map[string]int
	Unplaced           []string // labels whose sentence no sentence of the text contains
}

// TrainFiles returns the training files in dir, sorted.
func TrainFiles(dir string) ([]string, error) {
	fs, err := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	if err != nil {
		return nil, err
	}
	if len(fs) == 0 {
		return nil, fmt.Errorf("no *.jsonl training files in %s", dir)
	}
	slices.Sort(fs)
	return fs, nil
}

// Train fits the statement model on labelled records: every sentence of
// every record is an example, of the class of the label its text carries,
// or "none".
func Train(g *actors.Gazetteer, recs []eval.Record, opt model.Options) (*model.Model, TrainStats, error) {
	e := &Extractor{g: g}
	if e.g == nil {
		e.g = actors.Default()
	}
	st := TrainStats{ByClass: map[string]int{}}
	var exs []model.Example
	for _, r := range recs {
		sents, err := e.Featurize(r.Document())
		if err != nil {
			return nil, st, fmt.Errorf("record %s: %w", r.ID, err)
		}
		st.Records++
		class := make([]int, len(sents))
		for _, l := range r.Statements {
			k := slices.Index(Classes, string(l.Kind))
			want := norm(l.Sentence)
			placed := false
			for i, s := range sents {
				if class[i] == 0 && strings.Contains(norm(s.Text), want) {
					class[i], placed = k, true
					break
				}
			}
			if !placed {
				// the labelled sentence spans several of ours: its first part
				for i, s := range sents {
					if t := norm(s.Text); class[i] == 0 && len(t) > 20 && strings.Contains(want, t) {
						class[i], placed = k, true
						break
					}
				}
			}
			if !placed {
				st.Unplaced = append(st.Unplaced, r.ID+": "+l.Sentence)
			}
		}
		for i, s := range sents {
			exs = append(exs, model.Example{Features: s.Features, Class: class[i]})
			st.ByClass[Classes[class[i]]]++
			st.Sentences++
		}
	}
	m, err := model.Train(Classes, exs, opt)
	return m, st, err
}

func norm(s string) string { return strings.Join(strings.Fields(s), " ") }
