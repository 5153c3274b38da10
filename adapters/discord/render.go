package discord

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/chat"
	"github.com/newsdesk/newsdesk/news"
)

// Discord's limits on embeds (characters are counted as runes).
const (
	MaxTitle            = 256
	MaxDescription      = 4096
	MaxFields           = 25
	MaxFieldName        = 256
	MaxFieldValue       = 1024
	MaxFooter           = 2048
	MaxEmbedChars       = 6000 // all embeds of one message together
	MaxEmbedsPerMessage = 10
)

// footerBudget is the part of an embed's 6,000 characters that Render keeps
// free for the footer (paging hint, notes) and Post's slot marker.
const (
	footerCap    = 512
	footerBudget = footerCap + 64
	embedBudget  = MaxEmbedChars - footerBudget
)

// Colours by reply kind.
var kindColor = map[bot.ReplyKind]int{
	bot.KindMessage: 0x64748B,
	bot.KindResults: 0x3B82F6,
	bot.KindArticle: 0x6366F1,
	bot.KindActor:   0xF59E0B,
	bot.KindDigest:  0x10B981,
	bot.KindError:   0xEF4444,
}

var icons = chat.Icons{Article: "📰", Allegation: "🔎", Indictment: "⚖️", Sanction: "⛔", Response: "💬", Other: "📄"}

// badge is a kind's emoji and its label.
func badge(k news.Kind) string { return icons.For(k) + " " + chat.KindLabel(k) }

// plainText is who-line text before fit escapes it: one line.
func plainText(s string) string { return oneLine(s) }

func asIs(s string) string { return s }

// Render turns a reply into Discord embeds, each within Discord's limits
// (title 256, description 4,096, 25 fields of 256/1,024, 6,000 characters
// in all). Items become fields: the name carries the kind badge and speaker
// (countries) → accused, the value the sentence (emphasis from Marks), the
// confidence, the dates and the source link. Sections with a heading start
// a new embed; long answers continue in further embeds (Post and the reply
// path split them into messages of at most 10 embeds and 6,000 characters).
// The paging hint goes in the last embed's footer. All outside text is
// escaped (Escape); footers are plain text on Discord and are only cut to
// length.
func Render(r bot.Reply) []*discordgo.MessageEmbed {
	color, ok := kindColor[r.Kind]
	if !ok {
		color = kindColor[bot.KindMessage]
	}
	var out []*discordgo.MessageEmbed
	cur := &discordgo.MessageEmbed{Type: discordgo.EmbedTypeRich, Color: color}
	cur.Title = fit(r.Title, MaxTitle)
	if strings.TrimSpace(r.Text) != "" {
		cur.Description = fit(r.Text, MaxDescription)
	}
	out = append(out, cur)
	newEmbed := func(title string) {
		cur = &discordgo.MessageEmbed{Type: discordgo.EmbedTypeRich, Color: color, Title: title}
		out = append(out, cur)
	}
	addField := func(f *discordgo.MessageEmbedField) {
		if len(cur.Fields) >= MaxFields || chars(cur)+fieldChars(f) > embedBudget {
			newEmbed("")
		}
		cur.Fields = append(cur.Fields, f)
	}
	for _, f := range r.Fields {
		if strings.TrimSpace(f.Label) == "" && strings.TrimSpace(f.Value) == "" {
			continue
		}
		v := fit(oneLine(f.Value), MaxFieldValue)
		addField(&discordgo.MessageEmbedField{Name: nonEmpty(fit(oneLine(f.Label), MaxFieldName)), Value: nonEmpty(v),
			Inline: utf8.RuneCountInString(v) <= 40})
	}
	for _, s := range r.Sections {
		if h := strings.TrimSpace(s.Heading); h != "" {
			if cur.Title == "" && cur.Description == "" && len(cur.Fields) == 0 {
				cur.Title = fit(h, MaxTitle)
			} else {
				newEmbed(fit(h, MaxTitle))
			}
		}
		for _, g := range s.Groups() {
			switch {
			case !g.HasHeader():
				for _, it := range g.Items {
					addField(itemField(it, false))
				}
			case r.Kind == bot.KindArticle: // show: the reply is the article
				for _, it := range g.Items {
					addField(itemField(it, true))
				}
			default:
				f, rest := headerField(g)
				addField(f)
				for _, it := range rest {
					addField(itemField(it, true))
				}
			}
		}
	}
	var foot []string
	if f := strings.TrimSpace(r.Footer); f != "" {
		foot = append(foot, f)
	}
	if r.Pages > 1 {
		p := fmt.Sprintf("Page %d/%d", r.Page, r.Pages)
		if r.Next != "" {
			p += " · next: " + oneLine(r.Next)
		}
		foot = append(foot, p)
	}
	if len(foot) > 0 {
		// Footers show plain text (no markdown, no mentions); mentions are
		// broken all the same.
		cur.Footer = &discordgo.MessageEmbedFooter{Text: cut(noPing(strings.Join(foot, " · ")), footerCap)}
	}
	if out[0].Title == "" && out[0].Description == "" && len(out[0].Fields) == 0 && out[0].Footer == nil && len(out) == 1 {
		out[0].Description = "Nothing to show."
	}
	return out
}

