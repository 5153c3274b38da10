package trend_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/png"
	"path/filepath"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/index"
	"github.com/newsdesk/newsdesk/news"
	"github.com/newsdesk/newsdesk/trend"
)

var _ trend.Counter = (*index.Index)(nil)

// corpus puts one statement per date on a real index; kinds cycle through
// kinds and the accused alternates between APT31 and APT28.
func corpus(t *testing.T, dates []time.Time, kinds []news.Kind) *index.Index {
	t.Helper()
	ix, err := index.Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	var arts []news.Article
	for i, d := range dates {
		accused := []string{"APT31", "APT28"}[i%2]
		a := news.Article{
			ID: fmt.Sprintf("%012x", 0xb00000+i), Title: "T", Body: "The ministry said so.", Published: d, Seq: uint64(i + 1),
			Statements: []news.Statement{{Kind: kinds[i%len(kinds)], Speaker: "the ministry", SpeakerCountry: []string{"GB"}, Accused: []string{accused}, Sentence: "The ministry said so."}},
		}
		a.Summarize()
		arts = append(arts, a)
	}
	if err := ix.Put(context.Background(), arts); err != nil {
		t.Fatal(err)
	}
	return ix
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, time.UTC) }

func TestBuildChoosesThePeriodBySpan(t *testing.T) {
	now := day(2026, 12, 1)
	for _, tc := range []struct {
		name       string
		dates      []time.Time
		period     trend.Period
		first, end string
		buckets    int
	}{
		{"months", []time.Time{day(2024, 3, 5), day(2024, 3, 20), day(2025, 1, 2)}, trend.Month, "2024-03", "2025-01", 11},
		{"quarters", []time.Time{day(2018, 2, 1), day(2021, 7, 1), day(2024, 12, 31)}, trend.Quarter, "2018 Q1", "2024 Q4", 28},
		{"years", []time.Time{day(1999, 5, 1), day(2020, 1, 1)}, trend.Year, "1999", "2020", 22},
		{"one month", []time.Time{day(2025, 6, 1), day(2025, 6, 30)}, trend.Month, "2025-06", "2025-06", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ix := corpus(t, tc.dates, []news.Kind{news.Allegation, news.Sanction})
			s, err := trend.Build(context.Background(), ix, news.Query{}, now)
			if err != nil {
				t.Fatal(err)
			}
			if s.Period != tc.period || len(s.Buckets) != tc.buckets || s.Buckets[0].Label != tc.first || s.Buckets[len(s.Buckets)-1].Label != tc.end {
				t.Errorf("got %s × %d from %s to %s; want %s × %d from %s to %s", s.Period, len(s.Buckets), s.Buckets[0].Label, s.Buckets[len(s.Buckets)-1].Label, tc.period, tc.buckets, tc.first, tc.end)
			}
			if s.Total() != uint64(len(tc.dates)) {
				t.Errorf("total %d, want %d", s.Total(), len(tc.dates))
			}
			for i := range s.Buckets {
				var want uint64
				for _, d := range tc.dates {
					if !d.Before(s.Buckets[i].Start) && d.Before(s.Buckets[i].End) {
						want++
					}
				}
				if got := s.BucketTotal(i); got != want {
					t.Errorf("bucket %s holds %d, want %d", s.Buckets[i].Label, got, want)
				}
			}
		})
	}
}

func TestBuildFiltersAndRefusals(t *testing.T) {
	ctx := context.Background()
	now := day(2026, 12, 1)
	var dates []time.Time
	for m := range 24 {
		dates = append(dates, day(2023, time.Month(m+1), 10))
	}
	ix := corpus(t, dates, []news.Kind{news.Allegation, news.Sanction, news.Response})
	s, err := trend.Build(ctx, ix, news.Query{Actors: []string{"APT31"}, Since: day(2024, 1, 1)}, now)
	if err != nil {
		t.Fatal(err)
	}
	if s.Total() != 6 || s.Buckets[0].Label != "2024-01" {
		t.Errorf("APT31 since 2024: %d statements from %s; want 6 from 2024-01", s.Total(), s.Buckets[0].Label)
	}
	got := s.Summary("actor:APT31")
	want := "6 statements (actor:APT31) from 2024-01 to 2024-11, per month; busiest 2024-01 (1): 2 allegations, 2 sanctions, 2 responses."
	if got != want {
		t.Errorf("summary:\n got %s\nwant %s", got, want)
	}
	if _, err := trend.Build(ctx, ix, news.Query{Actors: []string{"Sandworm"}}, now); !errors.Is(err, trend.ErrNoStatements) {
		t.Errorf("no match: %v; want ErrNoStatements", err)
	}
	if _, err := trend.Build(ctx, ix, news.Query{Since: day(2025, 1, 1), Until: day(2024, 1, 1)}, now); err == nil {
		t.Error("since after until was accepted")
	}
}

func TestPNG(t *testing.T) {
	var dates []time.Time
	for q := range 20 {
		for range q % 4 {
			dates = append(dates, day(2019+q/4, time.Month(q%4*3+1), 15))
		}
	}
	ix := corpus(t, dates, news.Kinds)
	s, err := trend.Build(context.Background(), ix, news.Query{}, day(2026, 12, 1))
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.PNG("Statements per quarter")
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if r := img.Bounds(); r.Dx() != trend.Width || r.Dy() != trend.Height {
		t.Errorf("image is %dx%d, want %dx%d", r.Dx(), r.Dy(), trend.Width, trend.Height)
	}
	// the bars are drawn: every kind's colour appears
	seen := map[[3]uint32]bool{}
	r := img.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y += 2 {
		for x := r.Min.X; x < r.Max.X; x += 2 {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			seen[[3]uint32{cr >> 8, cg >> 8, cb >> 8}] = true
		}
	}
	for _, k := range s.Kinds() {
		c := trend.Colour(k)
		if !seen[[3]uint32{uint32(c.R), uint32(c.G), uint32(c.B)}] {
			t.Errorf("no %s bar (colour %v) in the image", k, c)
		}
	}
	if _, err := (trend.Series{}).PNG("x"); !errors.Is(err, trend.ErrNoStatements) {
		t.Errorf("empty series: %v; want ErrNoStatements", err)
	}
}
