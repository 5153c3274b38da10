package discord

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/news"
)

// TestRenderReportedBy: a claim carried by several outlets names the
// others as links; their names cannot ping anyone.
func TestRenderReportedBy(t *testing.T) {
	day := time.Date(2024, 3, 26, 9, 0, 0, 0, time.UTC)
	it := bot.Item{Kind: news.Response, Speaker: "foreign ministry", SpeakerCountry: []string{"CN"}, Text: "The claims are baseless.",
		ArticleID: "aaaaaaaaaaa1", Title: "China rejects", URL: "https://a.example/1", SourceName: "Outlet A", Date: day,
		Sources: []bot.Report{
			{ArticleID: "aaaaaaaaaaa1", URL: "https://a.example/1", SourceName: "Outlet A", Date: day},
			{ArticleID: "aaaaaaaaaaa2", URL: "https://b.example/2", SourceName: "@everyone Outlet B", Date: day.Add(24 * time.Hour)},
		}}
	b, err := json.Marshal(Render(bot.Reply{Kind: bot.KindResults, Title: "t", Sections: []bot.Section{{Items: []bot.Item{it}}}}))
	if err != nil {
		t.Fatal(err)
	}
	out := string(b)
	if !strings.Contains(out, "also reported by [") || !strings.Contains(out, "](https://b.example/2)") {
		t.Errorf("no reported-by line with the second outlet's link:\n%s", out)
	}
	if strings.Contains(out, "@everyone") {
		t.Errorf("an outlet's name pings everyone:\n%s", out)
	}
}
