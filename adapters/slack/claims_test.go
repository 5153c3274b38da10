package slack

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/news"
)

// TestRenderReportedBy: a claim carried by several outlets names the
// others with links and dates; their names are text from outside and
// cannot ping anyone.
func TestRenderReportedBy(t *testing.T) {
	day := time.Date(2024, 3, 26, 9, 0, 0, 0, time.UTC)
	it := bot.Item{Kind: news.Response, Speaker: "foreign ministry", SpeakerCountry: []string{"CN"}, Text: "The claims are baseless.",
		ArticleID: "aaaaaaaaaaa1", Title: "China rejects", URL: "https://a.example/1", SourceName: "Outlet A", Date: day,
		Sources: []bot.Report{
			{ArticleID: "aaaaaaaaaaa1", URL: "https://a.example/1", SourceName: "Outlet A", Date: day},
			{ArticleID: "aaaaaaaaaaa2", URL: "https://b.example/2", SourceName: "<!channel> Outlet B", Date: day.Add(24 * time.Hour)},
		}}
	b, err := json.Marshal(Render(bot.Reply{Kind: bot.KindResults, Title: "t", Sections: []bot.Section{{Items: []bot.Item{it}}}}))
	if err != nil {
		t.Fatal(err)
	}
	out := string(b)
	if !strings.Contains(out, "Also reported by \\u003chttps://b.example/2|") || !strings.Contains(out, "(27 Mar 2024)") {
		t.Errorf("no reported-by line with the second outlet's link and date:\n%s", out)
	}
	if strings.Contains(out, "<!channel>") || strings.Contains(out, "\\u003c!channel\\u003e") {
		t.Errorf("an outlet's name pings the channel:\n%s", out)
	}
}
