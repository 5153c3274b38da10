package trend

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/newsdesk/newsdesk/news"
)

// Counter counts the statements matching q published in each interval, per
// kind (index.Index implements it).
type Counter interface {
	Histogram(ctx context.Context, q news.Query, intervals []news.Interval) (map[news.Kind][]uint64, error)
}

// Period is the width of a bucket.
type Period int

// Periods, narrowest first.
const (
	Month Period = iota
	Quarter
	Year
)

func (p Period) String() string {
	switch p {
	case Month:
		return "month"
	case Quarter:
		return "quarter"
	default:
		return "year"
	}
}

// Bounds on a chart.
const (
	// MaxMonths is the widest span drawn per month; wider spans are drawn
	// per quarter, up to MaxQuarters, then per year.
	MaxMonths   = 36
	MaxQuarters = 60
)

// Earliest is where the search for the first statement starts when the
// query gives no since:.
var Earliest = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)

// ErrNoStatements is returned (wrapped) when nothing matches.
var ErrNoStatements = errors.New("no statements match")

// ErrEmptySpan is returned (wrapped) when since: is not before until: (or
// today).
var ErrEmptySpan = errors.New("empty span of time")

// Bucket is one bar: its interval and label ("2024-03", "2024 Q1", "2024").
type Bucket struct {
	news.Interval
	Label string
}

// Series is what a chart shows: buckets in time order and, per kind, the
// number of statements in each.
type Series struct {
	Period  Period
	Buckets []Bucket
	Counts  map[news.Kind][]uint64
}

// Total is the number of statements in the series.
func (s Series) Total() uint64 {
	var n uint64
	for _, c := range s.Counts {
		for _, v := range c {
			n += v
		}
	}
	return n
}

// KindTotal is the number of statements of kind k.
func (s Series) KindTotal(k news.Kind) uint64 {
	var n uint64
	for _, v := range s.Counts[k] {
		n += v
	}
	return n
}

// BucketTotal is the number of statements in bucket i, all kinds.
func (s Series) BucketTotal(i int) uint64 {
	var n uint64
	for _, c := range s.Counts {
		n += c[i]
	}
	return n
}

// Build counts the statements matching q from the first bucket holding one
// to the last (within q's since: and until:, and never after now), choosing
// the period by the span: months up to MaxMonths, quarters up to
// MaxQuarters, years beyond.
func Build(ctx context.Context, c Counter, q news.Query, now time.Time) (Series, error) {
	q.Size, q.From, q.SortBy, q.AfterSeq, q.UpToSeq = 0, 0, "", 0, 0
	from, until := Earliest, now.UTC()
	if !q.Since.IsZero() {
		from = q.Since.UTC()
	}
	if !q.Until.IsZero() && q.Until.Before(until) {
		until = q.Until.UTC()
	}
	if !from.Before(until) {
		return Series{}, fmt.Errorf("trend: %w: since: %s is not before %s", ErrEmptySpan, from.Format(time.DateOnly), until.Format(time.DateOnly))
	}
	// a first pass per year finds where the statements are
	years := buckets(Year, from, until)
	counts, err := c.Histogram(ctx, q, intervals(years))
	if err != nil {
		return Series{}, fmt.Errorf("trend: %w", err)
	}
	first, last := span(counts, len(years))
	if first < 0 {
		return Series{}, fmt.Errorf("trend: %w", ErrNoStatements)
	}
	lo, hi := maxTime(from, years[first].Start), minTime(until, years[last].End)
	// the statements lie within lo..hi; choose the period by that span
	p := Month
	switch n := monthsBetween(lo, hi); {
	case n > 3*MaxQuarters:
		p = Year
	case n > MaxMonths:
		p = Quarter
	}
	var bs []Bucket
	if p == Year {
		// the yearly pass already counted these buckets
		bs = years[first : last+1]
		for k, c := range counts {
			counts[k] = c[first : last+1]
		}
	} else {
		bs = buckets(p, lo, hi)
		if counts, err = c.Histogram(ctx, q, intervals(bs)); err != nil {
			return Series{}, fmt.Errorf("trend: %w", err)
		}
	}
	first, last = span(counts, len(bs))
	if first < 0 {
		return Series{}, fmt.Errorf("trend: %w", ErrNoStatements)
	}
	s := Series{Period: p, Buckets: bs[first : last+1], Counts: map[news.Kind][]uint64{}}
	for k, c := range counts {
		s.Counts[k] = c[first : last+1]
	}
	return s, nil
}

