package console

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/extract"
	"github.com/newsdesk/newsdesk/news"
)

// WriteStatements prints the statements extracted from art (newsdesk
// extract FILE): numbered lines with kind, probability, who → whom,
// confidence and event date, then the sentence; with asJSON one JSON
// object, which carries the article's id and title when records is true
// (a records file holds many articles).
func WriteStatements(w io.Writer, art news.Article, sts []news.Statement, asJSON, records bool) {
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
	fmt.Fprintf(w, "== %s ==\n", Clean(art.Title))
	for i, s := range sts {
		it := bot.Item{Kind: s.Kind, Speaker: s.Speaker, SpeakerCountry: s.SpeakerCountry, Accused: s.Accused, Confidence: s.Confidence}
		fmt.Fprintf(w, "%d. [%s %.2f] %s", i+1, strings.ToUpper(string(s.Kind)), s.Probability, Clean(Who(it)))
		if s.Confidence != "" {
			fmt.Fprintf(w, " · %s", s.Confidence)
		}
		if s.EventDate != "" {
			fmt.Fprintf(w, " · %s", s.EventDate)
		}
		fmt.Fprintf(w, "\n   %q (offset %d)\n", Clean(s.Sentence), s.Offset)
	}
}

// WriteExplanations prints, per sentence, the model's probability of each
// class and the features that weighed most (newsdesk extract --explain).
func WriteExplanations(w io.Writer, title string, exps []extract.Explanation, asJSON bool) {
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
	fmt.Fprintf(w, "== %s ==\n", Clean(title))
	for i, e := range exps {
		fmt.Fprintf(w, "%d. %s  %q\n   ", i+1, strings.ToUpper(e.Kind), Clean(e.Text))
		for _, c := range extract.Classes {
			fmt.Fprintf(w, " %s %.2f", c, e.Probabilities[c])
		}
		fmt.Fprintln(w)
		if len(e.Weighed) > 0 {
			parts := make([]string, len(e.Weighed))
			for j, c := range e.Weighed {
				parts[j] = fmt.Sprintf("%s %+.2f", c.Feature, c.Weight)
			}
			fmt.Fprintf(w, "    weighed: %s\n", Clean(strings.Join(parts, ", ")))
		}
	}
}
