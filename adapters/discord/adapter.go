package discord

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/chat"
	"github.com/newsdesk/newsdesk/internal/seen"
)

// Suggester proposes actor names for autocomplete. The gazetteer satisfies it.
type Suggester interface {
	Suggest(prefix string, n int) []string
}

// Config configures the adapter. Token is the bot token (with or without
// the "Bot " prefix); GuildID registers the application command in one guild
// (instant, for development) instead of globally; Command is the
// application command's name (default "newsdesk").
type Config struct {
	Token   string
	GuildID string
	Command string
	// PublicKey is the application's Ed25519 public key in hex (developer
	// portal → General Information → Public Key). With it, Routes serves
	// the HTTP interactions endpoint; without it, interactions arrive over
	// the gateway.
	PublicKey string
	// HTTPClient replaces discordgo's client (tests: discordfake.Client()).
	HTTPClient *http.Client

	// Delivery bounds the attempts of a post facing 429, 5xx or a network
	// error, the backoff between them and the history search for a slot
	// (zero: chat's defaults; tests inject its Sleep).
	Delivery chat.Policy
	// HandleTimeout bounds one command (default 30s).
	HandleTimeout time.Duration
	// ShutdownGrace is how long Run waits on cancellation for answers in
	// progress (default 10s).
	ShutdownGrace time.Duration
	// Deliveries records each interaction id (default: in memory,
	// forgotten on restart; serve passes the state store).
	Deliveries chat.Deliveries
	// After is the clock behind the gateway's reconnection backoff
	// (default time.After; tests inject their own).
	After func(time.Duration) <-chan time.Time
	// Metrics counts commands and failed posts (default: not counted).
	Metrics chat.Metrics
	// Admit bounds the command work running at once (nil: unbounded).
	// serve passes the same *admit.Pool as Slack's.
	Admit chat.Admitter
}

// tokenLife is how long an interaction token accepts edits and follow-ups.
const tokenLife = 15 * time.Minute

// Platform is the platform name in bot.Request.
const Platform = "discord"

var reCommand = regexp.MustCompile(`^[-_a-z0-9]{1,32}$`)

// Adapter connects newsdesk to Discord: it answers mentions and direct
// messages, the /newsdesk application command and its autocomplete, and
// posts digests.
type Adapter struct {
	cfg Config
	h   bot.Handler
	sug Suggester
	log *slog.Logger
	s   *discordgo.Session

	pubKey ed25519.PublicKey // nil: no HTTP interactions endpoint

	running      atomic.Bool
	ready        atomic.Bool // the gateway is connected and the command registered
	disconnected chan struct{}

	idMu  sync.RWMutex
	botID string
	appID string

	policy chat.Policy
	// flight tracks answers in progress: it refuses new ones once shutting
	// down, and its context, the parent of handler contexts, is cancelled
	// after the grace period.
	flight *chat.Flight
}

