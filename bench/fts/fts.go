// Package fts is the benchmark's yardstick: the same statements as
// newsdesk's index, in an SQLite database with an FTS5 full-text table,
// answering the same news.Query values (Search, Article, MaxSeq, as
// bot.Index and digest.Source ask), so that one run can put the two side
// by side.
//
// Schema: st holds one row per statement (kind, published, seq, the two
// sort keys newsdesk's index uses, and the hit as JSON); st_actor, st_by
// and st_target hold the multi-valued filters (lower-cased, primary key
// (value, rid)); st_fts is a contentless FTS5 table over sentence,
// speaker, title and targets with the porter tokenizer, ranked by bm25
// with newsdesk's field weights (sentence 1, speaker 0.5, title 0.3);
// articles holds each article's JSON by id. Indexes on (kind, sort_date),
// (sort_date), (published) and (sort_seq) serve filters and orders, and
// st_actor and st_by have a second index by rid for Facets' joins.
//
// It answers the question newsdesk's index answers, as closely as FTS5
// can: free words must all occur in one of the fields (stop words dropped,
// as Bleve's "en" analyzer does); phrases match within a field; an actor
// mention matches the actor field or any of its names in the sentence or
// title; fuzzy words expand to the vocabulary's terms within their edit
// distance (the vocabulary is read from fts5vocab once, at Open); Total
// counts every match, or up to Query.TotalUpTo, as newsdesk's index does.
// It gives no Marks. Articles are not searchable (newsdesk's article
// search is not benchmarked).
package fts

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	porterstemmer "github.com/blevesearch/go-porterstemmer"
	_ "modernc.org/sqlite" // the "sqlite" database/sql driver, with FTS5

	"github.com/newsdesk/newsdesk/news"
)

// Limits like newsdesk's index.
const (
	DefaultSize = 10
	MaxSize     = 10_000
	MaxFrom     = 10_000
	// MaxExpansions caps the terms one fuzzy word expands to.
	MaxExpansions = 64
)

// ErrUnsupported is returned for a query the yardstick does not answer.
var ErrUnsupported = errors.New("fts: unsupported query")

const schema = `
CREATE TABLE IF NOT EXISTS articles(rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, seq INTEGER NOT NULL, doc BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS st(rid INTEGER PRIMARY KEY, id TEXT NOT NULL, kind TEXT NOT NULL, published INTEGER, seq INTEGER NOT NULL,
	sort_date TEXT NOT NULL, sort_seq TEXT NOT NULL, hit BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS st_kind_date ON st(kind, sort_date);
CREATE INDEX IF NOT EXISTS st_date ON st(sort_date);
CREATE INDEX IF NOT EXISTS st_published ON st(published);
CREATE INDEX IF NOT EXISTS st_sortseq ON st(sort_seq);
CREATE TABLE IF NOT EXISTS st_actor(v TEXT NOT NULL, rid INTEGER NOT NULL, PRIMARY KEY(v, rid)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS st_by(v TEXT NOT NULL, rid INTEGER NOT NULL, PRIMARY KEY(v, rid)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS st_actor_rid ON st_actor(rid, v);
CREATE INDEX IF NOT EXISTS st_by_rid ON st_by(rid, v);
CREATE TABLE IF NOT EXISTS st_target(v TEXT NOT NULL, rid INTEGER NOT NULL, PRIMARY KEY(v, rid)) WITHOUT ROWID;
CREATE VIRTUAL TABLE IF NOT EXISTS st_fts USING fts5(sentence, speaker, title, targets, content='', tokenize='porter unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE IF NOT EXISTS st_vocab USING fts5vocab(st_fts, 'row');
`

// Engine is an SQLite FTS5 database of statements.
type Engine struct {
	db    *sql.DB
	vocab map[int][]string // terms by length in runes, for fuzzy words
}

// Open opens or creates the database at path.
func Open(path string) (*Engine, error) {
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(5000)" +
		"&_pragma=mmap_size(4294967296)&_pragma=cache_size(-262144)&_pragma=temp_store(MEMORY)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("fts: open %s: %w", path, err)
	}
	db.SetMaxOpenConns(4)
	if _, err := db.Exec(schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("fts: create schema in %s: %w", path, err)
	}
	e := &Engine{db: db}
	if err := e.loadVocab(context.Background()); err != nil {
		db.Close()
		return nil, err
	}
	return e, nil
}