// headerField renders an article's header: its headline as the name, then
// its outlet linked (the one place its URL appears), date and show id, and
// for an article hit the matching passage. It returns the group's
// statements, which follow as fields of their own.
func headerField(g bot.Group) (*discordgo.MessageEmbedField, []bot.Item) {
	title := oneLine(g.Title)
	if title == "" {
		title = "Article"
	}
	name := cutEscaped("📰 "+fit(title, MaxFieldName-4), MaxFieldName)
	var meta []string
	if l := link(bot.Item{Kind: "x", Title: g.Title, URL: g.URL, SourceName: g.SourceName}); l != "" {
		meta = append(meta, l)
	}
	if !g.Date.IsZero() {
		meta = append(meta, g.Date.Format("2006-01-02"))
	}
	if id := oneLine(g.ArticleID); id != "" {
		meta = append(meta, "show "+fit(id, 100))
	}
	var lines []string
	var rest []bot.Item
	for _, it := range g.Items {
		if it.Kind == "" && it.Speaker == "" && len(it.SpeakerCountry) == 0 && len(it.Accused) == 0 {
			if t := oneLine(it.Text); t != "" {
				lines = append(lines, "> "+emphasise(it.Text, it.Marks, 600))
			}
			continue
		}
		rest = append(rest, it)
	}
	lines = append(lines, strings.Join(meta, " · "))
	return &discordgo.MessageEmbedField{Name: nonEmpty(name), Value: nonEmpty(cutEscaped(strings.Join(lines, "\n"), MaxFieldValue))}, rest
}

// itemField renders one statement or article hit as an embed field. Under
// its article's header (grouped) it leaves out the article's date and link.
func itemField(it bot.Item, grouped bool) *discordgo.MessageEmbedField {
	name := badge(it.Kind)
	who := chat.Who(it.Speaker, it.SpeakerCountry, it.Accused, plainText, asIs)
	if who == "" && !grouped {
		who = oneLine(it.Title)
	}
	if who != "" {
		name += " · " + fit(who, MaxFieldName)
	}
	name = cutEscaped(name, MaxFieldName)

	var meta []string
	if c := strings.TrimSpace(it.Confidence); c != "" {
		meta = append(meta, "*"+fit(c, 64)+"*")
	}
	if !it.Date.IsZero() && !grouped {
		meta = append(meta, it.Date.Format("2006-01-02"))
	}
	if e := strings.TrimSpace(it.EventDate); e != "" {
		meta = append(meta, "event "+fit(e, 32))
	}
	if len(it.Targets) > 0 {
		meta = append(meta, "targets: "+fit(strings.Join(it.Targets, ", "), 200))
	}
	if l := link(it); l != "" && !grouped {
		meta = append(meta, l)
	}
	if others := it.OtherSources(); len(others) > 0 {
		also := make([]string, len(others))
		for i, r := range others {
			also[i] = link(bot.Item{SourceName: r.SourceName, Title: r.Title, URL: r.URL, Kind: news.Allegation})
		}
		meta = append(meta, "also reported by "+strings.Join(also, ", "))
	}
	metaLine := strings.Join(meta, " · ")
	var answers []string
	for _, a := range it.Answers {
		who := chat.Who(a.Speaker, a.SpeakerCountry, nil, plainText, asIs)
		line := "↳ " + badge(a.Kind)
		if who != "" {
			line += " · " + fit(who, 100)
		}
		if t := oneLine(a.Text); t != "" {
			line += ": " + fit(t, 200)
		}
		answers = append(answers, line)
	}

	// The sentence gets what the other lines leave of the 1,024 characters.
	build := func(sentence string, answers []string, metaLine string) string {
		var lines []string
		if sentence != "" {
			lines = append(lines, "> "+sentence)
		}
		if metaLine != "" {
			lines = append(lines, metaLine)
		}
		lines = append(lines, answers...)
		return strings.Join(lines, "\n")
	}
	text := oneLine(it.Text)
	other := utf8.RuneCountInString(build("", answers, metaLine))
	for other > MaxFieldValue-100 && len(answers) > 0 {
		answers = answers[:len(answers)-1]
		other = utf8.RuneCountInString(build("", answers, metaLine))
	}
	if other > MaxFieldValue-100 {
		metaLine = cutEscaped(metaLine, MaxFieldValue/2)
		other = utf8.RuneCountInString(build("", answers, metaLine))
	}
	budget := MaxFieldValue - other - 3 // "> " and "\n"
	sentence := ""
	if text != "" {
		sentence = emphasise(it.Text, it.Marks, budget)
	}
	v := build(sentence, answers, metaLine)
	return &discordgo.MessageEmbedField{Name: nonEmpty(name), Value: nonEmpty(cutEscaped(v, MaxFieldValue))}
}

