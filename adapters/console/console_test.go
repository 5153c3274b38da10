package console_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/adapters/console"
	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/internal/testenv"
	"github.com/newsdesk/newsdesk/news"
)

func TestConsoleSession(t *testing.T) {
	b := testenv.NewBot(t)
	in := strings.NewReader("help\n\nsearch APT31\nsearch since:soon APT31\nquit\nsearch Sandworm\n")
	var out bytes.Buffer
	if err := console.Run(context.Background(), b, in, &out, true, false); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{
		"newsdesk console",             // greeting
		"search <words> [actor:APT31]", // help
		"statements for APT31",         // the search
		"→ APT31",                      // speaker → accused
		"error: since: \"soon\" is not a date. Try: since:YYYY-MM-DD", // the refused query
	} {
		if !strings.Contains(s, want) {
			t.Errorf("session output lacks %q", want)
		}
	}
	if strings.Contains(s, "Sandworm") {
		t.Errorf("the console went on after quit")
	}
	if n := strings.Count(s, console.Prompt); n != 5 {
		t.Errorf("%d prompts, want 5 (one before each line read, up to quit)", n)
	}
}

func TestRenderNeutralisesTerminalEscapes(t *testing.T) {
	r := bot.Reply{Kind: bot.KindResults, Title: "x", Sections: []bot.Section{{Items: []bot.Item{{
		Kind: news.Allegation, Speaker: "NCSC\x1b[2J", Text: "evil \x1b]0;pwned\x07 text \u202e reversed", Marks: [][2]int{{0, 4}},
	}}}}}
	for _, color := range []bool{false, true} {
		out := console.Render(r, color)
		if strings.Contains(out, "\x1b]") || strings.Contains(out, "\x1b[2J") || strings.Contains(out, "\u202e") || strings.Contains(out, "\x07") {
			t.Errorf("color=%v: control characters from article text reached the terminal: %q", color, out)
		}
	}
	if out := console.Render(r, true); !strings.Contains(out, "\x1b[1mevil\x1b[0m") {
		t.Errorf("marks not emphasised: %q", out)
	}
}

func TestJSONShape(t *testing.T) {
	r := bot.Reply{Kind: bot.KindResults, Title: "1 statement for APT31", Page: 1, Pages: 1, Sections: []bot.Section{{Items: []bot.Item{{
		Kind: news.Allegation, Speaker: "NCSC", SpeakerCountry: []string{"GB"}, Accused: []string{"APT31"}, Confidence: "almost certain",
		Date: time.Date(2024, 3, 25, 0, 0, 0, 0, time.UTC), ArticleID: "abc", Title: "T", URL: "https://x", SourceName: "Sky News", Text: "s",
	}}}}}
	var buf bytes.Buffer
	if err := console.WriteJSON(&buf, r); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	hit := got["hits"].([]any)[0].(map[string]any)
	for _, k := range []string{"article_id", "title", "published", "source_name", "source_url", "kind", "speaker", "speaker_country", "accused", "targets", "confidence", "event_date", "sentence"} {
		if _, ok := hit[k]; !ok {
			t.Errorf("hit lacks %q", k)
		}
	}
	if got["ok"] != true || hit["published"] != "2024-03-25T00:00:00Z" {
		t.Errorf("ok %v published %v", got["ok"], hit["published"])
	}
	buf.Reset()
	_ = console.WriteJSON(&buf, bot.Reply{Kind: bot.KindError, Text: "since: bad"})
	if !strings.Contains(buf.String(), `"ok": false`) || !strings.Contains(buf.String(), `"error": "since: bad"`) || !strings.Contains(buf.String(), `"hits": []`) {
		t.Errorf("error JSON: %s", buf.String())
	}
}
