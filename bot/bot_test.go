package bot_test

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/bot/digest"
	"github.com/newsdesk/newsdesk/index"
	"github.com/newsdesk/newsdesk/internal/testenv"
	"github.com/newsdesk/newsdesk/news"
	"github.com/newsdesk/newsdesk/state"
)

func ask(t *testing.T, b *bot.Bot, text string) bot.Reply {
	t.Helper()
	return b.Handle(context.Background(), bot.Request{Platform: "console", Channel: "local", User: "u1", Text: text})
}

func hits(r bot.Reply) []bot.Item {
	var its []bot.Item
	for _, s := range r.Sections {
		its = append(its, s.Items...)
	}
	return its
}

const seedTitle = "On March 25, US, UK and New Zealand officials accused China"

func TestSearchAPT31FindsSeedStatementsFirst(t *testing.T) {
	b := testenv.Shared(t).Bot
	for _, q := range []string{"search APT31", "search Violet Typhoon", "search zirconium", "APT31"} {
		t.Run(q, func(t *testing.T) {
			r := ask(t, b, q)
			its := hits(r)
			if r.Kind != bot.KindResults || len(its) == 0 {
				t.Fatalf("reply %v %q, no hits", r.Kind, r.Text)
			}
			first := its[0]
			if !strings.HasPrefix(first.Title, seedTitle) {
				t.Errorf("first hit from %q, want the seed article", first.Title)
			}
			if !slices.Contains(first.Accused, "APT31") && !strings.Contains(first.Text, "APT31") {
				t.Errorf("first hit is not about APT31: %+v", first)
			}
		})
	}
}

func TestSearchResponseFindsEmbassy(t *testing.T) {
	r := ask(t, testenv.Shared(t).Bot, "search kind:response embassy")
	its := hits(r)
	if len(its) == 0 {
		t.Fatalf("no hits: %q", r.Text)
	}
	found := false
	for _, it := range its {
		if it.Kind != news.Response {
			t.Errorf("hit of kind %q in a kind:response search", it.Kind)
		}
		if strings.Contains(it.Text, "completely baseless and malicious slander") {
			found = true
		}
	}
	if !found {
		t.Errorf("the Chinese embassy's answer is not among %d hits", len(its))
	}
}

func TestSearchFutureIsEmptyNotError(t *testing.T) {
	r := ask(t, testenv.Shared(t).Bot, "search since:2030-01-01 APT31")
	if r.Kind != bot.KindResults || len(hits(r)) != 0 || !strings.Contains(r.Title, "0 statements") {
		t.Errorf("reply %v %q %q", r.Kind, r.Title, r.Text)
	}
}

func TestErrorsAreOneLine(t *testing.T) {
	b := testenv.Shared(t).Bot
	for _, q := range []string{"search since:soon APT31", "search /.*/", "show nosuchid", "actor Nobody Atall", "digest now"} {
		r := ask(t, b, q)
		if r.Kind != bot.KindError || r.Text == "" || strings.Contains(r.Text, "\n") {
			t.Errorf("%q: reply %v %q, want a one-line error", q, r.Kind, r.Text)
		}
	}
}

func TestShowAndPaging(t *testing.T) {
	b := testenv.Shared(t).Bot
	r := ask(t, b, "search APT31")
	id := hits(r)[0].ArticleID
	s := ask(t, b, "show "+id)
	if s.Kind != bot.KindArticle || !strings.HasPrefix(s.Title, seedTitle) || len(hits(s)) < 5 {
		t.Fatalf("show: %v %q with %d statements", s.Kind, s.Title, len(hits(s)))
	}
	if r.Pages > 1 {
		if r.Next != "search APT31 page:2" {
			t.Errorf("next = %q", r.Next)
		}
		p2 := ask(t, b, r.Next)
		if len(hits(p2)) == 0 || hits(p2)[0].Text == hits(r)[0].Text {
			t.Errorf("page 2 repeats page 1 or is empty")
		}
	}
}

