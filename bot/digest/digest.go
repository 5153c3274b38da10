package digest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/news"
	"github.com/newsdesk/newsdesk/state"
)

// Source is the search index as the digest uses it: windows by ingestion
// sequence, and the newest sequence (where a new subscription starts).
type Source interface {
	Search(ctx context.Context, q news.Query) (news.Results, error)
	MaxSeq(ctx context.Context) (uint64, error)
}

// Poster posts a digest to one platform; the Slack and Discord adapters
// implement it. channel is the platform-local id ("C123"). slot is the
// ledger key of the digest: the adapter marks its messages with it (a
// chat.Mark) and FindSlot looks for that mark.
type Poster interface {
	Post(ctx context.Context, channel string, r bot.Reply, slot string) (messageID string, err error)
	FindSlot(ctx context.Context, channel, slot string) (messageID string, found bool, err error)
}

// Hinter is a Poster that can say what lets newsdesk read its channels'
// history (which FindSlot needs), for the error that names the fix.
type Hinter interface {
	HistoryHint() string
}

// FilterParser turns a subscription's filter (command-language filters and
// words) into query fields; cmd wires bot.ParseFilters.
type FilterParser func(filter string) (news.Query, error)

// Clock tells the time; tests inject a fake one.
type Clock interface{ Now() time.Time }

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

// Defaults for Config's zero values.
const (
	DefaultMax       = 20
	MaxItems         = 200 // the largest cap a subscription may ask for
	DefaultQuiet     = "skip"
	DefaultGrace     = 6 * time.Hour
	DefaultTick      = 30 * time.Second
	DefaultMinGap    = time.Hour
	DefaultPageSize  = 10_000
	DefaultMaxWindow = 50_000
	DefaultRetryBase = time.Minute
	DefaultRetryMax  = time.Hour
	DefaultGiveUp    = 24 * time.Hour
	DefaultWatchRate = 10
)

// Config wires a Service. Store, Source and Posters are required.
type Config struct {
	Store   *state.Store
	Source  Source
	Posters map[string]Poster // by platform name, the prefix of its channels ("slack:C123")
	Filters FilterParser      // nil: subscriptions with a filter are refused
	Clock   Clock             // nil: the system clock
	Log     *slog.Logger      // nil: slog.Default()

	DefaultMax   int           // items per digest when a subscription says 0; default DefaultMax
	DefaultQuiet string        // "skip" or "note" when a subscription says ""; default "skip"
	Grace        time.Duration // a slot missed while down is posted at start-up if at most this late; default 6h
	Tick         time.Duration // how often Run looks for due slots and retries; default 30s
	MinGap       time.Duration // cron schedules firing more often are refused; default 1h
	PageSize     int           // hits per Search call; default 10,000
	MaxWindow    int           // statements per digest window (the rest wait for the next; one seq larger than this is cut, the rest counted in the footer); default 50,000
	RetryBase    time.Duration // first retry delay after a failed post, doubling; default 1m
	RetryMax     time.Duration // cap on the retry delay; default 1h
	GiveUp       time.Duration // a pending slot older than this is abandoned once the platform confirms it never got it, or while the platform cannot be asked (see attempt); default 24h
	WatchRate    int           // alert items a channel gets a minute across all its watches (the rest wait for the next minute); default DefaultWatchRate
	// Metrics counts digest outcomes (nil: not counted).
	Metrics Metrics
	// Backfill starts a new subscription at the beginning of the index
	// instead of its newest statement, so the first digest holds everything
	// (capped).
	Backfill bool
}

// Metrics is what the service reports: each slot's outcome by platform,
// "posted", "skipped" (a quiet day with quiet:skip), "failed" (an attempt
// that will be retried) or "given_up". *metrics.Metrics satisfies it.
type Metrics interface {
	Digest(platform, outcome string)
}

// Service schedules, builds and posts digests. It implements bot.Digests.
type Service struct {
	cfg   Config
	clock Clock
	log   *slog.Logger

	mu    sync.Mutex
	locks map[string]*sync.Mutex // per channel: one delivery at a time

	// hook, when set (tests), is called at each step of a delivery; an error
	// stops the delivery there, as a crash would.
	hook func(step string) error
}

