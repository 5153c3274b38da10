package bot

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/newsdesk/newsdesk/internal/suggest"
	"github.com/newsdesk/newsdesk/news"
)

// Bounds on what a chat user may ask.
const (
	MaxQueryBytes = 512 // longer commands are refused
	MaxTerms      = 32  // free words and phrases in one query
	MaxFuzzy      = 3   // words marked fuzzy with a trailing ~
	MaxPage       = 50  // deepest page of results
	MaxLatest     = 20  // latest n
	PageSize      = 5   // hits per page in chat
	// MaxCount is how far a search counts its matches; beyond it the
	// reply says "at least" (a date-sorted search stops counting there).
	MaxCount = 1000
)

// Command is one parsed command.
type Command struct {
	Name  string     // search, show, latest, actor, trend, counts, digest, subscribe, unsubscribe, help
	Query news.Query // search, latest, trend, counts: the query with filters (Size/From set from Page)
	Page  int        // search: 1-based page
	Args  string     // search, latest: the filters and words as typed, for titles and paging hints
	// Expanded lists the actor names typed that the search widened to a
	// canonical actor and its aliases ("Violet Typhoon" → APT31).
	Expanded []Expansion
	ID       string       // show
	Actor    string       // actor
	Digest   string       // digest: "preview" or "now"
	Sub      Subscription // subscribe
	FeedsOp  string       // feeds: "list", "add" or "remove"
	Target   string       // feeds add|remove: a catalog name or a feed URL
	Topic    string       // help
	Share    bool         // --share: answer in the channel, not only to the asker
}

// ParseError is a user-facing parse error: one line naming the problem and
// showing the right form.
type ParseError struct {
	Problem string
	Usage   string
}

func (e *ParseError) Error() string {
	if e.Usage == "" {
		return e.Problem
	}
	return e.Problem + ". Try: " + e.Usage
}

func perr(usage, format string, args ...any) *ParseError {
	return &ParseError{Problem: fmt.Sprintf(format, args...), Usage: usage}
}

// usage lines, one per command; help shows them too.
var usage = map[string]string{
	"search":      `search <words> [actor:APT31] [by:GB] [kind:allegation|indictment|sanction|response|other] [target:"…"] [since:2024-03-01] [until:2024-03-31] [sort:date|score] [page:2]`,
	"show":        "show <article id>",
	"latest":      "latest [n] [kind:allegation] [actor:APT31] [by:US]",
	"actor":       "actor <name>   e.g. actor Violet Typhoon",
	"trend":       "trend [actor:APT31] [by:US] [kind:sanction] [since:2020-01-01] [until:2024-12-31] [words]   a chart of statements over time",
	"counts":      "counts [actor:APT31] [by:US] [kind:sanction] [since:2020-01-01] [until:2024-12-31] [words]   statements per kind, accuser and accused",
	"digest":      "digest preview | digest now",
	"subscribe":   `subscribe [at 08:00] [tz Europe/London] [cron "0 8 * * 1-5"] [quiet:skip|note] [max:20] [<filters>]`,
	"unsubscribe": "unsubscribe",
	"feeds":       "feeds list | feeds add <name or feed URL> | feeds remove <name or feed URL>",
	"watch":       "watch <filters>   e.g. watch actor:APT31, watch kind:response by:CN: new statements posted here within a minute",
	"unwatch":     "unwatch [<filters>]   (no filters: every watch of this channel)",
	"watches":     "watches",
	"help":        "help [command]",
}

var commandOrder = []string{"search", "show", "latest", "actor", "trend", "counts", "digest", "subscribe", "unsubscribe", "watch", "unwatch", "watches", "feeds", "help"}

// token is one lexical unit: a bare word, a "quoted phrase", or key:value.
type token struct {
	key    string // lower-case key for key:value tokens
	val    string
	quoted bool
}

func isQuote(r rune) bool {
	return r == '"' || r == '“' || r == '”' || r == '„' || r == '«' || r == '»'
}

