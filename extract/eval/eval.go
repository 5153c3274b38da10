// Package eval owns the labelled-data format of extraction (training,
// development and test sets alike) and the scoring of any Extractor against
// it: statement detection, statement+kind per kind, and each field
// (speaker country, accused, confidence, targets) on its own.
//
// The format and the labelling rules are in extract/data/GUIDELINE.md.
// eval imports the standard library and news only.
package eval

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/newsdesk/newsdesk/news"
)

// Record is one labelled paragraph (or article) with where it came from.
// A sentence of Text or Title with no Label is a negative example.
type Record struct {
	ID     string `json:"id"`
	Source struct {
		Record    string `json:"record,omitempty"`
		URL       string `json:"url,omitempty"`
		Paragraph int    `json:"paragraph,omitempty"`
	} `json:"source"`
	Title      string  `json:"title"`
	Publisher  string  `json:"publisher"`
	Published  string  `json:"published"` // YYYY-MM-DD or empty
	Licence    string  `json:"licence,omitempty"`
	Origin     string  `json:"origin,omitempty"` // "real" or "written"
	Style      string  `json:"style,omitempty"`
	Event      string  `json:"event,omitempty"`
	Text       string  `json:"text"`
	Statements []Label `json:"statements"`
	Note       string  `json:"note,omitempty"`
}

// Label is one hand-labelled statement. Sentence is an excerpt of the
// sentence that carries it; a predicted statement matches when one
// contains the other.
type Label struct {
	Sentence       string    `json:"sentence"`
	Kind           news.Kind `json:"kind"`
	Speaker        string    `json:"speaker,omitempty"`
	SpeakerCountry []string  `json:"speaker_country"`
	Accused        []string  `json:"accused"`
	Targets        []string  `json:"targets,omitempty"`
	Confidence     string    `json:"confidence"`
	EventDate      string    `json:"event_date,omitempty"`
}

// Document is what an extractor reads of r.
func (r Record) Document() news.Document {
	d := news.Document{ID: r.ID, Title: r.Title, Body: r.Text, Publisher: r.Publisher}
	if r.Published != "" {
		d.Published, _ = time.Parse("2006-01-02", r.Published)
	}
	return d
}

// Read parses a JSON Lines file of records, refusing a record with no id,
// an unknown kind or a statement whose sentence is not in its text.
func Read(r io.Reader) ([]Record, error) {
	var out []Record
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	line := 0
	for sc.Scan() {
		line++
		b := strings.TrimSpace(sc.Text())
		if b == "" {
			continue
		}
		var rec Record
		dec := json.NewDecoder(strings.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&rec); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if rec.ID == "" {
			return nil, fmt.Errorf("line %d: record has no id", line)
		}
		for _, l := range rec.Statements {
			if !l.Kind.Valid() {
				return nil, fmt.Errorf("line %d (%s): kind %q is not one of %v", line, rec.ID, l.Kind, news.Kinds)
			}
			if !strings.Contains(norm(rec.Text), norm(l.Sentence)) && !strings.Contains(norm(rec.Title), norm(l.Sentence)) {
				return nil, fmt.Errorf("line %d (%s): sentence %q is not in the record's text or title", line, rec.ID, clip(l.Sentence))
			}
		}
		out = append(out, rec)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read labelled file: %w", err)
	}
	return out, nil
}