var (
	_ bot.Digests = (*Service)(nil)
	_ bot.Watcher = (*Service)(nil)
)

// New checks cfg and returns a Service.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil || cfg.Source == nil {
		return nil, errors.New("digest: Store and Source are required")
	}
	if len(cfg.Posters) == 0 {
		return nil, errors.New("digest: at least one Poster is required")
	}
	set := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	set(&cfg.Grace, DefaultGrace)
	set(&cfg.Tick, DefaultTick)
	set(&cfg.MinGap, DefaultMinGap)
	set(&cfg.RetryBase, DefaultRetryBase)
	set(&cfg.RetryMax, DefaultRetryMax)
	set(&cfg.GiveUp, DefaultGiveUp)
	if cfg.DefaultMax <= 0 {
		cfg.DefaultMax = DefaultMax
	}
	if cfg.PageSize <= 0 {
		cfg.PageSize = DefaultPageSize
	}
	if cfg.WatchRate <= 0 {
		cfg.WatchRate = DefaultWatchRate
	}
	if cfg.MaxWindow <= 0 {
		cfg.MaxWindow = DefaultMaxWindow
	}
	switch cfg.DefaultQuiet {
	case "":
		cfg.DefaultQuiet = DefaultQuiet
	case "skip", "note":
	default:
		return nil, fmt.Errorf("digest: quiet default %q: use skip or note", cfg.DefaultQuiet)
	}
	s := &Service{cfg: cfg, clock: cfg.Clock, log: cfg.Log, locks: map[string]*sync.Mutex{}}
	if s.clock == nil {
		s.clock = systemClock{}
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	return s, nil
}

func (s *Service) lock(channel string) func() {
	s.mu.Lock()
	l := s.locks[channel]
	if l == nil {
		l = &sync.Mutex{}
		s.locks[channel] = l
	}
	s.mu.Unlock()
	l.Lock()
	return l.Unlock
}

func (s *Service) step(name string) error {
	if s.hook == nil {
		return nil
	}
	return s.hook(name)
}

// poster finds the Poster for a platform-qualified channel and returns the
// platform-local id.
func (s *Service) poster(channel string) (Poster, string, error) {
	channel, _, _ = strings.Cut(channel, watchSep) // a watch posts to its channel
	platform, local, ok := strings.Cut(channel, ":")
	if !ok || local == "" {
		return nil, "", fmt.Errorf("channel %q: want platform:id, e.g. slack:C123", channel)
	}
	p := s.cfg.Posters[platform]
	if p == nil {
		return nil, "", fmt.Errorf("channel %q: no poster for platform %q", channel, platform)
	}
	return p, local, nil
}

// Subscribe creates the channel's subscription or changes its schedule,
// filters, cap or quiet-day rule. A changed subscription keeps its
// watermark; a new one starts at the index's newest statement (or at the
// beginning with Config.Backfill) and its first slot is the first scheduled
// after now.
func (s *Service) Subscribe(ctx context.Context, channel string, sub bot.Subscription) error {
	if err := s.checkSubscription(channel, sub); err != nil {
		return &bot.Refusal{Msg: err.Error()}
	}
	if sub.At == "" && sub.Cron == "" {
		sub.At = "08:00"
	}
	if sub.TZ == "" {
		sub.TZ = "UTC"
	}
	var head uint64
	if !s.cfg.Backfill {
		var err error
		if head, err = s.cfg.Source.MaxSeq(ctx); err != nil {
			return fmt.Errorf("subscribe %s: find the newest statement: %w", channel, err)
		}
	}
	now := s.clock.Now()
	return s.cfg.Store.UpdateSubscription(ctx, channel, func(st *state.Subscription, exists bool) error {
		if exists && (st.At != sub.At || st.Cron != sub.Cron || st.TZ != sub.TZ) && now.After(st.Handled) {
			// A new schedule starts from now: a time already past today
			// under it is not a missed slot.
			st.Handled = now
		}
		st.At, st.Cron, st.TZ, st.Filter, st.Max, st.Quiet = sub.At, sub.Cron, sub.TZ, sub.Filter, sub.Max, sub.Quiet
		st.Updated = now
		if !exists {
			st.Created, st.LastDelivered, st.Handled, st.Watermark = now, now, now, head
		}
		return nil
	})
}

