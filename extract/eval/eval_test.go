package eval

import (
	"context"
	"strings"
	"testing"

	"github.com/newsdesk/newsdesk/news"
)

// fixed is an extractor that answers with given statements per document
// title: eval's scoring is what is under test here.
type fixed map[string][]news.Statement

func (f fixed) Extract(_ context.Context, docs []news.Document) ([][]news.Statement, error) {
	out := make([][]news.Statement, len(docs))
	for i, d := range docs {
		out[i] = f[d.Title]
	}
	return out, nil
}

const set = `{"id":"a#1","title":"A","publisher":"","published":"2024-03-25","text":"The NCSC said China's MSS hacked the Commission. The weather was fine.","statements":[{"sentence":"The NCSC said China's MSS hacked","kind":"allegation","speaker_country":["GB"],"accused":["MSS","CN"],"confidence":"almost certain"}]}
{"id":"b#1","title":"B says sanctions","publisher":"","published":"","text":"Treasury designated Hainan Xiandun Technology Development Co. for hacking.","statements":[{"sentence":"Treasury designated Hainan Xiandun","kind":"sanction","speaker_country":["US"],"accused":["Hainan Xiandun Technology Development Co."],"confidence":""}]}
{"id":"c","title":"C","publisher":"","published":"","text":"Nothing here.","statements":[]}
`

func TestEvaluate(t *testing.T) {
	recs, err := Read(strings.NewReader(set))
	if err != nil {
		t.Fatal(err)
	}
	ex := fixed{
		"A": {{Kind: news.Allegation, SpeakerCountry: []string{"GB"}, Accused: []string{"MSS", "CN"}, Confidence: "likely", Sentence: "The NCSC said China's MSS hacked the Commission.", Offset: 0}},
		"B says sanctions": {
			{Kind: news.Sanction, Sentence: "B says sanctions", Offset: -1}, // headline of a paragraph record: not labelled, not scored
			{Kind: news.Allegation, SpeakerCountry: []string{"US"}, Accused: []string{"Hainan Xiandun"}, Sentence: "Treasury designated Hainan Xiandun Technology Development Co. for hacking.", Offset: 0},
		},
		"C": {{Kind: news.Other, Sentence: "Nothing here.", Offset: 0}},
	}
	rep, err := Evaluate(context.Background(), ex, recs)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		got  Score
		want Score
	}{
		{"statement", rep.Statement, Score{TP: 2, Predicted: 3, Gold: 2}},
		{"kind", rep.Kind, Score{TP: 1, Predicted: 3, Gold: 2}},
		{"allegation", rep.PerKind[news.Allegation], Score{TP: 1, Predicted: 2, Gold: 1}},
		{"sanction", rep.PerKind[news.Sanction], Score{TP: 0, Predicted: 0, Gold: 1}},
		{"other", rep.PerKind[news.Other], Score{TP: 0, Predicted: 1, Gold: 0}},
		{"accused", rep.Accused, Score{TP: 3, Predicted: 3, Gold: 3}},
		{"speaker country", rep.SpeakerCountry, Score{TP: 2, Predicted: 2, Gold: 2}},
		{"confidence", rep.Confidence, Score{TP: 0, Predicted: 1, Gold: 1}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("%s = %+v, want %+v", tt.name, tt.got, tt.want)
			}
		})
	}
	if rep.Kind.F1() <= 0 || rep.Kind.F1() >= 1 {
		t.Errorf("kind F1 = %v", rep.Kind.F1())
	}
	if !strings.Contains(rep.String(), "statement+kind") {
		t.Errorf("report lacks the statement+kind line:\n%s", rep)
	}
}

func TestReadErrors(t *testing.T) {
	for name, in := range map[string]string{
		"not json":        "{",
		"no id":           `{"text":"x","statements":[]}`,
		"bad kind":        `{"id":"x","text":"The FBI said so.","statements":[{"sentence":"The FBI said so.","kind":"rumour"}]}`,
		"sentence not in": `{"id":"x","text":"The FBI said so.","statements":[{"sentence":"The NSA said","kind":"allegation"}]}`,
		"unknown field":   `{"id":"x","text":"t","statements":[],"colour":"red"}`,
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Read(strings.NewReader(in)); err == nil {
				t.Errorf("Read(%s) succeeded", name)
			}
		})
	}
}

func TestSameName(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{"CN", "CN", true},
		{"CN", "RU", false},
		{"Hainan Xiandun", "Hainan Xiandun Technology Development Co.", true},
		{"the GRU", "GRU", true},
		{"MSS", "MSS Tianjin", false}, // short names must match exactly
	} {
		if got := sameName(tt.a, tt.b); got != tt.want {
			t.Errorf("sameName(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
