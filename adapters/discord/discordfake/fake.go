package discordfake

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// Default identities of the fake's bot.
const (
	DefaultToken = "test-token"
	DefaultBotID = "900000000000000001"
	DefaultAppID = "900000000000000002"
)

// DefaultNonceWindow is the fake's default Fake.NonceWindow.
const DefaultNonceWindow = 2 * time.Minute

// Message is a message as the fake stores it: what the client sent (Raw is
// the full JSON body, including allowed_mentions, nonce and enforce_nonce)
// plus the fields the fake assigned.
type Message struct {
	ID           string
	ChannelID    string
	GuildID      string
	AuthorID     string
	AuthorBot    bool
	Content      string
	Embeds       []*discordgo.MessageEmbed
	Nonce        string
	EnforceNonce bool
	Flags        int
	// AllowedMentions is the raw allowed_mentions object ("" when absent).
	AllowedMentions json.RawMessage
	// Reference is the raw message_reference object ("" when absent).
	Reference json.RawMessage
	Raw       json.RawMessage
	At        time.Time
	// Files are the attachments sent with the message (multipart/form-data
	// parts files[n]).
	Files []File
}

// File is one attachment a client uploaded with a message.
type File struct {
	Name, ContentType string
	Bytes             []byte
}

type filesKey struct{}

// multipartBody reads a multipart/form-data message (payload_json and
// files[n] parts, as Discord takes attachments): the JSON body and the
// files.
func multipartBody(r *http.Request, raw []byte) ([]byte, []File, error) {
	_, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return nil, nil, err
	}
	mr := multipart.NewReader(bytes.NewReader(raw), params["boundary"])
	var body []byte
	var files []File
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return body, files, nil
		}
		if err != nil {
			return nil, nil, err
		}
		data, err := io.ReadAll(p)
		if err != nil {
			return nil, nil, err
		}
		switch name := p.FormName(); {
		case name == "payload_json":
			body = data
		case strings.HasPrefix(name, "files["):
			files = append(files, File{Name: p.FileName(), ContentType: p.Header.Get("Content-Type"), Bytes: data})
		}
	}
}

// Request is one REST request the fake received, with the status it answered.
type Request struct {
	Method string
	Path   string // without the /api/v9 prefix, e.g. "/channels/1/messages"
	Query  url.Values
	Header http.Header
	Body   []byte
	Status int
	At     time.Time
}

// Identify is one IDENTIFY (op 2) the gateway received.
type Identify struct {
	Token   string
	Intents int
	Raw     json.RawMessage
}

// Callback is one interaction callback (POST /interactions/{id}/{token}/callback).
type Callback struct {
	Type int
	Data json.RawMessage
	Raw  json.RawMessage
	At   time.Time
}

// Interaction is the state of one interaction the fake pushed.
type Interaction struct {
	ID, Token string
	Callbacks []Callback
	// The original response.
	Deferred  bool // acknowledged with type 5
	Ephemeral bool // the original response is ephemeral (decided at the callback)
	Completed bool // the loading message was replaced (edit or first follow-up)
	Deleted   bool
	Original  *Message  // the original response's current content (nil before any)
	Edits     []Message // every PATCH of @original, in order
	Followups []Followup
}

// Followup is one follow-up message of an interaction.
type Followup struct {
	Message
	// ReplacedOriginal: this was the first follow-up after a deferred
	// response, so (as on Discord) it replaced the loading message and its
	// own flags were ignored.
	ReplacedOriginal bool
	// Ephemeral is whether Discord would show it only to the invoking user.
	Ephemeral bool
}

// Failure scripts a failing answer for matching requests.
type Failure struct {
	Method string // "" matches any
	// Path matches the request path without /api/v9; "*" matches one
	// segment: "/channels/*/messages".
	Path   string
	Status int // 429 (with rate-limit headers), 5xx, or another error status such as 404
	Times  int // how many matching requests fail (default 1)
	// Pass lets this many matching requests through before the failures
	// start (e.g. the second message of a long post fails).
	Pass int
	// AfterCommit stores the message first and then answers Status: the
	// response was lost, the message exists (only for POST channel messages).
	AfterCommit bool
	// RetryAfter for 429 (default 10ms).
	RetryAfter time.Duration
}

