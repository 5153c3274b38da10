package slack

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"

	"github.com/slack-go/slack/slackevents"

	"github.com/newsdesk/newsdesk/bot"
	"github.com/newsdesk/newsdesk/chat"
)

// eventID is an event_callback's event_id ("" when it has none).
func eventID(ev slackevents.EventsAPIEvent) string {
	if cb, _ := ev.Data.(*slackevents.EventsAPICallbackEvent); cb != nil {
		return cb.EventID
	}
	return ""
}

// serveEvents answers POST /slack/events: url_verification, and
// app_mention events answered in a thread.
func (a *Adapter) serveEvents(w http.ResponseWriter, r *http.Request) {
	body, ok := a.verified(w, r)
	if !ok {
		return
	}
	// The signature is verified; the legacy verification token is not used.
	ev, err := slackevents.ParseEvent(json.RawMessage(body), slackevents.OptionNoVerifyToken())
	if err != nil {
		a.log.Warn("event unparsable", "error", err)
		// 200 so that Slack does not retry an event we will never understand.
		w.WriteHeader(http.StatusOK)
		return
	}
	switch ev.Type {
	case slackevents.URLVerification:
		var v slackevents.EventsAPIURLVerificationEvent
		if err := json.Unmarshal(body, &v); err != nil {
			http.Error(w, "bad url_verification", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte(v.Challenge))
	case slackevents.CallbackEvent:
		// Slack retries an event it thinks went unanswered
		// (X-Slack-Retry-Num), and a captured one may be sent again: each
		// event id is handled once, across restarts.
		retry := r.Header.Get("X-Slack-Retry-Num")
		if id := eventID(ev); id != "" && a.seenBefore(w, r, chat.Request{Platform: Platform, Kind: "event", ID: id, Keep: eventKeep}, "event", "event_id", id, "retry", retry) {
			return
		}
		w.WriteHeader(http.StatusOK)
		a.callback(ev)
	default:
		w.WriteHeader(http.StatusOK)
	}
}

// callback handles an event_callback (HTTP or Socket Mode); the caller has
// already acknowledged it and checked that it is not a replay.
func (a *Adapter) callback(ev slackevents.EventsAPIEvent) {
	m, ok := ev.InnerEvent.Data.(*slackevents.AppMentionEvent)
	if !ok {
		return
	}
	if m.BotID != "" {
		return // never answer a bot, ourselves included
	}
	a.goLate(func(ctx context.Context) { a.mention(ctx, m) })
}

var leadingMentions = regexp.MustCompile(`^(?:\s*<@[A-Z0-9]+(?:\|[^>]*)?>)+\s*`)

// stripMention removes the leading <@BOTID> mention(s) from a message.
func stripMention(text string) string {
	return strings.TrimSpace(leadingMentions.ReplaceAllString(text, ""))
}

// mention answers an app_mention in a thread under the message.
func (a *Adapter) mention(ctx context.Context, m *slackevents.AppMentionEvent) {
	req := bot.Request{Platform: "slack", Channel: m.Channel, User: m.User, Text: stripMention(m.Text)}
	a.log.Info("mention", "channel", m.Channel, "user", m.User, "text_len", len(req.Text))
	start := a.cfg.Clock.Now()
	reply := a.handleSlot(ctx, req)
	a.observe(reply, true, start)
	thread := m.ThreadTimeStamp
	if thread == "" {
		thread = m.TimeStamp
	}
	msgs := transport{a}.Split(reply)
	for i := range msgs {
		msgs[i].thread = thread
	}
	if _, err := chat.Deliver(ctx, transport{a}, m.Channel, "", msgs, a.policy); err != nil {
		a.log.Error("mention reply failed", "channel", m.Channel, "error", err)
	}
	a.uploadChart(ctx, m.Channel, thread, reply)
}
