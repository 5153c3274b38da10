// Package index owns newsdesk's full-text index: a Bleve v2 (scorch) index
// on disk with an explicit mapping, the article and statement documents
// stored in it, and the search that answers a news.Query.
//
// Every article is indexed as one "article" document (id = article ID) plus
// one "statement" document per statement (id = article ID + "#" + n). A
// statement document carries its article's title, publication date, source
// and seq so that a hit can be shown without a second lookup. The complete
// article is kept as JSON in a stored, non-indexed field, so the index can
// give back what was put in (Article) and be rebuilt from itself.
//
// The filter fields are the same in both document types so that one filter
// serves both: actors (statement: accused; article: the union),
// speaker_country (article: countries), kind (article: kinds), targets;
// plus type, article_id, source_name, published and seq. The text fields
// are each one type's own: title and body (articles); sentence, speaker
// and headline, the article's title (statements, which also have the
// keyword confidence), so that a statement search with words selects
// statements without a type filter. Keyword fields are lower-cased single
// tokens with doc values and term vectors; text fields use the "en"
// analyzer with term vectors; nothing goes into _all. Two precomputed keyword sort keys
// (sort_date, sort_seq) carry the date and seq orders with their
// tie-breaks in one doc value each: sorting on numeric and date doc values,
// which hold many prefix-coded terms per value, cost several times more.
//
// With WithActors, statement documents are also tagged with the gazetteer
// actors their sentence (mentions) and headline (title_mentions) name, as
// match_phrase queries of the actors' names would find them, and a mention
// of such an actor is searched as three terms (actors, mentions,
// title_mentions) instead of a phrase per name and field. The tags count
// only while every statement document carries them with the same
// gazetteer: the index records the gazetteer's fingerprint when it is
// created, a write with another gazetteer (or none) erases it, and without
// it mentions are searched with the phrases, which find the same hits.
// Article documents are searched with the phrases.
//
// A search costs what its page costs, not what its matches do. Filters
// select without scoring (boost 0, so scores stay those of the words). In
// a scored search the term filters (a bitmap per segment of their
// postings) and the date range (against the segments' date columns)
// narrow the postings of the scored terms as they are read
// (filteredQuery); other filters are conjuncts. A relevance search sorts by score
// inside Bleve, reading no location or stored field, and breaks the ties
// of its best matches by their segments' date columns (sort_date keys
// parsed once per segment); the page's locations and stored hits are then
// read for the page's documents alone (runPage), by their internal ids on
// the search's own snapshot (runLoading). A date-sorted search of terms
// alone (filters and tagged mentions, with date and seq ranges) is
// answered from postings bitmaps and the date columns' order, newest
// first, with an exact total and no Bleve search; any other runs in
// windows of published date, newest first from the newest date indexed,
// stopping when the page is full and counting the rest without sorting
// (up to news.Query.TotalUpTo when set). Results equal those of the one
// request sorted on [score,] sort_date over every match.
//
// Facets counts from postings: a query of terms alone is a bitmap per
// segment, any other is collected by one unscored search, and each facet
// term is counted from the segment's facet table (each document's term
// numbers, built once from the postings). Histogram counts with a
// date-range facet over published's doc values. The per-segment caches
// (date columns, facet tables) are built by the search that needs them
// first, or, after KeepWarm (serve, the console), in the background: at
// once, then every few seconds once the index has gone that long
// unwritten (never during a bulk load). They are dropped when their
// segment is merged away.
//
// Search never builds a query-string, regexp, wildcard or prefix query from
// user text: free words become match queries (optionally fuzziness 1) and
// quoted phrases phraseMatch queries (Bleve's match_phrase, matched by a
// searcher that checks positions without Bleve's per-candidate location
// maps and scores as Bleve's phrase searcher does; a request for
// locations, the second step of a page, gets Bleve's); a fuzzy word is a
// fuzzyMatch, which builds the searchers Bleve's fuzzy match query
// builds. The term
// searchers of a search are counted against the index's limit (the words,
// phrases and filter terms before it runs, a fuzzy word's dictionary terms
// within its edit distance as its searcher walks the dictionary), and a
// search over the limit is refused with a *TooBroadError
// (news.ErrQueryTooBroad). Bleve's own counter (search.MaxTermSearchersKey)
// stays a margin above that limit as a backstop. Every search runs under a
// deadline and with a recover() so that a panic inside Bleve becomes an
// error.
//
// Compact merges the segments of a bulk-loaded index into one (Rebuild
// does it), since a search sets up its term searchers once per segment.
//
// The index records its mapping version; Open refuses another version
// (version 1, which lacks the tag fields, is still opened and searched
// with phrases) with an error wrapping ErrMappingVersion. Rebuild (newsdesk reindex) copies the
// stored articles of such an index, optionally transformed (re-extracted),
// into a new index with the current mapping beside it and swaps the two
// directories, keeping the old one as path+".old-<timestamp>"; leftovers of
// an interrupted rebuild are removed or finished by the next Rebuild or Open.
//
// The index imports only the standard library, news and Bleve (with its own
// bbolt dependency, for the lock-timeout error, and its roaring bitmaps
// and segment API, for the bitmaps and caches). It must not import bot,
// ingest, extract, state or any adapter.
package index
