// Package ingest turns sources into stored and indexed articles: plain-text
// and Markdown articles (the shape of the bundled seed article), JSON Lines
// records, RSS/Atom feeds and the authenticated HTTP ingestion API.
//
// It gives each article a stable id, runs extraction (one batch at a time,
// on all cores, outside the critical section), assigns the ingestion
// sequence number, skips articles it already holds unchanged, and
// acknowledges an article only after the batch holding it is durable in the
// records (the article store, the system of record) and written to the
// index. An index that falls behind the records is caught up; Reindex and
// Reextract rebuild the index from the records with the current extractor,
// keeping every statement's seq. A bad file or line gets an error naming it;
// the rest still goes in.
//
// A Poller polls one feed (a conditional GET through its FeedFetcher, the
// guarded *fetch.Fetcher in serve, with the validators kept in the state
// store's feed cursor); a feed that cannot be read is a *FeedError naming
// its reason, and nothing else is lost. A catalog source's publisher and
// country go on each item (news.Source), as the speaker's defaults for
// extraction. Through FullText the poller gives each item
// whose body is only a summary the text of the page it links to (Pages:
// package fetch). An item whose full text is already stored is skipped,
// so its page is never fetched again; a page that fails leaves its item
// with the summary, is logged with its reason, and is tried again at a
// later poll, backing off (RetryAfter, doubling to MaxRetryAfter); the
// feed's validators are not kept meanwhile, so the item is seen again.
//
// It may import news, index (for Reindex), state (for the feed cursor's
// type) and the standard library (plus gofeed); it declares the Records, Index and Extractor it uses and must
// not import adapters or bot.
package ingest
