package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/internal/replytest"
	"github.com/newsdesk/newsdesk/news"
)

var entity = regexp.MustCompile(`&(amp|lt|gt);`)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func TestEscape(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain words", "plain words"},
		{"AT&T <b>", "AT&amp;T &lt;b&gt;"},
		{"<!channel> <!here> <!everyone>", "&lt;!channel&gt; &lt;!here&gt; &lt;!everyone&gt;"},
		{"hi <@U123> in <#C456|general>", "hi &lt;@U123&gt; in &lt;#C456|general&gt;"},
		{"<!subteam^S123>", "&lt;!subteam^S123&gt;"},
		{"ping @everyone and @Here, @channel!", "ping @\u2060everyone and @\u2060Here, @\u2060channel!"},
		{"mail me@example.org", "mail me@example.org"},
		{"*bold* _it_ ~s~ `code`", "\u2217bold\u2217 \u02cdit\u02cd \u223cs\u223c \u02cbcode\u02cb"},
		{"<https://evil.example|click>", "&lt;https://evil.example|click&gt;"},
		{"already &amp;", "already &amp;amp;"},
		{"bell\x07 and nul\x00 gone\nnewline kept", "bell and nul gone\nnewline kept"},
	}
	for _, tt := range tests {
		if got := Escape(tt.in); got != tt.want {
			t.Errorf("Escape(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// hostile is an article whose every field tries to ping the channel or
// break the layout.
func hostile() bot.Reply {
	evil := "Hackers wrote <!channel> <!here> <!everyone> @everyone @here <@U123> <@W999|boss> <#C123> <!subteam^S1> *** _ ~ ` & <https://evil.example|click here>"
	return bot.Reply{
		Kind:   bot.KindResults,
		Title:  "Breaking <!channel> @everyone",
		Text:   "Summary: " + evil,
		Fields: []bot.Field{{Label: "Alias <@U1>", Value: "<!here>"}},
		Sections: []bot.Section{{Heading: "Accused <!everyone>", Items: []bot.Item{{
			Kind: news.Allegation, Speaker: "NCSC <!channel>", SpeakerCountry: []string{"GB"},
			Accused: []string{"APT31 <@U123>"}, Targets: []string{"<#C1>"}, Confidence: "likely <!here>",
			Date: seedPublished, Title: "Title | with pipe > and <!channel>", URL: "https://example.org/a?x=1&y=<2>|z",
			SourceName: "@everyone news", Text: evil, Marks: [][2]int{{0, 7}}, ArticleID: "<@U5>",
			Answers: []bot.Item{{Kind: news.Response, Speaker: "Embassy <!here>", Text: evil, URL: "javascript:alert(1)", SourceName: "<!channel>"}},
		}}}},
		Footer: "<!channel> footer",
		Next:   "search <!here>",
		Page:   1, Pages: 2,
	}
}

// live finds Slack control sequences that would mention or link: any <…>
// other than our own <https://…|…> links, and bare mass mentions.
var (
	angle       = regexp.MustCompile(`<[^>]*>`)
	ourLink     = regexp.MustCompile(`^<https?://[^|<> ]+\|[^<>]*>$`)
	bareMention = regexp.MustCompile(`(?i)@(everyone|here|channel)\b`)
)

func assertInert(t *testing.T, where string, doc []byte) {
	t.Helper()
	for typ, ss := range texts(t, doc) {
		for _, s := range ss {
			if bareMention.MatchString(s) {
				t.Errorf("%s: %s text has a live mass mention: %q", where, typ, s)
			}
			if typ == "plain_text" {
				if strings.Contains(s, "<!") || strings.Contains(s, "<@") || strings.Contains(s, "<#") {
					t.Errorf("%s: plain_text keeps a mention shape: %q", where, s)
				}
				continue
			}
			for _, m := range angle.FindAllString(s, -1) {
				if !ourLink.MatchString(m) {
					t.Errorf("%s: %s text has a live control sequence %q in %q", where, typ, m, s)
				}
			}
		}
	}
}

func TestMassMentionsRenderedInert(t *testing.T) {
	blocks := marshal(t, Render(hostile()), "")
	assertInert(t, "Render", blocks)
	for _, want := range []string{
		"&lt;!channel&gt;", "&lt;!here&gt;", "&lt;!everyone&gt;", "&lt;@U123&gt;", "@\u2060everyone",
		"<https://example.org/a?x=1&amp;y=%3C2%3E%7Cz|Title | with pipe &gt; and &lt;!channel&gt;>",
	} {
		if !bytes.Contains(blocks, []byte(want)) {
			t.Errorf("rendered blocks lack %q", want)
		}
	}
	if bytes.Contains(blocks, []byte("javascript:")) && bytes.Contains(blocks, []byte("<javascript:")) {
		t.Error("a javascript: URL became a link")
	}

	// The same through the wire: a posted digest and a slash command answer.
	e := newEnv(t, &fixedHandler{reply: func(bot.Request) bot.Reply { return hostile() }}, nil)
	if _, err := e.a.Post(context.Background(), "C0DIGEST", hostile(), ""); err != nil {
		t.Fatal(err)
	}
	p := e.fake.Posts()[0]
	assertInert(t, "posted blocks", p.Blocks)
	if bareMention.MatchString(p.Text) || strings.Contains(p.Text, "<!") {
		t.Errorf("posted notification text is live: %q", p.Text)
	}
	status, body := e.post(t, "/slack/commands", e.commandForm("search hostile", "r"), testSecret, time.Now(), nil)
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	assertInert(t, "slash answer", body)
}

func TestRenderGoldenSeed(t *testing.T) {
	tests := []struct {
		name  string
		reply bot.Reply
	}{
		{"search_reply", seedReply()},
		{"error_reply", bot.Reply{Kind: bot.KindError, Text: `bad date "2024-13-01" in since:: use since:YYYY-MM-DD, e.g. since:2024-03-01`}},
		{"actor_reply", bot.Reply{Kind: bot.KindActor, Title: "APT31",
			Text:     "APT31 is a China-based threat group that has been active since at least 2010.",
			Fields:   []bot.Field{{Label: "Aliases", Value: "ZIRCONIUM, Violet Typhoon, Judgment Panda"}, {Label: "Sponsor", Value: "CN"}},
			Sections: []bot.Section{{Heading: "Timeline", Items: []bot.Item{seedReply().Sections[0].Items[1]}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := marshal(t, Render(tt.reply), "  ")
			path := filepath.Join("testdata", tt.name+".golden.json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -run TestRenderGolden -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Block Kit JSON differs from %s (run with -update if the change is intended):\n%s", path, got)
			}
		})
	}
}

func TestRenderLimits(t *testing.T) {
	long := strings.Repeat("APT31 <!here> & more ", 400) // ~8,400 characters
	r := bot.Reply{
		Kind:  bot.KindResults,
		Title: strings.Repeat("Very long title ", 20),
		Text:  long + "\n" + long + "\n" + strings.Repeat(" ", 7000) + "end\nab" + strings.Repeat("&", 4000),
		Sections: []bot.Section{{Items: []bot.Item{{Kind: news.Allegation, Speaker: "NCSC", Text: long,
			Marks: [][2]int{{0, 5}, {3, 9}, {9000, 9005}, {-1, 2}}, Answers: []bot.Item{{Kind: news.Response, Text: long}}}}}},
	}
	blocks := Render(r)
	doc := marshal(t, blocks, "")
	for typ, ss := range texts(t, doc) {
		for _, s := range ss {
			limit := maxSectionText
			if typ == "plain_text" {
				limit = maxHeaderText
			}
			if n := len([]rune(s)); n > limit {
				t.Errorf("%s text of %d characters (limit %d)", typ, n, limit)
			}
			if typ == "mrkdwn" && strings.Contains(entity.ReplaceAllString(s, ""), "&") {
				t.Errorf("a cut left a broken entity: …%q", s[max(0, len(s)-20):])
			}
		}
	}
	assertInert(t, "long", doc)
	if !strings.HasPrefix(texts(t, doc)["mrkdwn"][len(texts(t, doc)["mrkdwn"])-1], ":mega: *Allegation*") {
		t.Error("the item section lost its head when its sentence was shortened")
	}
}

func TestStripMention(t *testing.T) {
	tests := []struct{ in, want string }{
		{"<@UBOTNEWSDESK> search APT31", "search APT31"},
		{"  <@UBOT|newsdesk>   latest 5 ", "latest 5"},
		{"<@UBOT> <@UBOT> help", "help"},
		{"search <@U123> APT31", "search <@U123> APT31"},
		{"<@UBOT>", ""},
	}
	for _, tt := range tests {
		if got := stripMention(tt.in); got != tt.want {
			t.Errorf("stripMention(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// marshal encodes v as JSON without HTML escaping, so that <, > and & read
// as Slack sees them.
func marshal(t *testing.T, v any, indent string) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", indent)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestRenderGolden renders every reply kind (internal/replytest) into
// Block Kit JSON.
func TestRenderGolden(t *testing.T) {
	for _, tc := range replytest.Cases() {
		t.Run(tc.Name, func(t *testing.T) {
			got := marshal(t, Render(tc.Reply), "  ")
			path := filepath.Join("testdata", "render_"+tc.Name+".golden.json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -run TestRenderGolden -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Block Kit JSON differs from %s (run with -update if the change is intended):\n%s", path, got)
			}
			assertInert(t, tc.Name, got)
		})
	}
}

func TestRenderGroupsByArticle(t *testing.T) {
	for _, tc := range replytest.Cases() {
		if tc.Name != "search" && tc.Name != "digest" {
			continue
		}
		doc := string(marshal(t, Render(tc.Reply), ""))
		if n := strings.Count(doc, replytest.SeedURL); n != 1 {
			t.Errorf("%s: the seed URL appears %d times, want once", tc.Name, n)
		}
		if n := strings.Count(doc, "show "+replytest.SeedID); n != 1 {
			t.Errorf("%s: the seed article's show id appears %d times, want once", tc.Name, n)
		}
		if strings.Contains(doc, `\"completely`) && tc.Name == "digest" {
			t.Errorf("%s: an answer nests quotes", tc.Name)
		}
	}
}
