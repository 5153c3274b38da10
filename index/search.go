package index

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/newsdesk/newsdesk/news"
)

// Bounds on a page of results.
const (
	DefaultSize = 10
	MaxSize     = 10_000
	MaxFrom     = 10_000
	// maxMentionNames caps the names (canonical + aliases) tried per mention.
	maxMentionNames = 64
	// SnippetBytes is the length of an article hit's Snippet.
	SnippetBytes = 300
)

// ErrQueryTooBroad is what a search refused for expanding into more term
// searchers than the index allows (see DefaultMaxTermSearchers) matches
// under errors.Is; the error itself is a *TooBroadError.
var ErrQueryTooBroad = news.ErrQueryTooBroad

// ErrBadQuery is returned (wrapped) for a news.Query the index cannot run,
// such as an unknown sort order or document type.
var ErrBadQuery = errors.New("bad query")

// weighted is a text field and the boost its matches get.
type weighted struct {
	field string
	boost float64
}

// Free words and phrases: for statements the sentence counts most, then who
// said it, then the article's title; for articles the title outweighs the
// body.
var (
	articleTextFields  = []weighted{{fTitle, 2}, {fBody, 1}}
	statementTagFields = []weighted{{fMentions, 1}, {fTitleMentions, 0.3}} // the tags of statementNameFields
	articleNameFields  = []weighted{{fTitle, 2}, {fBody, 1}}
)

// Search runs q and returns one page of hits. Text is matched with match
// and match_phrase queries (and fuzzyMatch for fuzzy words) only; the
// search is bounded by DefaultMaxTermSearchers term searchers (over it: a
// *TooBroadError) and by the context's deadline (or DefaultTimeout when it
// has none); a panic inside Bleve comes back as an error.
//
// The cost of a search follows its page, not the number of matches: see
// searchScore and searchDate. Filters are conjuncts of the query, so the
// rarest of them drives it.
func (ix *Index) Search(ctx context.Context, q news.Query) (news.Results, error) {
	p, err := ix.compile(q)
	if err != nil {
		return news.Results{}, fmt.Errorf("search: %w", err)
	}
	var out news.Results
	switch {
	case ix.legacy:
		out, err = ix.searchOne(ctx, p, legacyRequest(p))
	case p.sortBy == "score":
		out, err = ix.searchScore(ctx, p)
	case p.sortBy == "date":
		out, err = ix.searchDate(ctx, p)
	default:
		out, err = ix.searchOne(ctx, p, p.request(p.query()))
	}
	if err != nil {
		return news.Results{}, fmt.Errorf("search: %w", err)
	}
	return out, nil
}

// searchOne runs one request and turns its hits into news hits.
func (ix *Index) searchOne(ctx context.Context, p *plan, req *bleve.SearchRequest) (news.Results, error) {
	res, err := ix.runPage(ctx, req)
	if err != nil {
		return news.Results{}, err
	}
	out := news.Results{Total: res.Total, Took: res.Took, Hits: make([]news.Hit, 0, len(res.Hits))}
	return out, appendHits(&out, res, p)
}

func appendHits(out *news.Results, res *bleve.SearchResult, p *plan) error {
	for _, dm := range res.Hits {
		h, sh, err := toHit(dm, p.typ)
		if err != nil {
			return fmt.Errorf("hit %s: %w", dm.ID, err)
		}
		if len(p.tagged) > 0 && h.Statement != nil {
			// a mention searched by tag has no locations: mark its
			// names in the sentence as its phrases would have, from
			// the names stored with the hit or, in an index written
			// before they were, by finding them again
			ms, ok := storedMarks(sh, p.tagged)
			if !ok {
				ms = p.tags.marks(h.Statement.Sentence, p.tagged)
			}
			h.Marks = mergeMarks(append(h.Marks, ms...))
		}
		out.Hits = append(out.Hits, h)
	}
	return nil
}

