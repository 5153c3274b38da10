package digest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/state"
)

// Run is the scheduler: CatchUp at once, then Tick every Config.Tick until
// ctx ends. It returns ctx's error.
func (s *Service) Run(ctx context.Context) error {
	s.CatchUp(ctx)
	pruned := s.prune(ctx, time.Time{})
	t := time.NewTicker(s.cfg.Tick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
			s.Tick(ctx)
			pruned = s.prune(ctx, pruned)
		}
	}
}

// KeepLedger is how long posted and abandoned slots stay in the ledger.
const KeepLedger = 90 * 24 * time.Hour

// prune drops old finished ledger records, at most once a day; it returns
// when it last ran.
func (s *Service) prune(ctx context.Context, last time.Time) time.Time {
	now := s.clock.Now()
	if now.Sub(last) < 24*time.Hour {
		return last
	}
	if n, err := s.cfg.Store.PruneSlots(ctx, now.Add(-KeepLedger)); err != nil {
		s.log.Warn("digest: prune the ledger", "err", err)
	} else if n > 0 {
		s.log.Info("digest: pruned the ledger", "records", n)
	}
	return now
}

// CatchUp is the start-up pass: every pending slot is resolved at once
// (found on the platform and recorded, or posted), and each channel's
// latest slot missed while newsdesk was down is posted once if it is at most
// Config.Grace late; older missed slots are passed over (their statements
// go into the next digest).
func (s *Service) CatchUp(ctx context.Context) { s.tick(ctx, true) }

// Tick delivers what is due now: pending slots whose retry time has come,
// then each channel's due slot. Errors are logged and retried on a later
// tick.
func (s *Service) Tick(ctx context.Context) { s.tick(ctx, false) }

func (s *Service) tick(ctx context.Context, force bool) {
	subs, err := s.cfg.Store.Subscriptions(ctx)
	if err != nil {
		s.log.Error("digest tick: list subscriptions", "err", err)
		return
	}
	watches := map[string][]state.Subscription{} // by the channel they post to
	var watched []string
	for _, sub := range subs {
		if ctx.Err() != nil {
			return
		}
		if isWatch(sub.Channel) {
			ch := watchChannel(sub.Channel)
			if watches[ch] == nil {
				watched = append(watched, ch)
			}
			watches[ch] = append(watches[ch], sub)
			continue
		}
		if err := s.tickChannel(ctx, sub.Channel, force); err != nil {
			s.log.Warn("digest: channel not delivered; will retry", "channel", sub.Channel, "err", err)
		}
	}
	for _, ch := range watched {
		if ctx.Err() != nil {
			return
		}
		if err := s.tickWatches(ctx, ch, watches[ch], force); err != nil {
			s.log.Warn("digest: watch alerts not delivered; will retry", "channel", ch, "err", err)
		}
	}
}

func (s *Service) tickChannel(ctx context.Context, channel string, force bool) error {
	if _, _, err := s.poster(channel); err != nil {
		// The platform is not enabled in this run: leave the channel as it
		// is (its slots wait, within the grace period, for a run that has it).
		if force {
			s.log.Warn("digest: channel skipped", "channel", channel, "err", err)
		}
		return nil
	}
	defer s.lock(channel)()
	now := s.clock.Now()
	if done, err := s.resolvePending(ctx, channel, now, force); err != nil || !done {
		return err
	}
	sub, ok, err := s.cfg.Store.Subscription(ctx, channel)
	if err != nil || !ok {
		return err
	}
	sched, err := parseSchedule(sub.At, sub.Cron, sub.TZ, s.minGap(channel))
	if err != nil {
		return fmt.Errorf("schedule of %s: %w", channel, err)
	}
	at, missed := s.due(sched, sub, now)
	if missed && at.IsZero() {
		s.log.Warn("digest: slots missed beyond the grace period; their statements go into the next digest", "channel", channel, "grace", s.cfg.Grace)
		return s.cfg.Store.MarkHandled(ctx, channel, now.Add(-s.cfg.Grace))
	}
	if at.IsZero() {
		return nil
	}
	if missed {
		s.log.Warn("digest: older slots missed beyond the grace period; posting the latest", "channel", channel, "slot", at)
	}
	_, err = s.deliverNew(ctx, sub, channel+"|"+sched.slotName(at), at, true, false)
	return err
}

