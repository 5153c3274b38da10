package slack

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/adapters/slack/slackfake"
)

// TestSocketModeRetriesAnUnreachableSlack: Socket Mode failing at start-up
// (apps.connections.open answering 503, then 404 as for a bad app token)
// does not make RunSocketMode return; it retries with backoff (1s, 2s, 4s …
// on an injected clock), reports itself unready, and connects once Slack
// answers.
func TestSocketModeRetriesAnUnreachableSlack(t *testing.T) {
	fake := slackfake.New(t)
	fake.Fail("apps.connections.open", http.StatusServiceUnavailable, 2, "")
	fake.Fail("apps.connections.open", http.StatusNotFound, 1, "")
	waits := make(chan time.Duration)
	tick := make(chan time.Time)
	a, err := New(Config{BotToken: "xoxb-test", AppToken: "xapp-test", APIURL: fake.APIURL,
		After: func(d time.Duration) <-chan time.Time { waits <- d; return tick }},
		seedHandler(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- a.RunSocketMode(ctx) }()
	for _, want := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second} {
		select {
		case d := <-waits:
			if d != want {
				t.Errorf("backoff %s, want %s", d, want)
			}
		case err := <-done:
			t.Fatalf("RunSocketMode returned %v while Slack was unreachable, want it to keep trying", err)
		}
		if a.SocketReady() {
			t.Error("SocketReady while Slack is unreachable")
		}
		tick <- time.Time{}
	}
	if err := fake.WaitSocket(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	deadline := time.After(10 * time.Second) // a deadlock guard, not a timing assertion
	for !a.SocketReady() {
		select {
		case <-deadline:
			t.Fatal("never SocketReady after connecting")
		case <-time.After(time.Millisecond):
		}
	}
	if got := fake.Calls("apps.connections.open"); got != 4 {
		t.Errorf("apps.connections.open called %d times, want 4 (3 failures, 1 success)", got)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("RunSocketMode = %v after cancel, want nil", err)
	}
	if a.SocketReady() {
		t.Error("SocketReady after RunSocketMode returned")
	}
}

// TestSocketModeCancelledWhileUnreachable: cancelling during the outage
// ends RunSocketMode with nil.
func TestSocketModeCancelledWhileUnreachable(t *testing.T) {
	fake := slackfake.New(t)
	fake.Fail("apps.connections.open", http.StatusServiceUnavailable, 1, "")
	waits := make(chan time.Duration, 1)
	a, err := New(Config{BotToken: "xoxb-test", AppToken: "xapp-test", APIURL: fake.APIURL,
		After: func(d time.Duration) <-chan time.Time { waits <- d; return nil }},
		seedHandler(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.RunSocketMode(ctx) }()
	<-waits
	cancel()
	if err := <-done; err != nil {
		t.Errorf("RunSocketMode = %v, want nil", err)
	}
}