// Fake is a fake Discord. Create it with New; set its exported fields (if
// at all) before the first client connects.
type Fake struct {
	Token string // the bot token requests must carry as "Bot <Token>"
	BotID string
	AppID string
	// HeartbeatInterval sent in HELLO (default 1s).
	HeartbeatInterval time.Duration
	// NonceWindow is how long a nonce sent with enforce_nonce returns the
	// message it created instead of a new one (default DefaultNonceWindow:
	// Discord checks "the past few minutes"). Age moves time past it.
	NonceWindow time.Duration

	srv *httptest.Server

	mu           sync.Mutex
	changed      chan struct{}
	nextID       uint64
	seq          int64
	requests     []Request
	messages     map[string][]*Message // by channel, oldest first
	failures     []*Failure
	commands     map[string][]discordgo.ApplicationCommand // by guild ("" global)
	interactions map[string]*Interaction                   // by token
	identifies   []Identify
	resumes      int
	heartbeats   int
	sessions     int // READY or RESUMED sent
	conn         *gwConn
}

type gwConn struct {
	ws *websocket.Conn
	wm sync.Mutex
}

func (c *gwConn) write(v any) error {
	c.wm.Lock()
	defer c.wm.Unlock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return c.ws.WriteJSON(v)
}

// New starts a fake Discord on loopback; it is closed when the test ends.
func New(tb testing.TB) *Fake {
	tb.Helper()
	f := &Fake{
		Token:             DefaultToken,
		BotID:             DefaultBotID,
		AppID:             DefaultAppID,
		HeartbeatInterval: time.Second,
		NonceWindow:       DefaultNonceWindow,
		changed:           make(chan struct{}),
		nextID:            1_200_000_000_000_000_000,
		messages:          map[string][]*Message{},
		commands:          map[string][]discordgo.ApplicationCommand{},
		interactions:      map[string]*Interaction{},
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	tb.Cleanup(f.Close)
	return f
}

// Close drops the gateway connection and stops the server.
func (f *Fake) Close() {
	f.DropGateway()
	f.srv.CloseClientConnections()
	f.srv.Close()
}

// URL is the fake's base URL (http://127.0.0.1:port).
func (f *Fake) URL() string { return f.srv.URL }

// GatewayURL is the websocket URL that GET /gateway returns.
func (f *Fake) GatewayURL() string {
	return "ws" + strings.TrimPrefix(f.srv.URL, "http") + "/gateway-ws"
}

// Client returns an HTTP client that sends discord.com (and discordapp.com,
// gateway.discord.gg) to the fake and refuses any other host.
func (f *Fake) Client() *http.Client {
	u, _ := url.Parse(f.srv.URL)
	return &http.Client{
		Timeout:   10 * time.Second,
		Transport: &rewrite{host: u.Host, base: f.srv.Client().Transport},
	}
}

type rewrite struct {
	host string
	base http.RoundTripper
}

func isDiscordHost(h string) bool {
	h = strings.ToLower(h)
	for _, d := range []string{"discord.com", "discordapp.com", "discord.gg"} {
		if h == d || strings.HasSuffix(h, "."+d) {
			return true
		}
	}
	return false
}

func (t *rewrite) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Host != t.host {
		if !isDiscordHost(r.URL.Hostname()) {
			return nil, fmt.Errorf("discordfake: refusing to send a request to %s: only Discord's hosts go to the fake", r.URL.Host)
		}
		r = r.Clone(r.Context())
		r.URL.Scheme = "http"
		r.URL.Host = t.host
		r.Host = t.host
	}
	return t.base.RoundTrip(r)
}

// ---- waiting ----

// notify wakes waiters; f.mu must be held.
func (f *Fake) notify() {
	close(f.changed)
	f.changed = make(chan struct{})
}

// WaitFor blocks until cond (which may call the fake's accessors) returns
// true after some change in the fake, or ctx ends.
func (f *Fake) WaitFor(ctx context.Context, cond func() bool) error {
	for {
		f.mu.Lock()
		ch := f.changed
		f.mu.Unlock()
		if cond() {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Changed returns a channel closed at the next change in the fake.
func (f *Fake) Changed() <-chan struct{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.changed
}

// ---- accessors ----

// Requests returns every REST request so far.
func (f *Fake) Requests() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Request(nil), f.requests...)
}

// Messages returns the channel's messages, oldest first.
func (f *Fake) Messages(channel string) []Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]Message, 0, len(f.messages[channel]))
	for _, m := range f.messages[channel] {
		out = append(out, *m)
	}
	return out
}

// AddMessage stores a message in a channel as if someone had posted it
// (ID, ChannelID and At are filled in when empty) and returns its ID.
func (f *Fake) AddMessage(channel string, m Message) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if m.ID == "" {
		m.ID = f.newID()
	}
	m.ChannelID = channel
	if m.At.IsZero() {
		m.At = time.Now()
	}
	f.messages[channel] = append(f.messages[channel], &m)
	f.notify()
	return m.ID
}

// Age makes a channel's messages d older (their At, hence their timestamp
// in message lists and whether their nonce is still enforced), as if d had
// passed since they were posted.
func (f *Fake) Age(channel string, d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, m := range f.messages[channel] {
		m.At = m.At.Add(-d)
	}
	f.notify()
}

