package slackfake

import (
	"cmp"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"
)

// Identities the fake reports from auth.test.
const (
	BotUserID = "UBOTNEWSDESK"
	BotID     = "BNEWSDESK"
	TeamID    = "TNEWSDESK"
)

// Post is one message a client sent to chat.postMessage.
type Post struct {
	Channel     string
	TS          string // the timestamp the fake assigned (the message id)
	ThreadTS    string
	Text        string
	Blocks      json.RawMessage // as sent; nil when none
	Metadata    *slack.SlackMetadata
	UnfurlLinks string // the raw form value sent ("false", "true" or "")
	UnfurlMedia string
	Token       string
}

// Message is a message in a channel's history that the client did not post
// through chat.postMessage: someone's chatter, or an earlier run's post.
type Message struct {
	Channel  string
	User     string // the author's user id ("UALICE" when empty)
	BotID    string // set for a bot's message
	Text     string
	At       time.Time // when it was posted (now when zero); its ts derives from it
	Metadata *slack.SlackMetadata
}

// entry is one message of a channel's history, as conversations.history
// returns it.
type entry struct {
	channel, threadTS string
	ts                string
	sec, seq          int64 // the ts's parts, for ordering
	user, botID, text string
	metadata          *slack.SlackMetadata
}

// Response is one message a client POSTed to a response_url.
type Response struct {
	ID              string // the id in ResponseURL(id)
	ResponseType    string `json:"response_type"`
	Text            string `json:"text"`
	Blocks          json.RawMessage
	ReplaceOriginal bool `json:"replace_original"`
	DeleteOriginal  bool `json:"delete_original"`
}

// Upload is one file shared to a channel through files.getUploadURLExternal,
// the upload URL and files.completeUploadExternal.
type Upload struct {
	ID, Channel, Filename, Title, AltText, Comment string
	Bytes                                          []byte
}

type pendingUpload struct {
	filename, alt string
	length        int
	data          []byte
	uploaded      bool
}

// Ack is one Socket Mode acknowledgement the client sent.
type Ack struct {
	EnvelopeID string          `json:"envelope_id"`
	Payload    json.RawMessage `json:"payload,omitempty"`
}

type failure struct {
	status     int
	retryAfter string
	after      bool // the call takes effect, then the answer is the failure
}

// Server is a fake Slack. Its zero value is not usable: call New.
type Server struct {
	srv *httptest.Server
	// URL is the server's base URL, http://127.0.0.1:port.
	URL string
	// APIURL is the Web API base for slack.OptionAPIURL (with its trailing slash).
	APIURL string
	// Token, when set, is the only bot token chat.postMessage and
	// conversations.history accept (others get invalid_auth).
	Token string
	// PingInterval is how often the Socket Mode fake pings the client
	// (slack-go reconnects when it hears no ping for 30 s).
	PingInterval time.Duration
	// MaxHistoryPage, when set, caps the messages one conversations.history
	// page returns whatever limit the client asks for, as Slack caps
	// non-Marketplace apps at 15.
	MaxHistoryPage int
	// OnResponse, when set, is called with each message POSTed to a
	// response_url before it is recorded (tests check what had happened by
	// then, e.g. that the command's acknowledgement was written).
	OnResponse func(Response)

	mu        sync.Mutex
	changed   chan struct{} // closed and replaced on every recorded change
	posts     []Post
	msgs      []entry // every message in every channel, in the order posted
	responses []Response
	acks      []Ack
	uploads   []Upload
	pending   map[string]*pendingUpload
	calls     map[string]int
	failures  map[string][]failure
	tsSeq     int
	envSeq    int
	sent      map[string]envelope // every envelope pushed, by id, for Replay
	sockets   int                 // websocket connections accepted
	ws        *websocket.Conn
	wsWrite   sync.Mutex
	upgrader  websocket.Upgrader
}