// link renders the item's source as a masked link when its URL is a plain
// http(s) URL; otherwise the source name alone.
func link(it bot.Item) string {
	label := oneLine(it.SourceName)
	if label == "" && it.Kind != "" {
		label = oneLine(it.Title)
	}
	if label == "" {
		label = "source"
	}
	label = fit(label, 100)
	u := safeURL(it.URL)
	if u == "" {
		if it.SourceName == "" {
			return ""
		}
		return label
	}
	return "[" + label + "](" + u + ")"
}

// safeURL returns u fit for a markdown link target, or "" when it is not an
// absolute http(s) URL.
func safeURL(raw string) string {
	raw = strings.TrimSpace(raw)
	if raw == "" || len(raw) > 512 {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return ""
	}
	return urlEscaper.Replace(u.String())
}

// urlEscaper escapes what would end a markdown link's URL or open a tag.
var urlEscaper = strings.NewReplacer("(", "%28", ")", "%29", " ", "%20", "<", "%3C", ">", "%3E")

// emphasise escapes text (one line) with the marked byte ranges in bold,
// within max characters (cutting with "…" when needed).
func emphasise(text string, marks [][2]int, max int) string {
	if max <= 1 {
		return ""
	}
	valid := chat.ValidMarks(text, marks)
	render := func(n int) string { // the first n bytes of text
		var b strings.Builder
		pos := 0
		for _, m := range valid {
			if m[0] >= n {
				break
			}
			end := min(m[1], n)
			b.WriteString(Escape(collapse(text[pos:m[0]])))
			if seg := Escape(collapse(text[m[0]:end])); strings.TrimSpace(seg) != "" {
				b.WriteString("**" + seg + "**")
			}
			pos = end
		}
		if pos < n {
			b.WriteString(Escape(collapse(text[pos:n])))
		}
		return strings.TrimSpace(b.String())
	}
	full := render(len(text))
	if utf8.RuneCountInString(full) <= max {
		return full
	}
	// Binary search the longest rune-aligned prefix whose rendering fits;
	// escaping only lengthens, so the prefix has fewer than max runes.
	lo, hi := 0, len(text)
	if n := runeOffset(text, max); n < hi {
		hi = n
	}
	for lo < hi {
		mid := (lo + hi + 1) / 2
		for mid > 0 && !utf8.RuneStart(text[mid]) {
			mid--
		}
		if mid <= lo {
			break
		}
		if utf8.RuneCountInString(render(mid))+1 <= max {
			lo = mid
		} else {
			hi = mid - 1
			for hi > 0 && hi < len(text) && !utf8.RuneStart(text[hi]) {
				hi--
			}
		}
	}
	return strings.TrimRight(render(lo), " \\") + "…"
}

