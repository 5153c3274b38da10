package bot

import (
	"slices"
	"strings"

	"github.com/newsdesk/newsdesk/claims"
	"github.com/newsdesk/newsdesk/news"
)

// overFetch is how many hits a page asks for per item it shows, so that a
// claim carried by several outlets still fills the page once merged.
const overFetch = 3

// Claim is one claim among hits: the hit that stands for it (its earliest
// report) and, when several articles carried it, every report, earliest
// first.
type Claim struct {
	Hit     news.Hit
	Sources []Report
	IDs     []string // the ids of every hit merged into the claim, Hit's first
}

// MergeClaims merges hits that report one claim (claims.Same, from
// different articles) into one Claim each, in the order of each claim's
// best-ranked hit. The earliest report stands for the claim.
func MergeClaims(hits []news.Hit) []Claim {
	var groups [][]news.Hit
	sts := make([]news.Statement, 0, len(hits))
	arts := make([]string, 0, len(hits))
	for _, h := range hits {
		if h.Statement != nil {
			sts, arts = append(sts, *h.Statement), append(arts, h.ArticleID)
		}
	}
	// prepared with every hit, so the words they all share (the
	// search's) are compared last
	nums := claims.Group(sts, arts)
	at := map[int]int{} // claim number → index in groups
	for _, h := range hits {
		if h.Statement == nil {
			groups = append(groups, []news.Hit{h})
			continue
		}
		c := nums[0]
		nums = nums[1:]
		if i, ok := at[c]; ok {
			groups[i] = append(groups[i], h)
			continue
		}
		at[c] = len(groups)
		groups = append(groups, []news.Hit{h})
	}
	out := make([]Claim, 0, len(groups))
	for _, g := range groups {
		if len(g) == 1 {
			out = append(out, Claim{Hit: g[0], IDs: []string{g[0].ID}})
			continue
		}
		slices.SortStableFunc(g, func(a, b news.Hit) int { return a.Published.Compare(b.Published) })
		c := Claim{Hit: g[0]}
		for _, h := range g {
			c.Sources = append(c.Sources, Report{ArticleID: h.ArticleID, Title: h.Title, SourceName: h.Source.Name, URL: h.Source.URL, Date: h.Published})
			c.IDs = append(c.IDs, h.ID)
		}
		out = append(out, c)
	}
	return out
}

// claimItems is one item per claim of hits, at most limit (<= 0: all).
func claimItems(hits []news.Hit, limit int) []Item {
	cs := MergeClaims(hits)
	if limit > 0 && len(cs) > limit {
		cs = cs[:limit]
	}
	out := make([]Item, 0, len(cs))
	for _, c := range cs {
		out = append(out, c.item())
	}
	return out
}

// item is the claim as a front shows it: its hit, with its sources.
func (c Claim) item() Item {
	it := item(c.Hit)
	it.Sources = c.Sources
	return it
}

// OtherSources are the articles besides the item's own that carried its
// claim, earliest first (none for a claim with one source).
func (it Item) OtherSources() []Report {
	var out []Report
	for _, r := range it.Sources {
		if r.ArticleID != it.ArticleID || r.URL != it.URL {
			out = append(out, r)
		}
	}
	return out
}

// Label is how a front names an outlet that carried a claim: its name
// (else the article's title) and date, "BBC News (26 Mar 2024)".
func (r Report) Label() string {
	name := r.SourceName
	if name == "" {
		name = r.Title
	}
	if !r.Date.IsZero() {
		name += " (" + r.Date.Format("2 Jan 2006") + ")"
	}
	return name
}

// ReportedBy is the line a front shows under a claim carried by several
// articles: "Also reported by BBC News (26 Mar 2024), Reuters (26 Mar
// 2024)"; "" for a claim with one source. Each name is text from outside:
// fronts escape it.
func (it Item) ReportedBy() string {
	others := it.OtherSources()
	if len(others) == 0 {
		return ""
	}
	parts := make([]string, len(others))
	for i, r := range others {
		parts[i] = r.Label()
	}
	return "Also reported by " + strings.Join(parts, ", ")
}
