package index

import (
	"context"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"
)

// phraseMatch is Bleve's match_phrase query on one field (the text
// analysed by the field's analyzer, its terms in order, the gaps of
// removed stop words kept), searched by a phraseSearcher: the documents
// all its terms hold, then the terms' positions in each, with no location
// map made per candidate. Bleve's phrase searcher builds a map of
// locations for every document that holds all the terms, which was most
// of a phrase search's time. The phraseSearcher scores as Bleve's does.
//
// A request for locations (or an explanation, or BM25 scores) gets
// Bleve's phrase searcher, which reads the locations anyway, as does a
// phrase with two terms at one position.
type phraseMatch struct {
	MatchPhrase string
	FieldVal    string
	BoostVal    *query.Boost
}

func newPhrase(text, field string) *phraseMatch {
	return &phraseMatch{MatchPhrase: text, FieldVal: field}
}

func (q *phraseMatch) SetBoost(b float64) { bb := query.Boost(b); q.BoostVal = &bb }
func (q *phraseMatch) Boost() float64     { return q.BoostVal.Value() }

// bleve is the Bleve query q stands for.
func (q *phraseMatch) bleve() *query.MatchPhraseQuery {
	m := query.NewMatchPhraseQuery(q.MatchPhrase)
	m.SetField(q.FieldVal)
	if q.BoostVal != nil {
		m.SetBoost(q.Boost())
	}
	return m
}

func (q *phraseMatch) Searcher(ctx context.Context, r bleveindex.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	if options.IncludeTermVectors || options.Explain || scoringModel(ctx) == bleveindex.BM25Scoring {
		return q.bleve().Searcher(ctx, r, m, options)
	}
	terms, field, err := phraseTerms(m, q.FieldVal, q.MatchPhrase)
	if err != nil {
		return nil, err
	}
	if terms == nil {
		return q.bleve().Searcher(ctx, r, m, options) // nothing, or two terms at a position
	}
	return newPhraseSearcher(ctx, r, terms, field, q.Boost(), options)
}

func scoringModel(ctx context.Context) string {
	if f, ok := ctx.Value(search.GetScoringModelCallbackKey).(search.GetScoringModelCallbackFn); ok {
		return f()
	}
	return ""
}

// phraseTerms is text analysed for field as Bleve's match_phrase query
// analyses it: a term per position from the first term's, "" where a
// stop word was removed. It is nil when the text has no term or two
// terms at one position, which only Bleve's phrase searcher takes.
func phraseTerms(m mapping.IndexMapping, field, text string) ([]string, string, error) {
	tokens, field, err := fieldTokens(m, field, text)
	if err != nil || len(tokens) == 0 {
		return nil, field, err
	}
	slots := phraseSlots(tokens)
	terms := make([]string, len(slots))
	for i, s := range slots {
		switch len(s) {
		case 0:
		case 1:
			terms[i] = s[0]
		default:
			return nil, field, nil
		}
	}
	return terms, field, nil
}

var (
	_ query.Query          = (*phraseMatch)(nil)
	_ query.BoostableQuery = (*phraseMatch)(nil)
)