// New starts a fake Slack on loopback and closes it when the test ends.
func New(tb testing.TB) *Server {
	tb.Helper()
	s := &Server{
		PingInterval: 2 * time.Second,
		changed:      make(chan struct{}),
		calls:        map[string]int{},
		failures:     map[string][]failure{},
		pending:      map[string]*pendingUpload{},
		sent:         map[string]envelope{},
		upgrader: websocket.Upgrader{
			// slack-go sends Origin: https://api.slack.com.
			CheckOrigin: func(*http.Request) bool { return true },
		},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/{method}", s.api)
	mux.HandleFunc("POST /api/upload/{id}", s.upload)
	mux.HandleFunc("POST /response/{id}", s.response)
	mux.HandleFunc("GET /socket", s.socket)
	s.srv = httptest.NewServer(mux)
	s.URL = s.srv.URL
	s.APIURL = s.srv.URL + "/api/"
	tb.Cleanup(s.Close)
	return s
}

// Close stops the server and drops the Socket Mode connection.
func (s *Server) Close() {
	s.mu.Lock()
	ws := s.ws
	s.ws = nil
	s.mu.Unlock()
	if ws != nil {
		ws.Close()
	}
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// ResponseURL returns a response_url on the fake; what is POSTed to it is
// recorded under id.
func (s *Server) ResponseURL(id string) string { return s.URL + "/response/" + id }

// Fail scripts the next n calls of a Web API method ("chat.postMessage") to
// fail with status. For 429, retryAfter is the Retry-After header in seconds
// ("0" keeps tests fast); it is ignored otherwise. Failures queue in order.
func (s *Server) Fail(method string, status, n int, retryAfter string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.failures[method] = append(s.failures[method], failure{status: status, retryAfter: retryAfter})
	}
}

// FailAfter scripts the next n calls of a Web API method to take effect (a
// message is posted) and then answer with status anyway, as a Slack outage
// can: the client cannot tell whether its call went through.
func (s *Server) FailAfter(method string, status, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.failures[method] = append(s.failures[method], failure{status: status, after: true})
	}
}

// Pass queues n normal answers for a Web API method, so that failures
// queued after them hit later calls (e.g. the second part of a long post).
func (s *Server) Pass(method string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.failures[method] = append(s.failures[method], failure{})
	}
}

// Calls reports how many times a Web API method was called, failures included.
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

// Posts returns every recorded chat.postMessage, oldest first.
func (s *Server) Posts() []Post {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.posts)
}

// Responses returns every recorded response_url POST, oldest first.
func (s *Server) Responses() []Response {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.responses)
}

// Acks returns every recorded Socket Mode ack, oldest first.
func (s *Server) Acks() []Ack {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.acks)
}

// WaitPosts waits until at least n messages were posted and returns them.
func (s *Server) WaitPosts(n int, timeout time.Duration) ([]Post, error) {
	var out []Post
	err := s.wait(timeout, func() bool { out = slices.Clone(s.posts); return len(out) >= n })
	if err != nil {
		return out, fmt.Errorf("waiting for %d posts, have %d: %w", n, len(out), err)
	}
	return out, nil
}

// WaitResponses waits until at least n response_url POSTs arrived and returns them.
func (s *Server) WaitResponses(n int, timeout time.Duration) ([]Response, error) {
	var out []Response
	err := s.wait(timeout, func() bool { out = slices.Clone(s.responses); return len(out) >= n })
	if err != nil {
		return out, fmt.Errorf("waiting for %d responses, have %d: %w", n, len(out), err)
	}
	return out, nil
}

// WaitAck waits for the client's ack of one envelope.
func (s *Server) WaitAck(envelopeID string, timeout time.Duration) (Ack, error) {
	var ack Ack
	err := s.wait(timeout, func() bool {
		for _, a := range s.acks {
			if a.EnvelopeID == envelopeID {
				ack = a
				return true
			}
		}
		return false
	})
	if err != nil {
		return ack, fmt.Errorf("waiting for ack of envelope %s: %w", envelopeID, err)
	}
	return ack, nil
}

// WaitSocket waits until a Socket Mode client is connected.
func (s *Server) WaitSocket(timeout time.Duration) error {
	if err := s.wait(timeout, func() bool { return s.ws != nil }); err != nil {
		return fmt.Errorf("waiting for a socket mode client: %w", err)
	}
	return nil
}

// WaitSockets waits until n Socket Mode connections have been accepted in
// all and one is connected (n = 2: the client came back after a drop).
func (s *Server) WaitSockets(n int, timeout time.Duration) error {
	if err := s.wait(timeout, func() bool { return s.sockets >= n && s.ws != nil }); err != nil {
		return fmt.Errorf("waiting for socket mode connection %d: %w", n, err)
	}
	return nil
}

