package console_test

import (
	"bytes"
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/newsdesk/newsdesk/adapters/console"
	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/internal/replytest"
	"github.com/newsdesk/newsdesk/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestRenderGolden renders every reply kind at 80 columns.
func TestRenderGolden(t *testing.T) {
	for _, tc := range replytest.Cases() {
		t.Run(tc.Name, func(t *testing.T) {
			got := []byte(console.RenderWidth(tc.Reply, false, 80))
			path := filepath.Join("testdata", tc.Name+".golden.txt")
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -run TestRenderGolden -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("output differs from %s (run with -update if the change is intended):\n%s", path, got)
			}
			checkLines(t, string(got), 80, nil)
		})
	}
}

var urlOnly = regexp.MustCompile(`^\s*https?://\S+$`)

// checkLines fails on a line wider than width (a line holding only a URL
// excepted: the terminal's own wrapping keeps it one link) and on an id
// that does not stand whole on one line.
func checkLines(t *testing.T, out string, width int, ids []string) {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		// Without a terminal echoing the typed line, replies follow the prompt.
		l = strings.TrimPrefix(l, console.Prompt)
		if n := utf8.RuneCountInString(l); n > width && !urlOnly.MatchString(l) {
			t.Errorf("line of %d columns (> %d): %q", n, width, l)
		}
	}
	for _, id := range ids {
		whole := strings.Count(out, id)
		if whole == 0 {
			t.Errorf("id %s does not appear whole", id)
		}
		if head := strings.Count(out, id[:len(id)/2]); head != whole {
			t.Errorf("id %s split across lines (%d halves, %d whole)", id, head, whole)
		}
	}
}

func TestGroupedByArticle(t *testing.T) {
	var search bot.Reply
	for _, c := range replytest.Cases() {
		if c.Name == "search" {
			search = c.Reply
		}
	}
	out := console.RenderWidth(search, false, 80)
	for _, tc := range []struct {
		what string
		sub  string
		want int
	}{
		{"the seed URL", replytest.SeedURL, 1},
		{"the seed headline's start", "On March 25, US, UK", 1},
		{"the seed show id", "show " + replytest.SeedID, 1},
		{"the NCSC article's show id", "show " + replytest.NCSCID, 1},
		{"statements", "[ALLEGATION]", 2},
	} {
		if n := strings.Count(out, tc.sub); n != tc.want {
			t.Errorf("%s appears %d times, want %d:\n%s", tc.what, n, tc.want, out)
		}
	}
	flat := strings.Join(strings.Fields(out), " ")
	if strings.Contains(flat, `"completely`) || !strings.Contains(flat, "‘completely baseless and malicious slander’.”") {
		t.Errorf("nested quotes not normalised:\n%s", out)
	}
	for _, want := range []string{"event 2021", "Targets: British MPs"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestSessionAt80Columns runs a real session over the sample corpus at 80
// columns: no line is longer than 80 (but a lone URL) and no id is split.
func TestSessionAt80Columns(t *testing.T) {
	b := testenv.Shared(t).Bot
	in := strings.NewReader("search APT31\nshow C99146A222AC\nshow [c99146a222ac]\nlatest 10\nactor APT31\nsearch kind:response embassy\nhelp\nsearch sanctions by:US\n")
	var out bytes.Buffer
	if err := console.RunOptions(context.Background(), b, in, &out, console.Options{Interactive: true, Width: 80}); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	ids := regexp.MustCompile(`show ([0-9a-z]{12})\b`).FindAllStringSubmatch(s, -1)
	var list []string
	for _, m := range ids {
		list = append(list, m[1])
	}
	if len(list) == 0 {
		t.Fatal("no show ids in the session")
	}
	checkLines(t, s, 80, list)
	if strings.Contains(s, "error: No article") {
		t.Errorf("an upper-case or bracketed id was not found:\n%s", s)
	}
	if !strings.HasSuffix(s, console.Prompt+"\n") {
		t.Errorf("the session does not end with a newline after the last prompt (Ctrl-D): %q", s[max(0, len(s)-40):])
	}
}

// blocked is stdin with nothing typed: a read never returns.
type blocked struct{ ch chan struct{} }

func (b blocked) Read([]byte) (int, error) { <-b.ch; return 0, io.EOF }

func TestCtrlCExitsAtOnce(t *testing.T) {
	in := blocked{make(chan struct{})}
	defer close(in.ch)
	ctx, cancel := context.WithCancel(context.Background())
	var out bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- console.RunOptions(ctx, testenv.Shared(t).Bot, in, &syncWriter{w: &out}, console.Options{Interactive: true})
	}()
	cancel() // what SIGINT does through signal.NotifyContext
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run still waits for a line after Ctrl-C")
	}
}

type syncWriter struct{ w io.Writer }

func (s *syncWriter) Write(p []byte) (int, error) { return s.w.Write(p) }

// TestRenderWidths: at every width no line is longer than the width (a
// lone URL or a longer word excepted), and "show <id>" and "event <date>"
// never break.
func TestRenderWidths(t *testing.T) {
	for _, width := range []int{40, 60, 80, 120} {
		for _, tc := range replytest.Cases() {
			if tc.Name == "hostile" {
				continue
			}
			out := console.RenderWidth(tc.Reply, true, width)
			plain := regexp.MustCompile("\x1b\\[[0-9;]*m").ReplaceAllString(out, "")
			for _, l := range strings.Split(plain, "\n") {
				if n := utf8.RuneCountInString(l); n > width && !urlOnly.MatchString(l) && len(strings.Fields(l)) > 1 {
					t.Errorf("width %d, %s: line of %d columns: %q", width, tc.Name, n, l)
				}
			}
			for _, whole := range []string{"show " + replytest.SeedID, "show " + replytest.NCSCID, "event 2021", "event 2024"} {
				flat := strings.Join(strings.Fields(plain), " ")
				if strings.Contains(flat, whole) && !strings.Contains(plain, whole) {
					t.Errorf("width %d, %s: %q broken across lines", width, tc.Name, whole)
				}
			}
		}
	}
}