// Commands returns the application commands registered globally (guild "")
// or for a guild.
func (f *Fake) Commands(guild string) []discordgo.ApplicationCommand {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]discordgo.ApplicationCommand(nil), f.commands[guild]...)
}

// Interaction returns the state of the interaction with this token.
func (f *Fake) Interaction(token string) (Interaction, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	in, ok := f.interactions[token]
	if !ok {
		return Interaction{}, false
	}
	c := *in
	c.Callbacks = append([]Callback(nil), in.Callbacks...)
	c.Edits = append([]Message(nil), in.Edits...)
	c.Followups = append([]Followup(nil), in.Followups...)
	if in.Original != nil {
		o := *in.Original
		c.Original = &o
	}
	return c, true
}

// Identifies returns the IDENTIFY payloads received.
func (f *Fake) Identifies() []Identify {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Identify(nil), f.identifies...)
}

// Resumes counts RESUME (op 6) payloads received.
func (f *Fake) Resumes() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.resumes
}

// Heartbeats counts heartbeats (op 1) received.
func (f *Fake) Heartbeats() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.heartbeats
}

// Sessions counts completed handshakes (READY or RESUMED sent).
func (f *Fake) Sessions() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.sessions
}

// Connected reports whether a gateway connection has completed its handshake
// and is still open.
func (f *Fake) Connected() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.conn != nil
}

// Fail scripts failures for the next matching requests.
func (f *Fake) Fail(fl Failure) {
	if fl.Times <= 0 {
		fl.Times = 1
	}
	if fl.RetryAfter <= 0 {
		fl.RetryAfter = 10 * time.Millisecond
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failures = append(f.failures, &fl)
}

func (f *Fake) newID() string {
	f.nextID++
	return strconv.FormatUint(f.nextID, 10)
}

// ---- gateway ----

// Dispatch sends a dispatch (op 0) with event type t and data d on the open
// gateway connection.
func (f *Fake) Dispatch(t string, d any) error {
	f.mu.Lock()
	c := f.conn
	f.seq++
	seq := f.seq
	f.mu.Unlock()
	if c == nil {
		return errors.New("discordfake: no gateway connection has completed its handshake")
	}
	return c.write(map[string]any{"op": 0, "t": t, "s": seq, "d": d})
}

// DropGateway closes the gateway connection abruptly (no close frame), as a
// network failure would.
func (f *Fake) DropGateway() {
	f.mu.Lock()
	c := f.conn
	f.conn = nil
	f.notify()
	f.mu.Unlock()
	if c != nil {
		_ = c.ws.NetConn().Close()
	}
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

func (f *Fake) serveGateway(w http.ResponseWriter, r *http.Request) {
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &gwConn{ws: ws}
	defer func() {
		f.mu.Lock()
		if f.conn == c {
			f.conn = nil
			f.notify()
		}
		f.mu.Unlock()
		_ = ws.Close()
	}()
	if err := c.write(map[string]any{"op": 10, "d": map[string]any{"heartbeat_interval": f.HeartbeatInterval.Milliseconds()}}); err != nil {
		return
	}
	_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	var first struct {
		Op int             `json:"op"`
		D  json.RawMessage `json:"d"`
	}
	if err := ws.ReadJSON(&first); err != nil {
		return
	}
	_ = ws.SetReadDeadline(time.Time{})
	switch first.Op {
	case 2:
		var id struct {
			Token   string `json:"token"`
			Intents int    `json:"intents"`
		}
		_ = json.Unmarshal(first.D, &id)
		f.mu.Lock()
		f.identifies = append(f.identifies, Identify{Token: id.Token, Intents: id.Intents, Raw: first.D})
		f.seq++
		seq := f.seq
		f.mu.Unlock()
		if id.Token != "Bot "+f.Token {
			_ = ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(4004, "Authentication failed."))
			return
		}
		ready := map[string]any{
			"v":                9,
			"session_id":       "fake-session",
			"user":             map[string]any{"id": f.BotID, "username": "newsdesk", "discriminator": "0", "bot": true},
			"application":      map[string]any{"id": f.AppID, "flags": 0},
			"guilds":           []any{},
			"private_channels": []any{},
		}
		if err := c.write(map[string]any{"op": 0, "t": "READY", "s": seq, "d": ready}); err != nil {
			return
		}
	case 6:
		f.mu.Lock()
		f.resumes++
		f.seq++
		seq := f.seq
		f.mu.Unlock()
		if err := c.write(map[string]any{"op": 0, "t": "RESUMED", "s": seq, "d": map[string]any{}}); err != nil {
			return
		}
	default:
		_ = ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(4003, "Not authenticated."))
		return
	}
	f.mu.Lock()
	old := f.conn
	f.conn = c
	f.sessions++
	f.notify()
	f.mu.Unlock()
	if old != nil {
		_ = old.ws.NetConn().Close()
	}
	for {
		var msg struct {
			Op int `json:"op"`
		}
		if err := ws.ReadJSON(&msg); err != nil {
			return
		}
		if msg.Op == 1 {
			f.mu.Lock()
			f.heartbeats++
			f.notify()
			f.mu.Unlock()
			if err := c.write(map[string]any{"op": 11}); err != nil {
				return
			}
		}
	}
}

