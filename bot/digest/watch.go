package digest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/state"
)

// A watch is a channel's standing search: every minute, the statements
// newly ingested that match its filter are posted to the channel, grouped
// by article, at most WatchMax a time with the rest named in the footer. It
// is a subscription of its own (key: channel + watchSep + the filter's
// hash) on a one-minute schedule that skips quiet minutes, so it has the
// digests' ledger and exactly-once delivery, across restarts and faults.
const (
	watchSep   = "#watch-"
	watchCron  = "* * * * *"
	WatchMax   = 10 // items per alert; the footer names the rest
	MaxWatches = 20 // per channel
)

func isWatch(key string) bool { return strings.Contains(key, watchSep) }

func (s *Service) minGap(channel string) time.Duration {
	if isWatch(channel) {
		return time.Minute
	}
	return s.cfg.MinGap
}

// watchKey is the subscription key of channel's watch of filter (filters
// that differ only in spacing and case are one watch).
func watchKey(channel, filter string) string {
	norm := strings.ToLower(strings.Join(strings.Fields(filter), " "))
	sum := sha256.Sum256([]byte(norm))
	return channel + watchSep + hex.EncodeToString(sum[:6])
}

// Watch starts a watch of filter in channel; added is false when the
// channel already watches it.
func (s *Service) Watch(ctx context.Context, channel, filter string) (added bool, err error) {
	if strings.TrimSpace(filter) == "" {
		return false, &bot.Refusal{Msg: "watch needs a filter, e.g.: watch actor:APT31, watch kind:response by:CN, watch by:GB kind:sanction"}
	}
	ws, err := s.Watches(ctx, channel)
	if err != nil {
		return false, err
	}
	key := watchKey(channel, filter)
	if slices.ContainsFunc(ws, func(w string) bool { return watchKey(channel, w) == key }) {
		return false, nil
	}
	if len(ws) >= MaxWatches {
		return false, &bot.Refusal{Msg: fmt.Sprintf("This channel already has %d watches, the most it may have; remove one first (unwatch <filters>).", MaxWatches)}
	}
	if err := s.Subscribe(ctx, key, bot.Subscription{Cron: watchCron, TZ: "UTC", Filter: filter, Quiet: "skip", Max: WatchMax}); err != nil {
		return false, err
	}
	return true, nil
}

// Unwatch ends channel's watch of filter, or every watch of the channel
// when filter is empty; it returns how many ended.
func (s *Service) Unwatch(ctx context.Context, channel, filter string) (int, error) {
	ws, err := s.Watches(ctx, channel)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, w := range ws {
		if strings.TrimSpace(filter) != "" && watchKey(channel, w) != watchKey(channel, filter) {
			continue
		}
		ok, err := s.Unsubscribe(ctx, watchKey(channel, w))
		if err != nil {
			return n, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}

// Watches lists the filters channel watches, oldest first.
func (s *Service) Watches(ctx context.Context, channel string) ([]string, error) {
	subs, err := s.cfg.Store.Subscriptions(ctx)
	if err != nil {
		return nil, fmt.Errorf("watches of %s: %w", channel, err)
	}
	slices.SortStableFunc(subs, func(a, b state.Subscription) int { return a.Created.Compare(b.Created) })
	var out []string
	for _, sub := range subs {
		if strings.HasPrefix(sub.Channel, channel+watchSep) {
			out = append(out, sub.Filter)
		}
	}
	return out, nil
}
