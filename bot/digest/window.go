package digest

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/newsdesk/newsdesk/claims"
	"github.com/newsdesk/newsdesk/news"
	"github.com/newsdesk/newsdesk/state"
)

// digestKinds are the statement kinds a digest holds unless its filter
// names others.
var digestKinds = []news.Kind{news.Allegation, news.Indictment, news.Sanction, news.Response}

// window is what a digest covers: statements with seq above the channel's
// watermark, oldest first.
type window struct {
	hits   []news.Hit
	maxSeq uint64 // the highest seq in hits; the channel's watermark when hits is empty
	// left counts statements of one sequence number that did not fit in
	// MaxWindow (or in one Search call): the window took the first of them
	// and moved past the seq, so they are in no digest. leftArticle names
	// the article they belong to, for the footer.
	left        int
	leftArticle string
}

// window reads the channel's window from the Source: the statements that
// match the subscription's filter with seq above its watermark, at most
// MaxWindow of them (cut between sequence numbers; the rest waits for the
// next digest). A seq is never split across digests, except one that alone
// holds more than MaxWindow statements: the window then takes the first
// MaxWindow and counts the rest in window.left, so that a huge article
// cannot stop a channel's digests. Statements of one article may carry one
// seq or several (an updated article's new statements carry their own); the
// window assumes neither.
//
// When the filter narrows by actor, speaker, target or words, the responses
// in the same articles as the statements it matched are added too (those
// with seq in the window), whatever they name: an accused state's answer
// rarely names itself, and a digest shows a response under the allegation
// it answers.
func (s *Service) window(ctx context.Context, sub state.Subscription) (window, error) {
	base := news.Query{}
	if sub.Filter != "" {
		if s.cfg.Filters == nil {
			return window{}, fmt.Errorf("window of %s: filter %q but no filter parser", sub.Channel, sub.Filter)
		}
		f, err := s.cfg.Filters(sub.Filter)
		if err != nil {
			return window{}, fmt.Errorf("window of %s: filter %q: %w", sub.Channel, sub.Filter, err)
		}
		base.Text, base.Mentions, base.Actors, base.By, base.Kinds, base.Targets = f.Text, f.Mentions, f.Actors, f.By, f.Kinds, f.Targets
	}
	if len(base.Kinds) == 0 {
		base.Kinds = digestKinds
	}
	base.Type, base.SortBy = news.TypeStatement, "seq"

	w := window{maxSeq: sub.Watermark}
	err := s.pages(ctx, sub, base, s.cfg.MaxWindow, func(p page) bool {
		w.hits = append(w.hits, p.hits...)
		w.maxSeq = p.hits[len(p.hits)-1].Seq
		if p.left > 0 {
			w.left += p.left
			w.leftArticle = p.hits[0].ArticleID
		}
		return true
	})
	if err != nil || len(w.hits) == 0 {
		return w, err
	}
	if w.hits, err = s.dropRepeats(ctx, sub, w.hits); err != nil {
		return w, err
	}
	narrowed := base.Text != "" || len(base.Mentions) > 0 || len(base.Actors) > 0 || len(base.By) > 0 || len(base.Targets) > 0
	if !narrowed || !slices.Contains(base.Kinds, news.Response) {
		return w, nil
	}
	articles, have := map[string]bool{}, map[string]bool{}
	for _, h := range w.hits {
		articles[h.ArticleID] = true
		have[h.ID] = true
	}
	var extra []news.Hit
	answers := news.Query{Type: news.TypeStatement, Kinds: []news.Kind{news.Response}, SortBy: "seq"}
	// No limit: fn stops at the window's last seq. (A seq larger than one
	// Search call returns is cut like a statement seq; its left is not
	// counted, as the footer counts only statements the filter matched.)
	err = s.pages(ctx, sub, answers, math.MaxInt, func(p page) bool {
		for _, h := range p.hits {
			if h.Seq > w.maxSeq {
				return false
			}
			if articles[h.ArticleID] && !have[h.ID] {
				extra = append(extra, h)
			}
		}
		return true
	})
	if err != nil || len(extra) == 0 {
		return w, err
	}
	w.hits = append(w.hits, extra...)
	slices.SortStableFunc(w.hits, func(a, b news.Hit) int { return cmp.Compare(a.Seq, b.Seq) })
	return w, nil
}

// Repeats: how far back a claim counts as already covered, how many
// earlier statements of one kind and government are compared, and how many
// earlier statements one window reads in all.
const (
	repeatLookback = 30 * 24 * time.Hour
	repeatMax      = 500
	repeatRead     = 10_000
)