// New checks cfg and builds an adapter; Run connects it.
func New(cfg Config, h bot.Handler, s Suggester, log *slog.Logger) (*Adapter, error) {
	tok := strings.TrimSpace(cfg.Token)
	if tok == "Bot" || strings.HasPrefix(tok, "Bot ") {
		tok = strings.TrimSpace(tok[3:])
	}
	if tok == "" {
		return nil, errors.New("discord: no bot token: set DISCORD_BOT_TOKEN (or DISCORD_BOT_TOKEN_FILE) to the bot token from the Discord developer portal")
	}
	if strings.ContainsAny(tok, " \t\r\n") {
		return nil, errors.New("discord: the bot token contains whitespace: copy it again from the Discord developer portal (Bot → Reset Token)")
	}
	if cfg.Command == "" {
		cfg.Command = "newsdesk"
	}
	if !reCommand.MatchString(cfg.Command) {
		return nil, fmt.Errorf("discord: command name %q is not valid: use 1-32 lowercase letters, digits, '-' or '_' (e.g. \"newsdesk\")", cfg.Command)
	}
	if cfg.GuildID != "" && !isSnowflake(cfg.GuildID) {
		return nil, fmt.Errorf("discord: guild id %q is not a Discord id: set DISCORD_GUILD_ID to the server's numeric id (Developer Mode → Copy Server ID), or leave it empty to register the command globally", cfg.GuildID)
	}
	if h == nil {
		return nil, errors.New("discord: no handler")
	}
	var pub ed25519.PublicKey
	if strings.TrimSpace(cfg.PublicKey) != "" {
		var err error
		if pub, err = parsePublicKey(cfg.PublicKey); err != nil {
			return nil, err
		}
	}
	if cfg.HandleTimeout <= 0 {
		cfg.HandleTimeout = 30 * time.Second
	}
	if cfg.ShutdownGrace <= 0 {
		cfg.ShutdownGrace = 10 * time.Second
	}
	if cfg.Deliveries == nil {
		cfg.Deliveries = &seen.Memory{}
	}
	if cfg.After == nil {
		cfg.After = time.After
	}
	if cfg.Metrics == nil {
		cfg.Metrics = chat.NoMetrics{}
	}
	if cfg.Admit == nil {
		cfg.Admit = chat.Unbounded{}
	}
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	ds, err := discordgo.New("Bot " + tok)
	if err != nil {
		return nil, fmt.Errorf("discord: new session: %w", err)
	}
	ds.Identify.Intents = discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages
	// Run reconnects itself, under its context (see Run).
	ds.ShouldReconnectOnError = false
	if cfg.HTTPClient != nil {
		ds.Client = cfg.HTTPClient
	}
	// a copy of the client whose transport records each answer's status for
	// the request's statusRecorder (see retryable)
	c := *ds.Client
	c.Transport = statusTransport{base: c.Transport}
	ds.Client = &c
	a := &Adapter{cfg: cfg, h: h, sug: s, log: log, s: ds, pubKey: pub, disconnected: make(chan struct{}, 1)}
	a.policy = cfg.Delivery
	a.policy.Log = log
	a.policy.Failed = func() { cfg.Metrics.PostFailed(Platform, "message") }
	a.flight = chat.NewFlight()
	ds.AddHandler(a.onReady)
	ds.AddHandler(a.onMessage)
	ds.AddHandler(a.onInteraction)
	ds.AddHandler(a.onDisconnect)
	return a, nil
}

func isSnowflake(s string) bool {
	if len(s) < 1 || len(s) > 20 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// Session exposes the discordgo session (for wiring health checks).
func (a *Adapter) Session() *discordgo.Session { return a.s }

// BotID is the bot's user id once connected ("" before).
func (a *Adapter) BotID() string {
	a.idMu.RLock()
	defer a.idMu.RUnlock()
	return a.botID
}

func (a *Adapter) setIdentity(user *discordgo.User, app *discordgo.Application) {
	a.idMu.Lock()
	defer a.idMu.Unlock()
	if user != nil && user.ID != "" {
		a.botID = user.ID
	}
	if app != nil && app.ID != "" {
		a.appID = app.ID
	} else if a.appID == "" {
		a.appID = a.botID // a bot's application id is its user id
	}
}

func (a *Adapter) identity() (botID, appID string) {
	a.idMu.RLock()
	defer a.idMu.RUnlock()
	return a.botID, a.appID
}

// Run opens the gateway (intents GUILD_MESSAGES | DIRECT_MESSAGES only),
// registers the application command (bulk overwrite, per guild when
// GuildID is set), and serves until ctx ends; then it closes the gateway,
// lets answers in progress finish (up to ShutdownGrace) and returns nil.
//
// Reconnection: Run does it rather than discordgo's ShouldReconnectOnError
// loop, because that loop knows no context: it could reopen the gateway
// after shutdown began and keeps retrying after Run returned. On every
// disconnect (read error, missed heartbeat ACKs, op 7) discordgo closes the
// session and emits Disconnect; Run then reopens it (RESUME with the same
// session) at once, then with backoff from 1s to 1 minute, until ctx ends.
//
// A gateway that cannot be reached (or a registration that fails) at
// start-up is retried the same way: Run does not return an error for it, so
// that one platform's outage never stops the rest of serve; Ready reports
// false meanwhile, and each failed attempt is logged.
func (a *Adapter) Run(ctx context.Context) error {
	if !a.running.CompareAndSwap(false, true) {
		return errors.New("discord: Run called twice")
	}
	wait := time.Duration(0)
	for attempt := 1; ; attempt++ {
		err := a.connect(ctx)
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			a.shutdown()
			return nil // cancelled while connecting
		}
		wait = chat.ReconnectWait(wait)
		a.log.Warn("discord: cannot connect; retrying", "attempt", attempt, "in", wait, "err", err)
		select {
		case <-ctx.Done():
			a.shutdown()
			return nil
		case <-a.cfg.After(wait):
		}
	}
	a.ready.Store(true)
	botID, _ := a.identity()
	a.log.Info("discord: connected", "bot_id", botID, "command", "/"+a.cfg.Command, "guild", a.cfg.GuildID)
	for {
		select {
		case <-ctx.Done():
			a.ready.Store(false)
			a.shutdown()
			a.log.Info("discord: closed")
			return nil
		case <-a.disconnected:
			a.ready.Store(false)
			a.reconnect(ctx)
		}
	}
}

