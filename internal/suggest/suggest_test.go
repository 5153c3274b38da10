package suggest

import "testing"

func TestClosest(t *testing.T) {
	keys := []string{"search", "show", "latest", "actor"}
	for _, tc := range []struct {
		word string
		max  int
		want string
	}{
		{"serch", 2, "search"},
		{"SEARCH", 2, "search"},
		{"lates", 1, "latest"},
		{"zzzzzz", 2, ""},
		{"acter", 1, "actor"},
		{"acter", 0, ""},
	} {
		if got := Closest(tc.word, keys, tc.max); got != tc.want {
			t.Errorf("Closest(%q, %d) = %q, want %q", tc.word, tc.max, got, tc.want)
		}
	}
	if d := Distance("kitten", "sitting"); d != 3 {
		t.Errorf("Distance(kitten, sitting) = %d, want 3", d)
	}
}