// dropRepeats leaves out of a window the statements that report a claim
// already posted to this channel (claims.Same with a statement an earlier
// posted slot showed, published up to repeatLookback before): a claim that
// a second outlet carries the next day is not posted again. A claim that an
// earlier window held but did not show (cut by max) was never posted, so
// it stays eligible.
//
// The window's statements are grouped by kind and government (the first
// speaker country); each group is compared with the newest repeatMax
// earlier posted statements of its kind and government published from
// repeatLookback before its oldest statement to its newest. One search
// reads every group's earlier statements (seq at or below the watermark,
// newest first, at most repeatMax per group and repeatRead in all), and a
// claims.Grouper per group finds a statement's earlier claim by its words,
// not by comparing it with each.
func (s *Service) dropRepeats(ctx context.Context, sub state.Subscription, hits []news.Hit) ([]news.Hit, error) {
	if sub.Watermark == 0 {
		return hits, nil
	}
	type key struct {
		kind news.Kind
		by   string
	}
	type group struct {
		idx          []int // into hits
		since, until time.Time
		earlier      claims.Grouper
		n            int // earlier statements added
	}
	groups := map[key]*group{}
	var order []key
	// one search for every group: their kinds and governments, over the
	// span of the whole window
	q := news.Query{Type: news.TypeStatement, UpToSeq: sub.Watermark, SortBy: "date"}
	for i, h := range hits {
		if h.Statement == nil || len(h.Statement.SpeakerCountry) == 0 {
			continue
		}
		k := key{h.Statement.Kind, h.Statement.SpeakerCountry[0]}
		g := groups[k]
		if g == nil {
			g = &group{since: h.Published, until: h.Published}
			groups[k] = g
			order = append(order, k)
			if !slices.Contains(q.Kinds, k.kind) {
				q.Kinds = append(q.Kinds, k.kind)
			}
			if !slices.Contains(q.By, k.by) {
				q.By = append(q.By, k.by)
			}
		}
		g.idx = append(g.idx, i)
		p := h.Published
		if p.Before(g.since) {
			g.since = p
		} else if p.After(g.until) {
			g.until = p
		}
	}
	if len(order) == 0 {
		return hits, nil
	}
	posted, err := s.postedBefore(ctx, sub.Channel)
	if err != nil {
		return nil, err
	}
	since, until := groups[order[0]].since, groups[order[0]].until
	for _, g := range groups { // the whole window's span
		if g.since.Before(since) {
			since = g.since
		}
		if g.until.After(until) {
			until = g.until
		}
	}
	q.Size = min(repeatRead, repeatMax*len(order))
	q.Since, q.Until = since.Add(-repeatLookback), until.Add(time.Second)
	res, err := s.cfg.Source.Search(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("window of %s: earlier claims: %w", sub.Channel, err)
	}
	for _, old := range res.Hits { // newest first
		if old.Seq > sub.Watermark || old.Statement == nil || !posted(old) {
			continue
		}
		for _, by := range old.Statement.SpeakerCountry {
			g := groups[key{old.Statement.Kind, by}]
			if g == nil || g.n >= repeatMax || old.Published.Before(g.since.Add(-repeatLookback)) || !old.Published.Before(g.until.Add(time.Second)) {
				continue
			}
			g.earlier.Add(*old.Statement, old.ArticleID)
			g.n++
		}
	}
	drop := map[int]bool{}
	for _, k := range order {
		g := groups[k]
		if g.n == 0 {
			continue
		}
		for _, i := range g.idx {
			if g.earlier.Find(*hits[i].Statement, hits[i].ArticleID) >= 0 {
				drop[i] = true
			}
		}
	}
	if len(drop) == 0 {
		return hits, nil
	}
	kept := hits[:0:0]
	for i, h := range hits {
		if !drop[i] {
			kept = append(kept, h)
		}
	}
	s.log.Info("digest: left out claims an earlier digest held", "channel", sub.Channel, "statements", len(drop))
	return kept, nil
}

// postedBefore reads the channel's posted slots from the ledger and says
// whether an earlier statement reached the channel: it is among the
// statements a posted slot showed. A posted slot recorded without that list
// (by an older newsdesk) counts its whole window as shown.
func (s *Service) postedBefore(ctx context.Context, channel string) (func(news.Hit) bool, error) {
	slots, err := s.cfg.Store.Slots(ctx, channel)
	if err != nil {
		return nil, fmt.Errorf("window of %s: what earlier digests posted: %w", channel, err)
	}
	ids := map[string]bool{}
	type span struct{ from, to uint64 }
	var whole []span
	for _, sl := range slots {
		switch {
		case sl.State != state.Posted || sl.Count == 0:
		case sl.Shown == nil:
			whole = append(whole, span{sl.From, sl.Watermark})
		default:
			for _, id := range sl.Shown {
				ids[id] = true
			}
		}
	}
	return func(h news.Hit) bool {
		return ids[h.ID] || slices.ContainsFunc(whole, func(sp span) bool { return sp.from < h.Seq && h.Seq <= sp.to })
	}, nil
}

