package slack

import (
	"bytes"
	"fmt"
	"image/png"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/adapters/slack/slackfake"
	"github.com/newsdesk/newsdesk/internal/testenv"
)

// The real bot over a real in-memory index holding the sample corpus
// (internal/testenv): a signed slash command gets real hits.
func TestSignedCommandRealBot(t *testing.T) {
	b := testenv.NewBot(t)
	tests := []struct {
		name, text, wantType string
		want                 []*regexp.Regexp
	}{
		{"search", "search APT31", "ephemeral", []*regexp.Regexp{
			regexp.MustCompile(`\*APT31\*`),                                       // the match in bold
			regexp.MustCompile(`:(mega|scales|no_entry|speech_balloon|memo): \*`), // a kind badge
			regexp.MustCompile(`conducted espionage against British MPs`),         // the seed article's statement
			regexp.MustCompile("Sky News · [0-9-]{10} · `show [0-9a-f]+`"),        // its article's header: outlet, date, show id
		}},
		{"alias", "search Violet Typhoon", "ephemeral", []*regexp.Regexp{regexp.MustCompile(`APT31`)}},
		{"shared", "search APT31 --share", "in_channel", []*regexp.Regexp{regexp.MustCompile(`APT31`)}},
		{"bad date", "search APT31 since:2024-13-01", "ephemeral", []*regexp.Regexp{regexp.MustCompile(`^:warning: .*since`)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, b, func(c *Config) { c.AckBudget = 2 * time.Second })
			status, body := e.post(t, "/slack/commands", e.commandForm(tt.text, "real"), testSecret, time.Now(), nil)
			if status != http.StatusOK {
				t.Fatalf("status %d: %s", status, body)
			}
			a := decodeAnswer(t, body)
			if a.ResponseType != tt.wantType {
				t.Errorf("response_type %q, want %q", a.ResponseType, tt.wantType)
			}
			mrk := texts(t, body)["mrkdwn"]
			for _, re := range tt.want {
				found := false
				for _, s := range mrk {
					found = found || re.MatchString(s)
				}
				if !found {
					t.Errorf("no mrkdwn text matches %s:\n%s", re, strings.Join(mrk, "\n---\n"))
				}
			}
			assertInert(t, tt.name, body)
		})
	}
}

// BenchmarkSlashCommandRealBot is the whole path with the real bot and index.
func BenchmarkSlashCommandRealBot(b *testing.B) {
	benchCommand(b, testenv.NewBot(b), "search APT31")
}

// TestTrendChartUploaded: a trend command is answered with its summary and
// the chart is shared in the channel through Slack's external upload (the
// real client against the fake's files.getUploadURLExternal, upload URL and
// files.completeUploadExternal).
func TestTrendChartUploaded(t *testing.T) {
	// inline within the budget, or deferred to response_url past it (a
	// budget of 1ns, or a loaded machine): the chart is uploaded either way
	for _, c := range []struct {
		name   string
		budget time.Duration
	}{{"inline", maxAckBudget}, {"deferred", time.Nanosecond}} {
		budget := c.budget
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, testenv.Shared(t).Bot, func(c *Config) { c.AckBudget = budget })
			status, body := e.post(t, "/slack/commands", e.commandForm("trend actor:APT31", "r1"), testSecret, time.Now(), nil)
			if status != http.StatusOK {
				t.Fatalf("status %d: %s", status, body)
			}
			answer := strings.Join(texts(t, body)["mrkdwn"], "\n") + string(body)
			if strings.Contains(string(body), workingText) {
				// a loaded machine took longer than the ack budget: the answer
				// follows through response_url, with the same chart
				rs, err := e.fake.WaitResponses(1, 10*time.Second)
				if err != nil {
					t.Fatalf("deferred answer: %v", err)
				}
				answer = rs[0].Text + string(rs[0].Blocks)
			}
			if !strings.Contains(answer, "statements (actor:APT31)") {
				t.Errorf("the answer lacks the chart's summary: %s", answer)
			}
			ups, err := e.fake.WaitUploads(1, 10*time.Second)
			if err != nil {
				t.Fatalf("no upload: %v", err)
			}
			u := ups[0]
			if u.Channel != "C0SECDESK" || u.Filename != "newsdesk-trend-actor-apt31.png" || !strings.Contains(u.AltText, "statements (actor:APT31)") {
				t.Errorf("upload %+v", uploadString(u))
			}
			if _, err := png.Decode(bytes.NewReader(u.Bytes)); err != nil {
				t.Errorf("the uploaded file is not a PNG: %v", err)
			}
		})
	}
}

// uploadString prints an upload without its bytes.
func uploadString(u slackfake.Upload) string {
	return fmt.Sprintf("%s %s %q alt=%q (%d bytes)", u.Channel, u.Filename, u.Title, u.AltText, len(u.Bytes))
}
