package index

import (
	"errors"
	"fmt"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
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

// errUncountable is returned for a query type countTerms does not know: a
// query compile never builds.
var errUncountable = errors.New("query type not counted")

// countTerms counts the leaf term searchers Bleve builds for q against r:
// one per analysed token of a match or match_phrase query, one per
// dictionary term within the edit distance of a fuzzy token (one when
// there is none), one per term query. Date and numeric ranges count 0:
// what they expand to depends on the numeric encoding, not on user text,
// and Bleve's own counter (search.MaxTermSearchersKey, set a margin
// above) bounds them. It stops with a *TooBroadError as soon as the count
// passes limit, so a fuzzy word that matches half the dictionary is not
// enumerated to its end.
func countTerms(r bleveindex.IndexReader, m mapping.IndexMapping, q query.Query, limit int) (int, error) {
	c := termCounter{r: r, m: m, limit: limit}
	if err := c.add(q); err != nil {
		return c.n, err
	}
	return c.n, nil
}

type termCounter struct {
	r     bleveindex.IndexReader
	m     mapping.IndexMapping
	limit int
	n     int
}

func (c *termCounter) over() error {
	if c.n > c.limit {
		return &TooBroadError{Terms: c.n, Limit: c.limit}
	}
	return nil
}

func (c *termCounter) add(q query.Query) error {
	switch q := q.(type) {
	case nil:
		return nil
	case *query.ConjunctionQuery:
		return c.addAll(q.Conjuncts)
	case *query.DisjunctionQuery:
		return c.addAll(q.Disjuncts)
	case *query.BooleanQuery:
		return c.addAll([]query.Query{q.Must, q.Should, q.MustNot, q.Filter})
	case *query.TermQuery:
		c.n++
		return c.over()
	case *query.MatchQuery:
		tokens, err := c.analyse(q.FieldVal, q.Analyzer, q.Match)
		if err != nil {
			return err
		}
		for _, tok := range tokens {
			if q.Fuzziness == 0 {
				c.n++
				if err := c.over(); err != nil {
					return err
				}
				continue
			}
			if err := c.addFuzzy(q.FieldVal, tok, q.Fuzziness, q.Prefix); err != nil {
				return err
			}
		}
		return nil
	case *query.MatchPhraseQuery:
		if q.Fuzziness != 0 {
			return fmt.Errorf("%w: fuzzy match_phrase", errUncountable)
		}
		tokens, err := c.analyse(q.FieldVal, q.Analyzer, q.MatchPhrase)
		if err != nil {
			return err
		}
		c.n += len(tokens)
		return c.over()
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

// analyse gives the terms Bleve's match queries search for text in field.
func (c *termCounter) analyse(field, analyzer, text string) ([]string, error) {
	if field == "" {
		field = c.m.DefaultSearchField()
	}
	if analyzer == "" {
		analyzer = c.m.AnalyzerNameForPath(field)
	}
	a := c.m.AnalyzerNamed(analyzer)
	if a == nil {
		return nil, fmt.Errorf("no analyzer %q for field %s", analyzer, field)
	}
	tokens := a.Analyze([]byte(text))
	out := make([]string, len(tokens))
	for i, t := range tokens {
		out[i] = string(t.Term)
	}
	return out, nil
}

// addFuzzy counts the dictionary terms of field within fuzziness of term,
// as Bleve's fuzzy searcher finds them: from the rune boundary at or after
// prefix bytes, with the reader's Levenshtein automaton when it has one.
func (c *termCounter) addFuzzy(field, term string, fuzziness, prefix int) error {
	if field == "" {
		field = c.m.DefaultSearchField()
	}
	prefixTerm := term
	for i := range term {
		if i >= prefix {
			prefixTerm = term[:i]
			break
		}
	}
	var dict bleveindex.FieldDict
	var err error
	// Without a Levenshtein automaton (an in-memory index), Bleve walks
	// the field's dictionary from the prefix and measures each term.
	within := func(string) bool { return true }
	switch r := c.r.(type) {
	case bleveindex.IndexReaderFuzzy:
		dict, err = r.FieldDictFuzzy(field, term, fuzziness, prefixTerm)
	default:
		if prefixTerm != "" {
			dict, err = c.r.FieldDictPrefix(field, []byte(prefixTerm))
		} else {
			dict, err = c.r.FieldDict(field)
		}
		var reuse []int
		within = func(t string) bool {
			var d int
			var exceeded bool
			d, exceeded, reuse = search.LevenshteinDistanceMaxReuseSlice(term, t, fuzziness, reuse)
			return !exceeded && d <= fuzziness
		}
	}
	if err != nil {
		return fmt.Errorf("fuzzy dictionary of %s for %q: %w", field, term, err)
	}
	defer dict.Close()
	found := 0
	for {
		e, err := dict.Next()
		if err != nil {
			return fmt.Errorf("fuzzy dictionary of %s for %q: %w", field, term, err)
		}
		if e == nil {
			break
		}
		if !within(e.Term) {
			continue
		}
		found++
		c.n++
		if c.n > c.limit {
			return &TooBroadError{Terms: c.n, Limit: c.limit, Word: term, Field: field}
		}
	}
	if found == 0 {
		// No candidate: Bleve searches the term itself.
		c.n++
		return c.over()
	}
	return nil
}
