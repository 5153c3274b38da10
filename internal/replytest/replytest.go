// Package replytest holds one reply of every kind the bot gives (search,
// show, latest, actor, digest, help, counts, errors, article-only hits, a hostile
// one), built from the seed article, so that every front renders the same
// fixtures into its golden files. It imports bot and news only, and is for
// tests.
package replytest

import (
	"strings"
	"time"

	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/news"
)

// The seed article (internal/sample/data/apt31-accusations-2024-03.txt).
const (
	SeedID     = "c99146a222ac"
	SeedTitle  = "On March 25, US, UK and New Zealand officials accused China of conducting extensive cyber attacks. Beijing voiced its opposition."
	SeedURL    = "https://www.vietnam.vn/en/my-anh-va-new-zealand-cao-buoc-trung-quoc-tan-cong-mang"
	SeedSource = "Sky News"

	SentDowden     = `In addition, Mr. Dowden also said the NCSC assessed with “almost certainty” that a hacker group nicknamed APT31, linked to the Chinese state, conducted espionage against British MPs in a separate campaign in 2021.`
	SentIndictment = `Britain and the United States have indicted APT31, listing a long list of its targets including White House staff, US senators, British lawmakers and government officials around the world who are critical of Beijing.`
	SentSanction   = `The announcement comes as both the UK and the US imposed sanctions on Wuhan Xiaoruizhi Science and Technology, which is believed to be a front company for China's Ministry of State Security.`
	SentEmbassy    = `The Chinese Embassy in the UK said the allegations were "completely baseless and malicious slander".`
)

// SeedDate is the seed article's publication date.
var SeedDate = time.Date(2024, 3, 25, 0, 0, 0, 0, time.UTC)

// A second article, so that grouping shows.
const (
	NCSCID    = "5f1e2d3c4b5a"
	NCSCTitle = "UK exposes Russian GRU cyber unit behind attacks on Ukraine and NATO allies"
	NCSCURL   = "https://www.ncsc.gov.uk/news/uk-exposes-russian-military-intelligence-cyber-unit"
	SentGRU   = "The NCSC assesses it is almost certain that GRU Unit 29155 conducted cyber operations against government targets across Europe."
)

func markOf(s, sub string) [][2]int {
	i := strings.Index(s, sub)
	if i < 0 {
		return nil
	}
	return [][2]int{{i, i + len(sub)}}
}

// Seed is a statement of the seed article.
func Seed(kind news.Kind, speaker string, by, accused []string, conf, sentence string) bot.Item {
	return bot.Item{
		Kind: kind, Speaker: speaker, SpeakerCountry: by, Accused: accused, Confidence: conf,
		Date: SeedDate, ArticleID: SeedID, Title: SeedTitle, URL: SeedURL, SourceName: SeedSource,
		Text: sentence, Marks: markOf(sentence, "APT31"),
	}
}

func dowden() bot.Item {
	it := Seed(news.Allegation, "Oliver Dowden", []string{"GB"}, []string{"APT31", "CN"}, "almost certain", SentDowden)
	it.Targets, it.EventDate = []string{"British MPs"}, "2021"
	return it
}

func indictment() bot.Item {
	it := Seed(news.Indictment, "Britain and the United States", []string{"GB", "US"}, []string{"APT31"}, "", SentIndictment)
	it.Targets = []string{"White House staff", "US senators", "British lawmakers"}
	return it
}

func sanction() bot.Item {
	return Seed(news.Sanction, "UK and US governments", []string{"GB", "US"}, []string{"Wuhan Xiaoruizhi Science and Technology"}, "", SentSanction)
}

func embassy() bot.Item {
	return Seed(news.Response, "Chinese Embassy in the UK", []string{"CN"}, nil, "", SentEmbassy)
}

func gru() bot.Item {
	return bot.Item{Kind: news.Allegation, Speaker: "NCSC", SpeakerCountry: []string{"GB"}, Accused: []string{"GRU", "RU"},
		Confidence: "almost certain", Date: time.Date(2024, 9, 5, 0, 0, 0, 0, time.UTC), EventDate: "2024",
		ArticleID: NCSCID, Title: NCSCTitle, URL: NCSCURL, SourceName: "NCSC", Text: SentGRU, Marks: markOf(SentGRU, "GRU")}
}

// Case is one named reply.
type Case struct {
	Name  string
	Reply bot.Reply
}

