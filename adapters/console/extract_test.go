package console

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/newsdesk/newsdesk/news"
)

func TestWriteStatements(t *testing.T) {
	art := news.Article{ID: "abcabcabcabc", Title: "UK \x1b[31mblames\x1b[0m China"}
	sts := []news.Statement{{Kind: news.Allegation, Speaker: "the NCSC", SpeakerCountry: []string{"GB"}, Accused: []string{"APT31"},
		Confidence: "almost certain", EventDate: "2021", Sentence: "The NCSC said APT31 was \x07almost certainly responsible.", Offset: 12, Probability: 0.97}}
	var buf bytes.Buffer
	WriteStatements(&buf, art, sts, false, false)
	want := "== UK [31mblames[0m China ==\n1. [ALLEGATION 0.97] the NCSC (GB) → APT31 · almost certain · 2021\n   \"The NCSC said APT31 was almost certainly responsible.\" (offset 12)\n"
	if got := buf.String(); got != want {
		t.Errorf("text:\n got %q\nwant %q", got, want)
	}
	buf.Reset()
	WriteStatements(&buf, art, nil, true, true)
	var j struct {
		ID         string           `json:"id"`
		Statements []news.Statement `json:"statements"`
	}
	if err := json.Unmarshal(buf.Bytes(), &j); err != nil || j.ID != art.ID || j.Statements == nil || len(j.Statements) != 0 {
		t.Errorf("json for a record with no statements: %s (%v)", buf.String(), err)
	}
}
