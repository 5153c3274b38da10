package extract

import (
	"slices"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/actors"
	"github.com/newsdesk/newsdesk/news"
)

// TestPublisherCountryIsTheDefault: a catalog feed's country is the
// speaker's country when the text names none ("the ministry said ..."),
// and never overrides a country the text gives.
func TestPublisherCountryIsTheDefault(t *testing.T) {
	e := New(actors.Default())
	const title = "Statement by the spokesperson on malicious cyber activity"
	tests := []struct {
		name, publisher, country, body string
		wantSpeaker                    string
		wantCountry                    []string
	}{
		{"the ministry said, catalog country", "Ministry for Europe and Foreign Affairs", "FR",
			"The ministry said that APT28 had conducted a cyber espionage campaign against government networks since 2021.",
			"ministry", []string{"FR"}},
		{"the ministry said, no catalog country", "Ministry for Europe and Foreign Affairs", "",
			"The ministry said that APT28 had conducted a cyber espionage campaign against government networks since 2021.",
			"ministry", nil},
		{"first person, catalog country, no publisher name", "", "FR",
			"We condemn the cyber espionage campaign that APT28 conducted against government networks.",
			"", []string{"FR"}},
		{"a country the text names wins", "Ministry for Europe and Foreign Affairs", "FR",
			"The NCSC said that APT28 had conducted a cyber espionage campaign against government networks since 2021.",
			"NCSC", []string{"GB"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sts, err := e.Document(news.Document{Title: title, Body: tt.body, Publisher: tt.publisher, PublisherCountry: tt.country,
				Published: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)})
			if err != nil {
				t.Fatal(err)
			}
			if len(sts) != 1 {
				t.Fatalf("%d statements, want 1: %+v", len(sts), sts)
			}
			s := sts[0]
			if s.Speaker != tt.wantSpeaker || !slices.Equal(s.SpeakerCountry, tt.wantCountry) || !slices.Contains(s.Accused, "APT28") {
				t.Errorf("speaker %q %v accused %v, want %q %v accusing APT28", s.Speaker, s.SpeakerCountry, s.Accused, tt.wantSpeaker, tt.wantCountry)
			}
		})
	}
}

// TestArticleDocumentCarriesSourceCountry: what ingest hands the extractor
// carries the source's country.
func TestArticleDocumentCarriesSourceCountry(t *testing.T) {
	a := news.Article{ID: "x", Title: "t", Body: "b", Source: news.Source{Name: "CISA", URL: "https://www.cisa.gov/a", Country: "US"}}
	if d := a.Document(); d.Publisher != "CISA" || d.PublisherCountry != "US" {
		t.Errorf("document publisher %q country %q, want CISA US", d.Publisher, d.PublisherCountry)
	}
}
