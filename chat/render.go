package chat

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newsdesk/newsdesk/news"
)

// Rendering helpers shared by the platforms' renderers. Each platform
// escapes for its own markup (Slack mrkdwn, Discord markdown); what is the
// same everywhere lives here.

// KindLabel is a statement kind's badge label: Allegation, Indictment,
// Sanction, Response, Statement (other); Article for an article hit (no
// kind); an unknown kind as written.
func KindLabel(k news.Kind) string {
	switch k {
	case "":
		return "Article"
	case news.Allegation:
		return "Allegation"
	case news.Indictment:
		return "Indictment"
	case news.Sanction:
		return "Sanction"
	case news.Response:
		return "Response"
	case news.Other:
		return "Statement"
	}
	return string(k)
}

// Icons are a platform's badge icons by kind: Other's also stands for a
// kind newsdesk does not know.
type Icons struct {
	Article, Allegation, Indictment, Sanction, Response, Other string
}

// For is the icon of kind k.
func (ic Icons) For(k news.Kind) string {
	switch k {
	case "":
		return ic.Article
	case news.Allegation:
		return ic.Allegation
	case news.Indictment:
		return ic.Indictment
	case news.Sanction:
		return ic.Sanction
	case news.Response:
		return ic.Response
	}
	return ic.Other
}

// Who is a statement's who line: "Speaker (GB, US) → APT31, CN", the
// speaker's countries alone when it names no speaker, "" when it names no
// one. text makes each piece safe for the platform (escaping, one line);
// emph marks up the accused (bold where the platform has it).
func Who(speaker string, countries, accused []string, text, emph func(string) string) string {
	var parts []string
	sp := text(speaker)
	if len(countries) > 0 {
		c := text(strings.Join(countries, ", "))
		if strings.TrimSpace(sp) == "" {
			sp = c
		} else {
			sp += " (" + c + ")"
		}
	}
	if sp = strings.TrimSpace(sp); sp != "" {
		parts = append(parts, sp)
	}
	if len(accused) > 0 {
		parts = append(parts, "→ "+emph(text(strings.Join(accused, ", "))))
	}
	return strings.Join(parts, " ")
}

// Truncate shortens s to at most n characters, ending with an ellipsis
// (and no white space before it) when cut.
func Truncate(s string, n int) string {
	if n <= 0 || utf8.RuneCountInString(s) <= n {
		return s
	}
	if n == 1 {
		return "…"
	}
	i, count := 0, 0
	for j := range s {
		if count == n-1 {
			i = j
			break
		}
		count++
	}
	return strings.TrimRightFunc(s[:i], unicode.IsSpace) + "…"
}

// ValidMarks returns the match ranges of text (byte offsets, [start, end))
// that a renderer may emphasise: in order, within text, not overlapping,
// on character boundaries. The rest are dropped.
func ValidMarks(text string, marks [][2]int) [][2]int {
	ms := slices.Clone(marks)
	slices.SortStableFunc(ms, func(a, b [2]int) int { return a[0] - b[0] })
	var out [][2]int
	pos := 0
	for _, m := range ms {
		s, e := m[0], m[1]
		if s < pos || e <= s || e > len(text) || !utf8.RuneStart(text[s]) || (e < len(text) && !utf8.RuneStart(text[e])) {
			continue
		}
		out = append(out, m)
		pos = e
	}
	return out
}

// DefuseAt puts joiner (an invisible character) after every @ that starts
// one of words (case-insensitively), so that text from outside never
// becomes a mass mention (@everyone, @here) whatever the client does.
func DefuseAt(s, joiner string, words ...string) string {
	if !strings.Contains(s, "@") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		b.WriteByte(s[i])
		if s[i] != '@' {
			continue
		}
		rest := s[i+1:]
		for _, w := range words {
			if len(rest) >= len(w) && strings.EqualFold(rest[:len(w)], w) {
				b.WriteString(joiner)
				break
			}
		}
	}
	return b.String()
}