// runPage runs a request for a page of hits. A request for match
// locations runs in two steps, unless it holds one of Bleve's phrase
// queries (a phraseMatch, which compile builds, is two-step: see
// phraseMatch). The first finds the page, its order and scores, reading
// no location and no stored field: a term searcher that reads its
// locations decodes them for every match, where the page needs them for
// its own few. The second runs the same query restricted to the
// page's documents for their locations and stored fields, which join the
// first step's hits. A hit whose document is gone by the second step (put
// again with fewer statements in between) leaves the page.
func (ix *Index) runPage(ctx context.Context, req *bleve.SearchRequest) (*bleve.SearchResult, error) {
	if !req.IncludeLocations || req.Size == 0 || hasPhrase(req.Query) {
		return ix.runLoading(ctx, req)
	}
	first := *req
	first.IncludeLocations, first.Fields = false, nil
	res, err := ix.run(ctx, &first)
	if err != nil || len(res.Hits) == 0 {
		return res, err
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	only := bleve.NewDocIDQuery(ids)
	only.SetBoost(0)
	second := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(req.Query, only), len(ids), 0, false)
	second.IncludeLocations, second.Fields = true, req.Fields
	second.SortByCustom(search.SortOrder{&search.SortDocID{}})
	// the first step's handler (dateTiebreak) ordered the page; the
	// second only reads it
	got, err := ix.runLoading(context.WithValue(ctx, search.MakeDocumentMatchHandlerKey, nil), second)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*search.DocumentMatch, len(got.Hits))
	for _, h := range got.Hits {
		byID[h.ID] = h
	}
	hits := res.Hits[:0]
	for _, h := range res.Hits {
		g := byID[h.ID]
		if g == nil {
			res.Total--
			continue
		}
		h.Locations, h.Fields = g.Locations, g.Fields
		hits = append(hits, h)
	}
	res.Hits = hits
	res.Took += got.Took
	return res, nil
}

// recoverInto, deferred, turns a panic inside Bleve's segment code
// (a segment damaged after it was opened) into an error in *err, logged
// with its stack, as run does for searches.
func (ix *Index) recoverInto(what string, err *error) {
	if r := recover(); r != nil {
		ix.logger().Error("bleve panicked", "in", what, "index", ix.path, "panic", r, "stack", string(debug.Stack()))
		*err = fmt.Errorf("%s: bleve panicked: %v", what, r)
	}
}

// hasPhrase reports whether q holds one of Bleve's phrase queries, whose
// searchers read every candidate's locations.
func hasPhrase(q query.Query) bool {
	switch q := q.(type) {
	case *query.MatchPhraseQuery, *query.PhraseQuery, *query.MultiPhraseQuery:
		return true
	case *query.ConjunctionQuery:
		return slices.ContainsFunc(q.Conjuncts, hasPhrase)
	case *query.DisjunctionQuery:
		return slices.ContainsFunc(q.Disjuncts, hasPhrase)
	case *query.BooleanQuery:
		return slices.ContainsFunc([]query.Query{q.Must, q.Should, q.MustNot, q.Filter}, hasPhrase)
	}
	return false
}

// run executes a request under the index's safety limits.
func (ix *Index) run(ctx context.Context, req *bleve.SearchRequest) (res *bleve.SearchResult, err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, ix.timeout)
		defer cancel()
	}
	// The term searchers known before the search runs are counted now; a
	// fuzzy word's are counted by its searcher as it expands the word.
	n, err := countTerms(nil, ix.idx.Mapping(), req.Query, ix.maxTermSearchers)
	switch {
	case errors.Is(err, errUncountable):
		n = 0 // not built by compile: Bleve's counter alone bounds it
	case err != nil:
		return nil, err
	}
	budget := &termBudget{limit: ix.maxTermSearchers}
	budget.n.Store(int64(n))
	ctx = context.WithValue(ctx, budgetKey{}, budget)
	ctx = context.WithValue(ctx, search.MaxTermSearchersKey, ix.maxTermSearchers+bleveTermMargin)
	defer func() {
		if r := recover(); r != nil {
			ix.logger().Error("bleve panicked during search", "index", ix.path, "panic", r, "stack", string(debug.Stack()))
			res, err = nil, fmt.Errorf("bleve panicked: %v", r)
		}
	}()
	res, err = ix.idx.SearchInContext(ctx, req)
	switch {
	case err == nil:
		return res, nil
	case ctx.Err() != nil && !errors.Is(err, ctx.Err()):
		return nil, fmt.Errorf("%w: %v", ctx.Err(), err)
	default:
		return nil, err
	}
}