func intervals(bs []Bucket) []news.Interval {
	out := make([]news.Interval, len(bs))
	for i, b := range bs {
		out[i] = b.Interval
	}
	return out
}

// span is the first and last index with a count (-1, -1 when none).
func span(counts map[news.Kind][]uint64, n int) (int, int) {
	first, last := -1, -1
	for i := range n {
		for _, c := range counts {
			if c[i] > 0 {
				if first < 0 {
					first = i
				}
				last = i
				break
			}
		}
	}
	return first, last
}

// buckets cuts from..until into calendar periods; the first and last are
// whole periods (the counts are clipped by the query's own since/until).
func buckets(p Period, from, until time.Time) []Bucket {
	start := floor(p, from)
	var out []Bucket
	for t := start; t.Before(until); {
		next := step(p, t)
		out = append(out, Bucket{Interval: news.Interval{Start: t, End: next}, Label: label(p, t)})
		t = next
	}
	return out
}

func floor(p Period, t time.Time) time.Time {
	t = t.UTC()
	switch p {
	case Month:
		return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	case Quarter:
		return time.Date(t.Year(), (t.Month()-1)/3*3+1, 1, 0, 0, 0, 0, time.UTC)
	default:
		return time.Date(t.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	}
}

func step(p Period, t time.Time) time.Time {
	switch p {
	case Month:
		return t.AddDate(0, 1, 0)
	case Quarter:
		return t.AddDate(0, 3, 0)
	default:
		return t.AddDate(1, 0, 0)
	}
}

func label(p Period, t time.Time) string {
	switch p {
	case Month:
		return t.Format("2006-01")
	case Quarter:
		return fmt.Sprintf("%d Q%d", t.Year(), (int(t.Month())-1)/3+1)
	default:
		return t.Format("2006")
	}
}

func monthsBetween(a, b time.Time) int {
	return (b.Year()-a.Year())*12 + int(b.Month()) - int(a.Month())
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// Summary says in one paragraph what the chart shows: the total, the span,
// the busiest bucket and the count per kind. what names the query
// ("actor:APT31"), "" for all statements.
func (s Series) Summary(what string) string {
	if len(s.Buckets) == 0 {
		return "No statements."
	}
	var b strings.Builder
	total := s.Total()
	fmt.Fprintf(&b, "%d %s", total, plural(total, "statement", "statements"))
	if what != "" {
		fmt.Fprintf(&b, " (%s)", what)
	}
	first, last := s.Buckets[0].Label, s.Buckets[len(s.Buckets)-1].Label
	if first == last {
		fmt.Fprintf(&b, " in %s", first)
	} else {
		fmt.Fprintf(&b, " from %s to %s, per %s", first, last, s.Period)
		busiest := 0
		for i := range s.Buckets {
			if s.BucketTotal(i) > s.BucketTotal(busiest) {
				busiest = i
			}
		}
		fmt.Fprintf(&b, "; busiest %s (%d)", s.Buckets[busiest].Label, s.BucketTotal(busiest))
	}
	var parts []string
	for _, k := range news.Kinds {
		if n := s.KindTotal(k); n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, kindName(k, n)))
		}
	}
	if len(parts) > 0 {
		b.WriteString(": ")
		b.WriteString(strings.Join(parts, ", "))
	}
	b.WriteString(".")
	return b.String()
}

// Kinds lists the kinds present, in digest order.
func (s Series) Kinds() []news.Kind {
	var out []news.Kind
	for _, k := range news.Kinds {
		if s.KindTotal(k) > 0 {
			out = append(out, k)
		}
	}
	return slices.Clip(out)
}

func kindName(k news.Kind, n uint64) string {
	if k == news.Other || n == 1 {
		return string(k)
	}
	return string(k) + "s"
}

func plural(n uint64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
