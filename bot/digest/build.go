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
// only of such responses come last. At most Max statements are shown; the
// footer says how many more there are and how to find them.
func Build(hits []news.Hit, o BuildOptions) bot.Reply {
	if o.Max <= 0 {
		o.Max = DefaultMax
	}
	loc := o.Loc
	if loc == nil {
		loc = time.UTC
	}
	r := bot.Reply{
		Kind:  bot.KindDigest,
		Title: "Digest for " + o.Now.In(loc).Format("Mon 2 Jan 2006"),
	}
	if len(hits) == 0 {
		r.Footer = footer("Nothing new since "+formatSince(o.Since, loc)+".", o.Notes)
		return r
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

	shown := 0
	var firstHidden string
	for _, s := range sections {
		slices.SortStableFunc(s.primary, func(a, b int) int {
			return cmp.Compare(kindRank(hits[a].Statement.Kind), kindRank(hits[b].Statement.Kind))
		})
		sec := bot.Section{Heading: s.heading}
		take := func() bool {
			if shown >= o.Max {
				if firstHidden == "" {
					firstHidden = s.heading
				}
				return false
			}
			shown++
			return true
		}
		for _, p := range s.primary {
			if !take() {
				break
			}
			it := item(&hits[p])
			for _, a := range answers[p] {
				if !take() {
					break
				}
				it.Answers = append(it.Answers, item(&hits[a]))
			}
			sec.Items = append(sec.Items, it)
		}
		for _, l := range s.loose {
			if !take() {
				break
			}
			sec.Items = append(sec.Items, item(&hits[l]))
		}
		if len(sec.Items) > 0 {
			r.Sections = append(r.Sections, sec)
		}
	}
	r.Text = fmt.Sprintf("%d new statement%s since %s.", statements, plural(statements), formatSince(o.Since, loc))
	if more := statements - shown; more > 0 {
		hint := "latest 50"
		if firstHidden != "" && firstHidden != Unattributed {
			hint = "search actor:" + quoteFilter(firstHidden)
		}
		r.Footer = fmt.Sprintf("and %d more — try: %s", more, hint)
	}
	r.Footer = footer(r.Footer, o.Notes)
	return r
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
