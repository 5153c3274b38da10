package chat

import (
	"slices"
	"strings"
	"testing"

	"github.com/newsdesk/newsdesk/news"
)

func TestWho(t *testing.T) {
	up := strings.ToUpper
	bold := func(s string) string { return "*" + s + "*" }
	tests := []struct {
		name               string
		speaker            string
		countries, accused []string
		want               string
	}{
		{"all", "NCSC", []string{"GB"}, []string{"APT31", "CN"}, "NCSC (GB) → *APT31, CN*"},
		{"no speaker", "", []string{"GB", "US"}, []string{"APT31"}, "GB, US → *APT31*"},
		{"speaker only", "Embassy", nil, nil, "Embassy"},
		{"accused only", "", nil, []string{"APT28"}, "→ *APT28*"},
		{"no one", " ", nil, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Who(tt.speaker, tt.countries, tt.accused, func(s string) string { return s }, bold); got != tt.want {
				t.Errorf("Who = %q, want %q", got, tt.want)
			}
		})
	}
	if got := Who("x", []string{"gb"}, []string{"a"}, up, bold); got != "X (GB) → *A*" {
		t.Errorf("text not applied to every piece: %q", got)
	}
}

func TestTruncate(t *testing.T) {
	for _, tt := range []struct {
		s    string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly", 7, "exactly"},
		{"cut at a space here", 10, "cut at a…"},
		{"äöüäöü", 4, "äöü…"},
		{"ab", 1, "…"},
		{"anything", 0, "anything"},
	} {
		if got := Truncate(tt.s, tt.n); got != tt.want || (tt.n > 0 && len([]rune(got)) > tt.n) {
			t.Errorf("Truncate(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.want)
		}
	}
}

func TestValidMarks(t *testing.T) {
	text := "APT31 and Zürich"
	got := ValidMarks(text, [][2]int{{10, 16}, {0, 5}, {2, 4}, {12, 13}, {5, 5}, {14, 99}})
	// in order; {2,4} overlaps {0,5}; {12,13} starts inside ü; {5,5} is
	// empty; {14,99} is out of range
	if want := [][2]int{{0, 5}, {10, 16}}; !slices.Equal(got, want) {
		t.Errorf("ValidMarks = %v, want %v", got, want)
	}
}

func TestDefuseAt(t *testing.T) {
	got := DefuseAt("@Everyone @here @herb a@channel", "|", "everyone", "here", "channel")
	if want := "@|Everyone @|here @herb a@|channel"; got != want {
		t.Errorf("DefuseAt = %q, want %q", got, want)
	}
}

func TestKindLabel(t *testing.T) {
	for k, want := range map[news.Kind]string{"": "Article", news.Allegation: "Allegation", news.Other: "Statement", "leak": "leak"} {
		if got := KindLabel(k); got != want {
			t.Errorf("KindLabel(%q) = %q, want %q", k, got, want)
		}
	}
}
