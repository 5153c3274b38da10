package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/adapters/slack/slackfake"
)

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }

// running is a serve started by startServe.
type running struct {
	base string // http://127.0.0.1:port
	app  *app
	done chan error
	stop context.CancelFunc
}

// startServe opens a fresh data directory configured from the environment
// the test set (and cfgFile when not empty), runs serve on a loopback
// listener, and stops it at the end of the test, failing the test if serve
// returned an error. A test that must see serve still running checks
// r.running() before the end.
func startServe(tb testing.TB, cfgFile string) *running {
	tb.Helper()
	return startServeIn(tb, cfgFile, tb.TempDir())
}

// startServeIn is startServe on the data directory data, which may hold
// an index and article store already.
func startServeIn(tb testing.TB, cfgFile, data string) *running {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	a, err := open(ctx, globals{data: data, config: cfgFile}, io.Discard, true)
	if err != nil {
		cancel()
		tb.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		cancel()
		a.Close()
		tb.Fatal(err)
	}
	r := &running{base: "http://" + ln.Addr().String(), app: a, done: make(chan error, 1), stop: cancel}
	go func() { r.done <- serve(ctx, a, ln) }()
	tb.Cleanup(func() {
		cancel()
		if err := <-r.done; err != nil {
			tb.Errorf("serve: %v", err)
		}
		a.Close()
	})
	return r
}

// running reports whether serve is still running.
func (r *running) running() bool {
	select {
	case err := <-r.done:
		r.done <- err // for the cleanup
		return false
	default:
		return true
	}
}

// slashCommand posts a slash command to serve signed with secret, as
// Slack would.
func (r *running) slashCommand(tb testing.TB, secret, text, responseURL string) *http.Response {
	tb.Helper()
	body := url.Values{"command": {"/newsdesk"}, "text": {text}, "channel_id": {"C1"}, "user_id": {"U1"},
		"response_url": {responseURL}}.Encode()
	req, _ := http.NewRequest(http.MethodPost, r.base+"/slack/commands", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	slackfake.SignRequest(req, secret, []byte(body), time.Now())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatalf("slash command %q: %v", text, err)
	}
	return resp
}

// readyz reads /readyz.
func (r *running) readyz(tb testing.TB) (status int, ready bool, parts map[string]bool) {
	tb.Helper()
	resp, err := http.Get(r.base + "/readyz")
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Ready bool            `json:"ready"`
		Parts map[string]bool `json:"parts"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		tb.Fatalf("/readyz: %v", err)
	}
	return resp.StatusCode, body.Ready, body.Parts
}

// slackEnv sets the environment of a serve with Slack over HTTP, its Web
// API on a loopback fake and the ingestion API on, and writes configYAML
// to the config file it returns.
func slackEnv(tb testing.TB, configYAML string) (*slackfake.Server, string) {
	tb.Helper()
	fake := slackfake.New(tb)
	cfgFile := filepath.Join(tb.TempDir(), "newsdesk.yaml")
	if err := os.WriteFile(cfgFile, []byte(configYAML), 0o600); err != nil {
		tb.Fatal(err)
	}
	tb.Setenv("NEWSDESK_CONFIG", cfgFile)
	tb.Setenv("SLACK_BOT_TOKEN", "xoxb-test")
	tb.Setenv("SLACK_SIGNING_SECRET", "s3cret")
	tb.Setenv("SLACK_API_URL", fake.APIURL)
	tb.Setenv("NEWSDESK_API_TOKEN", "ingest-token")
	return fake, cfgFile
}