// Close closes the database.
func (e *Engine) Close() error { return e.db.Close() }

// loadVocab reads the FTS5 vocabulary for fuzzy words.
func (e *Engine) loadVocab(ctx context.Context) error {
	rows, err := e.db.QueryContext(ctx, `SELECT term FROM st_vocab`)
	if err != nil {
		return fmt.Errorf("fts: read vocabulary: %w", err)
	}
	defer rows.Close()
	e.vocab = map[int][]string{}
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return fmt.Errorf("fts: read vocabulary: %w", err)
		}
		n := len([]rune(t))
		e.vocab[n] = append(e.vocab[n], t)
	}
	return rows.Err()
}

// storedHit is the JSON kept with each statement, as newsdesk's index
// keeps it.
type storedHit struct {
	ArticleID string         `json:"article_id"`
	Title     string         `json:"title"`
	Published time.Time      `json:"published"`
	Source    news.Source    `json:"source"`
	Seq       uint64         `json:"seq"`
	Statement news.Statement `json:"statement"`
}

// Put adds articles (new ids only: the benchmark never replaces one) in
// one transaction, then rereads the vocabulary. Call Optimize after a bulk
// load.
func (e *Engine) Put(ctx context.Context, arts []news.Article) error {
	tx, err := e.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("fts: put: %w", err)
	}
	defer tx.Rollback()
	prep := func(q string) *sql.Stmt {
		if err != nil {
			return nil
		}
		var s *sql.Stmt
		s, err = tx.PrepareContext(ctx, q)
		return s
	}
	insArt := prep(`INSERT INTO articles(id, seq, doc) VALUES(?, ?, ?)`)
	insSt := prep(`INSERT INTO st(id, kind, published, seq, sort_date, sort_seq, hit) VALUES(?, ?, ?, ?, ?, ?, ?)`)
	insFTS := prep(`INSERT INTO st_fts(rowid, sentence, speaker, title, targets) VALUES(?, ?, ?, ?, ?)`)
	insActor := prep(`INSERT OR IGNORE INTO st_actor(v, rid) VALUES(?, ?)`)
	insBy := prep(`INSERT OR IGNORE INTO st_by(v, rid) VALUES(?, ?)`)
	insTarget := prep(`INSERT OR IGNORE INTO st_target(v, rid) VALUES(?, ?)`)
	if err != nil {
		return fmt.Errorf("fts: put: prepare: %w", err)
	}
	for _, a := range arts {
		doc, err := json.Marshal(a)
		if err != nil {
			return fmt.Errorf("fts: put %s: %w", a.ID, err)
		}
		if _, err := insArt.ExecContext(ctx, a.ID, a.Seq, doc); err != nil {
			return fmt.Errorf("fts: put %s: %w", a.ID, err)
		}
		for n, s := range a.Statements {
			seq := a.Seq
			if s.Seq != 0 {
				seq = s.Seq
			}
			id := a.ID + "#" + strconv.Itoa(n)
			h, err := json.Marshal(storedHit{ArticleID: a.ID, Title: a.Title, Published: a.Published, Source: a.Source, Seq: seq, Statement: s})
			if err != nil {
				return fmt.Errorf("fts: put %s: %w", id, err)
			}
			var pub any
			if !a.Published.IsZero() {
				pub = a.Published.UnixNano()
			}
			res, err := insSt.ExecContext(ctx, id, string(s.Kind), pub, seq, SortDateKey(a.Published, seq, n, id), SortSeqKey(seq, n, id), h)
			if err != nil {
				return fmt.Errorf("fts: put %s: %w", id, err)
			}
			rid, err := res.LastInsertId()
			if err != nil {
				return fmt.Errorf("fts: put %s: %w", id, err)
			}
			if _, err := insFTS.ExecContext(ctx, rid, s.Sentence, s.Speaker, a.Title, strings.Join(s.Targets, "\n")); err != nil {
				return fmt.Errorf("fts: put %s: %w", id, err)
			}
			for _, set := range []struct {
				st *sql.Stmt
				vs []string
			}{{insActor, s.Accused}, {insBy, s.SpeakerCountry}, {insTarget, s.Targets}} {
				for _, v := range set.vs {
					if _, err := set.st.ExecContext(ctx, strings.ToLower(strings.TrimSpace(v)), rid); err != nil {
						return fmt.Errorf("fts: put %s: %w", id, err)
					}
				}
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("fts: put: commit: %w", err)
	}
	return nil
}

// Optimize merges the FTS5 index into one b-tree and updates the planner's
// statistics and the vocabulary: what an application does after a bulk
// load.
func (e *Engine) Optimize(ctx context.Context) error {
	for _, q := range []string{`INSERT INTO st_fts(st_fts) VALUES('optimize')`, `ANALYZE`, `PRAGMA wal_checkpoint(TRUNCATE)`} {
		if _, err := e.db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("fts: %s: %w", q, err)
		}
	}
	return e.loadVocab(ctx)
}

