package slack

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/chat"
	"github.com/newsdesk/newsdesk/news"
)

// Slack limits (https://docs.slack.dev/reference/block-kit/blocks).
const (
	maxBlocks        = 50   // blocks per message
	maxSectionText   = 3000 // characters per section text
	maxHeaderText    = 150  // characters per header
	maxFieldText     = 2000 // characters per section field
	maxSectionFields = 10   // fields per section
	maxContextText   = 2000 // characters per context element (kept well below Slack's limit)
	maxFallbackText  = 3000 // characters of the notification text we send with blocks
)

// DefaultCommand is the slash command's name when the config sets none.
const DefaultCommand = "/newsdesk"

var escaper = strings.NewReplacer(
	"&", "&amp;", "<", "&lt;", ">", "&gt;",
	// Formatting characters become look-alikes so that text from an article
	// can neither open nor close our own bold, italic, strike or code spans.
	"*", "\u2217", // ∗ asterisk operator
	"_", "\u02cd", // ˍ modifier letter low macron
	"~", "\u223c", // ∼ tilde operator
	"`", "\u02cb", // ˋ modifier letter grave accent
)

// Escape makes untrusted text safe inside Slack mrkdwn: &, < and > are
// escaped, so <!channel>, <!here>, <!everyone>, <@U…>, <#C…> and links
// never become live; bare @everyone, @here and @channel get an invisible
// word joiner after the @ so that no client or link_names setting turns them
// into a mass mention; the formatting characters * _ ~ ` are replaced by
// look-alikes so they cannot break the layout around them; control characters
// other than newline and tab are dropped.
func Escape(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if unicode.IsControl(r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, s)
	return defuseAt(escaper.Replace(s))
}

// defuseAt inserts U+2060 WORD JOINER after an @ that starts a mass mention.
func defuseAt(s string) string { return chat.DefuseAt(s, "\u2060", "everyone", "here", "channel") }

// plain makes untrusted text safe for a plain_text object: Slack does not
// parse plain_text, but as defence in depth the opening bracket of anything
// shaped like a mention or channel link (<!, <@, <#) becomes a look-alike and
// mass mentions are defused.
func plain(s string) string {
	s = strings.Join(strings.Fields(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)), " ")
	s = mentionOpeners.Replace(s)
	return defuseAt(s)
}

// mentionOpeners turns the opening bracket of a mention or channel link
// into a look-alike (see plain).
var mentionOpeners = strings.NewReplacer("<!", "\u2039!", "<@", "\u2039@", "<#", "\u2039#")

// oneLine turns newlines and tabs into spaces without changing byte offsets.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == '\t' {
			return ' '
		}
		return r
	}, s)
}

// truncate shortens s to at most n characters, ending with an ellipsis when cut.
func truncate(s string, n int) string { return chat.Truncate(s, n) }

// truncateEscaped shortens escaped mrkdwn without cutting an entity (&amp;).
func truncateEscaped(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	t := truncate(s, n)
	body := strings.TrimSuffix(t, "…")
	if amp := strings.LastIndexByte(body, '&'); amp >= 0 && !strings.Contains(body[amp:], ";") {
		body = body[:amp]
	}
	return body + "…"
}

// cutEscaped returns the longest prefix of escaped mrkdwn s with at most n
// characters that does not end inside an entity; it is never empty.
func cutEscaped(s string, n int) string {
	end, count := len(s), 0
	for i := range s {
		if count == n {
			end = i
			break
		}
		count++
	}
	head := s[:end]
	if amp := strings.LastIndexByte(head, '&'); amp > 0 && !strings.Contains(head[amp:], ";") {
		head = head[:amp]
	}
	return head
}

// link renders <url|label> when u is an http(s) URL, else the escaped label.
func link(u, label string) string {
	label = Escape(oneLine(label))
	if label == "" {
		label = Escape(u)
	}
	pu, err := url.Parse(strings.TrimSpace(u))
	if err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
		return label
	}
	return "<" + urlEscaper.Replace(pu.String()) + "|" + label + ">"
}