// ---- pushing events ----

// PushedMessage describes a MESSAGE_CREATE to push.
type PushedMessage struct {
	ChannelID string
	GuildID   string // "" for a DM
	AuthorID  string
	AuthorBot bool
	Content   string
	Mentions  []string // user ids mentioned
}

// PushMessage stores the message in its channel and dispatches MESSAGE_CREATE.
func (f *Fake) PushMessage(p PushedMessage) (id string, err error) {
	f.mu.Lock()
	id = f.newID()
	now := time.Now()
	f.messages[p.ChannelID] = append(f.messages[p.ChannelID], &Message{
		ID: id, ChannelID: p.ChannelID, GuildID: p.GuildID, AuthorID: p.AuthorID, AuthorBot: p.AuthorBot,
		Content: p.Content, At: now,
	})
	f.notify()
	f.mu.Unlock()
	mentions := []any{}
	for _, m := range p.Mentions {
		mentions = append(mentions, map[string]any{"id": m, "username": "u" + m})
	}
	d := map[string]any{
		"id":         id,
		"channel_id": p.ChannelID,
		"content":    p.Content,
		"timestamp":  now.UTC().Format(time.RFC3339Nano),
		"author":     map[string]any{"id": p.AuthorID, "username": "user" + p.AuthorID, "bot": p.AuthorBot},
		"mentions":   mentions,
		"type":       0,
	}
	if p.GuildID != "" {
		d["guild_id"] = p.GuildID
	}
	return id, f.Dispatch("MESSAGE_CREATE", d)
}

// PushedCommand describes an application command interaction to push.
type PushedCommand struct {
	ChannelID, GuildID, UserID string
	Name                       string // the command's name
	Query                      string // the "query" option's value
	// Autocomplete pushes an APPLICATION_COMMAND_AUTOCOMPLETE (type 4) with
	// the query option focused instead of an APPLICATION_COMMAND (type 2).
	Autocomplete bool
}

// PushCommand dispatches INTERACTION_CREATE and returns the interaction's
// token (the key for Interaction).
func (f *Fake) PushCommand(p PushedCommand) (token string, err error) {
	token, d := f.newInteraction(p)
	return token, f.Dispatch("INTERACTION_CREATE", d)
}

// registerInteraction records a new interaction and returns its id and
// token.
func (f *Fake) registerInteraction() (id, token string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id = f.newID()
	token = "itoken-" + id
	f.interactions[token] = &Interaction{ID: id, Token: token}
	f.notify()
	return id, token
}

// newInteraction registers an interaction and returns its token and its
// payload (the same object on the gateway and over HTTP).
func (f *Fake) newInteraction(p PushedCommand) (token string, d map[string]any) {
	id, token := f.registerInteraction()
	typ := 2
	opt := map[string]any{"name": "query", "type": 3, "value": p.Query}
	if p.Autocomplete {
		typ = 4
		opt["focused"] = true
	}
	user := map[string]any{"id": p.UserID, "username": "user" + p.UserID}
	d = map[string]any{
		"id":             id,
		"application_id": f.AppID,
		"type":           typ,
		"data":           map[string]any{"id": "cmd-" + p.Name, "name": p.Name, "type": 1, "options": []any{opt}},
		"channel_id":     p.ChannelID,
		"token":          token,
		"version":        1,
		"locale":         "en-GB",
	}
	if p.GuildID != "" {
		d["guild_id"] = p.GuildID
		d["member"] = map[string]any{"user": user, "roles": []any{}}
	} else {
		d["user"] = user
	}
	return token, d
}

// ---- REST ----

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func apiError(w http.ResponseWriter, status, code int, msg string) {
	writeJSON(w, status, map[string]any{"message": msg, "code": code})
}

