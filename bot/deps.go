package bot

import (
	"context"

	"github.com/newsdesk/newsdesk/news"
)

// Index is what the bot needs of the search index.
type Index interface {
	Search(ctx context.Context, q news.Query) (news.Results, error)
	Article(ctx context.Context, id string) (news.Article, error)
}

// Faceter counts the statements matching a query per kind, speaker
// country and accused actor, the top n of each (counts);
// *index.Index satisfies it.
type Faceter interface {
	Facets(ctx context.Context, q news.Query, n int) (news.Facets, error)
}

// Actors is what the bot needs of the threat-actor gazetteer.
type Actors interface {
	// Lookup finds an actor by canonical name or alias, case-insensitively.
	Lookup(name string) (news.Actor, bool)
	// Find returns the actor names in free text, whole words, skipping
	// aliases that are ordinary words ("Play", "Silence").
	Find(text string) []news.Mention
}

// Subscription is a channel's digest subscription as the command language
// states it.
type Subscription struct {
	At     string // "08:00" local time; empty when Cron is set
	Cron   string // a robfig/cron expression (5 fields); empty when At is set
	TZ     string // IANA zone, e.g. "Europe/London"; default "UTC"
	Filter string // search filters in the command language, e.g. "actor:APT31 kind:allegation"
	Max    int    // cap on items; 0 means the default
	Quiet  string // "skip" or "note" on a day with nothing new; "" means the default
}

// Digests is what the bot needs to answer subscribe, unsubscribe and digest
// commands. Channel is platform-qualified: "slack:C123", "discord:456",
// "console:local".
type Digests interface {
	Subscribe(ctx context.Context, channel string, s Subscription) error
	Unsubscribe(ctx context.Context, channel string) (existed bool, err error)
	// Preview builds the channel's next digest without posting it or moving
	// its watermark.
	Preview(ctx context.Context, channel string) (Reply, error)
	// PostNow posts the channel's digest at once (exactly once, through the
	// same ledger as a scheduled slot) and returns a short confirmation.
	PostNow(ctx context.Context, channel string) (Reply, error)
}

// FeedEntry is one feed as the feeds command shows it.
type FeedEntry struct {
	Name    string // catalog name; empty for a feed outside the catalog
	Title   string
	Country string // ISO 3166-1 alpha-2 of the publisher
	Kind    string // cyber-agency, foreign-ministry, …
	URL     string
	Verify  bool   // the catalog's address is to be checked
	Origin  string // "config" or "added"; empty when not enabled
}

// FeedList is the catalog with what is enabled.
type FeedList struct {
	Enabled   []FeedEntry // catalog sources and custom feeds that are polled
	Available []FeedEntry // catalog sources that are not
}

// Feeds is what the bot needs to answer feeds list|add|remove. A request
// it will not take is a *Refusal naming why (an unknown name with the
// closest ones, a feed of the config file).
type Feeds interface {
	List(ctx context.Context) (FeedList, error)
	// Add enables a catalog source by name or a feed by URL for user;
	// added is false when it was enabled already.
	Add(ctx context.Context, target, user string) (e FeedEntry, added bool, err error)
	Remove(ctx context.Context, target string) (FeedEntry, error)
}

// Watcher keeps channels' watches: standing searches whose new statements
// are posted to the channel (*digest.Service implements it).
type Watcher interface {
	Watch(ctx context.Context, channel, filter string) (added bool, err error)
	// Unwatch ends the watch of filter, or every watch of the channel when
	// filter is empty, and says how many ended.
	Unwatch(ctx context.Context, channel, filter string) (int, error)
	Watches(ctx context.Context, channel string) ([]string, error)
}
