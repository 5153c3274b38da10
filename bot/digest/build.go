package digest

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/news"
)

// Unattributed heads the section of statements that accuse no one.
const Unattributed = "Unattributed"

// maxAlso is how many cut sections the footer names one by one (with a
// search each); the rest are counted together, so the footer stays one
// short line.
const maxAlso = 5

// BuildOptions shape a digest.
type BuildOptions struct {
	Max   int            // cap on statements shown (answers count); <= 0 means 20
	Loc   *time.Location // the subscription's zone, for dates in the text; nil is UTC
	Now   time.Time      // the slot's instant: the title's date
	Since time.Time      // the previous digest (or the subscription): "since …"
	// Notes are sentences added to the footer, after the "and N more" line
	// (e.g. statements a window had to leave out).
	Notes []string
}

// Build makes a digest from the window's statement hits (seq order, as the
// window returns them). Allegations, indictments and sanctions come first,
// grouped in one section per accused actor (the first accused; statements
// accusing no one go under Unattributed); a response goes under the
// statement it answers (Item.Answers): one in the same article, preferring
// one that accuses what the response names, else the latest one in the
// window that accuses an actor the response names. Responses answering
// nothing in the window follow in their actor's section, and sections made
// only of such responses come last. At most Max statements are shown
// (answers count), taken round robin: every section gets its next
// statement before any gets more. The footer names what was cut per
// section ("also: 12 on RU, 4 on IR") and offers the search for each. The
// title names the slot's local date and time.
func Build(hits []news.Hit, o BuildOptions) bot.Reply {
	r, _ := build(hits, o)
	return r
}

// shown is what a digest shows: the ids of its statements (each item, its
// answers and the other reports of their claims) and how many items it
// shows (answers count, as for BuildOptions.Max).
type shown struct {
	ids   []string
	items int
	total int // statements in the digest, shown or not (answers count)
}