func TestActorProfile(t *testing.T) {
	r := ask(t, testenv.Shared(t).Bot, "actor Violet Typhoon")
	if r.Kind != bot.KindActor || r.Title != "APT31" {
		t.Fatalf("actor reply %v %q", r.Kind, r.Title)
	}
	var aliases, sponsor string
	for _, f := range r.Fields {
		switch f.Label {
		case "Also known as":
			aliases = f.Value
		case "Suspected sponsor":
			sponsor = f.Value
		}
	}
	if !strings.Contains(aliases, "ZIRCONIUM") || sponsor != "CN" {
		t.Errorf("aliases %q sponsor %q", aliases, sponsor)
	}
	if len(hits(r)) == 0 {
		t.Errorf("no timeline")
	}
}

func TestLatestNewestFirst(t *testing.T) {
	r := ask(t, testenv.Shared(t).Bot, "latest 5")
	its := hits(r)
	if len(its) != 5 {
		t.Fatalf("latest 5 gave %d", len(its))
	}
	for i := 1; i < len(its); i++ {
		if its[i].Date.After(its[i-1].Date) {
			t.Errorf("not newest first at %d: %v after %v", i, its[i].Date, its[i-1].Date)
		}
	}
}

// discard is a digest poster that keeps what it is given; only the
// refusal path is under test here.
type discard struct{ n int }

func (d *discard) Post(context.Context, string, bot.Reply, string) (string, error) {
	d.n++
	return "m", nil
}
func (d *discard) FindSlot(context.Context, string, string) (string, bool, error) {
	return "", false, nil
}

