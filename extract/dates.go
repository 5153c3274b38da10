package extract

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

var months = map[string]time.Month{
	"january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5, "june": 6, "jun": 6,
	"july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
	"december": 12, "dec": 12,
}

const monthRe = `(January|February|March|April|May|June|July|August|September|October|November|December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)`

var (
	reISO      = regexp.MustCompile(`\b(19\d\d|20\d\d)-(0[1-9]|1[0-2])-([0-2]\d|3[01])\b`)
	reMDY      = regexp.MustCompile(`\b` + monthRe + `\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4}))?`)
	reDMY      = regexp.MustCompile(`\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?` + monthRe + `\b(?:,?\s+(\d{4}))?`)
	reMY       = regexp.MustCompile(`\b` + monthRe + `\s+(?:of\s+)?(\d{4})\b`)
	reYear     = regexp.MustCompile(`\b(19[89]\d|20\d\d)\b`)
	reWeekday  = regexp.MustCompile(`\b(?:on|last|this)\s+(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b`)
	reSameDay  = regexp.MustCompile(`(?i)\b(?:the same day|that day|on the same date)\b`)
	reRelative = regexp.MustCompile(`(?i)\b(yesterday|today)\b`)
)

// monthPrefixes start every spelling monthRe accepts (it is case-sensitive).
var monthPrefixes = []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// dmyLead is the most a day-month date puts before its month: "31st of ".
const dmyLead = 12

// firstMonth is the byte offset of the first month prefix that starts a
// word in text, or -1.
func firstMonth(text string) int {
	first := -1
	for _, m := range monthPrefixes {
		for from := 0; from < len(text); {
			i := strings.Index(text[from:], m)
			if i < 0 {
				break
			}
			i += from
			if i == 0 || !isWordByte(text[i-1]) {
				if first < 0 || i < first {
					first = i
				}
				break
			}
			from = i + len(m)
		}
	}
	return first
}

// wordStart moves i back to the start of the word it is in.
func wordStart(text string, i int) int {
	for i > 0 && isWordByte(text[i-1]) {
		i--
	}
	return i
}

func isWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b >= 0x80
}

func findIn(re *regexp.Regexp, text string, ok bool) []int {
	if !ok {
		return nil
	}
	return re.FindStringSubmatchIndex(text)
}

type match struct {
	pos  int
	date string
}

// date returns the first date the sentence states, as YYYY-MM-DD, YYYY-MM or
// YYYY, and remembers it for "the same day".
func (st *docState) date(text string) string {
	if !strings.ContainsAny(text, "0123456789") && !strings.Contains(text, "day") {
		return ""
	}
	best := match{pos: len(text) + 1}
	try := func(pos int, d string) {
		if d != "" && pos < best.pos {
			best = match{pos, d}
		}
	}
	if m := reISO.FindStringSubmatchIndex(text); m != nil {
		try(m[0], text[m[0]:m[1]])
	}
	// the month patterns cannot start from a literal, so they are costly:
	// run them only from where the sentence first names a month (a day
	// before it takes at most dmyLead bytes)
	first := firstMonth(text)
	named := first >= 0
	var mtext, dtext string
	moff, doff := 0, 0
	if named {
		moff, doff = first, wordStart(text, max(0, first-dmyLead))
		mtext, dtext = text[moff:], text[doff:]
	}
	shift := func(m []int, off int) []int {
		for i := range m {
			if m[i] >= 0 {
				m[i] += off
			}
		}
		return m
	}
	if m := findIn(reMDY, mtext, named); m != nil {
		m = shift(m, moff)
		mon := months[strings.ToLower(strings.TrimSuffix(text[m[2]:m[3]], "."))]
		day, _ := strconv.Atoi(text[m[4]:m[5]])
		year := 0
		if m[6] >= 0 {
			year, _ = strconv.Atoi(text[m[6]:m[7]])
		}
		try(m[0], st.ymd(year, mon, day))
	}
	if m := findIn(reDMY, dtext, named); m != nil {
		m = shift(m, doff)
		day, _ := strconv.Atoi(text[m[2]:m[3]])
		mon := months[strings.ToLower(strings.TrimSuffix(text[m[4]:m[5]], "."))]
		year := 0
		if m[6] >= 0 {
			year, _ = strconv.Atoi(text[m[6]:m[7]])
		}
		try(m[0], st.ymd(year, mon, day))
	}
	if m := findIn(reMY, mtext, named); m != nil {
		m = shift(m, moff)
		mon := months[strings.ToLower(strings.TrimSuffix(text[m[2]:m[3]], "."))]
		year, _ := strconv.Atoi(text[m[4]:m[5]])
		try(m[0], fmt.Sprintf("%04d-%02d", year, mon))
	}
	if m := reYear.FindStringIndex(text); m != nil {
		try(m[0], text[m[0]:m[1]])
	}
	if !st.published.IsZero() {
		if m := reWeekday.FindStringSubmatchIndex(text); m != nil {
			want := weekday(text[m[2]:m[3]])
			d := st.published
			for i := 0; i < 7 && d.Weekday() != want; i++ {
				d = d.AddDate(0, 0, -1)
			}
			try(m[0], d.Format("2006-01-02"))
		}
		if m := reRelative.FindStringSubmatchIndex(text); m != nil {
			d := st.published
			if strings.EqualFold(text[m[2]:m[3]], "yesterday") {
				d = d.AddDate(0, 0, -1)
			}
			try(m[0], d.Format("2006-01-02"))
		}
	}
	if m := reSameDay.FindStringIndex(text); m != nil && st.lastDate != "" {
		try(m[0], st.lastDate)
	}
	if best.date != "" && len(best.date) == 10 {
		st.lastDate = best.date
	}
	return best.date
}

func weekday(s string) time.Weekday {
	for d := time.Sunday; d <= time.Saturday; d++ {
		if d.String() == s {
			return d
		}
	}
	return time.Sunday
}

// ymd formats a day; a missing year comes from the publication date (the
// previous year when the day would fall after it).
func (st *docState) ymd(year int, mon time.Month, day int) string {
	if mon == 0 || day < 1 || day > 31 {
		return ""
	}
	if year == 0 {
		if st.published.IsZero() {
			return ""
		}
		year = st.published.Year()
		if time.Date(year, mon, day, 0, 0, 0, 0, time.UTC).After(st.published.AddDate(0, 0, 2)) {
			year--
		}
	}
	d := time.Date(year, mon, day, 0, 0, 0, 0, time.UTC)
	if d.Day() != day {
		return ""
	}
	return d.Format("2006-01-02")
}