// due returns the latest slot scheduled after sub.Handled and at or before
// now, not older than the grace period (zero if none); missed says whether
// slots older than that were passed over.
func (s *Service) due(sched schedule, sub state.Subscription, now time.Time) (at time.Time, missed bool) {
	from := sub.Handled
	if from.IsZero() {
		from = sub.Created
	}
	if cutoff := now.Add(-s.cfg.Grace); from.Before(cutoff) {
		if n := sched.Next(from); !n.IsZero() && !n.After(cutoff) {
			missed = true
		}
		from = cutoff
	}
	for t, i := sched.Next(from), 0; !t.IsZero() && !t.After(now) && i < 100_000; t, i = sched.Next(t), i+1 {
		at = t
	}
	return at, missed
}

// deliverNew builds the channel's next digest for slot key and delivers it:
// ledger (pending) first, then the post, then the commit. handled says a
// scheduled slot (its ledger record also marks the schedule handled);
// command says "digest now" (nothing new means nothing posted, whatever the
// quiet rule). It returns the number of statements in the digest.
func (s *Service) deliverNew(ctx context.Context, sub state.Subscription, key string, at time.Time, handled, command bool) (int, error) {
	w, err := s.window(ctx, sub)
	if err != nil {
		return 0, err
	}
	return s.deliver(ctx, sub, w, key, at, handled, command, extra{})
}

// deliver is deliverNew with the window read and the build's extras.
func (s *Service) deliver(ctx context.Context, sub state.Subscription, w window, key string, at time.Time, handled, command bool, x extra) (int, error) {
	quiet := sub.Quiet
	if quiet == "" {
		quiet = s.cfg.DefaultQuiet
	}
	if len(w.hits) == 0 && (command || quiet == "skip") {
		if handled {
			s.count(sub.Channel, "skipped")
			return 0, s.cfg.Store.MarkHandled(ctx, sub.Channel, at)
		}
		return 0, nil
	}
	r, sh := s.build(ctx, sub, w, at, x)
	body, err := json.Marshal(r)
	if err != nil {
		return 0, fmt.Errorf("encode digest %s: %w", key, err)
	}
	if err := s.step("before-ledger"); err != nil {
		return 0, err
	}
	slot := state.Slot{
		Key: key, Channel: sub.Channel, Scheduled: at,
		From: sub.Watermark, Watermark: w.maxSeq, Count: len(w.hits),
		Shown: sh.ids, Items: sh.items,
		Body: body, Created: s.clock.Now(),
	}
	if err := s.cfg.Store.BeginSlot(ctx, slot, handled); err != nil {
		if errors.Is(err, state.ErrSlotExists) && handled {
			// The slot was delivered already (a cron time that repeats when
			// clocks go back names the same slot): never twice.
			return 0, s.cfg.Store.MarkHandled(ctx, sub.Channel, at)
		}
		return 0, err
	}
	if w.left > 0 {
		s.log.Warn("digest: one seq holds more statements than a digest window; the digest takes the first and leaves the rest out",
			"channel", sub.Channel, "slot", key, "article", w.leftArticle, "left_out", w.left, "max_window", s.cfg.MaxWindow)
	}
	if err := s.step("after-ledger"); err != nil {
		return 0, err
	}
	return len(w.hits), s.attempt(ctx, slot, true)
}

// resolvePending works through the channel's pending slots, oldest first.
// done is false while one remains pending (its retry time has not come, or
// this attempt failed): no new slot may start before it is resolved, since
// its window overlaps the next.
func (s *Service) resolvePending(ctx context.Context, channel string, now time.Time, force bool) (done bool, err error) {
	pend, err := s.cfg.Store.PendingSlots(ctx, channel)
	if err != nil {
		return false, err
	}
	for _, sl := range pend {
		if !force && sl.NextAttempt.After(now) {
			return false, nil
		}
		if err := s.attempt(ctx, sl, false); err != nil {
			return false, err
		}
	}
	return true, nil
}