// Ready reports whether the gateway is connected (part "discord_gateway"
// of /readyz).
func (a *Adapter) Ready() (string, bool) { return "discord_gateway", a.ready.Load() }

// connect opens the gateway and registers the application command; on
// failure the gateway is left closed.
func (a *Adapter) connect(ctx context.Context) error {
	if err := a.s.Open(); err != nil {
		return fmt.Errorf("discord: open gateway: %w", err)
	}
	a.s.State.RLock()
	user, app := a.s.State.User, a.s.State.Application
	a.s.State.RUnlock()
	a.setIdentity(user, app)
	if err := a.register(ctx); err != nil {
		_ = a.s.Close()
		return err
	}
	return nil
}

func (a *Adapter) reconnect(ctx context.Context) {
	wait := time.Duration(0)
	for attempt := 1; ; attempt++ {
		if wait > 0 {
			select {
			case <-ctx.Done():
				return
			case <-a.cfg.After(wait):
			}
		} else if ctx.Err() != nil {
			return
		}
		err := a.s.Open()
		if err == nil || errors.Is(err, discordgo.ErrWSAlreadyOpen) {
			a.ready.Store(true)
			a.log.Info("discord: gateway reconnected", "attempt", attempt)
			return
		}
		a.log.Warn("discord: gateway reconnect failed", "attempt", attempt, "err", err)
		wait = chat.ReconnectWait(wait)
	}
}

func (a *Adapter) shutdown() {
	if err := a.s.Close(); err != nil {
		a.log.Warn("discord: close gateway", "err", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), a.cfg.ShutdownGrace)
	defer cancel()
	if err := a.flight.Close(ctx); err != nil {
		a.log.Warn("discord: answers still in progress at shutdown were cancelled", "grace", a.cfg.ShutdownGrace)
	}
}

// Shutdown waits for answers still in progress (those of HTTP
// interactions that arrived as Run ended), until ctx ends.
func (a *Adapter) Shutdown(ctx context.Context) error {
	if err := a.flight.Close(ctx); err != nil {
		return fmt.Errorf("discord adapter shutdown: %w", err)
	}
	return nil
}

// Name is the platform's name: "discord".
func (a *Adapter) Name() string { return Platform }

var (
	_ chat.Front  = (*Adapter)(nil)
	_ chat.Router = (*Adapter)(nil)
)

