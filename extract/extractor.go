package extract

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/newsdesk/newsdesk/actors"
	"github.com/newsdesk/newsdesk/extract/model"
	"github.com/newsdesk/newsdesk/news"
)

// Classes are the model's classes: "none" (not a statement), then the kinds.
var Classes = []string{"none", string(news.Allegation), string(news.Indictment), string(news.Sanction), string(news.Response), string(news.Other)}

// rulesVersion changes whenever the features or field rules change in a way
// that changes what Extract returns for the same model.
const rulesVersion = "rules-2"

// Extractor finds statements in documents: the rules analyse each sentence
// and name its features, the model decides. It is safe for concurrent use.
type Extractor struct {
	g       *actors.Gazetteer
	m       *model.Model
	version string
	workers int
	// a sentence is a statement when its likeliest class is a kind and
	// P(none) is below threshold
	threshold float64
}

// Threshold is the default decision threshold on P(none), chosen by
// cross-validation on the training data (never on the test set).
const Threshold = 0.5

// New returns an Extractor resolving actor names through g (nil: the
// embedded gazetteer) and deciding with the embedded model.
func New(g *actors.Gazetteer) *Extractor {
	m, err := model.Default()
	if err != nil {
		panic(err) // the embedded model is part of the build; TestModelMatchesData guards it
	}
	return NewWithModel(g, m, model.Embedded())
}

// NewWithModel returns an Extractor deciding with m; modelBytes (the model
// file) names its version.
func NewWithModel(g *actors.Gazetteer, m *model.Model, modelBytes []byte) *Extractor {
	if g == nil {
		g = actors.Default()
	}
	sum := sha256.Sum256(modelBytes)
	return &Extractor{g: g, m: m, version: rulesVersion + "+model-" + hex.EncodeToString(sum[:6]), workers: runtime.GOMAXPROCS(0), threshold: Threshold}
}

// WithThreshold returns a copy of e deciding with threshold t on P(none).
func (e *Extractor) WithThreshold(t float64) *Extractor {
	c := *e
	c.threshold = t
	return &c
}

// Version names the rules and model that produce the statements: articles
// extracted by another version are re-extracted by reindex.
func (e *Extractor) Version() string { return e.version }