func TestSubscribeNeedsAdmin(t *testing.T) {
	env := testenv.New(t)
	st, err := state.Open(filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p := &discard{}
	svc, err := digest.New(digest.Config{Store: st, Source: env.Index, Posters: map[string]digest.Poster{"console": p}})
	if err != nil {
		t.Fatal(err)
	}
	b := env.Bot
	b.Digests = svc
	b.Admins = map[string]bool{"console:boss": true}
	r := b.Handle(context.Background(), bot.Request{Platform: "console", Channel: "c", User: "intern", Text: "subscribe at 09:00"})
	if r.Kind != bot.KindError || !strings.Contains(r.Text, "only this newsdesk's admins") {
		t.Errorf("non-admin subscribe: %v %q", r.Kind, r.Text)
	}
	if subs, _ := st.Subscriptions(context.Background()); len(subs) != 0 {
		t.Errorf("a refused subscribe was stored: %v", subs)
	}
	r = b.Handle(context.Background(), bot.Request{Platform: "console", Channel: "c", User: "boss", Text: "subscribe at 09:00 tz Europe/London"})
	if r.Kind == bot.KindError {
		t.Fatalf("admin subscribe refused: %q", r.Text)
	}
	if subs, _ := st.Subscriptions(context.Background()); len(subs) != 1 {
		t.Errorf("admin subscribe not stored: %v", subs)
	}
	// preview is open to everyone
	if r := b.Handle(context.Background(), bot.Request{Platform: "console", Channel: "c", User: "intern", Text: "digest preview"}); r.Kind == bot.KindError {
		t.Errorf("preview refused: %q", r.Text)
	}
}

func TestSubscribeRefusalReachesUser(t *testing.T) {
	env := testenv.New(t)
	st, err := state.Open(filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc, err := digest.New(digest.Config{Store: st, Source: env.Index, Posters: map[string]digest.Poster{"console": &discard{}}})
	if err != nil {
		t.Fatal(err)
	}
	env.Bot.Digests = svc
	// every minute is more often than digests allow: the service refuses, and the user is told why
	r := ask(t, env.Bot, `subscribe cron "* * * * *"`)
	if r.Kind != bot.KindError || strings.Contains(r.Text, "went wrong") || !strings.Contains(r.Text, "cron") {
		t.Errorf("reply %v %q, want the service's reason", r.Kind, r.Text)
	}
}

func TestSearchFallsBackToArticles(t *testing.T) {
	b := testenv.Shared(t).Bot
	// no official statement in the sample names Kaseya, but briefings discuss it
	r := ask(t, b, "search kaseya")
	its := hits(r)
	if r.Kind != bot.KindResults || len(its) == 0 || !strings.Contains(r.Text, "No official statements match, but") {
		t.Fatalf("reply %v %q with %d items", r.Kind, r.Text, len(its))
	}
	for _, it := range its {
		if it.Kind != "" || it.ArticleID == "" || !strings.Contains(strings.ToLower(it.Text+it.Title), "kaseya") {
			t.Errorf("fallback item is not a matching article: %+v", it)
		}
	}
	// with a statement filter there is nothing to fall back to
	if r := ask(t, b, "search kaseya kind:sanction"); len(hits(r)) != 0 {
		t.Errorf("fallback ignored kind:")
	}
}

func TestShowFindsIDsAsPasted(t *testing.T) {
	b := testenv.Shared(t).Bot
	id := hits(ask(t, b, "search APT31"))[0].ArticleID
	for _, typed := range []string{id, strings.ToUpper(id), "[" + id + "]", "[" + strings.ToUpper(id) + "]", "`" + id + "`"} {
		t.Run(typed, func(t *testing.T) {
			r := ask(t, b, "show "+typed)
			if r.Kind != bot.KindArticle || !strings.HasPrefix(r.Title, seedTitle) {
				t.Fatalf("show %s: %v %q", typed, r.Kind, r.Text)
			}
			if strings.Contains(r.Footer, "id ") {
				t.Errorf("show ends with a stray id line: %q", r.Footer)
			}
		})
	}
}

func total(t *testing.T, r bot.Reply) int {
	t.Helper()
	var n int
	if _, err := fmt.Sscanf(r.Title, "%d statement", &n); err != nil {
		t.Fatalf("title %q: %v", r.Title, err)
	}
	return n
}

// TestFuzzyDistance: word~N matches within edit distance N, word~ is
// word~1.
func TestFuzzyDistance(t *testing.T) {
	b := testenv.Shared(t).Bot
	plain := total(t, ask(t, b, "search Dowden"))
	if plain == 0 {
		t.Fatal("no statements for Dowden in the sample")
	}
	for _, tc := range []struct {
		q    string
		want func(n int) bool
		what string
	}{
		{"search Dowden~", func(n int) bool { return n >= plain }, "at least the exact word's"},
		{"search Dowden~1", func(n int) bool { return n >= plain }, "the same as Dowden~"},
		{"search Dowdin~1", func(n int) bool { return n >= plain }, "one edit away"},
		{"search Dowxxn~1", func(n int) bool { return n == 0 }, "none: two edits away"},
		{"search Dowxxn~2", func(n int) bool { return n >= plain }, "two edits away"},
	} {
		t.Run(tc.q, func(t *testing.T) {
			r := ask(t, b, tc.q)
			if r.Kind != bot.KindResults {
				t.Fatalf("%v %q", r.Kind, r.Text)
			}
			if n := total(t, r); !tc.want(n) {
				t.Errorf("%d statements, want %s (Dowden: %d)", n, tc.what, plain)
			}
		})
	}
	if a, b1 := total(t, ask(t, b, "search Dowden~")), total(t, ask(t, b, "search Dowden~1")); a != b1 {
		t.Errorf("Dowden~ finds %d, Dowden~1 %d", a, b1)
	}
}

// TestSearchExplainsItself: what a search expanded, filtered or fell back
// to is said in the reply.
func TestSearchExplainsItself(t *testing.T) {
	b := testenv.Shared(t).Bot
	for _, tc := range []struct {
		q         string
		title     string // prefix
		text      string // contained
		textLacks string
	}{
		{"search Violet Typhoon", "", "Violet Typhoon = APT31", ""},
		{"search zirconium sanctions", "", "zirconium = APT31", ""},
		{"search actor:\"Violet Typhoon\"", "", "Violet Typhoon = APT31", ""},
		{"search APT31", "", "", "="},
		{"latest 10 kind:sanction", "Latest ", "", ""},
		{"actor Lazarus Group", "Lazarus Group", `No statements about Lazarus Group yet. Try: search "Lazarus Group"`, ""},
		{"actor APT31", "APT31", "", "No statements"},
	} {
		t.Run(tc.q, func(t *testing.T) {
			r := ask(t, b, tc.q)
			if r.Kind == bot.KindError {
				t.Fatalf("error %q", r.Text)
			}
			if !strings.HasPrefix(r.Title, tc.title) || (tc.text != "" && !strings.Contains(r.Text, tc.text)) || (tc.textLacks != "" && strings.Contains(r.Text, tc.textLacks)) {
				t.Errorf("title %q text %q; want title %q…, text with %q and without %q", r.Title, r.Text, tc.title, tc.text, tc.textLacks)
			}
		})
	}
	r := ask(t, b, "latest 10 kind:sanction")
	if !strings.HasSuffix(r.Title, " for kind:sanction") {
		t.Errorf("latest does not echo its filter: %q", r.Title)
	}
	for _, it := range hits(r) {
		if it.Kind != news.Sanction {
			t.Errorf("latest kind:sanction gave a %s", it.Kind)
		}
	}
}

// TestArticleOnlyHits: a search matching articles but no statement shows
// each article's headline and a passage cut at a word, with ellipses.
func TestArticleOnlyHits(t *testing.T) {
	r := ask(t, testenv.Shared(t).Bot, "search defense contractors")
	its := hits(r)
	if !strings.Contains(r.Text, "No official statements match, but") || len(its) == 0 {
		t.Fatalf("reply %q with %d hits", r.Text, len(its))
	}
	for _, it := range its {
		if it.Kind != "" || it.Title == "" || it.ArticleID == "" {
			t.Errorf("article hit without headline or id: %+v", it)
		}
		if n := utf8.RuneCountInString(it.Text); n > 242 {
			t.Errorf("passage of %d characters", n)
		}
		if !strings.HasSuffix(it.Text, "…") && !strings.ContainsAny(it.Text[len(it.Text)-1:], ".!?") {
			t.Errorf("passage ends mid-sentence without an ellipsis: %q", it.Text)
		}
		for _, m := range it.Marks {
			if w := strings.ToLower(it.Text[m[0]:m[1]]); !strings.HasPrefix(w, "defen") && !strings.HasPrefix(w, "contractor") {
				t.Errorf("mark on %q", w)
			}
		}
	}
}

func TestSnippet(t *testing.T) {
	long := "the attack on the Electoral Commission, including the accounts of MPs, during the 2021-2022 period was highly likely the work of a Chinese state-affiliated cyber entity"
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"The NCSC said so.", 100, "The NCSC said so."},
		{"  said the NCSC, and", 100, "…said the NCSC, and…"},
		{long, 60, "…the attack on the Electoral Commission, including the…"},
		{"Beijing voiced its opposition", 100, "Beijing voiced its opposition…"},
	} {
		got, _ := bot.Snippet(tc.in, nil, tc.n)
		if got != tc.want {
			t.Errorf("Snippet(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
	got, ms := bot.Snippet("  said APT31 did it", [][2]int{{7, 12}}, 100)
	if len(ms) != 1 || got[ms[0][0]:ms[0][1]] != "APT31" {
		t.Errorf("marks not moved: %q %v", got, ms)
	}
}

// TestTrend: a trend answers with a PNG chart and a summary whose total is
// the number of statements the same filters find; with no statement it
// says so and offers the search.
func TestTrend(t *testing.T) {
	env := testenv.Shared(t)
	for _, tc := range []struct {
		line  string
		query news.Query
	}{
		{"trend actor:APT31", news.Query{Actors: []string{"APT31"}}},
		{"trend by:US kind:sanction", news.Query{By: []string{"US"}, Kinds: []news.Kind{news.Sanction}}},
		{"trend", news.Query{}},
	} {
		t.Run(tc.line, func(t *testing.T) {
			r := ask(t, env.Bot, tc.line)
			if r.Kind != bot.KindChart || r.Chart == nil {
				t.Fatalf("reply %v %q, want a chart", r.Kind, r.Text)
			}
			if _, err := png.Decode(bytes.NewReader(r.Chart.PNG)); err != nil {
				t.Errorf("chart is not a PNG: %v", err)
			}
			q := tc.query
			q.Size = 1
			res, err := env.Index.Search(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			if res.Total == 0 {
				t.Fatal("the filters match nothing in the sample: the case tests nothing")
			}
			if want := fmt.Sprintf("%d statement", res.Total); !strings.HasPrefix(r.Chart.Alt, want) || !strings.Contains(r.Text, r.Chart.Alt) {
				t.Errorf("summary %q (text %q), want it to start with %q", r.Chart.Alt, r.Text, want)
			}
			if !strings.HasPrefix(r.Chart.Name, "newsdesk-trend") || !strings.HasSuffix(r.Chart.Name, ".png") || strings.ContainsAny(r.Chart.Name, " :/") {
				t.Errorf("file name %q", r.Chart.Name)
			}
		})
	}
	r := ask(t, env.Bot, "trend actor:APT31 until:1995-01-01")
	if r.Kind != bot.KindError || !strings.Contains(r.Text, "nothing to chart") || !strings.Contains(r.Text, "search actor:APT31 until:1995-01-01") {
		t.Errorf("no statements: %v %q", r.Kind, r.Text)
	}
	r = ask(t, env.Bot, "trend since:2030-01-01")
	if r.Kind != bot.KindError || !strings.Contains(r.Text, "since: must be before") {
		t.Errorf("since in the future: %v %q", r.Kind, r.Text)
	}
	if r := ask(t, env.Bot, "actor APT31"); !strings.Contains(r.Footer, "trend actor:APT31") {
		t.Errorf("actor profile does not offer the trend: footer %q", r.Footer)
	}
}

// TestWatchCommands: watch, watches and unwatch over the real digest
// service; starting and ending follow the admin rule, listing does not; a
// bad filter is refused by name.
func TestWatchCommands(t *testing.T) {
	env := testenv.New(t)
	st, err := state.Open(filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc, err := digest.New(digest.Config{Store: st, Source: env.Index, Posters: map[string]digest.Poster{"console": &discard{}},
		Filters: func(f string) (news.Query, error) { return bot.ParseFilters(f, env.Actors) }})
	if err != nil {
		t.Fatal(err)
	}
	b := env.Bot
	b.Watcher = svc
	b.Admins = map[string]bool{"console:boss": true}
	say := func(user, text string) bot.Reply {
		return b.Handle(context.Background(), bot.Request{Platform: "console", Channel: "c", User: user, Text: text})
	}
	for _, tc := range []struct {
		user, text string
		kind       bot.ReplyKind
		want       string
	}{
		{"intern", "watch actor:APT31", bot.KindError, "only this newsdesk's admins"},
		{"intern", "watches", bot.KindMessage, "no watches"},
		{"boss", "watch", bot.KindError, "watch needs filters"},
		{"boss", "watch nope:x", bot.KindError, `unknown filter "nope:"`},
		{"boss", "watch actor:APT31", bot.KindMessage, "Watching actor:APT31"},
		{"boss", "watch actor:APT31", bot.KindMessage, "already watches"},
		{"boss", "watch by:GB kind:sanction", bot.KindMessage, "Watching by:GB kind:sanction"},
		{"intern", "watches", bot.KindMessage, "watch actor:APT31\nwatch by:GB kind:sanction"},
		{"boss", "unwatch actor:APT40", bot.KindMessage, "does not watch actor:APT40"},
		{"boss", "unwatch actor:APT31", bot.KindMessage, "Stopped 1 watch."},
		{"boss", "unwatch", bot.KindMessage, "Stopped 1 watch."},
		{"boss", "watches", bot.KindMessage, "no watches"},
	} {
		r := say(tc.user, tc.text)
		if r.Kind != tc.kind || !strings.Contains(r.Text, tc.want) {
			t.Errorf("%s: %q → %v %q; want %v containing %q", tc.user, tc.text, r.Kind, r.Text, tc.kind, tc.want)
		}
	}
	if subs, _ := st.Subscriptions(context.Background()); len(subs) != 0 {
		t.Errorf("watches left after unwatch: %+v", subs)
	}
	b.Watcher = nil
	if r := say("boss", "watch actor:APT31"); r.Kind != bot.KindError || !strings.Contains(r.Text, "not enabled") {
		t.Errorf("without a watcher: %v %q", r.Kind, r.Text)
	}
}

var _ bot.Faceter = (*index.Index)(nil)

// TestCounts: counts gives, per kind, accuser and accused, the number of
// statements the same filters with that value added find; with no
// statement it says so.
func TestCounts(t *testing.T) {
	env := testenv.Shared(t)
	total := func(q news.Query) uint64 {
		t.Helper()
		q.Size = 1
		res, err := env.Index.Search(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		return res.Total
	}
	for _, tc := range []struct {
		line  string
		query news.Query
	}{
		{"counts", news.Query{}},
		{"counts actor:APT31", news.Query{Actors: []string{"APT31"}}},
		{"counts kind:sanction kind:allegation", news.Query{Kinds: []news.Kind{news.Sanction, news.Allegation}}},
	} {
		t.Run(tc.line, func(t *testing.T) {
			r := ask(t, env.Bot, tc.line)
			n := total(tc.query)
			if n == 0 {
				t.Fatal("the filters match nothing in the sample: the case tests nothing")
			}
			if r.Kind != bot.KindMessage || !strings.HasPrefix(r.Title, fmt.Sprintf("%d statement", n)) {
				t.Fatalf("reply %v %q, want %d statements", r.Kind, r.Title, n)
			}
			fields := map[string]string{}
			for _, f := range r.Fields {
				fields[f.Label] = f.Value
			}
			for _, label := range []string{"By kind", "By accuser", "Accused"} {
				v := fields[label]
				if v == "" {
					t.Errorf("no %q line: %+v", label, r.Fields)
					continue
				}
				for _, part := range strings.Split(v, " · ") {
					i := strings.LastIndex(part, " ")
					term, count := part[:i], part[i+1:]
					if term == "others" {
						continue
					}
					q := tc.query
					switch label {
					case "By kind":
						q.Kinds = []news.Kind{news.Kind(term)}
					case "By accuser":
						q.By = []string{term}
					case "Accused":
						q.Actors = append(slices.Clone(q.Actors), term)
						if len(tc.query.Actors) > 0 {
							// actors are any-of: count the pair through both filters
							continue
						}
					}
					if got := fmt.Sprint(total(q)); got != count {
						t.Errorf("%s %s: %s, but %d statements match the filters with it", label, term, count, total(q))
					}
				}
			}
		})
	}
	r := ask(t, env.Bot, "counts actor:APT31 until:1995-01-01")
	if r.Kind != bot.KindMessage || !strings.HasPrefix(r.Title, "0 statements") || !strings.Contains(r.Text, "No statements match") {
		t.Errorf("no statements: %v %q %q", r.Kind, r.Title, r.Text)
	}
	if r := ask(t, env.Bot, "help"); !strings.Contains(r.Text, "counts [actor:APT31]") {
		t.Errorf("help does not list counts: %q", r.Text)
	}
}
