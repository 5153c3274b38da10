package console

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/newsdesk/newsdesk/ingest"
	"github.com/newsdesk/newsdesk/sources"
)

// TestWritePoll: each outcome has its line and reason, and text from the
// feed (an item's source, an error quoting a page) cannot add lines or
// reach the terminal as control sequences.
func TestWritePoll(t *testing.T) {
	res := ingest.PollResult{
		Ingest: ingest.Result{Added: []string{"aaaaaaaaaaaa"}, Unchanged: []string{"bbbbbbbbbbbb"},
			Errors: []*ingest.ItemError{{Source: "https://example.org/feed", Line: 3, Err: errors.New("no title")}}},
		FullText: ingest.FullTextResult{Fetched: 1, Failed: []*ingest.PageError{{URL: "https://example.org/a\x1b[2J", Err: errors.New("status 500\nretry")}}},
		Skipped:  []*ingest.ItemError{{Source: "item \x1b[31mred\x1b[0m\nforged line", Err: errors.New("no text")}},
	}
	var buf bytes.Buffer
	WritePoll(&buf, res)
	out := buf.String()
	if strings.ContainsRune(out, 0x1b) {
		t.Errorf("an escape sequence reached the terminal:\n%q", out)
	}
	want := []string{
		"ingested 1 (1 added, 0 updated; 1 pages' full text fetched)",
		"  aaaaaaaaaaaa",
		"skipped 2 (1 unchanged, 0 already stored with their full text, 1 left out)",
		"  left out item [31mred[0m forged line: no text",
		"failed 2",
		"  refused https://example.org/feed:3: no title",
		"  full text of https://example.org/a[2J not fetched (reason=network): status 500 retry; its summary was ingested, the page is tried again later",
	}
	got := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(got) != len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(got), len(want), out)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d:\n got %q\nwant %q", i+1, got[i], want[i])
		}
	}

	buf.Reset()
	WritePoll(&buf, ingest.PollResult{NotModified: true})
	if !strings.HasPrefix(buf.String(), "not modified (304)") {
		t.Errorf("a 304 poll: %q", buf.String())
	}
}

// TestWriteFeeds: enabled sources are marked, config and verify are noted,
// and a stale name comes with the command that removes it.
func TestWriteFeeds(t *testing.T) {
	l := sources.Listing{
		Catalog: []sources.Listed{
			{Source: sources.Source{Name: "cisa", Country: "US", Title: "CISA news", URL: "https://www.cisa.gov/news.xml"}, Enabled: true, Origin: sources.FromConfig},
			{Source: sources.Source{Name: "ncsc-uk", Country: "GB", Title: "NCSC news", URL: "https://www.ncsc.gov.uk/feeds", Verify: true}},
		},
		Stale: []string{"gone"},
	}
	var buf bytes.Buffer
	WriteFeeds(&buf, l)
	out := buf.String()
	for _, want := range []string{
		"2 in the catalog, 1 enabled",
		"on   cisa", "config",
		"off  ncsc-uk", "verify",
		"gone  no longer in the catalog, not polled: newsdesk feeds remove gone",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("feeds list lacks %q:\n%s", want, out)
		}
	}
}
