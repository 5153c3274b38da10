package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/newsdesk/newsdesk/news"
	"github.com/newsdesk/newsdesk/trend"
)

// Bot answers commands. Its zero value is not usable; set Index and Actors.
type Bot struct {
	Index   Index
	Actors  Actors
	Digests Digests // nil: digests are not enabled here
	Feeds   Feeds   // nil: feeds cannot be listed or changed from here
	// Admins are the platform-qualified users ("slack:U123") allowed to
	// change subscriptions and feeds and post digests. Empty: everyone may.
	Admins  map[string]bool
	Log     *slog.Logger
	Timeout time.Duration // per command; default 5s
	// Metrics counts search timeouts (nil: not counted).
	Metrics Metrics
	// Trends counts statements over time for trend (nil: trend is not
	// available); *index.Index satisfies it.
	Trends trend.Counter
	// Now is the clock (nil: time.Now).
	Now func() time.Time
	// Watcher keeps the channels' watches (nil: watches are not enabled).
	Watcher Watcher
	// Facets counts statements per kind, accuser and accused for counts
	// (nil: the Index's, when it is a Faceter; else counts is not
	// available).
	Facets Faceter
}

// Metrics is what the bot reports. *metrics.Metrics satisfies it.
type Metrics interface {
	SearchTimedOut()
}

// Handle parses and answers one command. It never returns an error: a
// problem becomes a KindError reply with a one-line message, and the full
// error chain goes to the log.
func (b *Bot) Handle(ctx context.Context, req Request) Reply {
	cmd, err := Parse(req.Text, b.Actors)
	if err != nil {
		r := errorReply(err)
		r.Command, r.Outcome = "invalid", Refused
		return r
	}
	r := b.handle(ctx, req, cmd)
	r.Command = cmd.Name
	if r.Kind == KindError && r.Outcome == Answered {
		r.Outcome = Refused
	}
	return r
}

func (b *Bot) handle(ctx context.Context, req Request, cmd Command) Reply {
	timeout := b.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	r, err := b.run(ctx, req, cmd)
	if err != nil {
		var pe *ParseError
		var ue *Refusal
		switch {
		case errors.As(err, &pe):
			r := errorReply(pe)
			r.Outcome = Refused
			return r
		case errors.As(err, &ue):
			return Reply{Kind: KindError, Text: ue.Msg, Outcome: Refused}
		case errors.Is(err, news.ErrQueryTooBroad):
			return Reply{Kind: KindError, Text: "That search matches too many word forms: a fuzzy word (word~ or word~2) stands for every word within its edit distance. Use fewer fuzzy words, word~1 rather than word~2, or more exact words.", Outcome: Refused}
		case errors.Is(err, context.DeadlineExceeded):
			b.log().Warn("command timed out", "platform", req.Platform, "channel", req.Channel, "command", cmd.Name, "err", err)
			if b.Metrics != nil {
				b.Metrics.SearchTimedOut()
			}
			return Reply{Kind: KindError, Text: "That took too long and was stopped. Try fewer words or a narrower filter (since:, kind:, actor:).", Outcome: TimedOut}
		default:
			b.log().Error("command failed", "platform", req.Platform, "channel", req.Channel, "command", cmd.Name, "err", err)
			return Reply{Kind: KindError, Text: "Something went wrong on our side; the error is logged. Please try again.", Outcome: Failed}
		}
	}
	r.Public = r.Public || cmd.Share
	return r
}

// Refusal is an error whose message is meant for the user as it stands:
// one line naming the problem and the fix. Implementations of the bot's
// interfaces (Digests) return one for a request they will not take; any
// other error is logged and the user told only that something failed.
type Refusal struct{ Msg string }

func (e *Refusal) Error() string { return e.Msg }

func errorReply(err error) Reply {
	return Reply{Kind: KindError, Text: err.Error()}
}

func (b *Bot) log() *slog.Logger {
	if b.Log != nil {
		return b.Log
	}
	return slog.Default()
}

func (b *Bot) run(ctx context.Context, req Request, cmd Command) (Reply, error) {
	switch cmd.Name {
	case "search":
		return b.search(ctx, cmd)
	case "latest":
		return b.latest(ctx, cmd)
	case "show":
		return b.show(ctx, cmd.ID)
	case "actor":
		return b.actor(ctx, cmd.Actor)
	case "trend":
		return b.trend(ctx, cmd)
	case "counts":
		return b.counts(ctx, cmd)
	case "digest", "subscribe", "unsubscribe":
		return b.digest(ctx, req, cmd)
	case "feeds":
		return b.feeds(ctx, req, cmd)
	case "watch", "unwatch", "watches":
		return b.watch(ctx, req, cmd)
	default:
		return help(cmd.Topic), nil
	}
}

