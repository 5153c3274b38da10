package slack

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// RunSocketMode connects to Slack over Socket Mode (SLACK_APP_TOKEN) and
// serves slash_commands, events_api (app_mention) and interactive (Share
// button) envelopes until ctx ends, acknowledging each envelope. A slash
// command that answers within the ack budget is answered in its ack;
// otherwise the ack says "Working on it…" and the answer follows through
// response_url. It returns nil when ctx is cancelled.
func (a *Adapter) RunSocketMode(ctx context.Context) error {
	if a.cfg.AppToken == "" {
		return errors.New("slack socket mode: no app-level token: set SLACK_APP_TOKEN (xapp-…)")
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	client := socketmode.New(a.api, socketmode.OptionLog(slogPrinter{a}))
	runErr := make(chan error, 1)
	go func() { runErr <- client.RunContext(ctx) }()
	for {
		select {
		case err := <-runErr:
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("slack socket mode: %w", err)
		case evt := <-client.Events:
			a.socketEvent(ctx, client, evt)
		}
	}
}

func (a *Adapter) socketEvent(ctx context.Context, client *socketmode.Client, evt socketmode.Event) {
	switch evt.Type {
	case socketmode.EventTypeConnected:
		a.log.Info("socket mode connected")
	case socketmode.EventTypeConnectionError, socketmode.EventTypeIncomingError, socketmode.EventTypeErrorBadMessage, socketmode.EventTypeErrorWriteFailed:
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
		a.wg.Go(func() {
			answer, late := a.command(cmd)
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
			first, err := a.cfg.Deliveries.FirstSeen(ctx, "slack:event:"+id, time.Now(), eventKeep)
			switch {
			case err != nil:
				a.log.Error("slack event not executed: cannot record its delivery", "event_id", id, "error", err)
				return
			case !first:
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
