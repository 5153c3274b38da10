package ingest

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/newsdesk/newsdesk/news"
)

// MaxArticleBytes is the largest article (or JSON Lines record) accepted.
const MaxArticleBytes = 2 << 20

// ItemError is a problem with one source item: a file, or a line of a JSON
// Lines file. Its message names the item and says how to fix it.
type ItemError struct {
	Source string // file path, URL or "request"
	Line   int    // 1-based line for JSON Lines; 0 for a whole file
	Err    error
}

func (e *ItemError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.Source, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.Source, e.Err)
}

func (e *ItemError) Unwrap() error { return e.Err }

// Errors a caller can test for.
var (
	ErrTooLarge = fmt.Errorf("larger than %d bytes: split it or trim it", MaxArticleBytes)
	ErrNotUTF8  = errors.New("not valid UTF-8: convert it first, e.g. iconv -f WINDOWS-1252 -t UTF-8")
	ErrNoTitle  = errors.New("no title: the first line must be the headline")
	ErrNoBody   = errors.New("no body text")
)

func checkText(b []byte) error {
	if len(b) > MaxArticleBytes {
		return ErrTooLarge
	}
	if !utf8.Valid(b) {
		off := 0
		for off < len(b) {
			r, n := utf8.DecodeRune(b[off:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			off += n
		}
		return fmt.Errorf("%w (first bad byte at offset %d)", ErrNotUTF8, off)
	}
	return nil
}

var (
	captionSource = regexp.MustCompile(`\(Source:\s*([^)]+)\)\s*\|?\s*$`)
	trailerLine   = regexp.MustCompile(`(?i)^(source|sources|comments?\s*\(\d+\)|share|read more|advertisement)\s*$`)
	sourceLine    = regexp.MustCompile(`(?i)^source:\s*(\S.*)$`)
	fileDate      = regexp.MustCompile(`(\d{4})-(\d{2})(?:-(\d{2}))?`)
	monthDay      = regexp.MustCompile(`\b(January|February|March|April|May|June|July|August|September|October|November|December)\s+(\d{1,2})\b`)
	mdLink        = regexp.MustCompile(`\[([^\]]+)\]\([^)]+\)`)
)

// frontMatter is the optional YAML header of a text or Markdown article.
type frontMatter struct {
	Title     string `yaml:"title"`
	Published string `yaml:"published"`
	Date      string `yaml:"date"`
	Source    string `yaml:"source"`
	URL       string `yaml:"url"`
	Language  string `yaml:"language"`
}

// ParseText parses one plain-text or Markdown article. name is the file name
// (its date, like 2024-03 in apt31-accusations-2024-03.txt, dates an article
// whose text gives no year).
//
// The shape: optional YAML front matter between "---" lines; the headline on
// the first line (a Markdown "# " heading is fine); optionally a caption line
// ending in "(Source: Name) |"; paragraphs; optional trailing "Source",
// "Source: URL" and "Comment (N)" lines.
func ParseText(name string, b []byte) (news.Article, error) {
	if err := checkText(b); err != nil {
		return news.Article{}, err
	}
	s := strings.TrimPrefix(string(b), "\ufeff")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var fm frontMatter
	if strings.HasPrefix(s, "---\n") {
		end := strings.Index(s[4:], "\n---")
		if end < 0 {
			return news.Article{}, errors.New("front matter opened with --- is never closed with ---")
		}
		if err := yaml.Unmarshal([]byte(s[4:4+end]), &fm); err != nil {
			return news.Article{}, fmt.Errorf("front matter: %w", err)
		}
		s = s[4+end+4:]
	}
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if t := strings.TrimSpace(l); t != "" {
			lines = append(lines, t)
		}
	}
	a := news.Article{Language: "en"}
	a.Title = cleanMarkdown(fm.Title)
	if a.Title == "" {
		if len(lines) == 0 {
			return news.Article{}, ErrNoTitle
		}
		a.Title = cleanMarkdown(strings.TrimLeft(lines[0], "# "))
		lines = lines[1:]
	}
	if a.Title == "" {
		return news.Article{}, ErrNoTitle
	}
	if len(lines) > 0 {
		if m := captionSource.FindStringSubmatch(lines[0]); m != nil {
			a.Source.Name = strings.TrimSpace(m[1])
			lines = lines[1:]
		}
	}
	for len(lines) > 0 {
		last := lines[len(lines)-1]
		if m := sourceLine.FindStringSubmatch(last); m != nil {
			if u, err := url.Parse(m[1]); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
				a.Source.URL = m[1]
			} else if a.Source.Name == "" {
				a.Source.Name = m[1]
			}
		} else if !trailerLine.MatchString(last) {
			break
		}
		lines = lines[:len(lines)-1]
	}
	for i, l := range lines {
		lines[i] = cleanMarkdown(strings.TrimLeft(l, "#>*- \t"))
	}
	a.Body = strings.Join(lines, "\n\n")
	if strings.TrimSpace(a.Body) == "" {
		return news.Article{}, ErrNoBody
	}
	if fm.Source != "" {
		a.Source.Name = fm.Source
	}
	if fm.URL != "" {
		a.Source.URL = fm.URL
	}
	if fm.Language != "" {
		a.Language = fm.Language
	}
	pub := fm.Published
	if pub == "" {
		pub = fm.Date
	}
	if pub != "" {
		t, err := parseTime(pub)
		if err != nil {
			return news.Article{}, fmt.Errorf("front matter published: %q is not a date (use 2024-03-25 or RFC 3339)", pub)
		}
		a.Published = t
	} else {
		a.Published = dateFromName(filepath.Base(name), a.Title+"\n"+a.Body)
	}
	a.ID = articleID(a)
	return a, nil
}

