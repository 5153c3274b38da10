package index

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"github.com/newsdesk/newsdesk/news"
)

// TooBroadError is the error (wrapped) of a search that would build more
// leaf term searchers than the index allows. errors.Is(err,
// news.ErrQueryTooBroad) holds for it.
type TooBroadError struct {
	// Terms is how many term searchers the query had reached when the
	// count stopped (more than Limit); Limit is the index's limit.
	Terms, Limit int
	// Word and Field name the fuzzy word whose expansion crossed the
	// limit, when one did ("" otherwise).
	Word, Field string
}

func (e *TooBroadError) Error() string {
	if e.Word != "" {
		return fmt.Sprintf("%v: the fuzzy word %q expands past the limit of %d term searchers in field %s", news.ErrQueryTooBroad, e.Word, e.Limit, e.Field)
	}
	return fmt.Sprintf("%v: more than %d term searchers (counted %d)", news.ErrQueryTooBroad, e.Limit, e.Terms)
}

// Is makes a TooBroadError match news.ErrQueryTooBroad.
func (e *TooBroadError) Is(target error) bool { return target == news.ErrQueryTooBroad }

// errUncountable is returned for a query type countTerms does not know.
var errUncountable = errors.New("query type not counted")

// termBudget counts the term searchers of one Bleve request against the
// index's limit: the exact ones before the request runs (countTerms), a
// fuzzy word's as its searcher expands it (fuzzyToken). It travels in the
// request's context under budgetKey.
type termBudget struct {
	limit int
	n     atomic.Int64
}

type budgetKey struct{}

// add counts k more term searchers, for word in field when a fuzzy word
// expands, and refuses past the limit.
func (b *termBudget) add(k int, word, field string) error {
	if n := int(b.n.Add(int64(k))); n > b.limit {
		return &TooBroadError{Terms: n, Limit: b.limit, Word: word, Field: field}
	}
	return nil
}

func budgetFrom(ctx context.Context) *termBudget {
	b, _ := ctx.Value(budgetKey{}).(*termBudget)
	return b
}

// fuzzyMatch is a match query whose words each match every term of the
// field within an edit distance (all words must match): what Bleve's match
// query with a fuzziness does, except that each word's expansion is
// counted against the request's termBudget as the term dictionary is
// walked, so that a word expanding past the limit is refused with a
// *TooBroadError, and the dictionary is walked once.
type fuzzyMatch struct {
	Match     string
	FieldVal  string
	Fuzziness int
	BoostVal  *query.Boost

	// expanded holds the words' expansions by snapshot, so that the
	// searchers of one request built twice on one snapshot (the two
	// steps of runPage) walk the dictionary once.
	expanded expansions
}

// expansions are fuzzy expansions of words, by reader, field and word.
type expansions struct {
	mu sync.Mutex
	m  map[expansionKey]expansion
}

type expansionKey struct {
	r           bleveindex.IndexReader
	field, term string
	fuzziness   int
}

type expansion struct {
	terms []string
	dists []uint8
}

func (e *expansions) get(k expansionKey) (expansion, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	x, ok := e.m[k]
	return x, ok
}

func (e *expansions) put(k expansionKey, x expansion) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.m == nil {
		e.m = map[expansionKey]expansion{}
	}
	e.m[k] = x
}

var (
	_ query.Query          = (*fuzzyMatch)(nil)
	_ query.BoostableQuery = (*fuzzyMatch)(nil)
	_ query.Query          = (*fuzzyToken)(nil)
)

func (q *fuzzyMatch) SetBoost(b float64) { bb := query.Boost(b); q.BoostVal = &bb }
func (q *fuzzyMatch) Boost() float64     { return q.BoostVal.Value() }

func (q *fuzzyMatch) Searcher(ctx context.Context, r bleveindex.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	tokens, field, err := analyse(m, q.FieldVal, q.Match)
	if err != nil {
		return nil, err
	}
	if len(tokens) == 0 {
		return query.NewMatchNoneQuery().Searcher(ctx, r, m, options)
	}
	qs := make([]query.Query, len(tokens))
	for i, t := range tokens {
		qs[i] = &fuzzyToken{term: t, field: field, fuzziness: q.Fuzziness, boost: q.BoostVal.Value(), expanded: &q.expanded}
	}
	if len(qs) == 1 {
		// Bleve's conjunction of one searcher scores, weighs and counts
		// as the searcher does
		return qs[0].Searcher(ctx, r, m, options)
	}
	c := query.NewConjunctionQuery(qs)
	c.SetBoost(q.BoostVal.Value())
	return c.Searcher(ctx, r, m, options)
}