// bleveTermMargin is how far above the index's limit Bleve's own term
// searcher counter is set. run refuses a request over the limit with a
// *TooBroadError (see termBudget); Bleve's counter, which gives its refusal
// no type, is a backstop for what that count leaves out (date and seq
// ranges, at most a few hundred terms each), and its refusal is an
// internal error.
const bleveTermMargin = 2048

// plan is a news.Query compiled into Bleve queries, before it is run.
type plan struct {
	typ     news.DocType
	must    []query.Query // scored: words, fuzzy terms, phrases, mentions
	filters []query.Query // unscored: type, actors, by, kind, targets, since/until, after seq
	// since and until are the query's date bounds (zero: none), and
	// dates the filter of filters that holds them (nil: none); the date
	// windows of searchDate stay inside them.
	since, until time.Time
	dates        query.Query
	// afterSeq and upToSeq are the query's seq bounds (0: none), and seqs
	// the filter of filters that holds them (nil: none).
	afterSeq, upToSeq uint64
	seqs              query.Query
	size, from        int
	sortBy            string // score, date or seq
	totalUpTo         int
	// tagged is the actors whose mentions are searched by tag, whose
	// names appendHits marks with tags.
	tagged map[string]bool
	tags   *tagger
	// columns, when not nil, is the index's cache of date columns: a
	// scored query's date range is then checked against them as its
	// postings are read (see filteredQuery), not searched beside it.
	columns *segmentCache[dateColumn]
}

// statementTextFields are the fields a statement's words are searched in,
// and statementNameFields those its actor names are; headline is the
// field of its headline.
func statementTextFields(headline string) []weighted {
	return []weighted{{fSentence, 1}, {fSpeaker, 0.5}, {headline, 0.3}}
}

func statementNameFields(headline string) []weighted {
	return []weighted{{fSentence, 1}, {headline, 0.3}}
}

// compile compiles q for this index's layout: mentions are searched by
// tag when every statement document is tagged with the index's gazetteer.
func (ix *Index) compile(q news.Query) (*plan, error) {
	var tg *tagger
	if ix.tagsComplete {
		tg = ix.tags
	}
	p, err := compile(q, tg, ix.layout)
	if p != nil {
		p.columns = &ix.dates
	}
	return p, err
}