// cleanMarkdown removes emphasis markers and reduces links to their text.
func cleanMarkdown(s string) string {
	s = mdLink.ReplaceAllString(s, "$1")
	s = strings.NewReplacer("**", "", "__", "").Replace(s)
	return strings.TrimSpace(s)
}

// dateFromName dates an article from its file name (2024-03 or 2024-03-25),
// taking the day from the text ("On March 25") when the name gives only the
// month. Without a date in the name it returns the zero time.
func dateFromName(name, text string) time.Time {
	m := fileDate.FindStringSubmatch(name)
	if m == nil {
		return time.Time{}
	}
	day := m[3]
	if day == "" {
		day = "01"
		month, _ := time.Parse("01", m[2])
		for _, md := range monthDay.FindAllStringSubmatch(text, -1) {
			if md[1] == month.Month().String() {
				day = fmt.Sprintf("%02s", md[2])
				break
			}
		}
	}
	t, err := time.Parse("2006-01-02", m[1]+"-"+m[2]+"-"+day)
	if err != nil {
		return time.Time{}
	}
	return t
}

func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339, "2006-01-02 15:04:05-07:00", "2006-01-02 15:04:05Z07:00", "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02", time.RFC1123Z, time.RFC1123} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("not a date: %q", s)
}

// articleID is stable: from the canonical URL when there is one, else from
// the normalised title and the publication date.
func articleID(a news.Article) string {
	var key string
	if a.Source.URL != "" {
		key = "url:" + canonicalURL(a.Source.URL)
	} else {
		key = "title:" + strings.Join(strings.Fields(strings.ToLower(a.Title)), " ") + "|" + a.Published.UTC().Format("2006-01-02")
	}
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:6])
}

// canonicalURL lower-cases scheme and host, drops the fragment, tracking
// parameters and a trailing slash.
func canonicalURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return strings.TrimSpace(raw)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme == "http" {
		u.Scheme = "https"
	}
	u.Host = strings.TrimPrefix(strings.ToLower(u.Host), "www.")
	u.Fragment = ""
	q := u.Query()
	for k := range q {
		if strings.HasPrefix(k, "utm_") || k == "fbclid" || k == "gclid" {
			q.Del(k)
		}
	}
	u.RawQuery = q.Encode()
	u.Path = strings.TrimSuffix(u.Path, "/")
	return u.String()
}

// Record is one JSON Lines record. Field names follow the bundled corpus;
// common alternatives are accepted.
type Record struct {
	ID            string `json:"id"`
	Title         string `json:"title"`
	Text          string `json:"text"`
	Body          string `json:"body"`
	Date          string `json:"date"`
	Published     string `json:"published"`
	PublishedTime string `json:"published_time"`
	URL           string `json:"url"`
	SourceURL     string `json:"source_url"`
	SourceName    string `json:"source_name"`
	Source        any    `json:"source"` // a name, or {"name":…, "url":…}
	Language      string `json:"language"`
}

// Article converts a record, checking it.
func (r Record) Article() (news.Article, error) {
	a := news.Article{Title: strings.TrimSpace(r.Title), Language: r.Language}
	if a.Language == "" {
		a.Language = "en"
	}
	a.Body = r.Body
	if a.Body == "" {
		a.Body = r.Text
	}
	a.Body = strings.TrimSpace(strings.ReplaceAll(a.Body, "\r\n", "\n"))
	if a.Title == "" {
		return a, errors.New(`no "title"`)
	}
	if a.Body == "" {
		return a, errors.New(`no "text" or "body"`)
	}
	if len(a.Body) > MaxArticleBytes {
		return a, ErrTooLarge
	}
	a.Source.URL = firstNonEmpty(r.SourceURL, r.URL)
	a.Source.Name = r.SourceName
	switch s := r.Source.(type) {
	case string:
		a.Source.Name = firstNonEmpty(a.Source.Name, s)
	case map[string]any:
		if n, ok := s["name"].(string); ok {
			a.Source.Name = firstNonEmpty(a.Source.Name, n)
		}
		if u, ok := s["url"].(string); ok {
			a.Source.URL = firstNonEmpty(a.Source.URL, u)
		}
	}
	if a.Source.Name == "" && a.Source.URL != "" {
		a.Source.Name = sourceName(a.Source.URL)
	}
	if d := firstNonEmpty(r.PublishedTime, r.Published, r.Date); d != "" {
		t, err := parseTime(d)
		if err != nil {
			return a, fmt.Errorf("published: %q is not a date (use 2024-03-25 or RFC 3339)", d)
		}
		a.Published = t
	}
	a.ID = articleID(a)
	return a, nil
}

