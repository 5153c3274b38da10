package bot_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/actors"
	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/index"
	"github.com/newsdesk/newsdesk/news"
)

// TestSearchCountsUpToMaxCount: a date-sorted search with words over more
// than MaxCount statements says "at least MaxCount" and still pages; one
// over fewer, or of filters alone (which the index counts exactly at no
// cost), gives the exact count.
func TestSearchCountsUpToMaxCount(t *testing.T) {
	ix, err := index.Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	base := time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)
	var arts []news.Article
	for i := range bot.MaxCount + 200 {
		kind := news.Allegation
		if i%100 == 0 {
			kind = news.Sanction
		}
		a := news.Article{ID: fmt.Sprintf("a%04d", i), Title: fmt.Sprintf("Report %d", i), Published: base.Add(-time.Duration(i) * time.Hour),
			Source: news.Source{Name: "Wire", URL: fmt.Sprintf("https://example.test/%d", i)}, Seq: uint64(i + 1),
			Statements: []news.Statement{{Kind: kind, Speaker: "the ministry", SpeakerCountry: []string{"GB"}, Sentence: fmt.Sprintf("Statement number %d.", i), Accused: []string{"APT31"}}}}
		a.Summarize()
		arts = append(arts, a)
	}
	if err := ix.Put(context.Background(), arts); err != nil {
		t.Fatal(err)
	}
	b := &bot.Bot{Index: ix, Actors: actors.Default()}
	for _, tc := range []struct {
		text     string
		atLeast  bool
		min, max int
	}{
		// words, newest first: counted up to MaxCount
		{"search statement kind:allegation sort:date", true, bot.MaxCount, bot.MaxCount + 200 - 12},
		// filters alone: counted exactly from the index's postings
		{"search kind:allegation", false, bot.MaxCount + 200 - 12, bot.MaxCount + 200 - 12},
		{"search kind:sanction", false, 12, 12},
	} {
		t.Run(tc.text, func(t *testing.T) {
			r := ask(t, b, tc.text)
			var n int
			title := strings.TrimPrefix(r.Title, "at least ")
			if _, err := fmt.Sscanf(title, "%d statements for", &n); err != nil || (title != r.Title) != tc.atLeast || n < tc.min || n > tc.max {
				t.Errorf("title %q: want %d to %d statements, \"at least\" %v", r.Title, tc.min, tc.max, tc.atLeast)
			}
			if len(hits(r)) != bot.PageSize {
				t.Errorf("%d hits, want a full page of %d", len(hits(r)), bot.PageSize)
			}
		})
	}
	// the actor's timeline counts the same way
	r := ask(t, b, "actor APT31")
	if len(r.Sections) == 0 {
		t.Fatalf("actor APT31: no timeline in %+v", r)
	}
	var n int
	if _, err := fmt.Sscanf(r.Sections[0].Heading, "Timeline: at least %d statements", &n); err != nil || n < bot.MaxCount || n > bot.MaxCount+200 {
		t.Errorf("actor APT31 over %d statements: heading %q, want at least %d", bot.MaxCount+200, r.Sections[0].Heading, bot.MaxCount)
	}
	if r := ask(t, b, "latest 3"); len(hits(r)) != 3 || !strings.HasPrefix(r.Title, "Latest 3 statements") || hits(r)[0].Text != "Statement number 0." {
		t.Errorf("latest 3: %q, %d hits %+v", r.Title, len(hits(r)), hits(r))
	}
}
