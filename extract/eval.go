package extract

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/newsdesk/newsdesk/news"
)

// EvalRecord is one line of a labelled evaluation file (JSON Lines): a real
// paragraph, where it came from, and the statements a person found in it.
// A paragraph with no statements is a negative example.
//
//	{"id": "whitehouse:2022-09-07-...#1",
//	 "source": {"record": "whitehouse:2022-09-07-...", "url": "https://...", "paragraph": 1},
//	 "title": "Statement by NSC Spokesperson ...", "publisher": "The White House", "published": "2022-09-07",
//	 "text": "For weeks, the U.S. government ... We have concluded that the Government of Iran conducted ...",
//	 "statements": [{"sentence": "We have concluded that the Government of Iran conducted",
//	                 "kind": "allegation", "speaker_country": ["US"], "accused": ["IR"], "confidence": ""}]}
//
// "sentence" is a substring of the sentence the statement is in; a
// predicted statement matches a labelled one when its sentence contains it.
type EvalRecord struct {
	ID     string `json:"id"`
	Source struct {
		Record    string `json:"record"`
		URL       string `json:"url"`
		Paragraph int    `json:"paragraph"`
	} `json:"source"`
	Title      string      `json:"title"`
	Publisher  string      `json:"publisher"`
	Published  string      `json:"published"` // YYYY-MM-DD or empty
	Text       string      `json:"text"`
	Statements []EvalLabel `json:"statements"`
	Note       string      `json:"note,omitempty"`
}

// EvalLabel is one hand-labelled statement.
type EvalLabel struct {
	Sentence       string    `json:"sentence"`
	Kind           news.Kind `json:"kind"`
	SpeakerCountry []string  `json:"speaker_country"`
	Accused        []string  `json:"accused"`
	Confidence     string    `json:"confidence"`
}

// Score is precision, recall and F1 for one field, micro-averaged over
// statements (for list fields, over the (statement, value) pairs).
type Score struct {
	TP, Predicted, Gold int
}

// Precision is TP/Predicted (1 when nothing was predicted).
func (s Score) Precision() float64 {
	if s.Predicted == 0 {
		return 1
	}
	return float64(s.TP) / float64(s.Predicted)
}

// Recall is TP/Gold (1 when nothing was labelled).
func (s Score) Recall() float64 {
	if s.Gold == 0 {
		return 1
	}
	return float64(s.TP) / float64(s.Gold)
}

// F1 is the harmonic mean of precision and recall.
func (s Score) F1() float64 {
	p, r := s.Precision(), s.Recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// Report is the result of Evaluate.
type Report struct {
	Records, Labelled, Predicted              int
	Kind, SpeakerCountry, Accused, Confidence Score
	// Misses lists disagreements, one line each, for reading.
	Misses []string
}

// Fields returns the scores in a fixed order with their names.
func (r Report) Fields() []struct {
	Name  string
	Score Score
} {
	return []struct {
		Name  string
		Score Score
	}{{"kind", r.Kind}, {"speaker_country", r.SpeakerCountry}, {"accused", r.Accused}, {"confidence", r.Confidence}}
}

// String prints the report as a table.
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d paragraphs, %d labelled statements, %d predicted (title statements excluded)\n", r.Records, r.Labelled, r.Predicted)
	fmt.Fprintf(&b, "%-16s %9s %9s %9s %6s %6s %6s\n", "field", "precision", "recall", "F1", "tp", "pred", "gold")
	for _, f := range r.Fields() {
		fmt.Fprintf(&b, "%-16s %9.3f %9.3f %9.3f %6d %6d %6d\n", f.Name, f.Score.Precision(), f.Score.Recall(), f.Score.F1(), f.Score.TP, f.Score.Predicted, f.Score.Gold)
	}
	return b.String()
}

