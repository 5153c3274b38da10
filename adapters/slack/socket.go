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
// response_url, as it does when the connection the command came on is gone
// before the answer is ready. An envelope delivered again (the same
// envelope id, or a command or click with the same trigger_id, an event
// with the same event_id), on this connection or a later one, is acked with
// nothing done; while the first delivery is still being answered on the
// same client, the replay is not acked at all, so that the one ack Slack
// takes is the answer. It returns nil when ctx is cancelled.
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
		wait = chat.ReconnectWait(wait)
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
		retry := evt.Request.RetryAttempt
		start := a.cfg.Clock.Now()
		// Each command runs on its own so that a slow one does not hold up the others.
		a.flight.Go(0, func(context.Context) {
			// A delivery of an envelope this client is still answering is
			// left to that answer: its ack is the one Slack takes.
			if prev, busy := a.claimEnvelope(envelope, client); busy {
				if prev == client {
					a.log.Warn("slack slash command already delivered: a replay while it is answered, whose ack answers both", "envelope_id", envelope, "retry", retry)
					return
				}
				// Its answer is on a connection that is gone and goes
				// through response_url: ack this one bare.
				a.log.Warn("slack slash command already delivered: a replay, ignored; the first answer goes through response_url", "envelope_id", envelope, "retry", retry)
				_ = client.AckCtx(ctx, envelope, nil)
				return
			}
			switch first, err := a.socketFirst(ctx, envelope, cmd.TriggerID); {
			case err != nil:
				a.log.Error("slack slash command not executed: cannot record its delivery", "envelope_id", envelope, "error", err)
				_ = a.ackClaimed(ctx, client, envelope, commandAnswer{ResponseType: ephemeral, Text: notRecordedText})
				return
			case !first:
				a.log.Warn("slack slash command already delivered: a replay, ignored", "envelope_id", envelope, "retry", retry)
				_ = a.ackClaimed(ctx, client, envelope, nil)
				return
			}
			answer, late := a.command(cmd, start)
			switch {
			case ctx.Err() != nil:
				// The session the command came on is over: an ack queued
				// now would never be sent.
				a.releaseEnvelope(envelope, client)
				a.log.Warn("socket mode connection gone before the slash command was answered; answering through response_url", "envelope_id", envelope)
				a.goLate(func(ctx context.Context) { a.respondAll(ctx, cmd.ResponseURL, []commandAnswer{answer}) })
			default:
				if err := a.ackClaimed(ctx, client, envelope, answer); err != nil {
					// Too big for an ack (20 KB): ack bare and answer through response_url.
					a.log.Warn("slash command ack with payload failed; answering through response_url", "envelope_id", envelope, "error", err)
					_ = client.AckCtx(ctx, envelope, nil)
					a.goLate(func(ctx context.Context) { a.respondAll(ctx, cmd.ResponseURL, []commandAnswer{answer}) })
				}
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
		envelope := evt.Request.EnvelopeID
		_ = client.AckCtx(ctx, envelope, nil)
		cb, ok := evt.Data.(slack.InteractionCallback)
		if !ok || cb.Type != slack.InteractionTypeBlockActions {
			return
		}
		switch first, err := a.socketFirst(ctx, envelope, cb.TriggerID); {
		case err != nil:
			a.log.Error("slack interaction not executed: cannot record its delivery", "envelope_id", envelope, "error", err)
			return
		case !first:
			a.log.Warn("slack interaction already delivered: a replay, ignored", "envelope_id", envelope, "retry", evt.Request.RetryAttempt)
			return
		}
		a.goLate(func(ctx context.Context) { a.share(ctx, cb) })
	}
}

// notRecordedText answers a Socket Mode slash command whose delivery
// cannot be recorded: it is not run, as a replay of it could not be told.
const notRecordedText = "newsdesk cannot record this command right now, so it was not run. Please try again."

// socketFirst reports whether a Socket Mode envelope is delivered for the
// first time, remembering it: by its envelope id (Slack redelivers an
// envelope it holds unacknowledged, on whichever connection is up then)
// and by its trigger_id when it has one (unique to one command or click,
// whatever envelope carries it). Every key is recorded, and any one seen
// before makes it a replay.
func (a *Adapter) socketFirst(ctx context.Context, envelopeID, triggerID string) (bool, error) {
	reqs := []chat.Request{{Platform: Platform, Kind: "envelope", ID: envelopeID, Keep: eventKeep}}
	if triggerID != "" {
		reqs = append(reqs, chat.Request{Platform: Platform, Kind: "trigger", ID: triggerID, Keep: eventKeep})
	}
	first := true
	for _, r := range reqs {
		replay, err := chat.Replay(ctx, a.cfg.Deliveries, r, time.Now())
		if err != nil {
			return false, err
		}
		first = first && !replay
	}
	return first, nil
}

// claimEnvelope records that client is answering a slash command's
// envelope, unless one is already (then busy, and prev is that client).
func (a *Adapter) claimEnvelope(envelope string, client *socketmode.Client) (prev *socketmode.Client, busy bool) {
	a.socketMu.Lock()
	defer a.socketMu.Unlock()
	if prev, busy := a.socketPending[envelope]; busy {
		return prev, true
	}
	if a.socketPending == nil {
		a.socketPending = map[string]*socketmode.Client{}
	}
	a.socketPending[envelope] = client
	return nil, false
}

// releaseEnvelope drops client's claim on envelope.
func (a *Adapter) releaseEnvelope(envelope string, client *socketmode.Client) {
	a.socketMu.Lock()
	defer a.socketMu.Unlock()
	if a.socketPending[envelope] == client {
		delete(a.socketPending, envelope)
	}
}

// ackClaimed queues the ack of a claimed envelope and drops the claim in
// one step, so that a replay arriving meanwhile is either left to this ack
// (it saw the claim) or acked after it (it did not).
func (a *Adapter) ackClaimed(ctx context.Context, client *socketmode.Client, envelope string, payload any) error {
	a.socketMu.Lock()
	defer a.socketMu.Unlock()
	if a.socketPending[envelope] == client {
		delete(a.socketPending, envelope)
	}
	return client.AckCtx(ctx, envelope, payload)
}

// slogPrinter routes slack-go's internal log lines to slog at debug level.
type slogPrinter struct{ a *Adapter }

func (p slogPrinter) Output(_ int, s string) error {
	p.a.log.Debug("socketmode", "msg", s)
	return nil
}
