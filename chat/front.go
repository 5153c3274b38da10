package chat

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/newsdesk/newsdesk/bot"
)

// Front is one chat platform's side of serve: it receives commands, answers
// them through a bot.Handler, and posts digests.
type Front interface {
	// Name is the platform's name: the prefix of its channels
	// ("slack:C123") and of its admins, and its config section.
	Name() string
	// Run serves until ctx ends (a front with nothing to run, such as
	// Slack over HTTP only, waits for ctx). An unreachable platform is
	// retried inside Run, never returned: one platform's outage must not
	// stop the others.
	Run(ctx context.Context) error
	// Ready reports a part for /readyz: its name ("" when the front has
	// nothing to report) and whether it is up.
	Ready() (part string, up bool)
	// Shutdown waits, until ctx ends, for answers still in progress once
	// Run has returned and the HTTP server has stopped; then it cancels
	// them.
	Shutdown(ctx context.Context) error
}

// Router is a front with HTTP endpoints on serve's listener.
type Router interface {
	Routes(mux *http.ServeMux)
}

// Deliveries remembers which requests were already delivered, so that a
// replay (a signed request sent again, an event delivered twice) is
// executed once. *state.Store satisfies it, durably across restarts;
// internal/seen.Memory in memory.
type Deliveries interface {
	FirstSeen(ctx context.Context, key string, now time.Time, keep time.Duration) (bool, error)
}

// Admitter hands out a slot for one command's work: at once, after a wait
// in a bounded queue while ctx lasts, or not at all (any error: the
// context's when it ended while waiting, else newsdesk is busy).
// *admit.Pool satisfies it.
type Admitter interface {
	Acquire(ctx context.Context) (release func(), err error)
}

// Unbounded admits every command at once.
type Unbounded struct{}

// Acquire returns at once.
func (Unbounded) Acquire(context.Context) (func(), error) { return func() {}, nil }

// Metrics is what a front reports: every command answered (the front's
// name, its command, an outcome from bot.Reply.Label, the time to the
// answer) and every post that failed for good (by kind: "message",
// "response_url", "interaction"). *metrics.Metrics satisfies it.
type Metrics interface {
	Request(front, command, outcome string, took time.Duration)
	PostFailed(platform, kind string)
}

// NoMetrics counts nothing.
type NoMetrics struct{}

// Request does nothing.
func (NoMetrics) Request(string, string, string, time.Duration) {}

// PostFailed does nothing.
func (NoMetrics) PostFailed(string, string) {}

var (
	_ Admitter = Unbounded{}
	_ Metrics  = NoMetrics{}
)

// PanicText is what a user is told when the handler panicked.
const PanicText = "Something went wrong answering that; it has been logged. Try again, or try `help`."

// Handle runs h, turning a panic into an error reply (logged with the
// channel, never shown).
func Handle(ctx context.Context, h bot.Handler, req bot.Request, log *slog.Logger) (r bot.Reply) {
	defer func() {
		if p := recover(); p != nil {
			log.Error("command handler panicked", "panic", fmt.Sprint(p), "platform", req.Platform, "channel", req.Channel)
			r = bot.Reply{Kind: bot.KindError, Text: PanicText, Outcome: bot.Failed}
		}
	}()
	return h.Handle(ctx, req)
}

// Admitted runs h (as Handle does) in a slot of a, waiting for one while
// ctx lasts; without one the reply says newsdesk is busy.
func Admitted(ctx context.Context, a Admitter, h bot.Handler, req bot.Request, log *slog.Logger) bot.Reply {
	release, err := a.Acquire(ctx)
	if err != nil {
		log.Warn("command not run: newsdesk is busy", "platform", req.Platform, "channel", req.Channel, "error", err)
		return bot.BusyReply()
	}
	defer release()
	return Handle(ctx, h, req, log)
}

// Flight tracks a front's answers in progress, so that shutdown can wait
// for them: Begin refuses new ones once Close has begun.
type Flight struct {
	mu      sync.Mutex
	closing bool
	wg      sync.WaitGroup
	ctx     context.Context // parent of work contexts; cancelled when Close gives up waiting
	cancel  context.CancelFunc
}

// NewFlight returns a Flight open for work.
func NewFlight() *Flight {
	f := &Flight{}
	f.ctx, f.cancel = context.WithCancel(context.Background())
	return f
}

// Context is the parent of work contexts: it ends when Close stops
// waiting.
func (f *Flight) Context() context.Context { return f.ctx }

// Begin registers one answer in progress; false once closing. Each true
// is matched by a Done.
func (f *Flight) Begin() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closing {
		return false
	}
	f.wg.Add(1)
	return true
}

// Done ends one answer begun with Begin.
func (f *Flight) Done() { f.wg.Done() }

// Go runs work in the background as an answer in progress, with a context
// under Context bounded by timeout (none if 0). It reports false, running
// nothing, once closing.
func (f *Flight) Go(timeout time.Duration, work func(ctx context.Context)) bool {
	if !f.Begin() {
		return false
	}
	go func() {
		defer f.Done()
		ctx, cancel := f.ctx, context.CancelFunc(func() {})
		if timeout > 0 {
			ctx, cancel = context.WithTimeout(f.ctx, timeout)
		}
		defer cancel()
		work(ctx)
	}()
	return true
}

// Close refuses new answers and waits for those in progress; when ctx
// ends first it cancels them, waits for them to return and reports ctx's
// error. Close may be called more than once.
func (f *Flight) Close(ctx context.Context) error {
	f.mu.Lock()
	f.closing = true
	f.mu.Unlock()
	done := make(chan struct{})
	go func() { f.wg.Wait(); close(done) }()
	select {
	case <-done:
		f.cancel()
		return nil
	case <-ctx.Done():
		f.cancel()
		<-done
		return ctx.Err()
	}
}