// ReadFiles reads and concatenates labelled files.
func ReadFiles(paths ...string) ([]Record, error) {
	var out []Record
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		recs, err := Read(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		out = append(out, recs...)
	}
	return out, nil
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

// Report is the score of an extractor on a labelled set.
type Report struct {
	Records, Labelled, Predicted int
	Statement                    Score // a statement found where one is labelled, any kind
	Kind                         Score // statement + kind
	PerKind                      map[news.Kind]Score
	Speaker                      Score // on matched statements with a labelled speaker: the same words, or one containing the other
	SpeakerCountry               Score // on matched statements
	Accused                      Score // on matched statements
	Confidence                   Score // statements with a stated confidence
	Targets                      Score // on matched statements
	Misses                       []string
}

// Fields lists the report's scores by name, in a fixed order.
func (r Report) Fields() []struct {
	Name  string
	Score Score
} {
	out := []struct {
		Name  string
		Score Score
	}{
		{"statement", r.Statement}, {"statement+kind", r.Kind},
	}
	for _, k := range news.Kinds {
		out = append(out, struct {
			Name  string
			Score Score
		}{"  " + string(k), r.PerKind[k]})
	}
	out = append(out, []struct {
		Name  string
		Score Score
	}{{"speaker", r.Speaker}, {"speaker country", r.SpeakerCountry}, {"accused", r.Accused}, {"confidence", r.Confidence}, {"targets", r.Targets}}...)
	return out
}

func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d records, %d labelled statements, %d predicted\n", r.Records, r.Labelled, r.Predicted)
	fmt.Fprintf(&b, "%-16s %9s %9s %6s %9s\n", "field", "precision", "recall", "F1", "tp/pred/gold")
	for _, f := range r.Fields() {
		fmt.Fprintf(&b, "%-16s %9.2f %9.2f %6.2f %5d/%d/%d\n", f.Name, f.Score.Precision(), f.Score.Recall(), f.Score.F1(), f.Score.TP, f.Score.Predicted, f.Score.Gold)
	}
	return b.String()
}

// Extractor is what eval scores.
type Extractor interface {
	Extract(ctx context.Context, docs []news.Document) ([][]news.Statement, error)
}

// Evaluate runs ex over every record and scores it.
func Evaluate(ctx context.Context, ex Extractor, recs []Record) (Report, error) {
	docs := make([]news.Document, len(recs))
	for i, r := range recs {
		docs[i] = r.Document()
	}
	preds, err := ex.Extract(ctx, docs)
	if err != nil {
		return Report{}, fmt.Errorf("extract: %w", err)
	}
	rep := Report{PerKind: map[news.Kind]Score{}}
	for i, rec := range recs {
		rep.add(rec, preds[i])
	}
	return rep, nil
}

func (rep *Report) add(rec Record, pred []news.Statement) {
	if strings.Contains(rec.ID, "#") && !titleLabelled(rec) {
		// a paragraph record repeats its document's headline: the
		// headline is scored only where the labeller labelled it
		pred = slices.DeleteFunc(slices.Clone(pred), func(p news.Statement) bool { return p.Offset < 0 })
	}
	rep.Records++
	rep.Labelled += len(rec.Statements)
	rep.Predicted += len(pred)
	used := make([]bool, len(pred))
	bump := func(k news.Kind, f func(*Score)) {
		s := rep.PerKind[k]
		f(&s)
		rep.PerKind[k] = s
	}
	for _, l := range rec.Statements {
		rep.Statement.Gold++
		rep.Kind.Gold++
		bump(l.Kind, func(s *Score) { s.Gold++ })
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
		rep.Statement.TP++
		if p.Kind == l.Kind {
			rep.Kind.TP++
			bump(l.Kind, func(s *Score) { s.TP++ })
		}
		if l.Speaker != "" {
			rep.Speaker.Gold++
			if p.Speaker != "" {
				rep.Speaker.Predicted++
				if sameName(strings.TrimPrefix(p.Speaker, "The "), strings.TrimPrefix(l.Speaker, "The ")) {
					rep.Speaker.TP++
				}
			}
		}
		rep.SpeakerCountry.Gold += len(l.SpeakerCountry)
		rep.SpeakerCountry.Predicted += len(p.SpeakerCountry)
		rep.Accused.Gold += len(l.Accused)
		rep.Accused.Predicted += len(p.Accused)
		rep.Targets.Gold += len(l.Targets)
		rep.Targets.Predicted += len(p.Targets)
		sc, ac, tc := inter(p.SpeakerCountry, l.SpeakerCountry), inter(p.Accused, l.Accused), inter(p.Targets, l.Targets)
		rep.SpeakerCountry.TP += sc
		rep.Accused.TP += ac
		rep.Targets.TP += tc
		if l.Confidence != "" && p.Confidence == l.Confidence {
			rep.Confidence.TP++
		}
		if p.Kind != l.Kind || sc != len(l.SpeakerCountry) || sc != len(p.SpeakerCountry) || ac != len(l.Accused) || ac != len(p.Accused) || p.Confidence != l.Confidence {
			rep.Misses = append(rep.Misses, fmt.Sprintf("%s: got %s %v->%v %q, want %s %v->%v %q: %q", rec.ID, p.Kind, p.SpeakerCountry, p.Accused, p.Confidence, l.Kind, l.SpeakerCountry, l.Accused, l.Confidence, clip(l.Sentence)))
		}
	}
	for i, p := range pred {
		rep.Statement.Predicted++
		rep.Kind.Predicted++
		bump(p.Kind, func(s *Score) { s.Predicted++ })
		if p.Confidence != "" {
			rep.Confidence.Predicted++
		}
		if !used[i] {
			rep.Misses = append(rep.Misses, fmt.Sprintf("%s: extra %s %v->%v %q", rec.ID, p.Kind, p.SpeakerCountry, p.Accused, clip(p.Sentence)))
		}
	}
}

