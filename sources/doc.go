// Package sources owns newsdesk's catalog of official feeds (catalog.yaml,
// embedded; SOURCES.md describes it) — national cyber agencies, justice
// and foreign ministries, sanctions offices, the Council of the EU and the
// foreign ministries that answer — each with a stable name, publisher,
// country, kind and feed URL, and the Registry of the feeds a newsdesk
// polls: those named in the config file and those enabled from the
// command line or chat (persisted in the state store), catalog names or
// custom URLs.
//
// It resolves a name or URL to a Source (an unknown name is an
// *UnknownError suggesting the closest names) and says what to poll; it
// does no I/O beyond its Store. It may import the standard library,
// yaml.v3, news, state (for the stored record's type) and internal/suggest;
// it must not import ingest, fetch, bot or an adapter.
package sources
