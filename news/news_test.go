package news

import (
	"slices"
	"testing"
)

func TestSummarize(t *testing.T) {
	a := Article{Statements: []Statement{
		{Kind: Response, SpeakerCountry: []string{"CN"}, Accused: []string{"US"}},
		{Kind: Allegation, SpeakerCountry: []string{"US", "GB"}, Accused: []string{"APT31", "CN"}, Targets: []string{"British MPs"}},
		{Kind: Allegation, SpeakerCountry: []string{"GB"}, Accused: []string{"APT31"}},
	}}
	a.Summarize()
	if !slices.Equal(a.Actors, []string{"APT31", "CN", "US"}) || !slices.Equal(a.Countries, []string{"CN", "GB", "US"}) ||
		!slices.Equal(a.Targets, []string{"British MPs"}) || !slices.Equal(a.Kinds, []Kind{Allegation, Response}) {
		t.Errorf("summary: actors %v countries %v targets %v kinds %v", a.Actors, a.Countries, a.Targets, a.Kinds)
	}
}

func TestCountryCode(t *testing.T) {
	for in, want := range map[string]string{"UK": "GB", "the United Kingdom": "GB", "Beijing": "CN", "new zealand": "NZ", "Kremlin": "RU", "EU": "EU", "nato": "NATO",
		// the same table extraction reads prose with: demonyms and seats of government resolve too
		"New Zealanders": "NZ", "Downing Street": "GB", "DPRK": "KP", "Czechia": "CZ"} {
		if got, ok := CountryCode(in); !ok || got != want {
			t.Errorf("CountryCode(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if _, ok := CountryCode("Atlantis"); ok {
		t.Error("Atlantis resolved")
	}
	seen := map[string]bool{}
	for _, c := range Countries {
		if seen[c.Code] {
			t.Errorf("country %s listed twice", c.Code)
		}
		seen[c.Code] = true
	}
	if !Allegation.Valid() || Kind("rumour").Valid() {
		t.Error("Kind.Valid")
	}
}
