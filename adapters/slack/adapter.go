package slack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"

	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/internal/admit"
	"github.com/newsdesk/newsdesk/internal/seen"
)

// Handler answers one command. *bot.Bot satisfies it.
type Handler interface {
	Handle(ctx context.Context, req bot.Request) bot.Reply
}

// Deliveries remembers which requests were already delivered, so that a
// replay (the same signed request sent again within Slack's five-minute
// window, or an event Slack retries) is executed once. *state.Store
// satisfies it, durably across restarts; without one the adapter remembers
// in memory.
type Deliveries interface {
	FirstSeen(ctx context.Context, key string, now time.Time, keep time.Duration) (bool, error)
}

// Config configures the adapter. Secrets come from the environment; they
// are never logged.
type Config struct {
	BotToken      string // SLACK_BOT_TOKEN, xoxb-…: required
	SigningSecret string // SLACK_SIGNING_SECRET: enables the HTTP endpoints
	AppToken      string // SLACK_APP_TOKEN, xapp-…: enables Socket Mode

	// APIURL is the Slack Web API base, "https://slack.com/api/" by default
	// (tests: srv.URL+"/api/"). A missing trailing slash is added.
	APIURL string
	// Command is the slash command's name, "/newsdesk" by default.
	Command string
	// AckBudget is how long a slash command may compute before the adapter
	// acknowledges with "Working on it…" and answers through response_url
	// instead (default 1s; at most 2.5s, as Slack gives up after 3s).
	AckBudget time.Duration
	// LateTimeout bounds the work behind a late answer (a slow command, an
	// app_mention, a Share click): default 60s.
	LateTimeout time.Duration
	// MaxAttempts bounds the attempts of one Web API call facing 429 or 5xx
	// (default 5). RetryBackoff is the first 5xx backoff, doubled each time
	// (default 500ms).
	MaxAttempts  int
	RetryBackoff time.Duration
	// HTTPClient is used for the Web API and response_url (default: a client
	// with a 15s timeout).
	HTTPClient *http.Client
	// Deliveries records each request's signature and each event's id
	// (default: in memory, forgotten on restart; serve passes the state
	// store).
	Deliveries Deliveries
	// Metrics counts commands and failed posts (default: not counted).
	Metrics Metrics
	// After is the clock behind Socket Mode's reconnection backoff
	// (default time.After; tests inject their own).
	After func(time.Duration) <-chan time.Time
	// Admit bounds the command work running at once (nil: unbounded).
	// serve passes its *admit.Pool.
	Admit Admitter
	// Clock measures the ack budget from the request's arrival (recorded
	// by admit.Arrivals at the top of the HTTP handler chain); default the
	// wall clock.
	Clock Clock
}

// Admitter hands out a slot for one command's work: at once, after a wait
// in a bounded queue while ctx lasts, or not at all (any error: the
// context's when it ended while waiting, else newsdesk is busy).
// *admit.Pool satisfies it.
type Admitter interface {
	Acquire(ctx context.Context) (release func(), err error)
}

// Clock is the adapter's time source. admit.Real satisfies it.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

// unbounded admits every command at once.
type unbounded struct{}

func (unbounded) Acquire(context.Context) (func(), error) { return func() {}, nil }

// Metrics is what the adapter reports: every command answered (front
// "slack", its command, an outcome from bot.Reply.Label, the time to the
// answer) and every post that failed for good (kind "response_url" or
// "message"). *metrics.Metrics satisfies it.
type Metrics interface {
	Request(front, command, outcome string, took time.Duration)
	PostFailed(platform, kind string)
}

type noMetrics struct{}

func (noMetrics) Request(string, string, string, time.Duration) {}
func (noMetrics) PostFailed(string, string)                     {}

// Defaults.
const (
	DefaultAPIURL      = "https://slack.com/api/"
	DefaultAckBudget   = time.Second
	DefaultLateTimeout = 60 * time.Second
	DefaultMaxAttempts = 5
	// responseURLLife is how long Slack accepts posts to a response_url.
	responseURLLife     = 30 * time.Minute
	DefaultRetryBackoff = 500 * time.Millisecond
	maxAckBudget        = 2500 * time.Millisecond
	maxBodyBytes        = 64 << 10
)

