package discord

import (
	"context"
	"net/http"
	"sync/atomic"
)

// statusRecorder holds the HTTP status of the last answer to a request
// made with its context.
type statusRecorder struct{ code atomic.Int32 }

func (r *statusRecorder) get() int {
	if r == nil {
		return 0
	}
	return int(r.code.Load())
}

type statusKey struct{}

// withStatus returns a context whose requests record their answer's status
// in the returned recorder.
func withStatus(ctx context.Context) (context.Context, *statusRecorder) {
	r := &statusRecorder{}
	return context.WithValue(ctx, statusKey{}, r), r
}

// statusTransport records each answer's status for the request's
// statusRecorder, if its context has one.
type statusTransport struct{ base http.RoundTripper }

func (t statusTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.base
	if base == nil {
		base = http.DefaultTransport
	}
	resp, err := base.RoundTrip(req)
	if r, ok := req.Context().Value(statusKey{}).(*statusRecorder); ok && resp != nil {
		r.code.Store(int32(resp.StatusCode))
	}
	return resp, err
}
