package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/chat"
	"github.com/newsdesk/newsdesk/internal/admit"
)

// Response types of a slash command answer.
const (
	ephemeral = slack.ResponseTypeEphemeral // "ephemeral"
	inChannel = slack.ResponseTypeInChannel // "in_channel"
)

// shareActionID is the action_id of the "Share in channel" button.
const shareActionID = "newsdesk_share"

// lateAnswerPostTimeout bounds the posts of one late answer (retries
// included).
const lateAnswerPostTimeout = 30 * time.Second

// workingText is the immediate acknowledgement of a slow command.
const workingText = "Working on it…"

// commandAnswer is a slash command's inline JSON answer (and a Socket Mode
// ack payload).
type commandAnswer struct {
	ResponseType string        `json:"response_type"`
	Text         string        `json:"text"`
	Blocks       []slack.Block `json:"blocks,omitempty"`
}

func responseType(r bot.Reply) string {
	if r.Public {
		return inChannel
	}
	return ephemeral
}

// shareable says whether an ephemeral reply gets a "Share in channel" button.
func shareable(r bot.Reply, text string) bool {
	if r.Public || text == "" || len(text) > 2000 {
		return false
	}
	switch r.Kind {
	case bot.KindResults, bot.KindArticle, bot.KindActor, bot.KindDigest:
		return true
	}
	return false
}

// answerMessages renders a command's reply as one or more messages of at
// most 50 blocks; an ephemeral reply's first message ends with a "Share in
// channel" button carrying the command text.
func (a *Adapter) answerMessages(r bot.Reply, text string) []commandAnswer {
	rt := responseType(r)
	fb := fallbackText(r)
	var out []commandAnswer
	for _, chunk := range split(render(r, a.cfg.Command)) {
		out = append(out, commandAnswer{ResponseType: rt, Text: fb, Blocks: chunk})
	}
	if shareable(r, text) && len(out[0].Blocks) < maxBlocks {
		btn := slack.NewButtonBlockElement(shareActionID, text,
			slack.NewTextBlockObject(slack.PlainTextType, "Share in channel", false, false))
		out[0].Blocks = append(out[0].Blocks, slack.NewActionBlock("newsdesk_actions", btn))
	}
	return out
}

// serveCommand answers POST /slack/commands. The ack budget counts from the
// request's arrival (admit.Arrivals); the acknowledgement is written and
// flushed before any late answer is sent through response_url.
func (a *Adapter) serveCommand(w http.ResponseWriter, r *http.Request) {
	start, ok := admit.Arrival(r.Context())
	if !ok {
		start = a.cfg.Clock.Now()
	}
	body, ok := a.verified(w, r)
	if !ok || a.replayed(w, r) {
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	cmd, err := slack.SlashCommandParse(r)
	if err != nil {
		a.log.Warn("slash command unparsable", "error", err)
		http.Error(w, "bad request: not a slash command form", http.StatusBadRequest)
		return
	}
	answer, late := a.command(cmd, start)
	if err := writeAnswer(w, answer); err != nil {
		a.log.Warn("slash command acknowledgement not written; no late answer", "error", err)
		return
	}
	if late != nil {
		a.goLate(late)
	}
}

// writeAnswer writes v whole (with its length) and flushes it to the
// connection, so that the acknowledgement is on its way to Slack before
// anything reaches response_url.
func writeAnswer(w http.ResponseWriter, v commandAnswer) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode answer: %w", err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("write answer: %w", err)
	}
	if err := http.NewResponseController(w).Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return fmt.Errorf("flush answer: %w", err)
	}
	return nil
}

// command runs a slash command (from HTTP or Socket Mode) that arrived at
// start. It returns the immediate answer and, when the reply was slow, the
// command had to wait for a slot, or the reply needs several messages, late
// work that sends the rest through response_url. A command that finds
// every slot and the queue full is told at once that newsdesk is busy; one
// that waits for a slot past its answer's useful life (LateTimeout, at most
// the response_url's 30 minutes) is cancelled and told the same through
// response_url.
func (a *Adapter) command(cmd slack.SlashCommand, start time.Time) (commandAnswer, func(context.Context)) {
	if cmd.Command != "" && cmd.Command != a.cfg.Command {
		a.log.Warn("slash command name differs from the configured one", "got", cmd.Command, "want", a.cfg.Command)
	}
	req := bot.Request{Platform: "slack", Channel: cmd.ChannelID, User: cmd.UserID, Text: cmd.Text}
	a.log.Info("slash command", "channel", cmd.ChannelID, "user", cmd.UserID, "text_len", len(cmd.Text))
	life := min(a.cfg.LateTimeout, responseURLLife)
	res, inTime, later := a.handleAdmitted(req, start, start.Add(a.cfg.AckBudget), life)
	if inTime {
		if res.busy {
			a.log.Warn("slash command turned away: newsdesk is busy", "channel", cmd.ChannelID)
		}
		a.observe(res.reply, false, start)
		msgs := a.answerMessages(res.reply, cmd.Text)
		if len(msgs) == 1 && res.reply.Chart == nil {
			return msgs[0], nil
		}
		return msgs[0], func(ctx context.Context) {
			a.respondAll(ctx, cmd.ResponseURL, msgs[1:])
			a.uploadChart(ctx, cmd.ChannelID, "", res.reply)
		}
	}
	return commandAnswer{ResponseType: ephemeral, Text: workingText}, func(context.Context) {
		// The work is bounded by its own context (the answer's life); the
		// wait ends with it, or when the adapter shuts down.
		var res admitted
		select {
		case res = <-later:
		case <-a.flight.Context().Done():
			a.log.Warn("slow command abandoned: shutting down", "channel", cmd.ChannelID)
			a.observe(bot.Reply{Command: "unknown", Outcome: bot.TimedOut}, true, start)
			return
		}
		a.observe(res.reply, true, start)
		if res.busy || res.expired {
			a.log.Warn("slash command not run: no slot within its answer's life", "channel", cmd.ChannelID, "busy", res.busy)
		}
		// Posting gets a context of its own: the response_url outlives
		// the work's.
		pctx, cancel := context.WithTimeout(a.flight.Context(), lateAnswerPostTimeout)
		defer cancel()
		a.respondAll(pctx, cmd.ResponseURL, a.answerMessages(res.reply, cmd.Text))
		a.uploadChart(pctx, cmd.ChannelID, "", res.reply)
	}
}