// Article returns the article with that id, or an error wrapping
// news.ErrNotFound.
func (e *Engine) Article(ctx context.Context, id string) (news.Article, error) {
	var doc []byte
	err := e.db.QueryRowContext(ctx, `SELECT doc FROM articles WHERE id = ?`, id).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return news.Article{}, fmt.Errorf("fts: article %q: %w", id, news.ErrNotFound)
	}
	if err != nil {
		return news.Article{}, fmt.Errorf("fts: article %q: %w", id, err)
	}
	var a news.Article
	if err := json.Unmarshal(doc, &a); err != nil {
		return news.Article{}, fmt.Errorf("fts: article %q: %w", id, err)
	}
	return a, nil
}

// MaxSeq is the highest ingestion sequence stored.
func (e *Engine) MaxSeq(ctx context.Context) (uint64, error) {
	var n sql.NullInt64
	if err := e.db.QueryRowContext(ctx, `SELECT max(seq) FROM articles`).Scan(&n); err != nil {
		return 0, fmt.Errorf("fts: max seq: %w", err)
	}
	return uint64(n.Int64), nil
}

// Count is the number of statements stored.
func (e *Engine) Count(ctx context.Context) (uint64, error) {
	var n uint64
	err := e.db.QueryRowContext(ctx, `SELECT count(*) FROM st`).Scan(&n)
	return n, err
}

// Search runs q: one query for the page, one for the total.
func (e *Engine) Search(ctx context.Context, q news.Query) (news.Results, error) {
	start := time.Now()
	if q.Type != "" && q.Type != news.TypeStatement {
		return news.Results{}, fmt.Errorf("%w: document type %q", ErrUnsupported, q.Type)
	}
	from, args, scored, err := e.build(q)
	if err != nil {
		return news.Results{}, err
	}
	sortBy := q.SortBy
	if sortBy == "" {
		sortBy = "date"
		if scored {
			sortBy = "score"
		}
	}
	var order string
	switch sortBy {
	case "score":
		order = "score, st.sort_date"
		if !scored {
			order = "st.sort_date"
		}
	case "date":
		order = "st.sort_date"
	case "seq":
		order = "st.sort_seq"
	default:
		return news.Results{}, fmt.Errorf("%w: sort %q", ErrUnsupported, q.SortBy)
	}
	size := q.Size
	if size <= 0 {
		size = DefaultSize
	}
	size = min(size, MaxSize)
	fromN := min(max(q.From, 0), MaxFrom)
	score := "0.0"
	if scored {
		score = "m.score"
	}
	page := `SELECT st.id, ` + score + ` AS score, st.hit ` + from + ` ORDER BY ` + order + ` LIMIT ? OFFSET ?`
	rows, err := e.db.QueryContext(ctx, page, append(slices.Clone(args), size, fromN)...)
	if err != nil {
		return news.Results{}, fmt.Errorf("fts: search: %w\n%s", err, page)
	}
	defer rows.Close()
	var out news.Results
	for rows.Next() {
		var id string
		var sc float64
		var raw []byte
		if err := rows.Scan(&id, &sc, &raw); err != nil {
			return news.Results{}, fmt.Errorf("fts: search: %w", err)
		}
		var h storedHit
		if err := json.Unmarshal(raw, &h); err != nil {
			return news.Results{}, fmt.Errorf("fts: hit %s: %w", id, err)
		}
		st := h.Statement
		out.Hits = append(out.Hits, news.Hit{ID: id, ArticleID: h.ArticleID, Title: h.Title, Published: h.Published,
			Source: h.Source, Seq: h.Seq, Score: -sc, Statement: &st})
	}
	if err := rows.Err(); err != nil {
		return news.Results{}, fmt.Errorf("fts: search: %w", err)
	}
	// Count as newsdesk does: up to q.TotalUpTo matches when it is set.
	count, cargs := `SELECT count(*) `+from, args
	if q.TotalUpTo > 0 {
		count, cargs = `SELECT count(*) FROM (SELECT 1 `+from+` LIMIT ?)`, append(slices.Clone(args), q.TotalUpTo+1)
	}
	if err := e.db.QueryRowContext(ctx, count, cargs...).Scan(&out.Total); err != nil {
		return news.Results{}, fmt.Errorf("fts: count: %w", err)
	}
	if q.TotalUpTo > 0 && out.Total > uint64(q.TotalUpTo) {
		out.Total, out.TotalAtLeast = uint64(q.TotalUpTo), true
	}
	out.Took = time.Since(start)
	return out, nil
}