func (b *Bot) search(ctx context.Context, cmd Command) (Reply, error) {
	page, res, err := b.claimPage(ctx, cmd.Query, cmd.Page)
	if err != nil {
		return Reply{}, fmt.Errorf("search %q: %w", cmd.Args, err)
	}
	pages := page.pages(res)
	r := Reply{
		Kind:  KindResults,
		Title: fmt.Sprintf("%s%d statement%s for %s", atLeast(res), res.Total, plural(res.Total), cmd.Args),
		Page:  cmd.Page,
		Pages: pages,
	}
	r.Text = expansions(cmd.Expanded)
	if res.Total == 0 {
		return b.articleFallback(ctx, cmd, r)
	}
	if len(page.items) == 0 {
		r.Text = fmt.Sprintf("Page %d is past the end: there are %d page%s.", cmd.Page, pages, plural(uint64(pages)))
		return r, nil
	}
	r.Sections = []Section{{Items: page.items}}
	if cmd.Page < pages {
		r.Next = fmt.Sprintf("search %s page:%d", cmd.Args, cmd.Page+1)
	}
	return r, nil
}

// claimPage is one page of claims: the items of page n and what was read to
// find them.
type claimPage struct {
	items  []Item
	claims int  // claims among the hits read
	all    bool // the hits read are all the hits
}

// pages is how many pages of claims there are: counted when every hit was
// read, else estimated from the count of statements (claims carried by
// several outlets make the last pages come up short).
func (p claimPage) pages(res news.Results) int {
	n := int((res.Total + PageSize - 1) / PageSize)
	if p.all && !res.TotalAtLeast {
		n = (p.claims + PageSize - 1) / PageSize
	}
	return min(n, MaxPage)
}

// claimPage reads page n (1-based) of q's claims. Claims are merged over the
// hits from the first on, not per page, so a claim whose copies fall on
// either side of a page boundary is listed once, on the page of its
// best-ranked copy: merging is incremental (a hit joins the earliest claim
// it matches, new claims come last), so the claims of a longer prefix of the
// hits begin with those of a shorter one, and every page agrees on what the
// pages before it showed. It reads n·PageSize·overFetch hits, and more (up
// to MaxPage·PageSize·overFetch, the deepest page's share) when merging left
// too few claims to fill the page.
func (b *Bot) claimPage(ctx context.Context, q news.Query, n int) (claimPage, news.Results, error) {
	n = max(n, 1)
	want, most := n*PageSize, MaxPage*PageSize*overFetch
	q.From, q.Size = 0, min(want*overFetch, most)
	for {
		res, err := b.Index.Search(ctx, q)
		if err != nil {
			return claimPage{}, res, err
		}
		cs := MergeClaims(res.Hits)
		all := uint64(len(res.Hits)) >= res.Total && !res.TotalAtLeast || len(res.Hits) < q.Size
		if len(cs) >= want || all || q.Size >= most {
			p := claimPage{claims: len(cs), all: all}
			for _, c := range cs[min((n-1)*PageSize, len(cs)):min(want, len(cs))] {
				p.items = append(p.items, c.item())
			}
			return p, res, nil
		}
		q.Size = min(2*q.Size, most)
	}
}

// articleFallback answers a search that matched no statement with the
// articles whose text matches, if any: a reporter still wants the story.
func (b *Bot) articleFallback(ctx context.Context, cmd Command, r Reply) (Reply, error) {
	r.Text = joinLines(r.Text, "No statements match. Try fewer words, another name for the actor (actor <name> lists them), or drop a filter.")
	if cmd.Page != 1 || len(cmd.Query.Kinds) > 0 || len(cmd.Query.By) > 0 {
		return r, nil // filters on statement fields mean nothing for articles
	}
	q := cmd.Query
	q.Type, q.From, q.Size = news.TypeArticle, 0, PageSize
	res, err := b.Index.Search(ctx, q)
	if err != nil {
		return Reply{}, fmt.Errorf("search articles %q: %w", cmd.Args, err)
	}
	if res.Total == 0 {
		return r, nil
	}
	verb := "do"
	if res.Total == 1 {
		verb = "does"
	}
	r.Text = joinLines(expansions(cmd.Expanded), fmt.Sprintf("No official statements match, but %d article%s %s:", res.Total, plural(res.Total), verb))
	its := items(res.Hits)
	for i := range its {
		its[i].Text, its[i].Marks = Snippet(its[i].Text, its[i].Marks, snippetChars)
	}
	r.Sections = []Section{{Items: its}}
	r.Pages = 1
	return r, nil
}