var (
	reLineStart = regexp.MustCompile(`(?m)^(\s*)([>#+-]|\d+\.)`)
	mdEscaper   = strings.NewReplacer(
		`\`, `\\`, `*`, `\*`, `_`, `\_`, `~`, `\~`, "`", "\\`", `|`, `\|`, `[`, `\[`, `]`, `\]`,
	)
)

// Escape makes untrusted text (article titles, sentences, names) safe to
// put in Discord markdown: markdown characters are backslash-escaped
// (\ * _ ~ ` | [ ], and > # - + or "1." at the start of a line), and
// mentions are broken with a zero-width space so that @everyone, @here,
// <@id>, <@!id>, <@&id> and <#id> are shown as text. The empty
// AllowedMentions on every message is the real guard against pings; this is
// the second.
func Escape(s string) string {
	s = mdEscaper.Replace(s)
	s = reLineStart.ReplaceAllStringFunc(s, func(m string) string {
		i := len(m) - len(strings.TrimLeft(m, " \t\r\n\v\f"))
		lead, mark := m[:i], m[i:]
		if strings.HasSuffix(mark, ".") {
			return lead + mark[:len(mark)-1] + `\.`
		}
		return lead + `\` + mark
	})
	return noPing(s)
}

// noPing breaks <@…>/<#…> mentions, then @everyone and @here, with a
// zero-width space.
func noPing(s string) string {
	if !strings.Contains(s, "<") {
		return chat.DefuseAt(s, "\u200b", "everyone", "here")
	}
	s = mentionBreaker.Replace(s)
	return chat.DefuseAt(s, "\u200b", "everyone", "here")
}

// mentionBreaker puts a zero-width space inside <@ and <# (see noPing).
var mentionBreaker = strings.NewReplacer("<@", "<@\u200b", "<#", "<#\u200b")

// fit escapes s and cuts it (before escaping, so no escape is split) to at
// most max characters, ending in "…" when cut.
func fit(s string, max int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= max {
		if e := Escape(s); utf8.RuneCountInString(e) <= max {
			return e
		}
	}
	r := []rune(s[:runeOffset(s, max)])
	lo, hi := 0, min(len(r), max)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if utf8.RuneCountInString(Escape(string(r[:mid])))+1 <= max {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return strings.TrimRight(Escape(string(r[:lo])), " \\") + "…"
}

// runeOffset is the byte offset of the n-th rune of s (len(s) if fewer).
func runeOffset(s string, n int) int {
	for i := range s {
		if n == 0 {
			return i
		}
		n--
	}
	return len(s)
}

// cutEscaped cuts already-escaped text to max characters without leaving a
// dangling backslash.
func cutEscaped(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)[:max-1]
	out := string(r)
	// Drop a trailing odd backslash run so that "…" is not escaped.
	n := 0
	for i := len(out) - 1; i >= 0 && out[i] == '\\'; i-- {
		n++
	}
	if n%2 == 1 {
		out = out[:len(out)-1]
	}
	return out + "…"
}

// cut shortens plain text to max characters.
func cut(s string, max int) string { return chat.Truncate(s, max) }

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// collapse turns every run of whitespace into one space, keeping a space at
// either end when there was one.
func collapse(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

func nonEmpty(s string) string {
	if strings.TrimSpace(s) == "" {
		return "\u200b"
	}
	return s
}

func fieldChars(f *discordgo.MessageEmbedField) int {
	return utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
}

// chars counts an embed's characters toward the 6,000 limit.
func chars(e *discordgo.MessageEmbed) int {
	n := utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description)
	for _, f := range e.Fields {
		n += fieldChars(f)
	}
	if e.Footer != nil {
		n += utf8.RuneCountInString(e.Footer.Text)
	}
	if e.Author != nil {
		n += utf8.RuneCountInString(e.Author.Name)
	}
	return n
}

// split groups embeds into messages of at most 10 embeds and 6,000
// characters.
func split(embeds []*discordgo.MessageEmbed) [][]*discordgo.MessageEmbed {
	return splitReserving(embeds, 0)
}

// splitReserving groups embeds into messages within Discord's limits (10
// embeds, 6,000 characters), keeping room for reserve more characters in
// every message (a mark in its last embed's footer).
func splitReserving(embeds []*discordgo.MessageEmbed, reserve int) [][]*discordgo.MessageEmbed {
	var out [][]*discordgo.MessageEmbed
	var cur []*discordgo.MessageEmbed
	total := 0
	for _, e := range embeds {
		n := chars(e)
		if len(cur) > 0 && (len(cur) == MaxEmbedsPerMessage || total+n+reserve > MaxEmbedChars) {
			out = append(out, cur)
			cur, total = nil, 0
		}
		cur = append(cur, e)
		total += n
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}
