package extract

import (
	"os"
	"strings"
	"testing"
)

// TestEval holds the extractor to the targets on the hand-labelled set:
// F1 >= 0.9 for kind and accused, >= 0.85 for speaker country.
func TestEval(t *testing.T) {
	f, err := os.Open("testdata/eval/labelled.jsonl")
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
	}{{"kind", rep.Kind, 0.9}, {"accused", rep.Accused, 0.9}, {"speaker_country", rep.SpeakerCountry, 0.85}} {
		if c.s.F1() < c.min {
			t.Errorf("%s F1 = %.3f, want >= %.2f", c.name, c.s.F1(), c.min)
		}
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
