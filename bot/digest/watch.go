package digest

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/state"
)

// A watch is a channel's standing search: every minute, the statements
// newly ingested that match its filter are posted to the channel, grouped
// by article, at most WatchMax a time with the rest named in the footer,
// and at most Config.WatchRate items a minute across all the channel's
// watches (see tickWatches). It is a subscription of its own (key: channel
// + watchSep + the filter's hash) on a one-minute schedule that skips quiet
// minutes, so it has the digests' ledger and exactly-once delivery, across
// restarts and faults.
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

// watchChannel is the channel a watch posts to.
func watchChannel(key string) string {
	ch, _, _ := strings.Cut(key, watchSep)
	return ch
}

// watchDue is one watch due in a pass: its window and its share of the
// channel's budget.
type watchDue struct {
	sub   state.Subscription
	sched schedule
	at    time.Time
	w     window
	total int // statements the alert would hold, uncapped
	share int
}

// tickWatches is one minute's alerts of one channel: every watch of the
// channel that is due reads its window, and the channel's alert budget
// (Config.WatchRate items a minute across its watches, less what alerts of
// the same minute already showed) is shared among the watches with
// matches, round robin, oldest matches first; each watch's alert shows at
// most its share (and at most its own cap). A watch whose share is zero is
// held back: it is not handled this minute, so its matches go into its
// alert of the next minute (or the one after), where, being older, they
// come first; the last alert of the pass names them in its footer ("12
// more …") with the searches that show them now. Each watch keeps its own
// ledger slot and watermark, so exactly-once holds as for a digest; the
// budget is read from the ledger (the items each slot of the minute
// showed), so a restart within a minute does not grant it twice.
//
// Within one watch's alert, what its share cuts is named in the footer
// with its search, as for a digest, and not posted later: the watch's
// watermark passes it (a share is not a prefix of the window, so it cannot
// be carried).
func (s *Service) tickWatches(ctx context.Context, channel string, subs []state.Subscription, force bool) error {
	if _, _, err := s.poster(channel); err != nil {
		if force {
			s.log.Warn("digest: watches skipped", "channel", channel, "err", err)
		}
		return nil
	}
	defer s.lock(channel + watchSep)()
	now := s.clock.Now()
	var errs []error
	var dues []*watchDue
	for _, sub := range subs {
		d, err := s.watchDue(ctx, sub.Channel, now, force)
		if err != nil {
			errs = append(errs, err)
		}
		if d != nil {
			dues = append(dues, d)
		}
	}
	if len(dues) == 0 {
		return errors.Join(errs...)
	}
	// the budget of each minute due (one, unless a pass spans minutes)
	budget := map[time.Time]int{}
	for _, d := range dues {
		if _, ok := budget[d.at]; ok {
			continue
		}
		used := 0
		for _, sub := range subs {
			sl, ok, err := s.cfg.Store.Slot(ctx, sub.Channel+"|"+d.sched.slotName(d.at))
			if err != nil {
				return errors.Join(append(errs, err)...)
			}
			if ok && sl.State != state.Abandoned {
				used += max(sl.Items, min(sl.Count, 1)) // a slot of an older newsdesk counts one
			}
		}
		budget[d.at] = max(s.cfg.WatchRate-used, 0)
	}
	slices.SortStableFunc(dues, func(a, b *watchDue) int {
		return cmp.Or(cmp.Compare(a.w.hits[0].Seq, b.w.hits[0].Seq), strings.Compare(a.sub.Channel, b.sub.Channel))
	})
	for more := true; more; {
		more = false
		for _, d := range dues {
			if budget[d.at] > 0 && d.share < min(d.total, capOf(d.sub)) {
				d.share++
				budget[d.at]--
				more = true
			}
		}
	}
	var held []*watchDue
	last := -1
	for i, d := range dues {
		if d.share == 0 {
			held = append(held, d)
		} else {
			last = i
		}
	}
	if len(held) > 0 {
		s.log.Info("digest: channel's alert limit reached; watches held back to the next minute", "channel", channel, "limit", s.cfg.WatchRate, "held", len(held))
	}
	for i, d := range dues {
		if d.share == 0 {
			continue
		}
		x := extra{max: d.share}
		if i == last && len(held) > 0 {
			x.notes = append(x.notes, heldNote(held, s.cfg.WatchRate))
		}
		unlock := s.lock(d.sub.Channel)
		_, err := s.deliver(ctx, d.sub, d.w, d.sub.Channel+"|"+d.sched.slotName(d.at), d.at, true, false, x)
		unlock()
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// capOf is a watch's own cap on items per alert.
func capOf(sub state.Subscription) int {
	if sub.Max > 0 {
		return sub.Max
	}
	return WatchMax
}

// watchDue resolves the watch's pending slots and reads its window when a
// minute is due; nil when nothing is due, a slot is still pending, or the
// minute is quiet (then it is marked handled).
func (s *Service) watchDue(ctx context.Context, key string, now time.Time, force bool) (*watchDue, error) {
	defer s.lock(key)()
	if done, err := s.resolvePending(ctx, key, now, force); err != nil || !done {
		return nil, err
	}
	sub, ok, err := s.cfg.Store.Subscription(ctx, key)
	if err != nil || !ok {
		return nil, err
	}
	sched, err := parseSchedule(sub.At, sub.Cron, sub.TZ, s.minGap(key))
	if err != nil {
		return nil, fmt.Errorf("schedule of %s: %w", key, err)
	}
	at, missed := s.due(sched, sub, now)
	if missed && at.IsZero() {
		return nil, s.cfg.Store.MarkHandled(ctx, key, now.Add(-s.cfg.Grace))
	}
	if at.IsZero() {
		return nil, nil
	}
	w, err := s.window(ctx, sub)
	if err != nil {
		return nil, err
	}
	if len(w.hits) == 0 {
		s.count(key, "skipped")
		return nil, s.cfg.Store.MarkHandled(ctx, key, at)
	}
	_, sh := build(w.hits, BuildOptions{Max: MaxItems})
	return &watchDue{sub: sub, sched: sched, at: at, w: w, total: sh.total}, nil
}

// heldNote is the footer line naming the watches held back to the next
// minute, with the search that shows each now (the first maxAlso of them
// one by one, the rest counted, so the footer stays one line).
func heldNote(held []*watchDue, rate int) string {
	n, restN, rest := 0, 0, 0
	var each, tries []string
	for i, d := range held {
		n += d.total
		if i >= maxAlso {
			rest++
			restN += d.total
			continue
		}
		each = append(each, fmt.Sprintf("%d for %s", d.total, d.sub.Filter))
		tries = append(tries, "search "+d.sub.Filter+" sort:date")
	}
	if rest > 0 {
		each = append(each, fmt.Sprintf("%d for %d more watches", restN, rest))
	}
	return fmt.Sprintf("%d more new statement%s beyond this channel's limit of %d alert items a minute (%s) come in the next alerts — now: %s",
		n, plural(n), rate, strings.Join(each, ", "), strings.Join(tries, " · "))
}