// Adapter connects a Handler to Slack.
type Adapter struct {
	cfg Config
	h   Handler
	log *slog.Logger
	api *slack.Client

	socketReady atomic.Bool // the Socket Mode connection is up

	bg     context.Context // parent of background work; cancelled by Shutdown
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// New validates cfg and returns an adapter. It does no network I/O.
func New(cfg Config, h Handler, log *slog.Logger) (*Adapter, error) {
	if h == nil {
		return nil, errors.New("slack adapter: no command handler (nil Handler)")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	switch {
	case cfg.BotToken == "":
		return nil, errors.New("slack: bot token missing: set SLACK_BOT_TOKEN to the app's Bot User OAuth Token (xoxb-…)")
	case !strings.HasPrefix(cfg.BotToken, "xoxb-"):
		return nil, errors.New("slack: SLACK_BOT_TOKEN is not a bot token: it must start with xoxb- (the Bot User OAuth Token)")
	case cfg.SigningSecret == "" && cfg.AppToken == "":
		return nil, errors.New("slack: no way to receive commands: set SLACK_SIGNING_SECRET (HTTP request URL at /slack/commands) or SLACK_APP_TOKEN (Socket Mode, xapp-…)")
	case cfg.AppToken != "" && !strings.HasPrefix(cfg.AppToken, "xapp-"):
		return nil, errors.New("slack: SLACK_APP_TOKEN is not an app-level token: it must start with xapp- (Basic Information → App-Level Tokens, scope connections:write)")
	}
	if cfg.APIURL == "" {
		cfg.APIURL = DefaultAPIURL
	}
	u, err := url.Parse(cfg.APIURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("slack: API URL %q is not an http(s) URL: set it like %q", cfg.APIURL, DefaultAPIURL)
	}
	if !strings.HasSuffix(cfg.APIURL, "/") {
		cfg.APIURL += "/"
	}
	if cfg.Command == "" {
		cfg.Command = DefaultCommand
	}
	if !strings.HasPrefix(cfg.Command, "/") || strings.ContainsAny(cfg.Command, " \t\n") {
		return nil, fmt.Errorf("slack: command name %q must start with / and have no spaces, like %q", cfg.Command, DefaultCommand)
	}
	switch {
	case cfg.AckBudget == 0:
		cfg.AckBudget = DefaultAckBudget
	case cfg.AckBudget < 0 || cfg.AckBudget > maxAckBudget:
		return nil, fmt.Errorf("slack: ack budget %s out of range: Slack waits 3s for the acknowledgement, use up to %s (default %s)", cfg.AckBudget, maxAckBudget, DefaultAckBudget)
	}
	if cfg.LateTimeout <= 0 {
		cfg.LateTimeout = DefaultLateTimeout
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = DefaultMaxAttempts
	}
	if cfg.RetryBackoff <= 0 {
		cfg.RetryBackoff = DefaultRetryBackoff
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 15 * time.Second}
	}
	if cfg.Deliveries == nil {
		cfg.Deliveries = &seen.Memory{}
	}
	if cfg.Metrics == nil {
		cfg.Metrics = noMetrics{}
	}
	if cfg.After == nil {
		cfg.After = time.After
	}
	if cfg.Admit == nil {
		cfg.Admit = unbounded{}
	}
	if cfg.Clock == nil {
		cfg.Clock = admit.Real{}
	}
	opts := []slack.Option{slack.OptionAPIURL(cfg.APIURL), slack.OptionHTTPClient(cfg.HTTPClient)}
	if cfg.AppToken != "" {
		opts = append(opts, slack.OptionAppLevelToken(cfg.AppToken))
	}
	bg, cancel := context.WithCancel(context.Background())
	return &Adapter{
		cfg:    cfg,
		h:      h,
		log:    log.With("adapter", "slack"),
		api:    slack.New(cfg.BotToken, opts...),
		bg:     bg,
		cancel: cancel,
	}, nil
}

// Shutdown waits for background work (late answers, mention replies) to
// finish, or cancels it when ctx ends first.
func (a *Adapter) Shutdown(ctx context.Context) error {
	done := make(chan struct{})
	go func() { a.wg.Wait(); close(done) }()
	select {
	case <-done:
		a.cancel()
		return nil
	case <-ctx.Done():
		a.cancel()
		<-done
		return fmt.Errorf("slack adapter shutdown: %w", ctx.Err())
	}
}

// goLate runs f in the background with a context bounded by LateTimeout and
// independent of any request.
func (a *Adapter) goLate(f func(ctx context.Context)) {
	a.wg.Go(func() {
		ctx, cancel := context.WithTimeout(a.bg, a.cfg.LateTimeout)
		defer cancel()
		f(ctx)
	})
}

// handle runs the handler, turning a panic into a user-facing error.
func (a *Adapter) handle(ctx context.Context, req bot.Request) (r bot.Reply) {
	defer func() {
		if p := recover(); p != nil {
			a.log.Error("command handler panicked", "panic", fmt.Sprint(p), "channel", req.Channel)
			r = bot.Reply{Kind: bot.KindError, Text: "Something went wrong answering that; it has been logged. Try again, or try `help`.", Outcome: bot.Failed}
		}
	}()
	return a.h.Handle(ctx, req)
}

// observe counts one answered command, timed from its arrival.
func (a *Adapter) observe(r bot.Reply, deferred bool, start time.Time) {
	a.cfg.Metrics.Request("slack", r.CommandLabel(), r.Label(deferred), a.cfg.Clock.Now().Sub(start))
}

// handleSlot runs the handler in a slot of the Admitter, waiting for one
// while ctx lasts; without one the reply says newsdesk is busy.
func (a *Adapter) handleSlot(ctx context.Context, req bot.Request) bot.Reply {
	release, err := a.cfg.Admit.Acquire(ctx)
	if err != nil {
		a.log.Warn("command not run: newsdesk is busy", "channel", req.Channel, "error", err)
		return bot.BusyReply()
	}
	defer release()
	return a.handle(ctx, req)
}

// admitted is the outcome of one command's work: its reply, or, when it
// got no slot, why not.
type admitted struct {
	reply   bot.Reply
	busy    bool // turned away at once: every slot and the queue were full
	expired bool // waited for a slot until its answer could no longer help
}

// handleAdmitted runs the handler once the Admitter gives a slot, under a
// context that ends when the answer is no longer useful (life after the
// request arrived at start), and waits for the reply until ackBy. When
// ackBy passes first it returns ok=false and a channel that will carry the
// outcome.
func (a *Adapter) handleAdmitted(req bot.Request, start, ackBy time.Time, life time.Duration) (admitted, bool, <-chan admitted) {
	ch := make(chan admitted, 1)
	left := life - a.cfg.Clock.Now().Sub(start)
	a.wg.Go(func() {
		ctx, cancel := context.WithTimeout(a.bg, left)
		defer cancel()
		release, err := a.cfg.Admit.Acquire(ctx)
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
				ch <- admitted{reply: bot.BusyReply(), expired: true}
				return
			}
			ch <- admitted{reply: bot.BusyReply(), busy: true}
			return
		}
		defer release()
		ch <- admitted{reply: a.handle(ctx, req)}
	})
	wait := ackBy.Sub(a.cfg.Clock.Now())
	if wait <= 0 {
		return admitted{}, false, ch
	}
	select {
	case r := <-ch:
		return r, true, nil
	case <-a.cfg.Clock.After(wait):
		return admitted{}, false, ch
	}
}