// Facets counts the statements matching q per kind, speaker country and
// accused actor, as newsdesk's index.Facets does: one statement that
// materializes the matches and groups them three ways (GROUP BY over the
// kind column and joins to st_by and st_actor), the top n of each kept.
func (e *Engine) Facets(ctx context.Context, q news.Query, n int) (news.Facets, error) {
	if q.Type != "" && q.Type != news.TypeStatement {
		return news.Facets{}, fmt.Errorf("%w: document type %q", ErrUnsupported, q.Type)
	}
	from, args, _, err := e.build(q)
	if err != nil {
		return news.Facets{}, err
	}
	stmt := `WITH hits AS MATERIALIZED (SELECT st.rid AS rid, st.kind AS kind ` + from + `)
SELECT 'k', kind, count(*) FROM hits GROUP BY kind
UNION ALL SELECT 'b', b.v, count(*) FROM hits JOIN st_by b ON b.rid = hits.rid GROUP BY b.v
UNION ALL SELECT 'a', a.v, count(*) FROM hits JOIN st_actor a ON a.rid = hits.rid GROUP BY a.v`
	rows, err := e.db.QueryContext(ctx, stmt, args...)
	if err != nil {
		return news.Facets{}, fmt.Errorf("fts: facets: %w\n%s", err, stmt)
	}
	defer rows.Close()
	var out news.Facets
	var kinds, by, actors []news.Count
	for rows.Next() {
		var facet, term string
		var c uint64
		if err := rows.Scan(&facet, &term, &c); err != nil {
			return news.Facets{}, fmt.Errorf("fts: facets: %w", err)
		}
		switch facet {
		case "k":
			kinds = append(kinds, news.Count{Term: term, N: c})
			out.Total += c
		case "b":
			by = append(by, news.Count{Term: term, N: c})
		case "a":
			actors = append(actors, news.Count{Term: term, N: c})
		}
	}
	if err := rows.Err(); err != nil {
		return news.Facets{}, fmt.Errorf("fts: facets: %w", err)
	}
	n = max(n, 1)
	out.Kinds, _ = top(kinds, n)
	out.By, out.OtherBy = top(by, n)
	out.Actors, out.OtherActors = top(actors, n)
	return out, nil
}

