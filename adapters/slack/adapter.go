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
	"github.com/slack-go/slack/socketmode"

	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/chat"
	"github.com/newsdesk/newsdesk/internal/admit"
	"github.com/newsdesk/newsdesk/internal/seen"
)

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
	// Delivery bounds the attempts of one Web API call facing 429 or 5xx,
	// the backoff between them and the history search for a slot (zero:
	// chat's defaults; tests inject its Sleep).
	Delivery chat.Policy
	// HTTPClient is used for the Web API and response_url (default: a client
	// with a 15s timeout).
	HTTPClient *http.Client
	// Deliveries records each request's signature and each event's id
	// (default: in memory, forgotten on restart; serve passes the state
	// store).
	Deliveries chat.Deliveries
	// Metrics counts commands and failed posts (default: not counted).
	Metrics chat.Metrics
	// After is the clock behind Socket Mode's reconnection backoff
	// (default time.After; tests inject their own).
	After func(time.Duration) <-chan time.Time
	// Admit bounds the command work running at once (nil: unbounded).
	// serve passes its *admit.Pool.
	Admit chat.Admitter
	// Clock measures the ack budget from the request's arrival (recorded
	// by admit.Arrivals at the top of the HTTP handler chain); default the
	// wall clock.
	Clock Clock
}

// Clock is the adapter's time source. admit.Real satisfies it.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

// Defaults.
const (
	DefaultAPIURL      = "https://slack.com/api/"
	DefaultAckBudget   = time.Second
	DefaultLateTimeout = 60 * time.Second
	// responseURLLife is how long Slack accepts posts to a response_url.
	responseURLLife = 30 * time.Minute
	maxAckBudget    = 2500 * time.Millisecond
	maxBodyBytes    = 64 << 10
)

// Adapter connects a Handler to Slack.
type Adapter struct {
	cfg    Config
	h      bot.Handler
	log    *slog.Logger
	api    *slack.Client
	policy chat.Policy

	socketReady atomic.Bool // the Socket Mode connection is up
	// socketPending holds the Socket Mode slash commands being answered:
	// envelope id -> the client whose ack will answer it (see claimEnvelope).
	socketMu      sync.Mutex
	socketPending map[string]*socketmode.Client

	flight *chat.Flight // background work (late answers, mentions), waited for by Shutdown
}

var (
	_ chat.Front  = (*Adapter)(nil)
	_ chat.Router = (*Adapter)(nil)
)

// Name is the platform's name: "slack".
func (a *Adapter) Name() string { return Platform }

// Platform is the platform name in bot.Request and channel ids.
const Platform = "slack"

// New validates cfg and returns an adapter. It does no network I/O.
func New(cfg Config, h bot.Handler, log *slog.Logger) (*Adapter, error) {
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
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 15 * time.Second}
	}
	if cfg.Deliveries == nil {
		cfg.Deliveries = &seen.Memory{}
	}
	if cfg.Metrics == nil {
		cfg.Metrics = chat.NoMetrics{}
	}
	if cfg.After == nil {
		cfg.After = time.After
	}
	if cfg.Admit == nil {
		cfg.Admit = chat.Unbounded{}
	}
	if cfg.Clock == nil {
		cfg.Clock = admit.Real{}
	}
	opts := []slack.Option{slack.OptionAPIURL(cfg.APIURL), slack.OptionHTTPClient(cfg.HTTPClient)}
	if cfg.AppToken != "" {
		opts = append(opts, slack.OptionAppLevelToken(cfg.AppToken))
	}
	log = log.With("adapter", "slack")
	policy := cfg.Delivery
	policy.Log = log
	policy.Failed = func() { cfg.Metrics.PostFailed(Platform, "message") }
	return &Adapter{
		cfg:    cfg,
		h:      h,
		log:    log,
		api:    slack.New(cfg.BotToken, opts...),
		policy: policy,
		flight: chat.NewFlight(),
	}, nil
}

// Run serves Socket Mode (RunSocketMode) when an app token is set, else
// waits for ctx: the HTTP endpoints (Routes) need nothing run.
func (a *Adapter) Run(ctx context.Context) error {
	if a.cfg.AppToken != "" {
		return a.RunSocketMode(ctx)
	}
	<-ctx.Done()
	return nil
}

// Ready reports the Socket Mode connection ("slack_socket") when Socket
// Mode is on; over HTTP alone there is nothing to report.
func (a *Adapter) Ready() (string, bool) {
	if a.cfg.AppToken == "" {
		return "", true
	}
	return "slack_socket", a.SocketReady()
}

// Shutdown waits for background work (late answers, mention replies) to
// finish, or cancels it when ctx ends first.
func (a *Adapter) Shutdown(ctx context.Context) error {
	if err := a.flight.Close(ctx); err != nil {
		return fmt.Errorf("slack adapter shutdown: %w", err)
	}
	return nil
}

// goLate runs f in the background with a context bounded by LateTimeout and
// independent of any request (not at all once shutting down).
func (a *Adapter) goLate(f func(ctx context.Context)) {
	if !a.flight.Go(a.cfg.LateTimeout, f) {
		a.log.Warn("late work dropped: shutting down")
	}
}

// observe counts one answered command, timed from its arrival.
func (a *Adapter) observe(r bot.Reply, deferred bool, start time.Time) {
	a.cfg.Metrics.Request("slack", r.CommandLabel(), r.Label(deferred), a.cfg.Clock.Now().Sub(start))
}

// handleSlot runs the handler in a slot of the Admitter, waiting for one
// while ctx lasts; without one the reply says newsdesk is busy.
func (a *Adapter) handleSlot(ctx context.Context, req bot.Request) bot.Reply {
	return chat.Admitted(ctx, a.cfg.Admit, a.h, req, a.log)
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
	started := a.flight.Go(left, func(ctx context.Context) {
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
		ch <- admitted{reply: chat.Handle(ctx, a.h, req, a.log)}
	})
	if !started {
		return admitted{reply: bot.BusyReply(), busy: true}, true, nil
	}
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
	return a.seenBefore(w, r, chat.Request{Platform: Platform, Kind: "sig", ID: r.Header.Get("X-Slack-Signature"), Keep: signatureKeep}, "request")
}

func (a *Adapter) seenBefore(w http.ResponseWriter, r *http.Request, d chat.Request, what string, logArgs ...any) bool {
	replay, err := chat.Replay(r.Context(), a.cfg.Deliveries, d, time.Now())
	if err != nil {
		a.log.Error("slack request not executed: cannot record its delivery", append([]any{"path", r.URL.Path, "error", err}, logArgs...)...)
		http.Error(w, "newsdesk cannot record this request; try again", http.StatusServiceUnavailable)
		return true
	}
	if replay {
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
