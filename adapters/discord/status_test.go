package discord

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// TestRetryableByStatusNotText: a post is retried on a 5xx or a network
// error, judged by the error's type or the status the transport saw, never
// by the error's text.
func TestRetryableByStatusNotText(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	untyped := errors.New("Exceeded Max retries HTTP 502 Bad Gateway, <html>")
	rest := func(code int) error { return &discordgo.RESTError{Response: &http.Response{StatusCode: code}} }
	for _, tc := range []struct {
		name   string
		ctx    context.Context
		err    error
		status int
		want   bool
	}{
		{"untyped error after a 502", context.Background(), untyped, 502, true},
		{"the same text without a 5xx seen", context.Background(), untyped, 0, false},
		{"untyped error after a 400", context.Background(), errors.New("HTTP 400"), 400, false},
		{"REST error 503", context.Background(), rest(503), 503, true},
		{"REST error 403", context.Background(), rest(403), 403, false},
		{"network error", context.Background(), &url.Error{Op: "Post", URL: "https://discord.com/api", Err: errors.New("connection refused")}, 0, true},
		{"context finished", cancelled, rest(503), 503, false},
	} {
		if got := retryable(tc.ctx, tc.err, tc.status); got != tc.want {
			t.Errorf("%s: retryable = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestStatusTransportRecords: the transport records the answer's status for
// a request made under withStatus, and leaves other requests alone.
func TestStatusTransportRecords(t *testing.T) {
	tr := statusTransport{base: roundTripFunc(func(*http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: http.StatusBadGateway, Body: http.NoBody}, nil
	})}
	ctx, rec := withStatus(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, "https://discord.com/api/v9/channels/1/messages", nil)
	if _, err := tr.RoundTrip(req); err != nil {
		t.Fatal(err)
	}
	if rec.get() != http.StatusBadGateway {
		t.Errorf("recorded %d, want 502", rec.get())
	}
	plain, _ := http.NewRequest(http.MethodGet, "https://discord.com/api/v9/gateway", nil)
	if _, err := tr.RoundTrip(plain); err != nil {
		t.Fatal(err)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
