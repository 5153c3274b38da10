package main

import (
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTrendChartFiles: ask --png writes the chart (and --json names the
// file), the console writes it into --charts, and --png on an answer with
// no chart is refused.
func TestTrendChartFiles(t *testing.T) {
	t.Setenv("NEWSDESK_CONFIG", "")
	data, out := t.TempDir(), t.TempDir()
	decode := func(path string) {
		t.Helper()
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := png.Decode(bytes.NewReader(b)); err != nil {
			t.Errorf("%s is not a PNG: %v", path, err)
		}
	}

	file := filepath.Join(out, "apt31.png")
	stdout, stderr, code := newsdesk(t, data, "ask", "trend actor:APT31", "--png", file)
	if code != 0 || !strings.Contains(stdout, "statements (actor:APT31)") || !strings.Contains(stdout, "Chart written to "+file) {
		t.Fatalf("ask --png: exit %d\n%s\n%s", code, stdout, stderr)
	}
	decode(file)

	jfile := filepath.Join(out, "by-us.png")
	stdout, stderr, code = newsdesk(t, data, "ask", "trend by:US", "--json", "--png", jfile)
	var j struct {
		OK    bool `json:"ok"`
		Chart struct {
			Name, Summary, File string
		} `json:"chart"`
	}
	if err := json.Unmarshal([]byte(stdout), &j); err != nil || code != 0 {
		t.Fatalf("ask --json --png: exit %d, %v\n%s\n%s", code, err, stdout, stderr)
	}
	if !j.OK || j.Chart.File != jfile || !strings.HasPrefix(j.Chart.Name, "newsdesk-trend-by-us") || !strings.Contains(j.Chart.Summary, "statements (by:US)") {
		t.Errorf("json chart: %+v", j)
	}
	decode(jfile)

	if _, stderr, code := newsdesk(t, data, "ask", "search APT31", "--png", filepath.Join(out, "x.png")); code == 0 || !strings.Contains(stderr, "no chart") {
		t.Errorf("--png on a search: exit %d, %q", code, stderr)
	}

	charts := t.TempDir()
	var so, se bytes.Buffer
	code = run(context.Background(), []string{"console", "--charts", charts, "--data", data}, strings.NewReader("trend actor:APT31\n"), &so, &se)
	want := filepath.Join(charts, "newsdesk-trend-actor-apt31.png")
	if code != 0 || !strings.Contains(so.String(), "Chart written to "+want) {
		t.Fatalf("console: exit %d\n%s\n%s", code, so.String(), se.String())
	}
	decode(want)
}