// atLeast prefixes a count that stopped at Query.TotalUpTo.
func atLeast(res news.Results) string {
	if res.TotalAtLeast {
		return "at least "
	}
	return ""
}

func (b *Bot) latest(ctx context.Context, cmd Command) (Reply, error) {
	q := cmd.Query
	q.Size *= overFetch
	res, err := b.Index.Search(ctx, q)
	if err != nil {
		return Reply{}, fmt.Errorf("latest: %w", err)
	}
	its := claimItems(res.Hits, cmd.Query.Size)
	r := Reply{Kind: KindResults, Title: fmt.Sprintf("Latest %d statement%s", len(its), plural(uint64(len(its)))), Text: expansions(cmd.Expanded)}
	if cmd.Args != "" {
		r.Title += " for " + cmd.Args
	}
	if len(res.Hits) == 0 {
		r.Text = joinLines(r.Text, "No statements yet.")
		if cmd.Args != "" {
			r.Text = joinLines(r.Text, "No statements match "+cmd.Args+". Try: latest "+strconv.Itoa(cmd.Query.Size))
		}
		return r, nil
	}
	r.Sections = []Section{{Items: its}}
	return r, nil
}

// articleID cleans an id as a reporter may paste it: in brackets or
// backticks (as the fronts print it), in either case.
func articleID(id string) string {
	return strings.Trim(strings.TrimSpace(id), "[]()<>`'\"“”")
}

func (b *Bot) show(ctx context.Context, raw string) (Reply, error) {
	id := articleID(raw)
	a, err := b.Index.Article(ctx, id)
	if errors.Is(err, news.ErrNotFound) && strings.ToLower(id) != id {
		// Ids are lower case; a reporter may type them otherwise.
		a, err = b.Index.Article(ctx, strings.ToLower(id))
	}
	if errors.Is(err, news.ErrNotFound) {
		return Reply{}, &Refusal{fmt.Sprintf("No article with id %q. Ids appear under each search hit.", id)}
	}
	if err != nil {
		return Reply{}, fmt.Errorf("show %s: %w", id, err)
	}
	r := Reply{Kind: KindArticle, Title: a.Title}
	r.Fields = append(r.Fields, Field{"Published", a.Published.Format("2 Jan 2006")})
	if a.Source.Name != "" || a.Source.URL != "" {
		r.Fields = append(r.Fields, Field{"Source", strings.TrimSpace(a.Source.Name + " " + a.Source.URL)})
	}
	if len(a.Actors) > 0 {
		r.Fields = append(r.Fields, Field{"Accused", strings.Join(a.Actors, ", ")})
	}
	if len(a.Countries) > 0 {
		r.Fields = append(r.Fields, Field{"Speakers' countries", strings.Join(a.Countries, ", ")})
	}
	its := make([]Item, 0, len(a.Statements))
	for _, s := range a.Statements {
		its = append(its, item(news.Hit{ArticleID: a.ID, Title: a.Title, Published: a.Published, Source: a.Source, Statement: &s}))
	}
	if len(its) == 0 {
		r.Text = "No official statements were found in this article."
	}
	r.Sections = []Section{{Heading: fmt.Sprintf("%d statement%s", len(its), plural(uint64(len(its)))), Items: its}}
	answers, answered, err := b.linked(ctx, a)
	if err != nil {
		return Reply{}, fmt.Errorf("show %s: %w", id, err)
	}
	if len(answers) > 0 {
		r.Sections = append(r.Sections, Section{Heading: "Answered elsewhere", Items: answers})
	}
	if len(answered) > 0 {
		r.Sections = append(r.Sections, Section{Heading: "Answering", Items: answered})
	}
	return r, nil
}

// How far apart in time an accusation and its answer in other articles may
// be, and how many of them show lists.
const (
	answerAfter  = 14 * 24 * time.Hour
	answerBefore = 24 * time.Hour
	linkedMax    = 5
)