// checkSubscription says what is wrong with a subscription, in words for
// the user.
func (s *Service) checkSubscription(channel string, sub bot.Subscription) error {
	if _, _, err := s.poster(channel); err != nil {
		return err
	}
	if _, err := parseSchedule(sub.At, sub.Cron, sub.TZ, s.minGap(channel)); err != nil {
		return err
	}
	if err := s.checkFilter(sub.Filter); err != nil {
		return err
	}
	switch sub.Quiet {
	case "", "skip", "note":
	default:
		return fmt.Errorf("quiet %q: use skip or note", sub.Quiet)
	}
	if sub.Max < 0 || sub.Max > MaxItems {
		return fmt.Errorf("max %d: use a number of items from 1 to %d", sub.Max, MaxItems)
	}
	return nil
}

func (s *Service) checkFilter(f string) error {
	if strings.TrimSpace(f) == "" {
		return nil
	}
	if s.cfg.Filters == nil {
		return fmt.Errorf("filter %q: this newsdesk has no filter parser; subscribe without filters", f)
	}
	if _, err := s.cfg.Filters(f); err != nil {
		return fmt.Errorf("filter %q: %w", f, err)
	}
	return nil
}

// Unsubscribe removes the channel's subscription.
func (s *Service) Unsubscribe(ctx context.Context, channel string) (bool, error) {
	defer s.lock(channel)()
	return s.cfg.Store.DeleteSubscription(ctx, channel)
}

func notSubscribed() bot.Reply {
	return bot.Reply{Kind: bot.KindError, Text: "This channel has no digest subscription; subscribe first, e.g.: subscribe at 08:00 tz Europe/London"}
}

// Preview builds the channel's next digest without posting it or moving
// its watermark.
func (s *Service) Preview(ctx context.Context, channel string) (bot.Reply, error) {
	sub, ok, err := s.cfg.Store.Subscription(ctx, channel)
	if err != nil {
		return bot.Reply{}, err
	}
	if !ok {
		return notSubscribed(), nil
	}
	w, err := s.window(ctx, sub)
	if err != nil {
		return bot.Reply{}, err
	}
	now := s.clock.Now()
	next := s.nextSlot(sub, now)
	at := next
	if at.IsZero() {
		at = now
	}
	r, _ := s.build(ctx, sub, w, at, extra{})
	r.Title = "Preview: " + r.Title
	if !next.IsZero() {
		when := "Next digest: " + next.In(locOf(sub)).Format("Mon 2 Jan 15:04 MST") + " (in " + until(next.Sub(now)) + ")"
		if len(w.hits) == 0 && quietOf(sub, s.cfg.DefaultQuiet) == "skip" {
			when += ", if anything new comes in by then"
		}
		r.Text = strings.TrimSpace(when + ".\n" + r.Text)
	}
	return r, nil
}

// nextSlot is the channel's next scheduled slot after now (zero when its
// schedule does not parse).
func (s *Service) nextSlot(sub state.Subscription, now time.Time) time.Time {
	sched, err := parseSchedule(sub.At, sub.Cron, sub.TZ, s.minGap(sub.Channel))
	if err != nil {
		return time.Time{}
	}
	from := now
	if sub.Handled.After(from) {
		from = sub.Handled
	}
	return sched.Next(from)
}

func quietOf(sub state.Subscription, def string) string {
	if sub.Quiet != "" {
		return sub.Quiet
	}
	return def
}

// until says a duration as a reporter would: "13 h 20 min", "45 min".
func until(d time.Duration) string {
	d = d.Round(time.Minute)
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case h >= 24:
		days := fmt.Sprintf("%d day%s", h/24, plural(h/24))
		if h%24 > 0 {
			days += fmt.Sprintf(" %d h", h%24)
		}
		return days
	case h > 0 && m > 0:
		return fmt.Sprintf("%d h %d min", h, m)
	case h > 0:
		return fmt.Sprintf("%d h", h)
	case m > 0:
		return fmt.Sprintf("%d min", m)
	default:
		return "under a minute"
	}
}