// urlEscaper makes a parsed URL safe inside <url|label>: what would end
// the link or break the entity is escaped.
var urlEscaper = strings.NewReplacer("&", "&amp;", "<", "%3C", ">", "%3E", "|", "%7C", " ", "%20")

var icons = chat.Icons{Article: ":newspaper:", Allegation: ":mega:", Indictment: ":scales:", Sanction: ":no_entry:",
	Response: ":speech_balloon:", Other: ":memo:"}

// badge is a kind's emoji and its label in bold.
func badge(k news.Kind) string { return icons.For(k) + " *" + Escape(chat.KindLabel(k)) + "*" }

func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, true)
}

func section(s string) *slack.SectionBlock {
	return slack.NewSectionBlock(mrkdwn(truncateEscaped(s, maxSectionText)), nil, nil)
}

// marked renders text (one line) with its mark ranges in bold, escaped.
// Marks that are out of range, overlapping or not on character boundaries
// are ignored; limit > 0 truncates the text first (marks past the cut go).
func marked(text string, marks [][2]int, limit int) string {
	text = oneLine(text)
	cut := false
	if limit > 0 && utf8.RuneCountInString(text) > limit {
		text = strings.TrimSuffix(truncate(text, limit), "…")
		cut = true
	}
	var b strings.Builder
	pos := 0
	for _, m := range chat.ValidMarks(text, marks) {
		s, e := m[0], m[1]
		word := text[s:e]
		trimmed := strings.TrimSpace(word)
		if trimmed == "" {
			continue
		}
		lead := word[:strings.Index(word, trimmed)]
		trail := word[len(lead)+len(trimmed):]
		b.WriteString(Escape(text[pos:s]))
		b.WriteString(lead + "*" + Escape(trimmed) + "*" + trail)
		pos = e
	}
	b.WriteString(Escape(text[pos:]))
	if cut {
		b.WriteString("…")
	}
	return b.String()
}

// who renders "Speaker (GB, US) → *APT31, CN*".
func who(it bot.Item) string {
	return chat.Who(it.Speaker, it.SpeakerCountry, it.Accused,
		func(s string) string { return Escape(oneLine(s)) },
		func(s string) string { return "*" + s + "*" })
}

// itemText renders one hit; sentenceLimit > 0 truncates the sentence.
// Under its article's header (grouped) the hit leaves out the article's
// date, link, outlet and id, which the header shows once.
func itemText(it bot.Item, sentenceLimit int, grouped bool) string {
	var b strings.Builder
	head := []string{badge(it.Kind)}
	if w := who(it); w != "" {
		head = append(head, w)
	}
	if it.Confidence != "" {
		head = append(head, "_"+Escape(it.Confidence)+"_")
	}
	if !it.Date.IsZero() && !grouped {
		head = append(head, it.Date.Format("2006-01-02"))
	}
	if it.EventDate != "" {
		head = append(head, "event "+Escape(it.EventDate))
	}
	b.WriteString(strings.Join(head, " · "))
	if len(it.Targets) > 0 {
		b.WriteString("\nTargets: " + Escape(oneLine(strings.Join(it.Targets, ", "))))
	}
	if it.Text != "" {
		b.WriteString("\n>" + marked(it.Text, it.Marks, sentenceLimit))
	}
	src := []string{}
	if !grouped { // grouped: the article's header names its source once
		if it.Title != "" || it.URL != "" {
			src = append(src, link(it.URL, it.Title))
		}
		if it.SourceName != "" {
			src = append(src, Escape(oneLine(it.SourceName)))
		}
		if it.ArticleID != "" {
			src = append(src, "`"+Escape(it.ArticleID)+"`")
		}
	}
	if len(src) > 0 {
		b.WriteString("\n" + strings.Join(src, " · "))
	}
	if also := reportedBy(it); also != "" {
		b.WriteString("\n" + also)
	}
	for _, a := range it.Answers {
		ans := []string{badge(a.Kind)}
		if w := who(a); w != "" {
			ans = append(ans, w)
		}
		line := "\n↳ " + strings.Join(ans, " · ")
		if a.Text != "" {
			lim := 300
			if sentenceLimit > 0 && sentenceLimit < lim {
				lim = sentenceLimit
			}
			q, _ := bot.NormaliseQuotes(a.Text, nil)
			line += ": “" + marked(q, nil, lim) + "”"
		}
		if a.URL != "" && (!grouped || !bot.SameArticle(it, a)) {
			line += " " + link(a.URL, orDefault(a.SourceName, "source"))
		}
		b.WriteString(line)
	}
	return b.String()
}