// linked finds, in other articles, the responses that answer this
// article's accusations (the accused state answering the accuser, within
// answerAfter of it) and the accusations that this article's responses
// answer.
func (b *Bot) linked(ctx context.Context, a news.Article) (answers, answered []Item, err error) {
	var accusers, accusedStates, responders, responded []string
	for _, s := range a.Statements {
		if s.Kind == news.Response {
			responders = appendUniqAll(responders, s.SpeakerCountry...)
			responded = appendUniqAll(responded, s.Accused...)
			continue
		}
		if s.Kind == news.Other {
			continue
		}
		accusers = appendUniqAll(accusers, s.SpeakerCountry...)
		for _, ac := range s.Accused {
			if st := b.stateOf(ac); st != "" {
				accusedStates = appendUniqAll(accusedStates, st)
			}
		}
	}
	// keep reports whether a hit from another article fits: its accused
	// (for a response) or its speakers (for an accusation) overlap want,
	// or a response names no accused at all ("rejected the accusations")
	find := func(q news.Query, keep func(news.Statement) bool) ([]Item, error) {
		q.SortBy, q.Size = "date", linkedMax*4
		res, err := b.Index.Search(ctx, q)
		if err != nil {
			return nil, err
		}
		var hits []news.Hit
		for _, h := range res.Hits {
			if h.ArticleID != a.ID && h.Statement != nil && keep(*h.Statement) {
				hits = append(hits, h)
			}
		}
		return claimItems(hits, linkedMax), nil
	}
	overlapsAny := func(a, b []string) bool {
		return slices.ContainsFunc(a, func(x string) bool { return slices.Contains(b, x) })
	}
	if len(accusers) > 0 && len(accusedStates) > 0 {
		answers, err = find(news.Query{Kinds: []news.Kind{news.Response}, By: accusedStates,
			Since: a.Published.Add(-answerBefore), Until: a.Published.Add(answerAfter)},
			func(s news.Statement) bool { return len(s.Accused) == 0 || overlapsAny(s.Accused, accusers) })
		if err != nil {
			return nil, nil, fmt.Errorf("answers elsewhere: %w", err)
		}
	}
	if len(responders) > 0 {
		answered, err = find(news.Query{Kinds: []news.Kind{news.Allegation, news.Indictment, news.Sanction}, Actors: responders,
			Since: a.Published.Add(-answerAfter), Until: a.Published.Add(answerBefore)},
			func(s news.Statement) bool { return len(responded) == 0 || overlapsAny(s.SpeakerCountry, responded) })
		if err != nil {
			return nil, nil, fmt.Errorf("accusations answered: %w", err)
		}
	}
	return answers, answered, nil
}

// stateOf is the state an accused name stands for: a country code as is,
// an actor's suspected sponsor from the gazetteer, else "".
func (b *Bot) stateOf(name string) string {
	if len(name) == 2 && strings.ToUpper(name) == name {
		return name
	}
	if b.Actors != nil {
		if act, ok := b.Actors.Lookup(name); ok {
			return act.Country
		}
	}
	return ""
}

func appendUniqAll(s []string, vs ...string) []string {
	for _, v := range vs {
		s = appendUniq(s, v)
	}
	return s
}

// ActorTimeline is the query behind `actor X`: the ten newest statements
// naming a or one of its aliases, counted up to MaxCount.
func ActorTimeline(a news.Actor) news.Query {
	return news.Query{Mentions: [][]string{append([]string{a.Name}, a.Aliases...)}, SortBy: "date", Size: 10, TotalUpTo: MaxCount}
}

func (b *Bot) actor(ctx context.Context, name string) (Reply, error) {
	a, ok := lookup(b.Actors, name)
	if !ok {
		return Reply{}, &Refusal{fmt.Sprintf("No actor called %q in the gazetteer (MITRE ATT&CK and MISP names and aliases). Try: search %s", name, name)}
	}
	r := Reply{Kind: KindActor, Title: a.Name}
	if len(a.Aliases) > 0 {
		r.Fields = append(r.Fields, Field{"Also known as", strings.Join(a.Aliases, ", ")})
	}
	if a.Country != "" {
		r.Fields = append(r.Fields, Field{"Suspected sponsor", a.Country})
	}
	r.Text = shorten(a.Description, 600)
	res, err := b.Index.Search(ctx, ActorTimeline(a))
	if err != nil {
		return Reply{}, fmt.Errorf("actor %s timeline: %w", a.Name, err)
	}
	if len(res.Hits) > 0 {
		r.Sections = []Section{{Heading: fmt.Sprintf("Timeline: %s%d statement%s, newest first", atLeast(res), res.Total, plural(res.Total)), Items: items(res.Hits)}}
	} else {
		r.Text = joinLines(r.Text, fmt.Sprintf("No statements about %s yet. Try: search %s", a.Name, searchName(a.Name)))
	}
	if len(a.Sources) > 0 {
		r.Footer = "Sources: " + strings.Join(a.Sources, "; ")
	}
	if len(res.Hits) > 0 && b.Trends != nil {
		r.Footer = joinLines(r.Footer, "Chart over time: trend actor:"+searchName(a.Name))
	}
	return r, nil
}

