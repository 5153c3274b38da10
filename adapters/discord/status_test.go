package discord

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/bwmarrin/discordgo"
	"github.com/newsdesk/newsdesk/chat"
)

// TestClassifiedByStatusNotText: a post's failure is classified by the
// error's type or the status the transport saw, never by the error's text.
func TestClassifiedByStatusNotText(t *testing.T) {
	untyped := errors.New("Exceeded Max retries HTTP 502 Bad Gateway, <html>")
	rest := func(code int) error { return &discordgo.RESTError{Response: &http.Response{StatusCode: code}} }
	for _, tc := range []struct {
		name   string
		err    error
		status int
		want   chat.Class
	}{
		{"untyped error after a 502", untyped, 502, chat.Unknown},
		{"the same text without a 5xx seen", untyped, 0, chat.Permanent},
		{"untyped error after a 400", errors.New("HTTP 400"), 400, chat.Permanent},
		{"REST error 503", rest(503), 503, chat.Unknown},
		{"REST error 403", rest(403), 403, chat.Forbidden},
		{"network error", &url.Error{Op: "Post", URL: "https://discord.com/api", Err: errors.New("connection refused")}, 0, chat.Unknown},
	} {
		err := withHTTPStatus(tc.err, tc.status)
		got := chat.ClassOf(err)
		if got == chat.Permanent {
			got = transport{}.Classify(err).Class
		}
		if got != tc.want {
			t.Errorf("%s: class %v, want %v", tc.name, got, tc.want)
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