// statusWriter records the status code for the request log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the connection (Flush).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// logged logs every request: method, path, status, duration; never a body,
// a header value or a secret.
func (a *Adapter) logged(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		h(sw, r)
		a.log.Info("slack request", "method", r.Method, "path", r.URL.Path, "status", sw.status,
			"duration", time.Since(start).Round(time.Microsecond), "remote", r.RemoteAddr)
	}
}

// Routes registers the HTTP endpoints: POST /slack/commands, POST
// /slack/events and POST /slack/interactions. Without a signing secret it
// registers nothing (Socket Mode needs no public URL).
func (a *Adapter) Routes(mux *http.ServeMux) {
	if a.cfg.SigningSecret == "" {
		a.log.Info("no SLACK_SIGNING_SECRET: the HTTP endpoints /slack/commands, /slack/events, /slack/interactions are off")
		return
	}
	mux.HandleFunc("POST /slack/commands", a.logged(a.serveCommand))
	mux.HandleFunc("POST /slack/events", a.logged(a.serveEvents))
	mux.HandleFunc("POST /slack/interactions", a.logged(a.serveInteraction))
}

// verified reads the raw body (at most 64 KiB) and checks Slack's v0
// signature and the five-minute window before anything is parsed. On
// failure it answers (401, or 413 for an oversized body), logs why without
// the body, and returns ok=false.
func (a *Adapter) verified(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	refuse := func(status int, reason string, err error) ([]byte, bool) {
		a.log.Warn("slack request refused", "path", r.URL.Path, "status", status, "reason", reason,
			"error", err, "remote", r.RemoteAddr)
		http.Error(w, http.StatusText(status), status)
		return nil, false
	}
	sv, err := slack.NewSecretsVerifier(r.Header, a.cfg.SigningSecret)
	if err != nil {
		reason := "bad signature headers"
		switch {
		case errors.Is(err, slack.ErrMissingHeaders):
			reason = "missing signature headers"
		case errors.Is(err, slack.ErrExpiredTimestamp):
			reason = "timestamp outside the 5-minute window"
		}
		return refuse(http.StatusUnauthorized, reason, err)
	}
	body, err := readBody(w, r)
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return refuse(http.StatusRequestEntityTooLarge, "body over 64 KiB", err)
		}
		return refuse(http.StatusBadRequest, "unreadable body", err)
	}
	if _, err := sv.Write(body); err != nil {
		return refuse(http.StatusUnauthorized, "signature check failed", err)
	}
	if err := sv.Ensure(); err != nil {
		return refuse(http.StatusUnauthorized, "signature mismatch", err)
	}
	return body, true
}

