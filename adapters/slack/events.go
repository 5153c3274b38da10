package slack

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/newsdesk/newsdesk/bot"
)

const (
	seenTTL = time.Hour
	seenMax = 10000
)

// firstSeen records an Events API event id and reports whether it is new.
// Slack retries an event it thinks went unanswered (X-Slack-Retry-Num); an
// event already handled is not handled again.
func (a *Adapter) firstSeen(eventID string) bool {
	if eventID == "" {
		return true
	}
	now := time.Now()
	a.seenMu.Lock()
	defer a.seenMu.Unlock()
	if _, dup := a.seen[eventID]; dup {
		return false
	}
	if len(a.seen) >= seenMax {
		for id, t := range a.seen {
			if now.Sub(t) > seenTTL {
				delete(a.seen, id)
			}
		}
		if len(a.seen) >= seenMax { // all recent: drop arbitrary half
			n := 0
			for id := range a.seen {
				if n >= seenMax/2 {
					break
				}
				delete(a.seen, id)
				n++
			}
		}
	}
	a.seen[eventID] = now
	return true
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
		w.WriteHeader(http.StatusOK)
		a.callback(ev, r.Header.Get("X-Slack-Retry-Num"))
	default:
		w.WriteHeader(http.StatusOK)
	}
}

// callback handles an event_callback (HTTP or Socket Mode); the caller has
// already acknowledged it.
func (a *Adapter) callback(ev slackevents.EventsAPIEvent, retryNum string) {
	cb, _ := ev.Data.(*slackevents.EventsAPICallbackEvent)
	eventID := ""
	if cb != nil {
		eventID = cb.EventID
	}
	m, ok := ev.InnerEvent.Data.(*slackevents.AppMentionEvent)
	if !ok {
		return
	}
	if m.BotID != "" {
		return // never answer a bot, ourselves included
	}
	if !a.firstSeen(eventID) {
		a.log.Info("duplicate event ignored", "event_id", eventID, "retry", retryNum)
		return
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
	reply := a.handle(ctx, req)
	thread := m.ThreadTimeStamp
	if thread == "" {
		thread = m.TimeStamp
	}
	text := fallbackText(reply)
	for i, chunk := range split(render(reply, a.cfg.Command)) {
		if _, err := a.postBlocks(ctx, m.Channel, chunk, text, mark{}, slack.MsgOptionTS(thread)); err != nil {
			a.log.Error("mention reply failed", "channel", m.Channel, "message", i+1, "error", err)
			return
		}
	}
}