// watch starts, ends or lists the channel's watches; starting and ending
// follow the admin rule of subscribe.
func (b *Bot) watch(ctx context.Context, req Request, cmd Command) (Reply, error) {
	if b.Watcher == nil {
		return Reply{}, &Refusal{"Watches are not enabled on this newsdesk (they need a chat platform: serve with Slack or Discord)."}
	}
	ch := req.ChannelKey()
	if cmd.Name != "watches" && len(b.Admins) > 0 && !b.Admins[req.Platform+":"+req.User] {
		return Reply{}, &Refusal{"Sorry, only this newsdesk's admins can start or end watches. Ask an admin, or try: watches"}
	}
	switch cmd.Name {
	case "watch":
		added, err := b.Watcher.Watch(ctx, ch, cmd.Args)
		if err != nil {
			return Reply{}, fmt.Errorf("watch %s %q: %w", ch, cmd.Args, err)
		}
		if !added {
			return Reply{Kind: KindMessage, Text: "This channel already watches " + cmd.Args + "."}, nil
		}
		return Reply{Kind: KindMessage, Text: "Watching " + cmd.Args + ": new statements that match are posted here within a minute of being ingested. Stop with: unwatch " + cmd.Args}, nil
	case "unwatch":
		n, err := b.Watcher.Unwatch(ctx, ch, cmd.Args)
		if err != nil {
			return Reply{}, fmt.Errorf("unwatch %s %q: %w", ch, cmd.Args, err)
		}
		switch {
		case n == 0 && cmd.Args != "":
			return Reply{Kind: KindMessage, Text: "This channel does not watch " + cmd.Args + ". See: watches"}, nil
		case n == 0:
			return Reply{Kind: KindMessage, Text: "This channel has no watches."}, nil
		}
		return Reply{Kind: KindMessage, Text: fmt.Sprintf("Stopped %s.", watches(n))}, nil
	default:
		ws, err := b.Watcher.Watches(ctx, ch)
		if err != nil {
			return Reply{}, fmt.Errorf("watches of %s: %w", ch, err)
		}
		if len(ws) == 0 {
			return Reply{Kind: KindMessage, Text: "This channel has no watches. Start one with, e.g.: watch actor:APT31"}, nil
		}
		return Reply{Kind: KindMessage, Title: watches(len(ws)) + " here", Text: "watch " + strings.Join(ws, "\nwatch ")}, nil
	}
}

func (b *Bot) now() time.Time {
	if b.Now != nil {
		return b.Now()
	}
	return time.Now()
}

// trend answers with a chart of the matching statements over time.
func (b *Bot) trend(ctx context.Context, cmd Command) (Reply, error) {
	if b.Trends == nil {
		return Reply{}, &Refusal{"Trend charts are not available on this newsdesk."}
	}
	s, err := trend.Build(ctx, b.Trends, cmd.Query, b.now())
	if errors.Is(err, trend.ErrNoStatements) {
		what := "statements"
		if cmd.Args != "" {
			what = "statements match " + cmd.Args
		}
		return Reply{}, &Refusal{fmt.Sprintf("No %s, so there is nothing to chart. Try: search %s", what, cmd.Args)}
	}
	if errors.Is(err, trend.ErrEmptySpan) {
		return Reply{}, &Refusal{fmt.Sprintf("Nothing to chart between since: and until: (%s): since: must be before until: and before today.", cmd.Args)}
	}
	if err != nil {
		return Reply{}, fmt.Errorf("trend %q: %w", cmd.Args, err)
	}
	title := "Statements per " + s.Period.String()
	if cmd.Args != "" {
		title += ": " + cmd.Args
	}
	img, err := s.PNG(title)
	if err != nil {
		return Reply{}, fmt.Errorf("trend %q: %w", cmd.Args, err)
	}
	summary := s.Summary(cmd.Args)
	r := Reply{Kind: KindChart, Title: title, Text: joinLines(expansions(cmd.Expanded), summary),
		Chart: &Chart{Name: chartName(cmd.Args), PNG: img, Alt: summary}}
	return r, nil
}

// FacetTerms is how many accusers and accused counts shows.
const FacetTerms = 8

func (b *Bot) faceter() Faceter {
	if b.Facets != nil {
		return b.Facets
	}
	f, _ := b.Index.(Faceter)
	return f
}

