// Package slackfake is a fake Slack on loopback for tests: an httptest
// server that speaks enough of the real Slack Web API (chat.postMessage,
// conversations.history, auth.test, apps.connections.open), the
// response_url protocol and the Socket Mode websocket protocol for the real
// slack-go client to talk to it.
//
// It records what was posted (channel, blocks, text, thread, metadata, unfurl
// flags), can be scripted to answer 429 with Retry-After or 5xx a number of
// times, answers conversations.history from what was posted and what tests
// added (AddMessage), newest first, paged as Slack pages it (limit, oldest,
// latest, cursor / has_more / response_metadata.next_cursor; MaxHistoryPage
// models Slack's cap for non-Marketplace apps); message ts values derive from
// the real time of posting. On its Socket Mode websocket it sends hello,
// pushes slash_commands, interactive and events_api envelopes, records the
// client's acks, and can drop the connection (DropSocket), ask the client
// to reconnect (SendDisconnect) and deliver an envelope again (Replay). Sign signs a request body the way
// Slack does, for tests that POST to an adapter's HTTP endpoints.
//
// slackfake is test support: it may import slack-go, gorilla/websocket and
// the standard library, and must not import any newsdesk package.
package slackfake