func (a *Adapter) register(ctx context.Context) error {
	_, appID := a.identity()
	if appID == "" {
		return errors.New("discord: READY carried no application id; cannot register the application command")
	}
	cmd := &discordgo.ApplicationCommand{
		Name:        a.cfg.Command,
		Type:        discordgo.ChatApplicationCommand,
		Description: "Ask newsdesk: search, show, latest, actor, digest, help",
		Options: []*discordgo.ApplicationCommandOption{{
			Type:         discordgo.ApplicationCommandOptionString,
			Name:         "query",
			Description:  "A newsdesk command, e.g. search APT31 kind:sanction (a bare query searches)",
			Required:     true,
			Autocomplete: true,
			MaxLength:    512,
		}},
	}
	where := "globally"
	if a.cfg.GuildID != "" {
		where = "in guild " + a.cfg.GuildID
	}
	if _, err := a.s.ApplicationCommandBulkOverwrite(appID, a.cfg.GuildID, []*discordgo.ApplicationCommand{cmd}, discordgo.WithContext(ctx)); err != nil {
		return fmt.Errorf("discord: register /%s %s: %w", a.cfg.Command, where, err)
	}
	return nil
}

func (a *Adapter) onReady(_ *discordgo.Session, r *discordgo.Ready) {
	a.setIdentity(r.User, r.Application)
}

func (a *Adapter) onDisconnect(_ *discordgo.Session, _ *discordgo.Disconnect) {
	select {
	case a.disconnected <- struct{}{}:
	default:
	}
}

// handleSlot runs the handler in a slot of the Admitter, waiting for one
// while ctx lasts; without one the reply says newsdesk is busy.
func (a *Adapter) handleSlot(ctx context.Context, req bot.Request) bot.Reply {
	return chat.Admitted(ctx, a.cfg.Admit, a.h, req, a.log)
}

// addressed reports whether a message is for the bot (it mentions the bot,
// or it is a direct message) and returns the command text without the
// mention. A bare mention means "help".
func addressed(m *discordgo.Message, botID string) (string, bool) {
	content := m.Content
	mentioned := false
	if botID != "" {
		for _, tok := range []string{"<@" + botID + ">", "<@!" + botID + ">"} {
			if strings.Contains(content, tok) {
				mentioned = true
				content = strings.ReplaceAll(content, tok, " ")
			}
		}
		for _, u := range m.Mentions {
			if u != nil && u.ID == botID {
				mentioned = true
			}
		}
	}
	if !mentioned && m.GuildID != "" {
		return "", false
	}
	text := strings.TrimLeft(strings.TrimSpace(content), ",:;")
	text = strings.TrimSpace(text)
	if text == "" {
		text = "help"
	}
	return text, true
}

func (a *Adapter) onMessage(_ *discordgo.Session, m *discordgo.MessageCreate) {
	if m.Message == nil || m.Author == nil || m.Author.Bot {
		return
	}
	botID, _ := a.identity()
	if m.Author.ID == botID {
		return
	}
	text, ok := addressed(m.Message, botID)
	if !ok {
		return
	}
	if !a.flight.Begin() {
		return
	}
	defer a.flight.Done()
	start := time.Now()
	ctx, cancel := context.WithTimeout(a.flight.Context(), a.cfg.HandleTimeout)
	defer cancel()
	reply := a.handleSlot(ctx, bot.Request{Platform: Platform, Channel: m.ChannelID, User: m.Author.ID, Text: text})
	a.cfg.Metrics.Request(Platform, reply.CommandLabel(), reply.Label(false), time.Since(start))
	no := false
	ref := &discordgo.MessageReference{MessageID: m.ID, ChannelID: m.ChannelID, GuildID: m.GuildID, FailIfNotExists: &no}
	if err := a.reply(ctx, m.ChannelID, Render(reply), ref, "reply:"+m.ChannelID+":"+m.ID); err != nil {
		a.log.Error("discord: reply to message", "channel", m.ChannelID, "message", m.ID, "err", err)
		return
	}
	a.log.Debug("discord: answered message", "channel", m.ChannelID, "kind", reply.Kind, "took", time.Since(start))
}
