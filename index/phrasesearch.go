package index

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/scorer"
	bleveindex "github.com/blevesearch/bleve_index_api"
)

// phraseSearcher finds the documents whose field holds a phrase: the
// documents every term's reader holds, walked as a conjunction, then the
// terms' positions in each. It scores a match as Bleve's phrase searcher
// does: the sum of one term scorer per term of the phrase, built as
// Bleve's term searcher builds it, in the order Bleve's conjunction of
// those term searchers sums them. What it leaves out is the location map
// Bleve's searcher builds for every candidate.
type phraseSearcher struct {
	readers []bleveindex.TermFieldReader // one per distinct term
	tfds    []bleveindex.TermFieldDoc    // each reader's buffer
	cur     []*bleveindex.TermFieldDoc   // each reader's document; nil before the first
	at      []int                        // each position's reader, -1 for any term
	scorers []*scorer.TermQueryScorer    // one per term of the phrase, in summing order
	scored  []int                        // the reader each scorer scores
	score   bool
	count   uint64
	target  bleveindex.IndexInternalID
	started bool
	done    bool
	tfd     bleveindex.TermFieldDoc // what a scorer is given: no vectors
}

// newPhraseSearcher searches field for terms, a term per position ("" for
// any), as phraseTerms makes them.
func newPhraseSearcher(ctx context.Context, r bleveindex.IndexReader, terms []string, field string, boost float64, options search.SearcherOptions) (_ search.Searcher, err error) {
	s := &phraseSearcher{score: options.Score != "none", at: make([]int, len(terms))}
	defer func() {
		if err != nil {
			_ = s.Close()
		}
	}()
	var distinct []string
	for i, t := range terms {
		s.at[i] = -1
		if t == "" {
			continue
		}
		k := slices.Index(distinct, t)
		if k < 0 {
			k = len(distinct)
			distinct = append(distinct, t)
		}
		s.at[i] = k
	}
	vectors := len(terms) > 1 // one term is matched wherever it is
	docTotal, err := r.DocCount()
	if err != nil {
		return nil, fmt.Errorf("phrase: document count: %w", err)
	}
	for _, t := range distinct {
		tr, err := r.TermFieldReader(ctx, []byte(t), field, s.score, s.score, vectors)
		if err != nil {
			return nil, fmt.Errorf("phrase: reader of %s:%s: %w", field, t, err)
		}
		s.readers = append(s.readers, tr)
	}
	// Bleve's phrase searcher has a term searcher per term of the
	// phrase; each counts against the request's limit
	type termScorer struct {
		sc     *scorer.TermQueryScorer
		reader int
		count  uint64
	}
	var ts []termScorer
	for _, k := range s.at {
		if k < 0 {
			continue
		}
		if err := search.RecordTermSearcher(ctx); err != nil {
			return nil, err
		}
		n := s.readers[k].Count()
		ts = append(ts, termScorer{scorer.NewTermQueryScorer([]byte(distinct[k]), field, boost, docTotal, n, 0, options), k, n})
		s.count += n
	}
	// Bleve's conjunction sorts its searchers by count with sort.Sort
	// and sums their scores in that order; the same sort on the same
	// list makes the same order
	sort.Sort(byCount(ts, func(i int) uint64 { return ts[i].count }))
	for _, t := range ts {
		s.scorers = append(s.scorers, t.sc)
		s.scored = append(s.scored, t.reader)
	}
	s.SetQueryNorm(1 / math.Sqrt(s.Weight())) // as Bleve's phrase searcher sets it
	if len(s.readers) > 1 {
		// the readers walk the documents all terms hold, as they do
		// under Bleve's conjunction
		var octx bleveindex.OptimizableContext
		for _, tr := range s.readers {
			o, ok := tr.(bleveindex.Optimizable)
			if !ok {
				octx = nil
				break
			}
			if octx, err = o.Optimize("conjunction", octx); err != nil {
				return nil, err
			}
		}
		if octx != nil {
			if _, err := octx.Finish(); err != nil {
				return nil, err
			}
		}
	}
	s.tfds = make([]bleveindex.TermFieldDoc, len(s.readers))
	s.cur = make([]*bleveindex.TermFieldDoc, len(s.readers))
	return s, nil
}

// byCount sorts a slice by a count, swapping as sort.Sort swaps.
func byCount[T any](s []T, count func(int) uint64) sort.Interface {
	return countSorter[T]{s, count}
}

type countSorter[T any] struct {
	s     []T
	count func(int) uint64
}

func (c countSorter[T]) Len() int           { return len(c.s) }
func (c countSorter[T]) Less(i, j int) bool { return c.count(i) < c.count(j) }
func (c countSorter[T]) Swap(i, j int)      { c.s[i], c.s[j] = c.s[j], c.s[i] }