// top is the n largest counts (ties by term) and the sum of the rest.
func top(cs []news.Count, n int) ([]news.Count, uint64) {
	slices.SortFunc(cs, func(a, b news.Count) int {
		if a.N != b.N {
			if a.N > b.N {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Term, b.Term)
	})
	var other uint64
	for _, c := range cs[min(n, len(cs)):] {
		other += c.N
	}
	return cs[:min(n, len(cs))], other
}

// build makes the FROM ... WHERE ... of q and its arguments. scored says
// whether rows carry a bm25 score (m.score; lower is better).
func (e *Engine) build(q news.Query) (from string, args []any, scored bool, err error) {
	var must []string // FTS5 expressions, all required
	words, phrases := splitText(q.Text)
	if ws := e.freeWords(words, q.Fuzzy); ws != "" {
		must = append(must, perField(ws))
	}
	for _, ft := range q.FuzzyTerms {
		if g := e.fuzzyGroup(ft.Word, min(max(ft.Distance, 1), 2)); g != "" {
			must = append(must, perField(g))
		}
	}
	for _, p := range phrases {
		must = append(must, "{sentence speaker title} : "+quote(p))
	}
	var where []string
	mentions := q.Mentions
	switch {
	case len(must) > 0:
		from = `FROM (SELECT rowid AS rid, bm25(st_fts, 1.0, 0.5, 0.3, 0.0) AS score FROM st_fts WHERE st_fts MATCH ?) m JOIN st ON st.rid = m.rid`
		args = append(args, strings.Join(must, " AND "))
		scored = true
	case len(mentions) > 0 && mentionNames(mentions[0]) != "":
		// Ranked by the first mention: its names in the text (bm25), or
		// its actor field (score 0, after the text matches).
		from = `FROM (SELECT rid, min(score) AS score FROM (` +
			`SELECT rowid AS rid, bm25(st_fts, 1.0, 0.5, 0.3, 0.0) AS score FROM st_fts WHERE st_fts MATCH ? ` +
			`UNION ALL SELECT rid, 0.0 FROM st_actor WHERE v = ?) GROUP BY rid) m JOIN st ON st.rid = m.rid`
		args = append(args, "{sentence title} : "+mentionNames(mentions[0]), lower(mentions[0][0]))
		mentions = mentions[1:]
		scored = true
	default:
		from = `FROM st`
	}
	for _, m := range mentions {
		if names := mentionNames(m); names != "" {
			where = append(where, `(st.rid IN (SELECT rowid FROM st_fts WHERE st_fts MATCH ?) OR st.rid IN (SELECT rid FROM st_actor WHERE v = ?))`)
			args = append(args, "{sentence title} : "+names, lower(m[0]))
		}
	}
	in := func(vs []string) (string, []any) {
		var ph []string
		var as []any
		for _, v := range vs {
			if v = lower(v); v != "" {
				ph = append(ph, "?")
				as = append(as, v)
			}
		}
		return strings.Join(ph, ","), as
	}
	for _, f := range []struct {
		table string
		vs    []string
	}{{"st_actor", q.Actors}, {"st_by", q.By}} {
		if ph, as := in(f.vs); ph != "" {
			where = append(where, `st.rid IN (SELECT rid FROM `+f.table+` WHERE v IN (`+ph+`))`)
			args = append(args, as...)
		}
	}
	if len(q.Kinds) > 0 {
		ks := make([]string, len(q.Kinds))
		for i, k := range q.Kinds {
			ks[i] = string(k)
		}
		ph, as := in(ks)
		where = append(where, `st.kind IN (`+ph+`)`)
		args = append(args, as...)
	}
	if ph, as := in(q.Targets); ph != "" {
		var alts []string
		for _, t := range q.Targets {
			if strings.TrimSpace(t) != "" {
				alts = append(alts, quote(t))
			}
		}
		where = append(where, `(st.rid IN (SELECT rid FROM st_target WHERE v IN (`+ph+`)) OR st.rid IN (SELECT rowid FROM st_fts WHERE st_fts MATCH ?))`)
		args = append(args, as...)
		args = append(args, "targets : ("+strings.Join(alts, " OR ")+")")
	}
	if !q.Since.IsZero() {
		where = append(where, `st.published >= ?`)
		args = append(args, q.Since.UnixNano())
	}
	if !q.Until.IsZero() {
		where = append(where, `st.published < ?`)
		args = append(args, q.Until.UnixNano())
	}
	if !q.Since.IsZero() || !q.Until.IsZero() {
		where = append(where, `st.published IS NOT NULL`)
	}
	if q.AfterSeq > 0 {
		where = append(where, `st.seq > ?`)
		args = append(args, q.AfterSeq)
	}
	if q.UpToSeq > 0 {
		where = append(where, `st.seq <= ?`)
		args = append(args, q.UpToSeq)
	}
	if len(where) > 0 {
		from += " WHERE " + strings.Join(where, " AND ")
	}
	return from, args, scored, nil
}

// perField requires expr (terms, all required) in one field: sentence,
// speaker or title, as newsdesk's per-field match queries do.
func perField(expr string) string {
	return "(sentence : (" + expr + ") OR speaker : (" + expr + ") OR title : (" + expr + "))"
}

// freeWords is the FTS5 expression of the free words (stop words
// dropped), each within one edit when fuzzy.
func (e *Engine) freeWords(words []string, fuzzy bool) string {
	var out []string
	for _, w := range words {
		for _, t := range tokens(w) {
			if stopWords[t] {
				continue
			}
			if fuzzy {
				if g := e.fuzzyGroup(t, 1); g != "" {
					out = append(out, g)
				}
				continue
			}
			out = append(out, quote(t))
		}
	}
	return strings.Join(out, " ")
}

// fuzzyGroup is an OR of the vocabulary terms within dist edits of word's
// stem (the word itself when none is): what Bleve's fuzzy match visits.
func (e *Engine) fuzzyGroup(word string, dist int) string {
	var alts []string
	for _, t := range tokens(word) {
		stem := porterstemmer.StemString(t)
		n := len([]rune(stem))
		var terms []string
		for l := max(1, n-dist); l <= n+dist && len(terms) < MaxExpansions; l++ {
			for _, v := range e.vocab[l] {
				if levenshtein(stem, v, dist) <= dist {
					terms = append(terms, quote(v))
					if len(terms) == MaxExpansions {
						break
					}
				}
			}
		}
		if len(terms) == 0 {
			terms = []string{quote(t)}
		}
		alts = append(alts, "("+strings.Join(terms, " OR ")+")")
	}
	return strings.Join(alts, " ")
}

// mentionNames is the FTS5 OR of an actor's names as phrases.
func mentionNames(names []string) string {
	if len(names) == 0 || strings.TrimSpace(names[0]) == "" {
		return ""
	}
	var alts []string
	seen := map[string]bool{}
	for _, n := range names {
		k := lower(n)
		if k == "" || seen[k] || len(tokens(n)) == 0 {
			continue
		}
		seen[k] = true
		alts = append(alts, quote(n))
		if len(alts) == 64 {
			break
		}
	}
	return "(" + strings.Join(alts, " OR ") + ")"
}

// quote makes s one FTS5 string (a phrase when it holds several tokens).
func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func lower(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// tokens are the lower-cased words of s as unicode61 cuts them.
func tokens(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// stopWords is Bleve's English stop list, which newsdesk's "en" analyzer
// drops from free words.
var stopWords = func() map[string]bool {
	tm := analysis.NewTokenMap()
	if err := tm.LoadBytes(en.EnglishStopWords); err != nil {
		panic(err)
	}
	m := make(map[string]bool, len(tm))
	for k := range tm {
		m[k] = true
	}
	return m
}()

// splitText separates free words from "quoted phrases" as newsdesk's
// index does.
func splitText(s string) (words []string, phrases []string) {
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
	return strings.Fields(w.String()), phrases
}

// levenshtein is the edit distance of a and b, or max+1 once it exceeds
// max.
func levenshtein(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			best = min(best, cur[j])
		}
		if best > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// SortDateKey is newsdesk's index's date order key: published newest first
// (none last), then seq highest first, then statement order, then id.
func SortDateKey(published time.Time, seq uint64, n int, id string) string {
	var u uint64
	if !published.IsZero() {
		u = uint64(published.UnixNano()) ^ (1 << 63)
	}
	return fmt.Sprintf("%016x%016x%08x%s", ^u, ^seq, uint32(n+1), id)
}

// SortSeqKey is newsdesk's index's seq order key.
func SortSeqKey(seq uint64, n int, id string) string {
	return fmt.Sprintf("%016x%08x%s", seq, uint32(n+1), id)
}