// WaitAcks waits for n acks of one envelope (a replayed envelope is acked
// again) and returns them, oldest first.
func (s *Server) WaitAcks(envelopeID string, n int, timeout time.Duration) ([]Ack, error) {
	var acks []Ack
	err := s.wait(timeout, func() bool {
		acks = acks[:0]
		for _, a := range s.acks {
			if a.EnvelopeID == envelopeID {
				acks = append(acks, a)
			}
		}
		return len(acks) >= n
	})
	if err != nil {
		return acks, fmt.Errorf("waiting for %d acks of envelope %s (have %d): %w", n, envelopeID, len(acks), err)
	}
	return acks, nil
}

// DropSocket closes the Socket Mode connection from the server's side
// without a close handshake, as a network failure or a Slack restart
// does. The client is expected to reconnect (apps.connections.open again).
func (s *Server) DropSocket() error {
	s.mu.Lock()
	conn := s.ws
	s.ws = nil
	s.notify()
	s.mu.Unlock()
	if conn == nil {
		return errors.New("drop socket: no socket mode client connected")
	}
	return conn.Close()
}

// SendDisconnect sends the connected client a disconnect envelope, as Slack
// does before it refreshes a connection ("refresh_requested") or when the
// app is being turned off ("link_disabled"); Slack then closes the
// connection, and the client is expected to open a new one.
func (s *Server) SendDisconnect(reason string) error {
	s.mu.Lock()
	conn := s.ws
	s.mu.Unlock()
	if conn == nil {
		return errors.New("send disconnect: no socket mode client connected")
	}
	msg := map[string]any{"type": "disconnect", "reason": reason,
		"debug_info": map[string]any{"host": "slackfake"}}
	if err := s.write(conn, msg); err != nil {
		return fmt.Errorf("send disconnect: %w", err)
	}
	return nil
}

// Replay sends an envelope pushed before (by id) again on the connection
// that is up now, with the same envelope id and payload and retry_attempt
// one higher (retry_reason "timeout"), as Slack redelivers an envelope it
// holds unacknowledged.
func (s *Server) Replay(envelopeID string) error {
	s.mu.Lock()
	env, ok := s.sent[envelopeID]
	conn := s.ws
	if ok {
		env.RetryAttempt++
		env.RetryReason = "timeout"
		s.sent[envelopeID] = env
	}
	s.mu.Unlock()
	switch {
	case !ok:
		return fmt.Errorf("replay %s: no such envelope sent", envelopeID)
	case conn == nil:
		return fmt.Errorf("replay %s: no socket mode client connected", envelopeID)
	}
	if err := s.write(conn, env); err != nil {
		return fmt.Errorf("replay %s: %w", envelopeID, err)
	}
	return nil
}

// envelope is a Socket Mode request as Slack sends it.
type envelope struct {
	EnvelopeID             string          `json:"envelope_id"`
	Type                   string          `json:"type"`
	Payload                json.RawMessage `json:"payload"`
	AcceptsResponsePayload bool            `json:"accepts_response_payload"`
	RetryAttempt           int             `json:"retry_attempt"`
	RetryReason            string          `json:"retry_reason"`
}

// wait calls cond under the lock until it holds or timeout passes.
func (s *Server) wait(timeout time.Duration, cond func() bool) error {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		ok := cond()
		ch := s.changed
		s.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-ch:
		case <-deadline.C:
			return fmt.Errorf("timed out after %s", timeout)
		}
	}
}

// notify must be called with s.mu held.
func (s *Server) notify() {
	close(s.changed)
	s.changed = make(chan struct{})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) api(w http.ResponseWriter, r *http.Request) {
	method := r.PathValue("method")
	if err := parseBody(r); err != nil {
		writeJSON(w, map[string]any{"ok": false, "error": "invalid_form_data"})
		return
	}
	s.mu.Lock()
	s.calls[method]++
	var fail *failure
	if q := s.failures[method]; len(q) > 0 {
		fail = &q[0]
		s.failures[method] = q[1:]
	}
	s.notify()
	s.mu.Unlock()
	if fail != nil && fail.status == 0 {
		fail = nil
	}
	if fail != nil && fail.after {
		s.answer(httptest.NewRecorder(), r, method)
	}
	if fail != nil {
		if fail.status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", fail.retryAfter)
		}
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(fail.status)
		fmt.Fprintf(w, "<html>%d</html>", fail.status)
		return
	}
	s.answer(w, r, method)
}

