package slackfake

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

// Sign must produce what slack-go's verifier (Slack's algorithm) accepts.
func TestSignVerifiesWithSlackGo(t *testing.T) {
	body := []byte("command=%2Fnewsdesk&text=search+APT31")
	now := time.Now()
	tests := []struct {
		name   string
		secret string
		body   []byte
		ok     bool
	}{
		{"same secret and body", "s3cret", body, true},
		{"other secret", "other", body, false},
		{"other body", "s3cret", []byte(strings.Replace(string(body), "APT31", "APT28", 1)), false},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(http.MethodPost, "http://x/slack/commands", nil)
		SignRequest(req, "s3cret", body, now)
		sv, err := slack.NewSecretsVerifier(req.Header, tt.secret)
		if err != nil {
			t.Fatalf("%s: verifier: %v", tt.name, err)
		}
		_, _ = sv.Write(tt.body)
		if err := sv.Ensure(); (err == nil) != tt.ok {
			t.Errorf("%s: Ensure() = %v, want ok=%v", tt.name, err, tt.ok)
		}
	}
}
