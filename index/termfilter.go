package index

import "github.com/blevesearch/bleve/v2/search/query"

// termsOnly reports whether q is made of term queries alone, joined by
// conjunctions and disjunctions: such a filter is a bitmap per segment,
// its postings combined (segmentMatches), which a scored query's postings
// are narrowed to (filteredQuery) and a date-sorted search walks by date
// (searchDateBitmaps).
func termsOnly(q query.Query) bool {
	switch q := q.(type) {
	case *query.TermQuery:
		return q.FieldVal != ""
	case *query.ConjunctionQuery:
		return len(q.Conjuncts) > 0 && allTermsOnly(q.Conjuncts)
	case *query.DisjunctionQuery:
		return q.Min <= 1 && len(q.Disjuncts) > 0 && allTermsOnly(q.Disjuncts)
	}
	return false
}

func allTermsOnly(qs []query.Query) bool {
	for _, q := range qs {
		if !termsOnly(q) {
			return false
		}
	}
	return true
}
