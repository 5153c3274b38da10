package digest

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/robfig/cron/v3"
)

// schedule is a subscription's parsed schedule.
type schedule struct {
	cron.Schedule
	loc   *time.Location
	daily bool // one slot per local day: the slot key is the local date
}

// parseSchedule parses a daily "HH:MM" or a 5-field cron expression in the
// IANA zone tz ("" is UTC). minGap refuses cron schedules that fire more
// often than that.
func parseSchedule(at, expr, tz string, minGap time.Duration) (schedule, error) {
	if tz == "" {
		tz = "UTC"
	}
	loc, err := loadLocation(tz)
	if err != nil || strings.EqualFold(tz, "local") {
		return schedule{}, fmt.Errorf("tz %q is not an IANA time zone: use a name such as Europe/London or America/New_York", tz)
	}
	switch {
	case at != "" && expr != "":
		return schedule{}, fmt.Errorf("give either a time (at 08:00) or a cron expression, not both")
	case expr != "":
		return parseCron(expr, tz, loc, minGap)
	default:
		if at == "" {
			at = "08:00"
		}
		h, m, ok := parseHHMM(at)
		if !ok {
			return schedule{}, fmt.Errorf("at %q is not a time of day: use HH:MM, 24-hour, e.g. 08:00", at)
		}
		return schedule{Schedule: daily{h: h, m: m, loc: loc}, loc: loc, daily: true}, nil
	}
}

var locations sync.Map // zone name → *time.Location (LoadLocation reads tzdata on each call)

func loadLocation(name string) (*time.Location, error) {
	if l, ok := locations.Load(name); ok {
		return l.(*time.Location), nil
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	locations.Store(name, l)
	return l, nil
}

func parseHHMM(s string) (h, m int, ok bool) {
	hs, ms, found := strings.Cut(s, ":")
	if !found || len(hs) < 1 || len(hs) > 2 || len(ms) != 2 {
		return 0, 0, false
	}
	h, err1 := strconv.Atoi(hs)
	m, err2 := strconv.Atoi(ms)
	if err1 != nil || err2 != nil || h < 0 || h > 23 || m < 0 || m > 59 {
		return 0, 0, false
	}
	return h, m, true
}

func parseCron(expr, tz string, loc *time.Location, minGap time.Duration) (schedule, error) {
	e := strings.TrimSpace(expr)
	if strings.HasPrefix(e, "TZ=") || strings.HasPrefix(e, "CRON_TZ=") {
		return schedule{}, fmt.Errorf("cron %q: give the zone with tz Area/City, not inside the expression", expr)
	}
	if strings.HasPrefix(e, "@") || len(strings.Fields(e)) != 5 {
		return schedule{}, fmt.Errorf("cron %q: use five fields (minute hour day-of-month month day-of-week), e.g. \"0 8 * * 1-5\"", expr)
	}
	s, err := cron.ParseStandard("CRON_TZ=" + tz + " " + e)
	if err != nil {
		return schedule{}, fmt.Errorf("cron %q: %v; use five fields, e.g. \"0 8 * * 1-5\"", expr, err)
	}
	// Refuse schedules that would flood a channel. Check a stretch of
	// firings from a fixed point (a year covers weekly and monthly ones).
	t := s.Next(time.Date(2026, 1, 1, 0, 0, 0, 0, loc))
	if t.IsZero() {
		return schedule{}, fmt.Errorf("cron %q never fires", expr)
	}
	for range 64 {
		n := s.Next(t)
		if n.IsZero() {
			break
		}
		if n.Sub(t) < minGap {
			return schedule{}, fmt.Errorf("cron %q fires more often than every %s; a digest needs a wider interval", expr, minGap)
		}
		t = n
	}
	return schedule{Schedule: s, loc: loc}, nil
}

// slotName names the slot scheduled at t: the local date for a daily
// schedule (a day has one slot whatever its clock does), the local wall
// time for a cron schedule (so an hour that repeats when the clocks go back
// yields one slot, not two).
func (s schedule) slotName(t time.Time) string {
	if s.daily {
		return t.In(s.loc).Format(time.DateOnly)
	}
	return t.In(s.loc).Format("2006-01-02T15:04")
}

// daily fires once per local day at h:m in loc. robfig's SpecSchedule steps
// through wall-clock hours, so at a local time inside the hour skipped when
// clocks go forward it skips that day, and inside the hour repeated when they
// go back it fires twice; daily computes the day's instant instead: a time
// that does not exist that day fires at the same offset past the jump (Go's
// time.Date normalisation), a repeated time fires once.
type daily struct {
	h, m int
	loc  *time.Location
}

// Next returns the first firing after t.
func (d daily) Next(t time.Time) time.Time {
	y, mo, dd := t.In(d.loc).Date()
	for i := 0; i < 3; i++ {
		if c := d.on(y, mo, dd+i); c.After(t) {
			return c
		}
	}
	return d.on(y, mo, dd+3) // not reached: a day later always fires after t
}

// on is the firing on local date y-mo-dd, kept on that date even where the
// zone's jump crosses midnight.
func (d daily) on(y int, mo time.Month, dd int) time.Time {
	c := time.Date(y, mo, dd, d.h, d.m, 0, 0, d.loc)
	want := time.Date(y, mo, dd, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 4; i++ {
		cy, cm, cd := c.Date()
		got := time.Date(cy, cm, cd, 0, 0, 0, 0, time.UTC)
		switch {
		case got.Before(want):
			c = c.Add(time.Hour)
		case got.After(want):
			c = c.Add(-time.Hour)
		default:
			return c
		}
	}
	return c
}