func pathMatch(pattern, path string) bool {
	p := strings.Split(strings.Trim(pattern, "/"), "/")
	s := strings.Split(strings.Trim(path, "/"), "/")
	if len(p) != len(s) {
		return false
	}
	for i := range p {
		if p[i] != "*" && p[i] != s[i] {
			return false
		}
	}
	return true
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/gateway-ws" || r.URL.Path == "/gateway-ws/" {
		f.serveGateway(w, r)
		return
	}
	body, _ := io.ReadAll(r.Body)
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		b, files, err := multipartBody(r, body)
		if err != nil {
			apiError(w, 400, 50035, "Invalid Form Body: "+err.Error())
			return
		}
		body = b
		r = r.WithContext(context.WithValue(r.Context(), filesKey{}, files))
	}
	path, ok := strings.CutPrefix(r.URL.Path, "/api/v9")
	rec := &statusRecorder{ResponseWriter: w, status: 200}
	defer func() {
		f.mu.Lock()
		f.requests = append(f.requests, Request{
			Method: r.Method, Path: path, Query: r.URL.Query(), Header: r.Header.Clone(),
			Body: body, Status: rec.status, At: time.Now(),
		})
		f.notify()
		f.mu.Unlock()
	}()
	if !ok {
		apiError(rec, 404, 0, "404: Not Found (the fake serves /api/v9 only)")
		return
	}
	public := strings.HasPrefix(path, "/webhooks/") || strings.HasPrefix(path, "/interactions/") || strings.HasPrefix(path, "/gateway")
	if !public && r.Header.Get("Authorization") != "Bot "+f.Token {
		apiError(rec, 401, 0, "401: Unauthorized")
		return
	}
	if fl := f.takeFailure(r.Method, path); fl != nil {
		if fl.AfterCommit {
			f.route(httptest.NewRecorder(), r, path, body)
		}
		if fl.Status == http.StatusTooManyRequests {
			secs := fl.RetryAfter.Seconds()
			rec.Header().Set("Retry-After", strconv.Itoa(int(secs+0.999)))
			rec.Header().Set("X-RateLimit-Limit", "5")
			rec.Header().Set("X-RateLimit-Remaining", "0")
			rec.Header().Set("X-RateLimit-Reset-After", strconv.FormatFloat(secs, 'f', 3, 64))
			rec.Header().Set("X-RateLimit-Bucket", "fake-bucket")
			rec.Header().Set("X-RateLimit-Scope", "user")
			writeJSON(rec, 429, map[string]any{"message": "You are being rate limited.", "retry_after": secs, "global": false})
			return
		}
		apiError(rec, fl.Status, 0, fmt.Sprintf("%d: scripted failure", fl.Status))
		return
	}
	f.route(rec, r, path, body)
}

func (f *Fake) takeFailure(method, path string) *Failure {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, fl := range f.failures {
		if (fl.Method == "" || fl.Method == method) && pathMatch(fl.Path, path) {
			if fl.Pass > 0 {
				fl.Pass--
				continue
			}
			fl.Times--
			if fl.Times <= 0 {
				f.failures = append(f.failures[:i], f.failures[i+1:]...)
			}
			c := *fl
			return &c
		}
	}
	return nil
}

