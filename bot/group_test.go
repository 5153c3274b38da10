package bot

import (
	"testing"
)

func TestGroupsByArticle(t *testing.T) {
	s := Section{Items: []Item{
		{ArticleID: "a", Title: "A", Text: "1"},
		{ArticleID: "b", Title: "B", Text: "2"},
		{ArticleID: "a", Title: "A", Text: "3"},
		{Title: "C", URL: "https://c", Text: "4"},
		{Title: "C", URL: "https://c", Text: "5"},
		{Text: "6"},
	}}
	var got [][]string
	for _, g := range s.Groups() {
		var texts []string
		for _, it := range g.Items {
			texts = append(texts, it.Text)
		}
		got = append(got, append([]string{g.Title}, texts...))
	}
	want := [][]string{{"A", "1", "3"}, {"B", "2"}, {"C", "4", "5"}, {"", "6"}}
	if len(got) != len(want) {
		t.Fatalf("groups %v, want %v", got, want)
	}
	for i := range want {
		if len(got[i]) != len(want[i]) {
			t.Fatalf("group %d = %v, want %v", i, got[i], want[i])
		}
		for j := range want[i] {
			if got[i][j] != want[i][j] {
				t.Errorf("group %d = %v, want %v", i, got[i], want[i])
			}
		}
	}
	if g := s.Groups()[3]; g.HasHeader() {
		t.Error("an item without article fields got a header")
	}
}

func TestNormaliseQuotes(t *testing.T) {
	tests := []struct {
		in     string
		marks  [][2]int
		want   string
		marked []string
	}{
		{`The Embassy said the allegations were "completely baseless and malicious slander".`, nil,
			`The Embassy said the allegations were ‘completely baseless and malicious slander’.`, nil},
		{`assessed with “almost certainty” that APT31`, [][2]int{{42, 47}},
			`assessed with ‘almost certainty’ that APT31`, []string{"APT31"}},
		{`"Quoted" at the start`, [][2]int{{1, 7}}, `‘Quoted’ at the start`, []string{"Quoted"}},
		{"no quotes", [][2]int{{0, 2}}, "no quotes", []string{"no"}},
	}
	for _, tt := range tests {
		got, ms := NormaliseQuotes(tt.in, tt.marks)
		if got != tt.want {
			t.Errorf("NormaliseQuotes(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if len(ms) != len(tt.marked) {
			t.Fatalf("%q: marks %v", tt.in, ms)
		}
		for i, m := range ms {
			if got[m[0]:m[1]] != tt.marked[i] {
				t.Errorf("%q: mark %d covers %q, want %q", tt.in, i, got[m[0]:m[1]], tt.marked[i])
			}
		}
	}
}