// compile turns a news.Query into a plan. It never builds a query-string,
// regexp, wildcard or prefix query; fuzzy words become fuzzyMatch queries.
// tg, when not nil, tags every statement document: a statement search's
// mention of one of its actors is then a term query on the tags. l is the
// index's layout.
func compile(q news.Query, tg *tagger, l layout) (*plan, error) {
	typ := q.Type
	if typ == "" {
		typ = news.TypeStatement
	}
	if typ != news.TypeStatement && typ != news.TypeArticle {
		return nil, fmt.Errorf("%w: unknown document type %q: use %q or %q", ErrBadQuery, typ, news.TypeStatement, news.TypeArticle)
	}
	textFields, nameFields := statementTextFields(l.headline), statementNameFields(l.headline)
	if typ == news.TypeArticle {
		textFields, nameFields = articleTextFields, articleNameFields
	}

	words, phrases := splitText(q.Text)
	var must []query.Query
	if words != "" {
		must = append(must, disjunction(textFields, func(f string) query.Query {
			if q.Fuzzy {
				return &fuzzyMatch{Match: words, FieldVal: f, Fuzziness: 1}
			}
			m := bleve.NewMatchQuery(words)
			m.SetField(f)
			m.SetOperator(query.MatchQueryOperatorAnd)
			return m
		}))
	}
	for _, ft := range q.FuzzyTerms {
		if strings.TrimSpace(ft.Word) == "" {
			continue
		}
		d := min(max(ft.Distance, 1), 2)
		must = append(must, disjunction(textFields, func(f string) query.Query {
			return &fuzzyMatch{Match: ft.Word, FieldVal: f, Fuzziness: d}
		}))
	}
	for _, p := range phrases {
		must = append(must, disjunction(textFields, func(f string) query.Query {
			return newPhrase(p, f)
		}))
	}
	ownClauses := len(must) // over statements' own fields only (when typ is statement)
	var tagged map[string]bool
	for _, names := range q.Mentions {
		if canon, ok := tg.tagged(names); ok && typ == news.TypeStatement {
			must = append(must, tagQuery(canon))
			ownClauses++
			if tagged == nil {
				tagged = map[string]bool{}
			}
			tagged[canon] = true
			continue
		}
		if mq := mentionQuery(names, nameFields); mq != nil {
			must = append(must, mq)
		}
	}

	// The type filter selects statements or articles; words or tags
	// searched in fields that only statements have select them already,
	// and a term that matches three documents in four costs a conjunction
	// much.
	var filters []query.Query
	if !(typ == news.TypeStatement && l.ownText && ownClauses > 0) {
		filters = append(filters, term(fType, string(typ)))
	}
	if f := anyTerm(fActors, q.Actors); f != nil {
		filters = append(filters, f)
	}
	if f := anyTerm(fSpeakerCountry, q.By); f != nil {
		filters = append(filters, f)
	}
	kinds := make([]string, len(q.Kinds))
	for i, k := range q.Kinds {
		kinds[i] = string(k)
	}
	if f := anyTerm(fKind, kinds); f != nil {
		filters = append(filters, f)
	}
	if len(q.Targets) > 0 {
		var ts []query.Query
		for _, t := range q.Targets {
			if strings.TrimSpace(t) == "" {
				continue
			}
			ts = append(ts, term(fTargets, t))
			ts = append(ts, newPhrase(t, fTargetsText))
		}
		if len(ts) > 0 {
			filters = append(filters, bleve.NewDisjunctionQuery(ts...))
		}
	}
	var dates query.Query
	if !q.Since.IsZero() || !q.Until.IsZero() {
		incl, excl := true, false
		dates = dateRange(q.Since, q.Until, &incl, &excl)
		filters = append(filters, dates)
	}
	var seqs query.Query
	if q.AfterSeq > 0 || q.UpToSeq > 0 {
		var minSeq, maxSeq *float64
		excl, incl := false, true
		if q.AfterSeq > 0 {
			v := float64(q.AfterSeq)
			minSeq = &v
		}
		if q.UpToSeq > 0 {
			v := float64(q.UpToSeq)
			maxSeq = &v
		}
		r := bleve.NewNumericRangeInclusiveQuery(minSeq, maxSeq, &excl, &incl)
		r.SetField(fSeq)
		filters = append(filters, r)
		seqs = r
	}

	size, from := q.Size, q.From
	if size <= 0 {
		size = DefaultSize
	}
	size = min(size, MaxSize)
	from = min(max(from, 0), MaxFrom)

	sortBy := q.SortBy
	if sortBy == "" {
		sortBy = "date"
		if len(must) > 0 {
			sortBy = "score"
		}
	}
	switch sortBy {
	case "score", "date", "seq":
	default:
		return nil, fmt.Errorf("%w: unknown sort %q: use score, date or seq", ErrBadQuery, q.SortBy)
	}
	if sortBy == "score" && len(must) == 0 {
		// Without words every match scores the same, so the date
		// tie-break is the whole order.
		sortBy = "date"
	}
	return &plan{typ: typ, must: must, filters: filters, dates: dates, seqs: seqs, afterSeq: q.AfterSeq, upToSeq: q.UpToSeq, since: q.Since, until: q.Until,
		size: size, from: from, sortBy: sortBy, totalUpTo: max(q.TotalUpTo, 0), tagged: tagged, tags: tg}, nil
}