func (s *Server) answer(w http.ResponseWriter, r *http.Request, method string) {
	token := r.Form.Get("token")
	if token == "" {
		token = strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	}
	switch method {
	case "auth.test":
		writeJSON(w, map[string]any{"ok": true, "url": "https://newsdesk.example.slack.com/", "team": "newsdesk",
			"user": "newsdesk", "team_id": TeamID, "user_id": BotUserID, "bot_id": BotID})
	case "apps.connections.open":
		writeJSON(w, map[string]any{"ok": true, "url": "ws" + strings.TrimPrefix(s.URL, "http") + "/socket"})
	case "chat.postMessage":
		if s.Token != "" && token != s.Token {
			writeJSON(w, map[string]any{"ok": false, "error": "invalid_auth"})
			return
		}
		s.postMessage(w, r, token)
	case "files.getUploadURLExternal":
		s.getUploadURL(w, r)
	case "files.completeUploadExternal":
		s.completeUpload(w, r)
	case "conversations.history":
		if s.Token != "" && token != s.Token {
			writeJSON(w, map[string]any{"ok": false, "error": "invalid_auth"})
			return
		}
		s.history(w, r)
	default:
		writeJSON(w, map[string]any{"ok": false, "error": "unknown_method"})
	}
}

// parseBody parses a form or JSON body into r.Form.
func parseBody(r *http.Request) error {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		var m map[string]any
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&m); err != nil && err != io.EOF {
			return err
		}
		r.Form = map[string][]string{}
		for k, v := range m {
			if s, ok := v.(string); ok {
				r.Form.Set(k, s)
			} else {
				b, _ := json.Marshal(v)
				r.Form.Set(k, string(b))
			}
		}
		return nil
	}
	return r.ParseForm()
}

func (s *Server) postMessage(w http.ResponseWriter, r *http.Request, token string) {
	channel := r.Form.Get("channel")
	if channel == "" {
		writeJSON(w, map[string]any{"ok": false, "error": "channel_not_found"})
		return
	}
	p := Post{
		Channel:     channel,
		ThreadTS:    r.Form.Get("thread_ts"),
		Text:        r.Form.Get("text"),
		UnfurlLinks: r.Form.Get("unfurl_links"),
		UnfurlMedia: r.Form.Get("unfurl_media"),
		Token:       token,
	}
	if b := r.Form.Get("blocks"); b != "" {
		if !json.Valid([]byte(b)) {
			writeJSON(w, map[string]any{"ok": false, "error": "invalid_blocks"})
			return
		}
		p.Blocks = json.RawMessage(b)
		var blocks []json.RawMessage
		if err := json.Unmarshal(p.Blocks, &blocks); err != nil || len(blocks) > 50 {
			writeJSON(w, map[string]any{"ok": false, "error": "invalid_blocks"})
			return
		}
	}
	if m := r.Form.Get("metadata"); m != "" {
		var md slack.SlackMetadata
		if err := json.Unmarshal([]byte(m), &md); err != nil {
			writeJSON(w, map[string]any{"ok": false, "error": "invalid_metadata_format"})
			return
		}
		p.Metadata = &md
	}
	s.mu.Lock()
	e := s.newEntry(channel, time.Now())
	e.threadTS, e.user, e.botID, e.text, e.metadata = p.ThreadTS, BotUserID, BotID, p.Text, p.Metadata
	s.msgs = append(s.msgs, e)
	p.TS = e.ts
	s.posts = append(s.posts, p)
	s.notify()
	s.mu.Unlock()
	writeJSON(w, map[string]any{"ok": true, "channel": channel, "ts": p.TS,
		"message": map[string]any{"type": "message", "text": p.Text, "ts": p.TS, "bot_id": BotID, "thread_ts": p.ThreadTS}})
}

func (s *Server) getUploadURL(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(r.Form.Get("length"))
	name := r.Form.Get("filename")
	if err != nil || n <= 0 || name == "" {
		writeJSON(w, map[string]any{"ok": false, "error": "invalid_arguments"})
		return
	}
	s.mu.Lock()
	s.tsSeq++
	id := fmt.Sprintf("F%06d", s.tsSeq)
	s.pending[id] = &pendingUpload{filename: name, alt: r.Form.Get("alt_txt"), length: n}
	s.mu.Unlock()
	writeJSON(w, map[string]any{"ok": true, "upload_url": s.APIURL + "upload/" + id, "file_id": id})
}

