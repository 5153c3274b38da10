package console

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/newsdesk/newsdesk/ingest"
	"github.com/newsdesk/newsdesk/sources"
)

// WriteFeeds writes `newsdesk feeds list`: the catalog as a table (on or
// off, name, country, kind, title, URL, notes), the custom feeds, and the
// added names the catalog no longer has with the command that removes
// them. Catalog text is written on one line each, control characters removed.
func WriteFeeds(w io.Writer, l sources.Listing) {
	on := 0
	for _, s := range l.Catalog {
		if s.Enabled {
			on++
		}
	}
	fmt.Fprintf(w, "Official sources: %d in the catalog, %d enabled (URLs as published by each source; not verified from this machine; see sources/SOURCES.md)\n", len(l.Catalog), on)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, s := range l.Catalog {
		mark := "off"
		if s.Enabled {
			mark = "on"
		}
		var notes []string
		if s.Origin == sources.FromConfig {
			notes = append(notes, "config")
		}
		if s.Verify {
			notes = append(notes, "verify")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", mark, oneLine(s.Name), oneLine(s.Country), oneLine(string(s.Kind)), oneLine(s.Title), oneLine(s.URL), strings.Join(notes, ", "))
	}
	tw.Flush()
	if len(l.Custom) > 0 {
		fmt.Fprintf(w, "Custom feeds: %d\n", len(l.Custom))
		for _, f := range l.Custom {
			fmt.Fprintf(w, "on   %s  (%s)\n", oneLine(f.URL), oneLine(f.Origin))
		}
	}
	for _, n := range l.Stale {
		fmt.Fprintf(w, "??   %s  no longer in the catalog, not polled: newsdesk feeds remove %s\n", oneLine(n), oneLine(n))
	}
}

// WritePoll writes what one `newsdesk feeds poll` did: ingested (with
// ids), skipped and failed, each with its reason.
func WritePoll(w io.Writer, res ingest.PollResult) {
	if res.NotModified {
		fmt.Fprintln(w, "not modified (304): nothing new since the last poll; nothing ingested")
		return
	}
	in := res.Ingest
	fmt.Fprintf(w, "ingested %d (%d added, %d updated; %d pages' full text fetched)\n", len(in.Added)+len(in.Updated), len(in.Added), len(in.Updated), res.FullText.Fetched)
	for _, id := range append(append([]string(nil), in.Added...), in.Updated...) {
		fmt.Fprintf(w, "  %s\n", id)
	}
	fmt.Fprintf(w, "skipped %d (%d unchanged, %d already stored with their full text, %d left out)\n",
		len(in.Unchanged)+res.FullText.Stored+len(res.Skipped), len(in.Unchanged), res.FullText.Stored, len(res.Skipped))
	for _, s := range res.Skipped {
		fmt.Fprintf(w, "  left out %s: %s\n", oneLine(s.Source), oneLine(fmt.Sprint(s.Err)))
	}
	failed := len(in.Errors) + len(res.FullText.Failed)
	fmt.Fprintf(w, "failed %d\n", failed)
	for _, e := range in.Errors {
		fmt.Fprintf(w, "  refused %s\n", oneLine(e.Error()))
	}
	for _, pe := range res.FullText.Failed {
		fmt.Fprintf(w, "  full text of %s not fetched (reason=%s): %s; its summary was ingested, the page is tried again later\n", oneLine(pe.URL), pe.Reason(), oneLine(fmt.Sprint(pe.Err)))
	}
}
