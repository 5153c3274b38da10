package main

import (
	"os"
	"path"
	"regexp"
	"strings"
	"testing"
)

// TestDockerfilePinsDigests: every base image is pinned by a sha256 digest.
func TestDockerfilePinsDigests(t *testing.T) {
	b, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	pinned := regexp.MustCompile(`^FROM (?:--platform=\S+ )?\S+:\S+@sha256:[0-9a-f]{64}(?: AS \w+)?$`)
	n := 0
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "FROM ") {
			n++
			if !pinned.MatchString(line) {
				t.Errorf("base image not pinned by digest: %s", line)
			}
		}
	}
	if n < 2 {
		t.Errorf("%d FROM lines, want a build and a runtime stage", n)
	}
}

// TestDockerignore: the build context leaves out history, data and
// binaries, and keeps every source directory (index/ and
// internal/sample/data/ included).
func TestDockerignore(t *testing.T) {
	b, err := os.ReadFile("../../.dockerignore")
	if err != nil {
		t.Fatal(err)
	}
	var patterns []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			patterns = append(patterns, strings.TrimPrefix(l, "/"))
		}
	}
	for _, tc := range []struct {
		path     string
		excluded bool
	}{
		{".git/HEAD", true},
		{".git/objects/ab/cdef", true},
		{"newsdesk", true},
		{"cmd/newsdesk/newsdesk.test", true},
		{"newsdesk-data/state.db", true},
		{"data/articles.db", true},
		{"somewhere/state.db", true},
		{"newsdesk-data/index.old-20260101T000000/index_meta.json", true},
		{"go.mod", false},
		{"go.sum", false},
		{"cmd/newsdesk/main.go", false},
		{"index/index.go", false},
		{"internal/sample/data/apt31-accusations-2024-03.txt", false},
		{"extract/data/train/README.md", false},
	} {
		if got := ignored(patterns, tc.path); got != tc.excluded {
			t.Errorf("%s: excluded %v, want %v", tc.path, got, tc.excluded)
		}
	}
}

// ignored applies .dockerignore patterns as Docker does for these cases:
// a pattern matches the path or one of its parent directories; "**/"
// matches any number of leading directories.
func ignored(patterns []string, p string) bool {
	parts := strings.Split(p, "/")
	for _, pat := range patterns {
		anyDepth := strings.HasPrefix(pat, "**/")
		pat = strings.TrimPrefix(pat, "**/")
		for end := 1; end <= len(parts); end++ {
			starts := []int{0}
			if anyDepth {
				starts = starts[:0]
				for s := 0; s < end; s++ {
					starts = append(starts, s)
				}
			}
			for _, s := range starts {
				if ok, _ := path.Match(pat, strings.Join(parts[s:end], "/")); ok {
					return true
				}
			}
		}
	}
	return false
}
