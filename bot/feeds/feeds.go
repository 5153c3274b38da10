// Package feeds answers the bot's feeds command (bot.Feeds) from the
// sources Registry: the catalog with what is enabled, and feeds added or
// removed by name or URL. A request the registry refuses (an unknown name,
// with the closest ones; a feed of the config file; a bad URL) reaches the
// user as a bot.Refusal; anything else is an error for the log.
//
// It may import bot, sources and the standard library.
package feeds

import (
	"context"
	"strings"

	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/sources"
)

// Chat is bot.Feeds over a Registry.
type Chat struct {
	Registry *sources.Registry
}

var _ bot.Feeds = (*Chat)(nil)

// List returns the enabled feeds (the catalog's, then custom ones) and the
// catalog's others.
func (c *Chat) List(ctx context.Context) (bot.FeedList, error) {
	l, err := c.Registry.List(ctx)
	if err != nil {
		return bot.FeedList{}, err
	}
	var out bot.FeedList
	for _, s := range l.Catalog {
		e := entry(s.Source, s.Origin)
		if s.Enabled {
			out.Enabled = append(out.Enabled, e)
		} else {
			out.Available = append(out.Available, e)
		}
	}
	for _, f := range l.Custom {
		out.Enabled = append(out.Enabled, entry(f.Source, f.Origin))
	}
	return out, nil
}

// Add enables a feed for user.
func (c *Chat) Add(ctx context.Context, target, user string) (bot.FeedEntry, bool, error) {
	f, added, err := c.Registry.Add(ctx, target, user)
	if err != nil {
		return bot.FeedEntry{}, false, refusal(err)
	}
	return entry(f.Source, f.Origin), added, nil
}

// Remove disables a feed added from the command line or chat.
func (c *Chat) Remove(ctx context.Context, target string) (bot.FeedEntry, error) {
	f, err := c.Registry.Remove(ctx, target)
	if err != nil {
		return bot.FeedEntry{}, refusal(err)
	}
	return entry(f.Source, f.Origin), nil
}

func entry(s sources.Source, origin string) bot.FeedEntry {
	return bot.FeedEntry{Name: s.Name, Title: s.Title, Country: s.Country, Kind: s.Kind, URL: s.URL, Verify: s.Verify, Origin: origin}
}

// refusal makes an error the registry means for the user a bot.Refusal
// (capitalised, one sentence); others pass as they are.
func refusal(err error) error {
	if !sources.IsRefusal(err) {
		return err
	}
	msg := err.Error()
	return &bot.Refusal{Msg: strings.ToUpper(msg[:1]) + msg[1:] + "."}
}