func (s *phraseSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	return s.seek(ctx, nil)
}

// Advance returns the first match at or after id; at or before the last
// one returned, the next match, as Bleve's phrase searcher does.
func (s *phraseSearcher) Advance(ctx *search.SearchContext, id bleveindex.IndexInternalID) (*search.DocumentMatch, error) {
	if s.started && s.cur[0] != nil && s.cur[0].ID.Compare(id) >= 0 {
		id = nil
	}
	return s.seek(ctx, id)
}

// seek moves to the first match after the current document (id nil) or
// at or after id.
func (s *phraseSearcher) seek(ctx *search.SearchContext, id bleveindex.IndexInternalID) (*search.DocumentMatch, error) {
	if s.done {
		return nil, nil
	}
	for {
		var err error
		if id == nil {
			err = s.step(0, nil)
		} else {
			err = s.step(0, id)
			id = nil
		}
		if err != nil || s.done {
			return nil, err
		}
		if err := s.align(); err != nil || s.done {
			return nil, err
		}
		s.started = true
		if s.holds() {
			return s.match(ctx), nil
		}
	}
}

// step moves reader k to its next document, or to the first at or after
// id when id is not nil.
func (s *phraseSearcher) step(k int, id bleveindex.IndexInternalID) error {
	var d *bleveindex.TermFieldDoc
	var err error
	buf := s.tfds[k].Reset() // a reader may append to what it is given
	if id == nil {
		d, err = s.readers[k].Next(buf)
	} else {
		d, err = s.readers[k].Advance(id, buf)
	}
	if err != nil {
		return fmt.Errorf("phrase: %w", err)
	}
	s.cur[k] = d
	if d == nil {
		s.done = true
	}
	return nil
}

// align moves the readers to the first document at or after reader 0's
// that all of them hold.
func (s *phraseSearcher) align() error {
	s.target = append(s.target[:0], s.cur[0].ID...)
	for {
		agreed := true
		for k := range s.readers {
			for s.cur[k] == nil || s.cur[k].ID.Compare(s.target) < 0 {
				if err := s.step(k, s.target); err != nil || s.done {
					return err
				}
			}
			if s.cur[k].ID.Compare(s.target) > 0 {
				s.target = append(s.target[:0], s.cur[k].ID...)
				agreed = false
				break
			}
		}
		if agreed {
			return nil
		}
	}
}

// holds reports whether the readers' document holds the phrase: a
// position of the first term from which every later position's term is
// as many places further, in the same value of the field.
func (s *phraseSearcher) holds() bool {
	if len(s.at) == 1 {
		return true
	}
	for _, first := range s.cur[s.at[0]].Vectors {
		ok := true
		for i := 1; i < len(s.at) && ok; i++ {
			if s.at[i] < 0 {
				continue
			}
			ok = slices.ContainsFunc(s.cur[s.at[i]].Vectors, func(v *bleveindex.TermFieldVector) bool {
				return v.Pos == first.Pos+uint64(i) && slices.Equal(v.ArrayPositions, first.ArrayPositions)
			})
		}
		if ok {
			return true
		}
	}
	return false
}

func (s *phraseSearcher) match(ctx *search.SearchContext) *search.DocumentMatch {
	var sum float64
	if s.score {
		for i, sc := range s.scorers {
			d := s.cur[s.scored[i]]
			s.tfd.ID, s.tfd.Freq, s.tfd.Norm = d.ID, d.Freq, d.Norm
			dm := sc.Score(ctx, &s.tfd)
			sum += dm.Score
			ctx.DocumentMatchPool.Put(dm)
		}
	}
	dm := ctx.DocumentMatchPool.Get()
	dm.IndexInternalID = append(dm.IndexInternalID[:0], s.cur[0].ID...)
	dm.Score = sum
	return dm
}

func (s *phraseSearcher) Weight() float64 {
	var w float64
	for _, sc := range s.scorers {
		w += sc.Weight()
	}
	return w
}

func (s *phraseSearcher) SetQueryNorm(n float64) {
	for _, sc := range s.scorers {
		sc.SetQueryNorm(n)
	}
}

// Count is the sum of the terms' counts, as Bleve's conjunction counts.
func (s *phraseSearcher) Count() uint64 { return s.count }

func (s *phraseSearcher) Close() error {
	var errs []error
	for _, r := range s.readers {
		errs = append(errs, r.Close())
	}
	s.readers = nil
	return errors.Join(errs...)
}

func (s *phraseSearcher) Min() int                   { return 0 }
func (s *phraseSearcher) DocumentMatchPoolSize() int { return len(s.scorers) + 2 }

func (s *phraseSearcher) Size() int {
	n := 128 + 16*len(s.at)
	for _, r := range s.readers {
		n += r.Size()
	}
	return n
}

var _ search.Searcher = (*phraseSearcher)(nil)
