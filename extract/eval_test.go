package extract

import (
	"os"
	"strings"
	"testing"
)

// TestEval holds the extractor to its targets on the hand-labelled sets.
// labelled.jsonl is the development set the rules were written against
// (targets from issue 3: F1 >= 0.9 for kind and accused, >= 0.85 for speaker
// country). heldout.jsonl was labelled by reading before the extractor ever
// ran on it and is not used to tune rules; its floors stop regressions on
// text the rules were not written for. blind.jsonl was labelled without
// reading the extractor; it is a floor against regressions, not a target.
func TestEval(t *testing.T) {
	for _, set := range []struct {
		file                    string
		kind, accused, speakers float64
	}{
		{"testdata/eval/labelled.jsonl", 0.9, 0.9, 0.85},
		{"testdata/eval/heldout.jsonl", 0.85, 0.83, 0.85},
		// blind.jsonl was labelled by someone who never read the rules;
		// floors well under the measured F1 (0.66), to catch regressions
		{"testdata/eval/blind.jsonl", 0.6, 0.6, 0.6},
	} {
		t.Run(strings.TrimSuffix(set.file[len("testdata/eval/"):], ".jsonl"), func(t *testing.T) {
			f, err := os.Open(set.file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			rep, err := Evaluate(New(nil), f)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("\n%s", rep)
			if testing.Verbose() {
				for _, m := range rep.Misses {
					t.Log(m)
				}
			}
			if rep.Records < 40 {
				t.Errorf("only %d labelled paragraphs, want >= 40", rep.Records)
			}
			for _, c := range []struct {
				name string
				s    Score
				min  float64
			}{{"kind", rep.Kind, set.kind}, {"accused", rep.Accused, set.accused}, {"speaker_country", rep.SpeakerCountry, set.speakers}} {
				if c.s.F1() < c.min {
					t.Errorf("%s F1 = %.3f, want >= %.2f", c.name, c.s.F1(), c.min)
				}
			}
		})
	}
}

func TestReadEvalErrors(t *testing.T) {
	for name, in := range map[string]string{
		"not json":     "{",
		"unknown kind": `{"id":"x","text":"The FBI said so.","statements":[{"sentence":"FBI","kind":"blame"}]}`,
		"not in text":  `{"id":"x","text":"The FBI said so.","statements":[{"sentence":"NSA","kind":"other"}]}`,
		"bad date":     `{"id":"x","text":"The FBI said so.","published":"March 2024","statements":[]}`,
		"unknown key":  `{"id":"x","text":"The FBI said so.","statments":[]}`,
		"bad conf":     `{"id":"x","text":"The FBI said so.","statements":[{"sentence":"FBI","kind":"other","confidence":"sure"}]}`,
	} {
		if _, err := ReadEval(strings.NewReader(in)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