// fuzzyToken is one analysed word of a fuzzyMatch. Its searcher is the one
// Bleve's fuzzy query builds (searcher.NewFuzzySearcher with no prefix): a
// term searcher when no other term is within the distance, else one term
// searcher per term found, boosted by edit distance.
type fuzzyToken struct {
	term, field string
	fuzziness   int
	boost       float64
	expanded    *expansions // nil: none kept
}

func (q *fuzzyToken) Searcher(ctx context.Context, r bleveindex.IndexReader, _ mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	b := budgetFrom(ctx)
	k := expansionKey{r: r, field: q.field, term: q.term, fuzziness: q.fuzziness}
	if fr, ok := r.(*filteredReader); ok {
		k.r = fr.IndexSnapshot // a filter changes the postings, not the dictionary
	}
	x, known := expansion{}, false
	if q.expanded != nil {
		x, known = q.expanded.get(k)
	}
	if known && b != nil {
		// counted again: the budget is the request's
		if err := b.add(len(x.terms), q.term, q.field); err != nil {
			return nil, err
		}
	}
	if !known {
		err := fuzzyCandidates(r, q.field, q.term, q.fuzziness, func(t string, d uint8) error {
			x.terms, x.dists = append(x.terms, t), append(x.dists, d)
			if b != nil {
				return b.add(1, q.term, q.field)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if q.expanded != nil {
			q.expanded.put(k, x)
		}
	}
	terms, dists := x.terms, x.dists
	if len(terms) == 0 || (len(terms) == 1 && terms[0] == q.term) {
		if b != nil && len(terms) == 0 {
			if err := b.add(1, q.term, q.field); err != nil {
				return nil, err
			}
		}
		return searcher.NewTermSearcher(ctx, r, q.term, q.field, q.boost, options)
	}
	if len(terms) == 1 {
		// Bleve's disjunction of one term searcher scores (its sum times
		// a coordination of 1), weighs and counts as the term searcher,
		// which has the boost Bleve's fuzzy searcher gives the term
		return searcher.NewTermSearcher(ctx, r, terms[0], q.field, q.boost*(1/float64(dists[0]+1)), options)
	}
	return searcher.NewMultiTermSearcherBoosted(ctx, r, terms, q.field, q.boost, dists, options, true)
}

// fuzzyCandidates calls found with each term of field within fuzziness of
// term and its edit distance, as Bleve's fuzzy searcher finds them: with
// the reader's Levenshtein automaton when it has one, else by walking the
// field's dictionary and measuring each term (an in-memory index).
func fuzzyCandidates(r bleveindex.IndexReader, field, term string, fuzziness int, found func(string, uint8) error) error {
	if fuzziness > searcher.MaxFuzziness || fuzziness < 1 {
		return fmt.Errorf("fuzziness %d: want 1 to %d", fuzziness, searcher.MaxFuzziness)
	}
	var dict bleveindex.FieldDict
	var err error
	fr, automaton := r.(bleveindex.IndexReaderFuzzy)
	if automaton {
		dict, err = fr.FieldDictFuzzy(field, term, fuzziness, "")
	} else {
		dict, err = r.FieldDict(field)
	}
	if err != nil {
		return fmt.Errorf("fuzzy dictionary of %s for %q: %w", field, term, err)
	}
	defer dict.Close()
	var reuse []int
	for {
		e, err := dict.Next()
		if err != nil {
			return fmt.Errorf("fuzzy dictionary of %s for %q: %w", field, term, err)
		}
		if e == nil {
			return nil
		}
		d := e.EditDistance
		if !automaton {
			var ld int
			var exceeded bool
			ld, exceeded, reuse = search.LevenshteinDistanceMaxReuseSlice(term, e.Term, fuzziness, reuse)
			if exceeded || ld > fuzziness {
				continue
			}
			d = uint8(ld)
		}
		if err := found(e.Term, d); err != nil {
			return err
		}
	}
}

// countTerms counts the leaf term searchers Bleve builds for q: one per
// analysed token of a match or match_phrase query, one per term query.
// Date and numeric ranges count 0: what they expand to depends on the
// numeric encoding, not on user text, and Bleve's own counter
// (search.MaxTermSearchersKey, set a margin above the limit) bounds them.
// A fuzzyMatch counts its words' expansions when r is given (walking the
// dictionary, as its searcher will) and 0 when r is nil (its searcher
// counts them against the request's budget). It stops with a
// *TooBroadError as soon as the count passes limit. An unknown query type
// is an error wrapping errUncountable.
func countTerms(r bleveindex.IndexReader, m mapping.IndexMapping, q query.Query, limit int) (int, error) {
	c := termCounter{r: r, m: m, budget: &termBudget{limit: limit}}
	err := c.add(q)
	return int(c.budget.n.Load()), err
}

type termCounter struct {
	r      bleveindex.IndexReader
	m      mapping.IndexMapping
	budget *termBudget
}

func (c *termCounter) add(q query.Query) error {
	switch q := q.(type) {
	case nil:
		return nil
	case *recordedQuery:
		return c.add(q.q)
	case *filteredQuery:
		// its filter's terms are read as postings, or (an index that
		// is not scorch) searched beside q
		return c.addAll(append([]query.Query{q.q}, q.filter.queries()...))
	case *heldQuery:
		return c.add(q.q)
	case *query.ConjunctionQuery:
		return c.addAll(q.Conjuncts)
	case *query.DisjunctionQuery:
		return c.addAll(q.Disjuncts)
	case *query.BooleanQuery:
		return c.addAll([]query.Query{q.Must, q.Should, q.MustNot, q.Filter})
	case *query.TermQuery:
		return c.budget.add(1, "", "")
	case *query.DocIDQuery:
		return nil // a reader of ids, no term searcher
	case *query.MatchQuery:
		if q.Fuzziness != 0 {
			return fmt.Errorf("%w: fuzzy match query (use fuzzyMatch)", errUncountable)
		}
		tokens, _, err := analyse(c.m, q.FieldVal, q.Match)
		if err != nil {
			return err
		}
		return c.budget.add(len(tokens), "", "")
	case *query.MatchPhraseQuery:
		if q.Fuzziness != 0 {
			return fmt.Errorf("%w: fuzzy match_phrase query", errUncountable)
		}
		tokens, _, err := analyse(c.m, q.FieldVal, q.MatchPhrase)
		if err != nil {
			return err
		}
		return c.budget.add(len(tokens), "", "")
	case *phraseMatch:
		return c.add(q.bleve())
	case *fuzzyMatch:
		if c.r == nil {
			return nil
		}
		tokens, field, err := analyse(c.m, q.FieldVal, q.Match)
		if err != nil {
			return err
		}
		for _, t := range tokens {
			found := 0
			err := fuzzyCandidates(c.r, field, t, q.Fuzziness, func(string, uint8) error {
				found++
				return c.budget.add(1, t, field)
			})
			if err != nil {
				return err
			}
			if found == 0 {
				if err := c.budget.add(1, t, field); err != nil {
					return err
				}
			}
		}
		return nil
	case *query.DateRangeQuery, *query.NumericRangeQuery, *query.MatchAllQuery, *query.MatchNoneQuery:
		return nil
	default:
		return fmt.Errorf("%w: %T", errUncountable, q)
	}
}

func (c *termCounter) addAll(qs []query.Query) error {
	for _, q := range qs {
		if err := c.add(q); err != nil {
			return err
		}
	}
	return nil
}

// fieldTokens is text analysed by the analyzer of field (the mapping's
// default field when empty), and the field.
func fieldTokens(m mapping.IndexMapping, field, text string) (analysis.TokenStream, string, error) {
	if field == "" {
		field = m.DefaultSearchField()
	}
	name := m.AnalyzerNameForPath(field)
	a := m.AnalyzerNamed(name)
	if a == nil {
		return nil, field, fmt.Errorf("no analyzer %q for field %s", name, field)
	}
	return a.Analyze([]byte(text)), field, nil
}

// analyse gives the terms Bleve's match queries search for text in field
// (the mapping's default field when empty), and the field.
func analyse(m mapping.IndexMapping, field, text string) ([]string, string, error) {
	tokens, field, err := fieldTokens(m, field, text)
	if err != nil {
		return nil, field, err
	}
	out := make([]string, len(tokens))
	for i, t := range tokens {
		out[i] = string(t.Term)
	}
	return out, field, nil
}