// counts answers with the number of matching statements per kind, per
// accusing government and per accused actor, each on one line.
func (b *Bot) counts(ctx context.Context, cmd Command) (Reply, error) {
	fc := b.faceter()
	if fc == nil {
		return Reply{}, &Refusal{"Counts are not available on this newsdesk."}
	}
	f, err := fc.Facets(ctx, cmd.Query, FacetTerms)
	if err != nil {
		return Reply{}, fmt.Errorf("counts %q: %w", cmd.Args, err)
	}
	title := fmt.Sprintf("%d statement%s", f.Total, plural(f.Total))
	if cmd.Args != "" {
		title += " for " + cmd.Args
	}
	r := Reply{Kind: KindMessage, Title: title, Text: expansions(cmd.Expanded)}
	if f.Total == 0 {
		r.Text = joinLines(r.Text, "No statements match. Try fewer words, another name for the actor (actor <name> lists them), or drop a filter.")
		return r, nil
	}
	line := func(cs []news.Count, other uint64, name func(string) string) string {
		parts := make([]string, 0, len(cs)+1)
		for _, c := range cs {
			parts = append(parts, fmt.Sprintf("%s %d", name(c.Term), c.N))
		}
		if other > 0 {
			parts = append(parts, fmt.Sprintf("others %d", other))
		}
		return strings.Join(parts, " · ")
	}
	kind := func(t string) string { return t }
	if len(f.Kinds) > 0 {
		r.Fields = append(r.Fields, Field{Label: "By kind", Value: line(f.Kinds, 0, kind)})
	}
	if len(f.By) > 0 {
		r.Fields = append(r.Fields, Field{Label: "By accuser", Value: line(f.By, f.OtherBy, strings.ToUpper)})
	}
	if len(f.Actors) > 0 {
		r.Fields = append(r.Fields, Field{Label: "Accused", Value: line(f.Actors, f.OtherActors, b.actorName)})
	}
	// offer the statements of the largest accuser and the largest accused's
	// chart, unless the filters already name one
	var try []string
	if len(f.By) > 0 && len(cmd.Query.By) == 0 {
		try = append(try, strings.TrimSpace("search "+cmd.Args+" by:"+strings.ToUpper(f.By[0].Term)))
	}
	if len(f.Actors) > 0 && len(cmd.Query.Actors) == 0 && len(cmd.Query.Mentions) == 0 {
		try = append(try, strings.TrimSpace("trend "+cmd.Args+" actor:"+searchName(b.actorName(f.Actors[0].Term))))
	}
	if len(try) > 0 {
		r.Footer = "Try: " + strings.Join(try, " · ")
	}
	return r, nil
}

// actorName is how counts names an accused actor the index keeps in lower
// case: the gazetteer's name, else a country or bloc code in capitals,
// else the term.
func (b *Bot) actorName(term string) string {
	if b.Actors != nil {
		if a, ok := b.Actors.Lookup(term); ok {
			return a.Name
		}
	}
	if len(term) <= 4 && strings.IndexFunc(term, func(r rune) bool { return r < 'a' || r > 'z' }) < 0 {
		return strings.ToUpper(term)
	}
	return term
}

// chartName is a file name for a chart of args: letters, digits and
// hyphens only.
func chartName(args string) string {
	var sb strings.Builder
	dash := false
	for _, r := range strings.ToLower(args) {
		if r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			sb.WriteRune(r)
			dash = false
		} else if !dash && sb.Len() > 0 {
			sb.WriteByte('-')
			dash = true
		}
		if sb.Len() >= 60 {
			break
		}
	}
	name := strings.TrimRight(sb.String(), "-")
	if name == "" {
		return "newsdesk-trend.png"
	}
	return "newsdesk-trend-" + name + ".png"
}

