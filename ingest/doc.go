// Package ingest turns sources into indexed articles: plain-text and
// Markdown articles (the shape of the bundled seed article), JSON Lines
// records, RSS/Atom feeds and the authenticated HTTP ingestion API.
//
// It gives each article a stable id, runs extraction, assigns the ingestion
// sequence number, skips articles it already holds unchanged, and
// acknowledges an article only after the batch holding it is durable in the
// index. A bad file or line gets an error naming it; the rest still goes in.
//
// It may import news, extract and the standard library (plus gofeed); it
// declares the Store it writes to and must not import adapters or bot.
package ingest