// Cases returns one reply of every kind, in a fixed order.
func Cases() []Case {
	search := bot.Reply{Kind: bot.KindResults, Title: "6 statements for APT31", Page: 1, Pages: 2, Next: "search APT31 page:2",
		Sections: []bot.Section{{Items: []bot.Item{dowden(), indictment(), gru(), sanction(), embassy()}}}}
	article := bot.Reply{Kind: bot.KindArticle, Title: SeedTitle,
		Fields: []bot.Field{{Label: "Published", Value: "25 Mar 2024"}, {Label: "Source", Value: SeedSource + " " + SeedURL},
			{Label: "Accused", Value: "APT31, CN"}, {Label: "Speakers' countries", Value: "CN, GB, US"}},
		Sections: []bot.Section{{Heading: "4 statements", Items: []bot.Item{dowden(), indictment(), sanction(), embassy()}}}}
	latest := bot.Reply{Kind: bot.KindResults, Title: "Latest 2 statements for kind:sanction",
		Sections: []bot.Section{{Items: []bot.Item{sanction(), func() bot.Item {
			it := sanction()
			it.Text, it.Accused = "The US Treasury sanctioned two Chinese nationals for their role in the APT31 campaign.", []string{"APT31"}
			it.Marks = nil
			return it
		}()}}}}
	actor := bot.Reply{Kind: bot.KindActor, Title: "APT31",
		Text: "APT31 is a China-based threat group that has been active since at least 2010.",
		Fields: []bot.Field{{Label: "Also known as", Value: "ZIRCONIUM, Violet Typhoon, Judgment Panda, BRONZE VINEWOOD"},
			{Label: "Suspected sponsor", Value: "CN"}},
		Sections: []bot.Section{{Heading: "Timeline: 2 statements, newest first", Items: []bot.Item{indictment(), dowden()}}},
		Footer:   "Sources: MITRE ATT&CK G0128; MISP galaxy"}
	actorEmpty := bot.Reply{Kind: bot.KindActor, Title: "Sandworm Team",
		Fields: []bot.Field{{Label: "Also known as", Value: "ELECTRUM, Telebots, IRON VIKING"}, {Label: "Suspected sponsor", Value: "RU"}},
		Text:   "Sandworm Team is a destructive threat group attributed to Russia's GRU.\nNo statements about Sandworm Team yet. Try: search \"Sandworm Team\""}
	alias := bot.Reply{Kind: bot.KindResults, Title: "2 statements for Violet Typhoon", Page: 1, Pages: 1,
		Text:     "Violet Typhoon = APT31 (its other names count too)",
		Sections: []bot.Section{{Items: []bot.Item{indictment(), dowden()}}}}
	none := bot.Reply{Kind: bot.KindResults, Title: "0 statements for since:2030-01-01 APT31",
		Text: "No statements match. Try fewer words, another name for the actor (actor <name> lists them), or drop a filter."}
	preview := bot.Reply{Kind: bot.KindDigest, Title: "Preview: Digest for Wed 27 Mar 2024, 08:00 GMT",
		Text:   "Next digest: Wed 27 Mar 08:00 GMT (in 13 h 20 min), if anything new comes in by then.",
		Footer: "Nothing new since Tue 26 Mar 08:00 GMT."}
	d := dowden()
	d.Answers = []bot.Item{embassy()}
	digest := bot.Reply{Kind: bot.KindDigest, Title: "Digest for Tue 26 Mar 2024, 08:00 GMT",
		Text: "7 new statements since Mon 25 Mar 08:00 GMT.",
		Sections: []bot.Section{
			{Heading: "APT31", Items: []bot.Item{d, indictment()}},
			{Heading: "GRU", Items: []bot.Item{gru()}},
		},
		Footer: "also: 2 on CN — try: search actor:CN · latest 50"}
	help := bot.Reply{Kind: bot.KindMessage, Title: "newsdesk commands",
		Text: "Ask about state cyber attributions: who accused whom, of what, and what they answered.\nsearch <words> [actor:APT31] [by:GB]\nshow <article id>\nlatest [n] [kind:allegation]\nhelp [command]"}
	articleHits := bot.Reply{Kind: bot.KindResults, Title: "0 statements for ransomware Electoral", Page: 1, Pages: 1,
		Text: "No official statements match, but 1 article does:",
		Sections: []bot.Section{{Items: []bot.Item{{ArticleID: SeedID, Title: SeedTitle, URL: SeedURL, SourceName: SeedSource, Date: SeedDate,
			Text: "…a complex attack on the Electoral Commission, including the accounts of MPs, during the 2021-2022 period…"}}}}}
	counts := bot.Reply{Kind: bot.KindMessage, Title: "12 statements for since:2024-01-01 APT31",
		Fields: []bot.Field{{Label: "By kind", Value: "allegation 6 · indictment 3 · sanction 2 · response 1"},
			{Label: "By accuser", Value: "US 7 · GB 4 · NZ 1 · CN 1"}, {Label: "Accused", Value: "APT31 12 · CN 5 · MSS 2 · others 1"}},
		Footer: "Try: search since:2024-01-01 APT31 by:US"}
	errReply := bot.Reply{Kind: bot.KindError, Text: `since: "soon" is not a date. Try: since:YYYY-MM-DD, e.g. since:2024-03-01`}
	return []Case{
		{"search", search},
		{"search_alias", alias},
		{"search_none", none},
		{"show", article},
		{"latest", latest},
		{"actor", actor},
		{"actor_empty", actorEmpty},
		{"digest", digest},
		{"digest_preview_quiet", preview},
		{"help", help},
		{"article_hits", articleHits},
		{"counts", counts},
		{"error", errReply},
		{"hostile", Hostile()},
	}
}

// Hostile is a reply whose every outside string tries to ping a channel
// or to break the layout.
func Hostile() bot.Reply {
	evil := "<!channel> @everyone @here <@U123> <@!123456789012345678> <#C1> *b* _i_ ~s~ `c` [x](https://evil.example) \x1b[2J \u202e"
	it := Seed(news.Allegation, "NCSC "+evil, []string{"GB"}, []string{"APT31 <@&1>"}, "likely <!here>", "Quote: \""+evil+"\".")
	it.Title, it.URL, it.SourceName, it.ArticleID = "# Breaking <!channel> @everyone", "javascript:alert(1)", "@here news", "<@U5>"
	return bot.Reply{Kind: bot.KindResults, Title: "> @everyone *title*", Text: "- list\n# head " + evil,
		Sections: []bot.Section{{Items: []bot.Item{it}}}, Footer: "<!channel> footer"}
}
