package sources

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/newsdesk/newsdesk/ingest"
	"github.com/newsdesk/newsdesk/state"
)

// Store is where the feeds enabled from the command line or chat persist
// (*state.Store).
type Store interface {
	EnabledFeeds(ctx context.Context) ([]state.EnabledFeed, error)
	EnableFeed(ctx context.Context, f state.EnabledFeed) (added bool, err error)
	DisableFeed(ctx context.Context, key string) (existed bool, err error)
}

var _ Store = (*state.Store)(nil)

// Configured is a feed the config file names: a catalog source by Name,
// or a feed by URL.
type Configured struct {
	Name, URL string
	Every     time.Duration
}

// Where a feed was enabled.
const (
	FromConfig = "config" // the config file's feeds:
	FromAdded  = "added"  // feeds add, from the command line or chat
)

// Feed is one feed to poll.
type Feed struct {
	Source
	Every  time.Duration // 0: the poller's default
	Origin string        // FromConfig or FromAdded
	By     string        // who added it ("cli", "slack:U123"); empty for the config's
}

// Registry is the feeds a newsdesk polls: the config's, then those added
// from the command line or chat.
type Registry struct {
	Catalog *Catalog
	Store   Store // nil: only the config's feeds, and nothing can be added
	Config  []Configured
	Now     func() time.Time
	Log     *slog.Logger
}

// ConfiguredError: a feed the config file enables cannot be removed from
// the command line or chat.
type ConfiguredError struct{ Label string }

func (e *ConfiguredError) Error() string {
	return fmt.Sprintf("the feed %s is enabled in the config file (feeds:); remove it there and restart newsdesk", e.Label)
}

// NotEnabledError: a feed asked to be removed that is not enabled.
type NotEnabledError struct{ Label string }

func (e *NotEnabledError) Error() string {
	return fmt.Sprintf("the feed %s is not enabled (feeds list shows what is)", e.Label)
}

// IsRefusal reports whether err is one a user is told as it stands: an
// unknown name, a bad URL, a feed of the config file, one not enabled.
func IsRefusal(err error) bool {
	var (
		u *UnknownError
		b *BadURLError
		c *ConfiguredError
		n *NotEnabledError
	)
	return errors.As(err, &u) || errors.As(err, &b) || errors.As(err, &c) || errors.As(err, &n)
}

// CheckConfig resolves every feed the config names; an unknown name is an
// error naming the entry and suggesting the closest names.
func (r *Registry) CheckConfig() error {
	var errs []error
	for i, c := range r.Config {
		if c.Name == "" {
			continue
		}
		if _, err := r.Catalog.Resolve(c.Name); err != nil {
			errs = append(errs, fmt.Errorf("feeds[%d].name: %w", i, err))
		}
	}
	return errors.Join(errs...)
}

func (r *Registry) configured() []Feed {
	var out []Feed
	for _, c := range r.Config {
		arg := c.Name
		if arg == "" {
			arg = c.URL
		}
		s, err := r.Catalog.Resolve(arg)
		if err != nil {
			r.log().Warn("feed in the config file left out", "feed", arg, "err", err)
			continue
		}
		out = append(out, Feed{Source: s, Every: c.Every, Origin: FromConfig})
	}
	return out
}

func (r *Registry) added(ctx context.Context) ([]Feed, []state.EnabledFeed, error) {
	if r.Store == nil {
		return nil, nil, nil
	}
	stored, err := r.Store.EnabledFeeds(ctx)
	if err != nil {
		return nil, nil, err
	}
	var out []Feed
	var stale []state.EnabledFeed
	for _, e := range stored {
		s, err := r.Catalog.Resolve(e.Key())
		if err != nil {
			stale = append(stale, e)
			continue
		}
		out = append(out, Feed{Source: s, Origin: FromAdded, By: e.By})
	}
	return out, stale, nil
}

// Enabled returns the feeds to poll: the config's in order, then the added
// ones, each feed once (the config's wins). An added name the catalog no
// longer has is left out with a warning.
func (r *Registry) Enabled(ctx context.Context) ([]Feed, error) {
	added, stale, err := r.added(ctx)
	if err != nil {
		return nil, err
	}
	for _, e := range stale {
		r.log().Warn("an enabled feed is no longer in the catalog and is not polled; remove it with feeds remove", "feed", e.Key())
	}
	var out []Feed
	seen := map[string]bool{}
	for _, f := range append(r.configured(), added...) {
		if k := canonical(f.URL); !seen[k] {
			seen[k] = true
			out = append(out, f)
		}
	}
	return out, nil
}

