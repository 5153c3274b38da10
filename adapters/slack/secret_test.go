package slack

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/chat"
	"github.com/newsdesk/newsdesk/chat/chattest"
)

// TestFailedResponseURLNeverLogged: a response_url post that fails (the
// host refuses connections, or answers 500 until retries run out) is
// logged and counted without the URL, which is a credential.
func TestFailedResponseURLNeverLogged(t *testing.T) {
	refused, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := refused.Addr().String()
	refused.Close()
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "boom", http.StatusInternalServerError)
	}))
	defer failing.Close()
	const secret = "/commands/T0001/1234567890/s3cretT0kenXYZ"
	for _, tc := range []struct{ name, url string }{
		{"connection refused", "http://" + closedAddr + secret},
		{"server error until retries run out", failing.URL + secret},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			m := &countingMetrics{}
			a, err := New(Config{BotToken: "xoxb-test", SigningSecret: "s", APIURL: failing.URL + "/api/",
				Delivery: chat.Policy{MaxAttempts: 2, Sleep: chattest.NoWait}, Metrics: m},
				seedHandler(), slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
			if err != nil {
				t.Fatal(err)
			}
			a.respondAll(context.Background(), tc.url, []commandAnswer{{ResponseType: ephemeral, Text: "hello"}})
			if !strings.Contains(logs.String(), "response_url post failed") {
				t.Fatalf("the failure was not logged:\n%s", logs.String())
			}
			for _, leak := range []string{"s3cretT0kenXYZ", "1234567890", tc.url} {
				if strings.Contains(logs.String(), leak) {
					t.Errorf("log shows %q:\n%s", leak, logs.String())
				}
			}
			if m.failed("slack/response_url") != 1 {
				t.Errorf("post failures counted %v, want 1 response_url", m.posts)
			}
		})
	}
}

// countingMetrics records what the adapter reports.
type countingMetrics struct {
	mu       sync.Mutex
	posts    map[string]int
	requests map[string]int
}

func (m *countingMetrics) Request(front, command, outcome string, _ time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.requests == nil {
		m.requests = map[string]int{}
	}
	m.requests[front+"/"+command+"/"+outcome]++
}

func (m *countingMetrics) PostFailed(platform, kind string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.posts == nil {
		m.posts = map[string]int{}
	}
	m.posts[platform+"/"+kind]++
}

func (m *countingMetrics) failed(key string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.posts[key]
}
