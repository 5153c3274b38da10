package discord

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
	"github.com/newsdesk/newsdesk/adapters/discord/discordfake"
	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/internal/replytest"
	"github.com/newsdesk/newsdesk/news"
)

func renderCases() []struct {
	name  string
	reply bot.Reply
} {
	article := bot.Reply{
		Kind: bot.KindArticle, Title: seedTitle,
		Text: "Sky News (via vietnam.vn), 2024-03-26",
		Sections: []bot.Section{{Heading: "Statements", Items: []bot.Item{
			seedItem(news.Allegation, "Oliver Dowden", []string{"GB"}, []string{"APT31"}, "almost certain", sentDowden),
			seedItem(news.Response, "Chinese Embassy in the UK", []string{"CN"}, nil, "", sentEmbassy),
		}}},
	}
	actor := bot.Reply{
		Kind: bot.KindActor, Title: "APT31",
		Text: "APT31 is a China-based threat group that has been active since at least 2010.",
		Fields: []bot.Field{
			{Label: "Aliases", Value: "ZIRCONIUM, Violet Typhoon, Judgment Panda, BRONZE VINEWOOD"},
			{Label: "Sponsor", Value: "CN"},
		},
		Sections: []bot.Section{{Heading: "Timeline", Items: []bot.Item{
			seedItem(news.Indictment, "US prosecutors", []string{"US"}, []string{"APT31"}, "", sentIndictment),
		}}},
	}
	digest := digestReply()
	digest.Sections[0].Items[0].Answers = []bot.Item{seedItem(news.Response, "Chinese Embassy in the UK", []string{"CN"}, nil, "", sentEmbassy)}
	articleHit := bot.Reply{Kind: bot.KindResults, Title: "1 article", Sections: []bot.Section{{Items: []bot.Item{{
		Title: seedTitle, URL: seedURL, SourceName: "vietnam.vn", Date: seedDate, ArticleID: "seed-apt31",
		Text: "On March 25, US, UK and New Zealand officials accused China of conducting extensive cyber attacks.",
	}}}}}
	return []struct {
		name  string
		reply bot.Reply
	}{
		{"results", seedResults()},
		{"article", article},
		{"actor", actor},
		{"digest", digest},
		{"article_hit", articleHit},
		{"error", bot.Reply{Kind: bot.KindError, Text: `unknown field "foo:": use search <words> [actor:X] [by:GB] [kind:allegation]`}},
		{"help", bot.Reply{Kind: bot.KindMessage, Title: "newsdesk", Text: "search <words> [actor:APT31]\nshow <id>\nlatest [n]\n- help"}},
		{"hostile", hostileReply()},
		{"empty", bot.Reply{}},
	}
}

func TestRenderGolden(t *testing.T) {
	for _, tc := range renderCases() {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false) // readable golden files: < > & as they are
			enc.SetIndent("", "  ")
			if err := enc.Encode(Render(tc.reply)); err != nil {
				t.Fatal(err)
			}
			got := buf.Bytes()
			path := filepath.Join("testdata", "render_"+tc.name+".golden.json")
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -run TestRenderGolden -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Render(%s) differs from %s (run with -update if the change is intended):\n%s", tc.name, path, got)
			}
		})
	}
}

