package bot_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/newsdesk/newsdesk/actors"
	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/news"
)

func TestParse(t *testing.T) {
	gaz := actors.Default()
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	tests := []struct {
		in    string
		check func(t *testing.T, c bot.Command)
	}{
		{"search APT31", func(t *testing.T, c bot.Command) {
			want(t, c.Name, "search")
			want(t, c.Query.Text, "")
			if len(c.Query.Mentions) != 1 || c.Query.Mentions[0][0] != "APT31" {
				t.Errorf("mentions = %v, want APT31 first", c.Query.Mentions)
			}
			want(t, c.Query.Size, bot.PageSize)
			want(t, c.Query.From, 0)
			want(t, c.Query.SortBy, "date") // names and filters only: newest first
		}},
		{"APT31 sanctions", func(t *testing.T, c bot.Command) { // a bare query is a search
			want(t, c.Name, "search")
			want(t, c.Query.Text, "sanctions")
			want(t, c.Query.Mentions[0][0], "APT31")
			want(t, c.Query.SortBy, "") // words: by relevance
		}},
		{"search Cozy Bear sort:score", func(t *testing.T, c bot.Command) {
			want(t, c.Query.Mentions[0][0], "APT29")
			want(t, c.Query.SortBy, "score")
		}},
		{`search "Cozy Bear" by:US`, func(t *testing.T, c bot.Command) { // a quoted name is the actor
			want(t, c.Query.Mentions[0][0], "APT29")
			want(t, c.Query.SortBy, "date")
		}},
		{"search Cozy Bear ransomwear~", func(t *testing.T, c bot.Command) {
			want(t, c.Query.SortBy, "") // a fuzzy word ranks
		}},
		{"search Violet Typhoon", func(t *testing.T, c bot.Command) {
			want(t, c.Query.Text, "")
			want(t, c.Query.Mentions[0][0], "APT31")
			if !slices.Contains(c.Query.Mentions[0], "ZIRCONIUM") {
				t.Errorf("mention aliases %v lack ZIRCONIUM", c.Query.Mentions[0])
			}
		}},
		{`search kind:response embassy`, func(t *testing.T, c bot.Command) {
			want(t, c.Query.Text, "embassy")
			if !slices.Equal(c.Query.Kinds, []news.Kind{news.Response}) {
				t.Errorf("kinds = %v", c.Query.Kinds)
			}
		}},
		{`search "malicious slander" by:uk kind:allegations since:2024-03-01 until:2024-03-31 page:2`, func(t *testing.T, c bot.Command) {
			want(t, c.Query.Text, `"malicious slander"`)
			want(t, strings.Join(c.Query.By, ","), "GB")
			want(t, c.Query.Kinds[0], news.Allegation)
			want(t, c.Query.Since, day("2024-03-01"))
			want(t, c.Query.Until, day("2024-04-01")) // until is inclusive
			want(t, c.Page, 2)
			want(t, c.Query.From, bot.PageSize)
			want(t, c.Args, `"malicious slander" by:uk kind:allegations since:2024-03-01 until:2024-03-31`)
		}},
		{`search “smart quotes” target:“Electoral Commission”`, func(t *testing.T, c bot.Command) {
			want(t, c.Query.Text, `"smart quotes"`)
			want(t, c.Query.Targets[0], "Electoral Commission")
		}},
		{"search actor:zirconium sanctions --share", func(t *testing.T, c bot.Command) {
			want(t, c.Query.Actors[0], "APT31")
			want(t, c.Share, true)
		}},
		{"search by:\"New Zealand\" hack~", func(t *testing.T, c bot.Command) {
			want(t, c.Query.By[0], "NZ")
			want(t, c.Query.Text, "")
			want(t, len(c.Query.FuzzyTerms), 1)
			want(t, c.Query.FuzzyTerms[0], news.FuzzyTerm{Word: "hack", Distance: 1})
		}},
		{"search sanctons~2 Dowden~1 embassy", func(t *testing.T, c bot.Command) {
			want(t, c.Query.Text, "embassy")
			want(t, len(c.Query.FuzzyTerms), 2)
			want(t, c.Query.FuzzyTerms[0], news.FuzzyTerm{Word: "sanctons", Distance: 2})
			want(t, c.Query.FuzzyTerms[1], news.FuzzyTerm{Word: "Dowden", Distance: 1})
		}},
		{"search a~b", func(t *testing.T, c bot.Command) { want(t, c.Query.Text, "a~b") }},
		{"who hacked the electoral commission?", func(t *testing.T, c bot.Command) {
			want(t, c.Name, "search")
			want(t, c.Query.Text, "who hacked the electoral commission")
		}},
		{"show 1a2b3c4d5e6f", func(t *testing.T, c bot.Command) { want(t, c.ID, "1a2b3c4d5e6f") }},
		{"latest", func(t *testing.T, c bot.Command) {
			want(t, c.Query.Size, bot.PageSize)
			want(t, c.Query.SortBy, "date")
		}},
		{"latest 10 kind:sanction", func(t *testing.T, c bot.Command) {
			want(t, c.Query.Size, 10)
			want(t, c.Query.Kinds[0], news.Sanction)
		}},
		{"actor Violet Typhoon", func(t *testing.T, c bot.Command) { want(t, c.Actor, "Violet Typhoon") }},
		{"digest preview", func(t *testing.T, c bot.Command) { want(t, c.Digest, "preview") }},
		{"subscribe", func(t *testing.T, c bot.Command) {
			want(t, c.Sub, bot.Subscription{At: "08:00", TZ: "UTC"})
		}},
		{"subscribe at 7:30 tz Europe/London actor:APT31 kind:allegation quiet:note max:10", func(t *testing.T, c bot.Command) {
			want(t, c.Sub, bot.Subscription{At: "07:30", TZ: "Europe/London", Filter: "actor:APT31 kind:allegation", Quiet: "note", Max: 10})
		}},
		{`subscribe cron "0 8 * * 1-5" tz America/New_York`, func(t *testing.T, c bot.Command) {
			want(t, c.Sub.Cron, "0 8 * * 1-5")
			want(t, c.Sub.At, "")
		}},
		{"", func(t *testing.T, c bot.Command) { want(t, c.Name, "help") }},
		{"help search", func(t *testing.T, c bot.Command) { want(t, c.Topic, "search") }},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			c, err := bot.Parse(tc.in, gaz)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.in, err)
			}
			tc.check(t, c)
		})
	}
}