// upload receives a file's bytes (multipart, field "file") at the URL
// getUploadURL handed out; the length must be the one announced.
func (s *Server) upload(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	f, _, err := r.FormFile("file")
	if err != nil {
		http.Error(w, "no file", http.StatusBadRequest)
		return
	}
	data, err := io.ReadAll(io.LimitReader(f, 50<<20))
	if err != nil {
		http.Error(w, "read", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.pending[id]
	if p == nil || len(data) != p.length {
		http.Error(w, "unknown upload or wrong length", http.StatusBadRequest)
		return
	}
	p.data, p.uploaded = data, true
	fmt.Fprint(w, "OK")
}

func (s *Server) completeUpload(w http.ResponseWriter, r *http.Request) {
	var files []struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	}
	if err := json.Unmarshal([]byte(r.Form.Get("files")), &files); err != nil || len(files) == 0 {
		writeJSON(w, map[string]any{"ok": false, "error": "invalid_arguments"})
		return
	}
	channel := r.Form.Get("channel_id")
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []map[string]any
	for _, f := range files {
		p := s.pending[f.ID]
		if p == nil || !p.uploaded {
			writeJSON(w, map[string]any{"ok": false, "error": "file_not_found"})
			return
		}
		delete(s.pending, f.ID)
		if channel != "" {
			s.uploads = append(s.uploads, Upload{ID: f.ID, Channel: channel, Filename: p.filename, Title: f.Title, AltText: p.alt,
				Comment: r.Form.Get("initial_comment"), Bytes: p.data})
		}
		out = append(out, map[string]any{"id": f.ID, "title": f.Title})
	}
	s.notify()
	writeJSON(w, map[string]any{"ok": true, "files": out})
}

// Uploads returns the files shared to channels so far.
func (s *Server) Uploads() []Upload {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Upload(nil), s.uploads...)
}

// WaitUploads waits until at least n files were shared.
func (s *Server) WaitUploads(n int, timeout time.Duration) ([]Upload, error) {
	err := s.wait(timeout, func() bool { return len(s.uploads) >= n })
	return s.Uploads(), err
}

// newEntry assigns a message posted at `at` its ts: the Unix second, and a
// sequence number as the microseconds (unique, and ordered within a second).
// s.mu must be held.
func (s *Server) newEntry(channel string, at time.Time) entry {
	s.tsSeq++
	return entry{channel: channel, sec: at.Unix(), seq: int64(s.tsSeq),
		ts: fmt.Sprintf("%d.%06d", at.Unix(), s.tsSeq%1_000_000)}
}