// reportedBy links the other outlets that carried the claim: "Also
// reported by <url|BBC News (26 Mar 2024)>, …" ("" for one source).
func reportedBy(it bot.Item) string {
	others := it.OtherSources()
	if len(others) == 0 {
		return ""
	}
	parts := make([]string, len(others))
	for i, r := range others {
		parts[i] = link(r.URL, orDefault(r.Label(), "source"))
	}
	return "Also reported by " + strings.Join(parts, ", ")
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// itemBlock renders one hit as a section within Slack's 3,000 characters.
func itemBlock(it bot.Item, grouped bool) slack.Block {
	for _, lim := range []int{0, 1500, 600, 200, 80} {
		if t := itemText(it, lim, grouped); utf8.RuneCountInString(t) <= maxSectionText {
			return slack.NewSectionBlock(mrkdwn(t), nil, nil)
		}
	}
	return section(itemText(it, 40, grouped))
}

// headerText is an article's header: its headline as a link (the one place
// its URL appears), then outlet · date · the show command.
func headerText(g bot.Group) string {
	title := g.Title
	if strings.TrimSpace(title) == "" {
		title = "Article"
	}
	head := ":newspaper: *" + link(g.URL, truncate(oneLine(title), 300)) + "*"
	var meta []string
	if g.SourceName != "" {
		meta = append(meta, Escape(oneLine(g.SourceName)))
	}
	if !g.Date.IsZero() {
		meta = append(meta, g.Date.Format("2006-01-02"))
	}
	if g.ArticleID != "" {
		meta = append(meta, "`show "+Escape(oneLine(g.ArticleID))+"`")
	}
	if len(meta) > 0 {
		head += "\n" + strings.Join(meta, " · ")
	}
	return head
}

// groupBlocks renders one article's header and its items. An article hit
// (no statement) is its header with the matching passage under it.
func groupBlocks(g bot.Group, header bool) []slack.Block {
	if !header || !g.HasHeader() {
		// without a header of its own (show: the reply is the article)
		var out []slack.Block
		for _, it := range g.Items {
			out = append(out, itemBlock(it, !header))
		}
		return out
	}
	h := headerText(g)
	var out []slack.Block
	var rest []bot.Item
	for _, it := range g.Items {
		if it.Kind == "" && it.Speaker == "" && len(it.SpeakerCountry) == 0 && len(it.Accused) == 0 {
			if it.Text != "" {
				h += "\n>" + marked(it.Text, it.Marks, 1000)
			}
			continue
		}
		rest = append(rest, it)
	}
	out = append(out, section(h))
	for _, it := range rest {
		out = append(out, itemBlock(it, true))
	}
	return out
}

// textBlocks renders a plain-text body as sections of at most 3,000
// characters, split at paragraph or line boundaries where possible.
func textBlocks(text string) []slack.Block {
	var out []slack.Block
	var cur strings.Builder
	flush := func() {
		if strings.TrimSpace(cur.String()) != "" {
			out = append(out, slack.NewSectionBlock(mrkdwn(strings.TrimRight(cur.String(), "\n")), nil, nil))
		}
		cur.Reset()
	}
	for _, line := range strings.SplitAfter(text, "\n") {
		esc := Escape(line)
		for utf8.RuneCountInString(esc) > maxSectionText {
			flush()
			head := cutEscaped(esc, maxSectionText)
			out = append(out, slack.NewSectionBlock(mrkdwn(head), nil, nil))
			esc = esc[len(head):]
		}
		if utf8.RuneCountInString(cur.String())+utf8.RuneCountInString(esc) > maxSectionText {
			flush()
		}
		cur.WriteString(esc)
	}
	flush()
	return out
}

// Render turns a reply into Block Kit blocks: a header, the text, labelled
// fields, then per article a section with its headline linked, outlet,
// date and show id, followed by its items, each a section (kind badge,
// speaker (countries) → accused, confidence, event date, targets, the
// sentence with its matches in bold, answers) and the footer and paging hint in a context block. An error renders as one
// short section. Every string from the reply is escaped. The result may hold
// more than 50 blocks: Post splits it into several messages.
func Render(r bot.Reply) []slack.Block { return render(r, DefaultCommand) }

func render(r bot.Reply, command string) []slack.Block {
	if r.Kind == bot.KindError {
		return []slack.Block{section(":warning: " + Escape(oneLine(r.Text)))}
	}
	var blocks []slack.Block
	if t := plain(r.Title); t != "" {
		blocks = append(blocks, slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, truncate(t, maxHeaderText), false, false)))
	}
	if strings.TrimSpace(r.Text) != "" {
		blocks = append(blocks, textBlocks(r.Text)...)
	}
	for fs := range slices.Chunk(r.Fields, maxSectionFields) {
		var fields []*slack.TextBlockObject
		for _, f := range fs {
			txt := "*" + Escape(oneLine(f.Label)) + "*\n" + Escape(f.Value)
			fields = append(fields, mrkdwn(truncateEscaped(txt, maxFieldText)))
		}
		blocks = append(blocks, slack.NewSectionBlock(nil, fields, nil))
	}
	for i, s := range r.Sections {
		if s.Heading != "" {
			if i > 0 || len(blocks) > 1 {
				blocks = append(blocks, slack.NewDividerBlock())
			}
			blocks = append(blocks, section("*"+Escape(oneLine(s.Heading))+"*"))
		}
		for _, g := range s.Groups() {
			// show is one article: its title and fields are the header
			blocks = append(blocks, groupBlocks(g, r.Kind != bot.KindArticle)...)
		}
	}
	var ctx []string
	if r.Footer != "" {
		ctx = append(ctx, Escape(oneLine(r.Footer)))
	}
	if r.Pages > 1 {
		ctx = append(ctx, fmt.Sprintf("Page %d of %d", r.Page, r.Pages))
	}
	if r.Next != "" {
		ctx = append(ctx, "Next page: `"+Escape(command+" "+oneLine(r.Next))+"`")
	}
	if len(ctx) > 0 {
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn(truncateEscaped(strings.Join(ctx, " · "), maxContextText))))
	}
	if len(blocks) == 0 {
		blocks = append(blocks, section("Nothing to show."))
	}
	return blocks
}

// fallbackText is the message's notification text (shown where blocks are
// not: notifications, screen readers), escaped like every other string.
func fallbackText(r bot.Reply) string {
	t := r.Title
	if t == "" {
		t = r.Text
	}
	if t == "" && r.Kind == bot.KindResults {
		t = "Search results"
	}
	return truncateEscaped(Escape(oneLine(strings.TrimSpace(t))), maxFallbackText)
}

// split cuts blocks into messages of at most 50 blocks.
func split(blocks []slack.Block) [][]slack.Block {
	return slices.Collect(slices.Chunk(blocks, maxBlocks))
}