func titleLabelled(rec Record) bool {
	for _, l := range rec.Statements {
		if strings.Contains(norm(rec.Title), norm(l.Sentence)) {
			return true
		}
	}
	return false
}

// Add pools o into r (cross-validation folds).
func (r *Report) Add(o Report) {
	r.Records += o.Records
	r.Labelled += o.Labelled
	r.Predicted += o.Predicted
	add := func(a *Score, b Score) { a.TP += b.TP; a.Predicted += b.Predicted; a.Gold += b.Gold }
	add(&r.Statement, o.Statement)
	add(&r.Kind, o.Kind)
	add(&r.Speaker, o.Speaker)
	add(&r.SpeakerCountry, o.SpeakerCountry)
	add(&r.Accused, o.Accused)
	add(&r.Confidence, o.Confidence)
	add(&r.Targets, o.Targets)
	if r.PerKind == nil {
		r.PerKind = map[news.Kind]Score{}
	}
	for k, s := range o.PerKind {
		t := r.PerKind[k]
		add(&t, s)
		r.PerKind[k] = t
	}
	r.Misses = append(r.Misses, o.Misses...)
}

// Counts returns how many records, sentences-with-statements and statements
// of each kind a set holds.
func Counts(recs []Record) (records, statements int, kinds map[news.Kind]int) {
	kinds = map[news.Kind]int{}
	for _, r := range recs {
		for _, l := range r.Statements {
			statements++
			kinds[l.Kind]++
		}
	}
	return len(recs), statements, kinds
}

// SortedKinds returns the kinds of m in digest order.
func SortedKinds(m map[news.Kind]int) []news.Kind {
	ks := make([]news.Kind, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool { return slices.Index(news.Kinds, ks[i]) < slices.Index(news.Kinds, ks[j]) })
	return ks
}

func norm(s string) string { return strings.Join(strings.Fields(s), " ") }

func clip(s string) string {
	if len(s) > 90 {
		return strings.ToValidUTF8(s[:90], "") + "…"
	}
	return s
}

// inter counts the values of a that b holds: country codes and canonical
// names exactly, other names (people, companies) case-insensitively and
// when one contains the other ("Hainan Xiandun" and "Hainan Xiandun
// Technology Development Co.").
func inter(a, b []string) int {
	n := 0
	used := make([]bool, len(b))
	for _, x := range a {
		for j, y := range b {
			if !used[j] && sameName(x, y) {
				used[j] = true
				n++
				break
			}
		}
	}
	return n
}

func sameName(x, y string) bool {
	if x == y {
		return true
	}
	lx, ly := strings.ToLower(strings.TrimPrefix(x, "the ")), strings.ToLower(strings.TrimPrefix(y, "the "))
	if lx == ly {
		return true
	}
	if len(lx) < 5 || len(ly) < 5 {
		return false
	}
	return strings.Contains(lx, ly) || strings.Contains(ly, lx)
}
