package bot

import (
	"strings"
	"time"
)

// Group is the items of one section that come from one article: every
// front shows the article's header (headline, outlet, date, link, show id)
// once and lists the statements under it.
type Group struct {
	ArticleID  string
	Title      string
	URL        string
	SourceName string
	Date       time.Time
	Items      []Item
}

// HasHeader reports whether the group names an article (an item without
// article fields, such as a bare statement in a test, has none).
func (g Group) HasHeader() bool {
	return g.ArticleID != "" || g.Title != "" || g.URL != ""
}

// Groups returns the section's items grouped by article, each group where
// its article's first item stood and its items in their order: a ranked
// page keeps its best article first.
func (s Section) Groups() []Group {
	var out []Group
	at := map[string]int{}
	for _, it := range s.Items {
		key := it.ArticleID
		if key == "" {
			key = "\x00" + it.Title + "\x00" + it.URL
		}
		if i, ok := at[key]; ok {
			out[i].Items = append(out[i].Items, it)
			continue
		}
		at[key] = len(out)
		out = append(out, Group{ArticleID: it.ArticleID, Title: it.Title, URL: it.URL, SourceName: it.SourceName, Date: it.Date, Items: []Item{it}})
	}
	return out
}

// SameArticle reports whether an answer comes from the article of the item
// it answers (then a front need not link it again).
func SameArticle(it, ans Item) bool {
	if it.ArticleID != "" || ans.ArticleID != "" {
		return it.ArticleID == ans.ArticleID
	}
	return it.URL == ans.URL && it.Title == ans.Title
}

// NormaliseQuotes prepares a sentence for display inside quotation marks:
// the double quotes within it (straight or curly) become single curly ones,
// opening or closing by position, so that “…were ‘completely baseless’.”
// never nests "…"…"". Marks (byte ranges of text) are moved with the
// characters they cover; the result's marks index the result.
func NormaliseQuotes(text string, marks [][2]int) (string, [][2]int) {
	if !strings.ContainsAny(text, "\"“”„") {
		return text, marks
	}
	var b strings.Builder
	b.Grow(len(text) + 8)
	shift := make([]int, len(text)+1) // new offset of each old byte offset
	prev := ' '
	for i, r := range text {
		shift[i] = b.Len()
		switch r {
		case '"', '“', '”', '„':
			// A straight quote opens after a space or an opening bracket
			// (or at the start) and closes otherwise.
			opening := r == '“' || r == '„' || (r == '"' && isOpenContext(prev))
			if opening {
				b.WriteRune('‘')
			} else {
				b.WriteRune('’')
			}
		default:
			b.WriteRune(r)
		}
		prev = r
	}
	// Bytes inside a rune map to that rune's start.
	last := 0
	for i := range shift[:len(text)] {
		if i > 0 && shift[i] == 0 {
			shift[i] = last
		}
		last = shift[i]
	}
	shift[len(text)] = b.Len()
	var ms [][2]int
	for _, m := range marks {
		if m[0] < 0 || m[1] > len(text) || m[0] >= m[1] {
			continue
		}
		ms = append(ms, [2]int{shift[m[0]], shift[m[1]]})
	}
	return b.String(), ms
}

func isOpenContext(r rune) bool {
	return r == ' ' || r == '(' || r == '[' || r == '\n' || r == '\t' || r == '—' || r == '–'
}