func (b *Bot) digest(ctx context.Context, req Request, cmd Command) (Reply, error) {
	if b.Digests == nil {
		return Reply{}, &Refusal{"Digests are not enabled on this newsdesk."}
	}
	ch := req.ChannelKey()
	changes := cmd.Name != "digest" || cmd.Digest == "now"
	if changes && !b.admin(req) {
		return Reply{}, &Refusal{"Sorry, only this newsdesk's admins can change digests or post one. Ask an admin, or try: digest preview"}
	}
	switch {
	case cmd.Name == "subscribe":
		if err := b.Digests.Subscribe(ctx, ch, cmd.Sub); err != nil {
			return Reply{}, fmt.Errorf("subscribe %s: %w", ch, err)
		}
		when := "daily at " + cmd.Sub.At
		if cmd.Sub.Cron != "" {
			when = "on cron " + cmd.Sub.Cron
		}
		text := fmt.Sprintf("Subscribed: this channel gets a digest %s (%s)", when, cmd.Sub.TZ)
		if cmd.Sub.Filter != "" {
			text += ", filtered by " + cmd.Sub.Filter
		}
		return Reply{Kind: KindMessage, Text: text + "."}, nil
	case cmd.Name == "unsubscribe":
		existed, err := b.Digests.Unsubscribe(ctx, ch)
		if err != nil {
			return Reply{}, fmt.Errorf("unsubscribe %s: %w", ch, err)
		}
		if !existed {
			return Reply{Kind: KindMessage, Text: "This channel had no digest subscription."}, nil
		}
		return Reply{Kind: KindMessage, Text: "Unsubscribed: no more digests here."}, nil
	case cmd.Digest == "preview":
		return b.Digests.Preview(ctx, ch)
	default:
		return b.Digests.PostNow(ctx, ch)
	}
}

// admin reports whether req's user may change what newsdesk does
// (subscriptions, feeds): anyone when no admins are configured.
func (b *Bot) admin(req Request) bool {
	return len(b.Admins) == 0 || b.Admins[req.Platform+":"+req.User]
}

func (b *Bot) feeds(ctx context.Context, req Request, cmd Command) (Reply, error) {
	if b.Feeds == nil {
		return Reply{}, &Refusal{"Feeds cannot be listed or changed on this newsdesk."}
	}
	if cmd.FeedsOp != "list" && !b.admin(req) {
		return Reply{}, &Refusal{"Sorry, only this newsdesk's admins can add or remove feeds. Ask an admin, or try: feeds list"}
	}
	switch cmd.FeedsOp {
	case "add":
		e, added, err := b.Feeds.Add(ctx, cmd.Target, req.Platform+":"+req.User)
		if err != nil {
			return Reply{}, fmt.Errorf("feeds add %s: %w", cmd.Target, err)
		}
		if !added {
			where := "already"
			if e.Origin == "config" {
				where = "already, in the config file"
			}
			return Reply{Kind: KindMessage, Text: fmt.Sprintf("%s is enabled %s.", feedLabel(e), where)}, nil
		}
		text := fmt.Sprintf("Enabled %s: newsdesk serve starts polling it within a minute (newsdesk feeds poll %s polls it once now).", feedLabel(e), feedName(e))
		if e.Verify {
			text += " Its address is marked verify in the catalog: check the first poll."
		}
		return Reply{Kind: KindMessage, Text: text}, nil
	case "remove":
		e, err := b.Feeds.Remove(ctx, cmd.Target)
		if err != nil {
			return Reply{}, fmt.Errorf("feeds remove %s: %w", cmd.Target, err)
		}
		return Reply{Kind: KindMessage, Text: fmt.Sprintf("Removed %s: newsdesk serve stops polling it within a minute; what it ingested stays.", feedLabel(e))}, nil
	}
	l, err := b.Feeds.List(ctx)
	if err != nil {
		return Reply{}, fmt.Errorf("feeds list: %w", err)
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "Enabled (%d):\n", len(l.Enabled))
	if len(l.Enabled) == 0 {
		sb.WriteString("none yet\n")
	}
	for _, e := range l.Enabled {
		sb.WriteString(feedLine(e))
		if e.Origin == "config" {
			sb.WriteString(" [config]")
		}
		sb.WriteByte('\n')
	}
	fmt.Fprintf(&sb, "Not enabled (%d):\n", len(l.Available))
	for _, e := range l.Available {
		sb.WriteString(feedLine(e))
		sb.WriteByte('\n')
	}
	return Reply{Kind: KindMessage, Title: fmt.Sprintf("Feeds: %d enabled, %d more in the catalog", len(l.Enabled), len(l.Available)), Text: strings.TrimSuffix(sb.String(), "\n"),
		Footer: "Add one: feeds add <name or feed URL>. (verify): an address to check before relying on it."}, nil
}

// feedLine is one feed in a listing: "ncsc-uk-news: NCSC news (GB, cyber-agency)".
func feedLine(e FeedEntry) string {
	if e.Name == "" {
		return e.URL + " (custom)"
	}
	line := fmt.Sprintf("%s: %s (%s, %s)", e.Name, e.Title, e.Country, e.Kind)
	if e.Verify {
		line += " (verify)"
	}
	return line
}

func feedLabel(e FeedEntry) string {
	if e.Name == "" {
		return e.URL
	}
	return e.Name + " — " + e.Title
}

func feedName(e FeedEntry) string {
	if e.Name == "" {
		return e.URL
	}
	return e.Name
}