func build(hits []news.Hit, o BuildOptions) (bot.Reply, shown) {
	var sh shown
	if o.Max <= 0 {
		o.Max = DefaultMax
	}
	loc := o.Loc
	if loc == nil {
		loc = time.UTC
	}
	r := bot.Reply{
		Kind:  bot.KindDigest,
		Title: "Digest for " + o.Now.In(loc).Format("Mon 2 Jan 2006, 15:04 MST"),
	}
	if len(hits) == 0 {
		r.Footer = footer("Nothing new since "+formatSince(o.Since, loc)+".", o.Notes)
		return r, sh
	}
	// a claim carried by several outlets is one statement with its sources
	claims := bot.MergeClaims(hits)
	hits = make([]news.Hit, len(claims))
	sources := make([][]bot.Report, len(claims))
	ids := make([][]string, len(claims))
	for i, c := range claims {
		hits[i], sources[i], ids[i] = c.Hit, c.Sources, c.IDs
	}

	type section struct {
		heading  string
		primary  []int // indexes into hits
		loose    []int // responses that answer nothing in the window
		count    int
		firstSeq uint64
	}
	var (
		sections  []*section
		byHeading = map[string]*section{}
		byArticle = map[string][]int{} // article id → primary statements
		byAccused = map[string][]int{} // actor → primary statements
		answers   = map[int][]int{}    // primary → its responses
	)
	sectionOf := func(h string, seq uint64) *section {
		s := byHeading[h]
		if s == nil {
			s = &section{heading: h, firstSeq: seq}
			byHeading[h] = s
			sections = append(sections, s)
		}
		return s
	}
	heading := func(st *news.Statement) string {
		if len(st.Accused) > 0 && st.Accused[0] != "" {
			return st.Accused[0]
		}
		return Unattributed
	}
	statements := 0
	for i := range hits {
		st := hits[i].Statement
		if st == nil || st.Kind == news.Response {
			continue
		}
		statements++
		s := sectionOf(heading(st), hits[i].Seq)
		s.primary = append(s.primary, i)
		s.count++
		byArticle[hits[i].ArticleID] = append(byArticle[hits[i].ArticleID], i)
		for _, a := range st.Accused {
			byAccused[a] = append(byAccused[a], i)
		}
	}
	for i := range hits {
		st := hits[i].Statement
		if st == nil || st.Kind != news.Response {
			continue
		}
		statements++
		if p, ok := answered(hits, i, byArticle[hits[i].ArticleID], byAccused); ok {
			answers[p] = append(answers[p], i)
			byHeading[heading(hits[p].Statement)].count++
			continue
		}
		s := sectionOf(heading(st), hits[i].Seq)
		s.loose = append(s.loose, i)
		s.count++
	}

	slices.SortStableFunc(sections, func(a, b *section) int {
		if (len(a.primary) > 0) != (len(b.primary) > 0) {
			if len(a.primary) > 0 {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(b.count, a.count), cmp.Compare(a.firstSeq, b.firstSeq), cmp.Compare(a.heading, b.heading))
	})

	// Round robin: every section gets its next statement before any
	// section gets more, so a busy day's largest section cannot crowd out
	// the others. A section's queue is each statement followed by its first
	// answer, then the further answers: one statement drawing a hundred
	// responses does not use up the cap either.
	type unit struct {
		primary int // index into hits
		answer  int // index into hits of an answer to primary; -1 for the statement itself
	}
	queues := make([][]unit, len(sections))
	for i, s := range sections {
		slices.SortStableFunc(s.primary, func(a, b int) int {
			return cmp.Compare(kindRank(hits[a].Statement.Kind), kindRank(hits[b].Statement.Kind))
		})
		var extra []unit
		for _, p := range s.primary {
			queues[i] = append(queues[i], unit{p, -1})
			for j, a := range answers[p] {
				if j == 0 {
					queues[i] = append(queues[i], unit{p, a})
				} else {
					extra = append(extra, unit{p, a})
				}
			}
		}
		for _, l := range s.loose {
			queues[i] = append(queues[i], unit{l, -1})
		}
		queues[i] = append(queues[i], extra...)
	}
	taken := make([][]bot.Item, len(sections))
	at := make([]map[int]int, len(sections)) // primary → its position in taken
	shownIn := make([]int, len(sections))
	shown := 0
	for round := 0; shown < o.Max; round++ {
		more := false
		for i := range sections {
			if round >= len(queues[i]) || shown >= o.Max {
				continue
			}
			more = true
			u := queues[i][round]
			if u.answer < 0 {
				if at[i] == nil {
					at[i] = map[int]int{}
				}
				at[i][u.primary] = len(taken[i])
				it := item(&hits[u.primary])
				it.Sources = sources[u.primary]
				taken[i] = append(taken[i], it)
			} else {
				it := &taken[i][at[i][u.primary]]
				ans := item(&hits[u.answer])
				ans.Sources = sources[u.answer]
				it.Answers = append(it.Answers, ans)
			}
			if u.answer < 0 {
				sh.ids = append(sh.ids, ids[u.primary]...)
			} else {
				sh.ids = append(sh.ids, ids[u.answer]...)
			}
			shown++
			shownIn[i]++
		}
		if !more {
			break
		}
	}
	type cutSection struct {
		heading string
		n       int
	}
	var cut []cutSection
	for i, s := range sections {
		if len(taken[i]) > 0 {
			r.Sections = append(r.Sections, bot.Section{Heading: s.heading, Items: taken[i]})
		}
		if n := s.count - shownIn[i]; n > 0 {
			cut = append(cut, cutSection{s.heading, n})
		}
	}
	r.Text = fmt.Sprintf("%d new statement%s since %s.", statements, plural(statements), formatSince(o.Since, loc))
	if len(cut) > 0 {
		slices.SortStableFunc(cut, func(a, b cutSection) int { return cmp.Compare(b.n, a.n) })
		var also, tries []string
		rest, restN := 0, 0
		for i, c := range cut {
			if i >= maxAlso {
				rest++
				restN += c.n
				continue
			}
			also = append(also, fmt.Sprintf("%d on %s", c.n, c.heading))
			try := "latest 50"
			if c.heading != Unattributed {
				try = "search actor:" + quoteFilter(c.heading)
			}
			if !slices.Contains(tries, try) {
				tries = append(tries, try)
			}
		}
		if rest > 0 {
			also = append(also, fmt.Sprintf("%d on %d more", restN, rest))
		}
		r.Footer = "also: " + strings.Join(also, ", ") + " — try: " + strings.Join(tries, " · ")
	}
	r.Footer = footer(r.Footer, o.Notes)
	sh.items, sh.total = shown, statements
	return r, sh
}

// footer joins the footer's first line and the notes. Adapters show a
// footer on one line, so the parts are joined with " · ".
func footer(first string, notes []string) string {
	parts := make([]string, 0, 1+len(notes))
	if first != "" {
		parts = append(parts, first)
	}
	for _, n := range notes {
		if n = strings.TrimSpace(n); n != "" {
			parts = append(parts, n)
		}
	}
	return strings.Join(parts, " · ")
}

// answered picks the primary statement that response i answers: in the
// same article (one accusing what the response names or its speaker's
// country, else the article's first), else the latest in the window that
// accuses an actor the response names.
func answered(hits []news.Hit, i int, sameArticle []int, byAccused map[string][]int) (int, bool) {
	r := hits[i].Statement
	if len(sameArticle) > 0 {
		for _, names := range [][]string{r.Accused, r.SpeakerCountry} {
			for _, p := range sameArticle {
				if overlaps(hits[p].Statement.Accused, names) {
					return p, true
				}
			}
		}
		return sameArticle[0], true
	}
	best, ok := -1, false
	for _, a := range r.Accused {
		if ps := byAccused[a]; len(ps) > 0 && ps[len(ps)-1] > best {
			best, ok = ps[len(ps)-1], true
		}
	}
	return best, ok
}

func overlaps(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

func kindRank(k news.Kind) int {
	if i := slices.Index(news.Kinds, k); i >= 0 {
		return i
	}
	return len(news.Kinds)
}

func item(h *news.Hit) bot.Item {
	st := h.Statement
	return bot.Item{
		Kind:           st.Kind,
		Speaker:        st.Speaker,
		SpeakerCountry: st.SpeakerCountry,
		Accused:        st.Accused,
		Targets:        st.Targets,
		Confidence:     st.Confidence,
		Date:           h.Published,
		EventDate:      st.EventDate,
		ArticleID:      h.ArticleID,
		Title:          h.Title,
		URL:            h.Source.URL,
		SourceName:     h.Source.Name,
		Text:           st.Sentence,
	}
}

func formatSince(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "the subscription"
	}
	return t.In(loc).Format("Mon 2 Jan 15:04 MST")
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// quoteFilter quotes an actor name for the command language when it has a
// space.
func quoteFilter(s string) string {
	for _, r := range s {
		if r == ' ' || r == '"' {
			return fmt.Sprintf("%q", s)
		}
	}
	return s
}
