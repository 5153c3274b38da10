// Package news holds newsdesk's data model: the Article (one incident
// summary) and the Statement (one claim or answer extracted from it).
//
// It exists so that ingest, extract, index, bot and the digest can speak of
// the same values without importing one another. It owns no behaviour beyond
// validation and small helpers on those values.
//
// It must import nothing but the standard library.
package news