func TestParseErrors(t *testing.T) {
	gaz := actors.Default()
	tests := []struct{ in, mention string }{
		{"search since:soon APT31", "since:YYYY-MM-DD"},
		{"search until:31/03/2024 x", "until:YYYY-MM-DD"},
		{"search /.*/", "regular expressions are not supported"},
		{"search *a*", "wildcards"},
		{"search sanc?ion", "wildcards"},
		{`search "unbalanced`, "unbalanced quote"},
		{"search colour:red x", `unknown filter "colour:"`},
		{"search kind:rumour x", "kind:allegation"},
		{"search by:Atlantis x", "by:GB"},
		{"search page:0 x", "page:"},
		{"search page:51 x", "page:"},
		{"search sort:random x", "sort:date"},
		{"search since:2024-04-01 until:2024-03-01 x", "since: must come before until:"},
		{"search " + strings.Repeat("a ", 300), "too long"},
		{"search a~ b~ c~ d~", "too many fuzzy words: at most 3 words marked ~"},
		{"search Dowden~3", "the number after ~ is the edit distance, 1 or 2, not 3"},
		{"search Dowden~0", "edit distance, 1 or 2"},
		{"serch APT31", `did you mean "search"`},
		{"search", "search needs words or a filter"},
		{"show", "show <article id>"},
		{"latest 500", "latest takes a number"},
		{"digest later", "digest preview | digest now"},
		{"subscribe at 25:00", "HH:MM"},
		{"subscribe tz Mars/Olympus", "IANA"},
		{"subscribe at 08:00 cron \"0 8 * * *\"", "not both"},
		{"subscribe since:2024-01-01", "does not apply to a digest"},
		{"unsubscribe now", "takes no arguments"},
		{"help frobnicate", "no help"},
		{"search x --force", "unknown option"},
		{"search \xff\xfe", "UTF-8"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			_, err := bot.Parse(tc.in, gaz)
			var pe *bot.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q) error = %v, want a *ParseError", tc.in, err)
			}
			if !strings.Contains(err.Error(), tc.mention) {
				t.Errorf("Parse(%q) error %q does not mention %q", tc.in, err, tc.mention)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"search APT31 since:2024-03-01", `search "a b" kind:response`, "subscribe at 08:00 tz Europe/London actor:APT31",
		"latest 3", "/.*/", `“x”`, "actor Violet Typhoon", "search by:\"New Zealand\" x~ page:2 --share", "digest now", ":::", `a:"`} {
		f.Add(s)
	}
	gaz := actors.Default()
	f.Fuzz(func(t *testing.T, s string) {
		c, err := bot.Parse(s, gaz)
		if err != nil {
			var pe *bot.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q) returned a non-user error %T: %v", s, err, err)
			}
			return
		}
		if !utf8.ValidString(s) || len(s) > bot.MaxQueryBytes {
			t.Fatalf("Parse accepted invalid or over-long input %q", s)
		}
		if c.Query.Size > bot.MaxLatest || c.Query.From > bot.MaxPage*bot.PageSize {
			t.Fatalf("unbounded query from %q: size %d from %d", s, c.Query.Size, c.Query.From)
		}
		for _, w := range strings.Fields(c.Query.Text) {
			if strings.ContainsAny(w, "*?") || (len(w) > 1 && w[0] == '/' && w[len(w)-1] == '/') {
				t.Fatalf("wildcard or regexp %q got through from %q", w, s)
			}
		}
	})
}

func want[T comparable](t *testing.T, got, wantV T) {
	t.Helper()
	if got != wantV {
		t.Errorf("got %v, want %v", got, wantV)
	}
}

func TestParseFeeds(t *testing.T) {
	tests := []struct {
		in, op, target string
	}{
		{"feeds", "list", ""},
		{"feeds list", "list", ""},
		{"FEEDS Add ncsc-uk-news", "add", "ncsc-uk-news"},
		{"feeds add https://example.org/feed.xml?x=1", "add", "https://example.org/feed.xml?x=1"},
		{"feeds add <https://example.org/feed.xml>", "add", "https://example.org/feed.xml"},
		{"feeds remove cisa-advisories", "remove", "cisa-advisories"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			c, err := bot.Parse(tt.in, nil)
			if err != nil || c.Name != "feeds" || c.FeedsOp != tt.op || c.Target != tt.target {
				t.Errorf("Parse = %+v, %v; want feeds %s %q", c, err, tt.op, tt.target)
			}
		})
	}
	for _, in := range []string{"feeds add", "feeds add a b", "feeds list x", "feeds rename x", `feeds "add" x`} {
		if _, err := bot.Parse(in, nil); err == nil || !strings.Contains(err.Error(), "feeds list | feeds add") {
			t.Errorf("Parse(%q) = %v, want the feeds usage", in, err)
		}
	}
}