// ReadEval reads a labelled evaluation file.
func ReadEval(r io.Reader) ([]EvalRecord, error) {
	var out []EvalRecord
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), MaxBody+1<<16)
	line := 0
	for sc.Scan() {
		line++
		b := strings.TrimSpace(sc.Text())
		if b == "" {
			continue
		}
		var rec EvalRecord
		dec := json.NewDecoder(strings.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&rec); err != nil {
			return nil, fmt.Errorf("eval file line %d: %w (each line must be one JSON object; see extract.EvalRecord)", line, err)
		}
		if rec.Text == "" {
			return nil, fmt.Errorf("eval file line %d (%s): empty \"text\"", line, rec.ID)
		}
		if rec.Published != "" {
			if _, err := time.Parse("2006-01-02", rec.Published); err != nil {
				return nil, fmt.Errorf("eval file line %d (%s): \"published\" must be YYYY-MM-DD: %w", line, rec.ID, err)
			}
		}
		for i, l := range rec.Statements {
			if !l.Kind.Valid() {
				return nil, fmt.Errorf("eval file line %d (%s): statement %d has kind %q, want one of %v", line, rec.ID, i, l.Kind, news.Kinds)
			}
			if !strings.Contains(norm(rec.Text), norm(l.Sentence)) || strings.TrimSpace(l.Sentence) == "" {
				return nil, fmt.Errorf("eval file line %d (%s): statement %d sentence %q is not in the text", line, rec.ID, i, l.Sentence)
			}
			if l.Confidence != "" && !slices.Contains(news.Confidences, l.Confidence) {
				return nil, fmt.Errorf("eval file line %d (%s): statement %d confidence %q, want one of %q", line, rec.ID, i, l.Confidence, news.Confidences)
			}
		}
		out = append(out, rec)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read eval file: %w", err)
	}
	return out, nil
}

func norm(s string) string { return strings.Join(strings.Fields(s), " ") }

// Evaluate runs e over every paragraph of a labelled file and scores kind,
// speaker country, accused and confidence.
func Evaluate(e *Extractor, r io.Reader) (Report, error) {
	recs, err := ReadEval(r)
	if err != nil {
		return Report{}, err
	}
	var rep Report
	for _, rec := range recs {
		doc := Document{Title: rec.Title, Body: rec.Text, Publisher: rec.Publisher}
		if rec.Published != "" {
			doc.Published, _ = time.Parse("2006-01-02", rec.Published)
		}
		all, err := e.Extract(doc)
		if err != nil {
			return rep, fmt.Errorf("eval %s: %w", rec.ID, err)
		}
		var pred []news.Statement
		for _, s := range all {
			if s.Offset >= 0 {
				pred = append(pred, s)
			}
		}
		rep.Records++
		rep.Labelled += len(rec.Statements)
		rep.Predicted += len(pred)
		used := make([]bool, len(pred))
		for _, l := range rec.Statements {
			rep.Kind.Gold++
			rep.SpeakerCountry.Gold += len(l.SpeakerCountry)
			rep.Accused.Gold += len(l.Accused)
			if l.Confidence != "" {
				rep.Confidence.Gold++
			}
			m := -1
			for i, p := range pred {
				if !used[i] && (strings.Contains(norm(p.Sentence), norm(l.Sentence)) || strings.Contains(norm(l.Sentence), norm(p.Sentence))) {
					m = i
					break
				}
			}
			if m < 0 {
				rep.Misses = append(rep.Misses, fmt.Sprintf("%s: missed %s %v->%v %q", rec.ID, l.Kind, l.SpeakerCountry, l.Accused, clip(l.Sentence)))
				continue
			}
			used[m] = true
			p := pred[m]
			if p.Kind == l.Kind {
				rep.Kind.TP++
			}
			sc, ac := inter(p.SpeakerCountry, l.SpeakerCountry), inter(p.Accused, l.Accused)
			rep.SpeakerCountry.TP += sc
			rep.Accused.TP += ac
			if l.Confidence != "" && p.Confidence == l.Confidence {
				rep.Confidence.TP++
			}
			if p.Kind != l.Kind || sc != len(l.SpeakerCountry) || sc != len(p.SpeakerCountry) || ac != len(l.Accused) || ac != len(p.Accused) || p.Confidence != l.Confidence {
				rep.Misses = append(rep.Misses, fmt.Sprintf("%s: got %s %v->%v %q, want %s %v->%v %q: %q", rec.ID, p.Kind, p.SpeakerCountry, p.Accused, p.Confidence, l.Kind, l.SpeakerCountry, l.Accused, l.Confidence, clip(l.Sentence)))
			}
		}
		for i, p := range pred {
			rep.Kind.Predicted++
			rep.SpeakerCountry.Predicted += len(p.SpeakerCountry)
			rep.Accused.Predicted += len(p.Accused)
			if p.Confidence != "" {
				rep.Confidence.Predicted++
			}
			if !used[i] {
				rep.Misses = append(rep.Misses, fmt.Sprintf("%s: extra %s %v->%v %q", rec.ID, p.Kind, p.SpeakerCountry, p.Accused, clip(p.Sentence)))
			}
		}
	}
	return rep, nil
}

func clip(s string) string {
	if len(s) > 90 {
		return strings.ToValidUTF8(s[:90], "") + "…"
	}
	return s
}

func inter(a, b []string) int {
	n := 0
	for _, x := range a {
		if slices.Contains(b, x) {
			n++
		}
	}
	return n
}
