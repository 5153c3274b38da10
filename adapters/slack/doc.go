// Package slack is newsdesk's Slack adapter: slash commands over HTTP
// (POST /slack/commands) and Socket Mode, app_mention events (POST
// /slack/events, answered in a thread), the "Share in channel" button (POST
// /slack/interactions), Block Kit rendering of bot.Reply values, and
// Slack's side of chat delivery (a chat.Transport: chat.postMessage with
// unfurling off, split to 50 blocks, the chat.Mark in message metadata,
// conversations.history, slack-go's errors classified by type); Post and
// FindSlot deliver digests through chat.Deliver and chat.Find, which own
// exactly-once, retries and Retry-After. The adapter is a chat.Front.
//
// Every HTTP request is verified (v0 HMAC signature over the raw body, five
// minute window) before anything in it is parsed; a refused request gets 401
// and is logged without its body. A verified request is executed once:
// its signature (and an event's event_id) goes to Config.Deliveries (the
// state store in serve), and a replay gets 200 with nothing done. Over
// Socket Mode an envelope's id, and a command's or click's trigger_id, are
// recorded the same way, so an envelope delivered again (on the same
// connection or after a reconnect) is acked with nothing done. Text from articles is escaped for mrkdwn so
// it can never mention anyone or break the layout.
//
// It imports bot (for Request, Reply, Item), chat, news (for statement
// kinds), internal/seen (the in-memory Deliveries default), internal/admit
// (the request's arrival time, the wall clock) and slack-go only: never
// index, state, bot/digest or another adapter. Its subpackage slackfake is
// a fake Slack for tests, which also drives the chat conformance suite.
package slack