// AddMessage puts a message in a channel's history (not in Posts) and
// returns its ts.
func (s *Server) AddMessage(m Message) string {
	at := m.At
	if at.IsZero() {
		at = time.Now()
	}
	if m.User == "" && m.BotID == "" {
		m.User = "UALICE"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.newEntry(m.Channel, at)
	e.user, e.botID, e.text, e.metadata = m.User, m.BotID, m.Text, m.Metadata
	s.msgs = append(s.msgs, e)
	s.notify()
	return e.ts
}

// parseTS splits a Slack ts ("1711400000.000123") into its parts.
func parseTS(ts string) (sec, micro int64, ok bool) {
	a, b, found := strings.Cut(ts, ".")
	sec, err1 := strconv.ParseInt(a, 10, 64)
	if !found {
		return sec, 0, err1 == nil
	}
	micro, err2 := strconv.ParseInt(b, 10, 64)
	return sec, micro, err1 == nil && err2 == nil
}

// cmpTS orders two (sec, micro) pairs.
func cmpTS(s1, m1, s2, m2 int64) int {
	if c := cmp.Compare(s1, s2); c != 0 {
		return c
	}
	return cmp.Compare(m1, m2)
}

// history answers conversations.history as Slack does: the channel's
// top-level messages newest first, after oldest and before latest (both
// exclusive unless inclusive=1), limit per page (default 100, at most 999,
// and at most MaxHistoryPage when set), with has_more and an opaque
// response_metadata.next_cursor ("next_ts:<ts>", base64) for the next page.
func (s *Server) history(w http.ResponseWriter, r *http.Request) {
	channel := r.Form.Get("channel")
	limit := 100
	if v := r.Form.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			writeJSON(w, map[string]any{"ok": false, "error": "invalid_limit"})
			return
		}
		if n > 0 {
			limit = min(n, 999)
		}
	}
	if s.MaxHistoryPage > 0 {
		limit = min(limit, s.MaxHistoryPage)
	}
	inclusive := r.Form.Get("inclusive") == "1" || r.Form.Get("inclusive") == "true"
	type bound struct {
		set       bool
		sec, usec int64
	}
	parseBound := func(name string) (bound, bool) {
		v := r.Form.Get(name)
		if v == "" {
			return bound{}, true
		}
		sec, usec, ok := parseTS(v)
		return bound{true, sec, usec}, ok
	}
	oldest, ok1 := parseBound("oldest")
	latest, ok2 := parseBound("latest")
	if !ok1 || !ok2 {
		writeJSON(w, map[string]any{"ok": false, "error": "invalid_ts_oldest"})
		return
	}
	var cursor bound
	if c := r.Form.Get("cursor"); c != "" {
		raw, err := base64.StdEncoding.DecodeString(c)
		ts, found := strings.CutPrefix(string(raw), "next_ts:")
		sec, usec, ok := parseTS(ts)
		if err != nil || !found || !ok {
			writeJSON(w, map[string]any{"ok": false, "error": "invalid_cursor"})
			return
		}
		cursor = bound{true, sec, usec}
	}
	withMeta := r.Form.Get("include_all_metadata") == "1" || r.Form.Get("include_all_metadata") == "true"
	s.mu.Lock()
	var list []entry
	for _, e := range s.msgs {
		if e.channel != channel || e.threadTS != "" {
			continue
		}
		_, usec, _ := parseTS(e.ts)
		after := func(b bound) int { return cmpTS(e.sec, usec, b.sec, b.usec) }
		switch {
		case oldest.set && (after(oldest) < 0 || after(oldest) == 0 && !inclusive),
			latest.set && (after(latest) > 0 || after(latest) == 0 && !inclusive),
			cursor.set && after(cursor) > 0:
			continue
		}
		list = append(list, e)
	}
	s.mu.Unlock()
	slices.SortStableFunc(list, func(a, b entry) int { // newest first
		if c := cmp.Compare(b.sec, a.sec); c != 0 {
			return c
		}
		return cmp.Compare(b.seq, a.seq)
	})
	msgs := []map[string]any{}
	for _, e := range list[:min(limit, len(list))] {
		m := map[string]any{"type": "message", "text": e.text, "ts": e.ts}
		if e.user != "" {
			m["user"] = e.user
		}
		if e.botID != "" {
			m["bot_id"] = e.botID
		}
		if withMeta && e.metadata != nil {
			m["metadata"] = e.metadata
		}
		msgs = append(msgs, m)
	}
	out := map[string]any{"ok": true, "messages": msgs, "has_more": len(list) > limit}
	if len(list) > limit {
		out["response_metadata"] = map[string]any{
			"next_cursor": base64.StdEncoding.EncodeToString([]byte("next_ts:" + list[limit].ts))}
	}
	writeJSON(w, out)
}

