package sources_test

import (
	"errors"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/newsdesk/newsdesk/news"
	"github.com/newsdesk/newsdesk/sources"
)

// TestCatalog validates the embedded catalog entry by entry: unique slugs,
// absolute http(s) URLs, known kinds, ISO 3166-1 alpha-2 countries, and
// notes where an address is to be verified; and it holds the sources a
// desk covering state cyber operations needs.
func TestCatalog(t *testing.T) {
	cat, err := sources.Default()
	if err != nil {
		t.Fatal(err)
	}
	all := cat.All()
	names, urls := map[string]bool{}, map[string]bool{}
	for _, s := range all {
		t.Run(s.Name, func(t *testing.T) {
			if names[s.Name] {
				t.Errorf("name used twice")
			}
			names[s.Name] = true
			if strings.ToLower(s.Name) != s.Name || strings.ContainsAny(s.Name, " _/.") || s.Name == "" {
				t.Errorf("name %q is not a slug", s.Name)
			}
			u, err := url.Parse(s.URL)
			if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				t.Errorf("url %q", s.URL)
			}
			if urls[s.URL] {
				t.Errorf("url used twice")
			}
			urls[s.URL] = true
			if !slices.Contains(sources.Kinds, s.Kind) {
				t.Errorf("kind %q", s.Kind)
			}
			if code, ok := news.CountryCode(s.Country); !ok || code != s.Country || len(code) != 2 {
				t.Errorf("country %q is not an alpha-2 code newsdesk knows", s.Country)
			}
			if s.Verify && s.Notes == "" {
				t.Errorf("to verify, with no note saying why")
			}
			if s.Custom() || s.Label() != s.Name {
				t.Errorf("a catalog source is labelled %q", s.Label())
			}
		})
	}
	// what a desk covering state cyber operations follows, and both sides
	want := map[string]string{"cisa-advisories": "US", "ncsc-uk-news": "GB", "doj-press": "US", "ofac-recent-actions": "US",
		"state-press-releases": "US", "fcdo": "GB", "eu-council-press": "EU", "asd-acsc-news": "AU", "cccs-alerts": "CA",
		"bsi-news": "DE", "cert-fr-cti": "FR", "ncsc-nl-news": "NL", "jpcert-en": "JP", "china-mfa-press": "CN", "russia-mid-news": "RU"}
	for name, country := range want {
		if s, ok := cat.Lookup(name); !ok || s.Country != country {
			t.Errorf("Lookup(%s) = %+v, %v; want a source of %s", name, s, ok, country)
		}
	}
	kinds := map[string]bool{}
	for _, s := range all {
		kinds[s.Kind] = true
	}
	for _, k := range []string{"cyber-agency", "justice", "foreign-ministry", "treasury-sanctions", "eu-council"} {
		if !kinds[k] {
			t.Errorf("no source of kind %s", k)
		}
	}
}

// TestCatalogDocumented: SOURCES.md names every source and says the
// addresses were not verified from this machine.
func TestCatalogDocumented(t *testing.T) {
	doc, err := os.ReadFile("SOURCES.md")
	if err != nil {
		t.Fatal(err)
	}
	cat, _ := sources.Default()
	if !strings.Contains(string(doc), "as published by the source; not verified from this machine") {
		t.Errorf("SOURCES.md does not say the URLs were not verified from this machine")
	}
	for _, s := range cat.All() {
		if !strings.Contains(string(doc), "`"+s.Name+"`") || !strings.Contains(string(doc), s.URL) {
			t.Errorf("SOURCES.md does not list %s with its URL", s.Name)
		}
	}
}

