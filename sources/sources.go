package sources

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/newsdesk/newsdesk/internal/suggest"
	"github.com/newsdesk/newsdesk/news"
)

//go:embed catalog.yaml
var catalogYAML []byte

// Kinds are the kinds of source the catalog knows, in listing order.
var Kinds = []string{
	"cyber-agency",       // national cyber security agencies and CERTs
	"justice",            // justice ministries, prosecutors
	"law-enforcement",    // police and investigative bureaus
	"foreign-ministry",   // foreign ministries, including the accused side's
	"treasury-sanctions", // sanctions offices
	"eu-council",         // the Council of the EU
	"defence",            // defence ministries
	"head-of-government", // heads of state and government
}

// Source is one official feed.
type Source struct {
	Name      string `yaml:"name"`      // stable slug, e.g. "ncsc-uk-news"
	Title     string `yaml:"title"`     // what the feed is
	Publisher string `yaml:"publisher"` // the issuing body
	Country   string `yaml:"country"`   // ISO 3166-1 alpha-2 (EU for the Union)
	Kind      string `yaml:"kind"`      // one of Kinds
	URL       string `yaml:"url"`       // the RSS or Atom feed
	Language  string `yaml:"language"`  // ISO 639-1 of its items
	// FullText: the items carry a summary; the poller fetches each page.
	FullText bool `yaml:"fulltext"`
	// Verify: the address needs checking before it is relied on (Notes say
	// why). No URL was verified from the machine the catalog was written on.
	Verify bool   `yaml:"verify"`
	Notes  string `yaml:"notes"`
}

// Custom reports whether s is a feed outside the catalog (a URL only).
func (s Source) Custom() bool { return s.Name == "" }

// Label is how s is named to a user: its name, or its URL when custom.
func (s Source) Label() string {
	if s.Custom() {
		return s.URL
	}
	return s.Name
}

// Catalog is the parsed, validated list of official sources.
type Catalog struct {
	list   []Source
	byName map[string]int
	byURL  map[string]int
}

var (
	defaultOnce sync.Once
	defaultCat  *Catalog
	defaultErr  error
)

// Default returns the embedded catalog. Its error is only for a catalog
// file that fails validation, which the package's tests rule out.
func Default() (*Catalog, error) {
	defaultOnce.Do(func() { defaultCat, defaultErr = Parse(bytes.NewReader(catalogYAML)) })
	return defaultCat, defaultErr
}

var slug = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Parse reads and validates a catalog: every field known, names unique
// slugs, URLs absolute http(s) and unique, kinds among Kinds, countries
// ISO 3166-1 alpha-2 codes newsdesk knows (news.Countries, EU included),
// and notes for every entry to verify.
func Parse(r io.Reader) (*Catalog, error) {
	dec := yaml.NewDecoder(r)
	dec.KnownFields(true)
	var list []Source
	if err := dec.Decode(&list); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("sources catalog: %w", err)
	}
	c := &Catalog{list: list, byName: map[string]int{}, byURL: map[string]int{}}
	var errs []error
	for i, s := range list {
		bad := func(format string, args ...any) {
			errs = append(errs, fmt.Errorf("sources catalog entry %d (%q): %s", i+1, s.Name, fmt.Sprintf(format, args...)))
		}
		if !slug.MatchString(s.Name) {
			bad("name must be a lower-case slug like ncsc-uk-news")
		}
		if _, dup := c.byName[s.Name]; dup {
			bad("name is used twice")
		}
		c.byName[s.Name] = i
		if strings.TrimSpace(s.Title) == "" || strings.TrimSpace(s.Publisher) == "" {
			bad("title and publisher are required")
		}
		if code, ok := news.CountryCode(s.Country); !ok || code != s.Country || len(code) != 2 {
			bad("country %q is not an ISO 3166-1 alpha-2 code newsdesk knows (news.Countries)", s.Country)
		}
		if !slices.Contains(Kinds, s.Kind) {
			bad("kind %q is not one of %s", s.Kind, strings.Join(Kinds, ", "))
		}
		if err := checkURL(s.URL); err != nil {
			bad("%v", err)
		}
		key := canonical(s.URL)
		if _, dup := c.byURL[key]; dup {
			bad("url %s is used twice", s.URL)
		}
		c.byURL[key] = i
		if len(s.Language) != 2 || strings.ToLower(s.Language) != s.Language {
			bad("language %q must be an ISO 639-1 code like en", s.Language)
		}
		if s.Verify && strings.TrimSpace(s.Notes) == "" {
			bad("an entry to verify must say why in notes")
		}
	}
	if len(list) == 0 {
		errs = append(errs, errors.New("sources catalog is empty"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return c, nil
}

func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return fmt.Errorf("url %q must be an absolute http(s) URL", raw)
	}
	return nil
}

