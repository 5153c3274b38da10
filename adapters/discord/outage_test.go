package discord

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsdesk/newsdesk/adapters/discord/discordfake"
)

// outage makes Discord unreachable while down is set.
type outage struct {
	down atomic.Bool
	base http.RoundTripper
}

func (o *outage) RoundTrip(r *http.Request) (*http.Response, error) {
	if o.down.Load() {
		return nil, errors.New("dial tcp: connect: connection refused")
	}
	return o.base.RoundTrip(r)
}

// TestRunRetriesAnUnreachableGateway: Discord down at start-up does not make
// Run fail; it retries with backoff (1s, 2s, 4s … on an injected clock),
// reports itself unready, and connects once Discord is back.
func TestRunRetriesAnUnreachableGateway(t *testing.T) {
	t.Parallel()
	f := discordfake.New(t)
	client := f.Client()
	o := &outage{base: client.Transport}
	o.down.Store(true)
	client.Transport = o
	waits := make(chan time.Duration)
	tick := make(chan time.Time)
	a, err := New(Config{Token: discordfake.DefaultToken, HTTPClient: client,
		After: func(d time.Duration) <-chan time.Time { waits <- d; return tick }}, &fixedHandler{}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	for _, want := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second} {
		select {
		case d := <-waits:
			if d != want {
				t.Errorf("backoff %s, want %s", d, want)
			}
		case err := <-done:
			t.Fatalf("Run returned %v while Discord was down, want it to keep trying", err)
		}
		if _, up := a.Ready(); up {
			t.Error("Ready while Discord is unreachable")
		}
		if want == 4*time.Second {
			o.down.Store(false) // Discord is back before the next attempt
		}
		tick <- time.Time{}
	}
	wait(t, f, "connected and command registered", func() bool { return f.Connected() && len(f.Commands("")) == 1 })
	deadline := time.After(10 * time.Second) // a deadlock guard, not a timing assertion
	for _, up := a.Ready(); !up; _, up = a.Ready() {
		select {
		case <-deadline:
			t.Fatal("never Ready after connecting")
		case <-time.After(time.Millisecond):
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v after cancel, want nil", err)
	}
}

// TestRunCancelledWhileUnreachable: cancelling during the outage ends Run
// with nil.
func TestRunCancelledWhileUnreachable(t *testing.T) {
	t.Parallel()
	f := discordfake.New(t)
	client := f.Client()
	o := &outage{base: client.Transport}
	o.down.Store(true)
	client.Transport = o
	waits := make(chan time.Duration, 1)
	a, err := New(Config{Token: discordfake.DefaultToken, HTTPClient: client,
		After: func(d time.Duration) <-chan time.Time { waits <- d; return nil }}, &fixedHandler{}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	<-waits
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v, want nil", err)
	}
}