// attempt delivers a pending slot. A slot that is not fresh (recorded by an
// earlier attempt or process, which may have posted it) is first looked up
// on the platform; found, it is recorded as posted without a new post. A
// failure is recorded with the time of the next try.
func (s *Service) attempt(ctx context.Context, sl state.Slot, fresh bool) error {
	p, local, err := s.poster(sl.Channel)
	if err != nil {
		return s.fail(ctx, sl, err)
	}
	if !fresh {
		id, found, err := p.FindSlot(ctx, local, sl.Key)
		if err != nil {
			// Without FindSlot's answer the slot is not posted: an earlier
			// attempt may have reached the platform (a lost response, a
			// crash between the post and the commit), and posting again
			// would show the digest twice, even though Post itself would
			// likely work (a bot that may post but not read the history is
			// the usual cause). The ledger never posts one slot twice.
			//
			// It is not retried forever either: that would block every
			// later slot of the channel. After GiveUp the slot is given up
			// unconfirmed (GiveUpSlot). The watermark stays, so its
			// statements go into the channel's next digest (nothing is
			// lost), and that digest's footer says they may repeat, since
			// the given-up one may have landed after all.
			err = fmt.Errorf("look for slot %s on the platform: %w (if this persists: %s)", sl.Key, err, historyHint(p))
			if age := s.clock.Now().Sub(sl.Created); age > s.cfg.GiveUp {
				s.log.Error("digest: giving up a slot: newsdesk could not check whether the platform has it; its statements go into the next digest",
					"channel", sl.Channel, "slot", sl.Key, "age", age, "attempts", sl.Attempts+1, "err", err, "fix", historyHint(p))
				s.count(sl.Channel, "given_up")
				return s.cfg.Store.GiveUpSlot(context.WithoutCancel(ctx), sl.Key, s.clock.Now(), err)
			}
			return s.fail(ctx, sl, err)
		}
		if found {
			s.log.Info("digest: slot found on the platform; recording it without posting again", "slot", sl.Key, "message", id)
			return s.cfg.Store.CommitSlot(context.WithoutCancel(ctx), sl.Key, id, s.clock.Now())
		}
		if age := s.clock.Now().Sub(sl.Created); age > s.cfg.GiveUp {
			s.log.Error("digest: giving up a slot the platform never received; its statements go into the next digest", "slot", sl.Key, "age", age, "last_error", sl.LastError)
			s.count(sl.Channel, "given_up")
			return s.cfg.Store.AbandonSlot(ctx, sl.Key, s.clock.Now())
		}
	}
	var r bot.Reply
	if err := json.Unmarshal(sl.Body, &r); err != nil {
		return fmt.Errorf("decode digest %s from the ledger: %w", sl.Key, err)
	}
	id, err := p.Post(ctx, local, r, sl.Key)
	if err != nil {
		return s.fail(ctx, sl, fmt.Errorf("post slot %s: %w", sl.Key, err))
	}
	s.count(sl.Channel, "posted")
	if err := s.step("after-post"); err != nil {
		return err
	}
	return s.cfg.Store.CommitSlot(context.WithoutCancel(ctx), sl.Key, id, s.clock.Now())
}

// historyHint says what lets newsdesk read a channel's recent messages,
// which FindSlot needs: the platform's own words when its Poster is a
// Hinter.
func historyHint(p Poster) string {
	if h, ok := p.(Hinter); ok {
		return h.HistoryHint()
	}
	return "newsdesk must be able to read the channel's recent messages"
}

// count reports a slot's outcome under its channel's platform.
func (s *Service) count(channel, outcome string) {
	if s.cfg.Metrics != nil {
		platform, _, _ := strings.Cut(channel, ":")
		s.cfg.Metrics.Digest(platform, outcome)
	}
}

// fail records a failed attempt and returns cause.
func (s *Service) fail(ctx context.Context, sl state.Slot, cause error) error {
	s.count(sl.Channel, "failed")
	delay := s.cfg.RetryBase << min(sl.Attempts, 20)
	if delay <= 0 || delay > s.cfg.RetryMax {
		delay = s.cfg.RetryMax
	}
	if err := s.cfg.Store.FailSlot(context.WithoutCancel(ctx), sl.Key, cause, s.clock.Now().Add(delay)); err != nil {
		return errors.Join(cause, err)
	}
	return cause
}