// Extract returns the statements of each document, in text order (title
// first), in the order of docs. Documents are extracted in parallel on all
// cores. A document that cannot be extracted (over MaxBody) gets no
// statements and a *news.DocumentError in the returned error (errors.Join);
// a cancelled ctx stops the batch with ctx's error.
func (e *Extractor) Extract(ctx context.Context, docs []news.Document) ([][]news.Statement, error) {
	out := make([][]news.Statement, len(docs))
	errs := make([]error, len(docs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(e.workers, len(docs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				sts, err := e.Document(docs[i])
				if err != nil {
					errs[i] = &news.DocumentError{Index: i, ID: docs[i].ID, Err: err}
					continue
				}
				out[i] = sts
			}
		}()
	}
	var cerr error
feed:
	for i := range docs {
		select {
		case next <- i:
		case <-ctx.Done():
			cerr = ctx.Err()
			break feed
		}
	}
	close(next)
	wg.Wait()
	if cerr != nil {
		return nil, cerr
	}
	return out, errors.Join(errs...)
}

// Document returns the statements of one document.
func (e *Extractor) Document(doc news.Document) ([]news.Statement, error) {
	var out []news.Statement
	sc := e.m.Scorer()
	w := &featureWriter{emit: sc.Add}
	err := e.walk(doc, func(a *analysis, st *docState) {
		sc.Reset()
		e.features(st, a, w)
		if s, ok := e.decide(a, sc.Probabilities(), st); ok {
			out = append(out, s)
		}
	})
	return out, err
}

// decide is the model's answer p for one sentence as a statement, if any.
func (e *Extractor) decide(a *analysis, p []float64, st *docState) (news.Statement, bool) {
	best := 1
	for c := 2; c < len(p); c++ {
		if p[c] > p[best] {
			best = c
		}
	}
	if p[0] >= e.threshold || p[0] >= p[best] {
		return news.Statement{}, false
	}
	s := a.statement(st, news.Kind(Classes[best]))
	s.Probability = float64(int(p[best]*1000+0.5)) / 1000
	return s, true
}

// Sentence is one sentence as the model sees it.
type Sentence struct {
	Text     string   // as in the document (invalid UTF-8 repaired)
	Offset   int      // byte offset in the body; -1 in the title
	Features []string // feature names, in a fixed order
}

// Featurize returns every sentence of doc with its features: what the
// trainer learns from and what --explain shows.
func (e *Extractor) Featurize(doc news.Document) ([]Sentence, error) {
	var out []Sentence
	err := e.walk(doc, func(a *analysis, st *docState) {
		out = append(out, Sentence{Text: a.cleanedText, Offset: a.off, Features: e.featureNames(st, a)})
	})
	return out, err
}

// Explanation is the model's view of one sentence.
type Explanation struct {
	Sentence
	Probabilities map[string]float64   // by class
	Kind          string               // the decision: a kind, or "none"
	Weighed       []model.Contribution // the features that weighed most for Kind (for "none": for the likeliest kind)
	Statement     *news.Statement      // the statement, when Kind is not "none"
}

// Explain returns, for each sentence of doc, the model's probabilities and
// the n features that weighed most.
func (e *Extractor) Explain(doc news.Document, n int) ([]Explanation, error) {
	var out []Explanation
	err := e.walk(doc, func(a *analysis, st *docState) {
		feats := e.featureNames(st, a)
		p := e.m.Probabilities(feats)
		ex := Explanation{Sentence: Sentence{Text: a.cleanedText, Offset: a.off, Features: feats}, Probabilities: map[string]float64{}}
		best, alt := 0, 1
		for c := range p {
			ex.Probabilities[Classes[c]] = p[c]
			if p[c] > p[best] {
				best = c
			}
			if c > 0 && p[c] > p[alt] {
				alt = c
			}
		}
		ex.Kind = Classes[best]
		if s, ok := e.decide(a, p, st); ok {
			ex.Kind = string(s.Kind)
		}
		if ex.Kind != "none" {
			s, _ := e.decide(a, p, st)
			ex.Statement = &s
			alt = slices.Index(Classes, ex.Kind)
		}
		ex.Weighed = e.m.Explain(feats, alt, n)
		out = append(out, ex)
	})
	return out, err
}

// walk analyses every sentence of doc in order (title first) and calls fn
// with its analysis and the document state before it is noted (what the
// sentence's features are computed from).
func (e *Extractor) walk(doc news.Document, fn func(*analysis, *docState)) error {
	if len(doc.Body) > MaxBody {
		return fmt.Errorf("%w: body is %d bytes, the limit is %d (MaxBody); split the article", ErrTooLarge, len(doc.Body), MaxBody)
	}
	if len(doc.Title) > MaxBody {
		return fmt.Errorf("%w: title is %d bytes, the limit is %d (MaxBody)", ErrTooLarge, len(doc.Title), MaxBody)
	}
	st := &docState{g: e.g, persons: map[string]person{}, accusedCount: map[string]int{}, published: doc.Published}
	switch {
	case doc.PublisherCountry != "":
		// a source known to be an official body of that state: its name
		// need not say so, nor name the state
		st.publisher = []string{doc.PublisherCountry}
		st.pubName = strings.TrimPrefix(strings.TrimSpace(doc.Publisher), "The ")
	case doc.Publisher != "":
		ps := analyse(doc.Publisher)
		if ok, _ := ps.official(span{0, len(ps.toks)}); ok && len(ps.toks) > 0 {
			st.publisher = ps.spanCountries(span{0, len(ps.toks)})
			st.pubName = strings.TrimPrefix(doc.Publisher, "The ")
		}
	}
	one := func(text string, off int, para paraInfo) {
		a := e.sentence(st, text, off)
		a.para = para
		fn(a, st)
		st.noteSpeaker(a)
		if a.ruleKind == "" && a.perp && len(a.accused) > 0 {
			// who did it, whatever was decided: for "they", "the officers",
			// and the side that answers
			st.lastAccused, st.accusedAt = a.accused, st.n
			st.countAccused(a.accused)
		}
		if a.ruleKind != "" {
			// the document state follows the rules, not the model, so
			// that features never depend on earlier decisions
			st.note(a.statement(st, a.ruleKind))
			st.spokeAt = st.n
		}
	}
	for i, r := range sentences(doc.Title) {
		one(doc.Title[r[0]:r[1]], -1, paraInfo{first: i == 0})
	}
	paras := splitLines(doc.Body)
	question := false
	for _, p := range paras {
		text := doc.Body[p[0]:p[1]]
		base := p[0]
		var info paraInfo
		if lbl, n := transcriptLabel(text); lbl != "" {
			question = false
			st.label = lbl
			st.labelOfficial = true
			info.label = true
			text, base = text[n:], base+n
		} else if text == "Q" || (strings.HasPrefix(text, "Q ") || strings.HasPrefix(text, "Q:")) && (len(text) < 3 || text[2] >= 'A' && text[2] <= 'Z' || text[2] == ' ') {
			question = true
		} else if st.label != "" {
			info.label = true
		}
		info.question = question
		info.caption = isCaption(text)
		info.byline = isByline(text)
		rs := sentences(text)
		info.opensQ = len(rs) > 1 && strings.HasSuffix(strings.TrimRight(text[rs[0][0]:rs[0][1]], " \"'”’)"), "?")
		for i, r := range rs {
			in := info
			in.first = i == 0
			sen := text[r[0]:r[1]]
			in.colonQuote = colonQuote(sen) || i > 0 && strings.HasSuffix(strings.TrimSpace(text[rs[i-1][0]:rs[i-1][1]]), ":")
			one(sen, base+r[0], in)
		}
	}
	return nil
}

// isCaption: a photo caption or credit line ("(Photo: Reuters)", "Image:
// Getty", "Pictured: ...", "FILE PHOTO: ...").
func isCaption(p string) bool {
	l := strings.ToLower(p)
	for _, c := range []string{"(photo", "photo:", "photograph:", "image:", "(image", "pictured:", "file photo", "credit:", "(source:", "getty images", "(reuters)", "(afp)", "(ap photo"} {
		if strings.Contains(l, c) {
			return true
		}
	}
	return false
}

// isByline: "Reporting by ...", "Editing by ...", "By Jane Doe".
func isByline(p string) bool {
	l := strings.ToLower(p)
	for _, c := range []string{"reporting by", "additional reporting", "editing by", "writing by", "compiled by", "contributed reporting"} {
		if strings.HasPrefix(l, c) || strings.Contains(l, "; "+c) {
			return true
		}
	}
	return strings.HasPrefix(l, "by ") && len(strings.Fields(p)) <= 6
}

// colonQuote: the sentence introduces a quotation with a colon ("said: “...").
func colonQuote(s string) bool {
	for _, q := range []string{": \"", ": “", ":\"", ":“"} {
		if strings.Contains(s, q) {
			return true
		}
	}
	return false
}