// PostNow posts the channel's digest at once, through the ledger like a
// scheduled slot, and returns a confirmation for the person who asked. A
// slot still pending for the channel is delivered (or found) first; with
// nothing new, nothing is posted.
func (s *Service) PostNow(ctx context.Context, channel string) (bot.Reply, error) {
	defer s.lock(channel)()
	sub, ok, err := s.cfg.Store.Subscription(ctx, channel)
	if err != nil {
		return bot.Reply{}, err
	}
	if !ok {
		return notSubscribed(), nil
	}
	now := s.clock.Now()
	if done, err := s.resolvePending(ctx, channel, now, true); err != nil || !done {
		msg := "The previous digest is still being delivered; try again in a few minutes."
		if err != nil {
			s.log.Warn("digest now: previous slot still pending", "channel", channel, "err", err)
		}
		return bot.Reply{Kind: bot.KindMessage, Text: msg}, nil
	}
	if sub, _, err = s.cfg.Store.Subscription(ctx, channel); err != nil { // the watermark may have moved
		return bot.Reply{}, err
	}
	key := channel + "|now-" + now.UTC().Format("20060102T150405.000000000Z")
	n, err := s.deliverNew(ctx, sub, key, now, false, true)
	switch {
	case err != nil:
		s.log.Warn("digest now failed", "channel", channel, "slot", key, "err", err)
		return bot.Reply{Kind: bot.KindMessage, Text: "Posting the digest failed; newsdesk will retry it shortly."}, nil
	case n == 0:
		return bot.Reply{Kind: bot.KindMessage, Text: "Nothing new since " + formatSince(sub.LastDelivered, locOf(sub)) + "; nothing posted."}, nil
	default:
		return bot.Reply{Kind: bot.KindMessage, Text: fmt.Sprintf("Posted the digest: %d new statement%s.", n, plural(n))}, nil
	}
}

func locOf(sub state.Subscription) *time.Location {
	if loc, err := loadLocation(sub.TZ); err == nil {
		return loc
	}
	return time.UTC
}

// extra is what a watch's pass adds to one watch's alert: a smaller cap
// (the channel's remaining alert budget) and footer notes.
type extra struct {
	max   int // > 0: the cap instead of the subscription's
	notes []string
}

func (s *Service) build(ctx context.Context, sub state.Subscription, w window, now time.Time, x extra) (bot.Reply, shown) {
	max := sub.Max
	if max <= 0 {
		max = s.cfg.DefaultMax
	}
	if x.max > 0 {
		max = x.max
	}
	loc := locOf(sub)
	r, sh := build(w.hits, BuildOptions{Max: max, Loc: loc, Now: now, Since: sub.LastDelivered, Notes: append(s.notes(ctx, sub, w, loc), x.notes...)})
	if isWatch(sub.Channel) {
		r.Title = "New statements: " + sub.Filter
	}
	return r, sh
}

// notes are the footer's sentences about what the window could not do
// cleanly: statements of one huge seq it left out, and statements it
// carries again from a slot given up without the platform's word (they may
// already be in the channel).
func (s *Service) notes(ctx context.Context, sub state.Subscription, w window, loc *time.Location) []string {
	var out []string
	if w.left > 0 {
		verb := "were"
		if w.left == 1 {
			verb = "was"
		}
		out = append(out, fmt.Sprintf("%d more statement%s of one article did not fit in a digest and %s left out — try: show %s",
			w.left, plural(w.left), verb, w.leftArticle))
	}
	if len(w.hits) == 0 {
		return out
	}
	slots, err := s.cfg.Store.Slots(ctx, sub.Channel)
	if err != nil {
		s.log.Warn("digest: read the ledger for the footer", "channel", sub.Channel, "err", err)
		return out
	}
	for _, sl := range slots {
		if sl.State == state.Abandoned && sl.Unconfirmed && sl.Watermark > sub.Watermark && sl.Count > 0 {
			out = append(out, fmt.Sprintf("This digest also carries the statements of the one due %s, which newsdesk could not confirm reached this channel: you may have seen some of them already.",
				sl.Scheduled.In(loc).Format("Mon 2 Jan 15:04 MST")))
			break
		}
	}
	return out
}