// page is what pages hands on: hits of whole sequence numbers, oldest
// first; left > 0 when the page is one seq cut short (see window).
type page struct {
	hits []news.Hit
	left int
}

// pages runs q from the subscription's watermark on, calling fn with each
// page until fn returns false, limit hits have been handed on, or the hits
// run out. It pages by sequence (AfterSeq moves past each page) rather than
// by offset, so it has no offset limit. A page holds whole seqs only: when a
// page ends inside a seq, the seq is left for the next page, and when a
// whole page is one seq (more statements share it than a page holds), that
// seq is read alone (seqOnly). A seq that does not fit in what is left of
// limit ends the run, so it starts the next window whole; only when it
// alone is larger than limit is it cut.
func (s *Service) pages(ctx context.Context, sub state.Subscription, q news.Query, limit int, fn func(page) bool) error {
	cursor, handed := sub.Watermark, 0
	for handed < limit {
		room := limit - handed
		q.AfterSeq, q.Size = cursor, min(s.cfg.PageSize, room)
		res, err := s.search(ctx, sub, q)
		if err != nil {
			return err
		}
		hits := res.Hits
		if len(hits) == 0 {
			return nil
		}
		p := page{hits: hits}
		more := uint64(len(hits)) < res.Total
		if more {
			last := hits[len(hits)-1].Seq
			cut := len(hits)
			for cut > 0 && hits[cut-1].Seq == last {
				cut--
			}
			if cut > 0 {
				p.hits = hits[:cut]
			} else {
				if p, more, err = s.seqOnly(ctx, sub, q, last, res.Total, len(hits), room, handed == 0); err != nil || len(p.hits) == 0 {
					return err
				}
			}
		}
		handed += len(p.hits)
		if !fn(p) || !more {
			return nil
		}
		cursor = p.hits[len(p.hits)-1].Seq
	}
	return nil
}

// seqOnly reads the statements of one seq, the first above q.AfterSeq, when
// more of them match q than a page held (got). total is the number of hits
// above q.AfterSeq. It counts the seq's statements (total minus the hits
// above seq), then reads them in one call: all of them when they fit in
// room, else (first: nothing is in the window yet) the first room of them,
// with the rest counted in left. A seq that does not fit and is not first
// gives an empty page: it waits, whole, for the next window. more says
// whether hits above seq remain.
func (s *Service) seqOnly(ctx context.Context, sub state.Subscription, q news.Query, seq, total uint64, got, room int, first bool) (p page, more bool, err error) {
	above := q
	above.AfterSeq, above.Size = seq, 1
	res, err := s.search(ctx, sub, above)
	if err != nil {
		return page{}, false, err
	}
	// Statements ingested between the two calls raise res.Total; the page
	// already showed got statements of seq.
	n := got
	if res.Total < total {
		n = max(n, int(min(total-res.Total, uint64(math.MaxInt))))
	}
	more = res.Total > 0
	if n > room && !first {
		return page{}, more, nil
	}
	q.Size = min(n, room)
	if res, err = s.search(ctx, sub, q); err != nil {
		return page{}, false, err
	}
	hits := res.Hits
	for i, h := range hits {
		if h.Seq != seq {
			hits = hits[:i]
			break
		}
	}
	if len(hits) == 0 || (len(hits) < n && !first) {
		// The Source gave fewer than asked (it caps a call's size): let
		// the seq start the next window, where it may be cut.
		return page{}, more, nil
	}
	p = page{hits: hits, left: n - len(hits)}
	return p, more, nil
}

// search runs one query and checks that the Source kept its side of the
// contract: hits above q.AfterSeq, oldest first.
func (s *Service) search(ctx context.Context, sub state.Subscription, q news.Query) (news.Results, error) {
	res, err := s.cfg.Source.Search(ctx, q)
	if err != nil {
		return news.Results{}, fmt.Errorf("window of %s after seq %d: %w", sub.Channel, q.AfterSeq, err)
	}
	for i, h := range res.Hits {
		if h.Seq <= q.AfterSeq || (i > 0 && h.Seq < res.Hits[i-1].Seq) {
			return news.Results{}, fmt.Errorf("window of %s: the source returned seq %d after %d for AfterSeq %d; it must sort by seq, oldest first", sub.Channel, h.Seq, res.Hits[max(i-1, 0)].Seq, q.AfterSeq)
		}
	}
	return res, nil
}
