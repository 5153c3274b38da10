package digest

import (
	"testing"
	"time"

	"github.com/robfig/cron/v3"
)

// Over a whole year, a daily schedule fires exactly once on every local
// date, in zones whose clocks jump at 01:00, 02:00 and midnight, at times
// inside the skipped and repeated hours.
func TestDailyOneSlotPerLocalDay(t *testing.T) {
	for _, tc := range []struct{ tz, at string }{
		{"Europe/London", "01:30"}, {"Europe/London", "08:00"},
		{"America/New_York", "02:30"}, {"America/New_York", "01:30"},
		{"America/Havana", "00:30"}, // jumps at midnight
		{"America/Santiago", "23:30"},
		{"Australia/Lord_Howe", "02:15"}, // half-hour shift
		{"UTC", "00:00"},
	} {
		t.Run(tc.tz+" "+tc.at, func(t *testing.T) {
			s, err := parseSchedule(tc.at, "", tc.tz, time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Date(2026, 1, 1, 0, 0, 0, 0, s.loc)
			end := start.AddDate(1, 0, 0)
			seen := map[string]bool{}
			prev := start.Add(-time.Second)
			for n := s.Next(prev); n.Before(end); n = s.Next(n) {
				if !n.After(prev) {
					t.Fatalf("Next went backwards: %v after %v", n, prev)
				}
				name := s.slotName(n)
				if seen[name] {
					t.Fatalf("two slots on %s (%v)", name, n)
				}
				seen[name] = true
				prev = n
			}
			if len(seen) != 365 {
				t.Errorf("%d slots in 2026, want 365", len(seen))
			}
		})
	}
}

// Why daily schedules do not use robfig's SpecSchedule: it steps wall-clock
// hours, so a time inside the hour the clocks skip never fires that day, and
// one inside the repeated hour fires twice. (If robfig changes, this test
// says so and daily can be revisited.)
func TestRobfigAtDSTChanges(t *testing.T) {
	loc, _ := time.LoadLocation("Europe/London")
	spec, err := cron.ParseStandard("CRON_TZ=Europe/London 30 1 * * *")
	if err != nil {
		t.Fatal(err)
	}
	count := func(from, to time.Time) (n int) {
		for x := spec.Next(from); x.Before(to); x = spec.Next(x) {
			n++
		}
		return n
	}
	spring := time.Date(2026, 3, 29, 0, 0, 0, 0, loc)
	autumn := time.Date(2026, 10, 25, 0, 0, 0, 0, loc)
	if n := count(spring, spring.AddDate(0, 0, 1)); n != 0 {
		t.Errorf("robfig fired %d times on the spring-forward day; daily's workaround may be unneeded", n)
	}
	if n := count(autumn, autumn.AddDate(0, 0, 1)); n != 2 {
		t.Errorf("robfig fired %d times on the fall-back day; cron slot naming by wall time may be unneeded", n)
	}
	// Cron slots are named by local wall time, so the repeat is one slot.
	s, err := parseSchedule("", "30 1 * * *", "Europe/London", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	a := s.Next(autumn)
	b := s.Next(a)
	if a == b || s.slotName(a) != s.slotName(b) {
		t.Errorf("repeated 01:30: slots %s (%v) and %s (%v), want one name", s.slotName(a), a, s.slotName(b), b)
	}
}