// canonical is the form URLs are compared in: scheme and host in lower
// case, no fragment.
func canonical(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return strings.TrimSpace(raw)
	}
	u.Scheme, u.Host, u.Fragment = strings.ToLower(u.Scheme), strings.ToLower(u.Host), ""
	return u.String()
}

// All returns every source, sorted by name.
func (c *Catalog) All() []Source {
	out := slices.Clone(c.list)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Lookup finds a source by name, ignoring case.
func (c *Catalog) Lookup(name string) (Source, bool) {
	i, ok := c.byName[strings.ToLower(strings.TrimSpace(name))]
	if !ok {
		return Source{}, false
	}
	return c.list[i], true
}

// ByURL finds the source whose feed is at rawURL.
func (c *Catalog) ByURL(rawURL string) (Source, bool) {
	i, ok := c.byURL[canonical(rawURL)]
	if !ok {
		return Source{}, false
	}
	return c.list[i], true
}

// Closest returns up to n catalog names a user typing name probably
// meant: names containing it (or contained in it) first, then names
// within a few edits, nearest first.
func (c *Catalog) Closest(name string, n int) []string {
	w := strings.ToLower(strings.TrimSpace(name))
	if w == "" || n <= 0 {
		return nil
	}
	type cand struct {
		name string
		d    int
	}
	var cs []cand
	maxD := max(2, len(w)/3)
	for _, s := range c.list {
		switch d := suggest.Distance(w, s.Name); {
		case strings.Contains(s.Name, w) || strings.Contains(w, s.Name):
			cs = append(cs, cand{s.Name, -1})
		case d <= maxD:
			cs = append(cs, cand{s.Name, d})
		default:
			// a typo in one part of the slug: "ncsc-uk-nws"
			for _, part := range strings.Split(s.Name, "-") {
				if len(part) >= 4 && suggest.Distance(w, part) <= 1 {
					cs = append(cs, cand{s.Name, maxD})
					break
				}
			}
		}
	}
	sort.SliceStable(cs, func(i, j int) bool {
		if cs[i].d != cs[j].d {
			return cs[i].d < cs[j].d
		}
		return cs[i].name < cs[j].name
	})
	var out []string
	for _, c := range cs {
		if len(out) == n {
			break
		}
		out = append(out, c.name)
	}
	return out
}

// UnknownError: a name that is not in the catalog.
type UnknownError struct {
	Name    string
	Closest []string // the names probably meant, nearest first
}

func (e *UnknownError) Error() string {
	msg := fmt.Sprintf("no source called %q in the catalog", e.Name)
	if len(e.Closest) > 0 {
		msg += "; did you mean " + orList(e.Closest) + "?"
	}
	return msg + " (feeds list shows them all; a feed outside the catalog is added by its URL)"
}

// BadURLError: an argument that looks like a URL but is not an absolute
// http(s) one.
type BadURLError struct{ URL string }

func (e *BadURLError) Error() string {
	return fmt.Sprintf("%q is not a feed address: give an absolute http or https URL, e.g. https://www.ncsc.gov.uk/api/1/services/v1/news-rss-feed.xml", e.URL)
}

func orList(names []string) string {
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// Resolve turns what a user typed — a catalog name or a feed URL — into a
// Source: a URL of a catalog feed is that source, any other http(s) URL a
// custom one (Name empty). An unknown name is an *UnknownError, a bad URL
// a *BadURLError.
func (c *Catalog) Resolve(arg string) (Source, error) {
	arg = strings.TrimSpace(arg)
	if strings.Contains(arg, "://") || strings.HasPrefix(strings.ToLower(arg), "http") && strings.Contains(arg, ".") {
		if err := checkURL(arg); err != nil {
			return Source{}, &BadURLError{URL: arg}
		}
		if s, ok := c.ByURL(arg); ok {
			return s, nil
		}
		return Source{URL: arg, FullText: true}, nil
	}
	if s, ok := c.Lookup(arg); ok {
		return s, nil
	}
	return Source{}, &UnknownError{Name: arg, Closest: c.Closest(arg, 3)}
}