func help(topic string) Reply {
	if topic != "" {
		return Reply{Kind: KindMessage, Title: "help " + topic, Text: usage[topic]}
	}
	var sb strings.Builder
	sb.WriteString("Ask about state cyber attributions: who accused whom, of what, and what they answered.\n")
	for _, c := range commandOrder {
		sb.WriteString(usage[c])
		sb.WriteByte('\n')
	}
	sb.WriteString("A line that starts with no command is a search: APT31 sanctions since:2024-01-01\n")
	sb.WriteString("Add --share to post the answer in the channel.")
	return Reply{Kind: KindMessage, Title: "newsdesk commands", Text: sb.String()}
}

func items(hits []news.Hit) []Item {
	its := make([]Item, 0, len(hits))
	for _, h := range hits {
		its = append(its, item(h))
	}
	return its
}

func item(h news.Hit) Item {
	it := Item{
		Date:       h.Published,
		ArticleID:  h.ArticleID,
		Title:      h.Title,
		URL:        h.Source.URL,
		SourceName: h.Source.Name,
		Text:       h.Snippet,
		Marks:      h.Marks,
	}
	if s := h.Statement; s != nil {
		it.Kind = s.Kind
		it.Speaker = s.Speaker
		it.SpeakerCountry = s.SpeakerCountry
		it.Accused = s.Accused
		it.Targets = s.Targets
		it.Confidence = s.Confidence
		it.EventDate = s.EventDate
		it.Text = s.Sentence
	}
	return it
}

// snippetChars is the length of an article hit's passage.
const snippetChars = 240

// expansions says which actors a search widened typed names to: "Violet
// Typhoon = APT31 (its other names count too)".
func expansions(es []Expansion) string {
	if len(es) == 0 {
		return ""
	}
	parts := make([]string, 0, len(es))
	for _, e := range es {
		parts = append(parts, e.Typed+" = "+e.Actor)
	}
	return strings.Join(parts, "; ") + " (its other names count too)"
}

func joinLines(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "\n" + b
}

// searchName quotes an actor's name for a search when it has a space.
func searchName(n string) string {
	if strings.ContainsAny(n, " \t") {
		return `"` + n + `"`
	}
	return n
}

// Snippet makes an article's passage read as an excerpt: at most n
// characters, cut at a word, with an ellipsis where it starts or ends
// inside a sentence. Marks are moved with the text (and dropped past the
// cut).
func Snippet(text string, marks [][2]int, n int) (string, [][2]int) {
	lead := len(text) - len(strings.TrimLeftFunc(text, unicode.IsSpace))
	text = strings.TrimSpace(text)
	if text == "" {
		return "", nil
	}
	var ms [][2]int
	for _, m := range marks {
		m = [2]int{m[0] - lead, m[1] - lead}
		if m[0] >= 0 && m[1] <= len(text) && m[0] < m[1] {
			ms = append(ms, m)
		}
	}
	cut := false
	if utf8.RuneCountInString(text) > n {
		end := len(text)
		for i := range text {
			if n == 0 {
				end = i
				break
			}
			n--
		}
		if sp := strings.LastIndexFunc(text[:end], unicode.IsSpace); sp > end/2 {
			end = sp
		}
		text = strings.TrimRightFunc(text[:end], func(r rune) bool { return unicode.IsSpace(r) || r == ',' || r == ';' || r == ':' })
		cut = true
		kept := ms[:0]
		for _, m := range ms {
			if m[1] <= len(text) {
				kept = append(kept, m)
			}
		}
		ms = kept
	}
	first, _ := utf8.DecodeRuneInString(text)
	if !unicode.IsUpper(first) && !unicode.IsDigit(first) && !strings.ContainsRune("\"“‘'(«…", first) {
		text = "…" + text
		for i := range ms {
			ms[i][0] += len("…")
			ms[i][1] += len("…")
		}
	}
	last, _ := utf8.DecodeLastRuneInString(text)
	if cut || !strings.ContainsRune(".!?\"”’)»…", last) {
		text += "…"
	}
	return text, ms
}

// watches is "1 watch", "3 watches".
func watches(n int) string {
	if n == 1 {
		return "1 watch"
	}
	return strconv.Itoa(n) + " watches"
}

func plural(n uint64) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// shorten cuts s to at most n bytes on a word boundary, adding "…".
func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := strings.LastIndexByte(s[:n], ' ')
	if cut < n/2 {
		cut = n
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
	}
	return strings.TrimSpace(s[:cut]) + "…"
}