// Replay windows. A signature is acceptable while its timestamp is within
// five minutes of now (either side), so it is remembered for ten; Slack
// retries an event for about five minutes, and its id is remembered for an
// hour.
const (
	signatureKeep = 10 * time.Minute
	eventKeep     = time.Hour
)

// replayed reports whether the request (already verified) was delivered
// before, remembering it if not. A replay is answered 200 with nothing done
// (so that Slack does not retry) and logged once; when the record cannot be
// written the request is answered 503 and not executed. Either way the
// caller returns when replayed says true.
func (a *Adapter) replayed(w http.ResponseWriter, r *http.Request) bool {
	return a.seenBefore(w, r, "slack:sig:"+r.Header.Get("X-Slack-Signature"), signatureKeep, "request")
}

func (a *Adapter) seenBefore(w http.ResponseWriter, r *http.Request, key string, keep time.Duration, what string, logArgs ...any) bool {
	first, err := a.cfg.Deliveries.FirstSeen(r.Context(), key, time.Now(), keep)
	if err != nil {
		a.log.Error("slack request not executed: cannot record its delivery", append([]any{"path", r.URL.Path, "error", err}, logArgs...)...)
		http.Error(w, "newsdesk cannot record this request; try again", http.StatusServiceUnavailable)
		return true
	}
	if !first {
		a.log.Warn("slack "+what+" already delivered: a replay, ignored", append([]any{"path", r.URL.Path, "remote", r.RemoteAddr}, logArgs...)...)
		w.WriteHeader(http.StatusOK)
		return true
	}
	return false
}

func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	return io.ReadAll(r.Body)
}