func (p *plan) scored() bool { return len(p.must) > 0 }

func (p *plan) fields() []string {
	if p.typ == news.TypeArticle {
		return []string{fDoc}
	}
	return []string{fHit}
}

// query is the conjunction of the scored queries, the filters and extra
// (a date window). Filters and extra get boost 0, so that they select
// without changing a score.
//
// In a scored query the filters made of terms alone, and the date range,
// narrow the scored queries' postings (filteredQuery).
func (p *plan) query(extra ...query.Query) query.Query { return p.queryWithout(nil, extra...) }

// queryWithout is query without the filter skip (nil: none).
func (p *plan) queryWithout(skip query.Query, extra ...query.Query) query.Query {
	cs := slices.Clone(p.must)
	var terms []query.Query
	var dates *dateFilter
	for _, f := range append(slices.Clone(p.filters), extra...) {
		if skip != nil && f == skip {
			continue
		}
		if p.scored() {
			zeroBoost(f)
		}
		if p.scored() && termsOnly(f) {
			terms = append(terms, f)
			continue
		}
		if p.scored() && f == p.dates && p.columns != nil {
			lo, hi := dateBounds(p.since, p.until, true)
			dates = &dateFilter{q: f, lo: lo, hi: hi, columns: p.columns}
			continue
		}
		cs = append(cs, f)
	}
	if p.scored() && (len(terms) > 0 || dates != nil) {
		f := &postingsFilter{dates: dates}
		if len(terms) > 0 {
			f.q = bleve.NewConjunctionQuery(terms...)
		}
		for i := range len(p.must) {
			cs[i] = &filteredQuery{q: cs[i], filter: f}
		}
	}
	if len(cs) == 1 {
		return cs[0] // a conjunction of one costs a searcher more per match
	}
	return bleve.NewConjunctionQuery(cs...)
}

// request is a Bleve request for q (the plan's query, or a part of it) in
// the plan's sort order, for the plan's page.
func (p *plan) request(q query.Query) *bleve.SearchRequest {
	req := bleve.NewSearchRequestOptions(q, p.size, p.from, false)
	req.IncludeLocations = p.scored()
	req.Fields = p.fields()
	switch p.sortBy {
	case "score":
		req.SortByCustom(search.SortOrder{&search.SortScore{Desc: true}, byDate()})
	case "date":
		req.SortByCustom(search.SortOrder{byDate()})
		req.Score = "none"
	case "seq":
		req.SortByCustom(search.SortOrder{&search.SortField{Field: fSortSeq, Type: search.SortFieldAsString}})
		req.Score = "none"
	}
	return req
}

func byDate() *search.SortField {
	return &search.SortField{Field: fSortDate, Type: search.SortFieldAsString}
}

// legacyRequest is the request newsdesk built before searches followed
// their page: the filters a post-filter of the scored part (or of every
// document), and the date sort key read for every match. It is kept for
// the benchmarks and tests that compare the two.
func legacyRequest(p *plan) *bleve.SearchRequest {
	bq := query.NewBooleanQuery(p.must, nil, nil)
	if len(p.filters) > 0 {
		bq.AddFilter(bleve.NewConjunctionQuery(p.filters...))
	}
	return p.request(bq)
}

// zeroBoost sets boost 0 on the leaves of q (q is one of the filter
// queries compile builds).
func zeroBoost(q query.Query) {
	switch q := q.(type) {
	case *query.ConjunctionQuery:
		for _, c := range q.Conjuncts {
			zeroBoost(c)
		}
	case *query.DisjunctionQuery:
		for _, c := range q.Disjuncts {
			zeroBoost(c)
		}
	case query.BoostableQuery:
		q.SetBoost(0)
	}
}