// officialHosts names the issuing body of well-known government sites, so
// that a record from one reads "The White House", not a host name, and its
// first-person statements ("We have concluded …") are attributed.
var officialHosts = map[string]string{
	"whitehouse.gov":               "The White House",
	"bidenwhitehouse.archives.gov": "The White House",
	"trumpwhitehouse.archives.gov": "The White House",
	"obamawhitehouse.archives.gov": "The White House",
	"state.gov":                    "US Department of State",
	"justice.gov":                  "US Department of Justice",
	"treasury.gov":                 "US Department of the Treasury",
	"home.treasury.gov":            "US Department of the Treasury",
	"cisa.gov":                     "CISA",
	"fbi.gov":                      "FBI",
	"nsa.gov":                      "NSA",
	"ncsc.gov.uk":                  "NCSC",
	"gov.uk":                       "UK Government",
	"ncsc.govt.nz":                 "New Zealand's NCSC",
	"cyber.gov.au":                 "Australian Cyber Security Centre",
	"fmprc.gov.cn":                 "Chinese Ministry of Foreign Affairs",
	"mid.ru":                       "Russian Ministry of Foreign Affairs",
	"consilium.europa.eu":          "Council of the EU",
	"nato.int":                     "NATO",
}

// sourceName names a source from its URL: the issuing body for a known
// government site, else the host.
func sourceName(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	for h := host; h != ""; {
		if name, ok := officialHosts[h]; ok {
			return name
		}
		_, rest, ok := strings.Cut(h, ".")
		if !ok {
			break
		}
		h = rest
	}
	return host
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// ParseJSONL reads JSON Lines records. A bad line becomes an ItemError
// naming source and line; the good lines are still returned.
func ParseJSONL(source string, r io.Reader) ([]news.Article, []*ItemError) {
	var arts []news.Article
	var errs []*ItemError
	for a, ierr := range JSONL(source, r) {
		if ierr != nil {
			errs = append(errs, ierr)
			continue
		}
		arts = append(arts, a)
	}
	return arts, errs
}

// JSONL reads JSON Lines records one at a time, holding one line in
// memory: each yields an article, or an ItemError naming source and line.
// Reading stops at the end of r, at an error reading it (yielded), or
// when the loop stops.
func JSONL(source string, r io.Reader) iter.Seq2[news.Article, *ItemError] {
	return func(yield func(news.Article, *ItemError) bool) {
		br := bufio.NewReaderSize(r, 64<<10)
		line := 0
		for {
			b, err := readLine(br, MaxArticleBytes+1)
			if len(b) > 0 || err == nil || errors.Is(err, errLineTooLong) {
				line++
			}
			if errors.Is(err, errLineTooLong) {
				if !yield(news.Article{}, &ItemError{source, line, ErrTooLarge}) {
					return
				}
			} else if t := bytes.TrimSpace(b); len(t) > 0 {
				a, ierr := jsonlRecord(source, line, t)
				if !yield(a, ierr) {
					return
				}
			}
			if err != nil && !errors.Is(err, errLineTooLong) {
				if !errors.Is(err, io.EOF) {
					yield(news.Article{}, &ItemError{source, line, fmt.Errorf("read: %w", err)})
				}
				return
			}
		}
	}
}

func jsonlRecord(source string, line int, t []byte) (news.Article, *ItemError) {
	if !utf8.Valid(t) {
		return news.Article{}, &ItemError{source, line, ErrNotUTF8}
	}
	var rec Record
	if err := json.Unmarshal(t, &rec); err != nil {
		return news.Article{}, &ItemError{source, line, fmt.Errorf("not a JSON object: %v", err)}
	}
	a, err := rec.Article()
	if err != nil {
		return news.Article{}, &ItemError{source, line, err}
	}
	return a, nil
}

var errLineTooLong = errors.New("line too long")

// readLine reads one line of at most max bytes; a longer line is consumed
// and reported as errLineTooLong.
func readLine(br *bufio.Reader, max int) ([]byte, error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if len(buf)+len(chunk) > max {
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = br.ReadSlice('\n')
			}
			if err != nil && !errors.Is(err, io.EOF) {
				return nil, err
			}
			return nil, errLineTooLong
		}
		buf = append(buf, chunk...)
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return buf, err
	}
}