func TestEscape(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain text, APT31.", "plain text, APT31."},
		{"*bold* _it_ ~~s~~ `c` ||sp|| [l](u)", `\*bold\* \_it\_ \~\~s\~\~ \` + "`c\\`" + ` \|\|sp\|\| \[l\](u)`},
		{`back\slash`, `back\\slash`},
		{"@everyone @here @Everyone", "@\u200beveryone @\u200bhere @\u200bEveryone"},
		{"<@123> <@!123> <@&456> <#789>", "<@\u200b123> <@\u200b!123> <@\u200b&456> <#\u200b789>"},
		{"> quote\n# head\n- item\n+ item\n  - nested\n1. one", "\\> quote\n\\# head\n\\- item\n\\+ item\n  \\- nested\n1\\. one"},
		{"a - b > c # d", "a - b > c # d"},
		{"user@example.com", "user@example.com"},
	} {
		if got := Escape(tc.in); got != tc.want {
			t.Errorf("Escape(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSafeURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://example.com/a?b=c", "https://example.com/a?b=c"},
		{"http://example.com/x_(y)", "http://example.com/x_%28y%29"},
		{"javascript:alert(1)", ""},
		{"ftp://example.com/", ""},
		{"https://user:pw@example.com/", ""},
		{"/relative", ""},
		{"", ""},
	} {
		if got := safeURL(tc.in); got != tc.want {
			t.Errorf("safeURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestEmphasise(t *testing.T) {
	s := "group APT31, linked to *China*"
	for _, tc := range []struct {
		name  string
		marks [][2]int
		max   int
		want  string
	}{
		{"one mark", markOf(s, "APT31"), 100, `group **APT31**, linked to \*China\*`},
		{"no marks", nil, 100, `group APT31, linked to \*China\*`},
		{"bad marks ignored", [][2]int{{5, 2}, {0, 999}}, 100, `group APT31, linked to \*China\*`},
		{"cut", markOf(s, "APT31"), 15, "group **APT3**…"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := emphasise(s, tc.marks, tc.max)
			if got != tc.want {
				t.Errorf("emphasise = %q, want %q", got, tc.want)
			}
			if n := utf8.RuneCountInString(got); n > tc.max {
				t.Errorf("%d characters, max %d", n, tc.max)
			}
		})
	}
}

// checkLimits fails when an embed breaks one of Discord's limits.
func checkLimits(t *testing.T, es []*discordgo.MessageEmbed) {
	t.Helper()
	for i, e := range es {
		rc := utf8.RuneCountInString
		if rc(e.Title) > MaxTitle || rc(e.Description) > MaxDescription || len(e.Fields) > MaxFields || discordfake.EmbedChars(e) > MaxEmbedChars {
			t.Errorf("embed %d over limits: title %d, description %d, fields %d, total %d", i, rc(e.Title), rc(e.Description), len(e.Fields), discordfake.EmbedChars(e))
		}
		if e.Footer != nil && rc(e.Footer.Text) > MaxFooter {
			t.Errorf("embed %d footer %d characters", i, rc(e.Footer.Text))
		}
		for j, f := range e.Fields {
			if rc(f.Name) > MaxFieldName || rc(f.Value) > MaxFieldValue || strings.TrimSpace(f.Name) == "" || strings.TrimSpace(f.Value) == "" {
				t.Errorf("embed %d field %d: name %d, value %d characters", i, j, rc(f.Name), rc(f.Value))
			}
			if strings.HasSuffix(strings.TrimSuffix(f.Value, "…"), `\`) && !strings.HasSuffix(strings.TrimSuffix(f.Value, "…"), `\\`) {
				t.Errorf("embed %d field %d ends in a dangling escape: %q", i, j, f.Value)
			}
		}
	}
	for i, g := range split(es) {
		total := 0
		for _, e := range g {
			total += discordfake.EmbedChars(e)
		}
		if len(g) > MaxEmbedsPerMessage || total > MaxEmbedChars {
			t.Errorf("message %d: %d embeds, %d characters", i, len(g), total)
		}
	}
}

func TestRenderStaysWithinLimits(t *testing.T) {
	huge := strings.Repeat("*_@everyone `x` ", 2000)
	long := bot.Item{Kind: news.Allegation, Speaker: huge, SpeakerCountry: []string{"GB"}, Accused: []string{huge}, Confidence: huge,
		Text: huge, Marks: [][2]int{{0, 100}, {200, 9000}}, URL: "https://example.com/" + strings.Repeat("a", 600), SourceName: huge,
		Targets: []string{huge}, EventDate: huge, Answers: []bot.Item{{Kind: news.Response, Speaker: huge, Text: huge}, {Text: huge}}}
	var items []bot.Item
	for range 80 {
		items = append(items, long)
	}
	for _, tc := range []struct {
		name string
		r    bot.Reply
	}{
		{"huge everything", bot.Reply{Kind: bot.KindDigest, Title: huge, Text: huge, Footer: huge, Page: 1, Pages: 9, Next: huge,
			Fields:   []bot.Field{{Label: huge, Value: huge}, {Label: "", Value: ""}},
			Sections: []bot.Section{{Heading: huge, Items: items}, {Heading: "b", Items: items}}}},
		{"many small", longDigest(100)},
		{"unicode", bot.Reply{Title: strings.Repeat("中文", 300), Text: strings.Repeat("é🙂", 5000)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			es := Render(tc.r)
			checkLimits(t, es)
			if strings.Contains(embedText(es), "@everyone") {
				t.Error("live @everyone in rendered embeds")
			}
		})
	}
}

func TestRenderPagingAndFooter(t *testing.T) {
	r := seedResults()
	r.Footer = "Source: newsdesk sample corpus"
	es := Render(r)
	last := es[len(es)-1]
	if last.Footer == nil || last.Footer.Text != "Source: newsdesk sample corpus · Page 1/2 · next: search APT31 page:2" {
		t.Errorf("footer = %+v", last.Footer)
	}
	r.Pages = 1
	if es := Render(r); !strings.Contains(es[0].Footer.Text, "Source") || strings.Contains(es[0].Footer.Text, "Page") {
		t.Errorf("a single page has no paging hint: %q", es[0].Footer.Text)
	}
}

// TestRenderGoldenKinds renders every reply kind (internal/replytest) into
// embeds.
func TestRenderGoldenKinds(t *testing.T) {
	for _, tc := range replytest.Cases() {
		t.Run(tc.Name, func(t *testing.T) {
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			es := Render(tc.Reply)
			if err := enc.Encode(es); err != nil {
				t.Fatal(err)
			}
			got := buf.Bytes()
			path := filepath.Join("testdata", "kind_"+tc.Name+".golden.json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -run TestRenderGoldenKinds -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Render(%s) differs from %s (run with -update if the change is intended):\n%s", tc.Name, path, got)
			}
			checkLimits(t, es)
			if strings.Contains(embedText(es), "@everyone") {
				t.Error("live @everyone in rendered embeds")
			}
		})
	}
}

func TestRenderGroupsByArticle(t *testing.T) {
	for _, tc := range replytest.Cases() {
		if tc.Name != "search" && tc.Name != "digest" {
			continue
		}
		doc := embedText(Render(tc.Reply))
		if n := strings.Count(doc, replytest.SeedURL); n != 1 {
			t.Errorf("%s: the seed URL appears %d times, want once", tc.Name, n)
		}
		if n := strings.Count(doc, "show "+replytest.SeedID); n != 1 {
			t.Errorf("%s: the seed article's show id appears %d times, want once", tc.Name, n)
		}
	}
}