func (f *Fake) route(w http.ResponseWriter, r *http.Request, path string, body []byte) {
	seg := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case path == "/gateway":
		writeJSON(w, 200, map[string]any{"url": f.GatewayURL()})
	case path == "/gateway/bot":
		writeJSON(w, 200, map[string]any{"url": f.GatewayURL(), "shards": 1,
			"session_start_limit": map[string]any{"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}})
	case path == "/users/@me" && r.Method == http.MethodGet:
		writeJSON(w, 200, map[string]any{"id": f.BotID, "username": "newsdesk", "discriminator": "0", "bot": true})
	case len(seg) == 3 && seg[0] == "channels" && seg[2] == "messages" && r.Method == http.MethodPost:
		f.createMessage(w, seg[1], body)
	case len(seg) == 3 && seg[0] == "channels" && seg[2] == "messages" && r.Method == http.MethodGet:
		f.listMessages(w, r, seg[1])
	case seg[0] == "applications" && (len(seg) == 3 || len(seg) == 5) && seg[len(seg)-1] == "commands":
		guild := ""
		if len(seg) == 5 {
			if seg[2] != "guilds" {
				apiError(w, 404, 0, "404: Not Found")
				return
			}
			guild = seg[3]
		}
		if seg[1] != f.AppID {
			apiError(w, 403, 50001, "Missing Access (wrong application id)")
			return
		}
		f.commandsRoute(w, r, guild, body)
	case len(seg) == 4 && seg[0] == "interactions" && seg[3] == "callback" && r.Method == http.MethodPost:
		f.callback(w, seg[1], seg[2], body)
	case len(seg) == 3 && seg[0] == "webhooks" && r.Method == http.MethodPost:
		f.followup(w, r, seg[1], seg[2], body)
	case len(seg) == 5 && seg[0] == "webhooks" && seg[3] == "messages" && seg[4] == "@original":
		f.original(w, r, seg[1], seg[2], body)
	default:
		apiError(w, 404, 0, "404: Not Found ("+r.Method+" "+path+" is not faked)")
	}
}

// sendBody is what the fake reads of a message body.
type sendBody struct {
	Content         string                    `json:"content"`
	Embeds          []*discordgo.MessageEmbed `json:"embeds"`
	Nonce           json.RawMessage           `json:"nonce"`
	EnforceNonce    bool                      `json:"enforce_nonce"`
	Flags           int                       `json:"flags"`
	AllowedMentions json.RawMessage           `json:"allowed_mentions"`
	Reference       json.RawMessage           `json:"message_reference"`
}

func (b sendBody) nonce() string {
	if len(b.Nonce) == 0 || string(b.Nonce) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(b.Nonce, &s) == nil {
		return s
	}
	return string(b.Nonce) // an integer nonce
}

func validEmbeds(es []*discordgo.MessageEmbed) error {
	if len(es) > 10 {
		return fmt.Errorf("embeds: must be 10 or fewer in length (got %d)", len(es))
	}
	total := 0
	for i, e := range es {
		n := EmbedChars(e)
		total += n
		switch {
		case len([]rune(e.Title)) > 256:
			return fmt.Errorf("embeds.%d.title: must be 256 or fewer in length", i)
		case len([]rune(e.Description)) > 4096:
			return fmt.Errorf("embeds.%d.description: must be 4096 or fewer in length", i)
		case len(e.Fields) > 25:
			return fmt.Errorf("embeds.%d.fields: must be 25 or fewer in length", i)
		case e.Footer != nil && len([]rune(e.Footer.Text)) > 2048:
			return fmt.Errorf("embeds.%d.footer.text: must be 2048 or fewer in length", i)
		}
		for j, fl := range e.Fields {
			if len([]rune(fl.Name)) > 256 || len([]rune(fl.Value)) > 1024 || fl.Name == "" || fl.Value == "" {
				return fmt.Errorf("embeds.%d.fields.%d: name 1-256 and value 1-1024 characters", i, j)
			}
		}
	}
	if total > 6000 {
		return fmt.Errorf("embeds: total size of embeds exceeds maximum size of 6000 (got %d)", total)
	}
	return nil
}

// EmbedChars counts an embed's characters as Discord does for its 6,000
// limit: title, description, field names and values, footer text, author name.
func EmbedChars(e *discordgo.MessageEmbed) int {
	n := len([]rune(e.Title)) + len([]rune(e.Description))
	for _, fl := range e.Fields {
		n += len([]rune(fl.Name)) + len([]rune(fl.Value))
	}
	if e.Footer != nil {
		n += len([]rune(e.Footer.Text))
	}
	if e.Author != nil {
		n += len([]rune(e.Author.Name))
	}
	return n
}

func (f *Fake) messageJSON(m *Message, withNonce bool) map[string]any {
	embeds := m.Embeds
	if embeds == nil {
		embeds = []*discordgo.MessageEmbed{}
	}
	out := map[string]any{
		"id":         m.ID,
		"channel_id": m.ChannelID,
		"content":    m.Content,
		"embeds":     embeds,
		"timestamp":  m.At.UTC().Format(time.RFC3339Nano),
		"author":     map[string]any{"id": m.AuthorID, "username": "user" + m.AuthorID, "bot": m.AuthorBot},
		"flags":      m.Flags,
		"type":       0,
		"mentions":   []any{},
	}
	if m.GuildID != "" {
		out["guild_id"] = m.GuildID
	}
	if withNonce && m.Nonce != "" {
		out["nonce"] = m.Nonce
	}
	return out
}

func (f *Fake) createMessage(w http.ResponseWriter, channel string, body []byte) {
	var b sendBody
	if err := json.Unmarshal(body, &b); err != nil {
		apiError(w, 400, 50109, "The request body contains invalid JSON.")
		return
	}
	if b.Content == "" && len(b.Embeds) == 0 {
		apiError(w, 400, 50006, "Cannot send an empty message")
		return
	}
	if len([]rune(b.Content)) > 2000 {
		apiError(w, 400, 50035, "Invalid Form Body: content: Must be 2000 or fewer in length.")
		return
	}
	if err := validEmbeds(b.Embeds); err != nil {
		apiError(w, 400, 50035, "Invalid Form Body: "+err.Error())
		return
	}
	nonce := b.nonce()
	if len(nonce) > 25 {
		apiError(w, 400, 50035, "Invalid Form Body: nonce: Must be 25 or fewer in length.")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if nonce != "" && b.EnforceNonce {
		for _, m := range f.messages[channel] {
			if m.Nonce == nonce && m.AuthorID == f.BotID && time.Since(m.At) < f.NonceWindow {
				writeJSON(w, 200, f.messageJSON(m, true))
				return
			}
		}
	}
	m := &Message{
		ID: f.newID(), ChannelID: channel, AuthorID: f.BotID, AuthorBot: true,
		Content: b.Content, Embeds: b.Embeds, Nonce: nonce, EnforceNonce: b.EnforceNonce, Flags: b.Flags,
		AllowedMentions: b.AllowedMentions, Reference: b.Reference, Raw: append(json.RawMessage(nil), body...), At: time.Now(),
	}
	f.messages[channel] = append(f.messages[channel], m)
	f.notify()
	writeJSON(w, 200, f.messageJSON(m, true))
}

func (f *Fake) listMessages(w http.ResponseWriter, r *http.Request, channel string) {
	limit := 50
	if s := r.URL.Query().Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 100 {
			apiError(w, 400, 50035, "Invalid Form Body: limit: must be between 1 and 100")
			return
		}
		limit = n
	}
	before := r.URL.Query().Get("before")
	f.mu.Lock()
	defer f.mu.Unlock()
	ms := f.messages[channel]
	out := []map[string]any{}
	for i := len(ms) - 1; i >= 0 && len(out) < limit; i-- {
		if before != "" && !idLess(ms[i].ID, before) {
			continue
		}
		out = append(out, f.messageJSON(ms[i], false))
	}
	writeJSON(w, 200, out)
}

func idLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

func (f *Fake) commandsRoute(w http.ResponseWriter, r *http.Request, guild string, body []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch r.Method {
	case http.MethodGet:
		writeJSON(w, 200, append([]discordgo.ApplicationCommand{}, f.commands[guild]...))
	case http.MethodPut:
		var cmds []discordgo.ApplicationCommand
		if err := json.Unmarshal(body, &cmds); err != nil {
			apiError(w, 400, 50109, "The request body contains invalid JSON.")
			return
		}
		for i := range cmds {
			if err := validCommand(cmds[i]); err != nil {
				apiError(w, 400, 50035, "Invalid Form Body: "+strconv.Itoa(i)+": "+err.Error())
				return
			}
			cmds[i].ID = f.newID()
			cmds[i].ApplicationID = f.AppID
			cmds[i].GuildID = guild
		}
		f.commands[guild] = cmds
		f.notify()
		writeJSON(w, 200, cmds)
	case http.MethodPost:
		var c discordgo.ApplicationCommand
		if err := json.Unmarshal(body, &c); err != nil {
			apiError(w, 400, 50109, "The request body contains invalid JSON.")
			return
		}
		if err := validCommand(c); err != nil {
			apiError(w, 400, 50035, "Invalid Form Body: "+err.Error())
			return
		}
		c.ID, c.ApplicationID, c.GuildID = f.newID(), f.AppID, guild
		f.commands[guild] = append(f.commands[guild], c)
		f.notify()
		writeJSON(w, 201, c)
	default:
		apiError(w, 405, 0, "405: Method Not Allowed")
	}
}

func validCommand(c discordgo.ApplicationCommand) error {
	if c.Name == "" || len(c.Name) > 32 || strings.ToLower(c.Name) != c.Name {
		return fmt.Errorf("name: must be 1-32 lowercase characters (got %q)", c.Name)
	}
	if c.Description == "" || len(c.Description) > 100 {
		return errors.New("description: must be 1-100 characters")
	}
	for _, o := range c.Options {
		if o.Description == "" || o.Name == "" {
			return errors.New("options: name and description are required")
		}
	}
	return nil
}

func (f *Fake) callback(w http.ResponseWriter, id, token string, body []byte) {
	var cb struct {
		Type int             `json:"type"`
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &cb); err != nil {
		apiError(w, 400, 50109, "The request body contains invalid JSON.")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	in, ok := f.interactions[token]
	if !ok || in.ID != id {
		apiError(w, 404, 10062, "Unknown interaction")
		return
	}
	if len(in.Callbacks) > 0 {
		apiError(w, 400, 40060, "Interaction has already been acknowledged.")
		return
	}
	var d sendBody
	if len(cb.Data) > 0 && string(cb.Data) != "null" {
		_ = json.Unmarshal(cb.Data, &d)
	}
	switch cb.Type {
	case 4:
		if err := validEmbeds(d.Embeds); err != nil {
			apiError(w, 400, 50035, "Invalid Form Body: data."+err.Error())
			return
		}
		in.Ephemeral = d.Flags&64 != 0
		in.Completed = true
		in.Original = &Message{ID: f.newID(), AuthorID: f.AppID, AuthorBot: true, Content: d.Content, Embeds: d.Embeds,
			Flags: d.Flags, AllowedMentions: d.AllowedMentions, Raw: cb.Data, At: time.Now()}
	case 5:
		in.Deferred = true
		in.Ephemeral = d.Flags&64 != 0
		in.Original = &Message{ID: f.newID(), AuthorID: f.AppID, AuthorBot: true, Flags: d.Flags | 128 /* loading */, At: time.Now()}
	case 8:
		var ac struct {
			Choices []json.RawMessage `json:"choices"`
		}
		_ = json.Unmarshal(cb.Data, &ac)
		if len(ac.Choices) > 25 {
			apiError(w, 400, 50035, "Invalid Form Body: data.choices: Must be 25 or fewer in length.")
			return
		}
	}
	in.Callbacks = append(in.Callbacks, Callback{Type: cb.Type, Data: cb.Data, Raw: append(json.RawMessage(nil), body...), At: time.Now()})
	f.notify()
	w.WriteHeader(http.StatusNoContent)
}

func (f *Fake) interactionFor(w http.ResponseWriter, app, token string) *Interaction {
	if app != f.AppID {
		apiError(w, 404, 10015, "Unknown Webhook")
		return nil
	}
	in, ok := f.interactions[token]
	if !ok {
		apiError(w, 404, 10015, "Unknown Webhook")
		return nil
	}
	if len(in.Callbacks) == 0 || in.Original == nil {
		apiError(w, 404, 10008, "Unknown Message (the interaction has not been acknowledged)")
		return nil
	}
	return in
}

func (f *Fake) original(w http.ResponseWriter, r *http.Request, app, token string, body []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	in := f.interactionFor(w, app, token)
	if in == nil {
		return
	}
	if in.Deleted {
		apiError(w, 404, 10008, "Unknown Message")
		return
	}
	switch r.Method {
	case http.MethodGet:
		writeJSON(w, 200, f.messageJSON(in.Original, false))
	case http.MethodDelete:
		in.Deleted = true
		f.notify()
		w.WriteHeader(http.StatusNoContent)
	case http.MethodPatch:
		var d sendBody
		if err := json.Unmarshal(body, &d); err != nil {
			apiError(w, 400, 50109, "The request body contains invalid JSON.")
			return
		}
		if err := validEmbeds(d.Embeds); err != nil {
			apiError(w, 400, 50035, "Invalid Form Body: "+err.Error())
			return
		}
		o := in.Original
		if d.Content != "" || strings.Contains(string(body), `"content"`) {
			o.Content = d.Content
		}
		if strings.Contains(string(body), `"embeds"`) {
			o.Embeds = d.Embeds
		}
		o.AllowedMentions = d.AllowedMentions
		o.Flags &^= 128
		o.Raw = append(json.RawMessage(nil), body...)
		in.Completed = true
		in.Edits = append(in.Edits, Message{ID: o.ID, Content: d.Content, Embeds: d.Embeds, AllowedMentions: d.AllowedMentions,
			Raw: o.Raw, At: time.Now()})
		f.notify()
		writeJSON(w, 200, f.messageJSON(o, false))
	default:
		apiError(w, 405, 0, "405: Method Not Allowed")
	}
}

func (f *Fake) followup(w http.ResponseWriter, r *http.Request, app, token string, body []byte) {
	var d sendBody
	if err := json.Unmarshal(body, &d); err != nil {
		apiError(w, 400, 50109, "The request body contains invalid JSON.")
		return
	}
	if err := validEmbeds(d.Embeds); err != nil {
		apiError(w, 400, 50035, "Invalid Form Body: "+err.Error())
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	in := f.interactionFor(w, app, token)
	if in == nil {
		return
	}
	files, _ := r.Context().Value(filesKey{}).([]File)
	fu := Followup{Message: Message{ID: f.newID(), AuthorID: f.AppID, AuthorBot: true, Content: d.Content, Embeds: d.Embeds,
		Flags: d.Flags, AllowedMentions: d.AllowedMentions, Raw: append(json.RawMessage(nil), body...), At: time.Now(), Files: files}}
	if in.Deferred && !in.Completed && !in.Deleted {
		// Discord: the first follow-up after a deferred response replaces
		// the loading message; its flags cannot change the ephemerality.
		fu.ReplacedOriginal = true
		fu.Ephemeral = in.Ephemeral
		fu.ID = in.Original.ID
		in.Completed = true
		o := fu.Message
		in.Original = &o
	} else {
		fu.Ephemeral = d.Flags&64 != 0
	}
	in.Followups = append(in.Followups, fu)
	f.notify()
	if r.URL.Query().Get("wait") != "true" {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	writeJSON(w, 200, f.messageJSON(&fu.Message, false))
}
