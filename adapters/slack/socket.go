package slack

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/newsdesk/newsdesk/chat"
)

// RunSocketMode connects to Slack over Socket Mode (SLACK_APP_TOKEN) and
// serves slash_commands, events_api (app_mention) and interactive (Share
// button) envelopes until ctx ends, acknowledging each envelope. A slash
// command that answers within the ack budget is answered in its ack;
// otherwise the ack says "Working on it…" and the answer follows through
// response_url. It returns nil when ctx is cancelled.
//
// Slack unreachable, at start-up or later (apps.connections.open or the
// WebSocket failing, an auth error, a dropped connection that does not come
// back at once) never makes it return: it retries with backoff, 1s doubling
// to a minute on Config.After's clock, and SocketReady reports false
// meanwhile, so that the rest of serve keeps serving. Each failed attempt is
// logged. slack-go's own reconnection loop (on the real clock, up to five
// minutes between tries) is cut short at its first failure so that this
// backoff is the only one.
func (a *Adapter) RunSocketMode(ctx context.Context) error {
	if a.cfg.AppToken == "" {
		return errors.New("slack socket mode: no app-level token: set SLACK_APP_TOKEN (xapp-…)")
	}
	wait := time.Duration(0)
	for attempt := 1; ; attempt++ {
		connected, err := a.socketSession(ctx)
		a.socketReady.Store(false)
		if ctx.Err() != nil {
			return nil
		}
		if connected {
			wait, attempt = 0, 1 // it was up: start the backoff again
		}
		wait = nextBackoff(wait)
		a.log.Warn("slack socket mode: not connected; retrying", "attempt", attempt, "in", wait, "error", err)
		select {
		case <-ctx.Done():
			return nil
		case <-a.cfg.After(wait):
		}
	}
}

// SocketReady reports whether the Socket Mode connection is up (for
// /readyz).
func (a *Adapter) SocketReady() bool { return a.socketReady.Load() }

// nextBackoff is 1s, doubling to at most a minute.
func nextBackoff(wait time.Duration) time.Duration {
	return min(max(2*wait, time.Second), time.Minute)
}

// socketSession runs one Socket Mode client until ctx ends or its
// connection fails, and reports whether it was connected at some point.
func (a *Adapter) socketSession(ctx context.Context) (connected bool, err error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	client := socketmode.New(a.api, socketmode.OptionLog(slogPrinter{a}))
	runErr := make(chan error, 1)
	go func() { runErr <- client.RunContext(ctx) }()
	for {
		select {
		case err := <-runErr:
			if err == nil {
				err = errors.New("socket mode client stopped")
			}
			return connected, fmt.Errorf("slack socket mode: %w", err)
		case evt := <-client.Events:
			switch evt.Type {
			case socketmode.EventTypeConnected:
				connected = true
				a.socketReady.Store(true)
			case socketmode.EventTypeConnecting, socketmode.EventTypeDisconnect:
				a.socketReady.Store(false)
			case socketmode.EventTypeConnectionError, socketmode.EventTypeInvalidAuth:
				a.socketReady.Store(false)
				cause := errors.New("invalid auth: check SLACK_APP_TOKEN (xapp-…, scope connections:write)")
				if ce, ok := evt.Data.(*slack.ConnectionErrorEvent); ok && ce.ErrorObj != nil {
					cause = ce.ErrorObj
				}
				cancel()
				<-runErr
				return connected, fmt.Errorf("slack socket mode: connect: %w", cause)
			}
			a.socketEvent(ctx, client, evt)
		}
	}
}

func (a *Adapter) socketEvent(ctx context.Context, client *socketmode.Client, evt socketmode.Event) {
	switch evt.Type {
	case socketmode.EventTypeConnected:
		a.log.Info("socket mode connected")
	case socketmode.EventTypeIncomingError, socketmode.EventTypeErrorBadMessage, socketmode.EventTypeErrorWriteFailed:
		a.log.Warn("socket mode trouble", "event", string(evt.Type))
	case socketmode.EventTypeInvalidAuth:
		a.log.Error("socket mode: invalid auth: check SLACK_APP_TOKEN")
	case socketmode.EventTypeSlashCommand:
		cmd, ok := evt.Data.(slack.SlashCommand)
		if !ok || evt.Request == nil {
			return
		}
		envelope := evt.Request.EnvelopeID
		// Each command runs on its own so that a slow one does not hold up the others.
		a.flight.Go(0, func(context.Context) {
			answer, late := a.command(cmd, a.cfg.Clock.Now())
			if err := client.AckCtx(ctx, envelope, answer); err != nil {
				// Too big for an ack (20 KB): ack bare and answer through response_url.
				a.log.Warn("slash command ack with payload failed; answering through response_url", "error", err)
				_ = client.AckCtx(ctx, envelope, nil)
				a.goLate(func(ctx context.Context) { a.respondAll(ctx, cmd.ResponseURL, []commandAnswer{answer}) })
			}
			if late != nil {
				a.goLate(late)
			}
		})
	case socketmode.EventTypeEventsAPI:
		if evt.Request == nil {
			return
		}
		_ = client.AckCtx(ctx, evt.Request.EnvelopeID, nil)
		ev, ok := evt.Data.(slackevents.EventsAPIEvent)
		if !ok || ev.Type != slackevents.CallbackEvent {
			return
		}
		if id := eventID(ev); id != "" {
			replay, err := chat.Replay(ctx, a.cfg.Deliveries, chat.Request{Platform: Platform, Kind: "event", ID: id, Keep: eventKeep}, time.Now())
			switch {
			case err != nil:
				a.log.Error("slack event not executed: cannot record its delivery", "event_id", id, "error", err)
				return
			case replay:
				a.log.Warn("slack event already delivered: a replay, ignored", "event_id", id, "retry", evt.Request.RetryAttempt)
				return
			}
		}
		a.callback(ev)
	case socketmode.EventTypeInteractive:
		if evt.Request == nil {
			return
		}
		_ = client.AckCtx(ctx, evt.Request.EnvelopeID, nil)
		if cb, ok := evt.Data.(slack.InteractionCallback); ok && cb.Type == slack.InteractionTypeBlockActions {
			a.goLate(func(ctx context.Context) { a.share(ctx, cb) })
		}
	}
}

// slogPrinter routes slack-go's internal log lines to slog at debug level.
type slogPrinter struct{ a *Adapter }

func (p slogPrinter) Output(_ int, s string) error {
	p.a.log.Debug("socketmode", "msg", s)
	return nil
}
