// Package bot is newsdesk's core: the one command language (search, show,
// latest, actor, digest, subscribe, unsubscribe, feeds, help), parsed into typed
// commands, and answered as platform-neutral Reply values that each adapter
// renders for its platform.
//
// bot declares the small interfaces it needs (Index, Actors, Digests, Feeds)
// and is wired to concrete types in cmd/newsdesk. It must not import an
// adapter, the index, bleve, or any platform SDK.
package bot