func (s *Server) response(w http.ResponseWriter, r *http.Request) {
	var msg struct {
		ResponseType    string          `json:"response_type"`
		Text            string          `json:"text"`
		Blocks          json.RawMessage `json:"blocks"`
		ReplaceOriginal bool            `json:"replace_original"`
		DeleteOriginal  bool            `json:"delete_original"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&msg); err != nil {
		http.Error(w, "invalid_payload", http.StatusBadRequest)
		return
	}
	resp := Response{ID: r.PathValue("id"), ResponseType: msg.ResponseType, Text: msg.Text,
		Blocks: msg.Blocks, ReplaceOriginal: msg.ReplaceOriginal, DeleteOriginal: msg.DeleteOriginal}
	if s.OnResponse != nil {
		s.OnResponse(resp)
	}
	s.mu.Lock()
	s.calls["response_url"]++
	s.responses = append(s.responses, resp)
	s.notify()
	s.mu.Unlock()
	writeJSON(w, map[string]any{"ok": true})
}

func (s *Server) socket(w http.ResponseWriter, r *http.Request) {
	conn, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	s.mu.Lock()
	old := s.ws
	s.ws = conn
	s.sockets++
	s.mu.Unlock()
	if old != nil {
		old.Close()
	}
	hello := map[string]any{"type": "hello", "num_connections": 1,
		"connection_info": map[string]any{"app_id": "ANEWSDESK"},
		"debug_info":      map[string]any{"host": "slackfake", "approximate_connection_time": 3600}}
	if err := s.write(conn, hello); err != nil {
		return
	}
	s.mu.Lock()
	s.notify()
	s.mu.Unlock()
	done := make(chan struct{})
	defer close(done)
	go func() { // pings, as Slack sends them
		t := time.NewTicker(s.PingInterval)
		defer t.Stop()
		for {
			s.wsWrite.Lock()
			err := conn.WriteControl(websocket.PingMessage, []byte("ping"), time.Now().Add(time.Second))
			s.wsWrite.Unlock()
			if err != nil {
				return
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	for {
		var ack Ack
		if err := conn.ReadJSON(&ack); err != nil {
			s.mu.Lock()
			if s.ws == conn {
				s.ws = nil
			}
			s.notify()
			s.mu.Unlock()
			return
		}
		s.mu.Lock()
		s.acks = append(s.acks, ack)
		s.notify()
		s.mu.Unlock()
	}
}

func (s *Server) write(conn *websocket.Conn, v any) error {
	s.wsWrite.Lock()
	defer s.wsWrite.Unlock()
	_ = conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return conn.WriteJSON(v)
}

// send pushes one envelope to the connected Socket Mode client.
func (s *Server) send(typ string, payload any) (string, error) {
	s.mu.Lock()
	conn := s.ws
	s.envSeq++
	id := fmt.Sprintf("env-%04d", s.envSeq)
	s.mu.Unlock()
	if conn == nil {
		return "", fmt.Errorf("send %s envelope: no socket mode client connected", typ)
	}
	raw, err := json.Marshal(payload)
	if err != nil {
		return "", fmt.Errorf("send %s envelope: %w", typ, err)
	}
	env := envelope{EnvelopeID: id, Type: typ, Payload: raw, AcceptsResponsePayload: typ == "slash_commands"}
	s.mu.Lock()
	s.sent[id] = env
	s.mu.Unlock()
	if err := s.write(conn, env); err != nil {
		return "", fmt.Errorf("send %s envelope: %w", typ, err)
	}
	return id, nil
}

// SendSlashCommand pushes a slash_commands envelope and returns its envelope id.
func (s *Server) SendSlashCommand(cmd slack.SlashCommand) (string, error) {
	return s.send("slash_commands", cmd)
}

// SendInteraction pushes an interactive envelope whose payload is an
// interaction callback (a block_actions click) and returns its envelope id.
func (s *Server) SendInteraction(callback any) (string, error) {
	return s.send("interactive", callback)
}

// SendEvent pushes an events_api envelope whose payload is an Events API
// event_callback (see AppMention) and returns its envelope id.
func (s *Server) SendEvent(callback any) (string, error) {
	return s.send("events_api", callback)
}

// AppMention builds the Events API event_callback for an app_mention.
func AppMention(eventID, channel, user, text, ts string) map[string]any {
	return map[string]any{
		"token": "unused", "team_id": TeamID, "api_app_id": "ANEWSDESK", "type": "event_callback",
		"event_id": eventID, "event_time": 1711400000,
		"event": map[string]any{"type": "app_mention", "user": user, "text": text, "ts": ts,
			"channel": channel, "event_ts": ts},
	}
}

// Sign returns the X-Slack-Signature value Slack would send for body at ts
// with the signing secret: "v0=" + hex(HMAC-SHA256("v0:<ts>:<body>")).
func Sign(secret string, body []byte, ts time.Time) string {
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%d:", ts.Unix())
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// SignRequest sets the X-Slack-Request-Timestamp and X-Slack-Signature
// headers on req for body signed at ts.
func SignRequest(req *http.Request, secret string, body []byte, ts time.Time) {
	req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts.Unix(), 10))
	req.Header.Set("X-Slack-Signature", Sign(secret, body, ts))
}