// lex splits s into tokens. Curly quotes (which Slack and phones insert)
// count as straight ones.
func lex(s string) ([]token, error) {
	var toks []token
	rs := []rune(s)
	i := 0
	readQuoted := func() (string, error) {
		i++ // opening quote
		start := i
		for i < len(rs) && !isQuote(rs[i]) {
			i++
		}
		if i >= len(rs) {
			return "", perr("", "unbalanced quote: a \" has no closing \"")
		}
		v := string(rs[start:i])
		i++
		return v, nil
	}
	for i < len(rs) {
		r := rs[i]
		switch {
		case unicode.IsSpace(r):
			i++
		case isQuote(r):
			v, err := readQuoted()
			if err != nil {
				return nil, err
			}
			if strings.TrimSpace(v) != "" {
				toks = append(toks, token{val: strings.TrimSpace(v), quoted: true})
			}
		default:
			start := i
			for i < len(rs) && !unicode.IsSpace(rs[i]) && rs[i] != ':' && !isQuote(rs[i]) {
				i++
			}
			word := string(rs[start:i])
			if i < len(rs) && rs[i] == ':' && word != "" && isKey(word) {
				i++ // colon
				if i < len(rs) && isQuote(rs[i]) {
					v, err := readQuoted()
					if err != nil {
						return nil, err
					}
					toks = append(toks, token{key: strings.ToLower(word), val: strings.TrimSpace(v), quoted: true})
					continue
				}
				vs := i
				for i < len(rs) && !unicode.IsSpace(rs[i]) {
					if isQuote(rs[i]) {
						return nil, perr("", "unbalanced quote in %s:", word)
					}
					i++
				}
				toks = append(toks, token{key: strings.ToLower(word), val: string(rs[vs:i])})
				continue
			}
			// a word with a colon inside that is not a key (a URL, a time): keep it whole
			for i < len(rs) && !unicode.IsSpace(rs[i]) && !isQuote(rs[i]) {
				i++
			}
			toks = append(toks, token{val: string(rs[start:i])})
		}
	}
	return toks, nil
}