// splitText separates free words from "quoted phrases" (straight or curly
// quotes). An unclosed quote runs to the end of the text.
func splitText(s string) (words string, phrases []string) {
	var w, cur strings.Builder
	in := false
	for _, r := range s {
		switch r {
		case '"', '“', '”':
			if in {
				if p := strings.TrimSpace(cur.String()); p != "" {
					phrases = append(phrases, p)
				}
				cur.Reset()
			}
			in = !in
			w.WriteByte(' ')
		default:
			if in {
				cur.WriteRune(r)
			} else {
				w.WriteRune(r)
			}
		}
	}
	if p := strings.TrimSpace(cur.String()); in && p != "" {
		phrases = append(phrases, p)
	}
	return strings.Join(strings.Fields(w.String()), " "), phrases
}

func disjunction(fields []weighted, mk func(field string) query.Query) query.Query {
	qs := make([]query.Query, 0, len(fields))
	for _, f := range fields {
		q := mk(f.field)
		if b, ok := q.(query.BoostableQuery); ok && f.boost != 1 {
			b.SetBoost(f.boost)
		}
		qs = append(qs, q)
	}
	return bleve.NewDisjunctionQuery(qs...)
}

// mentionQuery matches one actor: tagged in the actors field under its
// canonical name (the first entry), or any of its names written in the text.
func mentionQuery(names []string, fields []weighted) query.Query {
	if len(names) == 0 || strings.TrimSpace(names[0]) == "" {
		return nil
	}
	qs := []query.Query{term(fActors, names[0])}
	for _, n := range mentionNames(names) {
		for _, f := range fields {
			p := newPhrase(n, f.field)
			if f.boost != 1 {
				p.SetBoost(f.boost)
			}
			qs = append(qs, p)
		}
	}
	return bleve.NewDisjunctionQuery(qs...)
}

// tagQuery matches one actor of the gazetteer in a tagged index: accused
// or named in the sentence (mentions), or named in the headline
// (title_mentions), weighted as mentionQuery weighs those fields. Both
// fields are statements' own.
func tagQuery(canon string) query.Query {
	var qs []query.Query
	for _, f := range statementTagFields {
		t := term(f.field, canon)
		if f.boost != 1 {
			t.(query.BoostableQuery).SetBoost(f.boost)
		}
		qs = append(qs, t)
	}
	return bleve.NewDisjunctionQuery(qs...)
}

// term is an exact match on a keyword field; keyword fields are lower-cased
// at index time, so the value is too.
func term(field, value string) query.Query {
	t := bleve.NewTermQuery(strings.ToLower(strings.TrimSpace(value)))
	t.SetField(field)
	return t
}

func anyTerm(field string, values []string) query.Query {
	var qs []query.Query
	for _, v := range values {
		if strings.TrimSpace(v) != "" {
			qs = append(qs, term(field, v))
		}
	}
	switch len(qs) {
	case 0:
		return nil
	case 1:
		return qs[0] // a disjunction of one costs a searcher more per match
	}
	return bleve.NewDisjunctionQuery(qs...)
}

// Bleve keeps dates as int64 nanoseconds: years 1678 to 2261 are safe.
var (
	minTime = time.Date(1678, 1, 1, 0, 0, 0, 0, time.UTC)
	maxTime = time.Date(2261, 12, 31, 0, 0, 0, 0, time.UTC)
)

func clampTime(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	if t.Before(minTime) {
		return minTime
	}
	if t.After(maxTime) {
		return maxTime
	}
	return t
}

func dateRange(since, until time.Time, sinceIncl, untilIncl *bool) query.Query {
	r := bleve.NewDateRangeInclusiveQuery(clampTime(since), clampTime(until), sinceIncl, untilIncl)
	r.SetField(fPublished)
	return r
}