// TestParseRefuses: a catalog with a bad entry is refused with an error
// naming the entry and the problem.
func TestParseRefuses(t *testing.T) {
	good := "- {name: a-b, title: T, publisher: P, country: GB, kind: justice, url: 'https://example.org/feed', language: en}\n"
	tests := []struct {
		name, yaml, want string
	}{
		{"unknown field", "- {name: a-b, title: T, publisher: P, country: GB, kind: justice, url: 'https://example.org/f', language: en, colour: red}\n", "colour"},
		{"bad slug", strings.Replace(good, "a-b", "A B", 1), "slug"},
		{"duplicate name", good + strings.Replace(good, "/feed", "/other", 1), "used twice"},
		{"duplicate url", good + strings.Replace(good, "a-b", "c-d", 1), "used twice"},
		{"unknown kind", strings.Replace(good, "justice", "media", 1), "kind"},
		{"alpha-3 country", strings.Replace(good, "GB", "GBR", 1), "alpha-2"},
		{"unknown country", strings.Replace(good, "GB", "XX", 1), "alpha-2"},
		{"bloc that is no ISO code", strings.Replace(good, "GB", "NATO", 1), "alpha-2"},
		{"ftp url", strings.Replace(good, "https://example.org/feed", "ftp://example.org/feed", 1), "http(s)"},
		{"relative url", strings.Replace(good, "https://example.org/feed", "/feed", 1), "http(s)"},
		{"verify without notes", strings.Replace(good, "language: en", "language: en, verify: true", 1), "notes"},
		{"empty", "", "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := sources.Parse(strings.NewReader(tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse = %v, want an error about %q", err, tt.want)
			}
		})
	}
	if _, err := sources.Parse(strings.NewReader(good)); err != nil {
		t.Errorf("a good entry: %v", err)
	}
}

func TestResolve(t *testing.T) {
	cat, err := sources.Default()
	if err != nil {
		t.Fatal(err)
	}
	ncsc, _ := cat.Lookup("ncsc-uk-news")
	tests := []struct {
		arg        string
		wantName   string
		wantURL    string
		wantErr    any
		wantClosed []string // suggestions, in order, for an unknown name
	}{
		{arg: "ncsc-uk-news", wantName: "ncsc-uk-news", wantURL: ncsc.URL},
		{arg: "NCSC-UK-News", wantName: "ncsc-uk-news", wantURL: ncsc.URL},
		{arg: ncsc.URL, wantName: "ncsc-uk-news", wantURL: ncsc.URL},
		{arg: strings.Replace(ncsc.URL, "www.ncsc.gov.uk", "WWW.NCSC.GOV.UK", 1), wantName: "ncsc-uk-news", wantURL: ncsc.URL},
		{arg: "https://example.org/feed.xml", wantName: "", wantURL: "https://example.org/feed.xml"},
		{arg: "ftp://example.org/feed.xml", wantErr: new(*sources.BadURLError)},
		{arg: "https://", wantErr: new(*sources.BadURLError)},
		{arg: "ncsc-uk-nws", wantErr: new(*sources.UnknownError), wantClosed: []string{"ncsc-uk-news", "ncsc-nl-news"}},
		{arg: "cisa", wantErr: new(*sources.UnknownError), wantClosed: []string{"cisa-advisories", "cisa-news"}},
		{arg: "ofac", wantErr: new(*sources.UnknownError), wantClosed: []string{"ofac-recent-actions"}},
		{arg: "zzzzzzzzzz", wantErr: new(*sources.UnknownError)},
	}
	for _, tt := range tests {
		t.Run(tt.arg, func(t *testing.T) {
			s, err := cat.Resolve(tt.arg)
			if tt.wantErr != nil {
				if !errors.As(err, tt.wantErr) {
					t.Fatalf("Resolve = %+v, %v; want a %T", s, err, tt.wantErr)
				}
				var ue *sources.UnknownError
				if errors.As(err, &ue) {
					if !slices.Equal(ue.Closest, tt.wantClosed) {
						t.Errorf("suggestions %q, want %q", ue.Closest, tt.wantClosed)
					}
					for _, c := range tt.wantClosed {
						if !strings.Contains(err.Error(), c) {
							t.Errorf("message %q does not suggest %s", err, c)
						}
					}
				}
				return
			}
			if err != nil || s.Name != tt.wantName || !strings.EqualFold(s.URL, tt.wantURL) {
				t.Errorf("Resolve = %+v, %v; want name %q url %q", s, err, tt.wantName, tt.wantURL)
			}
			if (tt.wantName == "") != s.Custom() {
				t.Errorf("Custom() = %v", s.Custom())
			}
		})
	}
}