func isKey(w string) bool {
	for _, r := range w {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return len(w) >= 2 && len(w) <= 12
}

// Parse parses one command. A line that does not start with a command word
// is a search. Errors are *ParseError values whose text can be shown to the
// user as is.
func Parse(line string, actors Actors) (Command, error) {
	if !utf8.ValidString(line) {
		return Command{}, perr("", "the command is not valid UTF-8")
	}
	if len(line) > MaxQueryBytes {
		return Command{}, perr("", "the command is too long (%d bytes; the limit is %d)", len(line), MaxQueryBytes)
	}
	toks, err := lex(line)
	if err != nil {
		return Command{}, err
	}
	var cmd Command
	// --share anywhere; other --flags are refused.
	kept := toks[:0]
	for _, t := range toks {
		if t.key == "" && !t.quoted && strings.HasPrefix(t.val, "--") {
			if strings.EqualFold(t.val, "--share") {
				cmd.Share = true
				continue
			}
			return Command{}, perr("", "unknown option %q (the only option is --share)", t.val)
		}
		kept = append(kept, t)
	}
	toks = kept
	if len(toks) == 0 {
		return Command{Name: "help"}, nil
	}
	name := ""
	if first := toks[0]; first.key == "" && !first.quoted {
		name = strings.ToLower(first.val)
		if _, ok := usage[name]; ok {
			toks = toks[1:]
		} else {
			if s := nearCommand(name); s != "" {
				if _, isActor := lookup(actors, first.val); !isActor {
					return Command{}, perr(usage[s], "unknown command %q: did you mean %q? (to search for the word, type: search %s)", first.val, s, line)
				}
			}
			name = "search"
		}
	} else {
		name = "search"
	}
	cmd.Name = name
	switch name {
	case "search":
		cmd.Page = 1
		q, page, expanded, err := parseQueryExpanding(toks, actors, true)
		if err != nil {
			return Command{}, err
		}
		cmd.Expanded = expanded
		if q.Text == "" && len(q.FuzzyTerms) == 0 && len(q.Mentions) == 0 && len(q.Actors) == 0 && len(q.By) == 0 && len(q.Kinds) == 0 && len(q.Targets) == 0 && q.Since.IsZero() && q.Until.IsZero() {
			return Command{}, perr(usage["search"], "search needs words or a filter")
		}
		if page > 0 {
			cmd.Page = page
		}
		if q.SortBy == "" && q.Text == "" && len(q.FuzzyTerms) == 0 {
			// Actor names and filters only: no word ranks one statement
			// above another, so the newest come first, as in `actor`.
			q.SortBy = "date"
		}
		q.Size = PageSize
		q.From = (cmd.Page - 1) * PageSize
		q.TotalUpTo = MaxCount
		cmd.Query = q
		cmd.Args = argsString(toks)
	case "show":
		if len(toks) != 1 || toks[0].key != "" {
			return Command{}, perr(usage["show"], "show takes one article id")
		}
		cmd.ID = toks[0].val
	case "latest":
		n := PageSize
		if len(toks) > 0 && toks[0].key == "" && !toks[0].quoted {
			v, err := strconv.Atoi(toks[0].val)
			if err != nil || v < 1 || v > MaxLatest {
				return Command{}, perr(usage["latest"], "latest takes a number from 1 to %d, not %q", MaxLatest, toks[0].val)
			}
			n = v
			toks = toks[1:]
		}
		q, _, expanded, err := parseQueryExpanding(toks, actors, false)
		if err != nil {
			return Command{}, err
		}
		q.SortBy = "date"
		q.Size = n
		q.TotalUpTo = 1 // latest shows no count
		cmd.Query = q
		cmd.Args = argsString(toks)
		cmd.Expanded = expanded
	case "trend", "counts":
		q, _, expanded, err := parseQueryExpanding(toks, actors, false)
		if err != nil {
			return Command{}, err
		}
		cmd.Query = q
		cmd.Args = argsString(toks)
		cmd.Expanded = expanded
	case "actor":
		var parts []string
		for _, t := range toks {
			if t.key != "" {
				parts = append(parts, t.key+":"+t.val)
			} else {
				parts = append(parts, t.val)
			}
		}
		cmd.Actor = strings.Join(parts, " ")
		if cmd.Actor == "" {
			return Command{}, perr(usage["actor"], "actor needs a name")
		}
	case "digest":
		if len(toks) != 1 || toks[0].key != "" || (!strings.EqualFold(toks[0].val, "preview") && !strings.EqualFold(toks[0].val, "now")) {
			return Command{}, perr(usage["digest"], "digest takes preview or now")
		}
		cmd.Digest = strings.ToLower(toks[0].val)
	case "subscribe":
		sub, err := parseSubscribe(toks, actors)
		if err != nil {
			return Command{}, err
		}
		cmd.Sub = sub
	case "unsubscribe":
		if len(toks) != 0 {
			return Command{}, perr(usage["unsubscribe"], "unsubscribe takes no arguments")
		}
	case "watch", "unwatch":
		if len(toks) > 0 {
			if _, _, _, err := parseQueryExpanding(toks, actors, false); err != nil {
				return Command{}, err
			}
		}
		cmd.Args = argsString(toks)
		if name == "watch" && cmd.Args == "" {
			return Command{}, perr(usage["watch"], "watch needs filters or words")
		}
	case "watches":
		if len(toks) != 0 {
			return Command{}, perr(usage["watches"], "watches takes no arguments")
		}
	case "feeds":
		cmd.FeedsOp = "list"
		if len(toks) > 0 {
			if toks[0].key != "" || toks[0].quoted {
				return Command{}, perr(usage["feeds"], "feeds takes list, add or remove")
			}
			cmd.FeedsOp = strings.ToLower(toks[0].val)
			toks = toks[1:]
		}
		switch cmd.FeedsOp {
		case "list":
			if len(toks) != 0 {
				return Command{}, perr(usage["feeds"], "feeds list takes no arguments")
			}
		case "add", "remove":
			if len(toks) != 1 {
				return Command{}, perr(usage["feeds"], "feeds %s takes one catalog name or feed URL", cmd.FeedsOp)
			}
			// a URL lexes as key:value ("https" : "//…")
			cmd.Target = toks[0].val
			if toks[0].key != "" {
				cmd.Target = toks[0].key + ":" + toks[0].val
			}
			cmd.Target = strings.Trim(cmd.Target, "<>") // Slack wraps links in <…>
		default:
			return Command{}, perr(usage["feeds"], "feeds takes list, add or remove, not %q", cmd.FeedsOp)
		}
	case "help":
		if len(toks) > 0 {
			cmd.Topic = strings.ToLower(toks[0].val)
			if _, ok := usage[cmd.Topic]; !ok {
				return Command{}, perr(usage["help"], "no help for %q; the commands are %s", toks[0].val, strings.Join(commandOrder, ", "))
			}
		}
	}
	return cmd, nil
}

// ParseFilters parses search filters and words (as in a subscription) into
// a query, without paging. An empty string is an empty query.
func ParseFilters(text string, actors Actors) (news.Query, error) {
	if len(text) > MaxQueryBytes {
		return news.Query{}, perr("", "the filter is too long (%d bytes; the limit is %d)", len(text), MaxQueryBytes)
	}
	toks, err := lex(text)
	if err != nil {
		return news.Query{}, err
	}
	q, _, err := parseQuery(toks, actors, false)
	return q, err
}

func argsString(toks []token) string {
	var parts []string
	for _, t := range toks {
		if t.key == "page" {
			continue
		}
		v := t.val
		if t.quoted {
			v = `"` + v + `"`
		}
		if t.key != "" {
			v = t.key + ":" + v
		}
		parts = append(parts, v)
	}
	return strings.Join(parts, " ")
}

// parseQuery turns tokens into a query. paging allows page: and sort:.
func parseQuery(toks []token, actors Actors, paging bool) (news.Query, int, error) {
	q, page, _, err := parseQueryExpanding(toks, actors, paging)
	return q, page, err
}

// Expansion is an actor name as typed and the gazetteer's canonical name
// it stands for, when they differ ("Violet Typhoon" → "APT31").
type Expansion struct {
	Typed string
	Actor string
}

func appendExpansion(es []Expansion, typed, actor string) []Expansion {
	if strings.EqualFold(strings.TrimSpace(typed), actor) {
		return es
	}
	for _, e := range es {
		if e.Actor == actor && strings.EqualFold(e.Typed, typed) {
			return es
		}
	}
	return append(es, Expansion{Typed: strings.TrimSpace(typed), Actor: actor})
}

// parseQueryExpanding is parseQuery that also says which typed names it
// expanded to which actors.
func parseQueryExpanding(toks []token, actors Actors, paging bool) (news.Query, int, []Expansion, error) {
	var q news.Query
	var expanded []Expansion
	var words []string // free words, phrases quoted
	var bare []string  // consecutive bare words, for actor-name detection
	page := 0
	fuzzy := 0
	flush := func() error {
		if len(bare) == 0 {
			return nil
		}
		text := strings.Join(bare, " ")
		bare = bare[:0]
		pos := 0
		if actors != nil {
			for _, m := range actors.Find(text) {
				words = append(words, strings.Fields(text[pos:m.Start])...)
				q.Mentions = appendMention(q.Mentions, m.Actor)
				expanded = appendExpansion(expanded, m.Text, m.Actor.Name)
				pos = m.End
			}
		}
		words = append(words, strings.Fields(text[pos:])...)
		return nil
	}
	for _, t := range toks {
		if t.key == "" {
			if t.quoted {
				if err := flush(); err != nil {
					return q, 0, nil, err
				}
				if a, ok := lookup(actors, t.val); ok {
					q.Mentions = appendMention(q.Mentions, a)
					expanded = appendExpansion(expanded, t.val, a.Name)
					continue
				}
				if err := checkWord(t.val); err != nil {
					return q, 0, nil, err
				}
				words = append(words, `"`+t.val+`"`)
				continue
			}
			w := strings.TrimRight(t.val, "?!.,;")
			if w == "" {
				continue
			}
			if err := checkWord(w); err != nil {
				return q, 0, nil, err
			}
			if word, dist, ok, err := fuzzyWord(w); err != nil {
				return q, 0, nil, err
			} else if ok {
				fuzzy++
				if fuzzy > MaxFuzzy {
					return q, 0, nil, perr("search Dowden~ sanctons~2", "too many fuzzy words: at most %d words marked ~ (word~ or word~2) in one search", MaxFuzzy)
				}
				if word == "" {
					continue
				}
				if err := flush(); err != nil {
					return q, 0, nil, err
				}
				q.FuzzyTerms = append(q.FuzzyTerms, news.FuzzyTerm{Word: word, Distance: dist})
				continue
			}
			bare = append(bare, w)
			continue
		}
		if err := flush(); err != nil {
			return q, 0, nil, err
		}
		v := t.val
		if v == "" {
			return q, 0, nil, perr(usage["search"], "%s: needs a value", t.key)
		}
		switch t.key {
		case "actor":
			if a, ok := lookup(actors, v); ok {
				q.Actors = appendUniq(q.Actors, a.Name)
				expanded = appendExpansion(expanded, v, a.Name)
			} else if c, ok := news.CountryCode(v); ok {
				q.Actors = appendUniq(q.Actors, c)
			} else {
				q.Actors = appendUniq(q.Actors, v)
			}
		case "by":
			c, ok := news.CountryCode(v)
			if !ok {
				return q, 0, nil, perr(`by:GB (a country code or name: by:US, by:"New Zealand", by:EU)`, "by: %q is not a country I know", v)
			}
			q.By = appendUniq(q.By, c)
		case "kind":
			k := news.Kind(strings.TrimSuffix(strings.ToLower(v), "s"))
			if !k.Valid() {
				return q, 0, nil, perr("kind:allegation (or indictment, sanction, response, other)", "kind: %q is not a statement kind", v)
			}
			if !contains(q.Kinds, k) {
				q.Kinds = append(q.Kinds, k)
			}
		case "target":
			q.Targets = appendUniq(q.Targets, v)
		case "since", "until":
			d, err := parseDate(v)
			if err != nil {
				return q, 0, nil, perr(t.key+":YYYY-MM-DD, e.g. "+t.key+":2024-03-01", "%s: %q is not a date", t.key, v)
			}
			if t.key == "since" {
				q.Since = d
			} else {
				q.Until = d.AddDate(0, 0, 1) // until is inclusive of its day
			}
		case "page":
			if !paging {
				return q, 0, nil, perr("", "page: only applies to search")
			}
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > MaxPage {
				return q, 0, nil, perr("page:2", "page: takes a number from 1 to %d, not %q", MaxPage, v)
			}
			page = n
		case "sort":
			switch strings.ToLower(v) {
			case "date", "newest":
				q.SortBy = "date"
			case "score", "relevance":
				q.SortBy = "score"
			default:
				return q, 0, nil, perr("sort:date or sort:score", "sort: %q is not an order", v)
			}
		default:
			return q, 0, nil, perr(usage["search"], "unknown filter %q", t.key+":")
		}
	}
	if err := flush(); err != nil {
		return q, 0, nil, err
	}
	if len(words)+len(q.Mentions) > MaxTerms {
		return q, 0, nil, perr("", "too many words (%d; the limit is %d)", len(words)+len(q.Mentions), MaxTerms)
	}
	if !q.Since.IsZero() && !q.Until.IsZero() && !q.Since.Before(q.Until) {
		return q, 0, nil, perr("since:2024-03-01 until:2024-03-31", "since: must come before until:")
	}
	q.Text = strings.Join(words, " ")
	return q, page, expanded, nil
}

// fuzzyWord reads word~ and word~N: a word that may be off by N edits (1
// when N is left out; 1 or 2).
func fuzzyWord(w string) (word string, dist int, ok bool, err error) {
	i := strings.LastIndexByte(w, '~')
	if i < 0 {
		return "", 0, false, nil
	}
	word, n := w[:i], w[i+1:]
	if n == "" {
		return word, 1, true, nil
	}
	for _, r := range n {
		if r < '0' || r > '9' {
			return "", 0, false, nil // a ~ inside a word: an ordinary word
		}
	}
	d, _ := strconv.Atoi(n)
	if d < 1 || d > 2 {
		return "", 0, false, perr(word+"~1 or "+word+"~2", "%s: the number after ~ is the edit distance, 1 or 2, not %s", w, n)
	}
	return word, d, true, nil
}

// checkWord refuses the query syntax that is expensive or surprising from
// chat: regular expressions and wildcards.
func checkWord(w string) error {
	if len(w) >= 2 && strings.HasPrefix(w, "/") && strings.HasSuffix(w, "/") {
		return perr("search <words>", "regular expressions are not supported")
	}
	if strings.ContainsAny(w, "*?") {
		return perr("search <words> (stemming already finds sanction, sanctions, sanctioned)", "wildcards (* and ?) are not supported")
	}
	return nil
}

func parseDate(v string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02", "2006-01", "2006"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("not a date: %q", v)
}

var hhmm = func(v string) bool {
	t, err := time.Parse("15:04", v)
	return err == nil && t.Format("15:04") == v
}

func parseSubscribe(toks []token, actors Actors) (Subscription, error) {
	u := usage["subscribe"]
	var sub Subscription
	var rest []token
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch {
		case t.key == "" && !t.quoted && (strings.EqualFold(t.val, "at") || strings.EqualFold(t.val, "tz") || strings.EqualFold(t.val, "cron")):
			if i+1 >= len(toks) || toks[i+1].key != "" {
				return sub, perr(u, "%s needs a value", strings.ToLower(t.val))
			}
			v := toks[i+1].val
			i++
			switch strings.ToLower(t.val) {
			case "at":
				if len(v) == 4 && v[1] == ':' {
					v = "0" + v
				}
				if !hhmm(v) {
					return sub, perr("subscribe at 08:00", "at: %q is not a time of day (HH:MM, 24-hour)", v)
				}
				sub.At = v
			case "tz":
				if _, err := time.LoadLocation(v); err != nil || v == "" || strings.EqualFold(v, "local") {
					return sub, perr("subscribe at 08:00 tz Europe/London", "tz: %q is not an IANA time zone (Area/City)", v)
				}
				sub.TZ = v
			case "cron":
				if len(strings.Fields(v)) != 5 {
					return sub, perr(`subscribe cron "0 8 * * 1-5"`, "cron: %q needs five fields (minute hour day month weekday)", v)
				}
				sub.Cron = v
			}
		case t.key == "quiet":
			v := strings.ToLower(t.val)
			if v != "skip" && v != "note" {
				return sub, perr("quiet:skip or quiet:note", "quiet: %q must be skip or note", t.val)
			}
			sub.Quiet = v
		case t.key == "max":
			n, err := strconv.Atoi(t.val)
			if err != nil || n < 1 || n > 200 {
				return sub, perr("max:20", "max: takes a number from 1 to 200, not %q", t.val)
			}
			sub.Max = n
		default:
			rest = append(rest, t)
		}
	}
	if sub.At != "" && sub.Cron != "" {
		return sub, perr(u, "give either at HH:MM or cron \"…\", not both")
	}
	if sub.At == "" && sub.Cron == "" {
		sub.At = "08:00"
	}
	if sub.TZ == "" {
		sub.TZ = "UTC"
	}
	for _, t := range rest {
		if t.key == "page" || t.key == "sort" || t.key == "since" || t.key == "until" {
			return sub, perr(u, "%s: does not apply to a digest (it covers what is new since the last one)", t.key)
		}
	}
	sub.Filter = argsString(rest)
	if _, _, err := parseQuery(rest, actors, false); err != nil {
		return sub, err
	}
	return sub, nil
}

func lookup(actors Actors, name string) (news.Actor, bool) {
	if actors == nil || len(name) < 3 {
		return news.Actor{}, false
	}
	return actors.Lookup(name)
}

func appendMention(ms [][]string, a news.Actor) [][]string {
	for _, m := range ms {
		if m[0] == a.Name {
			return ms
		}
	}
	return append(ms, append([]string{a.Name}, a.Aliases...))
}

func appendUniq(s []string, v string) []string {
	if contains(s, v) {
		return s
	}
	return append(s, v)
}

func contains[T comparable](s []T, v T) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// nearCommand returns the command name within edit distance 2 of w (w at
// least 4 letters), or "".
func nearCommand(w string) string {
	if len(w) < 4 {
		return ""
	}
	return suggest.Closest(w, commandOrder, 2)
}