// Listed is a catalog source and whether it is enabled.
type Listed struct {
	Source
	Enabled bool
	Origin  string // where it was enabled; empty when it is not
}

// Listing is the catalog with what is enabled, and the custom feeds.
type Listing struct {
	Catalog []Listed // by name
	Custom  []Feed   // enabled feeds outside the catalog
	Stale   []string // added names the catalog no longer has
}

// List returns the catalog with each source's enabled mark, and the
// custom feeds enabled.
func (r *Registry) List(ctx context.Context) (Listing, error) {
	added, stale, err := r.added(ctx)
	if err != nil {
		return Listing{}, err
	}
	var l Listing
	for _, e := range stale {
		l.Stale = append(l.Stale, e.Key())
	}
	on := map[string]string{}
	seen := map[string]bool{}
	for _, f := range append(r.configured(), added...) {
		k := canonical(f.URL)
		if seen[k] {
			continue
		}
		seen[k] = true
		if f.Custom() {
			l.Custom = append(l.Custom, f)
			continue
		}
		on[f.Name] = f.Origin
	}
	for _, s := range r.Catalog.All() {
		origin, ok := on[s.Name]
		l.Catalog = append(l.Catalog, Listed{Source: s, Enabled: ok, Origin: origin})
	}
	return l, nil
}

// Add enables the feed a user names (a catalog name or a URL) for by;
// added is false when it was enabled already (in the config file or
// before).
func (r *Registry) Add(ctx context.Context, arg, by string) (f Feed, added bool, err error) {
	s, err := r.Catalog.Resolve(arg)
	if err != nil {
		return Feed{}, false, err
	}
	for _, c := range r.configured() {
		if canonical(c.URL) == canonical(s.URL) {
			return c, false, nil
		}
	}
	if r.Store == nil {
		return Feed{}, false, errors.New("feeds can only be added with a state store")
	}
	now := time.Now
	if r.Now != nil {
		now = r.Now
	}
	e := state.EnabledFeed{Name: s.Name, By: by, Added: now().UTC()}
	if s.Custom() {
		e.URL = s.URL
	}
	added, err = r.Store.EnableFeed(ctx, e)
	if err != nil {
		return Feed{}, false, err
	}
	return Feed{Source: s, Origin: FromAdded, By: by}, added, nil
}

// Remove disables a feed added from the command line or chat. A feed of
// the config file is a *ConfiguredError, one not enabled a
// *NotEnabledError; an added name the catalog no longer has can still be
// removed by it.
func (r *Registry) Remove(ctx context.Context, arg string) (Feed, error) {
	s, rerr := r.Catalog.Resolve(arg)
	if rerr == nil {
		for _, c := range r.configured() {
			if canonical(c.URL) == canonical(s.URL) {
				return Feed{}, &ConfiguredError{Label: s.Label()}
			}
		}
	}
	if r.Store == nil {
		if rerr != nil {
			return Feed{}, rerr
		}
		return Feed{}, &NotEnabledError{Label: s.Label()}
	}
	stored, err := r.Store.EnabledFeeds(ctx)
	if err != nil {
		return Feed{}, err
	}
	for _, e := range stored {
		match := e.Key() == arg
		if rerr == nil {
			match = match || e.Name != "" && e.Name == s.Name || e.Name == "" && canonical(e.URL) == canonical(s.URL)
		}
		if !match {
			continue
		}
		if _, err := r.Store.DisableFeed(ctx, e.Key()); err != nil {
			return Feed{}, err
		}
		if rerr != nil {
			s = Source{Name: e.Name, URL: e.URL}
		}
		return Feed{Source: s, Origin: FromAdded, By: e.By}, nil
	}
	if rerr != nil {
		return Feed{}, rerr
	}
	return Feed{}, &NotEnabledError{Label: s.Label()}
}

func (r *Registry) log() *slog.Logger {
	if r.Log != nil {
		return r.Log
	}
	return slog.Default()
}

// Spec is what ingest polls for f: its URL, publisher and country as the
// speaker's defaults, interval and whether to fetch full text.
func (f Feed) Spec() ingest.FeedSpec {
	return ingest.FeedSpec{URL: f.URL, Publisher: f.Publisher, Country: f.Country, Every: f.Every, FullText: f.FullText}
}

// Specs lists what to poll, one spec per enabled feed (ingest.Pollers'
// List). With an error it still returns the feeds it could read.
func (r *Registry) Specs(ctx context.Context) ([]ingest.FeedSpec, error) {
	enabled, err := r.Enabled(ctx)
	specs := make([]ingest.FeedSpec, 0, len(enabled))
	for _, e := range enabled {
		specs = append(specs, e.Spec())
	}
	return specs, err
}