// uploadChart shares a chart answer's PNG in the channel (or thread), with
// its summary as the alt text: Slack files cannot be ephemeral, so the
// chart is seen by the channel while the text answer went to the asker.
// One attempt: a retry after an unclear failure could share it twice.
func (a *Adapter) uploadChart(ctx context.Context, channel, thread string, r bot.Reply) {
	if r.Chart == nil || len(r.Chart.PNG) == 0 {
		return
	}
	_, err := a.api.UploadFileContext(ctx, slack.UploadFileParameters{
		Channel: channel, ThreadTimestamp: thread, Filename: r.Chart.Name, Title: chat.Truncate(r.Title, 250),
		FileSize: len(r.Chart.PNG), Reader: bytes.NewReader(r.Chart.PNG), AltTxt: chat.Truncate(r.Chart.Alt, 1000),
	})
	if err != nil {
		a.cfg.Metrics.PostFailed(Platform, "file")
		a.log.Error("chart upload failed", "channel", channel, "file", r.Chart.Name, "error", err)
		return
	}
	a.log.Info("chart shared", "channel", channel, "file", r.Chart.Name, "bytes", len(r.Chart.PNG))
}

// respondAll posts messages to a response_url (Slack accepts up to five
// per command).
func (a *Adapter) respondAll(ctx context.Context, responseURL string, msgs []commandAnswer) {
	if responseURL == "" {
		a.log.Warn("late answer dropped: the command carried no response_url")
		return
	}
	if len(msgs) > 5 {
		msgs = msgs[:5]
	}
	for i, m := range msgs {
		if err := a.respond(ctx, responseURL, m); err != nil {
			a.cfg.Metrics.PostFailed("slack", "response_url")
			a.log.Error("response_url post failed", "message", i+1, "of", len(msgs), "error", err)
			return
		}
	}
}

func (a *Adapter) respond(ctx context.Context, responseURL string, m commandAnswer) error {
	return chat.Retry(ctx, transport{a}, a.policy, "response_url", func() error {
		_, _, err := a.api.PostMessageContext(ctx, "",
			slack.MsgOptionResponseURL(responseURL, m.ResponseType),
			slack.MsgOptionText(m.Text, false),
			slack.MsgOptionBlocks(m.Blocks...))
		return hideURL(err, responseURL)
	}, nil)
}

// urlHidden is an error whose text has a credential URL replaced: a
// response_url lets whoever holds it post to the channel, so it never
// reaches a log. Unwrap keeps the error's type for classification.
type urlHidden struct {
	err error
	url string
}

func (e *urlHidden) Error() string {
	s := e.err.Error()
	s = strings.ReplaceAll(s, e.url, "<response_url>")
	if u, err := url.Parse(e.url); err == nil && u.Path != "" {
		s = strings.ReplaceAll(s, u.Path, "/<response_url path>") // as some errors quote it
	}
	return s
}

func (e *urlHidden) Unwrap() error { return e.err }

// hideURL wraps err (nil stays nil) so that its text never shows u.
func hideURL(err error, u string) error {
	if err == nil || u == "" {
		return err
	}
	return &urlHidden{err: err, url: u}
}

// share answers a click on "Share in channel": it runs the command again
// and posts the reply in the channel through the interaction's response_url.
func (a *Adapter) share(ctx context.Context, cb slack.InteractionCallback) {
	for _, act := range cb.ActionCallback.BlockActions {
		if act == nil || act.ActionID != shareActionID {
			continue
		}
		req := bot.Request{Platform: "slack", Channel: cb.Channel.ID, User: cb.User.ID, Text: act.Value}
		a.log.Info("share clicked", "channel", cb.Channel.ID, "user", cb.User.ID)
		start := a.cfg.Clock.Now()
		reply := a.handleSlot(ctx, req)
		a.observe(reply, true, start)
		if reply.Kind == bot.KindError {
			a.respondAll(ctx, cb.ResponseURL, a.answerMessages(reply, ""))
			return
		}
		reply.Public = true
		a.respondAll(ctx, cb.ResponseURL, a.answerMessages(reply, act.Value))
		return
	}
}

// serveInteraction answers POST /slack/interactions (block_actions).
func (a *Adapter) serveInteraction(w http.ResponseWriter, r *http.Request) {
	body, ok := a.verified(w, r)
	if !ok || a.replayed(w, r) {
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad request: not a form", http.StatusBadRequest)
		return
	}
	var cb slack.InteractionCallback
	if err := json.Unmarshal([]byte(r.PostForm.Get("payload")), &cb); err != nil {
		a.log.Warn("interaction payload unparsable", "error", err)
		http.Error(w, "bad request: payload is not an interaction", http.StatusBadRequest)
		return
	}
	w.WriteHeader(http.StatusOK)
	if cb.Type == slack.InteractionTypeBlockActions {
		a.goLate(func(ctx context.Context) { a.share(ctx, cb) })
	}
}