// toHit turns a Bleve hit into a news.Hit, with Marks as byte ranges of the
// sentence (statements) or of the snippet (articles), and gives a
// statement's stored hit.
func toHit(dm *search.DocumentMatch, typ news.DocType) (news.Hit, storedHit, error) {
	h := news.Hit{ID: dm.ID, Score: dm.Score}
	if typ == news.TypeArticle {
		raw, _ := dm.Fields[fDoc].(string)
		var a news.Article
		if err := json.Unmarshal([]byte(raw), &a); err != nil {
			return h, storedHit{}, fmt.Errorf("decode stored article: %w", err)
		}
		h.ArticleID, h.Title, h.Published, h.Source, h.Seq = a.ID, a.Title, a.Published, a.Source, a.Seq
		h.Snippet, h.Marks = snippet(a.Body, marks(dm.Locations, fBody, len(a.Body)))
		return h, storedHit{}, nil
	}
	raw, _ := dm.Fields[fHit].(string)
	sh, err := decodeHit([]byte(raw))
	if err != nil {
		return h, sh, fmt.Errorf("decode stored statement: %w", err)
	}
	h.ArticleID, h.Title, h.Published, h.Source, h.Seq = sh.ArticleID, sh.Title, sh.Published, sh.Source, sh.Seq
	st := sh.Statement
	h.Statement = &st
	h.Marks = marks(dm.Locations, fSentence, len(st.Sentence))
	return h, sh, nil
}

// marks collects the matched byte ranges of one field, sorted and merged.
func marks(locs search.FieldTermLocationMap, field string, textLen int) [][2]int {
	var out [][2]int
	for _, ls := range locs[field] {
		for _, l := range ls {
			s, e := int(l.Start), int(l.End)
			if s < 0 || e > textLen || s >= e {
				continue
			}
			out = append(out, [2]int{s, e})
		}
	}
	return mergeMarks(out)
}

// mergeMarks sorts byte ranges and merges those that overlap.
func mergeMarks(out [][2]int) [][2]int {
	if len(out) == 0 {
		return nil
	}
	slices.SortFunc(out, func(a, b [2]int) int {
		if a[0] != b[0] {
			return a[0] - b[0]
		}
		return a[1] - b[1]
	})
	merged := out[:1]
	for _, m := range out[1:] {
		last := &merged[len(merged)-1]
		if m[0] <= last[1] {
			last[1] = max(last[1], m[1])
			continue
		}
		merged = append(merged, m)
	}
	return merged
}

// snippet cuts about SnippetBytes of body around the first mark, on rune
// and (where possible) word boundaries, with line breaks turned into
// spaces; it returns the marks that fall inside it, shifted to it.
func snippet(body string, ms [][2]int) (string, [][2]int) {
	if body == "" {
		return "", nil
	}
	start := 0
	if len(ms) > 0 {
		first := ms[0][0]
		start = max(0, first-SnippetBytes/4)
		if start > 0 {
			// begin after a space, unless that would pass the first mark
			if i := strings.IndexAny(body[start:first], " \n\t"); i >= 0 {
				start += i + 1
			}
			for start > 0 && !utf8.RuneStart(body[start]) {
				start--
			}
		}
	}
	for start < len(body) && (len(ms) == 0 || start < ms[0][0]) && isSpace(body[start]) {
		start++
	}
	end := min(len(body), start+SnippetBytes)
	if end < len(body) {
		lastMark := start
		for _, m := range ms {
			if m[1] <= end {
				lastMark = max(lastMark, m[1])
			}
		}
		if i := strings.LastIndexAny(body[lastMark:end], " \n\t"); i >= 0 {
			end = lastMark + i
		}
		for end > start && end < len(body) && !utf8.RuneStart(body[end]) {
			end--
		}
	}
	for end > start && isSpace(body[end-1]) {
		end--
	}
	b := []byte(body[start:end])
	for i, c := range b {
		if c == '\n' || c == '\r' || c == '\t' {
			b[i] = ' '
		}
	}
	var out [][2]int
	for _, m := range ms {
		if m[0] >= start && m[1] <= end {
			out = append(out, [2]int{m[0] - start, m[1] - start})
		}
	}
	return string(b), out
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\r' || c == '\t' }
